package antom.core

import com.sun.jna.Native
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * The per-request calls through the native library's flat C entry points (`flat.rs` in
 * antom-ffi), beside uniffi's generated glue and on the same loaded library.
 *
 * Why: each uniffi call through JNA allocates a call-status `Structure` (and a `ForeignBytes`
 * per argument), clones the object handle with a second native call, and lifts the returned
 * record through a `RustBuffer`: more than a notification's RSA check. These entry points cross
 * once each way, JNA direct-mapped with primitive arguments only: the inputs are `(address,
 * length)` pairs inside the calling thread's direct buffer ([Packed]), the object is a handle
 * this binding owns ([FlatHandle]), and the answer comes back in a second direct buffer in the
 * flat encoding `flat.rs` documents. Decoding only: every rule, verdict and error code is the
 * core's; every vector runs through this path (`VectorsIT`, `FlatIT`).
 */
internal object Flat {
    init {
        // The library uniffi loads, under the name (or override) uniffi resolves it by, so that
        // JNA hands back the same NativeLibrary: one copy of the native code and its handles.
        antom.core.ffi.UniffiLib.ensureInitialized()
        Native.register(
            Flat::class.java,
            System.getProperty("uniffi.component.antom_core.libraryOverride") ?: "antom_ffi",
        )
    }

    @JvmStatic
    external fun antom_flat_verify_notification(
        client: Long,
        path: Long, pathLen: Long,
        headers: Long, headersLen: Long,
        body: Long, bodyLen: Long,
        fresh: Byte, nowMs: Long, maxAgeMs: Long,
        out: Long, outCap: Long,
    ): Long

    @JvmStatic
    external fun antom_flat_verify_response(
        client: Long,
        path: Long, pathLen: Long,
        headers: Long, headersLen: Long,
        body: Long, bodyLen: Long,
        out: Long, outCap: Long,
    ): Long

    @JvmStatic
    external fun antom_flat_public_key_verify(
        key: Long,
        content: Long, contentLen: Long,
        signature: Long, signatureLen: Long,
        out: Long, outCap: Long,
    ): Long

    @JvmStatic external fun antom_flat_release_client(client: Long)

    @JvmStatic external fun antom_flat_release_public_key(key: Long)

    /** Room for any answer of a well-formed message (a longer one is retried at its size). */
    const val CAPACITY = 512

    private const val ABSENT = -1 // 0xFFFF_FFFF read as a signed Int

    /** A thread's answer buffer: native memory for the call, a heap copy for decoding. */
    class Answer {
        var native: ByteBuffer = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN)
        var address: Long = Native.getDirectBufferPointer(native).let { com.sun.jna.Pointer.nativeValue(it) }
        var bytes = ByteArray(CAPACITY)
        var length = 0
        var at = 0

        /** Grows the native buffer to [size] bytes (an answer longer than [CAPACITY]). */
        fun grow(size: Int) {
            native = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN)
            address = com.sun.jna.Pointer.nativeValue(Native.getDirectBufferPointer(native))
            bytes = ByteArray(size)
        }

        /** Takes [written] bytes out of native memory; throws the core's error if it is one. */
        fun take(written: Long) {
            length = written.toInt()
            native.clear()
            native.get(bytes, 0, length)
            at = 1
            if (bytes[0] != 0.toByte()) {
                val code = text() ?: AntomException.INVALID_INPUT
                throw AntomException(code, text() ?: code)
            }
        }

        fun byte(): Int = bytes[at++].toInt() and 0xFF

        fun number(): Int {
            val b = bytes
            val i = at
            at += 4
            return (b[i].toInt() and 0xFF) or ((b[i + 1].toInt() and 0xFF) shl 8) or
                ((b[i + 2].toInt() and 0xFF) shl 16) or ((b[i + 3].toInt() and 0xFF) shl 24)
        }

        /** A key version: a presence byte, then a `u32`. */
        fun keyVersion(): Long? {
            val present = byte() == 1
            val value = number().toLong() and 0xFFFF_FFFFL
            return if (present) value else null
        }

        fun text(): String? {
            val n = number()
            if (n == ABSENT) return null
            val s = String(bytes, at, n, Charsets.UTF_8)
            at += n
            return s
        }
    }

    private val answers = ThreadLocal.withInitial { Answer() }

    /**
     * Runs [call] with this thread's answer buffer (address, capacity) and returns the buffer
     * holding the success answer, positioned after its first byte; a too-small buffer is grown
     * once to the size the library asks for.
     */
    inline fun answer(call: (Long, Long) -> Long): Answer {
        val a = answers()
        var written = call(a.address, a.native.capacity().toLong())
        if (written < 0) {
            a.grow((-written).toInt())
            written = call(a.address, a.native.capacity().toLong())
        }
        check(written > 0) { "the native library wrote no answer" }
        a.take(written)
        return a
    }

    fun answers(): Answer = answers.get()

    private val STATUS = arrayOf(null, ResultStatus.SUCCESS, ResultStatus.FAILED, ResultStatus.UNKNOWN)
    private val OUTCOME = arrayOf(Outcome.SUCCEEDED, Outcome.FAILED, Outcome.PENDING, Outcome.UNKNOWN)
    private val ACTION = arrayOf(NextAction.DONE, NextAction.FAILED, NextAction.INQUIRE)

    fun status(byte: Int): ResultStatus? = STATUS[byte]

    fun outcome(byte: Int): Outcome = OUTCOME[byte]

    fun action(byte: Int): NextAction = ACTION[byte]
}
