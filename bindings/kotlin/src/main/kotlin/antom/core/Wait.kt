@file:JvmName("Wait")

package antom.core

import antom.core.ffi.InquiryPolicy as FfiInquiryPolicy
import antom.core.ffi.Outcome as FfiOutcome
import antom.core.ffi.checkInquiryPolicy as ffiCheckInquiryPolicy
import antom.core.ffi.defaultInquiryPolicy as ffiDefaultInquiryPolicy
import antom.core.ffi.inquiryBody as ffiInquiryBody
import antom.core.ffi.inquiryFor as ffiInquiryFor
import antom.core.ffi.nextInquiry as ffiNextInquiry
import java.security.SecureRandom

// Waiting for an outcome: [waitForOutcome] inquires until the outcome is final or a deadline,
// for the flows where no notification arrives (Antom's sandbox does not resend an
// unacknowledged notification). Which inquiry, its body, the waits (capped, jittered backoff)
// and when to stop are the core's (`inquiryFor`, `inquiryBody`, `nextInquiry`); this file keeps
// time, sleeps and sends through [Client.send]. It never pays again. From Java:
// `Wait.waitForOutcome(client, requestId, ...)`.

/** The core's default inquiry policy, read once. */
private val CORE_DEFAULT: FfiInquiryPolicy by lazy { ffiDefaultInquiryPolicy() }

/** The randomness behind the core's jitter. */
private val jitter = SecureRandom()

/**
 * How [waitForOutcome] inquires: the wait after the first inquiry (doubled after each), its
 * cap, and one deadline over the whole wait. The defaults are the core's: 1 s doubling to 10 s
 * (each wait drawn from `[b/2, b]`), a 120 s deadline. Checked when made: a value out of the
 * core's bounds (`1 <= firstDelayMs <= maxDelayMs <= 60000`, a deadline up to 1 h) throws
 * [AntomException] `INVALID_INPUT`.
 */
data class InquiryPolicy @JvmOverloads @Throws(AntomException::class) constructor(
    /** The wait after the first inquiry in ms, before jitter. */
    val firstDelayMs: Long = CORE_DEFAULT.firstDelayMs.toLong(),
    /** The cap on the wait between inquiries in ms, before jitter. */
    val maxDelayMs: Long = CORE_DEFAULT.maxDelayMs.toLong(),
    /** The longest the whole wait may take, in ms. */
    val deadlineMs: Long = CORE_DEFAULT.deadlineMs.toLong(),
) {
    init {
        // A negative value becomes a huge unsigned one, which the core's bounds refuse.
        call { ffiCheckInquiryPolicy(toFfi()) }
    }

    internal fun toFfi(): FfiInquiryPolicy =
        FfiInquiryPolicy(firstDelayMs.toULong(), maxDelayMs.toULong(), deadlineMs.toULong())
}

/** What [waitForOutcome] returns. */
class WaitResult internal constructor(
    /**
     * The last inquiry's outcome ([Outcome.UNKNOWN] if none was made). [Outcome.PENDING] or
     * [Outcome.UNKNOWN] with `DEADLINE_REACHED`: inquire again later, never ask the buyer to pay again.
     */
    val outcome: Outcome,
    /** The last inquiry's verified response, if there was one. */
    val response: ApiResponse?,
    /** How many inquiries were sent. */
    val inquiries: Int,
    /** `FINAL` ([Outcome.SUCCEEDED] or [Outcome.FAILED]) or `DEADLINE_REACHED`. */
    val reason: String,
) {
    override fun toString(): String = "WaitResult(outcome=$outcome, inquiries=$inquiries, reason=$reason)"
}

/** Called after each inquiry with its result and the count so far. */
fun interface InquiryListener {
    /** After inquiry number [inquiries] (from 1). */
    fun onInquiry(result: SendResult, inquiries: Int)
}

private fun ffiOutcome(outcome: Outcome): FfiOutcome = when (outcome) {
    Outcome.SUCCEEDED -> FfiOutcome.SUCCEEDED
    Outcome.FAILED -> FfiOutcome.FAILED
    Outcome.PENDING -> FfiOutcome.PENDING
    Outcome.UNKNOWN -> FfiOutcome.UNKNOWN
}

/**
 * Inquires about the operation [requestId] names (`v1/payments/inquiryPayment` with
 * `{"paymentRequestId"}` for [api] `v1/payments/pay`; `inquiryRefund` for `v1/payments/refund`)
 * through [Client.send] with [options], until the core says stop: a final outcome (`FINAL`) or
 * the deadline of [policy] (`DEADLINE_REACHED`). Blocks the calling thread between inquiries.
 *
 * @throws IllegalArgumentException for an empty [requestId] or an [api] the core has no inquiry for.
 * @throws AntomException as [Client.send] (a reply that fails verification).
 */
@JvmOverloads
@Throws(AntomException::class)
fun Client.waitForOutcome(
    requestId: String,
    policy: InquiryPolicy = InquiryPolicy(),
    api: String = "v1/payments/pay",
    options: SendOptions = SendOptions.DEFAULT,
    onInquiry: InquiryListener? = null,
): WaitResult {
    require(requestId.isNotEmpty()) { "requestId must not be empty" }
    val inquiry = call { ffiInquiryFor(api) } ?: throw IllegalArgumentException("the core knows no inquiry for $api")
    val body = call { ffiInquiryBody(api, requestId) } ?: throw IllegalArgumentException("the core knows no inquiry for $api")
    val ffiPolicy = policy.toFfi()
    val started = System.nanoTime()
    var inquiries = 0
    var outcome: Outcome? = null
    var response: ApiResponse? = null
    while (true) {
        val elapsedMs = (System.nanoTime() - started) / 1_000_000
        val random = jitter.nextLong() ushr 11
        val decision = ffiNextInquiry(ffiPolicy, inquiries.toUInt(), elapsedMs.toULong(), outcome?.let(::ffiOutcome), random.toULong())
        if (!decision.inquireAgain) return WaitResult(outcome ?: Outcome.UNKNOWN, response, inquiries, decision.reason)
        if (decision.delayMs > 0u) Thread.sleep(decision.delayMs.toLong())
        val result = send(inquiry.path, body, options)
        inquiries += 1
        outcome = result.outcome
        response = result.response
        onInquiry?.onInquiry(result, inquiries)
    }
}
