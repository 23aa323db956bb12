package antom.core

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.startCoroutine

/**
 * [sendAwait], the `suspend` form of [Client.sendAsync], from coroutines started with the
 * standard library's `startCoroutine` (no kotlinx), against `antom mock` (`SIM_FLAKY_<n>_`,
 * `SIM_DELAY_<ms>_`) and a gateway whose replies fail verification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendSuspendIT {
    private lateinit var mock: AntomMock

    @BeforeAll
    fun start() {
        mock = AntomMock()
    }

    @AfterAll
    fun stop() = mock.close()

    private fun payBody(id: String) =
        """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"},""" +
            """"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"order":{"orderDescription":"jvm suspend test"}}"""

    private fun id(kind: String) = "${kind}jvm-${System.nanoTime()}"

    /** Runs [block] as a coroutine (stdlib only); the future completes with what it returns or throws. */
    private fun <T> launch(block: suspend () -> T): CompletableFuture<T> {
        val done = CompletableFuture<T>()
        block.startCoroutine(Continuation(EmptyCoroutineContext) { result ->
            result.fold({ done.complete(it) }, { done.completeExceptionally(it) })
        })
        return done
    }

    @Test
    fun aPaySucceedsFromACoroutineThatSuspendsWithoutBlockingItsCaller() {
        val caller = Thread.currentThread()
        var resumedOn: Thread? = null
        val coroutine = launch {
            val result = mock.client().sendAwait("v1/payments/pay", payBody(id("SIM_DELAY_1000_")))
            resumedOn = Thread.currentThread()
            result
        }
        // startCoroutine returned at the first suspension, long before the reply (1 s late).
        assertFalse(coroutine.isDone, "the coroutine blocked its caller instead of suspending")
        val result = coroutine.get(30, TimeUnit.SECONDS)
        assertNull(result.error, mock.log())
        assertEquals(1, result.attempts)
        assertEquals(200, result.httpStatus)
        assertEquals(Outcome.PENDING, result.outcome) // the simulator's pay: U PAYMENT_IN_PROCESS
        assertTrue(result.response!!.verified)
        assertTrue(resumedOn != null && resumedOn !== caller, "resumed on the thread that completed the send")
    }

    @Test
    fun aFlakyPayIsRetriedWithTheCoresDecisionsAndResentIdentically() {
        val events = CopyOnWriteArrayList<SendEvent>()
        val policy = RetryPolicy(maxAttempts = 4, initialBackoffMs = 100, maxBackoffMs = 400, attemptTimeoutMs = 5_000, deadlineMs = 20_000)
        val client = mock.client()
        val (result, again) = launch {
            val first = client.sendAwait("v1/payments/pay", payBody(id("SIM_FLAKY_2_")), SendOptions(retryPolicy = policy, onEvent = { events += it }))
            first to client.sendAwait(first.request)
        }.get(30, TimeUnit.SECONDS)
        assertNull(result.error, mock.log())
        assertEquals(3, result.attempts)
        assertEquals(Outcome.PENDING, result.outcome)
        assertEquals(listOf(1, 2, 3), events.map { it.attempt })
        assertEquals(listOf(503, 503, 200), events.map { it.httpStatus })
        assertEquals(listOf(RetryDecision.RETRY, RetryDecision.RETRY, null), events.map { it.retry })
        assertTrue(events[0].retryDelayMs!! in 50L..100L, "first wait ${events[0].retryDelayMs}")
        assertTrue(events[1].retryDelayMs!! in 100L..200L, "second wait ${events[1].retryDelayMs}")
        // The prepared request resent from the coroutine: the same bytes, one attempt.
        assertSame(result.request, again.request)
        assertEquals(1, again.attempts)
        assertEquals(Outcome.PENDING, again.outcome)
    }

    @Test
    fun theSendsErrorsAreThrownInTheCoroutineUnwrapped() = AntomSimulator(AntomSimulator.Mode.TAMPERED).use { antom ->
        val client = Client(
            clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = antom.url,
        )
        val codes = launch {
            val tampered = try {
                client.sendAwait("v1/payments/inquiryPayment", """{"paymentRequestId":"pay_1"}""")
                null
            } catch (e: AntomException) {
                e.code
            }
            val refused = try { // a policy the core refuses: nothing is sent
                client.sendAwait("v1/payments/inquiryPayment", """{"paymentRequestId":"pay_2"}""", SendOptions(timeout = Duration.ofMinutes(11)))
                null
            } catch (e: AntomException) {
                e.code
            }
            tampered to refused
        }.get(30, TimeUnit.SECONDS)
        assertEquals(AntomException.SIGNATURE_MISMATCH to AntomException.INVALID_INPUT, codes)
        assertEquals(1, antom.requestSignaturesValid.size) // the refused policy sent nothing
    }
}
