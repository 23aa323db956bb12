package antom.core

import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** toString() of keys, clients and requests never shows key material or the API key. */
class RedactionIT {
    /** Every 12-character window of the secret's base64 (step 6): none may appear in [shown]. */
    private fun assertNoPart(secret: String, shown: String, what: String) {
        val compact = secret.lines().filterNot { it.startsWith("-----") }.joinToString("").filterNot { it.isWhitespace() }
        assertTrue(compact.length > 100)
        for (i in 0..compact.length - 12 step 6) {
            assertFalse(shown.contains(compact.substring(i, i + 12)), "$what shows part of the key at offset $i")
        }
    }

    @Test
    fun privateKey() {
        val key = PrivateKey(TestKeys.merchantPrivateText)
        assertNoPart(TestKeys.merchantPrivateText, key.toString(), "PrivateKey.toString()")
        assertNoPart(TestKeys.merchantPrivateText, "$key ${listOf(key)}", "string templates")
        assertTrue(key.toString().isNotBlank())
    }

    @Test
    fun clientInRsaMode() {
        val client = TestKeys.client()
        assertNoPart(TestKeys.merchantPrivateText, client.toString(), "Client.toString()")
        assertTrue(client.toString().contains(TestKeys.CLIENT_ID) || client.toString().isNotBlank())
    }

    @Test
    fun clientAndRequestInApiKeyMode() {
        val client = Client(clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText), apiKey = TestKeys.API_KEY)
        val secret = "not-a-real-secret"
        assertFalse(client.toString().contains(secret), "Client.toString() shows the API key")
        val request = client.prepare("v1/payments/inquiryPayment", """{"paymentRequestId":"p1"}""", 1_700_000_000_000)
        assertTrue(request.headers.any { it.first.equals("authorization", true) && it.second.contains(secret) })
        assertFalse(request.toString().contains(secret), "PreparedRequest.toString() shows the API key")
        assertTrue(request.toString().contains("<redacted>"))
        assertFalse(request.toString().contains("paymentRequestId"), "PreparedRequest.toString() shows the body")
    }
}
