//! Transport faults on request, for testing a client's `send`: a signed, authenticated request
//! other than an inquiry (`inquiryPayment` and `inquiryRefund` always answer, so the real state
//! can be looked up) whose request id (`paymentRequestId`, `refundRequestId` or
//! `captureRequestId`) starts with
//! * `SIM_HTTP_503` is answered `503 Service Unavailable` with an unsigned text body, and
//!   nothing happens (no payment is created);
//! * `SIM_DELAY_<ms>` (e.g. `SIM_DELAY_3000_order-1`) is processed normally, but answered only
//!   after `<ms>` milliseconds (at most 60 000): the request takes effect even if the client
//!   gave up waiting, as with a real gateway. That is why a timeout means "inquire".

use std::time::Duration;

use serde_json::{Map, Value};

/// The request-id fields the scenarios are read from.
const ID_FIELDS: [&str; 3] = ["paymentRequestId", "refundRequestId", "captureRequestId"];
/// The prefix of a request answered with HTTP 503.
pub(crate) const HTTP_503: &str = "SIM_HTTP_503";
/// The prefix of a request answered late: `SIM_DELAY_` then the delay in milliseconds.
pub(crate) const DELAY: &str = "SIM_DELAY_";
/// The longest delay honoured.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// The fault a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer 503 with an unsigned text body; do nothing.
    Http503,
    /// Process normally, answer after this long.
    Delay(Duration),
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
                let digits: String = id
                    .strip_prefix(DELAY)?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .take(6)
                    .collect();
                let millis = digits.parse::<u64>().ok()?;
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
        assert_eq!(of(json!({"paymentRequestId": "SIM_DELAY_x"})), None);
        assert_eq!(of(json!({"paymentRequestId": "order-1"})), None);
        assert_eq!(of(json!({"paymentId": "SIM_HTTP_503"})), None);
    }
}
