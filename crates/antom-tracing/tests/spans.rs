//! The span and events antom-tracing emits, seen by a capturing subscriber: the names, the
//! declared fields (exactly the core's attribute keys plus the otel.* ones), what a flaky send's
//! two attempts and its end record, and that nothing outside the event reaches them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use antom_core::{SEND_EVENT_ATTRIBUTES, SendEvent};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

#[derive(Default, Debug)]
struct SpanSeen {
    name: String,
    target: String,
    declared: Vec<String>,
    values: BTreeMap<String, String>,
}

#[derive(Debug)]
struct EventSeen {
    parent: Option<u64>,
    level: Level,
    values: BTreeMap<String, String>,
}

#[derive(Default)]
struct Seen {
    spans: Mutex<BTreeMap<u64, SpanSeen>>,
    events: Mutex<Vec<EventSeen>>,
    next: AtomicU64,
}

#[derive(Clone, Default)]
struct Capture(Arc<Seen>);

struct Values<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Values<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.0.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut seen = SpanSeen {
            name: span.metadata().name().to_owned(),
            target: span.metadata().target().to_owned(),
            declared: span
                .metadata()
                .fields()
                .iter()
                .map(|f| f.name().to_owned())
                .collect(),
            ..SpanSeen::default()
        };
        span.record(&mut Values(&mut seen.values));
        self.0.spans.lock().unwrap().insert(id, seen);
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        values.record(&mut Values(
            &mut spans.get_mut(&span.into_u64()).unwrap().values,
        ));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut values = BTreeMap::new();
        event.record(&mut Values(&mut values));
        self.0.events.lock().unwrap().push(EventSeen {
            parent: event.parent().map(Id::into_u64),
            level: *event.metadata().level(),
            values,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

const PAY: &str = "/ams/api/v1/payments/pay";

fn failed_attempt() -> SendEvent {
    let mut event = SendEvent::new(PAY, 1, 120);
    event.duration_ms = 12;
    event.http_status = Some(503);
    event.error_code = Some("HTTP_STATUS".to_owned());
    event.outcome = Some("UNKNOWN".to_owned());
    event.retry = Some("RETRY".to_owned());
    event.retry_delay_ms = Some(377);
    event
}

fn verified_attempt() -> SendEvent {
    let mut event = SendEvent::new(PAY, 2, 120);
    event.duration_ms = 30;
    event.http_status = Some(200);
    event.result_status = Some("S".to_owned());
    event.result_code = Some("SUCCESS".to_owned());
    event.outcome = Some("SUCCEEDED".to_owned());
    event.response_body_len = Some(88);
    event
}

#[test]
fn one_client_span_named_by_the_catalogue_with_the_cores_keys_and_an_event_per_attempt() {
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        let span = antom_tracing::send_span(PAY);
        let _entered = span.enter();
        antom_tracing::record_attempt(&span, &failed_attempt());
        antom_tracing::record_attempt(&span, &verified_attempt());
        antom_tracing::finish(&span, &verified_attempt());
    });
    let spans = capture.0.spans.lock().unwrap();
    assert_eq!(spans.len(), 1);
    let (&id, span) = spans.iter().next().unwrap();
    assert_eq!(
        (span.name.as_str(), span.target.as_str()),
        ("antom.send", "antom")
    );
    let mut declared = span.declared.clone();
    declared.sort();
    let mut expected: Vec<String> = SEND_EVENT_ATTRIBUTES
        .iter()
        .map(|(_, key)| (*key).to_owned())
        .collect();
    expected.extend(["otel.name", "otel.kind", "otel.status_code"].map(str::to_owned));
    expected.sort();
    assert_eq!(
        declared, expected,
        "the span declares exactly the core's keys"
    );
    let v = &span.values;
    assert_eq!(v["otel.name"], "antom payments.pay");
    assert_eq!(v["otel.kind"], "client");
    assert_eq!(v["antom.api"], "payments.pay");
    assert_eq!(v["url.path"], PAY);
    assert_eq!(v["antom.attempt"], "2");
    assert_eq!(v["http.response.status_code"], "200");
    assert_eq!(v["antom.outcome"], "SUCCEEDED");
    assert_eq!(v["antom.result.status"], "S");
    assert!(
        !v.contains_key("error.type"),
        "the last attempt succeeded: {v:?}"
    );
    assert!(!v.contains_key("otel.status_code"));
    assert!(
        !v.contains_key("antom.request.body"),
        "no body unless the host opted in"
    );

    let events = capture.0.events.lock().unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.parent == Some(id)));
    assert_eq!(events[0].level, Level::WARN);
    assert_eq!(events[0].values["error.type"], "HTTP_STATUS");
    assert_eq!(events[0].values["antom.retry"], "RETRY");
    assert_eq!(events[0].values["antom.retry.delay_ms"], "377");
    assert_eq!(events[0].values["http.response.status_code"], "503");
    assert_eq!(events[1].level, Level::INFO);
    assert_eq!(events[1].values["antom.outcome"], "SUCCEEDED");
    assert!(!events[1].values.contains_key("error.type"));
    assert_eq!(events[1].values["message"], "antom.attempt");
}

#[test]
fn a_failed_send_marks_the_span_error_and_an_unknown_api_stays_low_cardinality() {
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        let span = antom_tracing::send_span("/ams/api/v1/not/in/the/catalogue");
        let mut last = failed_attempt();
        last.path = "/ams/api/v1/not/in/the/catalogue".to_owned();
        last.api = "unknown".to_owned();
        last.retry = Some("NO_IDEMPOTENCY_KEY".to_owned());
        last.retry_delay_ms = None;
        antom_tracing::record_attempt(&span, &last);
        antom_tracing::finish(&span, &last);
    });
    let spans = capture.0.spans.lock().unwrap();
    let span = spans.values().next().unwrap();
    assert_eq!(span.values["otel.name"], "antom unknown");
    assert_eq!(span.values["antom.api"], "unknown");
    assert_eq!(span.values["otel.status_code"], "ERROR");
    assert_eq!(span.values["error.type"], "HTTP_STATUS");
    assert_eq!(span.values["antom.retry"], "NO_IDEMPOTENCY_KEY");
}

#[test]
fn masked_bodies_are_recorded_only_when_the_event_has_them() {
    let card = br#"{"paymentMethod":{"paymentMethodMetaData":{"cardNo":"4111111111111111"}}}"#;
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        let span = antom_tracing::send_span(PAY);
        let mut event = verified_attempt();
        event.request_body = Some(antom_core::mask_body(card));
        antom_tracing::record_attempt(&span, &event);
        antom_tracing::finish(&span, &event);
    });
    let spans = capture.0.spans.lock().unwrap();
    let body = &spans.values().next().unwrap().values["antom.request.body"];
    assert!(
        body.contains("<masked>") && !body.contains("4111"),
        "{body}"
    );
    let events = capture.0.events.lock().unwrap();
    assert!(!format!("{events:?}").contains("4111"));
}
