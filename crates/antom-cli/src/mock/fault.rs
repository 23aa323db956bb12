//! Transport faults on request, for testing a client's `send`: a signed, authenticated request
//! other than an inquiry (`inquiryPayment` and `inquiryRefund` always answer, so the real state
//! can be looked up) whose request id (`paymentRequestId`, `refundRequestId` or
//! `captureRequestId`) starts with
//! * `SIM_HTTP_503` is answered `503 Service Unavailable` with an unsigned text body, and
//!   nothing happens (no payment is created);
//! * `SIM_DELAY_<ms>` (e.g. `SIM_DELAY_3000_order-1`) is processed normally, but answered only
//!   after `<ms>` milliseconds (at most 60 000): the request takes effect even if the client
//!   gave up waiting, as with a real gateway. That is why a timeout means "inquire".
//! * `SIM_FLAKY_<n>_` (e.g. `SIM_FLAKY_2_order-1`): the first `<n>` deliveries of that exact
//!   body are answered `503` and do nothing; later ones are processed normally (a retried
//!   request succeeds).
//! * `SIM_RESET_<n>_`: the first `<n>` deliveries of that exact body have their connection
//!   closed with no reply (a reset, as a crashed proxy does); later ones are processed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use hyper::StatusCode;
use sha2::{Digest, Sha256};

use serde_json::{Map, Value};

/// The request-id fields the scenarios are read from.
const ID_FIELDS: [&str; 3] = ["paymentRequestId", "refundRequestId", "captureRequestId"];
/// The prefix of a request answered with HTTP 503.
pub(crate) const HTTP_503: &str = "SIM_HTTP_503";
/// The prefix of a request answered late: `SIM_DELAY_` then the delay in milliseconds.
pub(crate) const DELAY: &str = "SIM_DELAY_";
/// The prefix of a request answered 503 for its first deliveries: `SIM_FLAKY_` then the count.
pub(crate) const FLAKY: &str = "SIM_FLAKY_";
/// The prefix of a request whose first deliveries are cut off: `SIM_RESET_` then the count.
pub(crate) const RESET: &str = "SIM_RESET_";
/// The longest delay honoured.
const MAX_DELAY: Duration = Duration::from_secs(60);
/// The most deliveries a flaky or reset request fails.
const MAX_FAILURES: u32 = 20;

/// The status of a [`crate::mock::Reply`] that is never sent: its connection is closed instead.
pub(crate) const CLOSE_CONNECTION: StatusCode = match StatusCode::from_u16(599) {
    Ok(status) => status,
    Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
};

/// The fault a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer 503 with an unsigned text body; do nothing.
    Http503,
    /// Process normally, answer after this long.
    Delay(Duration),
    /// Answer the first this many deliveries of the body with 503, then process normally.
    Flaky(u32),
    /// Close the connection of the first this many deliveries of the body, then process.
    Reset(u32),
}

/// How often each exact request body was delivered (by its SHA-256), for [`Fault::Flaky`]
/// and [`Fault::Reset`].
#[derive(Default)]
pub(crate) struct Deliveries(Mutex<HashMap<[u8; 32], u32>>);

impl Deliveries {
    /// Counts one more delivery of `body`; returns how many there were, this one included.
    pub(crate) fn count(&self, body: &[u8]) -> u32 {
        let key: [u8; 32] = Sha256::digest(body).into();
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let n = seen.entry(key).or_insert(0);
        *n = n.saturating_add(1);
        *n
    }
}

fn leading_number(id: &str, prefix: &str) -> Option<u64> {
    let digits: String = id
        .strip_prefix(prefix)?
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse::<u64>().ok()
}

fn failures(id: &str, prefix: &str) -> Option<u32> {
    let n = leading_number(id, prefix)?;
    Some(u32::try_from(n).unwrap_or(MAX_FAILURES).min(MAX_FAILURES))
}

impl Fault {
    /// The fault the body's request id names, if any.
    pub(crate) fn of(body: &Map<String, Value>) -> Option<Fault> {
        ID_FIELDS
            .iter()
            .filter_map(|field| body.get(*field).and_then(Value::as_str))
            .find_map(|id| {
                if id.starts_with(HTTP_503) {
                    return Some(Fault::Http503);
                }
                if let Some(n) = failures(id, FLAKY) {
                    return Some(Fault::Flaky(n));
                }
                if let Some(n) = failures(id, RESET) {
                    return Some(Fault::Reset(n));
                }
                let millis = leading_number(id, DELAY)?;
                Some(Fault::Delay(Duration::from_millis(millis).min(MAX_DELAY)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn reads_the_request_ids() {
        let of = |v| Fault::of(&body(v));
        assert_eq!(
            of(json!({"paymentRequestId": "SIM_HTTP_503-a"})),
            Some(Fault::Http503)
        );
        assert_eq!(
            of(json!({"refundRequestId": "SIM_DELAY_1500_x"})),
            Some(Fault::Delay(Duration::from_millis(1500)))
        );
        assert_eq!(
            of(json!({"captureRequestId": "SIM_DELAY_99999999"})),
            Some(Fault::Delay(Duration::from_millis(999_999).min(MAX_DELAY)))
        );
        assert_eq!(
            of(json!({"paymentRequestId": "SIM_FLAKY_2_order"})),
            Some(Fault::Flaky(2))
        );
        assert_eq!(
            of(json!({"refundRequestId": "SIM_RESET_1_order"})),
            Some(Fault::Reset(1))
        );
        assert_eq!(
            of(json!({"paymentRequestId": "SIM_FLAKY_999_order"})),
            Some(Fault::Flaky(MAX_FAILURES))
        );
        assert_eq!(of(json!({"paymentRequestId": "SIM_FLAKY_x"})), None);
        assert_eq!(of(json!({"paymentRequestId": "SIM_DELAY_x"})), None);
        assert_eq!(of(json!({"paymentRequestId": "order-1"})), None);
        assert_eq!(of(json!({"paymentId": "SIM_HTTP_503"})), None);
    }

    #[test]
    fn counts_each_body_apart() {
        let seen = Deliveries::default();
        assert_eq!(seen.count(b"a"), 1);
        assert_eq!(seen.count(b"a"), 2);
        assert_eq!(seen.count(b"b"), 1);
    }
}
