@file:JvmName("Dedup")

package antom.core.dedup

import antom.core.AntomException
import antom.core.NOTIFICATION_ACK
import antom.core.Notification
import antom.core.call
import antom.core.ffi.ClaimOutcome as FfiClaimOutcome
import antom.core.ffi.DedupAnswer as FfiDedupAnswer
import antom.core.ffi.EffectResult as FfiEffectResult
import antom.core.ffi.dedupAfterEffect as ffiDedupAfterEffect
import antom.core.ffi.dedupClaimExpired as ffiDedupClaimExpired
import antom.core.ffi.dedupLeaseBounds as ffiDedupLeaseBounds
import antom.core.ffi.dedupLeaseMs as ffiDedupLeaseMs
import antom.core.ffi.dedupOnClaim as ffiDedupOnClaim
import java.security.SecureRandom
import java.sql.Connection
import java.util.function.Consumer

// Exactly-once processing of verified notifications. Every decision is the core's
// (`antom_core::dedup`: what a claim's outcome leads to, the answer after the effect, the lease
// bounds and rule); this file runs the steps (claim, effect, completion, release) against a
// store and converts types. Top-level functions: `processOnce(...)` in Kotlin,
// `Dedup.processOnce(...)` in Java.
//
// Never a key, a token, a signature or a body in a log line or an exception message of this
// package: a store's failure is logged by its exception's class only.

/** What a store reports when asked to claim a key. */
enum class ClaimOutcome {
    /** This worker holds the claim now: a new key, or an expired claim taken over. */
    CLAIMED,
    /** The key's effect completed before: acknowledge without running it again. */
    ALREADY_DONE,
    /** Another worker holds an unexpired claim on the key. */
    IN_PROGRESS,
    /** The store could not answer (unreachable, too slow, an error). */
    STORE_UNAVAILABLE;

    internal fun toFfi(): FfiClaimOutcome = when (this) {
        CLAIMED -> FfiClaimOutcome.CLAIMED
        ALREADY_DONE -> FfiClaimOutcome.ALREADY_DONE
        IN_PROGRESS -> FfiClaimOutcome.IN_PROGRESS
        STORE_UNAVAILABLE -> FfiClaimOutcome.STORE_UNAVAILABLE
    }
}

/**
 * A store's answer to [DedupStore.claim]: the [key], the [outcome] and, when [ClaimOutcome.CLAIMED],
 * the claim's fencing [token] (what [DedupStore.complete] and [DedupStore.release] check).
 * [toString] shows neither key nor token.
 */
class Claim(
    /** The `dedupKey` claimed. */
    val key: String,
    /** What the store reported. */
    val outcome: ClaimOutcome,
    /** The fencing token when [ClaimOutcome.CLAIMED], else `null`. */
    val token: String? = null,
) {
    init {
        require(outcome != ClaimOutcome.CLAIMED || token != null) { "a CLAIMED claim needs its token" }
    }

    override fun toString(): String = "Claim(outcome=$outcome)"
}

/**
 * Thrown by a store's [DedupStore.complete] when the claim is no longer this worker's (its
 * lease expired and another delivery took it over): nothing is recorded, and the effect did
 * not run (or, in an SQL store, was rolled back).
 */
class ClaimLostException(message: String = "the claim was taken over: its lease expired") : Exception(message)

/**
 * The work a store runs under a claim, with its transaction: [connection] is the SQL store's
 * `java.sql.Connection` in the transaction that also records the completion (`null` for Redis).
 */
fun interface StoreEffect {
    @Throws(Exception::class)
    fun run(connection: Connection?)
}

/**
 * Where claims and completions live. Concurrency is the database's job (a unique key,
 * `SET NX`); a store never takes a lock in this process. Implementations must be thread-safe.
 */
interface DedupStore {
    /**
     * Claims [key] for [leaseMs] ms in one atomic operation: [ClaimOutcome.CLAIMED] (new, or
     * an expired claim taken over, with a fresh token), [ClaimOutcome.ALREADY_DONE] or
     * [ClaimOutcome.IN_PROGRESS]. Throws when the store cannot answer ([processOnce] then
     * answers 500 without the effect).
     */
    @Throws(Exception::class)
    fun claim(key: String, leaseMs: Long): Claim

    /**
     * Runs [effect] and records [claim]'s completion, fenced by its token: in the same
     * transaction where the store allows it (the effect gets that transaction's connection).
     * Throws [ClaimLostException] when the claim is no longer held, and whatever [effect] or
     * the store threw (nothing recorded; an SQL store rolls the effect back).
     */
    @Throws(Exception::class)
    fun complete(claim: Claim, effect: StoreEffect)

    /** Deletes [claim] if it is still this one (after a failure), so the redelivery claims at once. */
    @Throws(Exception::class)
    fun release(claim: Claim)
}

/**
 * Your processing of a verified notification: [connection] is the SQL store's connection, in
 * the transaction the completion is recorded in (write with it: both commit, or neither does;
 * never commit or roll back yourself), `null` for Redis. Throw if it could not be processed.
 */
fun interface NotificationEffect {
    @Throws(Exception::class)
    fun run(notification: Notification, connection: Connection?)
}

/**
 * The answer to give Antom: [status] 200 with [body] [NOTIFICATION_ACK], or 500 with the
 * [reason] code as the body (Antom delivers again). [reason]: `PROCESSED`, `DUPLICATE`,
 * `IN_PROGRESS`, `STORE_UNAVAILABLE`, `CALLBACK_FAILED` or `COMPLETION_FAILED`.
 */
data class DedupAnswer(
    /** 200 (acknowledged) or 500. */
    val status: Int,
    /** [NOTIFICATION_ACK] for 200, else the reason code. */
    val body: String,
    /** Why (the core's reason code). */
    val reason: String,
) {
    /** Whether this answer acknowledges the notification. */
    val acknowledged: Boolean get() = status == 200

    /** `application/json` for 200, `text/plain; charset=utf-8` otherwise. */
    val contentType: String get() = if (acknowledged) "application/json" else "text/plain; charset=utf-8"

    companion object {
        const val PROCESSED = "PROCESSED"
        const val DUPLICATE = "DUPLICATE"
        const val IN_PROGRESS = "IN_PROGRESS"
        const val STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
        const val CALLBACK_FAILED = "CALLBACK_FAILED"
        const val COMPLETION_FAILED = "COMPLETION_FAILED"

        internal fun of(native: FfiDedupAnswer): DedupAnswer = DedupAnswer(native.status.toInt(), native.body, native.reason)
    }
}

/** The core's lease bounds, in ms. */
data class LeaseBounds(
    /** The lease used when none is given (60 s). */
    val defaultMs: Long,
    /** The shortest lease accepted (1 s). */
    val minMs: Long,
    /** The longest lease accepted (1 h). */
    val maxMs: Long,
)

/** The core's lease bounds: the default (60 s), the shortest (1 s), the longest (1 h). */
fun leaseBounds(): LeaseBounds = ffiDedupLeaseBounds().let { LeaseBounds(it.defaultMs.toLong(), it.minMs.toLong(), it.maxMs.toLong()) }

/**
 * The lease to claim with: [requested] ms, or the default when `null`. Throws [AntomException]
 * `INVALID_INPUT` out of the core's bounds.
 */
@JvmOverloads
@Throws(AntomException::class)
fun leaseMs(requested: Long? = null): Long =
    // A negative value becomes a huge unsigned one, which the core's bounds refuse.
    call { ffiDedupLeaseMs(requested?.toULong()) }.toLong()

/** The core's lease rule: a claim made at [claimedAtMs] may be taken over once [nowMs] reaches `claimedAtMs + leaseMs`. */
fun claimExpired(claimedAtMs: Long, leaseMs: Long, nowMs: Long): Boolean =
    ffiDedupClaimExpired(claimedAtMs.coerceAtLeast(0).toULong(), leaseMs.coerceAtLeast(0).toULong(), nowMs.coerceAtLeast(0).toULong())

private val RANDOM = SecureRandom()

/** A fresh claim token: 128 random bits, hex. */
fun newToken(): String {
    val bytes = ByteArray(16)
    RANDOM.nextBytes(bytes)
    return bytes.joinToString("") { "%02x".format(it) }
}

private val LOG: System.Logger = System.getLogger("antom.core.webhooks")

/** Wraps what the effect threw, to tell it from the store's failures. */
private class EffectFailure(val error: Exception) : Exception(null, null, false, false)

/**
 * Runs [effect] at most once per [Notification.dedupKey] through [store] and returns the answer
 * the core's table gives: 200 + [NOTIFICATION_ACK] only after the effect and its completion
 * record committed (`PROCESSED`), or for a key already done (`DUPLICATE`, the effect not run);
 * 500 + the reason code otherwise: `IN_PROGRESS` (another worker holds the claim),
 * `STORE_UNAVAILABLE` (the store threw on the claim: no effect), `CALLBACK_FAILED` (the effect
 * threw), `COMPLETION_FAILED` (the completion could not be recorded, or the claim was taken
 * over); after those two the claim is released (best effort).
 *
 * Pass only a notification [antom.core.Client.verifyNotification] returned. [leaseMs]: how long
 * the claim holds (default 60 s; 1 s to 1 h, else [AntomException] `INVALID_INPUT`); choose it
 * longer than the effect can take. [onEffectError] receives what the effect threw (default: a
 * WARNING log line with its class; the answer does not depend on it).
 */
@JvmOverloads
@Throws(AntomException::class)
fun processOnce(
    store: DedupStore,
    notification: Notification,
    effect: NotificationEffect,
    leaseMs: Long? = null,
    onEffectError: Consumer<Exception>? = null,
): DedupAnswer {
    val lease = leaseMs(leaseMs)
    val key = notification.dedupKey
    var claim: Claim? = null
    val outcome = try {
        val c = store.claim(key, lease)
        require(c.key == key) { "DedupStore.claim must return a Claim for the key it was given" }
        claim = c
        c.outcome
    } catch (e: Exception) {
        LOG.log(
            System.Logger.Level.ERROR,
            "the dedup store could not claim the notification ({0}); answering 500 without the effect so that Antom delivers it again",
            e.javaClass.name,
        )
        ClaimOutcome.STORE_UNAVAILABLE
    }
    val step = ffiDedupOnClaim(outcome.toFfi())
    if (!step.runEffect) return DedupAnswer.of(step.answer ?: error("the core gave no answer"))
    val held = claim ?: error("the core runs the effect only for a claim")

    val result = try {
        store.complete(held) { connection ->
            try {
                effect.run(notification, connection)
            } catch (e: Exception) {
                throw EffectFailure(e)
            }
        }
        FfiEffectResult.COMMITTED
    } catch (e: EffectFailure) {
        report(e.error, onEffectError)
        FfiEffectResult.EFFECT_FAILED
    } catch (e: Exception) {
        // A store may wrap what the effect threw (e.g. in an SQLException of its own).
        val wrapped = causes(e).firstOrNull { it is EffectFailure } as EffectFailure?
        if (wrapped != null) {
            report(wrapped.error, onEffectError)
            FfiEffectResult.EFFECT_FAILED
        } else {
            LOG.log(
                System.Logger.Level.ERROR,
                "the dedup store could not record the completion ({0}); answering 500 so that Antom delivers it again",
                e.javaClass.name,
            )
            FfiEffectResult.COMPLETION_FAILED
        }
    }
    val answer = ffiDedupAfterEffect(result)
    if (answer.release) {
        try {
            store.release(held)
        } catch (e: Exception) {
            LOG.log(
                System.Logger.Level.WARNING,
                "the dedup store could not release a claim ({0}): the next delivery waits for its lease",
                e.javaClass.name,
            )
        }
    }
    return DedupAnswer.of(answer)
}

private fun causes(e: Throwable): Sequence<Throwable> = generateSequence(e) { t -> t.cause?.takeIf { it !== t } }.take(16)

private fun report(error: Exception, onEffectError: Consumer<Exception>?) {
    if (onEffectError != null) {
        try {
            onEffectError.accept(error)
        } catch (_: Exception) {
            // a failing reporter must not change the answer
        }
        return
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "the notification effect threw {0}; answering 500 so that Antom delivers it again",
        error.javaClass.name,
    )
}

/** For a store's SQL: a table name made of letters, digits and `_` (at most 63). */
internal fun tableName(table: String): String {
    require(Regex("^[A-Za-z_][A-Za-z0-9_]{0,62}$").matches(table)) { "table must be an SQL identifier: letters, digits, _ (at most 63)" }
    return table
}
