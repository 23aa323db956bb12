package antom.core

import java.net.http.HttpHeaders
import java.util.Enumeration
import java.util.function.Function as JFunction

/**
 * Your processing of a verified notification (store it, keyed by [Notification.dedupKey], in
 * the same transaction as its effect). Throwing here makes [WebhookHandler] answer 500, so
 * Antom delivers it again later.
 */
fun interface NotificationCallback {
    /** Processes [notification] (already verified); throw if it could not be processed. */
    @Throws(Exception::class)
    fun onNotification(notification: Notification)
}

/**
 * The HTTP reply [WebhookHandler] decided on: write [status], [contentType] and [body] as
 * they are. [errorCode] and [cause] are for your logs, never for the wire.
 */
class WebhookReply internal constructor(
    /** 200 (verified and processed), 401 (not verified) or 500 (the callback threw). */
    val status: Int,
    /** [NOTIFICATION_ACK] for 200; the error code alone otherwise. */
    val body: String,
    /** `application/json` for 200, `text/plain; charset=utf-8` otherwise. */
    val contentType: String,
    /**
     * `null` for 200; the [AntomException] code for 401; for 500, [PROCESSING_FAILED] from this
     * handler, or the core's dedup reason (`IN_PROGRESS`, `CALLBACK_FAILED`, `STORE_UNAVAILABLE`,
     * ...) from [antom.core.dedup.Dispatcher].
     */
    val errorCode: String?,
    /** What the callback threw (500), or the verification error (401); else `null`. */
    val cause: Throwable?,
) {
    /** [body] as UTF-8 bytes. */
    fun bodyBytes(): ByteArray = body.toByteArray(Charsets.UTF_8)

    /** Status and code; never the cause's message. */
    override fun toString(): String = "WebhookReply(status=$status, errorCode=$errorCode)"

    companion object {
        /** The [errorCode] of a 500: the callback threw. */
        const val PROCESSING_FAILED: String = "PROCESSING_FAILED"
    }
}

/**
 * A notification endpoint without a framework: give it the raw body bytes and the request
 * headers, get back the reply to write. It verifies with [client] (a verify-only client is
 * enough) for the path registered with Antom ([path], e.g. `/antom/notify`: it is signed),
 * then calls [callback], and only after the callback returns answers 200 with
 * [NOTIFICATION_ACK]. A notification that does not verify gets 401 with the error code as the
 * body, and the callback is not called; a callback that throws gets 500 (Antom retries).
 *
 * [maxAgeMs] (optional) refuses a notification whose signed `request-time` is older than that
 * (401 `INVALID_INPUT`); off by default, since Antom retries for about a day.
 *
 * Thread-safe when [callback] is. Headers come in the shapes [Client.verifyNotification] takes.
 */
class WebhookHandler @JvmOverloads constructor(
    private val client: Client,
    /** The path registered with Antom as the notify URL's path. */
    val path: String,
    private val callback: NotificationCallback,
    private val maxAgeMs: Long? = null,
) {
    init {
        require(maxAgeMs == null || maxAgeMs >= 0) { "maxAgeMs must not be negative" }
    }

    /** Handles a notification with headers as pairs. */
    fun handle(headers: List<Pair<String, String>>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /** Handles a notification with headers as a single-valued map. */
    fun handle(headers: Map<String, String>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /**
     * Handles a notification with multi-valued headers: Spring's `HttpHeaders`,
     * `com.sun.net.httpserver.Headers`, `HttpHeaders.map()`. From Java: `handleMultiValue`.
     */
    @JvmName("handleMultiValue")
    fun handle(headers: Map<String, List<String>>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /** Handles a notification with `java.net.http.HttpHeaders`. */
    fun handle(headers: HttpHeaders, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /** Handles a notification with servlet-style headers (`request.getHeaderNames()`, `request::getHeaders`). */
    fun handle(headerNames: Enumeration<String>, headerValues: JFunction<String, Enumeration<String>?>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headerNames, headerValues, body, maxAgeMs) }

    private inline fun reply(verify: () -> Notification): WebhookReply {
        val notification = try {
            verify()
        } catch (e: AntomException) {
            return WebhookReply(401, e.code, TEXT, e.code, e)
        }
        try {
            callback.onNotification(notification)
        } catch (e: Exception) {
            return WebhookReply(500, WebhookReply.PROCESSING_FAILED, TEXT, WebhookReply.PROCESSING_FAILED, e)
        }
        return WebhookReply(200, NOTIFICATION_ACK, JSON, null, null)
    }

    private companion object {
        const val TEXT = "text/plain; charset=utf-8"
        const val JSON = "application/json"
    }
}
