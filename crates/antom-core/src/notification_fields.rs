//! The few fields of a verified notification body that the core's rules read, parsed in one
//! pass without building a `serde_json::Value` tree.
//!
//! The reading is the tree's, exactly: the body is accepted or refused as
//! `serde_json::from_slice::<Value>` would (every value goes through `deserialize_any`, so
//! numbers, escapes, surrogates and the nesting limit are checked alike), a repeated key keeps
//! its last value (as the tree's map does), and a field whose value is not a string reads as
//! absent (as `Value::as_str` does). Strings are borrowed from the body when they hold no
//! escape.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The top-level fields kept, by index: see the `*_FIELD` constants.
pub(crate) const FIELDS: [&str; 13] = [
    "notifyType",
    "authorizationNotifyType",
    "disputeNotificationType",
    "subscriptionNotificationType",
    "refundId",
    "captureId",
    "disputeId",
    "refundRequestId",
    "captureRequestId",
    "paymentId",
    "paymentRequestId",
    "authPaymentId",
    "refundStatus",
];

/// The indices in [`FIELDS`] of the fields naming the notification's type, in order.
pub(crate) const NOTIFY_TYPE_FIELDS: [usize; 4] = [0, 1, 2, 3];
/// The indices in [`FIELDS`] of the id fields of the dedup key, most specific first.
pub(crate) const DEDUP_ID_FIELDS: [usize; 8] = [4, 5, 6, 7, 8, 9, 10, 11];
/// The index in [`FIELDS`] of `refundStatus`.
pub(crate) const REFUND_STATUS_FIELD: usize = 12;

/// What the rules read of a notification body: the top-level [`FIELDS`] that are strings and
/// `result.resultStatus`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NotificationFields<'a> {
    values: [Option<Cow<'a, str>>; FIELDS.len()],
    result_status: Option<Cow<'a, str>>,
}

impl<'a> NotificationFields<'a> {
    /// Parses `body`; `None` when it is not a JSON object (or not JSON).
    pub(crate) fn parse(body: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }

    /// The string value of `FIELDS[index]`, when present.
    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        self.values.get(index)?.as_deref()
    }

    /// `result.resultStatus` when `result` is an object holding it as a string.
    pub(crate) fn result_status(&self) -> Option<&str> {
        self.result_status.as_deref()
    }
}

impl<'de> Deserialize<'de> for NotificationFields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopLevel)
    }
}

/// The body's top level: an object, or an error.
struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = NotificationFields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut fields = NotificationFields::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if key == "result" {
                fields.result_status = map.next_value::<ResultStatusOf<'de>>()?.0;
            } else if let Some((_, slot)) = FIELDS
                .iter()
                .zip(fields.values.iter_mut())
                .find(|(name, _)| **name == key)
            {
                *slot = map.next_value::<MaybeText<'de>>()?.0;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(fields)
    }
}

/// A map key (always a string in JSON), borrowed when it has no escape.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(value)))
    }
}

/// Any JSON value: `Some` text for a string, `None` for anything else (which is still parsed
/// through, as the tree would be).
struct MaybeText<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MaybeTextVisitor)
    }
}

struct MaybeTextVisitor;

impl<'de> Visitor<'de> for MaybeTextVisitor {
    type Value = MaybeText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Borrowed(value))))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Owned(value.to_owned()))))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Owned(value))))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        SkipVisitor.visit_seq(seq).map(|()| MaybeText(None))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        SkipVisitor.visit_map(map).map(|()| MaybeText(None))
    }
}

/// The value of `result`: its `resultStatus` when it is an object holding a string there.
struct ResultStatusOf<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for ResultStatusOf<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ResultVisitor)
    }
}

struct ResultVisitor;

impl<'de> Visitor<'de> for ResultVisitor {
    type Value = ResultStatusOf<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut status = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            if key == "resultStatus" {
                status = map.next_value::<MaybeText<'de>>()?.0;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(ResultStatusOf(status))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        SkipVisitor.visit_seq(seq).map(|()| ResultStatusOf(None))
    }

    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(ResultStatusOf(None))
    }
}

/// Any JSON value, parsed through `deserialize_any` (so checked as the tree would be) and
/// dropped.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor).map(|()| Skip)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(())
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// What the tree gives for the same body: the reference the pass must equal.
    fn by_tree(body: &[u8]) -> Option<(Vec<Option<String>>, Option<String>)> {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        let values = FIELDS
            .iter()
            .map(|name| map.get(*name).and_then(Value::as_str).map(str::to_owned))
            .collect();
        let status = map
            .get("result")
            .and_then(|result| result.get("resultStatus"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Some((values, status))
    }

    fn by_pass(body: &[u8]) -> Option<(Vec<Option<String>>, Option<String>)> {
        let fields = NotificationFields::parse(body)?;
        let values = (0..FIELDS.len())
            .map(|index| fields.get(index).map(str::to_owned))
            .collect();
        Some((values, fields.result_status().map(str::to_owned)))
    }

    fn same(body: &str) {
        assert_eq!(by_pass(body.as_bytes()), by_tree(body.as_bytes()), "{body}");
    }

    #[test]
    fn reads_what_the_tree_reads() {
        same(
            r#"{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S","resultCode":"SUCCESS"},"paymentId":"p1","paymentRequestId":"r1"}"#,
        );
        same(r#"{"refundStatus":"SUCCESS","refundId":"re\u0031","notifyType":"REFUND_RESULT"}"#);
        same(r#"{"authorizationNotifyType":"AUTHCODE_CREATED","x":[1,2.5,{"a":null}],"y":true}"#);
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        same(r#"{"paymentId":"a","paymentId":"b"}"#);
        same(r#"{"paymentId":"a","paymentId":5}"#);
        same(r#"{"result":{"resultStatus":"S"},"result":{"resultCode":"X"}}"#);
        same(r#"{"result":{"resultStatus":"S"},"result":7}"#);
        same(r#"{"result":{"resultStatus":"S","resultStatus":"F"}}"#);
    }

    #[test]
    fn a_value_that_is_not_a_string_reads_as_absent() {
        same(r#"{"notifyType":null,"paymentId":{"a":"b"},"refundId":["x"],"captureId":1e3}"#);
        same(r#"{"result":"S"}"#);
        same(r#"{"result":["S"]}"#);
        same(r#"{"result":{"resultStatus":{"S":1}}}"#);
    }

    #[test]
    fn refuses_what_the_tree_refuses() {
        for body in [
            "",
            "[]",
            "\"x\"",
            "null",
            "{",
            r#"{"a":1}x"#,
            r#"{"a":1e400}"#,
            r#"{"a":[1e400]}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":{"b":"\ud800"}}"#,
            r#"{"\ud800":1}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":01}"#,
            r#"{"a":[1,]}"#,
        ] {
            same(body);
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        same(&deep);
        let nested = format!("{{\"a\":{}1{}}}", "[".repeat(126), "]".repeat(126));
        same(&nested);
        same(&String::from_utf8_lossy(b"{\"a\":\"\xff\"}"));
        assert_eq!(by_pass(b"{\"a\":\"\xff\"}"), by_tree(b"{\"a\":\"\xff\"}"));
    }

    proptest::proptest! {
        /// Bodies made of JSON tokens, the kept names among them: accepted, refused and read
        /// as the tree does.
        #[test]
        fn agrees_with_the_tree(tokens in proptest::collection::vec(proptest::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"notifyType\"", "\"paymentId\"", "\"refundStatus\"",
            "\"result\"", "\"resultStatus\"", "\"S\"", "\"a\\u0041\"", "\"\\ud800\"", "1", "-0.5e3",
            "1e999", "null", "true", " ",
        ]), 0..24)) {
            let body = tokens.concat();
            proptest::prop_assert_eq!(by_pass(body.as_bytes()), by_tree(body.as_bytes()));
            let object = format!("{{\"result\":{{\"resultStatus\":{body}}},\"paymentId\":{body}}}");
            proptest::prop_assert_eq!(by_pass(object.as_bytes()), by_tree(object.as_bytes()));
        }
    }

    #[test]
    fn borrows_strings_without_escapes() {
        let body = br#"{"paymentId":"plain","refundId":"esc\"aped"}"#;
        let fields = NotificationFields::parse(body).unwrap_or_default();
        assert!(matches!(
            fields.values.get(9),
            Some(Some(Cow::Borrowed("plain")))
        ));
        assert_eq!(fields.get(4), Some("esc\"aped"));
    }
}
