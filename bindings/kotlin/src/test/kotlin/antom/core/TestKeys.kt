package antom.core

import java.net.URLEncoder
import java.security.KeyFactory
import java.security.Signature
import java.security.interfaces.RSAPrivateKey
import java.security.interfaces.RSAPublicKey
import java.security.spec.PKCS8EncodedKeySpec
import java.security.spec.X509EncodedKeySpec
import java.util.Base64

/**
 * The THROW-AWAY keys of tests/vectors/keys/ (public on purpose, protect nothing), and JDK
 * `Signature("SHA256withRSA")` helpers that play Antom's side in the examples: an independent
 * implementation, so a round trip through them also cross-checks antom-core.
 */
object TestKeys {
    const val CLIENT_ID = "5J5YEX4C2YQK01523"
    /** A syntactically valid, test-only API key (from tests/vectors/prepare.json). */
    const val API_KEY = "irak_TEST_VEVTVC1PTkxZ_not-a-real-secret_0123456789"

    val merchantPrivateText: String get() = Vectors.readFile("keys/TEST-ONLY-merchant.private.pkcs8.b64")
    val merchantPublicText: String get() = Vectors.readFile("keys/TEST-ONLY-merchant.public.spki.b64")
    val antomPrivateText: String get() = Vectors.readFile("keys/TEST-ONLY-antom.private.pkcs8.b64")
    val antomPublicText: String get() = Vectors.readFile("keys/TEST-ONLY-antom.public.spki.b64")

    fun jdkPrivate(text: String): RSAPrivateKey = KeyFactory.getInstance("RSA")
        .generatePrivate(PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(text.trim()))) as RSAPrivateKey

    fun jdkPublic(text: String): RSAPublicKey = KeyFactory.getInstance("RSA")
        .generatePublic(X509EncodedKeySpec(Base64.getMimeDecoder().decode(text.trim()))) as RSAPublicKey

    /** SHA256withRSA over [content], base64, percent-encoded: what Antom puts after `signature=`. */
    fun jdkSign(key: RSAPrivateKey, content: String): String {
        val s = Signature.getInstance("SHA256withRSA")
        s.initSign(key)
        s.update(content.toByteArray(Charsets.UTF_8))
        return URLEncoder.encode(Base64.getEncoder().encodeToString(s.sign()), Charsets.UTF_8)
    }

    fun jdkVerify(key: RSAPublicKey, content: String, percentEncoded: String): Boolean {
        val s = Signature.getInstance("SHA256withRSA")
        s.initVerify(key)
        s.update(content.toByteArray(Charsets.UTF_8))
        return s.verify(Base64.getDecoder().decode(java.net.URLDecoder.decode(percentEncoded, Charsets.UTF_8)))
    }

    /** Headers Antom sends with a signed response (or, with `request-time`, a notification). */
    fun antomHeaders(path: String, body: String, time: String = "2025-05-19T01:52:32Z", timeHeader: String = "response-time"): List<Pair<String, String>> {
        val signature = jdkSign(jdkPrivate(antomPrivateText), "POST $path\n$CLIENT_ID.$time.$body")
        return listOf(
            "content-type" to "application/json; charset=UTF-8",
            timeHeader to time,
            "client-id" to CLIENT_ID,
            "signature" to "algorithm=RSA256,keyVersion=1,signature=$signature",
        )
    }

    /** What a notification receiver should hold: no private key at all. */
    fun verifyOnlyClient(): Client = Client(clientId = CLIENT_ID, antomPublicKey = PublicKey(antomPublicText))

    fun client(): Client = Client(
        clientId = CLIENT_ID,
        antomPublicKey = PublicKey(antomPublicText),
        privateKey = PrivateKey(merchantPrivateText),
    )
}
