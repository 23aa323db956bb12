//! antom-core's send events as [`tracing`] spans and events, for Rust hosts that do their own
//! HTTP with the core (`Client::prepare` → your client → `Client::verify_response`) and retry
//! by its rules (`antom_core::decide_retry`).
//!
//! One span per send, [`send_span`]: named `antom.send`, with `otel.name` set to the core's
//! low-cardinality [`antom_core::span_name`] (`antom payments.pay`) and `otel.kind = "client"`,
//! which is what `tracing-opentelemetry` turns into an OpenTelemetry CLIENT span of that name.
//! Every [`antom_core::SEND_EVENT_ATTRIBUTES`] key is declared on it. [`record_attempt`] emits
//! one `antom.attempt` event inside the span per attempt, with that attempt's
//! [`antom_core::SendEvent`] under those keys; [`finish`] records the last attempt's event on
//! the span itself and, when the send failed (the event has an error code), sets
//! `otel.status_code = "ERROR"`.
//!
//! Nothing sensitive is recorded unless it is in the event: the core's events hold names,
//! numbers and codes only, and bodies only as `antom_core::mask_body` writes them, when the host
//! opted in.
//!
//! ```
//! use antom_core::SendEvent;
//!
//! let span = antom_tracing::send_span("/ams/api/v1/payments/pay");
//! let mut event = SendEvent::new("/ams/api/v1/payments/pay", 1, 120);
//! event.http_status = Some(200);
//! event.result_status = Some("S".to_owned());
//! event.outcome = Some("SUCCEEDED".to_owned());
//! antom_tracing::record_attempt(&span, &event);
//! antom_tracing::finish(&span, &event);
//! ```

use antom_core::{AttributeValue, SendEvent, api_name, span_name};
use tracing::field::Empty;
use tracing::{Level, Span};

/// The target of every span and event here (filter with `antom=info`).
pub const TARGET: &str = "antom";

/// The span of one send to `path` (a path or catalogue name), at level INFO, under the current
/// span. Enter it (or `in_scope`) around the attempts, call [`record_attempt`] after each and
/// [`finish`] with the last.
pub fn send_span(path: &str) -> Span {
    tracing::span!(
        target: TARGET,
        Level::INFO,
        "antom.send",
        otel.name = %span_name(path),
        otel.kind = "client",
        otel.status_code = Empty,
        antom.api = api_name(path).unwrap_or("unknown"),
        url.path = path,
        antom.attempt = Empty,
        antom.duration_ms = Empty,
        http.response.status_code = Empty,
        antom.result.status = Empty,
        antom.result.code = Empty,
        antom.outcome = Empty,
        error.type = Empty,
        antom.retry = Empty,
        antom.retry.delay_ms = Empty,
        antom.request.body.size = Empty,
        antom.response.body.size = Empty,
        antom.request.body = Empty,
        antom.response.body = Empty,
    )
}

/// Records the send's last attempt `event` on `span` (from [`send_span`]) under the core's
/// attribute keys; an event with an error code (no verified reply, or a reply that failed
/// verification) marks the span `otel.status_code = "ERROR"`. Call it once, as the send ends.
pub fn finish(span: &Span, event: &SendEvent) {
    for (key, value) in event.attributes() {
        match value {
            AttributeValue::Str(text) => span.record(key, text.as_str()),
            AttributeValue::Int(number) => span.record(key, number),
        };
    }
    if event.error_code.is_some() {
        span.record("otel.status_code", "ERROR");
    }
}

/// Emits one attempt's `event` as an `antom.attempt` event inside `span` (INFO; WARN when the
/// attempt failed), with the core's attribute keys as its fields.
pub fn record_attempt(span: &Span, event: &SendEvent) {
    let status = event.http_status.map(u64::from);
    macro_rules! attempt {
        ($level:expr) => {
            tracing::event!(
                target: TARGET,
                parent: span,
                $level,
                antom.api = event.api.as_str(),
                url.path = event.path.as_str(),
                antom.attempt = event.attempt,
                antom.duration_ms = event.duration_ms,
                http.response.status_code = status,
                antom.result.status = event.result_status.as_deref(),
                antom.result.code = event.result_code.as_deref(),
                antom.outcome = event.outcome.as_deref(),
                error.type = event.error_code.as_deref(),
                antom.retry = event.retry.as_deref(),
                antom.retry.delay_ms = event.retry_delay_ms,
                antom.request.body.size = event.request_body_len,
                antom.response.body.size = event.response_body_len,
                antom.request.body = event.request_body.as_deref(),
                antom.response.body = event.response_body.as_deref(),
                "antom.attempt"
            )
        };
    }
    if event.error_code.is_some() {
        attempt!(Level::WARN);
    } else {
        attempt!(Level::INFO);
    }
}
