//! Waiting for an outcome: when to inquire again and which API to inquire. The rules are the
//! core's (`antom_core::next_inquiry`, `antom_core::inquiry_for`); this is type conversion only.

use antom_core as ac;

use crate::{Outcome, Result};

/// How a wait for an outcome inquires: the first wait, its cap, and one deadline over all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct InquiryPolicy {
    /// The wait after the first inquiry in ms, before jitter; doubled after each inquiry.
    pub first_delay_ms: u64,
    /// The cap on the wait between inquiries in ms, before jitter (at most 60 000).
    pub max_delay_ms: u64,
    /// The longest the whole wait may take, in ms.
    pub deadline_ms: u64,
}

impl From<InquiryPolicy> for ac::InquiryPolicy {
    fn from(p: InquiryPolicy) -> ac::InquiryPolicy {
        ac::InquiryPolicy {
            first_delay_ms: p.first_delay_ms,
            max_delay_ms: p.max_delay_ms,
            deadline_ms: p.deadline_ms,
        }
    }
}

/// The default policy: 1 s doubling to 10 s between inquiries, a 120 s deadline.
#[uniffi::export]
pub fn default_inquiry_policy() -> InquiryPolicy {
    let p = ac::InquiryPolicy::default();
    InquiryPolicy {
        first_delay_ms: p.first_delay_ms,
        max_delay_ms: p.max_delay_ms,
        deadline_ms: p.deadline_ms,
    }
}

/// Checks a policy's bounds. Errors: `InvalidInput` naming the bound.
#[uniffi::export]
pub fn check_inquiry_policy(policy: InquiryPolicy) -> Result<()> {
    Ok(ac::InquiryPolicy::from(policy).check()?)
}

/// What a wait does next: inquire again after `delay_ms`, or stop; `reason` is `INQUIRE`,
/// `FINAL` (the last outcome is `Succeeded` or `Failed`) or `DEADLINE_REACHED` (still not
/// final: inquire again later, never ask the buyer to pay again).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InquiryDecision {
    /// Whether to inquire again.
    pub inquire_again: bool,
    /// The wait before that inquiry, in ms (0 when stopping and before the first inquiry).
    pub delay_ms: u64,
    /// `INQUIRE`, `FINAL` or `DEADLINE_REACHED`.
    pub reason: String,
}

fn core_outcome(outcome: Outcome) -> ac::Outcome {
    match outcome {
        Outcome::Succeeded => ac::Outcome::Succeeded,
        Outcome::Failed => ac::Outcome::Failed,
        Outcome::Pending => ac::Outcome::Pending,
        Outcome::Unknown => ac::Outcome::Unknown,
    }
}

/// Decides what a wait does after `inquiries_made` inquiries, `elapsed_ms` after it started;
/// `last_outcome` is the last inquiry's outcome (`None` before the first); `random` is any
/// number from the host's random source (it picks the jitter).
#[uniffi::export]
pub fn next_inquiry(
    policy: InquiryPolicy,
    inquiries_made: u32,
    elapsed_ms: u64,
    last_outcome: Option<Outcome>,
    random: u64,
) -> InquiryDecision {
    let d = ac::next_inquiry(
        &policy.into(),
        inquiries_made,
        elapsed_ms,
        last_outcome.map(core_outcome),
        random,
    );
    InquiryDecision {
        inquire_again: d.inquire_again,
        delay_ms: d.delay_ms,
        reason: d.reason.code().to_owned(),
    }
}

/// Which inquiry tells an operation's outcome.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Inquiry {
    /// The inquiry's catalogue name, e.g. `payments.inquiryPayment`.
    pub api: String,
    /// Its API path, e.g. `v1/payments/inquiryPayment` (what `send` takes).
    pub path: String,
    /// The body field naming the operation (`paymentRequestId`, `refundRequestId`).
    pub id_field: String,
}

/// The inquiry for `api` (a name or path): `payments.inquiryPayment` for pay,
/// createPaymentSession and inquiryPayment; `payments.inquiryRefund` for refund and
/// inquiryRefund; `None` for any other API.
#[uniffi::export]
pub fn inquiry_for(api: String) -> Option<Inquiry> {
    ac::inquiry_for(&api).map(|i| Inquiry {
        api: i.api.to_owned(),
        path: i.path.to_owned(),
        id_field: i.id_field.to_owned(),
    })
}

/// The JSON body of the inquiry for `api` about the operation with `request_id`, e.g.
/// `{"paymentRequestId":"order-42"}`; `None` when `api` has no inquiry.
#[uniffi::export]
pub fn inquiry_body(api: String, request_id: String) -> Option<String> {
    ac::inquiry_for(&api).map(|i| i.body(&request_id))
}
