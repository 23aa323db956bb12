package antom.core

import antom.core.ffi.SigningRequest as FfiSigningRequest

/**
 * Signs requests with a key that never enters this process: a cloud KMS (AWS KMS, Google Cloud
 * KMS, Azure Key Vault) or an HSM. Give it to [Client] (`signer = { request -> ... }` in
 * Kotlin, `.signer(request -> ...)` on [Client.Builder] in Java); [Client.prepare] calls it.
 *
 * Sign [SigningRequest.message] (a signer that hashes itself: AWS KMS `MessageType.RAW` up to
 * 4096 bytes, `java.security.Signature` `SHA256withRSA`) or [SigningRequest.digest] (its
 * SHA-256: AWS KMS `MessageType.DIGEST`, Google Cloud KMS `Digest.sha256`) with
 * RSASSA-PKCS1-v1_5 / SHA-256, and return the raw signature bytes (not base64). Both give the
 * same signature. An exception thrown here becomes an [AntomException] with code
 * `SIGNING_FAILED` and this exception as its cause.
 */
fun interface Signer {
    /** Returns the raw RSASSA-PKCS1-v1_5 / SHA-256 signature of [request]. */
    @Throws(Exception::class)
    fun sign(request: SigningRequest): ByteArray
}

/**
 * What an external [Signer] must sign (from [Client.prepareExternal]). Its string form shows
 * the URL and time, and the message as its length only.
 */
class SigningRequest internal constructor(internal val inner: FfiSigningRequest) {
    /** Exactly what is signed: `POST path\nclient-id.request-time.body` (a fresh copy). */
    val message: ByteArray get() = inner.message()

    /** The SHA-256 digest of [message], 32 bytes (a fresh copy): what a KMS in digest mode signs. */
    val digest: ByteArray get() = inner.digest()

    /** The path that will be requested and signed. */
    val path: String get() = inner.path()

    /** The `Request-Time` that is signed (epoch milliseconds, as sent). */
    val requestTime: String get() = inner.requestTime()

    /** The core's description: no body, no message bytes. */
    override fun toString(): String = inner.toString()
}

/**
 * Runs [signer]; anything it throws or returns that is not a signature becomes `SIGNING_FAILED`.
 * Only the exception's class is named: its message could carry anything (a key ARN, a token).
 */
internal fun runSigner(signer: Signer, request: SigningRequest): ByteArray {
    @Suppress("USELESS_CAST") // a Java signer can return null despite the Kotlin type
    val signature = try {
        signer.sign(request) as ByteArray?
    } catch (e: Exception) {
        throw AntomException(
            AntomException.SIGNING_FAILED,
            "${AntomException.SIGNING_FAILED}: the external signer threw ${e.javaClass.name}; its details are in " +
                "this exception's cause (check the KMS/HSM call, its credentials and the key id)",
            e,
        )
    }
    return signature ?: throw AntomException(
        AntomException.SIGNING_FAILED,
        "${AntomException.SIGNING_FAILED}: the external signer returned null instead of the raw signature bytes",
    )
}
