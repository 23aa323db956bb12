package antom.core

import java.lang.ref.Cleaner
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong

/**
 * A reference of this binding's own to a native object (a uniffi handle cloned once, when the
 * wrapper is built), for the [Flat] calls: they borrow it, so a call costs no clone. Released
 * exactly once: by [close] once no call is in flight, or by the cleaner when [owner] is
 * unreachable. A call after [close] is an `IllegalStateException`, as uniffi's own objects
 * answer, never a call on a freed handle.
 */
internal class FlatHandle(owner: Any, val handle: Long, release: (Long) -> Unit) : AutoCloseable {
    // 1 for the owner's reference, plus one per call in flight; 0 once released.
    private val calls = AtomicLong(1)
    private val closed = AtomicBoolean(false)
    private val cleanable: Cleaner.Cleanable = CLEANER.register(owner, Release(handle, release))

    /** Runs [block] with the handle, which stays valid until it returns. */
    inline fun <T> use(block: (Long) -> T): T {
        enter()
        try {
            return block(handle)
        } finally {
            leave()
        }
    }

    fun enter() {
        while (true) {
            val c = calls.get()
            check(c != 0L && !closed.get()) { "this object has already been closed" }
            if (calls.compareAndSet(c, c + 1)) return
        }
    }

    fun leave() {
        if (calls.decrementAndGet() == 0L) cleanable.clean()
    }

    override fun close() {
        if (closed.compareAndSet(false, true)) leave()
    }

    // Holds the handle only, never the owner (which would keep it reachable forever).
    private class Release(private val handle: Long, private val release: (Long) -> Unit) : Runnable {
        override fun run() = release(handle)
    }

    private companion object {
        val CLEANER: Cleaner = Cleaner.create()
    }
}
