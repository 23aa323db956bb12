//! The typed models (crates/antom-models) against real simulator output: typed requests the
//! simulator accepts, and every response and notification body of a payment's lifecycle parsed
//! into its model, checked field by field and re-serialised to the same JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use antom_core::{Client, ClientConfig, ResultStatus};
use antom_models::{
    Amount, CancelRequest, CancelResponse, CaptureRequest, CaptureResponse,
    CreatePaymentSessionRequest, CreatePaymentSessionResponse, Env, InquiryPaymentRequest,
    InquiryPaymentResponse, InquiryRefundRequest, InquiryRefundResponse, NotifyCaptureRequest,
    NotifyPaymentRequest, NotifyRefundRequest, Order, PayRequest, PayResponse, PaymentMethod,
    RefundRequest, RefundResponse, SettlementStrategy,
};
use common::*;
use serde_json::{Value, json};

fn usd(value: &str) -> Amount {
    Amount {
        currency: Some("USD".into()),
        value: Some(value.into()),
        ..Default::default()
    }
}

fn pay_request(request_id: &str, value: &str, notify_url: &str) -> PayRequest {
    PayRequest {
        product_code: "CASHIER_PAYMENT".into(),
        payment_request_id: request_id.into(),
        order: Order {
            reference_order_id: Some(format!("order-{request_id}")),
            order_description: Some("Typed models test order".into()),
            order_amount: Some(usd(value)),
            ..Default::default()
        },
        payment_amount: usd(value),
        payment_method: PaymentMethod {
            payment_method_type: Some("ALIPAY_CN".into()),
            ..Default::default()
        },
        payment_redirect_url: "http://127.0.0.1:9/return".into(),
        payment_notify_url: Some(notify_url.into()),
        settlement_strategy: Some(SettlementStrategy {
            settlement_currency: Some("USD".into()),
            ..Default::default()
        }),
        env: Env {
            terminal_type: Some("WEB".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Parses `body` into `$model`, and checks that it serialises back to exactly the same JSON
/// value (every described field and every unknown one kept). A macro, not a generic function:
/// the test names no serde trait (antom-cli does not depend on serde itself).
macro_rules! parse {
    ($model:ty, $body:expr) => {{
        let body: &[u8] = $body;
        let model: $model =
            serde_json::from_slice(body).unwrap_or_else(|e| panic!("{}: {e}", stringify!($model)));
        let original: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(
            serde_json::to_value(&model).unwrap(),
            original,
            "{} round trip",
            stringify!($model)
        );
        model
    }};
}

/// A typed request through prepare → simulator → verify_response, parsed into `$model`.
macro_rules! call_typed {
    ($model:ty, $client:expr, $api:expr, $request:expr) => {{
        let api: &str = $api;
        let response = call($client, api, &serde_json::to_value($request).unwrap())
            .await
            .unwrap();
        assert!(response.verified, "{api}: the simulator signs every answer");
        parse!($model, &response.body)
    }};
}

/// The `$index`-th notification, verified by the core, parsed into `$model`.
macro_rules! notification {
    ($model:ty, $client:expr, $webhook:expr, $index:expr) => {{
        let index: usize = $index;
        let received = $webhook.wait_for(index + 1).await;
        let verified = $client
            .verify_notification(
                "/antom/notify",
                &received[index].headers,
                &received[index].body,
            )
            .unwrap();
        parse!($model, &verified.body)
    }};
}

#[tokio::test]
async fn a_payment_lifecycle_parses_into_the_models() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/antom/notify", vec![]);

    // pay: the typed request is what the simulator accepts; U PAYMENT_IN_PROCESS + normalUrl.
    let request = pay_request("models-1", "1000", &webhook.url);
    assert_eq!(PayRequest::API, "v1/payments/pay");
    let pay = call_typed!(PayResponse, &client, PayRequest::API, &request);
    assert_eq!(
        pay.result.as_ref().unwrap().result_status.as_deref(),
        Some("U")
    );
    assert_eq!(
        pay.result.as_ref().unwrap().result_code.as_deref(),
        Some("PAYMENT_IN_PROCESS")
    );
    assert_eq!(pay.payment_request_id.as_deref(), Some("models-1"));
    assert_eq!(pay.payment_amount, Some(usd("1000")));
    let payment_id = pay.payment_id.clone().unwrap();
    let normal_url = pay.normal_url.clone().unwrap();
    assert!(normal_url.starts_with(server.base_url()));
    assert!(pay.payment_create_time.is_some());

    let inquiry = call_typed!(
        InquiryPaymentResponse,
        &client,
        InquiryPaymentRequest::API,
        &InquiryPaymentRequest {
            payment_request_id: Some("models-1".into()),
            ..Default::default()
        }
    );
    assert_eq!(
        inquiry.result.as_ref().unwrap().result_status.as_deref(),
        Some("S")
    );
    assert_eq!(inquiry.payment_status.as_deref(), Some("PROCESSING"));
    assert_eq!(inquiry.payment_method_type.as_deref(), Some("ALIPAY_CN"));
    assert_eq!(inquiry.transactions, None);

    // The buyer pays: notifyPayment (PAYMENT_RESULT, S).
    assert_eq!(get(&normal_url).await.status, 200);
    let paid = notification!(NotifyPaymentRequest, &client, webhook, 0);
    assert!(NotifyPaymentRequest::NOTIFY_TYPES.contains(&paid.notify_type.as_deref().unwrap()));
    assert_eq!(paid.notify_type.as_deref(), Some("PAYMENT_RESULT"));
    assert_eq!(
        paid.result.as_ref().unwrap().result_status.as_deref(),
        Some("S")
    );
    assert_eq!(paid.payment_id.as_deref(), Some(payment_id.as_str()));
    assert_eq!(paid.payment_request_id.as_deref(), Some("models-1"));
    assert_eq!(paid.payment_amount, Some(usd("1000")));
    assert!(paid.payment_time.is_some());

    // capture: response and notifyCapture (CAPTURE_RESULT).
    let capture = call_typed!(
        CaptureResponse,
        &client,
        CaptureRequest::API,
        &CaptureRequest {
            capture_request_id: "models-capture-1".into(),
            payment_id: payment_id.clone(),
            capture_amount: usd("1000"),
            ..Default::default()
        }
    );
    assert_eq!(
        capture.result.as_ref().unwrap().result_status.as_deref(),
        Some("S")
    );
    assert_eq!(capture.capture_amount, Some(usd("1000")));
    let capture_id = capture.capture_id.clone().unwrap();
    let captured = notification!(NotifyCaptureRequest, &client, webhook, 1);
    assert_eq!(captured.notify_type.as_deref(), Some("CAPTURE_RESULT"));
    assert_eq!(captured.capture_id.as_deref(), Some(capture_id.as_str()));
    assert_eq!(
        captured.capture_request_id.as_deref(),
        Some("models-capture-1")
    );
    assert_eq!(captured.payment_id.as_deref(), Some(payment_id.as_str()));
    assert_eq!(captured.capture_amount, Some(usd("1000")));

    // refund: response, notifyRefund (REFUND_RESULT), inquiryRefund.
    let refund = call_typed!(
        RefundResponse,
        &client,
        RefundRequest::API,
        &RefundRequest {
            refund_request_id: "models-refund-1".into(),
            payment_id: payment_id.clone(),
            refund_amount: usd("400"),
            refund_notify_url: Some(webhook.url.clone()),
            ..Default::default()
        }
    );
    assert_eq!(
        refund.result.as_ref().unwrap().result_code.as_deref(),
        Some("SUCCESS")
    );
    assert_eq!(refund.refund_amount, Some(usd("400")));
    let refund_id = refund.refund_id.clone().unwrap();
    let refunded = notification!(NotifyRefundRequest, &client, webhook, 2);
    assert_eq!(refunded.notify_type.as_deref(), Some("REFUND_RESULT"));
    assert_eq!(refunded.refund_status.as_deref(), Some("SUCCESS"));
    assert_eq!(refunded.refund_id.as_deref(), Some(refund_id.as_str()));
    assert_eq!(refunded.refund_amount, Some(usd("400")));

    let refund_inquiry = call_typed!(
        InquiryRefundResponse,
        &client,
        InquiryRefundRequest::API,
        &InquiryRefundRequest {
            refund_id: Some(refund_id.clone()),
            ..Default::default()
        }
    );
    assert_eq!(refund_inquiry.refund_status.as_deref(), Some("SUCCESS"));
    assert_eq!(
        refund_inquiry.refund_request_id.as_deref(),
        Some("models-refund-1")
    );

    // inquiryPayment now lists the capture and the refund as typed transactions.
    let inquiry = call_typed!(
        InquiryPaymentResponse,
        &client,
        InquiryPaymentRequest::API,
        &InquiryPaymentRequest {
            payment_id: Some(payment_id.clone()),
            ..Default::default()
        }
    );
    assert_eq!(inquiry.payment_status.as_deref(), Some("SUCCESS"));
    let transactions = inquiry.transactions.unwrap();
    let kinds: Vec<_> = transactions
        .iter()
        .map(|t| {
            (
                t.transaction_type.as_deref().unwrap(),
                t.transaction_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("CAPTURE", Some(capture_id.as_str())),
            ("REFUND", Some(refund_id.as_str()))
        ]
    );
    assert_eq!(transactions[1].transaction_amount, Some(usd("400")));
    assert_eq!(
        transactions[1]
            .transaction_result
            .as_ref()
            .unwrap()
            .result_status
            .as_deref(),
        Some("S")
    );

    // A second payment: createPaymentSession, then cancel.
    let session = call_typed!(
        CreatePaymentSessionResponse,
        &client,
        CreatePaymentSessionRequest::API,
        &CreatePaymentSessionRequest {
            product_code: "CASHIER_PAYMENT".into(),
            payment_request_id: "models-2".into(),
            order: request.order.clone(),
            payment_amount: usd("250"),
            payment_redirect_url: "http://127.0.0.1:9/return".into(),
            ..Default::default()
        }
    );
    assert_eq!(
        session.result.as_ref().unwrap().result_status.as_deref(),
        Some("S")
    );
    assert!(
        session
            .payment_session_data
            .unwrap()
            .starts_with("SIMSESSION.")
    );
    assert!(session.payment_session_id.is_some());
    assert!(session.payment_session_expiry_time.is_some());
    let cancel = call_typed!(
        CancelResponse,
        &client,
        CancelRequest::API,
        &CancelRequest {
            payment_request_id: Some("models-2".into()),
            ..Default::default()
        }
    );
    assert_eq!(
        cancel.result.as_ref().unwrap().result_status.as_deref(),
        Some("S")
    );
    assert_eq!(cancel.payment_request_id.as_deref(), Some("models-2"));
    assert!(cancel.cancel_time.is_some());

    // A business failure (F, signed) is the same model with only `result`.
    let missing = call_typed!(
        InquiryPaymentResponse,
        &client,
        InquiryPaymentRequest::API,
        &InquiryPaymentRequest {
            payment_id: Some("no-such-payment".into()),
            ..Default::default()
        }
    );
    assert_eq!(
        missing.result.as_ref().unwrap().result_status.as_deref(),
        Some("F")
    );
    assert_eq!(
        missing.result.as_ref().unwrap().result_code.as_deref(),
        Some("ORDER_NOT_EXIST")
    );
    assert_eq!(missing.payment_status, None);
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_fields_of_a_real_body_survive_a_round_trip() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/antom/notify", vec![]);
    let response = call(
        &client,
        PayRequest::API,
        &serde_json::to_value(pay_request("models-extra", "700", &webhook.url)).unwrap(),
    )
    .await
    .unwrap();
    assert!(response.verified);
    let mut body: Value = serde_json::from_slice(&response.body).unwrap();
    body["futureField"] = json!({"nested": ["kept", 1, true, null]});
    body["result"]["resultDetail"] = json!("kept too");
    body["paymentAmount"]["display"] = json!("USD 7.00");

    let pay: PayResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(pay.extra["futureField"]["nested"][0], "kept");
    assert_eq!(
        pay.result.as_ref().unwrap().extra["resultDetail"],
        "kept too"
    );
    assert_eq!(
        pay.payment_amount.as_ref().unwrap().extra["display"],
        "USD 7.00"
    );
    assert!(
        !pay.extra.contains_key("paymentId"),
        "described fields are typed, not extra"
    );
    assert_eq!(serde_json::to_value(&pay).unwrap(), body);
    server.shutdown().await;
}

#[tokio::test]
async fn a_declined_payment_notifies_f() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/antom/notify", vec![]);
    let pay = call_typed!(
        PayResponse,
        &client,
        PayRequest::API,
        &pay_request("models-declined", "300", &webhook.url)
    );
    let page = get(&format!("{}?result=FAIL", pay.normal_url.unwrap())).await;
    assert_eq!(page.status, 200);
    let declined = notification!(NotifyPaymentRequest, &client, webhook, 0);
    assert_eq!(declined.notify_type.as_deref(), Some("PAYMENT_RESULT"));
    assert_eq!(
        declined.result.as_ref().unwrap().result_status.as_deref(),
        Some("F")
    );
    assert_eq!(
        declined.result.as_ref().unwrap().result_code.as_deref(),
        Some("USER_BALANCE_NOT_ENOUGH")
    );
    assert_eq!(declined.payment_time, None);
    // The core's own reading of the same body agrees with the model's.
    let received = webhook.received();
    let verified = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(verified.result_status, Some(ResultStatus::Failed));
    server.shutdown().await;
}

#[test]
fn a_payment_pending_from_antom_trigger_parses() {
    // PAYMENT_PENDING comes from `antom trigger notifyPayment --status PENDING` (the built binary).
    let webhook = Webhook::start("/antom/notify", vec![]);
    let key = key_path("TEST-ONLY-antom.private.pkcs8.b64");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_antom"))
        .args([
            "trigger",
            "notifyPayment",
            "--to",
            &webhook.url,
            "--status",
            "PENDING",
        ])
        .args([
            "--payment-request-id",
            "models-pending",
            "--amount",
            "1050",
            "--currency",
            "JPY",
        ])
        .arg("--antom-private-key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let received = webhook.received();
    let client = Client::new(ClientConfig::new(
        CLIENT_ID,
        merchant_private(),
        antom_private().public_key(),
    ))
    .unwrap();
    let verified = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    let pending = parse!(NotifyPaymentRequest, &verified.body);
    assert_eq!(pending.notify_type.as_deref(), Some("PAYMENT_PENDING"));
    assert!(NotifyPaymentRequest::NOTIFY_TYPES.contains(&"PAYMENT_PENDING"));
    assert_eq!(
        pending.payment_request_id.as_deref(),
        Some("models-pending")
    );
    assert_eq!(
        pending.payment_amount,
        Some(Amount {
            currency: Some("JPY".into()),
            value: Some("1050".into()),
            ..Default::default()
        })
    );
    assert_eq!(pending.payment_time, None, "not final: no paymentTime");
    assert_eq!(verified.outcome, antom_core::Outcome::Pending);
}
