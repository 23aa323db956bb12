//! The one event shape every runtime's `send` reports per attempt, its OpenTelemetry
//! attributes, and the field-level masking of bodies a user opted in to see.
//!
//! An event carries no header value, key, signature or body by default: only names, numbers
//! and codes. A body appears only if the user asks for it, and then only as [`mask_body`]
//! writes it.

use serde_json::Value;

use crate::retry::api_name;

/// The value every sensitive field's value is replaced with by [`mask_body`].
pub const MASK: &str = "<masked>";

/// JSON field names whose values [`mask_body`] replaces: card data, account numbers, personal
/// names, emails, phone numbers, identity documents, credentials and tokens. Checked against
/// every field of the catalogue schema (`crates/antom-models/schema/models.json`) by a test:
/// a schema field that looks like one of these kinds is either listed here or explicitly
/// judged not personal there. Sorted.
pub const SENSITIVE_FIELDS: &[&str] = &[
    "accessToken",
    "accesstoken",
    "accountHolderAddress",
    "accountHolderCertNo",
    "accountHolderName",
    "accountHolderTIN",
    "accountNo",
    "acquirerCardToken",
    "address1",
    "address2",
    "address3",
    "assetToken",
    "bankAccountNo",
    "beneficiaryName",
    "billingEmail",
    "buyerEmail",
    "buyerName",
    "buyerPhoneNo",
    "cardHolderName",
    "cardNo",
    "cardPasswordDigest",
    "cardToken",
    "cardholderName",
    "ccEmails",
    "certificateNo",
    "certificateNumber",
    "clientPaymentToken",
    "customerEmail",
    "customerFirstName",
    "customerLastName",
    "cvv",
    "dateOfBirth",
    "displayCustomerName",
    "email",
    "englishName",
    "expiredMonth",
    "expiredYear",
    "expiryMonth",
    "expiryYear",
    "firstName",
    "fullName",
    "grantToken",
    "guestNames",
    "holderName",
    "instUserName",
    "lastName",
    "middleName",
    "mobile",
    "nickname",
    "passengerEmail",
    "passengerName",
    "passengerPhoneNo",
    "payerAccountNo",
    "payerChaneelAccountnumber",
    "payerEmail",
    "payerName",
    "paymentToken",
    "phoneNo",
    "placeOfBirth",
    "refreshToken",
    "refundSourceAccountNo",
    "shipToEmail",
    "shippingFirstName",
    "shippingLastName",
    "shippingName",
    "shippingPhone",
    "shippingPhoneNo",
    "token",
    "toppedUpEmail",
    "toppedUpPhoneNo",
];

/// Whether `field` (a JSON field name) is masked by [`mask_body`].
pub fn is_sensitive_field(field: &str) -> bool {
    SENSITIVE_FIELDS.binary_search(&field).is_ok()
}

/// `body` as it may be shown: the JSON with the value of every [`SENSITIVE_FIELDS`] field, at
/// any depth, replaced by `"<masked>"` (a nested object or list under such a field is masked
/// whole), re-serialised compactly (object keys sorted); a body that is not JSON is described
/// by its length only (`<N bytes>`).
///
/// ```
/// let shown = antom_core::mask_body(br#"{"card":{"cardNo":"4111111111111111","cvv":"123"},"amount":"10"}"#);
/// assert_eq!(shown, r#"{"amount":"10","card":{"cardNo":"<masked>","cvv":"<masked>"}}"#);
/// assert_eq!(antom_core::mask_body(b"not json"), "<8 bytes>");
/// ```
pub fn mask_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        Err(_) => crate::redact::describe_body(body),
    }
}

fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                if is_sensitive_field(name) {
                    *field = Value::String(MASK.to_owned());
                } else {
                    mask(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// The OpenTelemetry span name of a send to `api` (a catalogue name or path): `antom ` and the
/// catalogue name, `antom unknown` for an API the catalogue does not know (low cardinality:
/// never a raw path).
///
/// ```
/// assert_eq!(antom_core::span_name("/ams/api/v1/payments/pay"), "antom payments.pay");
/// ```
pub fn span_name(api: &str) -> String {
    format!("antom {}", api_name(api).unwrap_or("unknown"))
}

/// One attempt of a `send`, as the user's event hook and the OpenTelemetry span see it. The
/// host fills it; only [`mask_body`]'s output may go in the body fields, and only when the user
/// opted in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SendEvent {
    /// The catalogue name (`payments.pay`), `unknown` if not in the catalogue.
    pub api: String,
    /// The path requested (`/ams/api/v1/payments/pay`).
    pub path: String,
    /// The attempt's number, from 1.
    pub attempt: u32,
    /// How long the attempt took, in ms.
    pub duration_ms: u64,
    /// The reply's HTTP status, if a reply came.
    pub http_status: Option<u16>,
    /// `result.resultStatus` of a verified reply (`S`, `F`, `U`).
    pub result_status: Option<String>,
    /// `result.resultCode` of a verified reply.
    pub result_code: Option<String>,
    /// The outcome's name, as the runtime spells it.
    pub outcome: Option<String>,
    /// A failure's code (`TIMEOUT`...) or the verification error's code.
    pub error_code: Option<String>,
    /// The retry decision after a failure: `RETRY` or a stop reason's code.
    pub retry: Option<String>,
    /// The wait before the next attempt, when `retry` is `RETRY`.
    pub retry_delay_ms: Option<u64>,
    /// The request body's length in bytes.
    pub request_body_len: u64,
    /// The reply body's length in bytes, if one was read.
    pub response_body_len: Option<u64>,
    /// The masked request body, only if the user opted in.
    pub request_body: Option<String>,
    /// The masked reply body, only if the user opted in.
    pub response_body: Option<String>,
}

/// An OpenTelemetry attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// A string attribute.
    Str(String),
    /// An integer attribute.
    Int(i64),
}

impl SendEvent {
    /// The event for attempt `attempt` of a send to `path`, with the request body's length;
    /// the rest is filled as the attempt ends.
    pub fn new(path: &str, attempt: u32, request_body_len: u64) -> SendEvent {
        SendEvent {
            api: api_name(path).unwrap_or("unknown").to_owned(),
            path: path.to_owned(),
            attempt,
            request_body_len,
            ..SendEvent::default()
        }
    }

    /// The OpenTelemetry attributes of the event, in [`SEND_EVENT_ATTRIBUTES`]' order, fields
    /// that are `None` left out.
    pub fn attributes(&self) -> Vec<(&'static str, AttributeValue)> {
        SEND_EVENT_ATTRIBUTES
            .iter()
            .filter_map(|(field, key)| self.value_of(field).map(|value| (*key, value)))
            .collect()
    }

    fn value_of(&self, field: &str) -> Option<AttributeValue> {
        let int = |n: u64| AttributeValue::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let text = |s: &Option<String>| s.as_deref().map(|s| AttributeValue::Str(s.to_owned()));
        match field {
            "api" => Some(AttributeValue::Str(self.api.clone())),
            "path" => Some(AttributeValue::Str(self.path.clone())),
            "attempt" => Some(int(u64::from(self.attempt))),
            "duration_ms" => Some(int(self.duration_ms)),
            "http_status" => self.http_status.map(|s| int(u64::from(s))),
            "result_status" => text(&self.result_status),
            "result_code" => text(&self.result_code),
            "outcome" => text(&self.outcome),
            "error_code" => text(&self.error_code),
            "retry" => text(&self.retry),
            "retry_delay_ms" => self.retry_delay_ms.map(int),
            "request_body_len" => Some(int(self.request_body_len)),
            "response_body_len" => self.response_body_len.map(int),
            "request_body" => text(&self.request_body),
            "response_body" => text(&self.response_body),
            _ => None,
        }
    }
}

/// Every [`SendEvent`] field (by its Rust name) with its OpenTelemetry attribute key, in
/// attribute order: the one mapping every runtime's spans use.
pub const SEND_EVENT_ATTRIBUTES: [(&str, &str); 15] = [
    ("api", "antom.api"),
    ("path", "url.path"),
    ("attempt", "antom.attempt"),
    ("duration_ms", "antom.duration_ms"),
    ("http_status", "http.response.status_code"),
    ("result_status", "antom.result.status"),
    ("result_code", "antom.result.code"),
    ("outcome", "antom.outcome"),
    ("error_code", "error.type"),
    ("retry", "antom.retry"),
    ("retry_delay_ms", "antom.retry.delay_ms"),
    ("request_body_len", "antom.request.body.size"),
    ("response_body_len", "antom.response.body.size"),
    ("request_body", "antom.request.body"),
    ("response_body", "antom.response.body"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_an_attribute() {
        let mut event = SendEvent::new("/ams/api/v1/payments/pay", 1, 1);
        event.http_status = Some(200);
        event.result_status = Some("S".into());
        event.result_code = Some("SUCCESS".into());
        event.outcome = Some("SUCCEEDED".into());
        event.error_code = Some("E".into());
        event.retry = Some("RETRY".into());
        event.retry_delay_ms = Some(1);
        event.response_body_len = Some(1);
        event.request_body = Some("{}".into());
        event.response_body = Some("{}".into());
        assert_eq!(event.attributes().len(), SEND_EVENT_ATTRIBUTES.len());
    }

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(
            SENSITIVE_FIELDS
                .windows(2)
                .all(|w| matches!(w, [a, b] if a < b))
        );
    }

    #[test]
    fn masks_at_any_depth_and_whole_values() {
        let body = br#"{"paymentMethod":{"paymentMethodMetaData":{"cardNo":"4111111111111111","cvv":"737","cardholderName":{"firstName":"A"}}},"buyer":{"buyerEmail":"a@b.c","buyerPhoneNo":"123"},"list":[{"email":"x@y.z"}],"guestNames":["A","B"],"paymentRequestId":"order-1"}"#;
        let shown = mask_body(body);
        for secret in [
            "4111111111111111",
            "737",
            "a@b.c",
            "123",
            "x@y.z",
            "\"A\"",
            "\"B\"",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("order-1"));
        assert!(shown.contains(r#""cardholderName":"<masked>""#));
    }

    #[test]
    fn a_new_event_names_the_api_and_reports_attributes() {
        let mut event = SendEvent::new("/ams/sandbox/api/v1/payments/pay", 2, 120);
        assert_eq!(event.api, "payments.pay");
        event.http_status = Some(503);
        event.error_code = Some("HTTP_STATUS".to_owned());
        event.retry = Some("RETRY".to_owned());
        event.retry_delay_ms = Some(700);
        let attributes = event.attributes();
        let keys: Vec<&str> = attributes.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "antom.api",
                "url.path",
                "antom.attempt",
                "antom.duration_ms",
                "http.response.status_code",
                "error.type",
                "antom.retry",
                "antom.retry.delay_ms",
                "antom.request.body.size"
            ]
        );
        assert_eq!(SendEvent::new("/x/y", 1, 0).api, "unknown");
        assert_eq!(span_name("v1/nope"), "antom unknown");
    }
}
