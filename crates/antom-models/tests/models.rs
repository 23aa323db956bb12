//! The generated structs on hand-written bodies: required fields (checked only in request-only
//! types; what Antom sends may leave any field out), JSON types, nulls, unknown fields, and the
//! constants. (Real simulator bodies: crates/antom-cli/tests/models.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use antom_models::{
    Amount, ApiResult, ConsultResponse, NotifyPaymentRequest, NotifyRefundRequest, PayRequest,
    PayResponse, RefundRequest,
};
use serde_json::{Value, json};

fn pending_notification() -> Value {
    json!({
        "notifyType": "PAYMENT_PENDING",
        "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U", "resultMessage": "payment in process"},
        "paymentRequestId": "order-1",
        "paymentId": "20261129190741010007000000001",
        "paymentAmount": {"currency": "JPY", "value": "1050"},
        "paymentCreateTime": "2026-11-29T09:00:00+08:00"
    })
}

#[test]
fn a_pending_notification_parses_and_is_not_final() {
    let notice: NotifyPaymentRequest = serde_json::from_value(pending_notification()).unwrap();
    assert_eq!(notice.notify_type.as_deref(), Some("PAYMENT_PENDING"));
    assert!(NotifyPaymentRequest::NOTIFY_TYPES.contains(&"PAYMENT_PENDING"));
    assert_eq!(
        notice.result.as_ref().unwrap().result_status.as_deref(),
        Some("U")
    );
    assert_eq!(
        notice.payment_amount.as_ref().unwrap().value.as_deref(),
        Some("1050")
    );
    assert_eq!(notice.payment_time, None);
    assert!(notice.extra.is_empty());
}

#[test]
fn a_field_the_reference_calls_required_may_be_absent_or_null_in_what_antom_sends() {
    for pointer in [
        "/paymentRequestId",
        "/result/resultStatus",
        "/paymentAmount/value",
        "/result",
        "/notifyType",
    ] {
        let mut body = pending_notification();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(if parent.is_empty() { "" } else { parent })
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(key)
            .unwrap();
        let notice: NotifyPaymentRequest =
            serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        // Absent in the model, absent when written back, nothing moved to `extra`.
        assert_eq!(serde_json::to_value(&notice).unwrap(), body, "{pointer}");
        assert!(notice.extra.is_empty(), "{pointer}");
    }
    let mut body = pending_notification();
    body["paymentId"] = Value::Null;
    let notice: NotifyPaymentRequest = serde_json::from_value(body).unwrap();
    assert_eq!(notice.payment_id, None);
    // Responses too: an empty object parses.
    let pay: PayResponse = serde_json::from_value(json!({})).unwrap();
    assert_eq!(pay.result, None);
}

#[test]
fn a_request_only_type_still_requires_its_required_fields() {
    let complete = json!({"refundRequestId": "refund-1", "paymentId": "pay-1",
                          "refundAmount": {"currency": "USD", "value": "400"}});
    assert!(serde_json::from_value::<RefundRequest>(complete.clone()).is_ok());
    for field in ["refundRequestId", "paymentId", "refundAmount"] {
        let mut body = complete.clone();
        body.as_object_mut().unwrap().remove(field);
        let error = serde_json::from_value::<RefundRequest>(body).unwrap_err();
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
}

#[test]
fn scalars_are_strings_as_antom_sends_them() {
    let mut body = pending_notification();
    body["paymentAmount"]["value"] = json!(1050);
    assert!(serde_json::from_value::<NotifyPaymentRequest>(body).is_err());
    let mut body = pending_notification();
    body["result"] = json!("S");
    assert!(serde_json::from_value::<NotifyPaymentRequest>(body).is_err());
}

#[test]
fn optional_fields_may_be_null_or_absent_and_are_left_out_when_none() {
    let pay: PayResponse = serde_json::from_value(json!({
        "result": {"resultCode": "SUCCESS", "resultStatus": "S"},
        "paymentId": null
    }))
    .unwrap();
    assert_eq!(pay.payment_id, None);
    assert_eq!(pay.result.as_ref().unwrap().result_message, None);
    assert_eq!(
        serde_json::to_value(&pay).unwrap(),
        json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S"}})
    );
}

#[test]
fn unknown_fields_are_kept_at_every_level() {
    let body = json!({
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success", "traceId": "t-1"},
        "paymentOptions": [{
            "paymentMethodType": "ALIPAY_CN", "enabled": "true", "paymentMethodRegion": ["CN"],
            "logo": {"logoName": "Alipay", "logoUrl": "https://example.invalid/a.png", "logoWidth": "64"},
            "amountLimitInfoMap": {"USD": {"maxAmount": {"currency": "USD", "value": "100000"}}},
            "newOption": [1, 2]
        }],
        "somethingNew": {"a": [true, null, 1.5]}
    });
    let consult: ConsultResponse = serde_json::from_value(body.clone()).unwrap();
    let option = &consult.payment_options.as_ref().unwrap()[0];
    assert_eq!(option.enabled.as_deref(), Some("true"));
    assert_eq!(
        option.payment_method_region.as_deref(),
        Some(&["CN".to_owned()][..])
    );
    assert_eq!(option.logo.as_ref().unwrap().extra["logoWidth"], "64");
    assert_eq!(
        option.amount_limit_info_map.as_ref().unwrap()["USD"]["maxAmount"]["value"],
        "100000"
    );
    assert_eq!(option.extra["newOption"], json!([1, 2]));
    assert_eq!(consult.result.as_ref().unwrap().extra["traceId"], "t-1");
    assert_eq!(consult.extra["somethingNew"]["a"][2], 1.5);
    assert_eq!(serde_json::to_value(&consult).unwrap(), body);
}

#[test]
fn requests_serialise_with_antoms_names_and_nothing_unset() {
    let refund = RefundRequest {
        refund_request_id: "refund-1".into(),
        payment_id: "pay-1".into(),
        refund_amount: antom_models::Amount {
            currency: Some("USD".into()),
            value: Some("400".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&refund).unwrap(),
        json!({"refundRequestId": "refund-1", "paymentId": "pay-1",
               "refundAmount": {"currency": "USD", "value": "400"}})
    );
    assert_eq!(RefundRequest::API, "v1/payments/refund");
    assert_eq!(PayRequest::API, "v1/payments/pay");
    assert_eq!(NotifyRefundRequest::NOTIFY_TYPES, ["REFUND_RESULT"]);
    let result = ApiResult {
        result_code: Some("SUCCESS".into()),
        result_status: Some("S".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&result).unwrap(),
        r#"{"resultCode":"SUCCESS","resultStatus":"S"}"#
    );
}

#[test]
fn a_described_name_in_extra_is_never_written_twice() {
    let mut amount = Amount {
        currency: Some("USD".into()),
        value: Some("1".into()),
        ..Default::default()
    };
    amount.extra.insert("value".into(), json!("999"));
    amount.extra.insert("newField".into(), json!(true));
    let written = serde_json::to_string(&amount).unwrap();
    assert_eq!(written, r#"{"currency":"USD","value":"1","newField":true}"#);
    assert!(Amount::FIELDS.contains(&"value"));
}
