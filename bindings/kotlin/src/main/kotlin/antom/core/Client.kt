package antom.core

import antom.core.ffi.ApiResponse as FfiApiResponse
import antom.core.ffi.Client as FfiClient
import antom.core.ffi.ClientConfig as FfiClientConfig
import antom.core.ffi.Credential as FfiCredential
import antom.core.ffi.Header as FfiHeader
import antom.core.ffi.Notification as FfiNotification

/**
 * A configured Antom client: prepares signed requests and verifies responses and
 * notifications. It does no IO; build it once and share it (it is thread-safe).
 *
 * Pass [privateKey] (RSA request signing) or [apiKey] (`Authorization: Bearer`), or neither
 * for a verify-only client (verifies responses and notifications, cannot [prepare]: a
 * notification receiver that should never hold the private key). By default the environment is sandbox exactly when [clientId] starts with `SANDBOX_` (or
 * follows the API key's TEST/PROD marker). From Java, use the constructor overloads or
 * [Client.builder].
 *
 * Throws [AntomException] (`INVALID_KEY`, `INVALID_INPUT`) for a bad configuration.
 */
class Client @JvmOverloads @Throws(AntomException::class) constructor(
    clientId: String,
    antomPublicKey: PublicKey,
    privateKey: PrivateKey? = null,
    apiKey: String? = null,
    region: Region? = null,
    environment: Environment? = null,
    gatewayUrl: String? = null,
    keyVersion: Long? = null,
    agentToken: String? = null,
) : AutoCloseable {
    private val inner: FfiClient

    init {
        require(privateKey == null || apiKey == null) { "Client takes privateKey or apiKey, not both" }
        require(keyVersion == null || keyVersion in 0..U32_MAX) { "keyVersion must be in 0..4294967295" }
        val credential = when {
            privateKey != null -> FfiCredential.PrivateKey(privateKey.inner)
            apiKey != null -> FfiCredential.ApiKey(apiKey)
            else -> FfiCredential.VerifyOnly
        }
        inner = call {
            FfiClient(
                FfiClientConfig(
                    clientId = clientId,
                    credential = credential,
                    antomPublicKey = antomPublicKey.inner,
                    region = region?.toFfi(),
                    environment = environment?.toFfi(),
                    gatewayUrl = gatewayUrl,
                    keyVersion = keyVersion?.toUInt(),
                    agentToken = agentToken,
                ),
            )
        }
    }

    /**
     * Signs a request to [api] (`"v1/payments/pay"`, `"/ams/api/v1/payments/pay"` or an
     * [endpoint] path) with [body]: serialise your JSON once and send exactly the returned
     * bytes. [requestTime] is epoch milliseconds (default: now).
     *
     * Throws `INVALID_INPUT` for a bad path, a body that is not a UTF-8 JSON object, or a
     * verify-only client.
     */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepare(api: String, body: ByteArray, requestTime: Long = System.currentTimeMillis()): PreparedRequest {
        require(requestTime >= 0) { "requestTime must not be negative" }
        val r = call { inner.prepare(api, body, requestTime.toULong()) }
        return PreparedRequest(r.method, r.url, r.path, r.headers.map { it.name to it.value }, r.body)
    }

    /** [prepare] with a text body, sent as UTF-8. */
    @JvmOverloads
    @Throws(AntomException::class)
    fun prepare(api: String, body: String, requestTime: Long = System.currentTimeMillis()): PreparedRequest =
        prepare(api, body.toByteArray(Charsets.UTF_8), requestTime)

    /**
     * Verifies a response to the request sent to [path] (the prepared request's `path`) from
     * the raw response headers and the raw body bytes, never a re-serialised body. An unsigned
     * response is accepted only as an `F`/`U` gateway error, with `verified = false`.
     *
     * Throws `UNSIGNED_RESPONSE`, `MISSING_HEADER`, `CLIENT_ID_MISMATCH`, `MALFORMED_SIGNATURE`,
     * `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
     */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: List<Pair<String, String>>, body: ByteArray): ApiResponse =
        response(call { inner.verifyResponse(path, headers.map { FfiHeader(it.first, it.second) }, body) })

    /** [verifyResponse] with headers as a map. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, String>, body: ByteArray): ApiResponse =
        verifyResponse(path, headers.toList(), body)

    /** [verifyResponse] with multi-valued headers (`java.net.http.HttpHeaders.map()`). */
    @JvmName("verifyResponseMultiValue")
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, List<String>>, body: ByteArray): ApiResponse =
        verifyResponse(path, flatten(headers), body)

    /** [verifyResponse] with a text body (its UTF-8 bytes are verified). */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: List<Pair<String, String>>, body: String): ApiResponse =
        verifyResponse(path, headers, body.toByteArray(Charsets.UTF_8))

    /** [verifyResponse] with headers as a map and a text body. */
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, String>, body: String): ApiResponse =
        verifyResponse(path, headers.toList(), body.toByteArray(Charsets.UTF_8))

    /** [verifyResponse] with multi-valued headers and a text body. */
    @JvmName("verifyResponseMultiValue")
    @Throws(AntomException::class)
    fun verifyResponse(path: String, headers: Map<String, List<String>>, body: String): ApiResponse =
        verifyResponse(path, flatten(headers), body.toByteArray(Charsets.UTF_8))

    /**
     * Verifies a notification Antom sent to your endpoint at [path] (the path registered with
     * Antom, e.g. `/antom/notify`) from the raw request headers and raw body. Only after this
     * returns: process it idempotently, then answer HTTP 200 with [NOTIFICATION_ACK].
     *
     * Throws `MISSING_HEADER`, `CLIENT_ID_MISMATCH`, `MALFORMED_SIGNATURE`,
     * `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`, `INVALID_INPUT`.
     */
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: List<Pair<String, String>>, body: ByteArray): Notification =
        notification(call { inner.verifyNotification(path, headers.map { FfiHeader(it.first, it.second) }, body) })

    /** [verifyNotification] with headers as a map. */
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: Map<String, String>, body: ByteArray): Notification =
        verifyNotification(path, headers.toList(), body)

    /** [verifyNotification] with multi-valued headers (`com.sun.net.httpserver.Headers`, servlet containers). */
    @JvmName("verifyNotificationMultiValue")
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: Map<String, List<String>>, body: ByteArray): Notification =
        verifyNotification(path, flatten(headers), body)

    /** [verifyNotification] with a text body (its UTF-8 bytes are verified). */
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: List<Pair<String, String>>, body: String): Notification =
        verifyNotification(path, headers, body.toByteArray(Charsets.UTF_8))

    /** [verifyNotification] with headers as a map and a text body. */
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: Map<String, String>, body: String): Notification =
        verifyNotification(path, headers.toList(), body.toByteArray(Charsets.UTF_8))

    /** [verifyNotification] with multi-valued headers and a text body. */
    @JvmName("verifyNotificationMultiValue")
    @Throws(AntomException::class)
    fun verifyNotification(path: String, headers: Map<String, List<String>>, body: String): Notification =
        verifyNotification(path, flatten(headers), body.toByteArray(Charsets.UTF_8))

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

    /** The Antom public key responses and notifications are verified with. */
    val antomPublicKey: PublicKey get() = PublicKey(inner.antomPublicKey())

    /** The core's redacted description: never key material or the API key. */
    override fun toString(): String = inner.toString()

    /** Frees the native client now instead of at garbage collection. */
    override fun close() = inner.close()

    /**
     * A builder for Java callers: `Client.builder(clientId, antomPublicKey).privateKey(key).build()`
     * (neither `privateKey` nor `apiKey`: a verify-only client).
     */
    class Builder internal constructor(private val clientId: String, private val antomPublicKey: PublicKey) {
        private var privateKey: PrivateKey? = null
        private var apiKey: String? = null
        private var region: Region? = null
        private var environment: Environment? = null
        private var gatewayUrl: String? = null
        private var keyVersion: Long? = null
        private var agentToken: String? = null

        /** RSA request signing with your private key. */
        fun privateKey(value: PrivateKey) = apply { privateKey = value }
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

        /** Builds the client. Throws `INVALID_KEY` / `INVALID_INPUT` for a bad configuration. */
        @Throws(AntomException::class)
        fun build(): Client =
            Client(clientId, antomPublicKey, privateKey, apiKey, region, environment, gatewayUrl, keyVersion, agentToken)
    }

    companion object {
        /** Starts a [Builder]. */
        @JvmStatic
        fun builder(clientId: String, antomPublicKey: PublicKey): Builder = Builder(clientId, antomPublicKey)

        private fun flatten(headers: Map<String, List<String>>): List<Pair<String, String>> =
            headers.flatMap { (name, values) -> values.map { name to it } }

        private fun response(r: FfiApiResponse) = ApiResponse(
            verified = r.verified,
            resultStatus = ResultStatus.of(r.resultStatus),
            resultCode = r.resultCode,
            resultMessage = r.resultMessage,
            nextAction = NextAction.of(r.nextAction),
            isSuccess = r.isSuccess,
            body = r.body,
        )

        private fun notification(n: FfiNotification) = Notification(
            notifyType = n.notifyType,
            resultStatus = n.resultStatus?.let { ResultStatus.of(it) },
            clientId = n.clientId,
            requestTime = n.requestTime,
            body = n.body,
        )
    }
}
