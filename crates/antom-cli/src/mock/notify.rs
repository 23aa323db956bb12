//! Signed notification delivery with Antom's retry schedule.
//!
//! Each attempt is signed afresh: `request-time` is the attempt's time (ISO-8601 UTC) and the
//! signature covers `POST <notify path>\n<client-id>.<request-time>.<body>`, where the notify
//! path is the URL's path without its query (what Antom's sample servers verify with). The
//! body is identical on every attempt.
//!
//! An attempt is acknowledged when the answer is HTTP 200 and its body parses as JSON with
//! `result.resultStatus == "S"`. The documented ack is the fixed body
//! `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`; the
//! simulator compares the parsed status rather than the bytes, so whitespace and key order
//! do not matter, and any other answer (non-200, a timeout, an `F` body, non-JSON) is "not
//! received" and retried.

use std::sync::Arc;
use std::time::Duration;

use antom_core::signature_header;
use serde_json::{Value, json};

use super::Shared;
use crate::clock;
use crate::http::{self, LoopbackUrl};

/// Antom's documented retry delays, in seconds: 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h,
/// 15 h (8 attempts within about 24 hours). Divided by the simulator's time scale.
pub const RETRY_SCHEDULE_SECS: [u64; 8] = [0, 120, 600, 600, 3600, 7200, 21_600, 54_000];

/// How long one attempt may take (connect, send, read the answer).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// A notification to deliver.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// `notifyPayment`, `notifyRefund` or `notifyCapture`.
    pub notification: &'static str,
    /// The notify URL from the API call (checked to be loopback when it was accepted).
    pub url: String,
    /// The merchant's client id (the `client-id` header).
    pub client_id: String,
    /// The JSON body, identical on every attempt.
    pub body: String,
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1-based attempt number.
    pub number: usize,
    /// When it was sent, epoch milliseconds.
    pub at_millis: u64,
    /// `HTTP 200, acknowledged`, `HTTP 500`, `cannot connect ...`.
    pub outcome: String,
    /// Whether this attempt was acknowledged.
    pub acknowledged: bool,
}

/// A notification and its delivery history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// 1-based, in creation order.
    pub id: u64,
    /// `notifyPayment`, `notifyRefund` or `notifyCapture`.
    pub notification: &'static str,
    /// Where it is sent.
    pub url: String,
    /// The body sent.
    pub body: String,
    /// Attempts so far.
    pub attempts: Vec<Attempt>,
    /// An attempt was acknowledged.
    pub acknowledged: bool,
    /// No more attempts will be made (acknowledged, or the schedule is exhausted).
    pub finished: bool,
}

/// `true` for HTTP 200 with a JSON body whose `result.resultStatus` is `"S"`.
pub fn is_ack(status: u16, body: &[u8]) -> bool {
    status == 200
        && serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|value| {
                value
                    .get("result")
                    .and_then(|result| result.get("resultStatus"))
                    .and_then(Value::as_str)
                    .map(|status| status == "S")
            })
            .unwrap_or(false)
}

/// The delivery log as JSON (served at `GET /notifications`).
pub fn deliveries_json(deliveries: &[Delivery]) -> Value {
    Value::Array(
        deliveries
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "notification": d.notification,
                    "url": d.url,
                    "acknowledged": d.acknowledged,
                    "finished": d.finished,
                    "attempts": d.attempts.iter().map(|a| json!({
                        "attempt": a.number,
                        "at": clock::iso8601_from_millis(a.at_millis),
                        "outcome": a.outcome,
                        "acknowledged": a.acknowledged,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Delivers `outgoing` on the retry schedule until acknowledged.
pub(crate) async fn deliver(shared: Arc<Shared>, id: u64, outgoing: Outgoing) {
    let path = match LoopbackUrl::parse(&outgoing.url) {
        Ok(url) => url.path,
        Err(why) => {
            finish(&shared, id, Some(why), false);
            return;
        }
    };
    let total = RETRY_SCHEDULE_SECS.len();
    for (index, delay) in RETRY_SCHEDULE_SECS.iter().enumerate() {
        tokio::time::sleep(shared.scaled(*delay)).await;
        let number = index + 1;
        let (acknowledged, outcome) = attempt(&shared, &path, &outgoing).await;
        shared.log(&format!(
            "{} #{id} attempt {number}/{total} -> {}: {outcome}",
            outgoing.notification, outgoing.url
        ));
        {
            let mut state = shared.state();
            if let Some(delivery) = state.deliveries.iter_mut().find(|d| d.id == id) {
                delivery.attempts.push(Attempt {
                    number,
                    at_millis: clock::now_millis(),
                    outcome,
                    acknowledged,
                });
            }
        }
        if acknowledged {
            finish(&shared, id, None, true);
            return;
        }
    }
    shared.log(&format!(
        "{} #{id}: not acknowledged after {total} attempts; giving up",
        outgoing.notification
    ));
    finish(&shared, id, None, false);
}

async fn attempt(shared: &Shared, path: &str, outgoing: &Outgoing) -> (bool, String) {
    let request_time = clock::now_iso8601();
    // Signed at each attempt with the key that signs now: a retry after a rotation carries
    // the new keyVersion, as Antom's do.
    let (key_version, key) = shared.signing_key();
    let signature = match signature_header(
        &key,
        path,
        &outgoing.client_id,
        &request_time,
        outgoing.body.as_bytes(),
        key_version,
    ) {
        Ok(signature) => signature,
        Err(error) => return (false, format!("signing failed: {error}")),
    };
    let headers = vec![
        (
            "content-type".to_owned(),
            "application/json; charset=UTF-8".to_owned(),
        ),
        ("client-id".to_owned(), outgoing.client_id.clone()),
        ("request-time".to_owned(), request_time),
        ("signature".to_owned(), signature),
    ];
    let sent = http::send(
        "POST",
        &outgoing.url,
        &headers,
        outgoing.body.clone().into_bytes(),
        ATTEMPT_TIMEOUT,
    )
    .await;
    match sent {
        Ok(response) if is_ack(response.status, &response.body) => {
            (true, format!("HTTP {}, acknowledged", response.status))
        }
        Ok(response) if response.status == 200 => (
            false,
            "HTTP 200 but not the ack body (result.resultStatus must be \"S\")".to_owned(),
        ),
        Ok(response) => (false, format!("HTTP {}", response.status)),
        Err(error) => (false, error),
    }
}

fn finish(shared: &Shared, id: u64, error: Option<String>, acknowledged: bool) {
    let mut state = shared.state();
    if let Some(delivery) = state.deliveries.iter_mut().find(|d| d.id == id) {
        if let Some(outcome) = error {
            delivery.attempts.push(Attempt {
                number: delivery.attempts.len() + 1,
                at_millis: clock::now_millis(),
                outcome,
                acknowledged: false,
            });
        }
        delivery.acknowledged = acknowledged;
        delivery.finished = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_is_status_200_and_result_status_s() {
        let ack = antom_core::NOTIFICATION_ACK.as_bytes();
        assert!(is_ack(200, ack));
        assert!(is_ack(200, br#" { "result" : { "resultStatus" : "S" } } "#));
        assert!(!is_ack(500, ack));
        assert!(!is_ack(200, br#"{"result":{"resultStatus":"F"}}"#));
        assert!(!is_ack(200, br#"{"resultStatus":"S"}"#));
        assert!(!is_ack(200, b"OK"));
        assert!(!is_ack(200, b""));
    }
}
