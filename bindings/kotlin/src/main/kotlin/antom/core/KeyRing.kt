package antom.core

import antom.core.ffi.AntomKey as FfiAntomKey
import antom.core.ffi.Header as FfiHeader
import antom.core.ffi.KeyId as FfiKeyId
import antom.core.ffi.maxRingKeys as ffiMaxRingKeys
import antom.core.ffi.whichKey as ffiWhichKey

/**
 * One key of an Antom key ring (`Client(antomPublicKeys = listOf(...))`): Antom's public key,
 * optionally tagged with the `keyVersion` Antom signs with. A message whose `Signature` names
 * a version is verified with the key tagged with it only (else with the untagged keys, in
 * order; none: `UNKNOWN_KEY_VERSION`); one without a version with every key, in order.
 */
data class AntomKey @JvmOverloads constructor(
    /** Antom's public key. */
    val key: PublicKey,
    /** The `keyVersion` it signs with (an unsigned 32-bit value); `null`: untagged. */
    val keyVersion: Long? = null,
) {
    init {
        require(keyVersion == null || keyVersion in 0..U32_MAX) { "keyVersion must be in 0..4294967295" }
    }

    internal fun toFfi() = FfiAntomKey(key = key.inner, keyVersion = keyVersion?.toUInt())
}

/** Which key verified a message: its `keyVersion` tag in the ring (`null`: untagged) and its fingerprint. */
data class KeyId(
    /** The key's tag in the ring. */
    val keyVersion: Long?,
    /** [PublicKey.fingerprint] of the key: safe to log. */
    val fingerprint: String,
)

internal fun FfiKeyId.toPublic() = KeyId(keyVersion?.toLong(), fingerprint)

/** The most keys a key ring holds: the most RSA checks one message costs. */
val MAX_RING_KEYS: Int = ffiMaxRingKeys().toInt()

/**
 * Which of [antomPublicKeys] verifies a signed message (a notification with `request-time`, or
 * a response with `response-time`), by the key ring's rule: finds a wrong key (the sandbox key
 * on a live client) in one call. Client ids are not compared.
 *
 * Throws `SIGNATURE_MISMATCH` naming the keys tried (by fingerprint), `UNKNOWN_KEY_VERSION`,
 * `MISSING_HEADER`, `MALFORMED_SIGNATURE`, or `INVALID_KEY` for a bad ring.
 */
@Throws(AntomException::class)
fun whichKey(antomPublicKeys: List<AntomKey>, path: String, headers: List<Pair<String, String>>, body: ByteArray): KeyId =
    call {
        ffiWhichKey(antomPublicKeys.map { it.toFfi() }, path, headers.map { FfiHeader(it.first, it.second) }, body)
    }.toPublic()
