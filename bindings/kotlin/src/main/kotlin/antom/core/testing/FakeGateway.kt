package antom.core.testing

import antom.core.AntomException
import java.net.Authenticator
import java.net.CookieHandler
import java.net.ProxySelector
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpHeaders
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.ByteBuffer
import java.time.Duration
import java.util.Optional
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.Executor
import java.util.concurrent.Flow
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLParameters

/**
 * An in-process Antom gateway for unit tests: pass it as `SendOptions(httpClient = gateway)`
 * to [antom.core.Client.send] and no request leaves the process. Each request's signature is
 * checked with the kit's merchant public key as Antom does (a bad one gets HTTP 401, and is
 * recorded with `signatureError`); then the next scripted answer for its API is given: a reply
 * signed with the kit's Antom key (`S` by default), an HTTP status, or a transport failure.
 * Thread-safe; redirects are never followed (as [antom.core.SendOptions] requires).
 */
class FakeGateway internal constructor(private val kit: TestKit) : HttpClient() {
    /** One request the gateway received. */
    class Received internal constructor(
        /** The path requested (`/ams/sandbox/api/v1/payments/pay`). */
        val path: String,
        /** The headers, in the order sent. */
        val headers: List<Pair<String, String>>,
        /** The body, as sent. */
        val body: ByteArray,
        /** `null` when the request's signature verified, else the error code. */
        val signatureError: String?,
    ) {
        /** The body as text. */
        val bodyText: String get() = String(body, Charsets.UTF_8)

        override fun toString(): String = "Received(path=$path, body=<${body.size} bytes>, signatureError=$signatureError)"
    }

    private sealed interface Answer {
        class Reply(val resultStatus: String, val overrides: Map<String, String>, val signed: Boolean) : Answer
        class Status(val status: Int) : Answer
        class Fail(val error: java.io.IOException) : Answer
    }

    private val scripts = java.util.concurrent.ConcurrentHashMap<String, ConcurrentLinkedQueue<Answer>>()

    /** Every request received, in order. */
    val received: MutableList<Received> = java.util.Collections.synchronizedList(mutableListOf())

    /**
     * The next request to [api] (catalogue name or path) gets a reply signed by "Antom" with
     * `result.resultStatus` [resultStatus] and [overrides]; [signed] false sends it unsigned.
     * Without a scripted answer an API gets a successful (`S`) signed reply.
     */
    @JvmOverloads
    fun reply(api: String, resultStatus: String = "S", overrides: Map<String, String> = emptyMap(), signed: Boolean = true): FakeGateway =
        enqueue(api, Answer.Reply(resultStatus, overrides, signed))

    /** The next request to [api] gets HTTP [status] with no Antom body (a 5xx is retried by send's policy). */
    fun status(api: String, status: Int): FakeGateway = enqueue(api, Answer.Status(status))

    /** The next request to [api] fails as a broken connection would (no reply). */
    fun fail(api: String): FakeGateway = enqueue(api, Answer.Fail(java.io.IOException("connection reset (FakeGateway)")))

    private fun enqueue(api: String, answer: Answer): FakeGateway {
        scripts.computeIfAbsent(apiPath(api)) { ConcurrentLinkedQueue() }.add(answer)
        return this
    }

    /** The resolved path of [api] as the kit's client sends it (`v1/payments/pay` → its sandbox path). */
    private fun apiPath(api: String): String = kit.client().use { it.resolvePath(api) }

    override fun <T> sendAsync(request: HttpRequest, handler: HttpResponse.BodyHandler<T>): CompletableFuture<HttpResponse<T>> =
        sendAsync(request, handler, null)

    override fun <T> sendAsync(
        request: HttpRequest,
        handler: HttpResponse.BodyHandler<T>,
        pushPromiseHandler: HttpResponse.PushPromiseHandler<T>?,
    ): CompletableFuture<HttpResponse<T>> = CompletableFuture.supplyAsync { request }.thenCompose { answer(it, handler) }

    override fun <T> send(request: HttpRequest, handler: HttpResponse.BodyHandler<T>): HttpResponse<T> =
        try {
            sendAsync(request, handler).get()
        } catch (e: java.util.concurrent.ExecutionException) {
            throw (e.cause as? java.io.IOException) ?: java.io.IOException(e.cause)
        }

    private fun <T> answer(request: HttpRequest, handler: HttpResponse.BodyHandler<T>): CompletableFuture<HttpResponse<T>> {
        val body = bodyOf(request)
        val path = request.uri().rawPath
        val headers = request.headers().map().flatMap { (name, values) -> values.map { name to it } }
        val signatureError = try {
            kit.verifyRequest(path, headers, body)
            null
        } catch (e: AntomException) {
            e.code
        }
        received.add(Received(path, headers, body, signatureError))
        if (signatureError != null) return respond(request, handler, 401, emptyList(), signatureError.toByteArray())
        return when (val next = scripts[path]?.poll() ?: Answer.Reply("S", emptyMap(), true)) {
            is Answer.Fail -> CompletableFuture.failedFuture(next.error)
            is Answer.Status -> respond(request, handler, next.status, listOf("content-type" to "text/plain"), "fake gateway".toByteArray())
            is Answer.Reply -> {
                val reply = kit.responseBody(path, next.resultStatus, next.overrides).toByteArray(Charsets.UTF_8)
                val replyHeaders = if (next.signed) {
                    kit.signResponse(reply, path).headers
                } else {
                    listOf("content-type" to "application/json; charset=UTF-8")
                }
                respond(request, handler, 200, replyHeaders, reply)
            }
        }
    }

    /** Feeds [body] through the caller's body handler, as the JDK client would. */
    private fun <T> respond(
        request: HttpRequest,
        handler: HttpResponse.BodyHandler<T>,
        status: Int,
        headers: List<Pair<String, String>>,
        body: ByteArray,
    ): CompletableFuture<HttpResponse<T>> {
        val httpHeaders = HttpHeaders.of(headers.groupBy({ it.first }, { it.second })) { _, _ -> true }
        val info = object : HttpResponse.ResponseInfo {
            override fun statusCode() = status
            override fun headers() = httpHeaders
            override fun version() = Version.HTTP_1_1
        }
        val subscriber = handler.apply(info)
        subscriber.onSubscribe(object : Flow.Subscription {
            override fun request(n: Long) {}
            override fun cancel() {}
        })
        subscriber.onNext(listOf(ByteBuffer.wrap(body)))
        subscriber.onComplete()
        return subscriber.body.toCompletableFuture().thenApply { value -> FakeResponse(request, status, httpHeaders, value) }
    }

    private class FakeResponse<T>(
        private val request: HttpRequest,
        private val status: Int,
        private val headers: HttpHeaders,
        private val body: T,
    ) : HttpResponse<T> {
        override fun statusCode() = status
        override fun request() = request
        override fun previousResponse(): Optional<HttpResponse<T>> = Optional.empty()
        override fun headers() = headers
        override fun body() = body
        override fun sslSession(): Optional<javax.net.ssl.SSLSession> = Optional.empty()
        override fun uri(): URI = request.uri()
        override fun version() = Version.HTTP_1_1
    }

    override fun cookieHandler(): Optional<CookieHandler> = Optional.empty()
    override fun connectTimeout(): Optional<Duration> = Optional.empty()
    override fun followRedirects(): Redirect = Redirect.NEVER
    override fun proxy(): Optional<ProxySelector> = Optional.empty()
    override fun sslContext(): SSLContext = SSLContext.getDefault()
    override fun sslParameters(): SSLParameters = SSLParameters()
    override fun authenticator(): Optional<Authenticator> = Optional.empty()
    override fun version(): Version = Version.HTTP_1_1
    override fun executor(): Optional<Executor> = Optional.empty()

    override fun toString(): String = "FakeGateway(received=${received.size})"

    companion object {
        /** The gateway URL a kit's client uses by default (never contacted: the fake answers). */
        const val URL: String = "https://fake-gateway.antom-core.invalid"

        /** The bytes of a request's body publisher (the whole body: the client publishes a byte array). */
        private fun bodyOf(request: HttpRequest): ByteArray {
            val publisher = request.bodyPublisher().orElse(null) ?: return ByteArray(0)
            val out = java.io.ByteArrayOutputStream()
            val done = CompletableFuture<Unit>()
            publisher.subscribe(object : Flow.Subscriber<ByteBuffer> {
                override fun onSubscribe(subscription: Flow.Subscription) = subscription.request(Long.MAX_VALUE)
                override fun onNext(item: ByteBuffer) {
                    val bytes = ByteArray(item.remaining())
                    item.get(bytes)
                    out.write(bytes)
                }
                override fun onError(throwable: Throwable) {
                    done.completeExceptionally(throwable)
                }
                override fun onComplete() {
                    done.complete(Unit)
                }
            })
            done.get()
            return out.toByteArray()
        }
    }
}
