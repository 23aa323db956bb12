@file:JvmName("Antom")

package antom.core

import antom.core.ffi.contentToSign as ffiContentToSign
import antom.core.ffi.defaultMaxBodyBytes as ffiDefaultMaxBodyBytes
import antom.core.ffi.describeBody as ffiDescribeBody
import antom.core.ffi.engine as ffiEngine
import antom.core.ffi.redactHeader as ffiRedactHeader
import antom.core.ffi.endpoint as ffiEndpoint
import antom.core.ffi.endpoints as ffiEndpoints
import antom.core.ffi.formatSignatureHeader as ffiFormatSignatureHeader
import antom.core.ffi.fromMinorUnits as ffiFromMinorUnits
import antom.core.ffi.minorUnitExponent as ffiMinorUnitExponent
import antom.core.ffi.notificationAck as ffiNotificationAck
import antom.core.ffi.parseSignatureHeader as ffiParseSignatureHeader
import antom.core.ffi.toMinorUnits as ffiToMinorUnits

/** Key versions are unsigned 32-bit values on the wire; Java has no such type, so they are `Long`. */
internal const val U32_MAX: Long = 0xFFFF_FFFFL

// Top-level functions: `contentToSign(...)` in Kotlin, `Antom.contentToSign(...)` in Java.

/** The body to answer a verified, accepted notification with (HTTP 200). */
@JvmField
val NOTIFICATION_ACK: String = ffiNotificationAck()

/** The default [Client.maxBodyBytes]: 4 MiB. */
@JvmField
val DEFAULT_MAX_BODY_BYTES: Long = ffiDefaultMaxBodyBytes().toLong()

/** The RSA engine of the native library: `"aws-lc"` (AWS-LC through aws-lc-rs). */
@JvmField
val ENGINE: String = ffiEngine()

/**
 * The core's redaction rule: `"<redacted>"` for `Authorization`, `Agent-Token` and `Cookie`
 * (any case), else [value]. What every `toString()` here uses; for your own logs too.
 */
@Throws(AntomException::class)
fun redactHeader(name: String, value: String): String = call { ffiRedactHeader(name, value) }

/** The core's description of a body for logs: `"<N bytes>"`. */
fun describeBody(body: ByteArray): String = ffiDescribeBody(body)

/** The exact string that is signed: `"{method} {path}\n{clientId}.{time}.{body}"`. */
@Throws(AntomException::class)
fun contentToSign(method: String, path: String, clientId: String, time: String, body: String): String =
    call { ffiContentToSign(method, path, clientId, time, body) }

/** Parses a `Signature` header value. Throws `MALFORMED_SIGNATURE` or `UNSUPPORTED_ALGORITHM`. */
@Throws(AntomException::class)
fun parseSignatureHeader(value: String): SignatureHeader {
    val h = call { ffiParseSignatureHeader(value) }
    return SignatureHeader(h.algorithm, h.keyVersion?.toLong(), h.signature)
}

/** Formats a `Signature` header value for a signature from [PrivateKey.sign]. */
@Throws(AntomException::class)
fun formatSignatureHeader(keyVersion: Long, signature: String): String {
    require(keyVersion in 0..U32_MAX) { "keyVersion must be in 0..4294967295" }
    return call { ffiFormatSignatureHeader(keyVersion.toUInt(), signature) }
}

/** `("10.50", "USD")` → `"1050"`. Never rounds. Throws `INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY`. */
@Throws(AntomException::class)
fun toMinorUnits(amount: String, currency: String): String = call { ffiToMinorUnits(amount, currency) }

/** `("1050", "USD")` → `"10.50"`. Throws `INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY`. */
@Throws(AntomException::class)
fun fromMinorUnits(value: String, currency: String): String = call { ffiFromMinorUnits(value, currency) }

/** The ISO 4217 minor-unit exponent (`USD` → 2, `JPY` → 0). Throws `UNSUPPORTED_CURRENCY`. */
@Throws(AntomException::class)
fun minorUnitExponent(currency: String): Int = call { ffiMinorUnitExponent(currency) }.toInt()

/** The endpoint called [name] (e.g. `payments.pay`), or `null` when unknown. */
@Throws(AntomException::class)
fun endpoint(name: String): Endpoint? = call { ffiEndpoint(name) }?.let { Endpoint(it.name, it.group, it.path) }

/** Every known endpoint, sorted by name. */
fun endpoints(): List<Endpoint> = ffiEndpoints().map { Endpoint(it.name, it.group, it.path) }
