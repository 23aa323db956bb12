package antom.core

import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.security.Signature
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList

/**
 * [Client.send] through the jar: round trips against `antom mock` (the repository's
 * simulator, a separate implementation that checks the request signature), and the network
 * failures, each of which must come back [Outcome.UNKNOWN] and never throw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendIT {
    private lateinit var mock: AntomMock

    @BeforeAll
    fun start() {
        mock = AntomMock()
    }

    @AfterAll
    fun stop() = mock.close()

    private fun payBody(id: String) =
        """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"},""" +
            """"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"order":{"orderDescription":"jvm send test"}}"""

    private fun field(json: String, name: String): String =
        Regex("\"$name\":\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in the response")

    @Test
    fun payThenInquireAgainstTheSimulator() {
        val client = mock.client()
        val id = "jvm-send-${System.nanoTime()}"
        val pay = client.send("v1/payments/pay", payBody(id))
        assertNull(pay.error, mock.log())
        assertEquals(200, pay.httpStatus)
        assertEquals(1, pay.attempts)
        val response = pay.response ?: error("no response: ${pay.error}")
        assertTrue(response.verified, "the simulator's answer is signed")
        assertEquals(ResultStatus.UNKNOWN, response.resultStatus) // U PAYMENT_IN_PROCESS: the buyer has not paid
        assertEquals("PAYMENT_IN_PROCESS", response.resultCode)
        assertEquals(Outcome.PENDING, pay.outcome)
        assertEquals(response.outcome, pay.outcome)
        assertEquals("/ams/sandbox/api/v1/payments/pay", pay.request.path)
        assertTrue(!pay.toString().contains(id), "a SendResult's string form shows no body")

        val before = client.send("v1/payments/inquiryPayment", """{"paymentRequestId":"$id"}""")
        assertEquals("PROCESSING", field(before.response!!.bodyText(), "paymentStatus"))
        assertEquals(Outcome.PENDING, before.outcome)

        assertEquals(200, mock.get(field(response.bodyText(), "normalUrl"))) // the buyer pays
        val after = client.send("v1/payments/inquiryPayment", """{"paymentRequestId":"$id"}""".toByteArray())
        assertEquals("SUCCESS", field(after.response!!.bodyText(), "paymentStatus"))
        assertEquals(Outcome.SUCCEEDED, after.outcome)
    }

    @Test
    fun worksWithAnExternalSigner() {
        val jdkKey = TestKeys.jdkPrivate(TestKeys.merchantPrivateText)
        val client = Client(
            clientId = AntomMock.CLIENT_ID,
            antomPublicKey = PublicKey(TestKeys.antomPublicText),
            gatewayUrl = mock.url,
            merchantPublicKey = PublicKey(TestKeys.merchantPublicText),
            signer = { request ->
                Signature.getInstance("SHA256withRSA").run { initSign(jdkKey); update(request.message); sign() }
            },
        )
        val result = client.send("v1/payments/pay", payBody("jvm-signer-${System.nanoTime()}"))
        assertTrue(result.response!!.verified, mock.log())
        assertEquals(Outcome.PENDING, result.outcome)
    }

    @Test
    fun aFailedInquiryIsUnknownNotFailed() {
        val result = mock.client().send("v1/payments/inquiryPayment", """{"paymentRequestId":"never-sent-${System.nanoTime()}"}""")
        assertTrue(result.response!!.verified)
        assertEquals(ResultStatus.FAILED, result.response!!.resultStatus)
        assertEquals("ORDER_NOT_EXIST", result.response!!.resultCode)
        // The inquiry failed (verified F), which says nothing final about a payment.
        assertEquals(Outcome.UNKNOWN, result.outcome)
    }

    @Test
    fun simulatorHttp503IsUnknown() {
        val id = "SIM_HTTP_503_jvm-${System.nanoTime()}"
        val result = mock.client().send("v1/payments/pay", payBody(id), SendOptions(retries = 1))
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(503, result.httpStatus)
        assertEquals(SendError.HTTP_STATUS, result.error!!.code)
        assertEquals("HTTP 503", result.error!!.message)
        assertNull(result.response)
        assertEquals(2, result.attempts, "a 5xx is retried when retries are asked for (the request id is its idempotency key)")
    }

    @Test
    fun simulatorDelayPastTheTimeoutIsUnknownAndTookEffect() {
        val client = mock.client()
        val id = "SIM_DELAY_3000_jvm-${System.nanoTime()}"
        val started = System.nanoTime()
        val result = client.send("v1/payments/pay", payBody(id), SendOptions(timeout = Duration.ofMillis(1000)))
        val took = Duration.ofNanos(System.nanoTime() - started)
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(SendError.TIMEOUT, result.error!!.code)
        assertNull(result.httpStatus)
        assertTrue(took < Duration.ofMillis(2500), "the timeout was not applied: $took")
        // Why a timeout is never "failed": the payment exists; inquire (never pay again).
        val inquiry = client.send("v1/payments/inquiryPayment", """{"paymentRequestId":"$id"}""")
        assertEquals("PROCESSING", field(inquiry.response!!.bodyText(), "paymentStatus"))
        assertEquals(Outcome.PENDING, inquiry.outcome)
    }

    /** A local gateway that answers each request with the next scripted reply (status or delay). */
    private class Scripted(vararg val replies: String) : AutoCloseable {
        val received = CopyOnWriteArrayList<Pair<Map<String, List<String>>, ByteArray>>()
        private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            executor = java.util.concurrent.Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
            createContext("/") { exchange ->
                exchange.use {
                    val body = exchange.requestBody.readAllBytes()
                    received += exchange.requestHeaders.toMap() to body
                    when (val reply = replies[minOf(received.size, replies.size) - 1]) {
                        "503" -> exchange.sendResponseHeaders(503, -1)
                        "400" -> exchange.sendResponseHeaders(400, -1)
                        "sleep" -> Thread.sleep(3000)
                        "endless" -> {
                            // A 2xx whose body goes on for 15 s (about 6 MB/s): a client that reads
                            // it to the end takes that long; one that stops past maxBodyBytes does not.
                            exchange.sendResponseHeaders(200, 0)
                            val chunk = ByteArray(64 * 1024) { 'x'.code.toByte() }
                            val end = System.nanoTime() + Duration.ofSeconds(15).toNanos()
                            try {
                                while (System.nanoTime() < end) {
                                    exchange.responseBody.write(chunk)
                                    exchange.responseBody.flush()
                                    Thread.sleep(10)
                                }
                            } catch (_: java.io.IOException) {
                                // the client hung up: what this test wants
                            }
                        }
                        else -> {
                            check(reply == "signed")
                            val answer = """{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"SUCCESS"}"""
                            TestKeys.antomHeaders(exchange.requestURI.rawPath, answer).forEach { (n, v) -> exchange.responseHeaders.add(n, v) }
                            val bytes = answer.toByteArray()
                            exchange.sendResponseHeaders(200, bytes.size.toLong())
                            exchange.responseBody.write(bytes)
                        }
                    }
                }
            }
            start()
        }
        val url get() = "http://127.0.0.1:${server.address.port}"
        fun client(maxBodyBytes: Long? = null) = Client(
            clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = url, maxBodyBytes = maxBodyBytes,
        )
        override fun close() = server.stop(0)
    }

    @Test
    fun anEndless2xxBodyIsCutAtMaxBodyBytesAndRefused() = Scripted("endless").use { gateway ->
        val client = gateway.client(maxBodyBytes = 100_000)
        val started = System.nanoTime()
        val e = assertThrows<AntomException> {
            client.send("v1/payments/inquiryPayment", inquiry, SendOptions(timeout = Duration.ofSeconds(20)))
        }
        assertEquals(AntomException.INVALID_INPUT, e.code)
        val took = Duration.ofNanos(System.nanoTime() - started)
        assertTrue(took < Duration.ofSeconds(10), "the body was read to its end or the timeout: $took")
    }

    @Test
    fun aClientThatFollowsRedirectsIsRefused() {
        val following = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build()
        val e = assertThrows<IllegalArgumentException> { SendOptions(httpClient = following) }
        assertTrue(e.message!!.contains("followRedirects"), e.message)
    }

    private val inquiry = """{"paymentRequestId":"pay_1"}"""

    @Test
    fun non2xxIsUnknownAndNotRetriedByDefault() = Scripted("503", "signed").use { gateway ->
        val result = gateway.client().send("v1/payments/inquiryPayment", inquiry)
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(503, result.httpStatus)
        assertEquals(SendError.HTTP_STATUS, result.error!!.code)
        assertNull(result.response)
        assertEquals(1, result.attempts)
        assertEquals(1, gateway.received.size)
    }

    @Test
    fun timeoutIsUnknown() = Scripted("sleep").use { gateway ->
        val started = System.nanoTime()
        val result = gateway.client().send("v1/payments/inquiryPayment", inquiry, SendOptions(timeout = Duration.ofMillis(500)))
        val took = Duration.ofNanos(System.nanoTime() - started)
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(SendError.TIMEOUT, result.error!!.code)
        assertNull(result.httpStatus)
        assertTrue(took < Duration.ofMillis(2500), "the timeout was not applied: $took")
    }

    @Test
    fun transportErrorIsUnknown() {
        val closedPort = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
        val client = Client(
            clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = "http://127.0.0.1:$closedPort",
        )
        val result = client.send("v1/payments/inquiryPayment", inquiry)
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(SendError.TRANSPORT_ERROR, result.error!!.code)
        assertNotNull(result.error!!.cause)
        assertNull(result.httpStatus)
    }

    @Test
    fun retriesResendTheIdenticalRequestAfter5xxAndTimeouts() = Scripted("503", "sleep", "signed").use { gateway ->
        // The core's backoff (250-500 ms, then 500-1000 ms) replaces the old fixed delay.
        val options = SendOptions.builder().retries(2).timeout(Duration.ofMillis(1000)).build()
        val started = System.nanoTime()
        val result = gateway.client().send("v1/payments/inquiryPayment", inquiry, options)
        val took = Duration.ofNanos(System.nanoTime() - started)
        assertTrue(took >= Duration.ofMillis(1000 + 250 + 500), "the attempts and the core's waits: $took")
        assertEquals(3, result.attempts)
        assertEquals(Outcome.SUCCEEDED, result.outcome)
        assertEquals(200, result.httpStatus)
        assertEquals(3, gateway.received.size)
        val (firstHeaders, firstBody) = gateway.received[0]
        for ((headers, body) in gateway.received) {
            assertTrue(body.contentEquals(firstBody), "every attempt sends the same bytes")
            for (name in listOf("Signature", "Request-Time", "Client-Id", "Content-Type")) {
                assertEquals(firstHeaders[name], headers[name], "every attempt sends the same $name")
            }
        }
        assertTrue(firstBody.contentEquals(result.request.bodyBytes()))
        assertEquals(listOf(result.request.headerMap()["Signature"]), firstHeaders["Signature"])
    }

    @Test
    fun anUnknownResultCanBeResentIdentically() = Scripted("503", "signed").use { gateway ->
        val client = gateway.client()
        val first = client.send("v1/payments/inquiryPayment", inquiry)
        assertEquals(Outcome.UNKNOWN, first.outcome)
        val again = client.send(first.request)
        assertEquals(Outcome.SUCCEEDED, again.outcome)
        assertEquals(2, gateway.received.size)
        val (h1, b1) = gateway.received[0]
        val (h2, b2) = gateway.received[1]
        assertTrue(b1.contentEquals(b2))
        assertEquals(h1["Signature"], h2["Signature"])
        assertEquals(h1["Request-Time"], h2["Request-Time"])
    }

    @Test
    fun noRetryAfterA4xx() = Scripted("400", "signed").use { gateway ->
        val result = gateway.client().send("v1/payments/inquiryPayment", inquiry, SendOptions(retries = 3))
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(400, result.httpStatus)
        assertEquals(1, gateway.received.size)
    }

    @Test
    fun aReplyThatFailsVerificationThrows() = AntomSimulator(AntomSimulator.Mode.TAMPERED).use { antom ->
        val client = Client(
            clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = antom.url,
        )
        val e = assertThrows<AntomException> { client.send("v1/payments/inquiryPayment", inquiry) }
        assertEquals(AntomException.SIGNATURE_MISMATCH, e.code)
        antom.mode = AntomSimulator.Mode.UNSIGNED_FAILURE // an unsigned F: accepted, never a final failure
        val unsigned = client.send("v1/payments/inquiryPayment", inquiry)
        assertEquals(false, unsigned.response!!.verified)
        assertEquals(Outcome.UNKNOWN, unsigned.outcome)
    }
}
