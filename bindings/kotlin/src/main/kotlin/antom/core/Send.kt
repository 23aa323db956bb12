package antom.core

import antom.core.ffi.AttemptFailure as FfiAttemptFailure
import antom.core.ffi.SendEvent as FfiSendEvent
import antom.core.ffi.attemptFailureCode as ffiAttemptFailureCode
import antom.core.ffi.attemptTimeoutMs as ffiAttemptTimeoutMs
import antom.core.ffi.decideRetry as ffiDecideRetry
import antom.core.ffi.maskBody as ffiMaskBody
import antom.core.ffi.newSendEvent as ffiNewSendEvent
import antom.core.ffi.sendEventAttributes as ffiSendEventAttributes
import antom.core.ffi.spanName as ffiSpanName
import io.opentelemetry.api.common.Attributes
import io.opentelemetry.api.trace.Span
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.api.trace.Tracer
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.net.http.HttpTimeoutException
import java.nio.ByteBuffer
import java.security.SecureRandom
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.ExecutionException
import java.util.concurrent.Flow
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference

/**
 * How [Client.send] sends: the HTTP client, the retry policy, the event hook and the optional
 * OpenTelemetry tracer. Immutable; build one at start-up and reuse it. From Java:
 * `SendOptions.builder().retryPolicy(...).onEvent(e -> ...).build()` or [SendOptions.DEFAULT].
 *
 * When to retry is the core's rule (`decideRetry`, the same in every runtime): only a
 * transport error, a timeout or an HTTP 5xx, only for a request whose API has an idempotency
 * field the body carries (or an inquiry), with capped, jittered exponential backoff, all
 * within one deadline. [retries] and [timeout] are the simple form of that policy
 * ([RetryPolicy.simple]); [retryPolicy] sets it whole.
 */
class SendOptions @JvmOverloads constructor(
    /**
     * The `java.net.http.HttpClient` to send with (default: one shared client that follows no
     * redirects). TLS certificates are always verified by the default client; this library has
     * no switch to turn that off (an injected client's `SSLContext` is its owner's).
     */
    val httpClient: HttpClient = defaultHttpClient,
    /**
     * The simple form: the most one attempt may take, from sending to the last byte of the
     * reply (default [DEFAULT_TIMEOUT], 30 s; at most 10 min). When it passes the outcome is
     * [Outcome.UNKNOWN]: the request may have taken effect. Ignored when [retryPolicy] is set.
     */
    val timeout: Duration = DEFAULT_TIMEOUT,
    /**
     * The simple form: extra attempts (default 0: none; at most 9) after a transport error, a
     * timeout or an HTTP 5xx, for idempotent requests only, with the core's backoff. Each
     * resends the identical prepared request (same bytes, headers and `Request-Time`), so
     * Antom sees the same request id again. Ignored when [retryPolicy] is set.
     */
    val retries: Int = 0,
    /**
     * Unused: the wait between attempts is the core's backoff (from 500 ms, doubling, capped at
     * 5 s, jittered). Kept so existing code compiles; set [retryPolicy] to change the backoff.
     */
    @Deprecated("ignored: the wait between attempts is the core's backoff; set retryPolicy to change it")
    val retryDelay: Duration = Duration.ofSeconds(1),
    /**
     * The whole policy: attempts, backoff, each attempt's timeout and the deadline over every
     * attempt and wait. When set, [timeout] and [retries] are ignored.
     */
    val retryPolicy: RetryPolicy? = null,
    /**
     * Called once per attempt with the core's event shape ([SendEvent]): names, numbers and
     * codes, never a header value, key, signature or body unless [includeBodies]. It runs on
     * the sending thread; what it throws is ignored (it cannot change the send).
     */
    val onEvent: SendEventListener? = null,
    /**
     * Put the request and reply bodies in events (and span events), masked by the core
     * ([maskBody]: card numbers, CVV, account numbers, names, emails, phones, tokens). Off by
     * default.
     */
    val includeBodies: Boolean = false,
    /**
     * An OpenTelemetry tracer (`GlobalOpenTelemetry.getTracer("my-app")`): one CLIENT span per
     * send named [spanName] (`antom payments.pay`), under the current context, with the last
     * attempt's attributes under the core's keys ([SendEvent.attributes]), one span event
     * `antom.attempt` per attempt, and status ERROR (the error code) when the send ended
     * without a verified reply. `io.opentelemetry:opentelemetry-api` is an optional dependency
     * of this jar: bring it yourself; nothing of it is loaded when no tracer is given.
     */
    val tracer: Tracer? = null,
) {
    init {
        // A redirect would send the signed bytes somewhere else, and its reply was signed for
        // another path: a client that follows redirects is refused, as Node and Python do.
        require(httpClient.followRedirects() == HttpClient.Redirect.NEVER) {
            "the HttpClient must not follow redirects: build it with followRedirects(HttpClient.Redirect.NEVER)"
        }
        require(!timeout.isNegative && !timeout.isZero) { "timeout must be positive" }
        require(retries >= 0) { "retries must not be negative" }
    }

    /**
     * The policy a send with these options follows: [retryPolicy], or the simple form of
     * [retries] and [timeout] (checked by the core: `INVALID_INPUT` naming the bound).
     */
    @Throws(AntomException::class)
    fun effectiveRetryPolicy(): RetryPolicy = retryPolicy ?: RetryPolicy.simple(retries, timeout)

    /** A [SendOptions] for Java callers, field by field. */
    class Builder internal constructor() {
        private var httpClient: HttpClient = defaultHttpClient
        private var timeout: Duration = DEFAULT_TIMEOUT
        private var retries: Int = 0
        private var retryPolicy: RetryPolicy? = null
        private var onEvent: SendEventListener? = null
        private var includeBodies: Boolean = false
        private var tracer: Tracer? = null

        /** The `java.net.http.HttpClient` to send with. */
        fun httpClient(value: HttpClient) = apply { httpClient = value }
        /** The simple form: the most one attempt may take (default 30 s). */
        fun timeout(value: Duration) = apply { timeout = value }
        /** The simple form: extra attempts after a transport error, a timeout or a 5xx (default 0). */
        fun retries(value: Int) = apply { retries = value }
        /** Ignored: the wait between attempts is the core's backoff (see [retryPolicy]). */
        @Deprecated("ignored: the wait between attempts is the core's backoff; set retryPolicy to change it")
        @Suppress("UNUSED_PARAMETER")
        fun retryDelay(value: Duration) = this
        /** The whole retry policy (then [timeout] and [retries] are ignored). */
        fun retryPolicy(value: RetryPolicy?) = apply { retryPolicy = value }
        /** Called once per attempt with its [SendEvent]. */
        fun onEvent(value: SendEventListener?) = apply { onEvent = value }
        /** Put the masked bodies in events (default false). */
        fun includeBodies(value: Boolean) = apply { includeBodies = value }
        /** An OpenTelemetry tracer: one CLIENT span per send. */
        fun tracer(value: Tracer?) = apply { tracer = value }
        /** Builds the options. */
        fun build(): SendOptions = SendOptions(
            httpClient, timeout, retries, retryPolicy = retryPolicy, onEvent = onEvent, includeBodies = includeBodies, tracer = tracer,
        )
    }

    /** The fields, never the HTTP client's internals. */
    override fun toString(): String =
        "SendOptions(timeout=$timeout, retries=$retries, retryPolicy=$retryPolicy, includeBodies=$includeBodies, " +
            "onEvent=${if (onEvent != null) "set" else "none"}, tracer=${if (tracer != null) "set" else "none"})"

    companion object {
        /** The default timeout of one attempt: 30 seconds. */
        @JvmField
        val DEFAULT_TIMEOUT: Duration = Duration.ofSeconds(30)

        /** One client for every send that does not bring its own (an `HttpClient` is meant to be shared). */
        private val defaultHttpClient: HttpClient by lazy {
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
        }

        /** 30 s timeout, no retries, the shared HTTP client. */
        @JvmField
        val DEFAULT: SendOptions = SendOptions()

        /** Starts a [Builder]. */
        @JvmStatic
        fun builder(): Builder = Builder()
    }
}

/**
 * Why [Client.send] has no verified answer. [code] is [TRANSPORT_ERROR], [TIMEOUT] or
 * [HTTP_STATUS]; [message] names the cause, never a body or a header value.
 */
class SendError internal constructor(
    /** [TRANSPORT_ERROR], [TIMEOUT] or [HTTP_STATUS]. */
    val code: String,
    /** What happened (`"HTTP 503"`, the exception class and message of a transport error). */
    val message: String,
    /** The exception of a transport error or timeout, for your logs; else `null`. */
    val cause: Throwable? = null,
) {
    /** `CODE: message`. */
    override fun toString(): String = "$code: $message"

    companion object {
        /** The connection failed or broke (refused, reset, TLS failure, ...): the request may or may not have arrived. */
        const val TRANSPORT_ERROR: String = "TRANSPORT_ERROR"
        /** No complete reply within [SendOptions.timeout]: the request may have taken effect. */
        const val TIMEOUT: String = "TIMEOUT"
        /** A reply with a status outside 2xx (its body is not read as a result). */
        const val HTTP_STATUS: String = "HTTP_STATUS"
    }
}

/**
 * What [Client.send] got. [outcome] is the one field to branch on: [Outcome.SUCCEEDED] only
 * from a verified response; every send without a verified reply is [Outcome.UNKNOWN] (inquire,
 * never pay again), never [Outcome.FAILED].
 */
class SendResult internal constructor(
    /** The response's outcome, or [Outcome.UNKNOWN] when there is no [response]. */
    val outcome: Outcome,
    /** The verified (or accepted unsigned gateway-error) response; `null` when [error] is set. */
    val response: ApiResponse?,
    /** The HTTP status of the last reply; `null` when none came (transport error, timeout). */
    val httpStatus: Int?,
    /** Why there is no [response]; `null` when there is one. */
    val error: SendError?,
    /** The request that was sent (every attempt sent exactly it): its path, headers and body. */
    val request: PreparedRequest,
    /** How many times it was sent: 1, plus the retries made. */
    val attempts: Int,
) {
    /** No body and no key material: the core's redaction applies to the request and response. */
    override fun toString(): String =
        "SendResult(outcome=$outcome, httpStatus=$httpStatus, error=$error, attempts=$attempts, response=$response)"
}

/** Sends [request] as [options] say, verifies a 2xx reply with [client]; see [Client.send]. */
@Throws(AntomException::class)
internal fun sendPrepared(client: Client, request: PreparedRequest, options: SendOptions): SendResult {
    val run = SendRun(client, request, options, options.effectiveRetryPolicy())
    try {
        var http = run.first()
        while (true) {
            val reply = attempt(options, http, run.timeoutMs, client.maxBodyBytes)
            val step = run.after(reply)
            if (step.result != null) return step.result
            // The core's wait; an interrupt ends the send (the flag is set again) with the last failure.
            if (Thread.currentThread().isInterrupted || !pause(step.delayMs)) break
            http = run.next() ?: break
        }
        return run.giveUp()
    } finally {
        run.end()
    }
}

/**
 * [sendPrepared] without blocking: `HttpClient.sendAsync` for each attempt and
 * `CompletableFuture.delayedExecutor` for the core's backoff. Every error (a policy the core
 * refuses, a reply that fails verification) completes the future exceptionally with the
 * [AntomException]; cancelling the future stops the send (an exchange in flight is cancelled).
 */
internal fun sendPreparedAsync(client: Client, request: PreparedRequest, options: SendOptions): CompletableFuture<SendResult> {
    val result = CompletableFuture<SendResult>()
    val run = try {
        SendRun(client, request, options, options.effectiveRetryPolicy())
    } catch (e: AntomException) {
        return CompletableFuture.failedFuture(e)
    }
    val asyncExecutor = options.httpClient.executor().orElse(defaultAsyncExecutor)
    val inFlight = AtomicReference<CompletableFuture<*>?>(null)
    // Cancelled by the caller: the exchange in flight too. The span ends before the future
    // completes (see done/failed), or here after a cancel.
    result.whenComplete { _, _ ->
        inFlight.get()?.cancel(true)
        run.end()
    }

    fun done(value: SendResult) {
        run.end()
        result.complete(value)
    }

    fun failed(e: Throwable) {
        run.end()
        result.completeExceptionally(e)
    }

    fun launch(http: HttpRequest) {
        if (result.isDone) return
        val exchange = options.httpClient.sendAsync(http, replyBody(client.maxBodyBytes))
        inFlight.set(exchange)
        // A dependent future times out, so the exchange itself can still be cancelled. The
        // reply is handled on the HTTP client's executor (or the default async pool), never on
        // the thread that called sendAsync, even when the exchange completed at once.
        exchange.thenApply { it }.orTimeout(run.timeoutMs, TimeUnit.MILLISECONDS).handleAsync({ response, error ->
            if (error != null) exchange.cancel(true)
            replyOf(response, error, run.timeoutMs)
        }, asyncExecutor).thenAccept { reply ->
            if (result.isDone) return@thenAccept
            val step = try {
                run.after(reply)
            } catch (e: Throwable) {
                failed(e)
                return@thenAccept
            }
            if (step.result != null) {
                done(step.result)
                return@thenAccept
            }
            CompletableFuture.delayedExecutor(step.delayMs, TimeUnit.MILLISECONDS).execute {
                if (result.isDone) return@execute
                val next = try {
                    run.next()
                } catch (e: Throwable) {
                    failed(e)
                    return@execute
                }
                if (next == null) done(run.giveUp()) else launch(next)
            }
        }
    }

    try {
        launch(run.first())
    } catch (e: Throwable) {
        failed(e)
    }
    return result
}

/** One attempt's reply: headers and body of a 2xx, or the failure (the core's kind) and the error. */
private class Reply(
    val status: Int?,
    val headers: java.net.http.HttpHeaders?,
    val body: ByteArray?,
    val failure: FfiAttemptFailure?,
    val message: String = "",
    val cause: Throwable? = null,
)

/** What a step of the send loop says: the result, or wait [delayMs] and send again. */
private class Step(val result: SendResult?, val delayMs: Long)

/** Where [sendPreparedAsync] handles replies when the HTTP client has no executor of its own. */
private val defaultAsyncExecutor: java.util.concurrent.Executor = CompletableFuture<Unit>().defaultExecutor()

/** The randomness behind the core's jitter. */
private val jitter = SecureRandom()

/**
 * One send's state, shared by the blocking and the asynchronous loop: the attempts made, the
 * time since the first started, the last failure, the event of each attempt and the span.
 * Every decision is the core's ([ffiAttemptTimeoutMs], [ffiDecideRetry]); this only measures
 * time, fills the event and calls the hook.
 */
private class SendRun(
    private val client: Client,
    private val request: PreparedRequest,
    private val options: SendOptions,
    policy: RetryPolicy,
) {
    private val policy = policy.toFfi()
    private val uri: URI = URI.create(request.url)
    private val body: ByteArray = request.bodyBytes()
    private val started = System.nanoTime()
    private var attemptStarted = started
    private var attempts = 0
    private var last: Reply? = null
    private var lastEvent: FfiSendEvent? = null
    private val trace: SendTrace? = options.tracer?.let { SendTrace(it, request.path) }

    /** The current attempt's timeout, in ms. */
    var timeoutMs: Long = 0
        private set

    private fun elapsedMs(): Long = (System.nanoTime() - started) / 1_000_000

    /** The first attempt's request. */
    fun first(): HttpRequest = begin(ffiAttemptTimeoutMs(policy, 0u) ?: policy.attemptTimeoutMs)

    /** The next attempt's request, or `null` when the deadline has passed (the core says). */
    fun next(): HttpRequest? = ffiAttemptTimeoutMs(policy, elapsedMs().toULong())?.let { begin(it) }

    /** Every attempt sends exactly the prepared bytes and headers; only the timeout differs. */
    private fun begin(timeout: ULong): HttpRequest {
        attempts++
        timeoutMs = timeout.toLong()
        attemptStarted = System.nanoTime()
        val builder = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMillis(timeoutMs))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        for ((name, value) in request.headers) builder.header(name, value)
        return builder.build()
    }

    /**
     * The attempt ended with [reply]: a 2xx is verified (the result, or the verification error
     * thrown: the request may have taken effect); a failure goes to the core's decision.
     */
    fun after(reply: Reply): Step {
        last = reply
        var event = ffiNewSendEvent(request.path, attempts.toUInt(), body.size.toULong())
        event = event.copy(
            durationMs = ((System.nanoTime() - attemptStarted) / 1_000_000).toULong(),
            httpStatus = reply.status?.toUShort(),
            responseBodyLen = reply.body?.size?.toULong(),
            requestBody = if (options.includeBodies) ffiMaskBody(body) else null,
            responseBody = if (options.includeBodies) reply.body?.let { ffiMaskBody(it) } else null,
        )
        val failure = reply.failure
        if (failure == null) {
            val response = try {
                // A 2xx: verified with the prepared path.
                client.verifyResponse(request.path, reply.headers!!, reply.body!!)
            } catch (e: AntomException) {
                report(event.copy(errorCode = e.code))
                throw e
            }
            report(
                event.copy(
                    resultStatus = response.resultStatus.code,
                    resultCode = response.resultCode,
                    outcome = response.outcome.name,
                ),
            )
            return Step(SendResult(response.outcome, response, reply.status, null, request, attempts), 0)
        }
        // A non-negative Long below 2^53: any number does, the core takes it modulo the spread.
        val random = jitter.nextLong() ushr 11
        val decision = ffiDecideRetry(policy, request.path, body, attempts.toUInt(), elapsedMs().toULong(), failure, random.toULong())
        report(
            event.copy(
                errorCode = ffiAttemptFailureCode(failure),
                retry = decision.reason,
                retryDelayMs = if (decision.retry) decision.delayMs else null,
                outcome = Outcome.UNKNOWN.name,
            ),
        )
        return if (decision.retry) Step(null, decision.delayMs.toLong()) else Step(giveUp(), 0)
    }

    /** No further attempt: [Outcome.UNKNOWN] with the last failure (inquire, never pay again). */
    fun giveUp(): SendResult {
        val reply = last!!
        val error = SendError(ffiAttemptFailureCode(reply.failure!!), reply.message, reply.cause)
        return SendResult(Outcome.UNKNOWN, null, reply.status, error, request, attempts)
    }

    /** The hook and the span see the event; what either throws is ignored. */
    private fun report(event: FfiSendEvent) {
        lastEvent = event
        try {
            options.onEvent?.onEvent(SendEvent(event))
        } catch (_: Exception) {
            // A hook never changes the send.
        }
        try {
            trace?.attempt(event)
        } catch (_: Exception) {
            // Nor does a tracer.
        }
    }

    /** Ends the span (once) with the last event. */
    fun end() {
        try {
            trace?.end(lastEvent)
        } catch (_: Exception) {
            // A tracer never changes the send.
        }
    }
}

/**
 * The OpenTelemetry side of a send, in a class of its own: only loaded when a tracer is given,
 * so the jar runs without `opentelemetry-api` on the class path.
 */
private class SendTrace(tracer: Tracer, path: String) {
    private val span: Span = tracer.spanBuilder(ffiSpanName(path)).setSpanKind(SpanKind.CLIENT).startSpan()
    private val ended = AtomicBoolean(false)

    private fun attributes(event: FfiSendEvent): Attributes {
        val builder = Attributes.builder()
        for (a in ffiSendEventAttributes(event)) {
            a.stringValue?.let { builder.put(a.key, it) }
            a.intValue?.let { builder.put(a.key, it) }
        }
        return builder.build()
    }

    fun attempt(event: FfiSendEvent) {
        span.addEvent("antom.attempt", attributes(event))
    }

    fun end(last: FfiSendEvent?) {
        if (!ended.compareAndSet(false, true)) return
        if (last != null) {
            span.setAllAttributes(attributes(last))
            last.errorCode?.let { span.setStatus(StatusCode.ERROR, it) }
        } else {
            span.setStatus(StatusCode.ERROR, "NO_ATTEMPT")
        }
        span.end()
    }
}

/** One blocking attempt, bounded by [timeoutMs] from sending to the last byte of the reply. */
private fun attempt(options: SendOptions, http: HttpRequest, timeoutMs: Long, maxBodyBytes: Long): Reply {
    val future = options.httpClient.sendAsync(http, replyBody(maxBodyBytes))
    val response = try {
        future.get(timeoutMs, TimeUnit.MILLISECONDS)
    } catch (e: TimeoutException) {
        future.cancel(true)
        return replyOf(null, e, timeoutMs)
    } catch (e: InterruptedException) {
        future.cancel(true)
        Thread.currentThread().interrupt()
        return Reply(null, null, null, FfiAttemptFailure.Transport, "interrupted while waiting for the reply", e)
    } catch (e: CancellationException) {
        return replyOf(null, e, timeoutMs)
    } catch (e: ExecutionException) {
        return replyOf(null, e.cause ?: e, timeoutMs)
    }
    return replyOf(response, null, timeoutMs)
}

/** The [Reply] of an exchange that gave [response] or failed with [error]. */
private fun replyOf(response: HttpResponse<ByteArray>?, error: Throwable?, timeoutMs: Long): Reply {
    if (error != null) {
        val cause = if (error is CompletionException || error is ExecutionException) error.cause ?: error else error
        return when (cause) {
            is TimeoutException, is HttpTimeoutException ->
                Reply(null, null, null, FfiAttemptFailure.Timeout, "no complete reply within $timeoutMs ms", cause)
            is CancellationException ->
                Reply(null, null, null, FfiAttemptFailure.Transport, "the exchange was cancelled", cause)
            else -> Reply(null, null, null, FfiAttemptFailure.Transport, describe(cause), cause)
        }
    }
    val status = response!!.statusCode()
    if (status !in 200..299) {
        return Reply(status, null, null, FfiAttemptFailure.HttpStatus(status.coerceIn(0, 0xFFFF).toUShort()), "HTTP $status")
    }
    return Reply(status, response.headers(), response.body(), null)
}

/**
 * A 2xx reply's body as bytes, read only up to just past [limit]: a longer body is cut there
 * (the rest is never read) and the core refuses it by its length. Any other status's body is
 * discarded unread (it is never a result).
 */
private fun replyBody(limit: Long) = HttpResponse.BodyHandler { info ->
    if (info.statusCode() in 200..299) BoundedBody(limit)
    else HttpResponse.BodySubscribers.replacing(ByteArray(0))
}

/** Collects a body until it ends or passes [limit] bytes, then cancels the rest. */
private class BoundedBody(private val limit: Long) : HttpResponse.BodySubscriber<ByteArray> {
    private val result = CompletableFuture<ByteArray>()
    private val out = ByteArrayOutputStream()
    @Volatile private var subscription: Flow.Subscription? = null

    override fun getBody(): CompletionStage<ByteArray> = result

    override fun onSubscribe(subscription: Flow.Subscription) {
        this.subscription = subscription
        subscription.request(Long.MAX_VALUE)
    }

    override fun onNext(item: List<ByteBuffer>) {
        if (result.isDone) return
        for (buffer in item) {
            val chunk = ByteArray(buffer.remaining())
            buffer.get(chunk)
            out.write(chunk)
        }
        if (out.size().toLong() > limit) {
            subscription?.cancel()
            result.complete(out.toByteArray())
        }
    }

    override fun onError(throwable: Throwable) {
        result.completeExceptionally(throwable)
    }

    override fun onComplete() {
        result.complete(out.toByteArray())
    }
}

/** The exception's class and its message, bounded (IO messages name hosts and ports, never bodies). */
private fun describe(e: Throwable): String {
    val text = e.message?.take(200)
    val kind = if (e is IOException) e.javaClass.simpleName else e.javaClass.name
    return if (text.isNullOrBlank()) kind else "$kind: $text"
}

/** Sleeps [delayMs]; `false` (interrupt flag set again) when interrupted. */
private fun pause(delayMs: Long): Boolean {
    if (delayMs <= 0) return true
    return try {
        Thread.sleep(delayMs)
        true
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        false
    }
}
