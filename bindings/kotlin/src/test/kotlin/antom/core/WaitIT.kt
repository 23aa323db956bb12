package antom.core

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.util.Collections
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/**
 * [waitForOutcome] against `antom mock`: a wallet pay stays PROCESSING until the buyer visits its
 * normalUrl and no notification is resent, so the merchant inquires. The waits and when to stop
 * are the core's (crates/antom-core/src/outcome_wait.rs); this checks the glue follows them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaitIT {
    private lateinit var mock: AntomMock

    @BeforeAll
    fun start() {
        mock = AntomMock()
    }

    @AfterAll
    fun stop() = mock.close()

    private fun payBody(id: String) =
        """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"},""" +
            """"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"order":{"orderDescription":"jvm wait test"}}"""

    private fun field(json: String, name: String): String =
        Regex("\"$name\":\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    /** A wallet pay, PENDING until the buyer pays; returns the normalUrl the buyer visits. */
    private fun pendingPayment(client: Client, id: String): String {
        val pay = client.send("v1/payments/pay", payBody(id))
        assertEquals(Outcome.PENDING, pay.outcome, mock.log())
        assertTrue(pay.response!!.verified)
        return field(pay.response!!.bodyText(), "normalUrl")
    }

    @Test
    fun thePolicyDefaultsAreTheCoresAndAreChecked() {
        assertEquals(InquiryPolicy(1_000, 10_000, 120_000), InquiryPolicy())
        for (bad in listOf({ InquiryPolicy(firstDelayMs = 0) }, { InquiryPolicy(maxDelayMs = 60_001) }, { InquiryPolicy(deadlineMs = -1) })) {
            assertEquals(AntomException.INVALID_INPUT, assertThrows<AntomException> { bad() }.code)
        }
    }

    @Test
    fun theBuyerPaysMidWaitAndTheWaitEndsSucceeded() {
        val client = mock.client()
        val id = "jvm-wait-paid-${System.nanoTime()}"
        val url = pendingPayment(client, id)
        val seen = Collections.synchronizedList(mutableListOf<Pair<Int, Outcome>>())
        val apis = Collections.synchronizedList(mutableListOf<String>())
        val payer = CompletableFuture.supplyAsync { Thread.sleep(300); mock.get(url) }
        val result = client.waitForOutcome(
            id,
            InquiryPolicy(firstDelayMs = 100, maxDelayMs = 200, deadlineMs = 10_000),
            options = SendOptions(onEvent = { apis.add(it.api) }),
            onInquiry = { r, n -> seen.add(n to r.outcome) },
        )
        assertEquals(200, payer.get(10, TimeUnit.SECONDS))
        assertEquals(Outcome.SUCCEEDED, result.outcome, mock.log())
        assertEquals("FINAL", result.reason)
        assertTrue(result.inquiries >= 2, "${result.inquiries}")
        assertEquals("SUCCESS", field(result.response!!.bodyText(), "paymentStatus"))
        assertEquals(id, field(result.response!!.bodyText(), "paymentRequestId"))
        assertEquals((1..result.inquiries).toList(), seen.map { it.first })
        assertEquals(List(seen.size - 1) { Outcome.PENDING }, seen.dropLast(1).map { it.second })
        assertEquals(Outcome.SUCCEEDED, seen.last().second)
        assertEquals(List(result.inquiries) { "payments.inquiryPayment" }, apis.toList()) // never a second pay
    }

    @Test
    fun aPaymentNeverPaidStopsAtTheDeadlineOnTime() {
        val client = mock.client()
        val id = "jvm-wait-unpaid-${System.nanoTime()}"
        pendingPayment(client, id)
        val started = System.nanoTime()
        val result = client.waitForOutcome(id, InquiryPolicy(firstDelayMs = 50, maxDelayMs = 100, deadlineMs = 700))
        val tookMs = (System.nanoTime() - started) / 1_000_000
        assertEquals(Outcome.PENDING, result.outcome)
        assertEquals("DEADLINE_REACHED", result.reason)
        assertEquals("PROCESSING", field(result.response!!.bodyText(), "paymentStatus"))
        assertTrue(result.inquiries >= 5, "${result.inquiries}")
        assertTrue(tookMs in 599..1_199, "$tookMs ms")
    }

    @Test
    fun unknownPaymentsStayUnknownAndRefundsUseInquiryRefund() {
        val client = mock.client()
        val missing = client.waitForOutcome("jvm-wait-missing-${System.nanoTime()}", InquiryPolicy(50, 50, 300))
        assertEquals(Outcome.UNKNOWN, missing.outcome) // never FAILED
        assertEquals("DEADLINE_REACHED", missing.reason)
        assertTrue(missing.inquiries >= 2, "${missing.inquiries}")
        val apis = mutableListOf<String>()
        val refund = client.waitForOutcome(
            "jvm-wait-refund-${System.nanoTime()}", InquiryPolicy(deadlineMs = 100),
            api = "v1/payments/refund", options = SendOptions(onEvent = { apis.add(it.api) }),
        )
        assertEquals(1, refund.inquiries)
        assertEquals(listOf("payments.inquiryRefund"), apis)
        assertThrows<IllegalArgumentException> { client.waitForOutcome("x", api = "v1/payments/cancel") }
        assertThrows<IllegalArgumentException> { client.waitForOutcome("") }
    }
}
