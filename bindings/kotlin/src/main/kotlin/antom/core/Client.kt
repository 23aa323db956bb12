package antom.core

import antom.core.ffi.BodyKind as FfiBodyKind
import antom.core.ffi.Client as FfiClient
import antom.core.ffi.ClientConfig as FfiClientConfig
import antom.core.ffi.Credential as FfiCredential
import antom.core.ffi.PreparedRequest as FfiPreparedRequest
import antom.core.ffi.checkBodySize as ffiCheckBodySize
import java.net.http.HttpHeaders
import java.util.Enumeration
import java.util.function.Function as JFunction

/**
 * A configured Antom client: prepares signed requests and verifies responses and
 * notifications. It does no IO; build it once and share it (it is thread-safe).
 *
 * Pass [privateKey] (RSA request signing), [signer] (RSA request signing by a key that never
 * enters this process: a cloud KMS or an HSM, see [Signer]) or [apiKey] (`Authorization:
 * Bearer`), or none for a verify-only client (verifies responses and notifications, cannot [prepare]: a
 * notification receiver that should never hold the private key). By default the environment
 * is sandbox exactly when [clientId] starts with `SANDBOX_` (or follows the API key's
 * TEST/PROD marker). [maxBodyBytes] (default [DEFAULT_MAX_BODY_BYTES], 4 MiB) bounds every
 * request, response and notification body: a larger one is refused (`INVALID_INPUT`) before
 * it is copied into the native library. From Java, use the constructor overloads or
 * [Client.builder].
 *
 * Headers may come straight from `HttpURLConnection.getHeaderFields()`: an entry with a `null`
 * name (the status line) is skipped. A string with an unpaired surrogate is `INVALID_INPUT`.
 *
 * With [signer], [merchantPublicKey] (the external key's public half, as uploaded to Antom;
 * strongly recommended) makes every signature be verified before a request is handed out;
 * without it only the signature's length is checked. A signer that throws, returns null, or
 * returns a signature of the wrong length or that does not verify gives `SIGNING_FAILED`.
 *
 * Antom's key: [antomPublicKey] (one key, untagged), or during a rotation [antomPublicKeys] (a
 * key ring of up to [MAX_RING_KEYS] [AntomKey]s, tagged with their `keyVersion`): give one.
 *
 * Throws [AntomException] (`INVALID_KEY`, `INVALID_INPUT`) for a bad configuration, and
 * `WRONG_KEY` when an Antom key is your own merchant public key (the keys are swapped).
 */
class Client @JvmOverloads @Throws(AntomException::class) constructor(
    clientId: String,
    antomPublicKey: PublicKey? = null,
    privateKey: PrivateKey? = null,
    apiKey: String? = null,
    region: Region? = null,
    environment: Environment? = null,
    gatewayUrl: String? = null,
    keyVersion: Long? = null,
    agentToken: String? = null,
    maxBodyBytes: Long? = null,
    private val signer: Signer? = null,
    merchantPublicKey: PublicKey? = null,
    antomPublicKeys: List<AntomKey>? = null,
) : AutoCloseable {
    private val inner: FfiClient

    /** This wrapper's own reference to the native client, for the per-request [Flat] calls. */
    private val flat: FlatHandle

    /** The largest request, response or notification body accepted, in bytes. */
    val maxBodyBytes: Long

    init {
        require(listOfNotNull(privateKey, apiKey, signer).size <= 1) { "Client takes one of privateKey, apiKey or signer" }
        require((antomPublicKey == null) != (antomPublicKeys == null)) {
            "Client takes antomPublicKey (one key) or antomPublicKeys (a key ring)"
        }
        val ring = antomPublicKeys?.map { it.toFfi() } ?: listOf(AntomKey(antomPublicKey!!).toFfi())
        require(merchantPublicKey == null || signer != null) { "merchantPublicKey goes with signer (it checks the external signatures)" }
        require(keyVersion == null || keyVersion in 0..U32_MAX) { "keyVersion must be in 0..4294967295" }
        require(maxBodyBytes == null || maxBodyBytes >= 0) { "maxBodyBytes must not be negative" }
        val credential = when {
            privateKey != null -> FfiCredential.PrivateKey(privateKey.inner)
            signer != null -> FfiCredential.ExternalSigner(merchantPublicKey?.inner)
            apiKey != null -> FfiCredential.ApiKey(apiKey)
            else -> FfiCredential.VerifyOnly
        }
        // An API key with an unpaired surrogate is not a valid API key: INVALID_KEY.
        inner = call(if (apiKey != null) AntomException.INVALID_KEY else AntomException.INVALID_INPUT) {
            FfiClient(
                FfiClientConfig(
                    clientId = clientId,
                    credential = credential,
                    antomKeys = ring,
                    region = region?.toFfi(),
                    environment = environment?.toFfi(),
                    gatewayUrl = gatewayUrl,
                    keyVersion = keyVersion?.toUInt(),
                    agentToken = agentToken,
                    maxBodyBytes = maxBodyBytes?.toULong(),
                ),
            )
        }
        this.maxBodyBytes = inner.maxBodyBytes().toLong()
        flat = FlatHandle(this, inner.uniffiCloneHandle(), Flat::antom_flat_release_client)
    }

    /**
     * Refuses a body over [maxBodyBytes] from its length alone, before it crosses into the
     * native library; the error (code and wording) is the core's.
     */
    private fun checkSize(kind: FfiBodyKind, body: ByteArray) {
        if (body.size.toLong() > maxBodyBytes) {
            call { ffiCheckBodySize(kind, body.size.toULong(), maxBodyBytes.toULong()) }
        }
    }

    /**
     * Signs a request to [api] (`"v1/payments/pay"`, `"/ams/api/v1/payments/pay"` or an
     * [endpoint] path) with [body]: serialise your JSON once and send exactly the returned
     * bytes. [requestTime] is epoch milliseconds (default: now).
     *
     * With a [Signer], the signer is called with what must be signed and its signature is
     * checked before the request is returned.
     *
     * Throws `INVALID_INPUT` for a bad path, a body that is not a UTF-8 JSON object or is over
     * [maxBodyBytes], or a verify-only client; `SIGNING_FAILED` when the external signer fails
     * or its signature is refused.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepare(api: String, body: ByteArray, requestTime: Long = System.currentTimeMillis()): PreparedRequest {
        if (signer != null) {
            val pending = prepareExternal(api, body, requestTime)
            return finishExternal(pending, runSigner(signer, pending))
        }
        require(requestTime >= 0) { "requestTime must not be negative" }
        checkSize(FfiBodyKind.REQUEST, body)
        return prepared(call { inner.prepare(api, body, requestTime.toULong()) })
    }

    /**
     * Step 1 for an external signer, for code that calls its KMS itself (coroutines, futures):
     * checks the path and body and returns what must be signed. A client built with a
     * [Signer] does both steps in [prepare].
     *
     * Throws `INVALID_INPUT` as [prepare] does, and for a client built without a signer.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepareExternal(api: String, body: ByteArray, requestTime: Long = System.currentTimeMillis()): SigningRequest {
        require(requestTime >= 0) { "requestTime must not be negative" }
        checkSize(FfiBodyKind.REQUEST, body)
        return SigningRequest(call { inner.prepareExternal(api, body, requestTime.toULong()) })
    }

    /** [prepareExternal] with a text body, sent as UTF-8. */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepareExternal(api: String, body: String, requestTime: Long = System.currentTimeMillis()): SigningRequest =
        prepareExternal(api, utf8(body, "the request body"), requestTime)

    /**
     * Step 2: the raw RSASSA-PKCS1-v1_5 / SHA-256 [signature] of [request] (bytes, not base64)
     * in, the request to send out: exactly what [prepare] makes with the key in process.
     *
     * Throws `SIGNING_FAILED` for a signature of the wrong length, or one that does not verify
     * with the configured merchant public key.
     */
    @Throws(AntomException::class)
    fun finishExternal(request: SigningRequest, signature: ByteArray): PreparedRequest =
        prepared(call { inner.finishExternal(request.inner, signature) })

    /** [prepare] with a text body, sent as UTF-8 (an unpaired surrogate is `INVALID_INPUT`). */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepare(api: String, body: String, requestTime: Long = System.currentTimeMillis()): PreparedRequest =
        prepare(api, utf8(body, "the request body"), requestTime)

    /**
     * Prepares a request to [api] with [body] (as [prepare] does, with the request time now),
     * POSTs exactly its bytes and headers with [options]' `java.net.http.HttpClient`, and
     * verifies the reply as [verifyResponse] does. Branch on [SendResult.outcome].
     *
     * Never throws for the network: a transport error, a timeout ([SendOptions.timeout],
     * default 30 s) or a non-2xx status returns [Outcome.UNKNOWN] with [SendResult.error]
     * (`TRANSPORT_ERROR`, `TIMEOUT`, `HTTP_STATUS`): the request may have taken effect, so
     * inquire, never pay again. No retries unless [SendOptions.retries] or
     * [SendOptions.retryPolicy] asks; then the core decides each one ([RetryPolicy]): a retry
     * resends the identical request (same bytes, headers and `Request-Time`), only after a
     * transport error, a timeout or a 5xx, only for an idempotent request, after the core's
     * jittered backoff, and never past the policy's deadline. An interrupt during the wait
     * ends the send with the last failure (the interrupt flag stays set).
     * [SendOptions.onEvent] sees one [SendEvent] per attempt; [SendOptions.tracer] gets one
     * span per send.
     *
     * Throws [AntomException] before sending for what [prepare] refuses or a retry policy the
     * core refuses (`INVALID_INPUT`; nothing was sent), and after a 2xx reply that fails
     * verification (`SIGNATURE_MISMATCH`, `UNSIGNED_RESPONSE`, ...): then the request **may
     * have taken effect**: inquire, never pay again.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun send(api: String, body: ByteArray, options: SendOptions = SendOptions.DEFAULT): SendResult {
        options.effectiveRetryPolicy() // a policy the core refuses: nothing is prepared or sent
        return sendPrepared(this, prepare(api, body), options)
    }

    /** [send] with a text body, sent as UTF-8 (an unpaired surrogate is `INVALID_INPUT`). */
    @JvmOverloads
    @Throws(AntomException::class)
    fun send(api: String, body: String, options: SendOptions = SendOptions.DEFAULT): SendResult =
        send(api, utf8(body, "the request body"), options)

    /**
     * Sends an already prepared [request] again, byte for byte (same headers, `Request-Time` and
     * signature): [SendResult.request] after an [Outcome.UNKNOWN], or one from [prepare] /
     * [finishExternal]. Otherwise as [send].
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun send(request: PreparedRequest, options: SendOptions = SendOptions.DEFAULT): SendResult =
        sendPrepared(this, request, options)

    /**
     * [send] without blocking a thread: each attempt through `HttpClient.sendAsync`, the
     * core's backoff through `CompletableFuture.delayedExecutor`, the same policy, events and
     * span. Never throws: what [send] throws (a body [prepare] refuses, a retry policy the core
     * refuses, a 2xx reply that fails verification) completes the future exceptionally with
     * the [AntomException] (`get()` wraps it in an `ExecutionException`). Cancelling the
     * future stops the send; an attempt in flight is cancelled (its outcome is unknown).
     * Events and the future's completion run on the HTTP client's executor (or the default
     * async pool when it has none), never on the thread that called `sendAsync`.
     */
    @JvmOverloads
    fun sendAsync(api: String, body: ByteArray, options: SendOptions = SendOptions.DEFAULT): java.util.concurrent.CompletableFuture<SendResult> =
        try {
            options.effectiveRetryPolicy()
            sendPreparedAsync(this, prepare(api, body), options)
        } catch (e: AntomException) {
            java.util.concurrent.CompletableFuture.failedFuture(e)
        }

    /** [sendAsync] with a text body, sent as UTF-8 (an unpaired surrogate is `INVALID_INPUT`). */
    @JvmOverloads
    fun sendAsync(api: String, body: String, options: SendOptions = SendOptions.DEFAULT): java.util.concurrent.CompletableFuture<SendResult> =
        try {
            sendAsync(api, utf8(body, "the request body"), options)
        } catch (e: AntomException) {
            java.util.concurrent.CompletableFuture.failedFuture(e)
        }

    /** [send] of an already prepared [request], without blocking: as [sendAsync]. */
    @JvmOverloads
    fun sendAsync(request: PreparedRequest, options: SendOptions = SendOptions.DEFAULT): java.util.concurrent.CompletableFuture<SendResult> =
        sendPreparedAsync(this, request, options)

    /**
     * Verifies a response to the request sent to [path] (the prepared request's `path`) from
     * the raw response headers and the raw body bytes, never a re-serialised body. An unsigned
     * response is accepted only as an `F`/`U` gateway error, with `verified = false` and
     * `nextAction = INQUIRE`. An exception here, after the request was sent, means "outcome
     * unknown: inquire" — never "failed", never ask the buyer to pay again.
     *
     * Throws `UNSIGNED_RESPONSE`, `MISSING_HEADER`, `CLIENT_ID_MISMATCH`, `MALFORMED_SIGNATURE`,
     * `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
     */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: List<Pair<String, String>>, body: ByteArray): ApiResponse =
        checkedResponse(path, Packed.response().addPairs(headers), body)

    /** [verifyResponse] with headers as a map. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, String>, body: ByteArray): ApiResponse =
        checkedResponse(path, Packed.response().addMap(headers), body)

    /** [verifyResponse] with multi-valued headers (`java.net.http.HttpHeaders.map()`, `getHeaderFields()`). */
    @JvmName("verifyResponseMultiValue")
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, List<String>>, body: ByteArray): ApiResponse =
        checkedResponse(path, Packed.response().addMultiMap(headers), body)

    /** [verifyResponse] with the headers of a `java.net.http.HttpResponse`. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: HttpHeaders, body: ByteArray): ApiResponse =
        checkedResponse(path, Packed.response().addMultiMap(headers.map()), body)

    /**
     * Uploads a product image (`billing/product/uploadImage`, multipart, to the big-file host):
     * the size is checked before [file] is read; the reply is verified as [verifyResponse] does.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun uploadImage(
        productId: String,
        file: java.nio.file.Path,
        contentType: String = "image/png",
        timeout: java.time.Duration = java.time.Duration.ofSeconds(30),
    ): ApiResponse = Transfers.uploadImage(this, inner, productId, file, contentType, timeout)

    /**
     * Uploads a meter event with `X-Session-Id` (after `meter.createSession` through [send]).
     * The reply is unsigned: an [EventReply] with `verified = false` and [Outcome.UNKNOWN].
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun uploadEvent(
        sessionId: String,
        body: String,
        timeout: java.time.Duration = java.time.Duration.ofSeconds(30),
    ): EventReply = Transfers.uploadEvent(inner, sessionId, body, timeout)

    /** [verifyResponse] with a text body (its UTF-8 bytes are verified). */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: List<Pair<String, String>>, body: String): ApiResponse =
        verifyResponse(path, headers, utf8(body, "the response body"))

    /** [verifyResponse] with headers as a map and a text body. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, String>, body: String): ApiResponse =
        verifyResponse(path, headers, utf8(body, "the response body"))

    /** [verifyResponse] with multi-valued headers and a text body. */
    @JvmName("verifyResponseMultiValue")
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, List<String>>, body: String): ApiResponse =
        verifyResponse(path, headers, utf8(body, "the response body"))

    /** [verifyResponse] with the headers of a `java.net.http.HttpResponse` and a text body. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: HttpHeaders, body: String): ApiResponse =
        verifyResponse(path, headers, utf8(body, "the response body"))

    private fun checkedResponse(path: String, packed: Packed, body: ByteArray): ApiResponse {
        checkSize(FfiBodyKind.RESPONSE, body)
        val a = packed.arguments(path, body)
        val at = a.address
        val answer = flat.use { client ->
            Flat.answer { out, cap ->
                Flat.antom_flat_verify_response(
                    client, at, a.firstLength.toLong(), at + a.firstLength, a.secondLength.toLong(),
                    at + a.firstLength + a.secondLength, a.thirdLength.toLong(), out, cap,
                )
            }
        }
        // The flat facts of a response (flat.rs): verified, status, next action, is success,
        // outcome, verified-by present, key version, result code, result message, fingerprint.
        val verified = answer.byte() == 1
        val status = Flat.status(answer.byte())!!
        val nextAction = Flat.action(answer.byte()) // the core's decision, never recomputed
        val isSuccess = answer.byte() == 1
        val outcome = Flat.outcome(answer.byte()) // the core's decision, never recomputed
        val hasVerifiedBy = answer.byte() == 1
        val keyVersion = answer.keyVersion()
        val resultCode = answer.text() ?: ""
        val resultMessage = answer.text() ?: ""
        val fingerprint = answer.text()
        return ApiResponse(
            verified = verified,
            resultStatus = status,
            resultCode = resultCode,
            resultMessage = resultMessage,
            nextAction = nextAction,
            isSuccess = isSuccess,
            outcome = outcome,
            body = body,
            verifiedBy = if (hasVerifiedBy && fingerprint != null) KeyId(keyVersion, fingerprint) else null,
        )
    }

    /**
     * Verifies a notification Antom sent to your endpoint at [path] (the path registered with
     * Antom, e.g. `/antom/notify`) from the raw request headers and raw body. Only after this
     * returns: process it once per [Notification.dedupKey], then answer HTTP 200 with
     * [NOTIFICATION_ACK].
     *
     * Headers may come as pairs, a map, a multi-valued map (`com.sun.net.httpserver.Headers`,
     * Spring's `HttpHeaders`), `java.net.http.HttpHeaders`, or servlet-style names and values
     * (`request.getHeaderNames()`, `request::getHeaders`); only the headers the core reads are
     * converted.
     *
     * [maxAgeMs] turns on a replay window: a notification whose signed `request-time` is
     * further than that from [nowMs] (epoch milliseconds, default: now) is refused with
     * `INVALID_INPUT`. Off by default, since Antom retries deliveries for about a day.
     *
     * Throws `MISSING_HEADER`, `CLIENT_ID_MISMATCH`, `MALFORMED_SIGNATURE`,
     * `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: List<Pair<String, String>>,
        body: ByteArray,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = checkedNotification(path, Packed.notification().addPairs(headers), body, maxAgeMs, nowMs)

    /** [verifyNotification] with headers as a map. */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: Map<String, String>,
        body: ByteArray,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = checkedNotification(path, Packed.notification().addMap(headers), body, maxAgeMs, nowMs)

    /** [verifyNotification] with multi-valued headers (`com.sun.net.httpserver.Headers`, servlet containers). */
    @JvmName("verifyNotificationMultiValue")
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: Map<String, List<String>>,
        body: ByteArray,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = checkedNotification(path, Packed.notification().addMultiMap(headers), body, maxAgeMs, nowMs)

    /** [verifyNotification] with `java.net.http.HttpHeaders`. */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: HttpHeaders,
        body: ByteArray,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = checkedNotification(path, Packed.notification().addMultiMap(headers.map()), body, maxAgeMs, nowMs)

    /**
     * [verifyNotification] with servlet-style headers: every name of [headerNames], each with
     * the values [headerValues] gives for it (`request.getHeaderNames()`, `request::getHeaders`
     * of a servlet `HttpServletRequest`). Only the headers the core reads are fetched.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headerNames: Enumeration<String>,
        headerValues: JFunction<String, Enumeration<String>?>,
        body: ByteArray,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = checkedNotification(
        path, Packed.notification().addNamed(headerNames) { headerValues.apply(it) }, body, maxAgeMs, nowMs,
    )

    /** [verifyNotification] with a text body (its UTF-8 bytes are verified). */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: List<Pair<String, String>>,
        body: String,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = verifyNotification(path, headers, utf8(body, "the notification body"), maxAgeMs, nowMs)

    /** [verifyNotification] with headers as a map and a text body. */
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: Map<String, String>,
        body: String,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = verifyNotification(path, headers, utf8(body, "the notification body"), maxAgeMs, nowMs)

    /** [verifyNotification] with multi-valued headers and a text body. */
    @JvmName("verifyNotificationMultiValue")
    @JvmOverloads
    @Throws(AntomException::class)
    fun verifyNotification(
        path: String,
        headers: Map<String, List<String>>,
        body: String,
        maxAgeMs: Long? = null,
        nowMs: Long? = null,
    ): Notification = verifyNotification(path, headers, utf8(body, "the notification body"), maxAgeMs, nowMs)

    private fun checkedNotification(path: String, packed: Packed, body: ByteArray, maxAgeMs: Long?, nowMs: Long?): Notification {
        require(maxAgeMs != null || nowMs == null) { "nowMs needs maxAgeMs" }
        require(maxAgeMs == null || maxAgeMs >= 0) { "maxAgeMs must not be negative" }
        require(nowMs == null || nowMs >= 0) { "nowMs must not be negative" }
        checkSize(FfiBodyKind.NOTIFICATION, body)
        val a = packed.arguments(path, body)
        val at = a.address
        val fresh: Byte = if (maxAgeMs == null) 0 else 1
        val now = if (maxAgeMs == null) 0L else nowMs ?: System.currentTimeMillis()
        val answer = flat.use { client ->
            Flat.answer { out, cap ->
                Flat.antom_flat_verify_notification(
                    client, at, a.firstLength.toLong(), at + a.firstLength, a.secondLength.toLong(),
                    at + a.firstLength + a.secondLength, a.thirdLength.toLong(), fresh, now, maxAgeMs ?: 0L, out, cap,
                )
            }
        }
        // The flat facts of a notification (flat.rs): status, outcome, key version, notify
        // type, client id, request time, dedup key, fingerprint.
        val status = Flat.status(answer.byte())
        val outcome = Flat.outcome(answer.byte()) // the core's decision, never recomputed
        val keyVersion = answer.keyVersion()
        val notifyType = answer.text()
        val clientId = answer.text()!!
        val requestTime = answer.text()!!
        val dedupKey = answer.text()!!
        val fingerprint = answer.text()!!
        return Notification(
            notifyType = notifyType,
            resultStatus = status,
            outcome = outcome,
            clientId = clientId,
            requestTime = requestTime,
            body = body,
            dedupKey = dedupKey,
            verifiedBy = KeyId(keyVersion, fingerprint),
        )
    }

    /** The path this client requests and signs for [api] (sandbox paths for sandbox clients). */
    @Throws(AntomException::class)
    fun resolvePath(api: String): String = call { inner.resolvePath(api) }

    /** The configured client id. */
    val clientId: String get() = inner.clientId()

    /** The environment requests go to. */
    val environment: Environment get() = Environment.of(inner.environment())

    /** The gateway origin requests go to. */
    val gatewayUrl: String get() = inner.gatewayUrl()

    /** `true` when the client authenticates with an API key instead of a signature. */
    val usesApiKey: Boolean get() = inner.usesApiKey()

    /** `true` when the client holds no credential: it verifies, but cannot [prepare]. */
    val isVerifyOnly: Boolean get() = inner.isVerifyOnly()

    /** The RSA engine that signs and verifies: [ENGINE] (`"aws-lc"`). */
    val engine: String get() = ENGINE

    /** The first Antom public key of the ring. */
    val antomPublicKey: PublicKey get() = PublicKey(inner.antomPublicKey())

    /** The Antom key ring responses and notifications are verified with, in the order tried. */
    val antomPublicKeys: List<AntomKey>
        get() = inner.antomKeys().map { AntomKey(PublicKey(it.key), it.keyVersion?.toLong()) }

    /** The core's redacted description: never key material or the API key. */
    override fun toString(): String = inner.toString()

    /** Frees the native client now instead of at garbage collection. */
    override fun close() {
        flat.close()
        inner.close()
    }

    /**
     * A builder for Java callers: `Client.builder(clientId, antomPublicKey).privateKey(key).build()`
     * (neither `privateKey` nor `apiKey`: a verify-only client).
     */
    class Builder internal constructor(
        private val clientId: String,
        private val antomPublicKey: PublicKey?,
        private val antomPublicKeys: List<AntomKey>?,
    ) {
        private var privateKey: PrivateKey? = null
        private var apiKey: String? = null
        private var region: Region? = null
        private var environment: Environment? = null
        private var gatewayUrl: String? = null
        private var keyVersion: Long? = null
        private var agentToken: String? = null
        private var maxBodyBytes: Long? = null
        private var signer: Signer? = null
        private var merchantPublicKey: PublicKey? = null

        /** RSA request signing with your private key. */
        fun privateKey(value: PrivateKey) = apply { privateKey = value }
        /**
         * RSA request signing by an external signer (a KMS or an HSM): `.signer(request -> ...)`
         * returns the raw signature of `request.getMessage()` or `request.getDigest()`.
         */
        fun signer(value: Signer) = apply { signer = value }
        /** The external signer's public key: every signature is verified before it is used. */
        fun merchantPublicKey(value: PublicKey) = apply { merchantPublicKey = value }
        /** `Authorization: Bearer` with an Antom API key instead of a signature. */
        fun apiKey(value: String) = apply { apiKey = value }
        /** The region whose gateway to use (default: Asia). */
        fun region(value: Region) = apply { region = value }
        /** Forces the environment. */
        fun environment(value: Environment) = apply { environment = value }
        /** Overrides the gateway origin (`https://host[:port]`; `http://` for loopback only). */
        fun gatewayUrl(value: String) = apply { gatewayUrl = value }
        /** The `keyVersion` sent in the `Signature` header (default 1). */
        fun keyVersion(value: Long) = apply { keyVersion = value }
        /** An ISV agent token, sent as `Agent-Token` (RSA mode only). */
        fun agentToken(value: String) = apply { agentToken = value }
        /** The largest body accepted, in bytes (default [DEFAULT_MAX_BODY_BYTES]). */
        fun maxBodyBytes(value: Long) = apply { maxBodyBytes = value }

        /** Builds the client. Throws `INVALID_KEY` / `INVALID_INPUT` for a bad configuration. */
        @Throws(AntomException::class)
        fun build(): Client =
            Client(
                clientId, antomPublicKey, privateKey, apiKey, region, environment, gatewayUrl, keyVersion, agentToken,
                maxBodyBytes, signer, merchantPublicKey, antomPublicKeys,
            )
    }

    companion object {
        /** Starts a [Builder]. */
        @JvmStatic
        fun builder(clientId: String, antomPublicKey: PublicKey): Builder = Builder(clientId, antomPublicKey, null)

        /** Starts a [Builder] for a client verifying with a key ring (a rotation). */
        @JvmStatic
        fun builder(clientId: String, antomPublicKeys: List<AntomKey>): Builder = Builder(clientId, null, antomPublicKeys)

        private fun prepared(r: FfiPreparedRequest) =
            PreparedRequest(r.method, r.url, r.path, r.headers.map { it.name to it.value }, r.body)
    }
}
