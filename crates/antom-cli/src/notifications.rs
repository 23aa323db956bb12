//! Test notification bodies of every type the catalogue schema knows, for `antom trigger`:
//! a body for each notification body model (`NotifyRefundRequest`, `DisputeNotify`, ...), with
//! its `notifyType` (or the model's own discriminator) set, a successful `result`, every field
//! the schema calls required filled with a placeholder, and then the user's `--set` overrides.
//!
//! The table and the rules are the core's testing kit ([`antom_core::testing`]), generated from
//! the catalogue schema (`crates/antom-models/schema/models.json`), so `antom trigger` and the
//! bindings' testing kits build the same bodies.

use serde_json::Value;

pub use antom_core::testing::NotificationType;

/// Every notification type of the catalogue schema, in the schema's order.
pub fn notification_types() -> Vec<NotificationType> {
    antom_core::testing::notification_types()
}

/// The type named `name`: a body model's name or one of its discriminator values (a
/// `notifyType` such as `REFUND_RESULT`), with the value to set.
pub fn find_type(name: &str) -> Option<(NotificationType, Option<String>)> {
    antom_core::testing::find_notification_type(name)
}

/// A body of `kind` with `value` in its discriminator field: `result` successful (`S`,
/// `SUCCESS`), every required field filled (times are `now`, ids are
/// `TRIGGER_{unique}_{field}`).
pub fn sample_body(kind: &NotificationType, value: Option<&str>, now: &str, unique: &str) -> Value {
    antom_core::testing::sample_body(kind, value, &format!("TRIGGER_{unique}"), now)
}

/// The body's bytes as sent: compact JSON with `result` first, as Antom writes it.
pub fn render(body: &Value) -> String {
    antom_core::testing::render(body)
}

/// Applies one `--set path=value` to `body` (the core's rule, [`antom_core::testing::set_field`]):
/// `path` is dotted (`refundAmount.value`), missing objects are created. `value` is JSON when
/// it is an object, a list, `true`, `false`, `null` or a "quoted string"; anything else,
/// numbers included, is the text itself, since Antom's amounts and ids are strings
/// (`--set refundAmount.value=500` sets `"500"`; `--set 'refundAmount={"currency":"EUR","value":"5"}'`
/// sets an object). For a JSON number, use `--body`.
///
/// # Errors
/// A message when `assignment` has no `=`, an empty segment, or walks into a non-object.
pub fn set_field(body: &mut Value, assignment: &str) -> Result<(), String> {
    antom_core::testing::set_field(body, assignment).map_err(|e| format!("--set: {}", e.message()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn knows_every_notification_of_the_schema() {
        let types = notification_types();
        assert_eq!(types.len(), 19);
        let (refund, value) = find_type("REFUND_RESULT").unwrap();
        assert_eq!(refund.body, "NotifyRefundRequest");
        assert_eq!(value.as_deref(), Some("REFUND_RESULT"));
        let (auth, value) = find_type("AuthNotify").unwrap();
        assert_eq!(auth.field.as_deref(), Some("authorizationNotifyType"));
        assert_eq!(value.as_deref(), Some("AUTHCODE_CREATED"));
        assert!(find_type("NOPE").is_none());
    }

    #[test]
    fn a_sample_has_the_required_fields_and_the_type() {
        let (kind, value) = find_type("CAPTURE_RESULT").unwrap();
        let body = sample_body(&kind, value.as_deref(), "2026-01-01T00:00:00+00:00", "1");
        assert_eq!(body["notifyType"], "CAPTURE_RESULT");
        assert_eq!(body["result"]["resultStatus"], "S");
        assert_eq!(body["captureAmount"]["currency"], "USD");
        assert!(
            body["captureRequestId"]
                .as_str()
                .unwrap()
                .starts_with("TRIGGER_1_")
        );
        assert!(render(&body).starts_with(r#"{"result":{"#));
        let back: Value = serde_json::from_str(&render(&body)).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn sets_dotted_fields_as_json_or_text() {
        let mut body = json!({"refundAmount": {"value": "1"}});
        set_field(&mut body, "refundAmount.value=500").unwrap();
        set_field(&mut body, "refundStatus=FAIL").unwrap();
        set_field(&mut body, "a.b.c=true").unwrap();
        assert_eq!(body["refundAmount"]["value"], "500");
        assert_eq!(body["refundStatus"], "FAIL");
        assert_eq!(body["a"]["b"]["c"], true);
        set_field(&mut body, r#"refundAmount={"currency":"EUR","value":"5"}"#).unwrap();
        assert_eq!(body["refundAmount"]["currency"], "EUR");
        set_field(&mut body, "x=null").unwrap();
        assert!(body["x"].is_null());
        assert!(set_field(&mut body, "novalue").is_err());
        assert!(set_field(&mut body, "refundStatus.x=1").is_err());
        assert!(set_field(&mut body, "a..b=1").is_err());
    }
}
