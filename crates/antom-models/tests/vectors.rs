//! The models' forward-compatibility vectors (crates/antom-models/vectors/models.json, made by
//! its generate.py): every vector, and the count the file states.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use antom_models::{
    CustomsDeclareResponse, NotifyPaymentRequest, PayRequest, PayResponse, SubscriptionNotify,
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

/// Parses `input` as `M`: the body written back and the top-level `extra` names, or the error.
fn run<M: DeserializeOwned + Serialize>(
    input: &Value,
    extra: impl Fn(&M) -> &Map<String, Value>,
) -> Result<(Value, Vec<String>), String> {
    let model: M = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    let names = extra(&model).keys().cloned().collect();
    Ok((serde_json::to_value(&model).unwrap(), names))
}

#[test]
fn every_models_vector() {
    let text = include_str!("../vectors/models.json");
    let vectors: Value = serde_json::from_str(text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    let mut ran = 0;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = &case["input"];
        let expected = &case["expected"];
        let outcome = match case["model"].as_str().unwrap() {
            "SubscriptionNotify" => run::<SubscriptionNotify>(input, |m| &m.extra),
            "CustomsDeclareResponse" => run::<CustomsDeclareResponse>(input, |m| &m.extra),
            "PayRequest" => run::<PayRequest>(input, |m| &m.extra),
            "PayResponse" => run::<PayResponse>(input, |m| &m.extra),
            "NotifyPaymentRequest" => run::<NotifyPaymentRequest>(input, |m| &m.extra),
            other => panic!("{id}: no runner for model {other}"),
        };
        if expected["ok"] == true {
            let (json, mut extra) = outcome.unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(json, expected["json"], "{id}: written back");
            extra.sort();
            let want: Vec<String> = serde_json::from_value(expected["extra"].clone()).unwrap();
            assert_eq!(extra, want, "{id}: extra");
            for (name, value) in expected["fields"].as_object().unwrap() {
                assert_eq!(&json[name], value, "{id}: {name}");
            }
        } else {
            let error = outcome.expect_err(id);
            let missing = expected["missing"].as_str().unwrap();
            assert!(error.contains(missing), "{id}: {error}");
        }
        ran += 1;
    }
    assert_eq!(ran, vectors["count"].as_u64().unwrap(), "every vector ran");
    println!("models vectors: {ran} passed, 0 failed");
}

#[test]
fn typed_calls_name_their_api_and_response() {
    use antom_models::{ApiRequest, PayRequest, PayResponse, request_body, response_of};
    // The curated and the catalogue request types alike: the type names the API.
    assert_eq!(<PayRequest as ApiRequest>::API_PATH, "v1/payments/pay");
    assert_eq!(<PayRequest as ApiRequest>::API_NAME, "payments.pay");
    let pay = PayRequest {
        payment_request_id: "pay-1".into(),
        ..Default::default()
    };
    let (api, body) = request_body(&pay).unwrap();
    assert_eq!(api, "v1/payments/pay");
    assert_eq!(body, serde_json::to_vec(&pay).unwrap());
    let reply = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"p-1"}"#;
    let parsed: PayResponse = response_of::<PayRequest>(reply).unwrap();
    assert_eq!(parsed.payment_id.as_deref(), Some("p-1"));
    // Every API of the catalogue has a request type with its path: the schema's table.
    let schema: Value =
        serde_json::from_str(include_str!("../schema/models.json")).expect("schema");
    let apis = schema["apis"].as_array().unwrap();
    assert!(
        apis.iter()
            .any(|a| a["name"] == "billing.product.uploadImage")
    );
    assert_eq!(
        <antom_models::ProductUploadImageRequest as ApiRequest>::API_PATH,
        "v1/billing/product/uploadImage"
    );
    assert_eq!(
        <antom_models::MeterUploadEventRequest as ApiRequest>::API_NAME,
        "meter.uploadEvent"
    );
}
