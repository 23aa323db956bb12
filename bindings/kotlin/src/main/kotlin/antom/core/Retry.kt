@file:JvmName("Retry")

package antom.core

import antom.core.ffi.AttemptFailure as FfiAttemptFailure
import antom.core.ffi.RetryPolicy as FfiRetryPolicy
import antom.core.ffi.SendEvent as FfiSendEvent
import antom.core.ffi.apiName as ffiApiName
import antom.core.ffi.attemptFailureCode as ffiAttemptFailureCode
import antom.core.ffi.attemptFailureMessage as ffiAttemptFailureMessage
import antom.core.ffi.attemptTimeoutMs as ffiAttemptTimeoutMs
import antom.core.ffi.checkRetryPolicy as ffiCheckRetryPolicy
import antom.core.ffi.decideRetry as ffiDecideRetry
import antom.core.ffi.defaultRetryPolicy as ffiDefaultRetryPolicy
import antom.core.ffi.maskBody as ffiMaskBody
import antom.core.ffi.sendEventAttributes as ffiSendEventAttributes
import antom.core.ffi.simpleRetryPolicy as ffiSimpleRetryPolicy
import antom.core.ffi.spanName as ffiSpanName
import java.time.Duration

// The retry policy of `send`, its per-attempt events and their OpenTelemetry attributes. Every
// rule is the core's (`decideRetry`, `attemptTimeoutMs`, `newSendEvent`, `maskBody`, ...);
// this file only converts types. Top-level functions: `maskBody(...)` in Kotlin,
// `Retry.maskBody(...)` in Java.

/** The core's default policy (one attempt), read once. */
private val CORE_DEFAULT: FfiRetryPolicy by lazy { ffiDefaultRetryPolicy() }

/**
 * How [Client.send] retries: attempts, backoff, one attempt's timeout and one deadline over
 * every attempt and wait (the core's policy, the same in every runtime). Off by default: the
 * defaults are the core's (`maxAttempts = 1`, backoff from 500 ms capped at 5 s, a 30 s attempt
 * timeout, a 60 s deadline). Give it to [SendOptions.retryPolicy].
 *
 * When to retry is decided by the core only: a transport error, a timeout or an HTTP 5xx, for
 * a request whose API's idempotency field the body carries (or an inquiry) unless
 * [retryWithoutIdempotencyKey]; the wait before retry `n` is drawn from `[b/2, b]` with
 * `b = min(maxBackoffMs, initialBackoffMs * 2^(n-1))`; no retry is planned whose wait reaches
 * the deadline.
 *
 * Checked when made: a value out of the core's bounds (1 to 10 attempts, `1 <= initialBackoffMs
 * <= maxBackoffMs <= 60000`, an attempt timeout up to 10 min, a deadline up to 1 h) throws
 * [AntomException] `INVALID_INPUT` naming the bound. From Java: [RetryPolicy.builder].
 */
data class RetryPolicy @JvmOverloads @Throws(AntomException::class) constructor(
    /** Attempts in all, 1 to 10; 1 means no retries. */
    val maxAttempts: Int = CORE_DEFAULT.maxAttempts.toInt(),
    /** The first backoff in ms, before jitter. */
    val initialBackoffMs: Long = CORE_DEFAULT.initialBackoffMs.toLong(),
    /** The backoff cap in ms, before jitter. */
    val maxBackoffMs: Long = CORE_DEFAULT.maxBackoffMs.toLong(),
    /** The longest one attempt may take (until the whole reply is read), in ms. */
    val attemptTimeoutMs: Long = CORE_DEFAULT.attemptTimeoutMs.toLong(),
    /** The longest the whole send may take, every attempt and wait included, in ms. */
    val deadlineMs: Long = CORE_DEFAULT.deadlineMs.toLong(),
    /**
     * Retry even a request that carries no idempotency key. Resending such a request may
     * perform the operation twice: set it only for APIs you know to be safe to repeat.
     */
    val retryWithoutIdempotencyKey: Boolean = CORE_DEFAULT.retryWithoutIdempotencyKey,
) {
    init {
        // A negative value becomes a huge unsigned one, which the core's bounds refuse.
        call { ffiCheckRetryPolicy(toFfi()) }
    }

    internal fun toFfi(): FfiRetryPolicy = FfiRetryPolicy(
        maxAttempts = maxAttempts.toUInt(),
        initialBackoffMs = initialBackoffMs.toULong(),
        maxBackoffMs = maxBackoffMs.toULong(),
        attemptTimeoutMs = attemptTimeoutMs.toULong(),
        deadlineMs = deadlineMs.toULong(),
        retryWithoutIdempotencyKey = retryWithoutIdempotencyKey,
    )

    /**
     * The timeout of the next attempt, [elapsedMs] after the first one started: the smaller of
     * [attemptTimeoutMs] and what is left of the deadline; `null` when the deadline has passed
     * (start no attempt).
     */
    fun attemptTimeoutMs(elapsedMs: Long): Long? =
        ffiAttemptTimeoutMs(toFfi(), elapsedMs.coerceAtLeast(0).toULong())?.toLong()

    /**
     * What follows the failed attempt number [attempt] (from 1) of a request to [path] with
     * [body], [elapsedMs] after the first attempt started; [random] is any non-negative number
     * from your random source (it picks the jitter). The core's decision, for a send loop of
     * your own.
     */
    fun decide(path: String, body: ByteArray, attempt: Int, elapsedMs: Long, failure: AttemptFailure, random: Long): RetryDecision {
        val decision = call {
            ffiDecideRetry(
                toFfi(), path, body, attempt.coerceAtLeast(0).toUInt(), elapsedMs.coerceAtLeast(0).toULong(),
                failure.toFfi(), random.toULong(),
            )
        }
        return RetryDecision(decision.retry, decision.delayMs.toLong(), decision.reason)
    }

    /** Starts a [Builder] from this policy. */
    fun toBuilder(): Builder = Builder(this)

    /** A [RetryPolicy] for Java callers, field by field, from the core's defaults. */
    class Builder internal constructor(from: RetryPolicy?) {
        private var maxAttempts = from?.maxAttempts ?: CORE_DEFAULT.maxAttempts.toInt()
        private var initialBackoffMs = from?.initialBackoffMs ?: CORE_DEFAULT.initialBackoffMs.toLong()
        private var maxBackoffMs = from?.maxBackoffMs ?: CORE_DEFAULT.maxBackoffMs.toLong()
        private var attemptTimeoutMs = from?.attemptTimeoutMs ?: CORE_DEFAULT.attemptTimeoutMs.toLong()
        private var deadlineMs = from?.deadlineMs ?: CORE_DEFAULT.deadlineMs.toLong()
        private var retryWithoutIdempotencyKey = from?.retryWithoutIdempotencyKey ?: CORE_DEFAULT.retryWithoutIdempotencyKey

        /** Attempts in all, 1 to 10 (1: no retries). */
        fun maxAttempts(value: Int) = apply { maxAttempts = value }
        /** The first backoff, before jitter. */
        fun initialBackoff(value: Duration) = apply { initialBackoffMs = millis(value) }
        /** The backoff cap, before jitter. */
        fun maxBackoff(value: Duration) = apply { maxBackoffMs = millis(value) }
        /** The longest one attempt may take. */
        fun attemptTimeout(value: Duration) = apply { attemptTimeoutMs = millis(value) }
        /** The longest the whole send may take. */
        fun deadline(value: Duration) = apply { deadlineMs = millis(value) }
        /** Retry even without an idempotency key (the operation may be performed twice). */
        fun retryWithoutIdempotencyKey(value: Boolean) = apply { retryWithoutIdempotencyKey = value }

        /** Builds and checks the policy (`INVALID_INPUT` naming the bound that is not met). */
        @Throws(AntomException::class)
        fun build(): RetryPolicy =
            RetryPolicy(maxAttempts, initialBackoffMs, maxBackoffMs, attemptTimeoutMs, deadlineMs, retryWithoutIdempotencyKey)
    }

    companion object {
        /** The core's default: one attempt (no retries), 30 s. */
        @JvmField
        val DEFAULT: RetryPolicy = RetryPolicy()

        /**
         * The simple form [SendOptions.retries] and [SendOptions.timeout] stand for: [retries]
         * extra attempts (0 to 9), each with [attemptTimeout] (rounded up to whole ms), the
         * default backoff and a deadline that fits every attempt and wait.
         */
        @JvmStatic
        @Throws(AntomException::class)
        fun simple(retries: Int, attemptTimeout: Duration): RetryPolicy {
            if (retries < 0) {
                throw AntomException(AntomException.INVALID_INPUT, "INVALID_INPUT: retries must not be negative")
            }
            val p = ffiSimpleRetryPolicy(retries.toUInt(), millis(attemptTimeout).coerceAtLeast(0).toULong())
            return RetryPolicy(
                p.maxAttempts.toInt(), p.initialBackoffMs.toLong(), p.maxBackoffMs.toLong(),
                p.attemptTimeoutMs.toLong(), p.deadlineMs.toLong(), p.retryWithoutIdempotencyKey,
            )
        }

        /** Starts a [Builder] from the core's defaults. */
        @JvmStatic
        fun builder(): Builder = Builder(null)

        /** A duration in whole ms, rounded up (a positive duration is never 0 ms). */
        internal fun millis(value: Duration): Long {
            if (value.isNegative) return -1 // refused by the core's bounds
            val ms = value.toMillis()
            return if (Duration.ofMillis(ms) < value) ms + 1 else ms
        }
    }
}

/**
 * What went wrong with one attempt, as the core sees it: [Transport], [Timeout] or
 * [HttpStatus]. Only for [RetryPolicy.decide]; [Client.send] makes these itself.
 */
sealed class AttemptFailure {
    /** The request could not be sent, or its reply not read (refused, reset, TLS failure). */
    object Transport : AttemptFailure() {
        override fun toString() = "Transport"
    }

    /** No complete reply within the attempt's timeout. */
    object Timeout : AttemptFailure() {
        override fun toString() = "Timeout"
    }

    /** A reply with a non-2xx HTTP [status]. */
    data class HttpStatus(val status: Int) : AttemptFailure()

    /** The stable code of a send that ended with this failure: `TRANSPORT_ERROR`, `TIMEOUT`, `HTTP_STATUS`. */
    val code: String get() = ffiAttemptFailureCode(toFfi())

    /** What to tell the user about a send that ended with it (the attempt had [timeoutMs]). */
    fun message(timeoutMs: Long): String = ffiAttemptFailureMessage(toFfi(), timeoutMs.coerceAtLeast(0).toULong())

    internal fun toFfi(): FfiAttemptFailure = when (this) {
        Transport -> FfiAttemptFailure.Transport
        Timeout -> FfiAttemptFailure.Timeout
        // A status outside 0..65535 is no HTTP status: kept out of 2xx so it is never "success".
        is HttpStatus -> FfiAttemptFailure.HttpStatus(if (status in 0..0xFFFF) status.toUShort() else 0u)
    }
}

/**
 * The core's decision after a failed attempt: [retry] after [delayMs], or stop; [reason] is
 * `RETRY` or the stop reason's code (`RETRIES_OFF`, `NOT_RETRYABLE`, `NO_IDEMPOTENCY_KEY`,
 * `ATTEMPTS_EXHAUSTED`, `DEADLINE_REACHED`).
 */
data class RetryDecision internal constructor(
    /** Whether to send the identical request again. */
    val retry: Boolean,
    /** The wait before it, in ms (0 when not retrying). */
    val delayMs: Long,
    /** `RETRY` or the stop reason's code. */
    val reason: String,
) {
    companion object {
        /** Wait, then send the identical request again. */
        const val RETRY: String = "RETRY"
        /** The policy makes one attempt. */
        const val RETRIES_OFF: String = "RETRIES_OFF"
        /** A 3xx or 4xx: resending does not change it. */
        const val NOT_RETRYABLE: String = "NOT_RETRYABLE"
        /** The API has no idempotency field (and is no inquiry), or the body does not carry it. */
        const val NO_IDEMPOTENCY_KEY: String = "NO_IDEMPOTENCY_KEY"
        /** Every attempt the policy allows was made. */
        const val ATTEMPTS_EXHAUSTED: String = "ATTEMPTS_EXHAUSTED"
        /** The deadline passed, or would pass before the next attempt. */
        const val DEADLINE_REACHED: String = "DEADLINE_REACHED"
    }
}

/**
 * One attempt of a [Client.send], the core's event shape (the same in every runtime), given to
 * [SendOptions.onEvent]: names, numbers and codes. Never a header value, key or signature; the
 * bodies only when [SendOptions.includeBodies] is set, and then masked by the core
 * ([maskBody]).
 */
class SendEvent internal constructor(internal val inner: FfiSendEvent) {
    /** The catalogue name (`payments.pay`), `unknown` if the catalogue does not know the path. */
    val api: String get() = inner.api
    /** The path requested. */
    val path: String get() = inner.path
    /** The attempt's number, from 1. */
    val attempt: Int get() = inner.attempt.toInt()
    /** How long the attempt took, in ms. */
    val durationMs: Long get() = inner.durationMs.toLong()
    /** The reply's HTTP status, if a reply came. */
    val httpStatus: Int? get() = inner.httpStatus?.toInt()
    /** `result.resultStatus` of a verified reply (`S`, `F`, `U`). */
    val resultStatus: String? get() = inner.resultStatus
    /** `result.resultCode` of a verified reply. */
    val resultCode: String? get() = inner.resultCode
    /** The outcome's name ([Outcome.name]). */
    val outcome: String? get() = inner.outcome
    /** A failure's code (`TIMEOUT`...) or the verification error's code. */
    val errorCode: String? get() = inner.errorCode
    /** The core's decision after a failure: `RETRY` or a stop reason's code ([RetryDecision]). */
    val retry: String? get() = inner.retry
    /** The wait before the next attempt, when [retry] is `RETRY`. */
    val retryDelayMs: Long? get() = inner.retryDelayMs?.toLong()
    /** The request body's length in bytes. */
    val requestBodyLen: Long get() = inner.requestBodyLen.toLong()
    /** The reply body's length in bytes, if one was read. */
    val responseBodyLen: Long? get() = inner.responseBodyLen?.toLong()
    /** The masked request body ([maskBody]), only with [SendOptions.includeBodies]. */
    val requestBody: String? get() = inner.requestBody
    /** The masked reply body ([maskBody]), only with [SendOptions.includeBodies]. */
    val responseBody: String? get() = inner.responseBody

    /**
     * The OpenTelemetry attributes of the event under the core's keys (`antom.api`, `url.path`,
     * `antom.attempt`, `http.response.status_code`, `error.type`, `antom.retry`, ...), in the
     * core's order, unset fields left out: each value a `String` or a `Long`.
     */
    fun attributes(): Map<String, Any> =
        ffiSendEventAttributes(inner).associateTo(LinkedHashMap()) { a -> a.key to (a.stringValue ?: a.intValue ?: 0L) }

    /** Every field (bodies only as [maskBody] wrote them). */
    override fun toString(): String = "SendEvent(" + attributes().entries.joinToString(", ") { "${it.key}=${it.value}" } + ")"

    override fun equals(other: Any?): Boolean = other is SendEvent && other.inner == inner
    override fun hashCode(): Int = inner.hashCode()
}

/** Receives one [SendEvent] per attempt of a send. What it throws is ignored: it never changes the send. */
fun interface SendEventListener {
    /** Called once per attempt, after it ended (and after the retry decision). */
    fun onEvent(event: SendEvent)
}

/**
 * [body] as it may be shown: the JSON with the value of every sensitive field (card number,
 * CVV, expiry, account number, name, email, phone, identity document, token), at any depth,
 * replaced by `"<masked>"`, re-serialised compactly; `<N bytes>` for a body that is not JSON.
 * The core's rule.
 */
fun maskBody(body: ByteArray): String = ffiMaskBody(body)

/**
 * The OpenTelemetry span name of a send to [path]: `antom <catalogue name>` (`antom
 * payments.pay`), `antom unknown` for a path the catalogue does not know.
 */
fun spanName(path: String): String = call { ffiSpanName(path) }

/** The catalogue name (`payments.pay`) of a path or API name, if the catalogue knows it. */
fun apiName(path: String): String? = call { ffiApiName(path) }
