package antom.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Every stable error code surfaces as antom.core.AntomException with that `code`. */
class ErrorsIT {
    private val path = "/ams/api/v1/payments/inquiryPayment"
    private val body = """{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"success"}}"""

    private fun expect(code: String, block: () -> Unit): AntomException {
        val e = assertThrows<AntomException> { block() }
        assertEquals(code, e.code)
        assertTrue(e.message!!.startsWith("$code: "), e.message)
        return e
    }

    @Test
    fun everyCodeIsReachable() {
        val client = TestKeys.client()
        val signed = TestKeys.antomHeaders(path, body)
        expect(AntomException.INVALID_KEY) { PrivateKey("certainly-not-a-key") }
        expect(AntomException.INVALID_KEY) { PublicKey(TestKeys.merchantPrivateText) }
        expect(AntomException.INVALID_INPUT) { client.prepare("v1/payments/pay", "[1, 2]") }
        expect(AntomException.INVALID_INPUT) { Region.parse("mars") }
        expect(AntomException.MALFORMED_SIGNATURE) { parseSignatureHeader("") }
        expect(AntomException.UNSUPPORTED_ALGORITHM) { parseSignatureHeader("algorithm=RSA512,keyVersion=1,signature=abc") }
        expect(AntomException.SIGNATURE_MISMATCH) { client.verifyResponse(path, signed, body.replace("success", "SUCCESS")) }
        expect(AntomException.MISSING_HEADER) { client.verifyResponse(path, signed.filter { it.first != "response-time" }, body) }
        expect(AntomException.CLIENT_ID_MISMATCH) {
            client.verifyResponse(path, signed.map { if (it.first == "client-id") it.first to "SOMEONE_ELSE" else it }, body)
        }
        expect(AntomException.UNSIGNED_RESPONSE) { client.verifyResponse(path, listOf("content-type" to "application/json"), body) }
        expect(AntomException.INVALID_AMOUNT) { toMinorUnits("10.505", "USD") }
        expect(AntomException.UNSUPPORTED_CURRENCY) { toMinorUnits("10", "XXX") }
    }

    @Test
    fun isCheckedForJavaAndNotTheGeneratedType() {
        val e = expect(AntomException.INVALID_KEY) { PrivateKey("x") }
        assertTrue(e is Exception && e !is RuntimeException, "checked in Java, like the Antom SDK's AlipayApiException")
        assertFalse(e.javaClass.name.contains(".ffi."))
    }

    @Test
    fun messagesDoNotEchoInput() {
        val secretish = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ-NOT-A-KEY"
        val e = expect(AntomException.INVALID_KEY) { PrivateKey(secretish) }
        assertFalse(e.message!!.contains("MIIEvQ"), e.message)
        assertFalse(e.toString().contains("MIIEvQ"))
    }

    @Test
    fun unsignedGatewayErrorsAreAcceptedButNeverSuccessNorFinal() {
        val failed = """{"result":{"resultStatus":"F","resultCode":"PARAM_ILLEGAL","resultMessage":"illegal"}}"""
        val r = TestKeys.client().verifyResponse(path, mapOf("content-type" to "application/json"), failed)
        assertFalse(r.verified)
        assertFalse(r.isSuccess)
        assertEquals(ResultStatus.FAILED, r.resultStatus)
        assertEquals(NextAction.INQUIRE, r.nextAction, "an unsigned F can be forged: inquire")
        assertEquals("PARAM_ILLEGAL", r.resultCode)
    }
}
