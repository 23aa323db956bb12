//! Waiting for an outcome: when to inquire again and which API to inquire, for the package's
//! `waitForOutcome`. The rules are antom-core's (`next_inquiry`, `inquiry_for`); this is type
//! conversion only. Milliseconds and the random number travel as JavaScript numbers
//! (non-negative safe integers); outcomes as their stable strings.

use antom_core as ac;
use wasm_bindgen::prelude::*;

use super::error;

/// A JavaScript number as whole milliseconds (negative or not finite: 0; fractions dropped).
fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.min(u64::MAX as f64) as u64
    } else {
        0
    }
}

fn number(value: u64) -> f64 {
    value as f64
}

/// An outcome from its stable string (`SUCCEEDED`, `FAILED`, `PENDING`; anything else is
/// `UNKNOWN`, which keeps inquiring).
fn outcome(text: &str) -> ac::Outcome {
    match text {
        "SUCCEEDED" => ac::Outcome::Succeeded,
        "FAILED" => ac::Outcome::Failed,
        "PENDING" => ac::Outcome::Pending,
        _ => ac::Outcome::Unknown,
    }
}

/// How a wait for an outcome inquires (see antom-core's `InquiryPolicy`).
#[wasm_bindgen(js_name = InquiryPolicy)]
#[derive(Clone, Copy)]
pub struct WasmInquiryPolicy(ac::InquiryPolicy);

#[wasm_bindgen(js_class = InquiryPolicy)]
impl WasmInquiryPolicy {
    /// A policy from its three settings; call `check()` before using it.
    #[wasm_bindgen(constructor)]
    pub fn new(first_delay_ms: f64, max_delay_ms: f64, deadline_ms: f64) -> WasmInquiryPolicy {
        WasmInquiryPolicy(ac::InquiryPolicy {
            first_delay_ms: ms(first_delay_ms),
            max_delay_ms: ms(max_delay_ms),
            deadline_ms: ms(deadline_ms),
        })
    }

    /// Throws `INVALID_INPUT` naming a bound the policy does not meet.
    pub fn check(&self) -> Result<(), JsValue> {
        self.0.check().map_err(error)
    }

    /// The wait after the first inquiry, in ms.
    #[wasm_bindgen(getter, js_name = firstDelayMs)]
    pub fn first_delay_ms(&self) -> f64 {
        number(self.0.first_delay_ms)
    }

    /// The cap on the wait between inquiries, in ms.
    #[wasm_bindgen(getter, js_name = maxDelayMs)]
    pub fn max_delay_ms(&self) -> f64 {
        number(self.0.max_delay_ms)
    }

    /// The deadline over the whole wait, in ms.
    #[wasm_bindgen(getter, js_name = deadlineMs)]
    pub fn deadline_ms(&self) -> f64 {
        number(self.0.deadline_ms)
    }
}

/// The default policy: 1 s doubling to 10 s, a 120 s deadline.
#[wasm_bindgen(js_name = defaultInquiryPolicy)]
pub fn default_inquiry_policy() -> WasmInquiryPolicy {
    WasmInquiryPolicy(ac::InquiryPolicy::default())
}

/// What a wait does next.
#[wasm_bindgen(js_name = InquiryDecision)]
pub struct WasmInquiryDecision(ac::InquiryDecision);

#[wasm_bindgen(js_class = InquiryDecision)]
impl WasmInquiryDecision {
    /// Whether to inquire again.
    #[wasm_bindgen(getter, js_name = inquireAgain)]
    pub fn inquire_again(&self) -> bool {
        self.0.inquire_again
    }

    /// The wait before that inquiry, in ms (0 when stopping).
    #[wasm_bindgen(getter, js_name = delayMs)]
    pub fn delay_ms(&self) -> f64 {
        number(self.0.delay_ms)
    }

    /// `INQUIRE`, `FINAL` or `DEADLINE_REACHED`.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.0.reason.code().to_owned()
    }
}

/// Decides what a wait does after `inquiries_made` inquiries, `elapsed_ms` after it started;
/// `last_outcome` is the last inquiry's outcome string (`undefined` before the first);
/// `random` is any safe integer from the host's RNG.
#[wasm_bindgen(js_name = nextInquiry)]
pub fn next_inquiry(
    policy: &WasmInquiryPolicy,
    inquiries_made: u32,
    elapsed_ms: f64,
    last_outcome: Option<String>,
    random: f64,
) -> WasmInquiryDecision {
    WasmInquiryDecision(ac::next_inquiry(
        &policy.0,
        inquiries_made,
        ms(elapsed_ms),
        last_outcome.as_deref().map(outcome),
        ms(random),
    ))
}

/// The inquiry's API path for `api` (e.g. `v1/payments/inquiryPayment` for `v1/payments/pay`);
/// `undefined` when `api` has no inquiry.
#[wasm_bindgen(js_name = inquiryPath)]
pub fn inquiry_path(api: &str) -> Option<String> {
    ac::inquiry_for(api).map(|i| i.path.to_owned())
}

/// The JSON body of the inquiry for `api` about the operation with `request_id`;
/// `undefined` when `api` has no inquiry.
#[wasm_bindgen(js_name = inquiryBody)]
pub fn inquiry_body(api: &str, request_id: &str) -> Option<String> {
    ac::inquiry_for(api).map(|i| i.body(request_id))
}
