package antom.core

import java.security.MessageDigest
import java.security.Signature
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * External signers from Kotlin, through the packaged jar: a JDK `Signature` stands in for the
 * KMS (an independent RSA implementation), in message and in digest mode.
 */
class ExternalSignerIT {
    private val body = """{"paymentRequestId":"pay_kms_1"}"""
    private val time = 1_685_599_933_871L
    private val antom = PublicKey(TestKeys.antomPublicText)
    private val merchantPublic = PublicKey(TestKeys.merchantPublicText)
    private val jdkKey = TestKeys.jdkPrivate(TestKeys.merchantPrivateText)

    /** RSASSA-PKCS1-v1_5 over the message, hashed by the JDK (KMS MessageType.RAW). */
    private fun jdkSignMessage(request: SigningRequest): ByteArray =
        Signature.getInstance("SHA256withRSA").run { initSign(jdkKey); update(request.message); sign() }

    /** RSASSA-PKCS1-v1_5 over a digest handed in (KMS MessageType.DIGEST, Google Cloud KMS). */
    private fun jdkSignDigest(request: SigningRequest): ByteArray {
        val digestInfo = byteArrayOf(
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86.toByte(), 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
            0x05, 0x00, 0x04, 0x20,
        ) + request.digest
        return Signature.getInstance("NONEwithRSA").run { initSign(jdkKey); update(digestInfo); sign() }
    }

    @Test
    fun aKotlinLambdaSignerGivesPreparesRequestAndTheSignatureVerifies() {
        val asked = mutableListOf<SigningRequest>()
        val client = Client(
            clientId = TestKeys.CLIENT_ID,
            antomPublicKey = antom,
            signer = { request -> asked += request; jdkSignMessage(request) },
            merchantPublicKey = merchantPublic,
        )
        val request = client.prepare("v1/payments/inquiryPayment", body, time)
        assertEquals(1, asked.size)
        val message = "POST /ams/api/v1/payments/inquiryPayment\n${TestKeys.CLIENT_ID}.$time.$body"
        assertArrayEquals(message.toByteArray(), asked[0].message)
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message.toByteArray()), asked[0].digest)
        assertFalse(asked[0].toString().contains("pay_kms_1"), "SigningRequest.toString shows no body")
        // Byte for byte the request the in-process key makes, and the JDK verifies it.
        val inProcess = TestKeys.client().prepare("v1/payments/inquiryPayment", body, time)
        assertEquals(inProcess.headers, request.headers)
        val signature = parseSignatureHeader(request.headerMap().getValue("Signature")).signature
        assertTrue(TestKeys.jdkVerify(TestKeys.jdkPublic(TestKeys.merchantPublicText), message, signature))
    }

    @Test
    fun digestModeGivesTheSameSignature() {
        val byMessage = Client(TestKeys.CLIENT_ID, antom, signer = ::jdkSignMessage, merchantPublicKey = merchantPublic)
        val byDigest = Client(TestKeys.CLIENT_ID, antom, signer = Signer(::jdkSignDigest), merchantPublicKey = merchantPublic)
        assertEquals(
            byMessage.prepare("v1/payments/pay", body, time).headers,
            byDigest.prepare("v1/payments/pay", body, time).headers,
        )
    }

    @Test
    fun aThrowingSignerIsSigningFailedWithItsCause() {
        val kmsError = IllegalStateException("AccessDeniedException: arn:aws:kms:eu-west-1:111122223333:key/SECRET-ish")
        val client = Client(TestKeys.CLIENT_ID, antom, signer = { throw kmsError }, merchantPublicKey = merchantPublic)
        val e = assertThrows<AntomException> { client.prepare("v1/payments/pay", body, time) }
        assertEquals(AntomException.SIGNING_FAILED, e.code)
        assertSame(kmsError, e.cause)
        assertTrue(e.message!!.startsWith("SIGNING_FAILED: "))
        assertFalse(e.message!!.contains("SECRET-ish"), "the signer's own message is not repeated")
    }

    @Test
    fun wrongSignaturesAreSigningFailed() {
        val other = TestKeys.jdkPrivate(Vectors.readFile("keys/TEST-ONLY-other.private.pkcs8.b64"))
        val cases = mapOf<String, Signer>(
            "short" to Signer { jdkSignMessage(it).copyOf(255) },
            "empty" to Signer { ByteArray(0) },
            "another key" to Signer { r -> Signature.getInstance("SHA256withRSA").run { initSign(other); update(r.message); sign() } },
            "SHA-512" to Signer { r -> Signature.getInstance("SHA512withRSA").run { initSign(jdkKey); update(r.message); sign() } },
        )
        for ((what, signer) in cases) {
            val client = Client(TestKeys.CLIENT_ID, antom, signer = signer, merchantPublicKey = merchantPublic)
            val e = assertThrows<AntomException>(what) { client.prepare("v1/payments/pay", body, time) }
            assertEquals(AntomException.SIGNING_FAILED, e.code, what)
        }
        // Without the merchant public key only the length is checked: another key's signature passes.
        val unchecked = Client(TestKeys.CLIENT_ID, antom, signer = cases.getValue("another key"))
        unchecked.prepare("v1/payments/pay", body, time)
    }

    @Test
    fun theTwoStepsByHand() {
        val client = Client(TestKeys.CLIENT_ID, antom, signer = ::jdkSignMessage, merchantPublicKey = merchantPublic)
        val pending = client.prepareExternal("v1/payments/pay", body, time)
        assertEquals("/ams/api/v1/payments/pay", pending.path)
        assertEquals(time.toString(), pending.requestTime)
        val request = client.finishExternal(pending, jdkSignDigest(pending))
        assertEquals(client.prepare("v1/payments/pay", body, time).headers, request.headers)
        // A client with the key in process has no external steps.
        val e = assertThrows<AntomException> { TestKeys.client().prepareExternal("v1/payments/pay", body, time) }
        assertEquals(AntomException.INVALID_INPUT, e.code)
    }

    @Test
    fun theGatewayStandInAcceptsAnExternallySignedRequest() {
        AntomSimulator().use { gateway ->
            val client = Client(
                TestKeys.CLIENT_ID, antom, gatewayUrl = gateway.url, signer = ::jdkSignDigest,
                merchantPublicKey = merchantPublic,
            )
            val request = client.prepare("v1/payments/pay", body)
            val http = java.net.http.HttpClient.newHttpClient()
            val builder = java.net.http.HttpRequest.newBuilder(java.net.URI.create(request.url))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.body))
            request.headers.filter { it.first != "Content-Type" }.forEach { (n, v) -> builder.header(n, v) }
            builder.header("Content-Type", request.headerMap().getValue("Content-Type"))
            val reply = http.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray())
            assertEquals(listOf(true), gateway.requestSignaturesValid, "the JDK verified the KMS-style signature")
            val response = client.verifyResponse(request.path, reply.headers().map(), reply.body())
            assertTrue(response.verified && response.isSuccess)
        }
    }
}
