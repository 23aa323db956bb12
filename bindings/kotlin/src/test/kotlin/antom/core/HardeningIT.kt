package antom.core

import com.sun.net.httpserver.HttpServer
import java.net.HttpURLConnection
import java.net.InetSocketAddress
import java.net.URI
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Issue 9 through the packaged jar: body size limit from the length, unverified responses
 * inquire, dedupKey and the replay window, the core's redaction in toString(), and the JVM
 * edge cases (a null header name is skipped; unpaired surrogates are AntomException).
 */
class HardeningIT {
    private val path = "/ams/api/v1/payments/inquiryPayment"
    private val notifyPath = "/antom/notify"

    private fun expect(code: String, block: () -> Unit): AntomException {
        val e = assertThrows<AntomException> { block() }
        assertEquals(code, e.code, e.message)
        assertTrue(e.message!!.startsWith("$code: "), e.message)
        return e
    }

    private fun notificationHeaders(body: String, time: String = "1700000000000") =
        TestKeys.antomHeaders(notifyPath, body, time = time, timeHeader = "request-time")

    // --- finding 3 ---------------------------------------------------------------------------

    @Test
    fun maxBodyBytesIsTheCoresAndRefusesFromTheLength() {
        assertEquals(4L * 1024 * 1024, DEFAULT_MAX_BODY_BYTES)
        assertEquals(DEFAULT_MAX_BODY_BYTES, TestKeys.client().maxBodyBytes)
        val small = Client(
            clientId = TestKeys.CLIENT_ID,
            antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText),
            maxBodyBytes = 8,
        )
        assertEquals(8L, small.maxBodyBytes)
        val nine = """{"ab":12}"""
        var e = expect(AntomException.INVALID_INPUT) { small.prepare("v1/payments/pay", nine) }
        assertTrue(e.message!!.startsWith("INVALID_INPUT: the request body is 9 bytes; at most 8 are accepted"), e.message)
        e = expect(AntomException.INVALID_INPUT) { small.verifyResponse(path, TestKeys.antomHeaders(path, nine), nine.toByteArray()) }
        assertTrue(e.message!!.contains("the response body is 9 bytes; at most 8"), e.message)
        e = expect(AntomException.INVALID_INPUT) { small.verifyNotification(notifyPath, notificationHeaders(nine), nine) }
        assertTrue(e.message!!.contains("the notification body is 9 bytes"), e.message)
        // UTF-8 bytes, not chars: 8 bytes pass (then the core checks the JSON), 10 do not.
        small.prepare("v1/payments/pay", """{"é":1}""")
        expect(AntomException.INVALID_INPUT) { small.prepare("v1/payments/pay", """{"éé":1}""") }
        val built = Client.builder(TestKeys.CLIENT_ID, PublicKey(TestKeys.antomPublicText)).maxBodyBytes(16).build()
        assertEquals(16L, built.maxBodyBytes)
        // 64 MiB is refused at once (no copy into native memory, no hashing).
        val huge = ByteArray(64 * 1024 * 1024)
        val started = System.nanoTime()
        expect(AntomException.INVALID_INPUT) { TestKeys.verifyOnlyClient().verifyResponse(path, emptyList<Pair<String, String>>(), huge) }
        assertTrue(System.nanoTime() - started < 500_000_000L, "refused from the length alone")
    }

    // --- finding 2 ---------------------------------------------------------------------------

    @Test
    fun nextActionIsTheCoresUnverifiedResponsesInquire() {
        val client = TestKeys.verifyOnlyClient()
        for (status in listOf("F", "U")) {
            val body = """{"result":{"resultStatus":"$status","resultCode":"PROCESS_FAIL"}}"""
            val unsigned = client.verifyResponse(path, mapOf("content-type" to "application/json"), body)
            assertFalse(unsigned.verified)
            assertEquals(status, unsigned.resultStatus.code)
            assertEquals(NextAction.INQUIRE, unsigned.nextAction)
            val verified = client.verifyResponse(path, TestKeys.antomHeaders(path, body), body)
            assertTrue(verified.verified)
            assertEquals(if (status == "F") NextAction.FAILED else NextAction.INQUIRE, verified.nextAction)
        }
    }

    // --- finding 11 --------------------------------------------------------------------------

    @Test
    fun notificationsCarryDedupKeyAndAnOptInWindow() {
        val client = TestKeys.verifyOnlyClient()
        val body = """{"notifyType":"PAYMENT_RESULT","paymentId":"2024p1","result":{"resultStatus":"S"}}"""
        val at = { t: Long -> notificationHeaders(body, t.toString()) }
        val n = client.verifyNotification(notifyPath, at(1_700_000_000_000), body)
        assertEquals("PAYMENT_RESULT:paymentId=2024p1", n.dedupKey)
        assertEquals(n.dedupKey, client.verifyNotification(notifyPath, at(1_600_000_000_000), body).dedupKey, "off by default")
        val now = 1_700_000_030_000
        assertEquals(n.dedupKey, client.verifyNotification(notifyPath, at(1_700_000_000_000), body, maxAgeMs = 60_000, nowMs = now).dedupKey)
        for (stale in listOf(1_699_999_000_000, 1_700_000_100_000)) {
            expect(AntomException.INVALID_INPUT) { client.verifyNotification(notifyPath, at(stale), body, maxAgeMs = 60_000, nowMs = now) }
        }
        // nowMs defaults to the current time.
        client.verifyNotification(notifyPath, at(System.currentTimeMillis()), body.toByteArray(), maxAgeMs = 60_000)
        expect(AntomException.INVALID_INPUT) { client.verifyNotification(notifyPath, at(1_700_000_000_000), body, maxAgeMs = 60_000) }
        assertThrows<IllegalArgumentException> { client.verifyNotification(notifyPath, at(1), body, nowMs = 5) }
        val bare = """{"notifyType":"X"}"""
        assertTrue(client.verifyNotification(notifyPath, notificationHeaders(bare), bare).dedupKey.matches(Regex("sha256:[0-9a-f]{64}")))
    }

    // --- finding 7 ---------------------------------------------------------------------------

    @Test
    fun toStringUsesTheCoreRedactionRule() {
        assertEquals("<redacted>", redactHeader("authorization", "Bearer x"))
        assertEquals("<redacted>", redactHeader("Agent-Token", "x"))
        assertEquals("SANDBOX_1", redactHeader("Client-Id", "SANDBOX_1"))
        assertEquals("<15 bytes>", describeBody("""{"card":"4111"}""".toByteArray()))

        val secretBody = """{"cardNo":"4111111111111111"}"""
        val agent = Client(
            clientId = TestKeys.CLIENT_ID,
            antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText),
            agentToken = "AGENTSECRET",
        )
        val request = agent.prepare("v1/payments/pay", secretBody)
        assertEquals("AGENTSECRET", request.headerMap()["Agent-Token"], "sent as is")
        for (shown in listOf(request.toString(), "$request", listOf(request).toString())) {
            assertFalse(shown.contains("AGENTSECRET") || shown.contains("4111"), shown)
            assertTrue(shown.contains("Agent-Token=<redacted>") && shown.contains("<${secretBody.length} bytes>"), shown)
        }
        val body = """{"result":{"resultStatus":"S"},"cardNo":"4111111111111111"}"""
        val client = TestKeys.verifyOnlyClient()
        val response = client.verifyResponse(path, TestKeys.antomHeaders(path, body), body)
        val notification = client.verifyNotification(notifyPath, notificationHeaders(body), body)
        assertTrue(response.bodyText().contains("4111"), "the data is there to use")
        for (shown in listOf(response.toString(), notification.toString())) {
            assertFalse(shown.contains("4111"), shown)
            assertTrue(shown.contains("<${body.length} bytes>"), shown)
        }
        assertTrue(notification.toString().contains("dedupKey=sha256:"))
    }

    @Test
    fun theEngineIsNamed() {
        assertEquals("aws-lc", ENGINE)
        assertEquals(ENGINE, TestKeys.client().engine)
    }

    // --- finding 9 ---------------------------------------------------------------------------

    @Test
    fun headerFieldsOfHttpUrlConnectionWork() {
        val body = """{"result":{"resultStatus":"S","resultCode":"SUCCESS"}}"""
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { exchange ->
            exchange.requestBody.readAllBytes()
            for ((name, value) in TestKeys.antomHeaders(path, body)) exchange.responseHeaders.add(name, value)
            val bytes = body.toByteArray()
            exchange.sendResponseHeaders(200, bytes.size.toLong())
            exchange.responseBody.use { it.write(bytes) }
        }
        server.start()
        try {
            val connection = URI("http://127.0.0.1:${server.address.port}$path").toURL().openConnection() as HttpURLConnection
            connection.requestMethod = "POST"
            connection.doOutput = true
            connection.outputStream.use { it.write("{}".toByteArray()) }
            val received = connection.inputStream.use { it.readAllBytes() }
            val fields = connection.headerFields
            assertTrue(fields.containsKey(null), "the status line is under a null name")
            val response = TestKeys.verifyOnlyClient().verifyResponse(path, fields, received)
            assertTrue(response.verified && response.isSuccess)
        } finally {
            server.stop(0)
        }
    }

    @Test
    @Suppress("UNCHECKED_CAST")
    fun nullHeaderNamesAreSkippedNullValuesRefused() {
        val body = """{"result":{"resultStatus":"S"}}"""
        val signed = TestKeys.antomHeaders(path, body)
        val client = TestKeys.verifyOnlyClient()
        val multi = LinkedHashMap<String?, List<String>?>()
        multi[null] = listOf("HTTP/1.1 200 OK")
        for ((name, value) in signed) multi[name] = listOf(value)
        assertTrue(client.verifyResponse(path, multi as Map<String, List<String>>, body).isSuccess)
        val single = LinkedHashMap<String?, String?>()
        single[null] = "HTTP/1.1 200 OK"
        for ((name, value) in signed) single[name] = value
        assertTrue(client.verifyResponse(path, single as Map<String, String>, body).isSuccess)
        val pairs = listOf<Pair<String?, String?>>(null to "HTTP/1.1 200 OK") + signed
        assertTrue(client.verifyResponse(path, pairs as List<Pair<String, String>>, body).isSuccess)

        single["x-extra"] = null
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, single as Map<String, String>, body) }
        multi["x-extra"] = null
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, multi as Map<String, List<String>>, body) }
        multi["x-extra"] = listOf(null) as List<String>
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, multi as Map<String, List<String>>, body) }
    }

    @Test
    fun unpairedSurrogatesAreAntomExceptions() {
        val lone = "\uD800"
        val client = TestKeys.client()
        val body = """{"result":{"resultStatus":"S"}}"""
        val signed = TestKeys.antomHeaders(path, body)
        // Header values and names, paths, bodies, client ids: INVALID_INPUT, never CharacterCodingException.
        // A header the core reads: INVALID_INPUT. One it does not read is never converted.
        val badClientId = signed.map { (n, v) -> if (n.equals("client-id", ignoreCase = true)) n to "a${lone}b" else n to v }
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, badClientId, body) }
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, signed + ("Signature " to "a${lone}b"), body) }
        assertTrue(client.verifyResponse(path, signed + ("x-note" to "a${lone}b"), body).isSuccess)
        assertTrue(client.verifyResponse(path, signed + ("x-${lone}" to "v"), body).isSuccess)
        expect(AntomException.INVALID_INPUT) { client.verifyResponse("$path$lone", signed, body) }
        expect(AntomException.INVALID_INPUT) { client.verifyResponse(path, signed, """{"a":"$lone"}""") }
        expect(AntomException.INVALID_INPUT) { client.verifyNotification(notifyPath, notificationHeaders(body), """{"a":"$lone"}""") }
        expect(AntomException.INVALID_INPUT) { client.prepare("v1/payments/pay", """{"a":"$lone"}""") }
        expect(AntomException.INVALID_INPUT) { client.prepare("v1/payments/$lone", "{}") }
        expect(AntomException.INVALID_INPUT) { client.resolvePath(lone) }
        expect(AntomException.INVALID_INPUT) { toMinorUnits("1$lone", "USD") }
        expect(AntomException.INVALID_INPUT) {
            Client(clientId = "SANDBOX_$lone", antomPublicKey = PublicKey(TestKeys.antomPublicText))
        }
        // Key text and API keys: INVALID_KEY, and the message never echoes the text.
        val brokenKey = TestKeys.merchantPrivateText.trim().dropLast(4) + lone + "AAA"
        val e = expect(AntomException.INVALID_KEY) { PrivateKey(brokenKey) }
        assertFalse(e.message!!.contains(TestKeys.merchantPrivateText.trim().substring(40, 80)))
        expect(AntomException.INVALID_KEY) { PublicKey(TestKeys.antomPublicText + lone) }
        expect(AntomException.INVALID_KEY) {
            Client(clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText), apiKey = TestKeys.API_KEY + lone)
        }
        // A correctly paired surrogate (an emoji) is fine.
        val emoji = "\uD83D\uDE00"
        assertTrue(client.prepare("v1/payments/pay", "{\"a\":\"$emoji\"}").body.contains(emoji))
    }
}
