package antom.core

import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The per-request calls' flat path (Flat.kt over flat.rs) where the vectors do not reach it:
 * answers longer than the answer buffer, calls larger than the cached argument buffer, the
 * owned handle after close and under threads, key versions and errors decoded. Every message
 * is signed by the JDK (TestKeys), never by antom-core; every vector also runs this path
 * (VectorsIT).
 */
class FlatIT {
    private val path = "/antom/notify"

    private fun notification(extra: String = "", notifyType: String = "PAYMENT_RESULT"): String =
        """{"notifyType":"$notifyType","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},""" +
            """"paymentRequestId":"pr-1","paymentId":"2024052011000001"$extra}"""

    private fun headers(body: String, time: String = "1700000000000") =
        TestKeys.antomHeaders(path, body, time = time, timeHeader = "request-time")

    @Test
    fun `an answer longer than the answer buffer is read whole, and the next short one too`() {
        val client = TestKeys.verifyOnlyClient()
        val message = "m\u00e9".repeat(Flat.CAPACITY) // 3 bytes each in UTF-8: well past the buffer
        val body = """{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"$message"}}"""
        val reply = client.verifyResponse("/ams/api/v1/payments/pay", TestKeys.antomHeaders("/ams/api/v1/payments/pay", body), body)
        assertTrue(reply.verified)
        assertEquals(ResultStatus.FAILED, reply.resultStatus)
        assertEquals(NextAction.FAILED, reply.nextAction)
        assertEquals(Outcome.FAILED, reply.outcome)
        assertEquals(message, reply.resultMessage)
        assertEquals("PROCESS_FAIL", reply.resultCode)
        assertEquals(PublicKey(TestKeys.antomPublicText).fingerprint, reply.verifiedBy!!.fingerprint)

        val type = "T".repeat(3 * Flat.CAPACITY)
        val long = notification(notifyType = type)
        assertEquals(type, client.verifyNotification(path, headers(long), long).notifyType)
        val short = notification()
        val n = client.verifyNotification(path, headers(short), short)
        assertEquals("PAYMENT_RESULT", n.notifyType)
        assertEquals(Outcome.SUCCEEDED, n.outcome)
        assertEquals(TestKeys.CLIENT_ID, n.clientId)
        assertEquals("1700000000000", n.requestTime)
    }

    @Test
    fun `a call larger than the cached argument buffer, then a small one`() {
        val client = TestKeys.verifyOnlyClient()
        val big = notification(extra = ""","padding":"${"x".repeat(Packed.CACHED_BYTES + 1000)}"""")
        assertEquals(Outcome.SUCCEEDED, client.verifyNotification(path, headers(big), big.toByteArray()).outcome)
        val forged = big.replace("xxxx\"", "xxxy\"")
        val e = assertThrows<AntomException> { client.verifyNotification(path, headers(big), forged) }
        assertEquals(AntomException.SIGNATURE_MISMATCH, e.code)
        val small = notification()
        assertEquals(Outcome.SUCCEEDED, client.verifyNotification(path, headers(small), small).outcome)
    }

    @Test
    fun `errors come back with the core's code and a message without the body`() {
        val client = TestKeys.verifyOnlyClient()
        val body = notification()
        val forged = body.replace("pr-1", "pr-2")
        val e = assertThrows<AntomException> { client.verifyNotification(path, headers(body), forged) }
        assertEquals(AntomException.SIGNATURE_MISMATCH, e.code)
        assertTrue(e.message!!.startsWith("SIGNATURE_MISMATCH: "), e.message)
        assertFalse(e.message!!.contains("pr-2"))
        val missing = headers(body).filter { it.first != "signature" }
        assertEquals(AntomException.MISSING_HEADER, assertThrows<AntomException> { client.verifyNotification(path, missing, body) }.code)
        val key = PublicKey(TestKeys.antomPublicText)
        assertEquals(AntomException.MALFORMED_SIGNATURE, assertThrows<AntomException> { key.verify("content", "%%%") }.code)
    }

    @Test
    fun `the replay window goes through the flat call`() {
        val client = TestKeys.verifyOnlyClient()
        val body = notification()
        val h = headers(body)
        assertEquals(Outcome.SUCCEEDED, client.verifyNotification(path, h, body, maxAgeMs = 60_000, nowMs = 1_700_000_030_000).outcome)
        val e = assertThrows<AntomException> { client.verifyNotification(path, h, body, maxAgeMs = 60_000, nowMs = 1_700_000_090_000) }
        assertEquals(AntomException.INVALID_INPUT, e.code)
    }

    @Test
    fun `the key version of a tagged ring key is decoded`() {
        val antom = PublicKey(TestKeys.antomPublicText)
        val other = PublicKey(TestKeys.merchantPublicText)
        val client = Client(clientId = TestKeys.CLIENT_ID, antomPublicKeys = listOf(AntomKey(other, 2), AntomKey(antom, 1)))
        val body = notification()
        val n = client.verifyNotification(path, headers(body), body)
        assertEquals(KeyId(1, antom.fingerprint), n.verifiedBy)
        val untagged = TestKeys.verifyOnlyClient().verifyNotification(path, headers(body), body)
        assertNull(untagged.verifiedBy!!.keyVersion)
    }

    @Test
    fun `a closed client or key refuses the call, never touches a freed handle`() {
        val client = TestKeys.verifyOnlyClient()
        val body = notification()
        val h = headers(body)
        client.verifyNotification(path, h, body)
        client.close()
        client.close() // twice is harmless
        assertThrows<IllegalStateException> { client.verifyNotification(path, h, body) }
        assertThrows<IllegalStateException> { client.verifyResponse("/ams/api/v1/payments/pay", h, body) }
        val key = PublicKey(TestKeys.antomPublicText)
        key.close()
        assertThrows<IllegalStateException> { key.verify("content", "c2ln") }
    }

    @Test
    fun `eight threads on one client, one closing it mid-way, right verdicts or IllegalStateException`() {
        val client = TestKeys.verifyOnlyClient()
        val body = notification()
        val h = headers(body)
        val forged = body.replace("pr-1", "pr-9")
        val pool = Executors.newFixedThreadPool(8)
        val start = CountDownLatch(1)
        val right = AtomicInteger()
        val refused = AtomicInteger()
        val wrong = AtomicInteger()
        repeat(8) { t ->
            pool.submit {
                start.await()
                for (i in 0 until 400) {
                    if (t == 0 && i == 300) client.close()
                    try {
                        if (i % 10 == 0) {
                            try {
                                client.verifyNotification(path, h, forged)
                                wrong.incrementAndGet()
                            } catch (e: AntomException) {
                                if (e.code == AntomException.SIGNATURE_MISMATCH) right.incrementAndGet() else wrong.incrementAndGet()
                            }
                        } else if (client.verifyNotification(path, h, body).dedupKey.isNotEmpty()) {
                            right.incrementAndGet()
                        }
                    } catch (e: IllegalStateException) {
                        refused.incrementAndGet()
                    }
                }
            }
        }
        start.countDown()
        pool.shutdown()
        assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS))
        assertEquals(0, wrong.get())
        assertEquals(3200, right.get() + refused.get())
        assertTrue(right.get() >= 300, "calls before the close succeed")
        assertTrue(refused.get() >= 100, "calls after the close are refused")
    }
}
