//! What a verified message says about the payment, refund or capture it is about.
//!
//! `result.resultStatus` describes the API call; merchants need the state of the money. The
//! rules below combine `result`, `paymentStatus` / `refundStatus` and `notifyType` into one
//! [`Outcome`]. They were settled from Antom's API reference (pay, createPaymentSession,
//! inquiryPayment, refund, inquiryRefund, capture, cancel, notifyPayment, notifyCapture,
//! notifyRefund) and are pinned, case by case, in `tests/vectors/outcome.json`.
//!
//! Whatever is not positively known to be final is [`Outcome::Pending`] or
//! [`Outcome::Unknown`]: both mean "inquire (or wait for the notification)", never "ask the
//! buyer to pay again".

use serde_json::{Map, Value};

use crate::endpoints::OutcomeRule;
use crate::result::ResultStatus;

/// The state of the operation a verified message is about (the payment for `pay`,
/// `inquiryPayment`, `notifyPayment`; the refund for `refund`, `inquiryRefund`, `notifyRefund`;
/// the capture for `capture`, `notifyCapture`; the cancellation for `cancel`; the call itself
/// for any other API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Final and successful: for a payment, the money is paid. The only state that proves
    /// payment; ship the goods once (keyed by the notification's dedup key or the payment id).
    /// For a card payment captured separately it means authorised: ship on the capture's own
    /// `Succeeded` (the `capture` response or its `CAPTURE_RESULT` notification).
    Succeeded,
    /// Final and failed (or cancelled): this operation will not succeed. For a payment the buyer
    /// was not charged; a new payment needs a new `paymentRequestId`.
    Failed,
    /// Accepted and still in progress (e.g. `PAYMENT_IN_PROCESS`, `paymentStatus` `PROCESSING`,
    /// a `PAYMENT_PENDING` notification, a created payment session): wait for the notification
    /// or inquire later. Never ask the buyer to pay again.
    Pending,
    /// Not known from this message: an unverified message, a `U` status, a failed inquiry, an
    /// unexpected value, or a message these rules do not read. Inquire (or resend the identical
    /// request) until it is final. Never treat it as failed.
    Unknown,
}

impl Outcome {
    /// The stable string form: `SUCCEEDED`, `FAILED`, `PENDING`, `UNKNOWN`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeeded => "SUCCEEDED",
            Outcome::Failed => "FAILED",
            Outcome::Pending => "PENDING",
            Outcome::Unknown => "UNKNOWN",
        }
    }

    /// One sentence of guidance, suitable for docs and logs.
    pub const fn guidance(self) -> &'static str {
        match self {
            Outcome::Succeeded => "Final and successful; fulfil the order once.",
            Outcome::Failed => {
                "Final and failed; this operation will not succeed (a new attempt needs a new \
                 request id)."
            }
            Outcome::Pending => {
                "In progress; wait for the notification or inquire later. Never ask the buyer \
                 to pay again."
            }
            Outcome::Unknown => {
                "Not known; inquire or resend the identical request until it is final. Never \
                 treat it as failed."
            }
        }
    }
}

/// The operation an API path is about, for the outcome rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Pay,
    CreatePaymentSession,
    InquiryPayment,
    Refund,
    InquiryRefund,
    Capture,
    /// `cancel`, `consult` and every other API: the outcome of the call itself.
    Other,
}

impl Api {
    /// The API a resolved path names: what follows `/ams/api/` or `/ams/sandbox/api/`, matched
    /// exactly against the catalogue's outcome rules (generated into the endpoint table). Any
    /// other path is [`Api::Other`].
    fn of_path(path: &str) -> Api {
        let Some(api) = path
            .strip_prefix("/ams/api/")
            .or_else(|| path.strip_prefix("/ams/sandbox/api/"))
        else {
            return Api::Other;
        };
        match crate::endpoints::outcome_rule(api) {
            OutcomeRule::Pay => Api::Pay,
            OutcomeRule::CreatePaymentSession => Api::CreatePaymentSession,
            OutcomeRule::InquiryPayment => Api::InquiryPayment,
            OutcomeRule::Refund => Api::Refund,
            OutcomeRule::InquiryRefund => Api::InquiryRefund,
            OutcomeRule::Capture => Api::Capture,
            _ => Api::Other,
        }
    }
}

/// The `resultCode` of a repeated request whose body differs from the first one: it says
/// nothing about the operation the first request started, which may well have succeeded.
const REPEAT_REQ_INCONSISTENT: &str = "REPEAT_REQ_INCONSISTENT";

/// The outcome of a response to a request sent to `path` (the resolved path).
///
/// Rules, for a verified response (an unverified one is always `Unknown`):
/// * `F` with `REPEAT_REQ_INCONSISTENT` is `Unknown` on every API.
/// * `inquiryPayment`: `S` reads `paymentStatus`: `SUCCESS` → Succeeded; `FAIL`, `CANCELLED` →
///   Failed; `PROCESSING`, `PENDING` → Pending; anything else or absent → Unknown. `F`/`U`
///   (the inquiry failed, e.g. `ORDER_NOT_EXIST`) → Unknown.
/// * `inquiryRefund`: `S` reads `refundStatus`: `SUCCESS` → Succeeded; `FAIL` → Failed;
///   `PROCESSING` → Pending; else Unknown. `F`/`U` → Unknown.
/// * `createPaymentSession`: `S` → Pending (the buyer has not paid yet); `F` → Failed;
///   `U` → Unknown.
/// * `pay`, `refund`, `capture`: `S` → Succeeded; `F` → Failed; `U` with
///   `PAYMENT_IN_PROCESS` (pay, capture), `REFUND_IN_PROCESS` (refund) or
///   `CAPTURE_IN_PROCESS` (capture) → Pending; other `U` → Unknown.
/// * Any other API (`cancel`, `consult`, ...): `S` → Succeeded; `F` → Failed; `U` → Unknown.
pub(crate) fn response_outcome(
    path: &str,
    verified: bool,
    status: ResultStatus,
    code: &str,
    body: &Map<String, Value>,
) -> Outcome {
    if !verified {
        return Outcome::Unknown;
    }
    if status == ResultStatus::Failed && code == REPEAT_REQ_INCONSISTENT {
        return Outcome::Unknown;
    }
    let in_process: &[&str] = match Api::of_path(path) {
        Api::InquiryPayment => {
            return match status {
                ResultStatus::Success => match text(body, "paymentStatus") {
                    Some("SUCCESS") => Outcome::Succeeded,
                    Some("FAIL" | "CANCELLED") => Outcome::Failed,
                    Some("PROCESSING" | "PENDING") => Outcome::Pending,
                    _ => Outcome::Unknown,
                },
                _ => Outcome::Unknown,
            };
        }
        Api::InquiryRefund => {
            return match status {
                ResultStatus::Success => match text(body, "refundStatus") {
                    Some("SUCCESS") => Outcome::Succeeded,
                    Some("FAIL") => Outcome::Failed,
                    Some("PROCESSING") => Outcome::Pending,
                    _ => Outcome::Unknown,
                },
                _ => Outcome::Unknown,
            };
        }
        Api::CreatePaymentSession => {
            return match status {
                ResultStatus::Success => Outcome::Pending,
                ResultStatus::Failed => Outcome::Failed,
                ResultStatus::Unknown => Outcome::Unknown,
            };
        }
        Api::Pay => &["PAYMENT_IN_PROCESS"],
        Api::Refund => &["REFUND_IN_PROCESS"],
        Api::Capture => &["CAPTURE_IN_PROCESS", "PAYMENT_IN_PROCESS"],
        Api::Other => &[],
    };
    match status {
        ResultStatus::Success => Outcome::Succeeded,
        ResultStatus::Failed => Outcome::Failed,
        ResultStatus::Unknown if in_process.contains(&code) => Outcome::Pending,
        ResultStatus::Unknown => Outcome::Unknown,
    }
}

/// The outcome of a verified notification.
///
/// Rules: `PAYMENT_RESULT` and `CAPTURE_RESULT`: `result.resultStatus` `S` → Succeeded, `F` →
/// Failed, else Unknown. `PAYMENT_PENDING` → Pending (its `S` means "processing", not "paid").
/// `REFUND_RESULT`: `refundStatus` (required; it is the refund's result, while `result` may
/// only say the refund was accepted) decides: `SUCCESS` → Succeeded unless `result.resultStatus`
/// is present and not `S`; `FAIL` → Failed unless `result.resultStatus` is present and neither
/// `S` nor `F`; missing or any other value → Unknown. Any other `notifyType` (or none) →
/// Unknown: read the body.
pub(crate) fn notification_outcome(
    notify_type: Option<&str>,
    status: Option<&str>,
    refund_status: Option<&str>,
) -> Outcome {
    let final_status = |status: Option<&str>| match status {
        Some("S") => Outcome::Succeeded,
        Some("F") => Outcome::Failed,
        _ => Outcome::Unknown,
    };
    match notify_type {
        Some("PAYMENT_RESULT" | "CAPTURE_RESULT") => final_status(status),
        Some("PAYMENT_PENDING") => Outcome::Pending,
        Some("REFUND_RESULT") => match (refund_status, status) {
            (Some("SUCCESS"), None | Some("S")) => Outcome::Succeeded,
            (Some("FAIL"), None | Some("S" | "F")) => Outcome::Failed,
            _ => Outcome::Unknown,
        },
        _ => Outcome::Unknown,
    }
}

fn text<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn unverified_is_always_unknown() {
        for status in [ResultStatus::Success, ResultStatus::Failed] {
            let outcome =
                response_outcome("/ams/api/v1/payments/pay", false, status, "", &Map::new());
            assert_eq!(outcome, Outcome::Unknown);
        }
    }

    #[test]
    fn inquiry_reads_payment_status_not_result() {
        let body = object(r#"{"paymentStatus":"FAIL"}"#);
        let path = "/ams/api/v1/payments/inquiryPayment";
        assert_eq!(
            response_outcome(path, true, ResultStatus::Success, "SUCCESS", &body),
            Outcome::Failed
        );
    }

    #[test]
    fn pending_notification_is_not_paid() {
        assert_eq!(
            notification_outcome(Some("PAYMENT_PENDING"), Some("S"), None),
            Outcome::Pending
        );
    }

    #[test]
    fn string_forms_are_stable() {
        let all = [
            Outcome::Succeeded,
            Outcome::Failed,
            Outcome::Pending,
            Outcome::Unknown,
        ];
        let names: Vec<_> = all.iter().map(|o| o.as_str()).collect();
        assert_eq!(names, ["SUCCEEDED", "FAILED", "PENDING", "UNKNOWN"]);
    }
}
