package antom.core

import antom.core.ffi.Environment as FfiEnvironment
import antom.core.ffi.NextAction as FfiNextAction
import antom.core.ffi.Region as FfiRegion
import antom.core.ffi.ResultStatus as FfiResultStatus
import antom.core.ffi.describeBody as ffiDescribeBody
import antom.core.ffi.redactHeader as ffiRedactHeader
import antom.core.ffi.parseEnvironment as ffiParseEnvironment
import antom.core.ffi.parseRegion as ffiParseRegion

/** The Antom region whose gateway serves your account. */
enum class Region(
    /** The stable name: `asia`, `north_america`, `europe`. */
    val id: String,
) {
    /** `https://open-sea-global.alipay.com` (the default). */
    ASIA("asia"),
    /** `https://open-na-global.alipay.com`. */
    NORTH_AMERICA("north_america"),
    /** `https://open-de-global.alipay.com`. */
    EUROPE("europe");

    internal fun toFfi(): FfiRegion = when (this) {
        ASIA -> FfiRegion.ASIA
        NORTH_AMERICA -> FfiRegion.NORTH_AMERICA
        EUROPE -> FfiRegion.EUROPE
    }

    companion object {
        /** Parses a stable name (`asia`, `north_america`, `europe`, any case). Throws `INVALID_INPUT`. */
        @JvmStatic
        @Throws(AntomException::class)
        fun parse(text: String): Region = when (call { ffiParseRegion(text) }) {
            FfiRegion.ASIA -> ASIA
            FfiRegion.NORTH_AMERICA -> NORTH_AMERICA
            FfiRegion.EUROPE -> EUROPE
        }
    }
}

/** Sandbox (test mode) or production (live mode). */
enum class Environment(
    /** The stable name: `sandbox`, `production`. */
    val id: String,
) {
    /** Test mode: online-payment paths become `/ams/sandbox/api/...`. */
    SANDBOX("sandbox"),
    /** Live mode. */
    PRODUCTION("production");

    internal fun toFfi(): FfiEnvironment = when (this) {
        SANDBOX -> FfiEnvironment.SANDBOX
        PRODUCTION -> FfiEnvironment.PRODUCTION
    }

    companion object {
        /** Parses a stable name (`sandbox`, `production`, any case). Throws `INVALID_INPUT`. */
        @JvmStatic
        @Throws(AntomException::class)
        fun parse(text: String): Environment = of(call { ffiParseEnvironment(text) })

        internal fun of(value: FfiEnvironment): Environment = when (value) {
            FfiEnvironment.SANDBOX -> SANDBOX
            FfiEnvironment.PRODUCTION -> PRODUCTION
        }
    }
}

/** The outcome Antom reports in `result.resultStatus`. */
enum class ResultStatus(
    /** The wire letter: `S`, `F` or `U`. */
    val code: String,
) {
    /** `S`: the call succeeded. */
    SUCCESS("S"),
    /** `F`: the call failed; `resultCode` says why. Final for this request. */
    FAILED("F"),
    /** `U`: the outcome is unknown: inquire, never ask the buyer to pay again. */
    UNKNOWN("U");

    internal companion object {
        fun of(value: FfiResultStatus): ResultStatus = when (value) {
            FfiResultStatus.SUCCESS -> SUCCESS
            FfiResultStatus.FAILED -> FAILED
            FfiResultStatus.UNKNOWN -> UNKNOWN
        }
    }
}

/** What to do after a response: the core's decision (branch on it, not on the status). */
enum class NextAction {
    /** A verified `S`: the call is done; use the response. */
    DONE,
    /** A verified `F`: handle `resultCode`; do not retry the same request blindly. */
    FAILED,
    /**
     * `U`, anything unexpected, or any unverified response (an unsigned `F` can be forged):
     * inquire, or resend the identical request until it is final. Never "pay again".
     */
    INQUIRE;

    internal companion object {
        fun of(value: FfiNextAction): NextAction = when (value) {
            FfiNextAction.DONE -> DONE
            FfiNextAction.FAILED -> FAILED
            FfiNextAction.INQUIRE -> INQUIRE
        }
    }
}

/** A request ready for your HTTP client: send exactly these headers and bytes. */
class PreparedRequest internal constructor(
    /** Always `POST`. */
    val method: String,
    /** Gateway origin plus [path]. */
    val url: String,
    /** The path that was signed; pass it to [Client.verifyResponse]. */
    val path: String,
    /** Headers in order, with their exact casing. */
    val headers: List<Pair<String, String>>,
    /** The body, exactly as signed. Do not re-serialise it. */
    val body: String,
) {
    /** The body as UTF-8 bytes, for byte-oriented HTTP clients. */
    fun bodyBytes(): ByteArray = body.toByteArray(Charsets.UTF_8)

    /** [headers] as an insertion-ordered map (names are unique). */
    fun headerMap(): Map<String, String> = headers.toMap(LinkedHashMap())

    /**
     * The core's redaction rule: `Authorization` (the API key, in API-key mode) and
     * `Agent-Token` as `<redacted>`, the body as `<N bytes>`.
     */
    override fun toString(): String {
        val shown = headers.joinToString(", ") { (name, value) -> "$name=" + ffiRedactHeader(name, value) }
        return "PreparedRequest(method=$method, url=$url, headers=[$shown], body=${ffiDescribeBody(bodyBytes())})"
    }
}

/** A response whose authenticity has been settled by [Client.verifyResponse]. */
class ApiResponse internal constructor(
    /**
     * `true` when Antom's signature was checked; `false` only for unsigned `F`/`U` gateway
     * errors, whose [nextAction] is always [NextAction.INQUIRE].
     */
    val verified: Boolean,
    /** `result.resultStatus`. */
    val resultStatus: ResultStatus,
    /** `result.resultCode` (`""` if absent). An open set: branch on [resultStatus] first. */
    val resultCode: String,
    /** `result.resultMessage` (`""` if absent). */
    val resultMessage: String,
    /** What to do next: the core's decision ([NextAction.INQUIRE] for every unverified response). */
    val nextAction: NextAction,
    /** `true` only for a verified `S` response (the API call succeeded; for the money, read [outcome]). */
    val isSuccess: Boolean,
    /**
     * The state of the payment, refund or capture this response is about (the core's decision):
     * only [Outcome.SUCCEEDED] proves payment; always [Outcome.UNKNOWN] when [verified] is `false`.
     */
    val outcome: Outcome,
    /** The raw body that was verified, for you to parse. */
    val body: ByteArray,
    /** The Antom key that verified it; `null` exactly when [verified] is `false`. */
    val verifiedBy: KeyId? = null,
) {
    /** The body decoded as UTF-8. */
    fun bodyText(): String = body.toString(Charsets.UTF_8)

    /** The body as `<N bytes>` (the core's rule): bodies carry card tokens and personal data. */
    override fun toString(): String =
        "ApiResponse(verified=$verified, resultStatus=$resultStatus, resultCode=$resultCode, " +
            "nextAction=$nextAction, outcome=$outcome, verifiedBy=$verifiedBy, body=${ffiDescribeBody(body)})"
}

/** A notification whose signature has been verified by [Client.verifyNotification]. */
class Notification internal constructor(
    /** `notifyType` (or the dispute / authorization / subscription variant), if present. */
    val notifyType: String?,
    /** `result.resultStatus`, if present (for `PAYMENT_PENDING`, `S` means "processing"). */
    val resultStatus: ResultStatus?,
    /**
     * The state of the payment, refund or capture this notification is about (the core's
     * decision): only [Outcome.SUCCEEDED] proves payment.
     */
    val outcome: Outcome,
    /** The `client-id` header (equal to the configured client id). */
    val clientId: String,
    /** The `request-time` header, verbatim. */
    val requestTime: String,
    /** The raw body that was verified, for you to parse. */
    val body: ByteArray,
    /**
     * A stable key to process each notification once (`PAYMENT_RESULT:paymentId=...`, else
     * `sha256:<hex of the body>`). Antom resends until acknowledged: store the key in the same
     * transaction as the effect, and acknowledge a key already seen without processing it again.
     */
    val dedupKey: String,
    /** The Antom key that verified it (during a rotation: which key Antom signs with). */
    val verifiedBy: KeyId? = null,
) {
    /** The body decoded as UTF-8. */
    fun bodyText(): String = body.toString(Charsets.UTF_8)

    /** The body as `<N bytes>` (the core's rule). */
    override fun toString(): String =
        "Notification(notifyType=$notifyType, resultStatus=$resultStatus, outcome=$outcome, clientId=$clientId, " +
            "requestTime=$requestTime, dedupKey=$dedupKey, verifiedBy=$verifiedBy, body=${ffiDescribeBody(body)})"
}

/** A parsed `Signature` header. */
data class SignatureHeader(
    /** Always `RSA256`. */
    val algorithm: String,
    /** The `keyVersion` item, if present (an unsigned 32-bit value, hence `Long`). */
    val keyVersion: Long?,
    /** The `signature` item exactly as written (normally percent-encoded base64). */
    val signature: String,
)

/** One Antom API endpoint. */
data class Endpoint(
    /** Dotted name, e.g. `payments.inquiryPayment`. */
    val name: String,
    /** Product group, e.g. `payments`. */
    val group: String,
    /** Production path, e.g. `/ams/api/v1/payments/inquiryPayment`. */
    val path: String,
)
