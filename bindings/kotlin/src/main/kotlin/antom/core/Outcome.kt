package antom.core

import antom.core.ffi.Outcome as FfiOutcome

/**
 * The state of the payment, refund or capture a verified message is about: the core's
 * decision ([ApiResponse.outcome], [Notification.outcome], [SendResult.outcome]). Act on this,
 * not on `resultStatus`. Only [SUCCEEDED] proves payment.
 *
 * An unverified message is always [UNKNOWN], and so is a [Client.send] that got no reply it
 * could verify (a timeout, a transport error, a non-2xx status): inquire, never pay again.
 */
enum class Outcome {
    /** Final and successful: for a payment, the money is paid. The only state that proves payment. */
    SUCCEEDED,
    /** Final and failed (or cancelled): this operation will not succeed. */
    FAILED,
    /** Accepted and in progress: wait for the notification or inquire later. Never ask the buyer to pay again. */
    PENDING,
    /** Not known from this message: inquire (or resend the identical request). Never treat it as failed. */
    UNKNOWN;

    internal companion object {
        // Exhaustive on purpose: a variant added to the FFI enum fails this build until it is mapped.
        fun of(value: FfiOutcome): Outcome = when (value) {
            FfiOutcome.SUCCEEDED -> SUCCEEDED
            FfiOutcome.FAILED -> FAILED
            FfiOutcome.PENDING -> PENDING
            FfiOutcome.UNKNOWN -> UNKNOWN
        }
    }
}
