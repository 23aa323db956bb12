package antom.core

import antom.core.ffi.AntomException as FfiAntomException
import java.nio.CharBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction

/**
 * An antom-core error. [code] is the stable code to branch on (`"SIGNATURE_MISMATCH"`, ...;
 * the constants below); [message] is the core's text, `"CODE: what to fix"`. Messages never
 * contain key material, signature values or message bodies, so they are safe to log.
 *
 * A checked exception, like the official Antom Java SDK's `AlipayApiException`: Java callers
 * must decide what a failed verification means for them.
 */
class AntomException internal constructor(
    /** The stable error code: one of the constants in the companion object. */
    val code: String,
    message: String,
    /** What an external [Signer] threw, for `SIGNING_FAILED`; otherwise none. */
    cause: Throwable? = null,
) : Exception(message, cause) {
    companion object {
        /** A key (or API key) could not be parsed, is encrypted, is not RSA, or has an unsupported size. */
        const val INVALID_KEY: String = "INVALID_KEY"
        /** An argument is malformed: a path, a client id, a gateway URL, a body, a repeated header. */
        const val INVALID_INPUT: String = "INVALID_INPUT"
        /** A signature value or `Signature` header cannot be decoded. */
        const val MALFORMED_SIGNATURE: String = "MALFORMED_SIGNATURE"
        /** The `Signature` header names an algorithm other than `RSA256`. */
        const val UNSUPPORTED_ALGORITHM: String = "UNSUPPORTED_ALGORITHM"
        /** A well-formed signature does not match: the message is not authentic. */
        const val SIGNATURE_MISMATCH: String = "SIGNATURE_MISMATCH"
        /** A header the protocol requires is missing or empty. */
        const val MISSING_HEADER: String = "MISSING_HEADER"
        /** The `client-id` header is not this client's id. */
        const val CLIENT_ID_MISMATCH: String = "CLIENT_ID_MISMATCH"
        /** An unsigned response that is not an `F`/`U` gateway error: it cannot be trusted. */
        const val UNSIGNED_RESPONSE: String = "UNSIGNED_RESPONSE"
        /** Not a positive decimal the currency can represent. */
        const val INVALID_AMOUNT: String = "INVALID_AMOUNT"
        /** Not an ISO 4217 currency with a minor unit. */
        const val UNSUPPORTED_CURRENCY: String = "UNSUPPORTED_CURRENCY"
        /**
         * The RSA signing operation itself failed (no randomness for blinding), or an external
         * [Signer] threw (the cause), returned null, or returned a signature of the wrong length
         * or one that does not verify with the configured merchant public key.
         */
        const val SIGNING_FAILED: String = "SIGNING_FAILED"
        /** A message is signed with a `keyVersion` no key of the Antom key ring is tagged with (and none is untagged). */
        const val UNKNOWN_KEY_VERSION: String = "UNKNOWN_KEY_VERSION"
        /** A configured key is the wrong one: the Antom public key is your own merchant public key. */
        const val WRONG_KEY: String = "WRONG_KEY"
    }
}

/**
 * Calls into the generated glue, turning its exceptions into [AntomException]. A string that
 * cannot be sent as UTF-8 (an unpaired surrogate: the generated glue encodes strictly and
 * throws `CharacterCodingException`) becomes [textCode] (`INVALID_INPUT`, or `INVALID_KEY` for
 * key text); the message never echoes the string.
 */
internal inline fun <T> call(textCode: String = AntomException.INVALID_INPUT, block: () -> T): T =
    try {
        block()
    } catch (e: FfiAntomException) {
        throw e.toPublic()
    } catch (e: CharacterCodingException) {
        throw notUnicode(textCode, "a string argument")
    }

/** The error for a string with an unpaired surrogate (not representable in UTF-8). */
internal fun notUnicode(code: String, what: String): AntomException =
    AntomException(code, "$code: $what is not valid Unicode (it contains an unpaired UTF-16 surrogate), so it cannot be sent as UTF-8")

/** [value] as UTF-8, strictly: an unpaired surrogate is `INVALID_INPUT`, never a silent `?`. */
internal fun utf8(value: String, what: String): ByteArray {
    val encoder = Charsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
    val buffer = try {
        encoder.encode(CharBuffer.wrap(value))
    } catch (e: CharacterCodingException) {
        throw notUnicode(AntomException.INVALID_INPUT, what)
    }
    return ByteArray(buffer.remaining()).also { buffer.get(it) }
}

// Exhaustive on purpose: a variant added to the FFI enum fails this build until it is mapped.
internal fun FfiAntomException.toPublic(): AntomException {
    val code = when (this) {
        is FfiAntomException.InvalidKey -> AntomException.INVALID_KEY
        is FfiAntomException.InvalidInput -> AntomException.INVALID_INPUT
        is FfiAntomException.MalformedSignature -> AntomException.MALFORMED_SIGNATURE
        is FfiAntomException.UnsupportedAlgorithm -> AntomException.UNSUPPORTED_ALGORITHM
        is FfiAntomException.SignatureMismatch -> AntomException.SIGNATURE_MISMATCH
        is FfiAntomException.MissingHeader -> AntomException.MISSING_HEADER
        is FfiAntomException.ClientIdMismatch -> AntomException.CLIENT_ID_MISMATCH
        is FfiAntomException.UnsignedResponse -> AntomException.UNSIGNED_RESPONSE
        is FfiAntomException.InvalidAmount -> AntomException.INVALID_AMOUNT
        is FfiAntomException.UnsupportedCurrency -> AntomException.UNSUPPORTED_CURRENCY
        is FfiAntomException.SigningFailed -> AntomException.SIGNING_FAILED
        is FfiAntomException.UnknownKeyVersion -> AntomException.UNKNOWN_KEY_VERSION
        is FfiAntomException.WrongKey -> AntomException.WRONG_KEY
    }
    return AntomException(code, message ?: code)
}
