package antom.core

import antom.core.examples.HttpClientExample
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The java.net.http.HttpClient example against a local server that answers signed responses. */
class HttpClientExampleIT {
    private fun client(gateway: String) = Client(
        clientId = TestKeys.CLIENT_ID,
        antomPublicKey = PublicKey(TestKeys.antomPublicText),
        privateKey = PrivateKey(TestKeys.merchantPrivateText),
        gatewayUrl = gateway,
    )

    @Test
    fun signedResponseIsVerified() = AntomSimulator().use { antom ->
        val example = HttpClientExample(client(antom.url))
        val response = example.inquiryPayment("pay_20250519_000001")
        assertEquals(listOf(true), antom.requestSignaturesValid, "the JDK accepts antom-core's request signature")
        assertTrue(response.verified)
        assertTrue(response.isSuccess)
        assertEquals(ResultStatus.SUCCESS, response.resultStatus)
        assertEquals(NextAction.DONE, response.nextAction)
        assertTrue(example.describe(response).startsWith("paid: {\"result\""))
    }

    @Test
    fun tamperedAndUnsignedResponsesAreRefused() = AntomSimulator(AntomSimulator.Mode.TAMPERED).use { antom ->
        val example = HttpClientExample(client(antom.url))
        assertEquals(AntomException.SIGNATURE_MISMATCH, assertThrows<AntomException> { example.inquiryPayment("p1") }.code)
        antom.mode = AntomSimulator.Mode.UNSIGNED_SUCCESS
        assertEquals(AntomException.UNSIGNED_RESPONSE, assertThrows<AntomException> { example.inquiryPayment("p1") }.code)
        antom.mode = AntomSimulator.Mode.UNSIGNED_FAILURE
        // An unsigned F is accepted but is neither success nor a final failure: inquire.
        val failed = example.inquiryPayment("p1")
        assertFalse(failed.verified)
        assertEquals(ResultStatus.FAILED, failed.resultStatus)
        assertEquals(NextAction.INQUIRE, failed.nextAction)
        assertEquals("unknown: inquire again later, never ask the buyer to pay again", example.describe(failed))
    }
}
