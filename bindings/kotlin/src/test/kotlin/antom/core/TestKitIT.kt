package antom.core

import antom.core.testing.FakeGateway
import antom.core.testing.TestKit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.URLDecoder
import java.security.KeyFactory
import java.security.Signature
import java.security.spec.X509EncodedKeySpec
import java.util.Base64

/**
 * A merchant-style unit test that uses only the testing kit (antom.core.testing): no simulator
 * process, no network. A webhook handler that fulfils each order once is driven through a
 * success, a pending, a failure, a duplicate and a forgery; `send` runs against FakeGateway.
 * The kit's signatures are also checked with the JDK's own RSA (an independent implementation).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestKitIT {
    private val kit = TestKit()
    private val client = kit.client()

    @AfterAll
    fun close() {
        client.close()
        kit.close()
    }

    /** The merchant's code under test: fulfil paid orders once per notification. */
    private class Shop {
        val fulfilled = mutableListOf<String>()
        val seen = mutableSetOf<String>()
        val pending = mutableListOf<String>()
        val failed = mutableListOf<String>()

        fun onNotification(n: Notification) {
            if (!seen.add(n.dedupKey)) return // a redelivery: already handled
            val order = antom.core.models.NotifyPaymentRequest.fromJson(n.bodyText()).paymentRequestId!!
            when (n.outcome) {
                Outcome.SUCCEEDED -> fulfilled += order
                Outcome.PENDING -> pending += order
                Outcome.FAILED -> failed += order
                Outcome.UNKNOWN -> Unit
            }
        }
    }

    @Test
    fun aWebhookHandlerThroughSuccessPendingFailureADuplicateAndAForgery() {
        val shop = Shop()
        val handler = WebhookHandler(client, TestKit.DEFAULT_NOTIFY_PATH, shop::onNotification)

        val paid = kit.notification("PAYMENT_RESULT", mapOf("paymentRequestId" to "order-1", "paymentId" to "P-1"))
        assertEquals(200, handler.handle(paid.headers, paid.body).status)
        assertEquals(listOf("order-1"), shop.fulfilled)

        val pending = kit.notification("PAYMENT_PENDING", mapOf("paymentRequestId" to "order-2", "paymentId" to "P-2"))
        assertEquals(200, handler.handle(pending.headers, pending.body).status)
        assertEquals(listOf("order-2"), shop.pending)

        val declined = kit.notification(
            "PAYMENT_RESULT",
            mapOf(
                "paymentRequestId" to "order-3",
                "paymentId" to "P-3",
                "result.resultStatus" to "F",
                "result.resultCode" to "USER_BALANCE_NOT_ENOUGH",
                "result.resultMessage" to "balance",
            ),
        )
        assertEquals(200, handler.handle(declined.headers, declined.body).status)
        assertEquals(listOf("order-3"), shop.failed)

        // Antom delivers again until acknowledged: the same notification twice is fulfilled once.
        assertEquals(200, handler.handle(paid.headers, paid.body).status)
        assertEquals(listOf("order-1"), shop.fulfilled)

        // A forgery: the paid body with another amount, the original signature.
        val forged = paid.withBody(paid.bodyText.replace("\"paymentRequestId\":\"order-1\"", "\"paymentRequestId\":\"order-9\"").toByteArray())
        val reply = handler.handle(forged.headers, forged.body)
        assertEquals(401, reply.status)
        assertEquals(AntomException.SIGNATURE_MISMATCH, reply.body)
        assertEquals(listOf("order-1"), shop.fulfilled)
    }

    @Test
    fun everyNotificationTypeOfTheCatalogueVerifies() {
        val types = kit.notificationTypes
        assertTrue(types.size >= 19, "$types")
        for (type in types) {
            val n = kit.notification(type)
            // Throws unless it verifies; a notification of the catalogue carries its result.
            val verified = client.verifyNotification(TestKit.DEFAULT_NOTIFY_PATH, n.headers, n.body)
            assertTrue(verified.dedupKey.isNotEmpty(), type)
        }
    }

    @Test
    fun theKitsSignaturesVerifyWithTheJdksOwnRsa() {
        val n = kit.notification("REFUND_RESULT")
        val headers = n.headerMap
        val signature = Regex("signature=([^,]+)").find(headers.getValue("signature"))!!.groupValues[1]
        val content = "POST ${TestKit.DEFAULT_NOTIFY_PATH}\n${headers.getValue("client-id")}.${headers.getValue("request-time")}.${n.bodyText}"
        val jdk = KeyFactory.getInstance("RSA").generatePublic(X509EncodedKeySpec(kit.antomPublicKey.toDer()))
        val verifier = Signature.getInstance("SHA256withRSA")
        verifier.initVerify(jdk)
        verifier.update(content.toByteArray())
        assertTrue(verifier.verify(Base64.getDecoder().decode(URLDecoder.decode(signature, Charsets.UTF_8))))
        assertFalse(kit.toString().contains(kit.antomPublicKey.toBase64()), "the kit's string form holds no key")
    }

    @Test
    fun sendAgainstTheFakeGatewaySignedRepliesFaultsAndTheRequestsSignatureChecked() {
        val gateway = kit.fakeGateway()
        val options = SendOptions(httpClient = gateway)
        val body = """{"paymentRequestId":"order-10","paymentAmount":{"currency":"USD","value":"1000"}}"""

        val paid = client.send("v1/payments/pay", body, options)
        assertEquals(Outcome.SUCCEEDED, paid.outcome)
        assertTrue(paid.response!!.verified)
        assertNull(gateway.received.single().signatureError, "the merchant's signature verified at the gateway")
        assertEquals(body, gateway.received.single().bodyText)

        // U: inquire. In process is PENDING; any other U (UNKNOWN_EXCEPTION) is UNKNOWN.
        gateway.reply("v1/payments/pay", "U", mapOf("result.resultCode" to "PAYMENT_IN_PROCESS"))
        assertEquals(Outcome.PENDING, client.send("v1/payments/pay", body, options).outcome)
        gateway.reply("v1/payments/pay", "U")
        assertEquals(Outcome.UNKNOWN, client.send("v1/payments/pay", body, options).outcome)

        gateway.status("v1/payments/pay", 503).reply("v1/payments/pay", "S")
        val retried = client.send("v1/payments/pay", body, SendOptions(httpClient = gateway, retries = 1))
        assertEquals(Outcome.SUCCEEDED, retried.outcome)
        assertEquals(2, retried.attempts)

        gateway.fail("v1/payments/pay")
        val broken = client.send("v1/payments/pay", body, options)
        assertEquals(Outcome.UNKNOWN, broken.outcome)
        assertEquals(SendError.TRANSPORT_ERROR, broken.error!!.code)

        // An unsigned S is never success.
        gateway.reply("v1/payments/pay", "S", signed = false)
        val unsigned = assertThrows<AntomException> { client.send("v1/payments/pay", body, options) }
        assertEquals(AntomException.UNSIGNED_RESPONSE, unsigned.code)

        // A client with another merchant key is refused by the gateway (401, never processed).
        TestKit().use { other ->
            other.client(FakeGateway.URL).use { stranger ->
                val refused = stranger.send("v1/payments/pay", body, options)
                assertEquals(Outcome.UNKNOWN, refused.outcome)
                assertEquals(401, refused.httpStatus)
                assertEquals(AntomException.SIGNATURE_MISMATCH, gateway.received.last().signatureError)
            }
        }
    }
}
