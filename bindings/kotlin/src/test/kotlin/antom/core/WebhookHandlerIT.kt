package antom.core

import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** [WebhookHandler] through the jar: directly, and behind a JDK server that `antom mock` notifies. */
class WebhookHandlerIT {
    private val path = "/antom/notify"
    private val body = """{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S",""" +
        """"resultMessage":"success"},"paymentRequestId":"pay_1","paymentId":"2025051900000001"}"""
    private val headers = TestKeys.antomHeaders(path, body, timeHeader = "request-time")

    @Test
    fun acknowledgesOnlyAfterTheCallbackReturns() {
        val seen = mutableListOf<Notification>()
        val handler = WebhookHandler(TestKeys.verifyOnlyClient(), path, { seen += it })
        val reply = handler.handle(headers, body.toByteArray())
        assertEquals(200, reply.status)
        assertEquals(NOTIFICATION_ACK, reply.body)
        assertEquals("application/json", reply.contentType)
        assertNull(reply.errorCode)
        assertEquals(1, seen.size)
        assertEquals(Outcome.SUCCEEDED, seen[0].outcome)
        assertEquals("PAYMENT_RESULT", seen[0].notifyType)
    }

    @Test
    fun aForgedNotificationIs401WithTheCodeOnly() {
        val seen = mutableListOf<Notification>()
        val handler = WebhookHandler(TestKeys.verifyOnlyClient(), path, { seen += it })
        val forged = body.replace("pay_1", "pay_2").toByteArray() // one byte changed
        val reply = handler.handle(headers.toMap(), forged)
        assertEquals(401, reply.status)
        assertEquals(AntomException.SIGNATURE_MISMATCH, reply.body)
        assertEquals(AntomException.SIGNATURE_MISMATCH, reply.errorCode)
        assertTrue(reply.contentType.startsWith("text/plain"))
        val unsigned = handler.handle(emptyList(), body.toByteArray())
        assertEquals(401, unsigned.status)
        assertEquals(AntomException.MISSING_HEADER, unsigned.body)
        // Registered at another path: the signature covers the path.
        assertEquals(401, WebhookHandler(TestKeys.verifyOnlyClient(), "/other", { seen += it }).handle(headers, body.toByteArray()).status)
        assertEquals(0, seen.size, "nothing unverified reaches the callback")
    }

    @Test
    fun aCallbackThatThrowsIs500() {
        val failure = IllegalStateException("database down")
        val handler = WebhookHandler(TestKeys.verifyOnlyClient(), path, { throw failure })
        val reply = handler.handle(headers, body.toByteArray())
        assertEquals(500, reply.status)
        assertEquals(WebhookReply.PROCESSING_FAILED, reply.body)
        assertSame(failure, reply.cause)
        assertTrue(!reply.toString().contains("database down"))
    }

    @Test
    fun theSimulatorsNotificationIsVerifiedAndAcknowledged() = AntomMock().use { mock ->
        val received = LinkedBlockingQueue<Notification>()
        val verifier = Client(clientId = AntomMock.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText))
        val handler = WebhookHandler(verifier, path, { received += it })
        val statuses = LinkedBlockingQueue<Int>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext(path) { exchange ->
                exchange.use {
                    val reply = handler.handle(exchange.requestHeaders, exchange.requestBody.readAllBytes())
                    statuses += reply.status
                    exchange.responseHeaders.set("Content-Type", reply.contentType)
                    val bytes = reply.bodyBytes()
                    exchange.sendResponseHeaders(reply.status, bytes.size.toLong())
                    exchange.responseBody.write(bytes)
                }
            }
            start()
        }
        try {
            val id = "jvm-webhook-${System.nanoTime()}"
            val pay = mock.client().send(
                "v1/payments/pay",
                """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT",""" +
                    """"paymentAmount":{"currency":"USD","value":"1000"},"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},""" +
                    """"paymentNotifyUrl":"http://127.0.0.1:${server.address.port}$path"}""",
            )
            val normalUrl = Regex("\"normalUrl\":\"([^\"]*)\"").find(pay.response!!.bodyText())!!.groupValues[1]
            assertEquals(200, mock.get(normalUrl)) // the buyer pays: the simulator sends notifyPayment
            val notification = received.poll(20, TimeUnit.SECONDS) ?: error("no notification arrived:\n${mock.log()}")
            assertEquals(200, statuses.poll(5, TimeUnit.SECONDS))
            assertEquals(Outcome.SUCCEEDED, notification.outcome)
            assertTrue(notification.bodyText().contains(id))
        } finally {
            server.stop(0)
        }
    }
}
