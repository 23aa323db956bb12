package antom.core.testing

import antom.core.AntomException
import antom.core.Client
import antom.core.PrivateKey
import antom.core.PublicKey
import antom.core.call
import antom.core.ffi.Header as FfiHeader
import antom.core.ffi.TestKeys as FfiTestKeys
import antom.core.ffi.testingNotificationTypes as ffiNotificationTypes
import antom.core.ffi.testingSampleNotification as ffiSampleNotification
import antom.core.ffi.testingSampleResponse as ffiSampleResponse
import antom.core.ffi.testingSignNotification as ffiSignNotification
import antom.core.ffi.testingSignResponse as ffiSignResponse
import antom.core.ffi.testingVerifyRequest as ffiVerifyRequest
import antom.core.ffi.testingIso8601 as ffiIso8601

/**
 * A testing kit for a merchant's own unit tests: a throw-away Antom key pair and merchant key
 * pair (generated afresh, RSA-2048: a second or two), notifications and responses "from Antom"
 * signed with them, and [FakeGateway], an in-process `HttpClient` for [Client.send] that needs
 * no network. Every signature, body and check is antom-core's (the same code the simulator
 * uses); this class only converts types.
 *
 * ```
 * TestKit().use { kit ->
 *     val client = kit.client()                      // signs as the merchant, trusts the kit's Antom key
 *     val paid = kit.notification("PAYMENT_RESULT", mapOf("paymentRequestId" to "order-1"))
 *     val reply = WebhookHandler(client, "/antom/notify", myCallback).handle(paid.headers, paid.body)
 * }
 * ```
 *
 * The kit's keys are test keys: never configure a production client with them.
 */
class TestKit @JvmOverloads constructor(
    /** The client id the kit's messages carry and [client] uses (a sandbox id by default). */
    val clientId: String = DEFAULT_CLIENT_ID,
) : AutoCloseable {
    private val keys: FfiTestKeys = call(AntomException.SIGNING_FAILED) { FfiTestKeys.generate() }

    /** The test Antom public key: what the client under test verifies with. */
    val antomPublicKey: PublicKey = PublicKey(keys.antomPublicKey())

    /** The test merchant public key: what [FakeGateway] checks requests with. */
    val merchantPublicKey: PublicKey = PublicKey(keys.merchantPublicKey())

    /** A client configured as the merchant: the kit's merchant private key, its Antom public key. */
    @JvmOverloads
    fun client(gatewayUrl: String = FakeGateway.URL): Client = Client(
        clientId,
        antomPublicKey = antomPublicKey,
        privateKey = PrivateKey(keys.testOnlyMerchantPrivateKeyText()),
        gatewayUrl = gatewayUrl,
    )

    /**
     * A signed notification of [type] (`PAYMENT_RESULT`, `REFUND_RESULT`, ... or a body model's
     * name; see [notificationTypes]) POSTed to [path]: a successful `result`, every required
     * field filled, then [overrides] (`field` or dotted `a.b` to a value: JSON for objects,
     * lists, `true`/`false`/`null` and quoted strings, else the text).
     */
    @JvmOverloads
    fun notification(
        type: String,
        overrides: Map<String, String> = emptyMap(),
        path: String = DEFAULT_NOTIFY_PATH,
        requestTimeMs: Long = System.currentTimeMillis(),
    ): SignedMessage {
        val body = call { ffiSampleNotification(type, "test", ffiIso8601(requestTimeMs.toULong()), assignments(overrides)) }
        return signNotification(body.toByteArray(Charsets.UTF_8), path, requestTimeMs)
    }

    /** [body] signed as a notification "Antom" POSTs to [path]. */
    @JvmOverloads
    fun signNotification(body: ByteArray, path: String = DEFAULT_NOTIFY_PATH, requestTimeMs: Long = System.currentTimeMillis()): SignedMessage {
        val headers = call(AntomException.SIGNING_FAILED) {
            keys.antomPrivateKey().use { ffiSignNotification(it, path, clientId, requestTimeMs.toULong(), body, 1u) }
        }
        return SignedMessage(headers.map { it.name to it.value }, body)
    }

    /**
     * A reply body of [api] (a catalogue name such as `payments.pay`, or its path) with
     * `result.resultStatus` [resultStatus] (`S`, `U` or `F`), then [overrides].
     */
    @JvmOverloads
    fun responseBody(api: String, resultStatus: String = "S", overrides: Map<String, String> = emptyMap()): String =
        call { ffiSampleResponse(api, resultStatus, assignments(overrides)) }

    /** [body] signed as "Antom"'s reply to a request sent to [path] (the request's resolved path). */
    @JvmOverloads
    fun signResponse(body: ByteArray, path: String, responseTimeMs: Long = System.currentTimeMillis()): SignedMessage {
        val headers = call(AntomException.SIGNING_FAILED) {
            keys.antomPrivateKey().use { ffiSignResponse(it, path, clientId, responseTimeMs.toULong(), body, 1u) }
        }
        return SignedMessage(headers.map { it.name to it.value }, body)
    }

    /** A new fake gateway answering as Antom with this kit's keys. */
    fun fakeGateway(): FakeGateway = FakeGateway(this)

    /** Every notification type the kit can make: each body model's discriminator values (or its name). */
    val notificationTypes: List<String>
        get() = ffiNotificationTypes().flatMap { t -> t.values.ifEmpty { listOf(t.body) } }

    /** Checks a request's signature with the merchant public key as Antom does; its `client-id`. */
    internal fun verifyRequest(path: String, headers: List<Pair<String, String>>, body: ByteArray): String =
        call { keys.merchantPublicKey().use { ffiVerifyRequest(it, path, headers.map { h -> FfiHeader(h.first, h.second) }, body) } }

    /** Releases the native keys. */
    override fun close() {
        antomPublicKey.close()
        merchantPublicKey.close()
        keys.close()
    }

    /** Fingerprints only: never key material. */
    override fun toString(): String = "TestKit(clientId=$clientId, $keys)"

    companion object {
        /** The client id of a kit made without one. */
        const val DEFAULT_CLIENT_ID: String = "SANDBOX_5X00000000000000"

        /** The notification path of [notification] when none is given. */
        const val DEFAULT_NOTIFY_PATH: String = "/antom/notify"

        private fun assignments(overrides: Map<String, String>): List<String> = overrides.map { (field, value) -> "$field=$value" }
    }
}

/** A signed message "from Antom": the headers to present and the exact body bytes. */
class SignedMessage internal constructor(
    /** The headers in order (`content-type`, `client-id`, `request-time`/`response-time`, `signature`). */
    val headers: List<Pair<String, String>>,
    /** The body, exactly as signed. */
    val body: ByteArray,
) {
    /** The body as text. */
    val bodyText: String get() = String(body, Charsets.UTF_8)

    /** The headers as a map (one value each). */
    val headerMap: Map<String, String> get() = headers.toMap()

    /** A copy whose body is [body] with the same headers: a tampered message, for tests. */
    fun withBody(body: ByteArray): SignedMessage = SignedMessage(headers, body)

    /** The body's length only. */
    override fun toString(): String = "SignedMessage(headers=${headers.map { it.first }}, body=<${body.size} bytes>)"
}
