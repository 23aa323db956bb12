package antom.core.dedup

import antom.core.AntomException
import antom.core.Client
import antom.core.NOTIFICATION_ACK
import antom.core.Notification
import antom.core.Outcome
import antom.core.WebhookReply
import antom.core.ffi.testingNotificationTypes as ffiNotificationTypes
import antom.core.models.ModelException
import java.lang.reflect.InvocationTargetException
import java.net.http.HttpHeaders
import java.sql.Connection
import java.util.Enumeration
import java.util.concurrent.ConcurrentHashMap
import java.util.function.Function as JFunction

/**
 * What a [Dispatcher] handler receives: the verified [notification], its body parsed into the
 * typed [model] (a `NotifyPaymentRequest` for `PAYMENT_RESULT`...; `null` for a fallback
 * without a known model), and the store's [connection] (the SQL store's connection in the
 * transaction that also records the completion: write with it; `null` for Redis or without a
 * store). [toString] shows no body.
 */
class Delivery<M> internal constructor(
    /** The verified notification (`outcome`, `dedupKey`, `body`...). */
    val notification: Notification,
    /** The body as its typed model. */
    val model: M,
    /** The SQL store's connection in the completion's transaction, or `null`. */
    val connection: Connection?,
) {
    /** `notification.notifyType`. */
    val notifyType: String? get() = notification.notifyType

    /** `notification.outcome`: only [Outcome.SUCCEEDED] proves payment. */
    val outcome: Outcome get() = notification.outcome

    /** `notification.dedupKey`. */
    val dedupKey: String get() = notification.dedupKey

    override fun toString(): String =
        "Delivery(notifyType=$notifyType, model=${model?.let { it::class.java.simpleName }}, outcome=$outcome)"
}

/** A handler of one notification type: throw if it could not be processed (500, delivered again). */
fun interface DeliveryHandler<M> {
    @Throws(Exception::class)
    fun handle(delivery: Delivery<M>)
}

/** Parses a verified body's text into a model: `NotifyPaymentRequest::fromJson`. */
fun interface ModelParser<M> {
    /** Throws [ModelException] (or any [IllegalArgumentException]) when the body does not fit. */
    fun parse(json: String): M
}

/**
 * A typed notification endpoint: one handler per `notifyType` (`PAYMENT_RESULT`,
 * `REFUND_RESULT`...) and a fallback, run once per `dedupKey` through [store]. Give it the raw
 * body bytes and the request headers in any shape [antom.core.WebhookHandler] takes; write back
 * the [WebhookReply]'s status, content type and body. For each delivery, in order:
 *
 * 1. verify with [client] for [path] ([Client.verifyNotification]): a forgery answers `401`
 *    with the error code as the body, and nothing else happens;
 * 2. pick the handler of its `notifyType` (else the fallback); without either, acknowledge
 *    (`200`: retrying would not help) and log the type at WARNING;
 * 3. parse the body into the typed model (the handler's, or the one [NOTIFICATION_MODELS]
 *    names for the fallback): a body that does not fit answers `500` `INVALID_MODEL`;
 * 4. run the handler once per `dedupKey` through [store] ([processOnce]: `200` ACK after it
 *    committed, or for a duplicate; `500` with the reason code, delivered again). Without a
 *    store the handler runs on every delivery (`500` `CALLBACK_FAILED` if it throws).
 *
 * The reply's `errorCode` is the 401's verification code, or the 500's reason code
 * (`IN_PROGRESS`, `STORE_UNAVAILABLE`, `CALLBACK_FAILED`, `COMPLETION_FAILED`, `INVALID_MODEL`);
 * `cause` what the handler threw. [leaseMs] is checked now (1 s to 1 h, default 60 s).
 * Register every handler before serving; then thread-safe when the handlers are.
 *
 * ```
 * val dispatcher = Dispatcher(client, "/antom/notify", JdbcDedupStore(dataSource))
 *     .on("PAYMENT_RESULT", NotifyPaymentRequest::class.java) { d ->
 *         if (d.outcome == Outcome.SUCCEEDED) markPaid(d.connection!!, d.model.paymentRequestId)
 *     }
 *     .fallback { d -> log(d.notifyType) }
 * val reply = dispatcher.handle(exchange.requestHeaders, body)
 * ```
 */
class Dispatcher @JvmOverloads @Throws(AntomException::class) constructor(
    private val client: Client,
    /** The path registered with Antom as the notify URL's path (it is signed). */
    val path: String,
    /** Where claims live; `null`: no deduplication (the handler runs on every delivery). */
    val store: DedupStore? = null,
    leaseMs: Long? = null,
    private val maxAgeMs: Long? = null,
) {
    /** The claim's lease, in ms. */
    val leaseMs: Long = leaseMs(leaseMs)

    private class Route(val handler: DeliveryHandler<Any?>, val parser: ModelParser<*>?)

    private val routes = ConcurrentHashMap<String, Route>()

    @Volatile
    private var fallback: DeliveryHandler<Any?>? = null

    init {
        require(maxAgeMs == null || maxAgeMs >= 0) { "maxAgeMs must not be negative" }
    }

    /**
     * Registers [handler] for [notifyType], parsing the body with [parser]
     * (`NotifyRefundRequest::fromJson`). A type registered twice throws [IllegalArgumentException].
     */
    fun <M> on(notifyType: String, parser: ModelParser<M>, handler: DeliveryHandler<M>): Dispatcher {
        @Suppress("UNCHECKED_CAST")
        return route(notifyType, parser, handler as DeliveryHandler<Any?>)
    }

    /** Registers [handler] for [notifyType], parsing the body into [model] (its static `fromJson`). */
    fun <M : Any> on(notifyType: String, model: Class<M>, handler: DeliveryHandler<M>): Dispatcher =
        on(notifyType, parserOf(model), handler)

    /**
     * Registers [handler] for [notifyType], parsing into the model [NOTIFICATION_MODELS] names
     * for it (`model` is `null` when it names none).
     */
    fun on(notifyType: String, handler: DeliveryHandler<Any?>): Dispatcher {
        val model = NOTIFICATION_MODELS[notifyType]
        @Suppress("UNCHECKED_CAST")
        return route(notifyType, model?.let { parserOf(it as Class<Any>) }, handler)
    }

    private fun route(notifyType: String, parser: ModelParser<*>?, handler: DeliveryHandler<Any?>): Dispatcher {
        require(notifyType.isNotEmpty()) { "notifyType must not be empty" }
        require(routes.putIfAbsent(notifyType, Route(handler, parser)) == null) { "a handler for $notifyType is registered already" }
        return this
    }

    /** Registers the handler of every type without its own: it gets the known model, else `null`. */
    fun fallback(handler: DeliveryHandler<Any?>): Dispatcher {
        fallback = handler
        return this
    }

    /** Handles a notification with headers as pairs. */
    fun handle(headers: List<Pair<String, String>>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /** Handles a notification with headers as a single-valued map. */
    fun handle(headers: Map<String, String>, body: ByteArray): WebhookReply =
        reply { client.verifyNotification(path, headers, body, maxAgeMs) }

    /** Handles a notification with multi-valued headers (`com.sun.net.httpserver.Headers`, Spring's `HttpHeaders`). From Java: `handleMultiValue`. */
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
        return dispatch(notification)
    }

    /** Steps 2 to 4 for a notification already verified. */
    fun dispatch(notification: Notification): WebhookReply {
        val type = notification.notifyType ?: ""
        val route = routes[type]
        val handler: DeliveryHandler<Any?>
        val parser: ModelParser<*>?
        if (route != null) {
            handler = route.handler
            parser = route.parser
        } else {
            handler = fallback ?: run {
                LOG.log(System.Logger.Level.WARNING, "no handler for notification type {0}: acknowledged without processing", printable(type))
                return ack()
            }
            @Suppress("UNCHECKED_CAST")
            parser = NOTIFICATION_MODELS[type]?.let { parserOf(it as Class<Any>) }
        }
        val model: Any? = try {
            parser?.parse(notification.bodyText())
        } catch (e: RuntimeException) {
            LOG.log(System.Logger.Level.ERROR, "a verified notification of type {0} does not fit its model", printable(type))
            return WebhookReply(500, INVALID_MODEL, TEXT, INVALID_MODEL, e)
        }
        val s = store
        if (s == null) {
            return try {
                handler.handle(Delivery(notification, model, null))
                ack()
            } catch (e: Exception) {
                WebhookReply(500, DedupAnswer.CALLBACK_FAILED, TEXT, DedupAnswer.CALLBACK_FAILED, e)
            }
        }
        var thrown: Exception? = null
        val answer = processOnce(
            s, notification,
            { verified, connection -> handler.handle(Delivery(verified, model, connection)) },
            leaseMs,
        ) { e -> thrown = e; LOG.log(System.Logger.Level.WARNING, "the notification handler threw {0}; answering 500 so that Antom delivers it again", e.javaClass.name) }
        return if (answer.acknowledged) ack() else WebhookReply(answer.status, answer.body, TEXT, answer.reason, thrown)
    }

    companion object {
        /** The body (and errorCode) of the `500` answer when a verified body does not fit its model. */
        const val INVALID_MODEL: String = "INVALID_MODEL"

        private const val TEXT = "text/plain; charset=utf-8"
        private const val JSON = "application/json"
        private val LOG: System.Logger = System.getLogger("antom.core.webhooks")

        private fun ack() = WebhookReply(200, NOTIFICATION_ACK, JSON, null, null)

        /** A type as it may be logged: letters, digits and `_` only, at most 64. */
        private fun printable(type: String): String =
            if (Regex("^[A-Za-z0-9_]{1,64}$").matches(type)) type else "<${type.length} chars>"

        /**
         * The typed model of each `notifyType`, from the core's table of notification bodies
         * (`PAYMENT_RESULT` and `PAYMENT_PENDING` → `NotifyPaymentRequest`, `REFUND_RESULT` →
         * `NotifyRefundRequest`, `CAPTURE_RESULT` → `NotifyCaptureRequest`, the dispute,
         * subscription and authorization types...), as classes of `antom.core.models`.
         */
        @JvmField
        val NOTIFICATION_MODELS: Map<String, Class<*>> = buildMap {
            for (t in ffiNotificationTypes()) {
                val model = try {
                    Class.forName("antom.core.models.${t.body}")
                } catch (_: ClassNotFoundException) {
                    continue
                }
                for (value in t.values) putIfAbsent(value, model)
            }
        }

        private val PARSERS = ConcurrentHashMap<Class<*>, ModelParser<*>>()

        /** The parser of [model]: its static `fromJson(String)`. */
        @Suppress("UNCHECKED_CAST")
        internal fun <M : Any> parserOf(model: Class<M>): ModelParser<M> = PARSERS.computeIfAbsent(model) {
            val method = try {
                model.getMethod("fromJson", String::class.java)
            } catch (e: NoSuchMethodException) {
                throw IllegalArgumentException("${model.name} has no static fromJson(String): not a model of antom.core.models")
            }
            require(java.lang.reflect.Modifier.isStatic(method.modifiers)) { "${model.name}.fromJson is not static" }
            ModelParser { json ->
                try {
                    model.cast(method.invoke(null, json))
                } catch (e: InvocationTargetException) {
                    throw (e.targetException as? RuntimeException) ?: IllegalArgumentException("the body does not fit ${model.simpleName}")
                }
            }
        } as ModelParser<M>
    }
}
