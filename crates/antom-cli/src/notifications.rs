//! Test notification bodies of every type the catalogue schema knows, for `antom trigger`:
//! a body for each notification body model (`NotifyRefundRequest`, `DisputeNotify`, ...), with
//! its `notifyType` (or the model's own discriminator) set, a successful `result`, every field
//! the schema calls required filled with a placeholder, and then the user's `--set` overrides.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// The catalogue schema, compiled in (`crates/antom-models/schema/models.json`).
const SCHEMA: &str = include_str!("../../antom-models/schema/models.json");

fn schema() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(SCHEMA).unwrap_or(Value::Null))
}

/// One notification type `antom trigger notify --type` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationType {
    /// The body model's name (`NotifyRefundRequest`).
    pub body: String,
    /// The field that tells the types apart (`notifyType`, or e.g. `authorizationNotifyType`).
    pub field: Option<String>,
    /// Its known values (`REFUND_RESULT`); the first is the default.
    pub values: Vec<String>,
}

/// Every notification type of the catalogue schema, in the schema's order.
pub fn notification_types() -> Vec<NotificationType> {
    let list = schema()["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter_map(|n| {
            let body = n["body"].as_str()?.to_owned();
            let strings = |v: &Value| -> Vec<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let notify = strings(&n["notifyType"]);
            let (field, values) = if notify.is_empty() {
                match n.get("discriminator") {
                    Some(d) => (
                        d["field"].as_str().map(str::to_owned),
                        strings(&d["values"]),
                    ),
                    None => (None, Vec::new()),
                }
            } else {
                (Some("notifyType".to_owned()), notify)
            };
            Some(NotificationType {
                body,
                field,
                values,
            })
        })
        .collect()
}

/// The type named `name`: a body model's name or one of its discriminator values (a
/// `notifyType` such as `REFUND_RESULT`), with the value to set.
pub fn find_type(name: &str) -> Option<(NotificationType, Option<String>)> {
    notification_types().into_iter().find_map(|t| {
        if t.body == name {
            let value = t.values.first().cloned();
            Some((t, value))
        } else if t.values.iter().any(|v| v == name) {
            Some((t, Some(name.to_owned())))
        } else {
            None
        }
    })
}

fn model(name: &str) -> Option<&'static Value> {
    schema()["types"]
        .as_array()?
        .iter()
        .find(|t| t["name"].as_str() == Some(name))
}

fn first_enum_value(name: &str) -> Option<Value> {
    schema()["enums"]
        .as_array()?
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
        .and_then(|e| e["values"].get(0).cloned())
}

/// A placeholder for a required field of type `ty` (depth-limited for nested models).
fn placeholder(field: &Value, depth: usize, now: &str, unique: &str) -> Value {
    let name = field["json"].as_str().unwrap_or("field");
    let value = match field["type"].as_str().unwrap_or("string") {
        "string" => match field["enum"].as_str().and_then(first_enum_value) {
            Some(value) => value,
            None if name.ends_with("Time") => json!(now),
            None => json!(format!("TRIGGER_{unique}_{name}")),
        },
        "boolean" => json!(false),
        "number" | "integer" => json!(0),
        "json" => json!({}),
        "Amount" => json!({"currency": "USD", "value": "1000"}),
        nested => required_fields(nested, depth + 1, now, unique),
    };
    if field["list"].as_bool() == Some(true) {
        json!([value])
    } else {
        value
    }
}

fn required_fields(model_name: &str, depth: usize, now: &str, unique: &str) -> Value {
    let mut out = Map::new();
    if depth > 3 {
        return Value::Object(out);
    }
    for field in model(model_name)
        .and_then(|m| m["fields"].as_array())
        .into_iter()
        .flatten()
    {
        if field["required"].as_bool() == Some(true) {
            if let Some(name) = field["json"].as_str() {
                out.insert(name.to_owned(), placeholder(field, depth, now, unique));
            }
        }
    }
    Value::Object(out)
}

/// A body of `kind` with `value` in its discriminator field: `result` successful (`S`,
/// `SUCCESS`), every required field filled (times are `now`, ids contain `unique`).
pub fn sample_body(kind: &NotificationType, value: Option<&str>, now: &str, unique: &str) -> Value {
    let mut body = match required_fields(&kind.body, 0, now, unique) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    body.insert(
        "result".to_owned(),
        json!({"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success."}),
    );
    if let (Some(field), Some(value)) = (&kind.field, value) {
        body.insert(field.clone(), json!(value));
    }
    Value::Object(body)
}

/// The body's bytes as sent: compact JSON with `result` first, as Antom writes it.
pub fn render(body: &Value) -> String {
    let Value::Object(map) = body else {
        return body.to_string();
    };
    let mut out = String::from("{");
    let first = map.get_key_value("result");
    for (name, value) in first
        .into_iter()
        .chain(map.iter().filter(|(k, _)| *k != "result"))
    {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&Value::String(name.clone()).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

/// Applies one `--set path=value` to `body`: `path` is dotted (`refundAmount.value`), missing
/// objects are created. `value` is JSON when it is an object, a list, `true`, `false`, `null`
/// or a "quoted string"; anything else, numbers included, is the text itself, since Antom's
/// amounts and ids are strings (`--set refundAmount.value=500` sets `"500"`;
/// `--set 'refundAmount={"currency":"EUR","value":"5"}'` sets an object). For a JSON number,
/// use `--body`.
///
/// # Errors
/// A message when `assignment` has no `=`, an empty segment, or walks into a non-object.
pub fn set_field(body: &mut Value, assignment: &str) -> Result<(), String> {
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| format!("--set takes field=value, got {assignment:?}"))?;
    let text = || Value::String(raw.to_owned());
    let value = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Number(_)) | Err(_) => text(),
        Ok(json) => json,
    };
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!("--set: empty segment in the field path {path:?}"));
    }
    let mut node = body;
    for (i, segment) in segments.iter().enumerate() {
        let Value::Object(map) = node else {
            return Err(format!(
                "--set: {path:?} walks into a value that is not an object"
            ));
        };
        if i + 1 == segments.len() {
            map.insert((*segment).to_owned(), value);
            return Ok(());
        }
        node = map
            .entry((*segment).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
