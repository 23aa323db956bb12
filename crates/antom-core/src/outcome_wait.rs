//! Waiting for an outcome: when to inquire again, and which API to inquire, for the flows where
//! no notification arrives (Antom's sandbox, for one, does not resend an unacknowledged
//! notification).
//!
//! The core has no clock and no randomness: the host counts its inquiries, measures the time
//! since the wait started, passes the [`Outcome`] of its last inquiry and a random number; the
//! core decides. The rules:
//!
//! * No inquiry made yet: inquire now (unless the deadline has already passed).
//! * A final outcome ([`Outcome::Succeeded`], [`Outcome::Failed`]) stops: [`InquiryReason::Final`].
//! * [`Outcome::Pending`] and [`Outcome::Unknown`] inquire again after a capped, equal-jitter
//!   exponential backoff (the same formula as `send`'s retries): before inquiry `n + 1`,
//!   `b = min(max_delay, first_delay * 2^(n-1))` and the wait is drawn from `[b/2, b]`.
//! * No inquiry is planned whose wait would reach the deadline: [`InquiryReason::DeadlineReached`].
//!   The outcome is then still not known: inquire again later, never ask the buyer to pay again.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::retry::{MAX_DEADLINE_MS, RetryPolicy, backoff_ms, endpoint_of};

/// The longest wait between two inquiries a policy may set, in ms.
pub const MAX_INQUIRY_DELAY_MS: u64 = 60_000;

/// How a wait for an outcome inquires: the first wait, the cap on the wait, and the deadline
/// over the whole wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InquiryPolicy {
    /// The wait after the first inquiry, in ms (before jitter); doubled after each inquiry.
    pub first_delay_ms: u64,
    /// The cap on the wait between inquiries, in ms (before jitter).
    pub max_delay_ms: u64,
    /// The longest the whole wait may take, in ms, from before the first inquiry.
    pub deadline_ms: u64,
}

impl Default for InquiryPolicy {
    /// 1 s doubling to 10 s between inquiries, a 120 s deadline.
    fn default() -> Self {
        InquiryPolicy {
            first_delay_ms: 1_000,
            max_delay_ms: 10_000,
            deadline_ms: 120_000,
        }
    }
}

impl InquiryPolicy {
    /// Checks the policy's bounds.
    ///
    /// # Errors
    /// `INVALID_INPUT` naming the bound that is not met.
    pub fn check(&self) -> Result<()> {
        if self.first_delay_ms == 0
            || self.first_delay_ms > self.max_delay_ms
            || self.max_delay_ms > MAX_INQUIRY_DELAY_MS
        {
            return Err(Error::invalid_input(format!(
                "inquiry delays must satisfy 1 <= first_delay_ms <= max_delay_ms <= {MAX_INQUIRY_DELAY_MS}"
            )));
        }
        if !(1..=MAX_DEADLINE_MS).contains(&self.deadline_ms) {
            return Err(Error::invalid_input(format!(
                "deadline_ms must be 1 to {MAX_DEADLINE_MS}"
            )));
        }
        Ok(())
    }
}

/// Why a wait inquires again or stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InquiryReason {
    /// The outcome is not final yet: inquire (after the decision's delay).
    Inquire,
    /// The last inquiry's outcome is final (`SUCCEEDED` or `FAILED`): stop.
    Final,
    /// The next wait would reach the deadline: stop with the outcome still not final. Inquire
    /// again later; never ask the buyer to pay again.
    DeadlineReached,
}

impl InquiryReason {
    /// The stable code: `INQUIRE`, `FINAL`, `DEADLINE_REACHED`.
    pub const fn code(self) -> &'static str {
        match self {
            InquiryReason::Inquire => "INQUIRE",
            InquiryReason::Final => "FINAL",
            InquiryReason::DeadlineReached => "DEADLINE_REACHED",
        }
    }
}

/// What a wait does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InquiryDecision {
    /// Whether to inquire again.
    pub inquire_again: bool,
    /// The wait before that inquiry, in ms (0 when stopping, and before the first inquiry).
    pub delay_ms: u64,
    /// Why.
    pub reason: InquiryReason,
}

impl InquiryDecision {
    const fn stop(reason: InquiryReason) -> InquiryDecision {
        InquiryDecision {
            inquire_again: false,
            delay_ms: 0,
            reason,
        }
    }
}

/// Decides what a wait does after `inquiries_made` inquiries, `elapsed_ms` after it started;
/// `last_outcome` is the outcome of the last inquiry (`None` before the first), `random` any
/// number from the host's random source (it picks the jitter).
///
/// ```
/// use antom_core::{InquiryPolicy, InquiryReason, Outcome, next_inquiry};
/// let policy = InquiryPolicy::default();
/// assert_eq!(next_inquiry(&policy, 0, 0, None, 0).delay_ms, 0);
/// let again = next_inquiry(&policy, 1, 300, Some(Outcome::Pending), 0);
/// assert!(again.inquire_again && again.delay_ms == 500);
/// let done = next_inquiry(&policy, 2, 1_800, Some(Outcome::Succeeded), 0);
/// assert_eq!(done.reason, InquiryReason::Final);
/// ```
pub fn next_inquiry(
    policy: &InquiryPolicy,
    inquiries_made: u32,
    elapsed_ms: u64,
    last_outcome: Option<Outcome>,
    random: u64,
) -> InquiryDecision {
    if matches!(last_outcome, Some(Outcome::Succeeded | Outcome::Failed)) {
        return InquiryDecision::stop(InquiryReason::Final);
    }
    if elapsed_ms >= policy.deadline_ms {
        return InquiryDecision::stop(InquiryReason::DeadlineReached);
    }
    if inquiries_made == 0 {
        return InquiryDecision {
            inquire_again: true,
            delay_ms: 0,
            reason: InquiryReason::Inquire,
        };
    }
    let backoff_policy = RetryPolicy {
        initial_backoff_ms: policy.first_delay_ms,
        max_backoff_ms: policy.max_delay_ms,
        ..RetryPolicy::default()
    };
    let backoff = backoff_ms(&backoff_policy, inquiries_made);
    let half = backoff / 2;
    let spread = backoff - half;
    let delay_ms = half + random % spread.saturating_add(1);
    if elapsed_ms.saturating_add(delay_ms) >= policy.deadline_ms {
        return InquiryDecision::stop(InquiryReason::DeadlineReached);
    }
    InquiryDecision {
        inquire_again: true,
        delay_ms,
        reason: InquiryReason::Inquire,
    }
}

/// Which inquiry tells the outcome of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Inquiry {
    /// The inquiry's catalogue name, e.g. `payments.inquiryPayment`.
    pub api: &'static str,
    /// Its API path, e.g. `v1/payments/inquiryPayment` (what `send` takes).
    pub path: &'static str,
    /// The body field naming the operation: the operation's own request id
    /// (`paymentRequestId`, `refundRequestId`).
    pub id_field: &'static str,
}

impl Inquiry {
    /// The inquiry's JSON body for the operation whose request id is `request_id`, e.g.
    /// `{"paymentRequestId":"order-42"}`.
    pub fn body(&self, request_id: &str) -> String {
        let mut body = Map::new();
        body.insert(
            self.id_field.to_owned(),
            Value::String(request_id.to_owned()),
        );
        Value::Object(body).to_string()
    }
}

const INQUIRY_PAYMENT: Inquiry = Inquiry {
    api: "payments.inquiryPayment",
    path: "v1/payments/inquiryPayment",
    id_field: "paymentRequestId",
};

const INQUIRY_REFUND: Inquiry = Inquiry {
    api: "payments.inquiryRefund",
    path: "v1/payments/inquiryRefund",
    id_field: "refundRequestId",
};

/// The inquiry that tells the outcome of `api` (a catalogue name, an API path or a full path):
/// `payments.inquiryPayment` by `paymentRequestId` for `pay`, `createPaymentSession` and
/// `inquiryPayment` itself; `payments.inquiryRefund` by `refundRequestId` for `refund` and
/// `inquiryRefund`. `None` for any other API (this covers payments and refunds only).
///
/// ```
/// let inquiry = antom_core::inquiry_for("v1/payments/pay").unwrap();
/// assert_eq!(inquiry.api, "payments.inquiryPayment");
/// assert_eq!(inquiry.body("order-42"), r#"{"paymentRequestId":"order-42"}"#);
/// ```
pub fn inquiry_for(api: &str) -> Option<Inquiry> {
    match endpoint_of(api)?.name {
        "payments.pay" | "payments.createPaymentSession" | "payments.inquiryPayment" => {
            Some(INQUIRY_PAYMENT)
        }
        "payments.refund" | "payments.inquiryRefund" => Some(INQUIRY_REFUND),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(first: u64, max: u64, deadline: u64) -> InquiryPolicy {
        InquiryPolicy {
            first_delay_ms: first,
            max_delay_ms: max,
            deadline_ms: deadline,
        }
    }

    #[test]
    fn default_is_valid_and_as_documented() {
        let p = InquiryPolicy::default();
        assert_eq!(
            (p.first_delay_ms, p.max_delay_ms, p.deadline_ms),
            (1_000, 10_000, 120_000)
        );
        assert!(p.check().is_ok());
    }

    #[test]
    fn checks_bounds() {
        for bad in [
            policy(0, 10, 100),
            policy(11, 10, 100),
            policy(1, 60_001, 100),
            policy(1, 10, 0),
            policy(1, 10, 3_600_001),
        ] {
            let code = bad.check().err().map(|e| e.code().as_str());
            assert_eq!(code, Some("INVALID_INPUT"), "{bad:?}");
        }
        assert!(policy(1, 60_000, 3_600_000).check().is_ok());
        assert!(policy(5, 5, 1).check().is_ok());
    }

    #[test]
    fn first_inquiry_is_immediate() {
        let d = next_inquiry(&InquiryPolicy::default(), 0, 0, None, 12_345);
        assert_eq!(
            d,
            InquiryDecision {
                inquire_again: true,
                delay_ms: 0,
                reason: InquiryReason::Inquire
            }
        );
    }

    #[test]
    fn final_outcomes_stop_whatever_the_time() {
        let p = InquiryPolicy::default();
        for outcome in [Outcome::Succeeded, Outcome::Failed] {
            for (made, elapsed) in [(1, 0), (7, 119_999), (3, 500_000)] {
                let d = next_inquiry(&p, made, elapsed, Some(outcome), 0);
                assert!(!d.inquire_again);
                assert_eq!(d.delay_ms, 0);
                assert_eq!(d.reason.code(), "FINAL");
            }
        }
    }

    #[test]
    fn pending_and_unknown_back_off_doubling_to_the_cap_with_jitter_in_range() {
        let p = InquiryPolicy::default();
        // (inquiries made, backoff before jitter): 1 s, 2 s, 4 s, 8 s, then capped at 10 s.
        let expected = [
            (1, 1_000),
            (2, 2_000),
            (3, 4_000),
            (4, 8_000),
            (5, 10_000),
            (40, 10_000),
        ];
        for outcome in [Outcome::Pending, Outcome::Unknown] {
            for (made, b) in expected {
                let low = next_inquiry(&p, made, 0, Some(outcome), 0);
                assert_eq!((low.inquire_again, low.delay_ms), (true, b / 2));
                assert_eq!(low.reason.code(), "INQUIRE");
                let high = next_inquiry(&p, made, 0, Some(outcome), b - b / 2);
                assert_eq!(high.delay_ms, b);
                for random in [1, 77, 999_999, u64::MAX] {
                    let d = next_inquiry(&p, made, 0, Some(outcome), random).delay_ms;
                    assert!((b / 2..=b).contains(&d), "{made} {random} {d}");
                }
            }
        }
    }

    #[test]
    fn stops_when_the_next_wait_would_reach_the_deadline() {
        let p = policy(100, 400, 1_000);
        // After 2 inquiries the backoff is 200 ms; random 0 gives 100 ms.
        let d = next_inquiry(&p, 2, 899, Some(Outcome::Pending), 0);
        assert_eq!((d.inquire_again, d.delay_ms), (true, 100));
        let d = next_inquiry(&p, 2, 900, Some(Outcome::Pending), 0);
        assert_eq!((d.inquire_again, d.delay_ms), (false, 0));
        assert_eq!(d.reason.code(), "DEADLINE_REACHED");
        // Past the deadline, even the first inquiry is not made.
        let d = next_inquiry(&p, 0, 1_000, None, 0);
        assert_eq!(d.reason, InquiryReason::DeadlineReached);
        // A whole simulated wait ends before the deadline and never overshoots it.
        let (mut made, mut elapsed) = (0u32, 0u64);
        loop {
            let d = next_inquiry(
                &p,
                made,
                elapsed,
                Some(Outcome::Unknown).filter(|_| made > 0),
                7,
            );
            if !d.inquire_again {
                assert_eq!(d.reason, InquiryReason::DeadlineReached);
                break;
            }
            elapsed += d.delay_ms + 10;
            made += 1;
            assert!(elapsed < 1_000 + 10);
        }
        assert!(made >= 4, "{made}");
    }

    #[test]
    fn inquiry_for_payments_and_refunds() {
        for api in [
            "payments.pay",
            "v1/payments/pay",
            "/ams/sandbox/api/v1/payments/pay",
            "v1/payments/createPaymentSession",
            "v1/payments/inquiryPayment",
        ] {
            assert_eq!(inquiry_for(api), Some(INQUIRY_PAYMENT), "{api}");
            assert_eq!(INQUIRY_PAYMENT.api, "payments.inquiryPayment");
            assert_eq!(INQUIRY_PAYMENT.path, "v1/payments/inquiryPayment");
        }
        for api in [
            "payments.refund",
            "/ams/api/v1/payments/refund",
            "v1/payments/inquiryRefund",
        ] {
            assert_eq!(inquiry_for(api), Some(INQUIRY_REFUND), "{api}");
            assert_eq!(INQUIRY_REFUND.api, "payments.inquiryRefund");
        }
        assert_eq!(
            INQUIRY_PAYMENT.body("o\"1"),
            r#"{"paymentRequestId":"o\"1"}"#
        );
        assert_eq!(INQUIRY_REFUND.body("r-1"), r#"{"refundRequestId":"r-1"}"#);
        assert_eq!(inquiry_for("v1/payments/cancel"), None);
        assert_eq!(inquiry_for("v1/payments/nope"), None);
        // The inquiries named are the catalogue's own, and only read.
        for inquiry in [INQUIRY_PAYMENT, INQUIRY_REFUND] {
            let endpoint = crate::endpoints::endpoint(inquiry.api);
            let expected = format!("/ams/api/{}", inquiry.path);
            assert_eq!(endpoint.map(|e| e.path), Some(expected.as_str()));
            assert_eq!(endpoint.map(|e| e.read_only), Some(true));
        }
    }
}
