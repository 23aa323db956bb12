package antom.core

import java.net.http.HttpHeaders
import java.util.Collections
import java.util.Enumeration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import com.sun.net.httpserver.Headers as ExchangeHeaders

/**
 * Every header container a JVM server or client hands over, through the packaged jar: the same
 * verdicts as a list of pairs (the core's rules: names matched case-insensitively after
 * trimming, a duplicate signed header refused, a forged signature refused). Notifications are
 * signed with the JDK (TestKeys), never by antom-core.
 */
class HeaderShapesIT {
    private val path = "/antom/notify"
    private val body = """{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"2024052011000001"}"""
    private val client = TestKeys.verifyOnlyClient()

    /** Antom's three headers among ordinary ones, in mixed case, for [signedBody]. */
    private fun received(signedBody: String = body): List<Pair<String, String>> =
        listOf("Host" to "merchant.example") +
            TestKeys.antomHeaders(path, signedBody, time = "1700000000000", timeHeader = "request-time")
                .map { (n, v) -> n.replaceFirstChar { it.uppercase() } to v } +
            listOf("User-Agent" to "Antom-Notify/1.0")

    /** Multi-valued, one key per name whatever its case (as servers and HttpHeaders keep them). */
    private fun multi(pairs: List<Pair<String, String>>): Map<String, List<String>> {
        val out = java.util.TreeMap<String, MutableList<String>>(String.CASE_INSENSITIVE_ORDER)
        for ((n, v) in pairs) out.getOrPut(n) { mutableListOf() } += v
        return out
    }

    /** Each shape as a call: the same pairs, handed over the way that API gives them. */
    private val shapes: Map<String, (List<Pair<String, String>>) -> Notification> = mapOf(
        "List<Pair>" to { p -> client.verifyNotification(path, p, body.toByteArray()) },
        "Map<String, String>" to { p -> client.verifyNotification(path, p.toMap(), body) },
        "Map<String, List<String>>" to { p -> client.verifyNotification(path, multi(p), body) },
        "com.sun.net.httpserver.Headers" to { p ->
            val h = ExchangeHeaders()
            for ((n, v) in p) h.add(n, v)
            client.verifyNotification(path, h, body)
        },
        "java.net.http.HttpHeaders" to { p -> client.verifyNotification(path, HttpHeaders.of(multi(p)) { _, _ -> true }, body.toByteArray()) },
        "servlet-style names and values" to { p ->
            val m = multi(p)
            client.verifyNotification(path, Collections.enumeration(m.keys), { name: String -> Collections.enumeration(m[name] ?: emptyList()) as Enumeration<String>? }, body.toByteArray())
        },
        "text body" to { p -> client.verifyNotification(path, p, body) },
    )
    // Containers that keep a repeated header (a Map<String, String> keeps one value).
    private val keepsDuplicates = shapes.keys - "Map<String, String>"

    private fun code(block: () -> Unit): String = assertThrows<AntomException> { block() }.code

    @Test
    fun everyShapeVerifiesASignedNotification() {
        for ((shape, verify) in shapes) {
            val n = verify(received())
            assertEquals("PAYMENT_RESULT", n.notifyType, shape)
            assertEquals("PAYMENT_RESULT:paymentId=2024052011000001", n.dedupKey, shape)
            assertEquals(body, String(n.body), shape)
        }
    }

    @Test
    fun everyShapeRefusesAForgedNotification() {
        val forged = received(body.replace("2024052011000001", "2024052011000002"))
        for ((shape, verify) in shapes) assertEquals(AntomException.SIGNATURE_MISMATCH, code { verify(forged) }, shape)
    }

    @Test
    fun everyShapeReportsAMissingSignature() {
        val missing = received().filterNot { it.first == "Signature" }
        for ((shape, verify) in shapes) assertEquals(AntomException.MISSING_HEADER, code { verify(missing) }, shape)
    }

    @Test
    fun aDuplicatedSignatureIsRefused() {
        val twice = received() + ("signature" to "algorithm=RSA256,keyVersion=1,signature=AAAA")
        for (shape in keepsDuplicates) {
            val e = assertThrows<AntomException>(shape) { shapes.getValue(shape)(twice) }
            assertEquals(AntomException.INVALID_INPUT, e.code, shape)
            assertTrue(e.message!!.contains("more than once"), shape)
        }
    }

    @Test
    fun namesAreTrimmedLikeTheCore() {
        // U+0085 and U+00A0 are whitespace to Rust's str::trim (and so to the core), not to
        // Java's String.trim: the binding must still hand such a header over.
        val padded = received().map { (n, v) -> if (n == "Signature") "\u0085 SIGNATURE\u00A0" to v else n to v }
        assertEquals("PAYMENT_RESULT", client.verifyNotification(path, padded, body).notifyType)
    }

    @Test
    fun responsesAcceptJavaNetHttpHeaders() {
        val responsePath = "/ams/api/v1/payments/inquiryPayment"
        val responseBody = """{"result":{"resultStatus":"S","resultCode":"SUCCESS"}}"""
        val headers = HttpHeaders.of(multi(TestKeys.antomHeaders(responsePath, responseBody))) { _, _ -> true }
        assertTrue(client.verifyResponse(responsePath, headers, responseBody).isSuccess)
        assertEquals(AntomException.SIGNATURE_MISMATCH, code { client.verifyResponse(responsePath, headers, responseBody.replace("S\"", "F\"")) })
    }

    @Test
    fun theCoreExportsTheNamesItReads() {
        assertEquals(setOf("signature", "request-time", "client-id"), antom.core.ffi.notificationHeaderNames().toSet())
        assertEquals(setOf("signature", "response-time", "client-id"), antom.core.ffi.responseHeaderNames().toSet())
    }
}
