package antom.core

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.net.http.HttpTimeoutException
import java.nio.ByteBuffer
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.Flow
import java.util.concurrent.CancellationException
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * How [Client.send] sends: the HTTP client, the timeout and the (opt-in) retries. Immutable;
 * build one at start-up and reuse it. From Java: `SendOptions.builder().timeout(...).build()`
 * or [SendOptions.DEFAULT].
 */
class SendOptions @JvmOverloads constructor(
    /**
     * The `java.net.http.HttpClient` to send with (default: one shared client that follows no
     * redirects). TLS certificates are always verified by the default client; this library has
     * no switch to turn that off (an injected client's `SSLContext` is its owner's).
     */
    val httpClient: HttpClient = defaultHttpClient,
    /**
     * The most one attempt may take, from sending to the last byte of the reply (default
     * [DEFAULT_TIMEOUT], 30 s). When it passes the outcome is [Outcome.UNKNOWN]: the request
     * may have taken effect.
     */
    val timeout: Duration = DEFAULT_TIMEOUT,
    /**
     * Extra attempts after a transport error, a timeout or an HTTP 5xx (default 0: no retries).
     * Each resends the identical prepared request: the same bytes, headers and `Request-Time`,
     * so Antom's idempotency (same request id) makes a retry safe. Never after a reply that
     * came back (2xx or another status).
     */
    val retries: Int = 0,
    /** The pause before each retry (default 1 s). */
    val retryDelay: Duration = Duration.ofSeconds(1),
) {
    init {
        // A redirect would send the signed bytes somewhere else, and its reply was signed for
        // another path: a client that follows redirects is refused, as Node and Python do.
        require(httpClient.followRedirects() == HttpClient.Redirect.NEVER) {
            "the HttpClient must not follow redirects: build it with followRedirects(HttpClient.Redirect.NEVER)"
        }
        require(!timeout.isNegative && !timeout.isZero) { "timeout must be positive" }
        require(retries >= 0) { "retries must not be negative" }
        require(!retryDelay.isNegative) { "retryDelay must not be negative" }
    }

    /** A [SendOptions] for Java callers, field by field. */
    class Builder internal constructor() {
        private var httpClient: HttpClient = defaultHttpClient
        private var timeout: Duration = DEFAULT_TIMEOUT
        private var retries: Int = 0
        private var retryDelay: Duration = Duration.ofSeconds(1)

        /** The `java.net.http.HttpClient` to send with. */
        fun httpClient(value: HttpClient) = apply { httpClient = value }
        /** The most one attempt may take (default 30 s). */
        fun timeout(value: Duration) = apply { timeout = value }
        /** Extra attempts after a transport error, a timeout or a 5xx (default 0). */
        fun retries(value: Int) = apply { retries = value }
        /** The pause before each retry (default 1 s). */
        fun retryDelay(value: Duration) = apply { retryDelay = value }
        /** Builds the options. */
        fun build(): SendOptions = SendOptions(httpClient, timeout, retries, retryDelay)
    }

    /** The fields, never the HTTP client's internals. */
    override fun toString(): String = "SendOptions(timeout=$timeout, retries=$retries, retryDelay=$retryDelay)"

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
    val builder = HttpRequest.newBuilder(URI.create(request.url))
        .timeout(options.timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.bodyBytes()))
    for ((name, value) in request.headers) builder.header(name, value)
    val http = builder.build() // built once: every attempt sends exactly these bytes and headers
    var attempts = 0
    while (true) {
        attempts++
        val reply = attempt(options, http, client.maxBodyBytes)
        val retryable = reply.error?.code != SendError.HTTP_STATUS || (reply.status ?: 0) >= 500
        if (reply.error != null && retryable && attempts <= options.retries && !Thread.currentThread().isInterrupted) {
            if (pause(options.retryDelay)) continue
        }
        if (reply.error != null) return SendResult(Outcome.UNKNOWN, null, reply.status, reply.error, request, attempts)
        // A 2xx: verified with the prepared path; a reply that fails verification throws (the request may have taken effect).
        val response = client.verifyResponse(request.path, reply.headers!!, reply.body!!)
        return SendResult(response.outcome, response, reply.status, null, request, attempts)
    }
}

/** One attempt's reply: headers and body of a 2xx, or the error. */
private class Reply(val status: Int?, val headers: java.net.http.HttpHeaders?, val body: ByteArray?, val error: SendError?)

private fun attempt(options: SendOptions, http: HttpRequest, maxBodyBytes: Long): Reply {
    val future = options.httpClient.sendAsync(http, replyBody(maxBodyBytes))
    val response = try {
        future.get(options.timeout.toNanos(), TimeUnit.NANOSECONDS)
    } catch (e: TimeoutException) {
        future.cancel(true)
        return Reply(null, null, null, SendError(SendError.TIMEOUT, "no complete reply within ${options.timeout}", e))
    } catch (e: InterruptedException) {
        future.cancel(true)
        Thread.currentThread().interrupt()
        return Reply(null, null, null, SendError(SendError.TRANSPORT_ERROR, "interrupted while waiting for the reply", e))
    } catch (e: CancellationException) {
        return Reply(null, null, null, SendError(SendError.TRANSPORT_ERROR, "the exchange was cancelled", e))
    } catch (e: ExecutionException) {
        val cause = e.cause ?: e
        val code = if (cause is HttpTimeoutException) SendError.TIMEOUT else SendError.TRANSPORT_ERROR
        return Reply(null, null, null, SendError(code, describe(cause), cause))
    }
    val status = response.statusCode()
    if (status !in 200..299) return Reply(status, null, null, SendError(SendError.HTTP_STATUS, "HTTP $status"))
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

/** Sleeps [delay]; `false` (interrupt flag set again) when interrupted. */
private fun pause(delay: Duration): Boolean {
    if (delay.isZero) return true
    return try {
        Thread.sleep(delay.toMillis())
        true
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        false
    }
}
