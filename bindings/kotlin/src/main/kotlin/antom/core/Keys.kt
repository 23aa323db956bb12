package antom.core

import antom.core.ffi.PrivateKey as FfiPrivateKey
import antom.core.ffi.PublicKey as FfiPublicKey

/**
 * A merchant's RSA private key, used to sign requests.
 *
 * `PrivateKey(text)` accepts the Antom Dashboard form (one-line base64 PKCS#8), PEM
 * (`PRIVATE KEY` / `RSA PRIVATE KEY`) or base64 PKCS#1; [fromDer] takes DER bytes. The key
 * lives in native memory, is zeroized when freed ([close], or the garbage collector), cannot
 * be read back out, and [toString] never shows it.
 */
class PrivateKey private constructor(internal val inner: FfiPrivateKey) : AutoCloseable {
    /**
     * Parses [text]. Throws [AntomException] `INVALID_KEY` when it is not a usable RSA private
     * key (including text with an unpaired surrogate). The native copy of the text is wiped
     * after parsing; [text] itself is a Java `String`, which cannot be wiped: load keys once.
     */
    @Throws(AntomException::class)
    constructor(text: String) : this(call(AntomException.INVALID_KEY) { FfiPrivateKey(text) })

    companion object {
        /** Parses a PKCS#8 or PKCS#1 DER private key. Throws `INVALID_KEY`. */
        @JvmStatic
        @Throws(AntomException::class)
        fun fromDer(der: ByteArray): PrivateKey = PrivateKey(call { FfiPrivateKey.fromDer(der) })
    }

    /**
     * Signs [content] (see [contentToSign]) and returns the percent-encoded base64 value that
     * goes after `signature=` in the `Signature` header.
     */
    @Throws(AntomException::class)
    fun sign(content: String): String = call { inner.sign(content) }

    /** The public half (what you upload to the Antom Dashboard). */
    fun publicKey(): PublicKey = PublicKey(inner.publicKey())

    /** Modulus size in bits. */
    val bits: Int get() = inner.bits().toInt()

    /** A redacted description (the core's `Debug`): never key material. */
    override fun toString(): String = inner.toString()

    /** Frees (and zeroizes) the native key now instead of at garbage collection. */
    override fun close() = inner.close()
}

/**
 * An RSA public key: Antom's (to verify responses and notifications) or your own.
 *
 * `PublicKey(text)` accepts the Antom Dashboard form (one-line base64 SubjectPublicKeyInfo),
 * PEM (`PUBLIC KEY` / `RSA PUBLIC KEY`) or base64 PKCS#1; [fromDer] takes DER bytes.
 */
class PublicKey internal constructor(internal val inner: FfiPublicKey) : AutoCloseable {
    /** This wrapper's own reference to the native key, for [verify]'s [Flat] call. */
    private val flat = FlatHandle(this, inner.uniffiCloneHandle(), Flat::antom_flat_release_public_key)

    /** Parses [text]. Throws [AntomException] `INVALID_KEY` when it is not a usable RSA public key. */
    @Throws(AntomException::class)
    constructor(text: String) : this(call(AntomException.INVALID_KEY) { FfiPublicKey(text) })

    companion object {
        /** Parses a SubjectPublicKeyInfo or PKCS#1 DER public key. Throws `INVALID_KEY`. */
        @JvmStatic
        @Throws(AntomException::class)
        fun fromDer(der: ByteArray): PublicKey = PublicKey(call { FfiPublicKey.fromDer(der) })
    }

    /**
     * `true` when [signature] (percent-encoded or raw base64) is valid over [content]; `false`
     * for a well-formed signature that does not match. Throws `MALFORMED_SIGNATURE` when it
     * cannot be decoded.
     */
    @Throws(AntomException::class)
    fun verify(content: String, signature: String): Boolean {
        val a = Packed.response().arguments(utf8(content, "the content"), utf8(signature, "the signature"))
        val at = a.address
        val answer = flat.use { key ->
            Flat.answer { out, cap ->
                Flat.antom_flat_public_key_verify(key, at, a.firstLength.toLong(), at + a.firstLength, a.secondLength.toLong(), out, cap)
            }
        }
        return answer.byte() == 1
    }

    /** Modulus size in bits. */
    val bits: Int get() = inner.bits().toInt()

    /** The key as SubjectPublicKeyInfo DER. */
    fun toDer(): ByteArray = inner.toDer()

    /** The Antom Dashboard form: one-line base64 of the SubjectPublicKeyInfo DER. */
    fun toBase64(): String = inner.toBase64()

    /** `sha256:` and the first 16 hex digits of SHA-256 over the SubjectPublicKeyInfo DER: short, stable, safe to log. */
    val fingerprint: String get() = inner.fingerprint()

    override fun equals(other: Any?): Boolean = other is PublicKey && toDer().contentEquals(other.toDer())

    override fun hashCode(): Int = toDer().contentHashCode()

    override fun toString(): String = inner.toString()

    override fun close() {
        flat.close()
        inner.close()
    }
}
