package antom.core

import com.sun.net.httpserver.HttpServer
import io.opentelemetry.api.common.AttributeKey
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter
import io.opentelemetry.sdk.trace.SdkTracerProvider
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.net.InetSocketAddress
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * [Client.send] and [Client.sendAsync] with the core's retry policy, against `antom mock`'s
 * faults on request (`SIM_FLAKY_<n>_`, `SIM_RESET_<n>_`, `SIM_DELAY_<ms>_`, `SIM_HTTP_503`),
 * the events, their masking, and the OpenTelemetry span.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendRetryIT {
    private lateinit var mock: AntomMock

    @BeforeAll
    fun start() {
        mock = AntomMock()
    }

    @AfterAll
    fun stop() = mock.close()

    private fun payBody(id: String) =
        """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"},""" +
            """"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"order":{"orderDescription":"jvm retry test"}}"""

    private fun id(kind: String) = "${kind}jvm-${System.nanoTime()}"

    /** Fast backoff (100 ms doubling to 400 ms) so the tests stay short. */
    private fun policy(attempts: Int, attemptTimeoutMs: Long = 5_000, deadlineMs: Long = 20_000) = RetryPolicy(
        maxAttempts = attempts, initialBackoffMs = 100, maxBackoffMs = 400,
        attemptTimeoutMs = attemptTimeoutMs, deadlineMs = deadlineMs,
    )

    private fun elapsedSince(started: Long) = Duration.ofNanos(System.nanoTime() - started)

    @Test
    fun aFlakyPayIsRetriedAndSucceedsAfterTheCoresBackoff() {
        val events = CopyOnWriteArrayList<SendEvent>()
        val started = System.nanoTime()
        val result = mock.client().send(
            "v1/payments/pay", payBody(id("SIM_FLAKY_2_")),
            SendOptions(retryPolicy = policy(4), onEvent = { events += it }),
        )
        val took = elapsedSince(started)
        assertNull(result.error, mock.log())
        assertEquals(3, result.attempts)
        assertEquals(Outcome.PENDING, result.outcome) // the simulator's pay: U PAYMENT_IN_PROCESS
        assertEquals(200, result.httpStatus)
        assertEquals(listOf(1, 2, 3), events.map { it.attempt })
        val (first, second, third) = events
        for (failed in listOf(first, second)) {
            assertEquals(503, failed.httpStatus)
            assertEquals(SendError.HTTP_STATUS, failed.errorCode)
            assertEquals(RetryDecision.RETRY, failed.retry)
            assertEquals(Outcome.UNKNOWN.name, failed.outcome)
        }
        // Equal jitter: before retry n the wait is drawn from [b/2, b], b = 100 ms * 2^(n-1).
        assertTrue(first.retryDelayMs!! in 50L..100L, "first wait ${first.retryDelayMs}")
        assertTrue(second.retryDelayMs!! in 100L..200L, "second wait ${second.retryDelayMs}")
        assertTrue(took.toMillis() >= first.retryDelayMs!! + second.retryDelayMs!!, "the waits were not made: $took")
        assertEquals(200, third.httpStatus)
        assertEquals("U", third.resultStatus)
        assertEquals("PAYMENT_IN_PROCESS", third.resultCode)
        assertEquals(Outcome.PENDING.name, third.outcome)
        assertNull(third.retry)
        assertNull(third.errorCode)
        assertEquals("payments.pay", third.api)
        assertEquals(result.request.bodyBytes().size.toLong(), third.requestBodyLen)
        assertEquals(result.response!!.body.size.toLong(), third.responseBodyLen)
    }

    @Test
    fun aResetConnectionIsRetried() {
        val events = CopyOnWriteArrayList<SendEvent>()
        val result = mock.client().send(
            "v1/payments/pay", payBody(id("SIM_RESET_1_")),
            SendOptions.builder().retryPolicy(policy(3)).onEvent { events += it }.build(),
        )
        assertEquals(2, result.attempts, mock.log())
        assertEquals(Outcome.PENDING, result.outcome)
        assertEquals(SendError.TRANSPORT_ERROR, events[0].errorCode)
        assertNull(events[0].httpStatus)
        assertEquals(RetryDecision.RETRY, events[0].retry)
    }

    @Test
    fun theSimpleFormRetriesAFlakyPayToo() {
        val result = mock.client().send("v1/payments/pay", payBody(id("SIM_FLAKY_1_")), SendOptions(retries = 1))
        assertEquals(2, result.attempts)
        assertEquals(Outcome.PENDING, result.outcome)
        // and gives up with the last failure's code when the attempts run out
        val down = mock.client().send("v1/payments/pay", payBody(id("SIM_FLAKY_5_")), SendOptions(retries = 1))
        assertEquals(2, down.attempts)
        assertEquals(Outcome.UNKNOWN, down.outcome)
        assertEquals(SendError.HTTP_STATUS, down.error!!.code)
        assertEquals(503, down.httpStatus)
    }

    @Test
    fun theDeadlineEndsASlowSendNearTheDeadline() {
        val events = CopyOnWriteArrayList<SendEvent>()
        val options = SendOptions(retryPolicy = policy(5, attemptTimeoutMs = 700, deadlineMs = 1_500), onEvent = { events += it })
        val started = System.nanoTime()
        val result = mock.client().send("v1/payments/pay", payBody(id("SIM_DELAY_5000_")), options)
        val took = elapsedSince(started)
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(SendError.TIMEOUT, result.error!!.code)
        assertNull(result.httpStatus)
        assertTrue(took >= Duration.ofMillis(1_300) && took < Duration.ofMillis(2_300), "the deadline of 1.5 s was not kept: $took")
        assertTrue(result.attempts >= 2, "a timeout is retried within the deadline: ${result.attempts}")
        assertEquals(RetryDecision.DEADLINE_REACHED, events.last().retry, events.toString())
        assertTrue(events.dropLast(1).all { it.retry == RetryDecision.RETRY && it.errorCode == SendError.TIMEOUT })
    }

    /** A local gateway that answers every request 503 and counts them. */
    private class Always503 : AutoCloseable {
        val received = AtomicInteger()
        private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            executor = Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
            createContext("/") { exchange ->
                exchange.use {
                    exchange.requestBody.readAllBytes()
                    received.incrementAndGet()
                    exchange.sendResponseHeaders(503, -1)
                }
            }
            start()
        }

        fun client() = Client(
            clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = "http://127.0.0.1:${server.address.port}",
        )

        override fun close() = server.stop(0)
    }

    @Test
    fun aBodyWithoutItsIdempotencyKeyIsNotRetried() = Always503().use { gateway ->
        val noKey = """{"productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"}}"""
        val events = CopyOnWriteArrayList<SendEvent>()
        val result = gateway.client().send("v1/payments/pay", noKey, SendOptions(retryPolicy = policy(3), onEvent = { events += it }))
        assertEquals(1, result.attempts)
        assertEquals(1, gateway.received.get())
        assertEquals(Outcome.UNKNOWN, result.outcome)
        assertEquals(SendError.HTTP_STATUS, result.error!!.code)
        assertEquals(RetryDecision.NO_IDEMPOTENCY_KEY, events.single().retry)

        // Only when the policy says so explicitly, until the attempts run out.
        events.clear()
        val forced = gateway.client().send(
            "v1/payments/pay", noKey,
            SendOptions(retryPolicy = policy(3).copy(retryWithoutIdempotencyKey = true), onEvent = { events += it }),
        )
        assertEquals(3, forced.attempts)
        assertEquals(4, gateway.received.get())
        assertEquals(listOf("RETRY", "RETRY", "ATTEMPTS_EXHAUSTED"), events.map { it.retry })
    }

    @Test
    fun eventsCarryNoCardNumberSignatureOrBodyAndIncludeBodiesMasks() {
        val card = "4111111111111111"
        val body = """{"paymentRequestId":"${id("SIM_FLAKY_1_")}","productCode":"CASHIER_PAYMENT",""" +
            """"paymentAmount":{"currency":"USD","value":"1000"},"paymentMethod":{"paymentMethodType":"CARD",""" +
            """"paymentMethodMetaData":{"cardNo":"$card","cvv":"737","cardholderName":{"firstName":"Ann","lastName":"Lee"}}},""" +
            """"buyer":{"buyerEmail":"ann@example.com"}}"""
        val events = CopyOnWriteArrayList<SendEvent>()
        val result = mock.client().send("v1/payments/pay", body, SendOptions(retryPolicy = policy(3), onEvent = { events += it }))
        assertEquals(2, events.size, mock.log())
        val signature = result.request.headerMap()["Signature"]!!.substringAfter("signature=")
        val secrets = listOf(card, "737", "ann@example.com", "\"Ann\"", signature)
        for (event in events) {
            val texts = listOf(event.toString()) + event.attributes().values.map { it.toString() }
            for (secret in secrets) assertTrue(texts.none { it.contains(secret) }, "an event shows $secret")
            assertNull(event.requestBody)
            assertNull(event.responseBody)
        }

        events.clear()
        val shown = mock.client().send(
            "v1/payments/pay", body.replace("SIM_FLAKY_1_", "SIM_FLAKY_1_b"),
            SendOptions(retryPolicy = policy(3), onEvent = { events += it }, includeBodies = true),
        )
        assertEquals(2, events.size)
        for (event in events) {
            val request = event.requestBody!!
            assertEquals(maskBody(shown.request.bodyBytes()), request)
            assertTrue(request.contains("\"cardNo\":\"<masked>\""), request)
            for (secret in secrets) assertFalse(event.toString().contains(secret), "an event with bodies shows $secret")
        }
        assertEquals(maskBody(shown.response!!.body), events.last().responseBody)
        assertNull(events.first().responseBody, "a 503's body is never read")
    }

    @Test
    fun aListenerThatThrowsNeverBreaksTheSend() {
        val calls = AtomicInteger()
        val result = mock.client().send(
            "v1/payments/pay", payBody(id("SIM_FLAKY_1_")),
            SendOptions(retryPolicy = policy(3), onEvent = { calls.incrementAndGet(); throw IllegalStateException("boom") }),
        )
        assertEquals(2, calls.get())
        assertEquals(2, result.attempts)
        assertEquals(Outcome.PENDING, result.outcome)
    }

    @Test
    fun aPolicyOutOfTheCoresBoundsIsInvalidInput() {
        for (bad in listOf<() -> Any>(
            { RetryPolicy(maxAttempts = 11) },
            { RetryPolicy(maxAttempts = 0) },
            { RetryPolicy(initialBackoffMs = 0) },
            { RetryPolicy(initialBackoffMs = 6_000, maxBackoffMs = 5_000) },
            { RetryPolicy(deadlineMs = -1) },
            { RetryPolicy.builder().attemptTimeout(Duration.ofMinutes(11)).build() },
            { RetryPolicy.simple(-1, Duration.ofSeconds(1)) },
        )) {
            val e = assertThrows<AntomException> { bad() }
            assertEquals(AntomException.INVALID_INPUT, e.code)
            assertTrue(e.message!!.startsWith("INVALID_INPUT:"), e.message)
        }
        // The simple form is checked when sending: nothing is sent.
        Always503().use { gateway ->
            val e = assertThrows<AntomException> {
                gateway.client().send("v1/payments/pay", payBody("x"), SendOptions(timeout = Duration.ofMinutes(11)))
            }
            assertEquals(AntomException.INVALID_INPUT, e.code)
            val async = assertThrows<ExecutionException> {
                gateway.client().sendAsync("v1/payments/pay", payBody("x"), SendOptions(timeout = Duration.ofMinutes(11))).get()
            }
            assertEquals(AntomException.INVALID_INPUT, (async.cause as AntomException).code)
            assertEquals(0, gateway.received.get())
        }
        assertEquals(1, RetryPolicy.DEFAULT.maxAttempts)
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.builder().build())
        assertEquals(RetryPolicy.DEFAULT, SendOptions.DEFAULT.effectiveRetryPolicy().copy(deadlineMs = RetryPolicy.DEFAULT.deadlineMs))
        val simple = RetryPolicy.simple(2, Duration.ofMillis(1500))
        assertEquals(3, simple.maxAttempts)
        assertEquals(1500, simple.attemptTimeoutMs)
        assertEquals(SendOptions(retries = 2, timeout = Duration.ofMillis(1500)).effectiveRetryPolicy(), simple)
    }

    @Test
    fun anInterruptDuringTheWaitEndsTheSend() = Always503().use { gateway ->
        val slow = RetryPolicy(maxAttempts = 3, initialBackoffMs = 10_000, maxBackoffMs = 10_000, deadlineMs = 60_000)
        val firstEvent = CountDownLatch(1)
        var result: SendResult? = null
        var stillInterrupted = false
        val sender = Thread {
            result = gateway.client().send(
                "v1/payments/inquiryPayment", """{"paymentRequestId":"pay_1"}""",
                SendOptions(retryPolicy = slow, onEvent = { firstEvent.countDown() }),
            )
            stillInterrupted = Thread.currentThread().isInterrupted
        }
        val started = System.nanoTime()
        sender.start()
        assertTrue(firstEvent.await(10, TimeUnit.SECONDS))
        sender.interrupt()
        sender.join(5_000)
        assertFalse(sender.isAlive, "the send went on waiting after an interrupt")
        assertTrue(elapsedSince(started) < Duration.ofSeconds(5))
        assertEquals(1, result!!.attempts)
        assertEquals(Outcome.UNKNOWN, result!!.outcome)
        assertEquals(SendError.HTTP_STATUS, result!!.error!!.code)
        assertTrue(stillInterrupted, "the interrupt flag is set again")
        assertEquals(1, gateway.received.get())
    }

    @Test
    fun sendAsyncRetriesWithTheSamePolicyAndEvents() {
        val events = CopyOnWriteArrayList<SendEvent>()
        val threads = CopyOnWriteArrayList<String>()
        val future = mock.client().sendAsync(
            "v1/payments/pay", payBody(id("SIM_FLAKY_2_")),
            SendOptions(retryPolicy = policy(4), onEvent = { events += it; threads += Thread.currentThread().name }),
        )
        val result = future.get(20, TimeUnit.SECONDS)
        assertEquals(3, result.attempts, mock.log())
        assertEquals(Outcome.PENDING, result.outcome)
        assertEquals(listOf("RETRY", "RETRY", null), events.map { it.retry })
        assertTrue(threads.none { it == Thread.currentThread().name }, "the events came from the caller's thread")

        // Timeouts and the deadline as in send.
        val started = System.nanoTime()
        val slow = mock.client().sendAsync(
            "v1/payments/pay", payBody(id("SIM_DELAY_5000_")),
            SendOptions(retryPolicy = policy(5, attemptTimeoutMs = 700, deadlineMs = 1_500)),
        ).get(10, TimeUnit.SECONDS)
        val took = elapsedSince(started)
        assertEquals(SendError.TIMEOUT, slow.error!!.code)
        assertEquals(Outcome.UNKNOWN, slow.outcome)
        assertTrue(took >= Duration.ofMillis(1_300) && took < Duration.ofMillis(2_300), "the deadline of 1.5 s was not kept: $took")
    }

    @Test
    fun sendAsyncFailsWithTheVerificationErrorAndStopsWhenCancelled() {
        AntomSimulator(AntomSimulator.Mode.TAMPERED).use { antom ->
            val client = Client(
                clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
                privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = antom.url,
            )
            val e = assertThrows<ExecutionException> { client.sendAsync("v1/payments/inquiryPayment", """{"paymentRequestId":"p"}""").get() }
            assertEquals(AntomException.SIGNATURE_MISMATCH, (e.cause as AntomException).code)
        }
        Always503().use { gateway ->
            val slow = RetryPolicy(maxAttempts = 5, initialBackoffMs = 1_000, maxBackoffMs = 1_000, deadlineMs = 60_000)
            val firstEvent = CountDownLatch(1)
            val future = gateway.client().sendAsync(
                "v1/payments/inquiryPayment", """{"paymentRequestId":"pay_1"}""",
                SendOptions(retryPolicy = slow, onEvent = { firstEvent.countDown() }),
            )
            assertTrue(firstEvent.await(10, TimeUnit.SECONDS))
            assertTrue(future.cancel(true))
            Thread.sleep(2_500) // past the wait: no second attempt may start
            assertEquals(1, gateway.received.get())
        }
    }

    @Test
    fun oneClientSpanPerSendWithTheCoresAttributesAndAnEventPerAttempt() {
        val exporter = InMemorySpanExporter.create()
        val provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()
        val tracer = provider.get("antom-test")
        try {
            val result = mock.client().send(
                "v1/payments/pay", payBody(id("SIM_FLAKY_1_")), SendOptions(retryPolicy = policy(3), tracer = tracer),
            )
            assertEquals(2, result.attempts)
            val span = exporter.finishedSpanItems.single()
            assertEquals("antom payments.pay", span.name)
            assertEquals(SpanKind.CLIENT, span.kind)
            assertEquals(StatusCode.UNSET, span.status.statusCode)
            val attributes = span.attributes
            assertEquals("payments.pay", attributes.get(AttributeKey.stringKey("antom.api")))
            assertEquals(result.request.path, attributes.get(AttributeKey.stringKey("url.path")))
            assertEquals(2L, attributes.get(AttributeKey.longKey("antom.attempt")))
            assertEquals(200L, attributes.get(AttributeKey.longKey("http.response.status_code")))
            assertEquals("PENDING", attributes.get(AttributeKey.stringKey("antom.outcome")))
            assertEquals("U", attributes.get(AttributeKey.stringKey("antom.result.status")))
            assertEquals(listOf("antom.attempt", "antom.attempt"), span.events.map { it.name })
            val first = span.events[0].attributes
            assertEquals(503L, first.get(AttributeKey.longKey("http.response.status_code")))
            assertEquals("HTTP_STATUS", first.get(AttributeKey.stringKey("error.type")))
            assertEquals("RETRY", first.get(AttributeKey.stringKey("antom.retry")))
            assertTrue(first.get(AttributeKey.longKey("antom.retry.delay_ms"))!! in 50L..100L)
            assertNull(first.get(AttributeKey.stringKey("antom.request.body")), "no body unless includeBodies")

            // A send without a verified reply: status ERROR with its code, also through sendAsync.
            exporter.reset()
            val failed = mock.client().sendAsync("v1/payments/pay", payBody(id("SIM_HTTP_503_")), SendOptions(tracer = tracer))
                .get(10, TimeUnit.SECONDS)
            assertEquals(Outcome.UNKNOWN, failed.outcome)
            val errorSpan = exporter.finishedSpanItems.single()
            assertEquals(StatusCode.ERROR, errorSpan.status.statusCode)
            assertEquals("HTTP_STATUS", errorSpan.status.description)
            assertEquals("RETRIES_OFF", errorSpan.attributes.get(AttributeKey.stringKey("antom.retry")))
            assertEquals(1, errorSpan.events.size)

            // A path the catalogue does not know: a low-cardinality name.
            assertEquals("antom unknown", spanName("/ams/api/v1/no/such/api"))
        } finally {
            provider.close()
        }
    }
    @Test
    fun theJarSendsWithoutOpenTelemetryOnTheClassPath() = AntomSimulator().use { antom ->
        // This JVM has opentelemetry-api (a test dependency); the child gets the jar, its two
        // required dependencies and the test classes only.
        Class.forName("io.opentelemetry.api.trace.Tracer")
        fun origin(type: Class<*>): Path = Paths.get(type.protectionDomain.codeSource.location.toURI())
        val classPath = listOf(
            Paths.get(System.getProperty("antom.jar")), origin(KotlinVersion::class.java),
            origin(com.sun.jna.Native::class.java), origin(NoOpenTelemetryMain::class.java),
        )
        val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
        val process = ProcessBuilder(
            java, "-cp", classPath.joinToString(File.pathSeparator), "-Dantom.vectors=${Vectors.dir}",
            NoOpenTelemetryMain::class.java.name, antom.url,
        ).redirectErrorStream(true).start()
        val output = process.inputStream.readAllBytes().toString(Charsets.UTF_8)
        assertTrue(process.waitFor(60, TimeUnit.SECONDS))
        assertEquals(0, process.exitValue(), output)
        assertTrue(output.contains("without OpenTelemetry: send SUCCEEDED 1 event, sendAsync SUCCEEDED"), output)
    }
}

/** Run by [SendRetryIT.theJarSendsWithoutOpenTelemetryOnTheClassPath] in a JVM without OpenTelemetry. */
object NoOpenTelemetryMain {
    @JvmStatic
    fun main(args: Array<String>) {
        val absent = try {
            Class.forName("io.opentelemetry.api.trace.Tracer")
            false
        } catch (_: ClassNotFoundException) {
            true
        }
        check(absent) { "opentelemetry-api is on the class path" }
        val keys = Paths.get(System.getProperty("antom.vectors")).resolve("keys")
        val client = Client(
            clientId = TestKeys.CLIENT_ID,
            antomPublicKey = PublicKey(Files.readString(keys.resolve("TEST-ONLY-antom.public.spki.b64"))),
            privateKey = PrivateKey(Files.readString(keys.resolve("TEST-ONLY-merchant.private.pkcs8.b64"))),
            gatewayUrl = args[0],
        )
        val events = mutableListOf<SendEvent>()
        val body = """{"paymentRequestId":"pay_1"}"""
        val sent = client.send("v1/payments/inquiryPayment", body, SendOptions(retries = 1, onEvent = { events += it }))
        val async = client.sendAsync("v1/payments/inquiryPayment", body, SendOptions.builder().retries(1).build()).get(30, TimeUnit.SECONDS)
        println("without OpenTelemetry: send ${sent.outcome} ${events.size} event, sendAsync ${async.outcome}")
    }
}
