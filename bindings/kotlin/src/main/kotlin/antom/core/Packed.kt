package antom.core

import antom.core.ffi.notificationHeaderNames as ffiNotificationHeaderNames
import antom.core.ffi.responseHeaderNames as ffiResponseHeaderNames
import com.sun.jna.Native
import com.sun.jna.Pointer
import java.nio.ByteBuffer
import java.util.Enumeration
import java.util.Locale

/**
 * Received headers, in any of the shapes a JVM server or client hands over, to the packed form
 * of the native library's fast path (`verify_*_packed`). Conversion only: which headers count,
 * how names match and what a duplicate means are the core's rules. The core exports the names
 * it reads; a header is kept when its name, trimmed of the whitespace Rust's `str::trim`
 * removes and lowercased, is one of them (a superset of the core's own ASCII case-insensitive
 * match), duplicates included. Kept pairs are encoded as `u32 length, UTF-8 name, u32 length,
 * UTF-8 value`.
 *
 * The three inputs of a call (path, packed headers, body) are written one after the other into
 * one direct buffer per thread, whose native address the [Flat] calls take (no other copy),
 * kept for the next call while it is at most [CACHED_BYTES]; a larger call gets its own buffer.
 */
internal class Packed private constructor(private val wanted: Set<String>) {
    private var cached: ByteBuffer = ByteBuffer.allocateDirect(4096)
    private var cachedAddress: Long = Pointer.nativeValue(Native.getDirectBufferPointer(cached))
    private var headerBytes = ByteArray(512)
    private var headerLength = 0

    private fun reset() {
        headerLength = 0
    }

    /** Keeps `name: value` when the core reads that header. A null name is skipped (the
     * status line of `getHeaderFields()`); a null value is INVALID_INPUT, in any header (nothing
     * stops a null from Java, and it is always a caller's bug). Headers the core does not read
     * are not converted, so their text is never checked. */
    fun add(name: String?, value: String?) {
        if (name == null) return
        if (value == null) throw nullValue(name)
        if (!reads(name)) return
        appendField(utf8(name, "a header name"))
        appendField(utf8(value, "a header value"))
    }

    /** Whether [name] may be one of the headers the core reads. */
    fun reads(name: String): Boolean = wanted.contains(trimLikeRust(name).lowercase(Locale.ROOT))

    private fun appendField(bytes: ByteArray) {
        val needed = headerLength + 4 + bytes.size
        if (needed > headerBytes.size) headerBytes = headerBytes.copyOf(maxOf(needed, headerBytes.size * 2))
        val n = bytes.size
        headerBytes[headerLength] = (n ushr 24).toByte()
        headerBytes[headerLength + 1] = (n ushr 16).toByte()
        headerBytes[headerLength + 2] = (n ushr 8).toByte()
        headerBytes[headerLength + 3] = n.toByte()
        System.arraycopy(bytes, 0, headerBytes, headerLength + 4, n)
        headerLength = needed
    }

    /** The direct buffer the last [arguments] call wrote into (kept reachable for the call). */
    var buffer: ByteBuffer = cached
        private set

    /** The native address of [buffer]. */
    var address: Long = cachedAddress
        private set

    /** Byte lengths of the arguments in [buffer], one after the other from [address]. */
    var firstLength = 0
        private set
    var secondLength = 0
        private set
    var thirdLength = 0
        private set

    private fun target(total: Int) {
        if (total > cached.capacity()) {
            val fresh = ByteBuffer.allocateDirect(if (total <= CACHED_BYTES) maxOf(total, cached.capacity() * 2) else total)
            val freshAddress = Pointer.nativeValue(Native.getDirectBufferPointer(fresh))
            if (total <= CACHED_BYTES) {
                cached = fresh
                cachedAddress = freshAddress
            }
            buffer = fresh
            address = freshAddress
        } else {
            buffer = cached
            address = cachedAddress
        }
        buffer.clear()
    }

    /** Two byte arrays, one after the other in [buffer] (`PublicKey.verify`'s arguments). */
    fun arguments(first: ByteArray, second: ByteArray): Packed {
        target(first.size + second.size)
        buffer.put(first).put(second)
        firstLength = first.size
        secondLength = second.size
        thirdLength = 0
        return this
    }

    /** The three arguments of a packed call (path, kept headers, body), one after the other in [buffer]. */
    fun arguments(path: String, body: ByteArray): Packed {
        val pathBytes = utf8(path, "the path")
        target(pathBytes.size + headerLength + body.size)
        buffer.put(pathBytes).put(headerBytes, 0, headerLength).put(body)
        firstLength = pathBytes.size
        secondLength = headerLength
        thirdLength = body.size
        return this
    }

    companion object {
        /** Largest call (path + kept headers + body) whose buffer is kept for the thread. */
        const val CACHED_BYTES = 64 * 1024

        private val NOTIFICATION_NAMES: Set<String> = ffiNotificationHeaderNames().toHashSet()
        private val RESPONSE_NAMES: Set<String> = ffiResponseHeaderNames().toHashSet()
        private val notification = ThreadLocal.withInitial { Packed(NOTIFICATION_NAMES) }
        private val response = ThreadLocal.withInitial { Packed(RESPONSE_NAMES) }

        /** This thread's packer for a notification, emptied. */
        fun notification(): Packed = notification.get().also { it.reset() }

        /** This thread's packer for a response, emptied. */
        fun response(): Packed = response.get().also { it.reset() }

        /** Rust's `char::is_whitespace` (the Unicode White_Space property), which `str::trim`
         * removes; Java's `Character.isWhitespace` misses U+0085 and the no-break spaces. */
        private fun isRustWhitespace(c: Char): Boolean =
            c in '\u0009'..'\u000D' || c == ' ' || c == '\u0085' || c == '\u00A0' || c == '\u1680' ||
                c in '\u2000'..'\u200A' || c == '\u2028' || c == '\u2029' || c == '\u202F' ||
                c == '\u205F' || c == '\u3000'

        private fun trimLikeRust(name: String): String {
            var start = 0
            var end = name.length
            while (start < end && isRustWhitespace(name[start])) start++
            while (end > start && isRustWhitespace(name[end - 1])) end--
            return if (start == 0 && end == name.length) name else name.substring(start, end)
        }

        fun nullValue(name: String): AntomException = AntomException(
            AntomException.INVALID_INPUT,
            "${AntomException.INVALID_INPUT}: the header ${redactedName(name)} has a null value",
        )

        /** A header name as it may appear in a message (names are not secret; bounded). */
        private fun redactedName(name: String): String =
            if (name.length <= 64) "'$name'" else "'${name.take(64)}...'"
    }
}

/** Adds every pair of [headers] to this packer (names the core does not read are skipped). */
@Suppress("SENSELESS_COMPARISON", "USELESS_CAST")
internal fun Packed.addPairs(headers: List<Pair<String, String>>): Packed {
    for (pair in headers as List<Pair<String?, String?>?>) if (pair != null) add(pair.first, pair.second)
    return this
}

/** Adds a single-valued map (`Map<String, String>`). */
@Suppress("USELESS_CAST")
internal fun Packed.addMap(headers: Map<String, String>): Packed {
    for ((name, value) in headers as Map<String?, String?>) add(name, value)
    return this
}

/** Adds a multi-valued map (`HttpHeaders.map()`, `getHeaderFields()`, `com.sun.net.httpserver.Headers`). */
@Suppress("USELESS_CAST")
internal fun Packed.addMultiMap(headers: Map<String, List<String>>): Packed {
    for ((name, values) in headers as Map<String?, List<String?>?>) {
        if (name == null) continue
        for (value in values ?: throw Packed.nullValue(name)) add(name, value)
    }
    return this
}

/** Adds headers read servlet-style: every name of [names], each with all its values. */
internal fun Packed.addNamed(names: Enumeration<String>, values: (String) -> Enumeration<String>?): Packed {
    while (names.hasMoreElements()) {
        val name: String? = names.nextElement()
        if (name == null || !reads(name)) continue // servlet-style: only read headers are fetched
        val each = values(name) ?: throw Packed.nullValue(name)
        while (each.hasMoreElements()) add(name, each.nextElement())
    }
    return this
}
