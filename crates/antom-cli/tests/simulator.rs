//! The simulator driven by the core's `Client` over real HTTP on an ephemeral loopback port.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use antom_cli::http;
use antom_cli::mock::RETRY_SCHEDULE_SECS;
use antom_core::{
    ClientConfig, Environment, ErrorCode, NextAction, PrivateKey, PublicKey, ResultStatus,
    SignatureHeader, content_to_sign,
};
use common::*;
use serde_json::{Value, json};

const SANDBOX_PAY: &str = "/ams/sandbox/api/v1/payments/pay";

// ---------------------------------------------------------------- the round trip

#[tokio::test]
async fn pay_checkout_notify_inquire_refund() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/antom/notify", vec![]);

    // pay → U PAYMENT_IN_PROCESS with a redirect URL, verified.
    let (pay, body) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("flow-1", "1000", Some(&webhook.url)),
    )
    .await;
    assert_eq!(pay.result_status, ResultStatus::Unknown);
    assert_eq!(pay.result_code, "PAYMENT_IN_PROCESS");
    assert_eq!(pay.next_action(), NextAction::Inquire);
    let payment_id = body["paymentId"].as_str().unwrap().to_owned();
    let normal_url = body["normalUrl"].as_str().unwrap().to_owned();
    assert!(normal_url.starts_with(server.base_url()));
    assert_eq!(
        body["paymentAmount"],
        json!({"currency": "USD", "value": "1000"})
    );

    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "flow-1"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "PROCESSING");

    // The buyer completes the payment.
    let page = get(&normal_url).await;
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("Payment completed"));

    // notifyPayment arrives, verifies with the core, and is acknowledged.
    let received = webhook.wait_for(1).await;
    let notification = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(notification.notify_type.as_deref(), Some("PAYMENT_RESULT"));
    assert_eq!(notification.result_status, Some(ResultStatus::Success));
    let notice: Value = serde_json::from_slice(&notification.body).unwrap();
    assert_eq!(notice["paymentId"], payment_id.as_str());
    assert_eq!(notice["paymentRequestId"], "flow-1");
    assert!(notice["paymentTime"].is_string());
    let delivery = wait_for(WAIT, || {
        server.deliveries().into_iter().find(|d| d.finished)
    })
    .await;
    assert!(delivery.acknowledged);
    assert_eq!(delivery.attempts.len(), 1);

    // Visiting again changes nothing and sends nothing.
    let again = get(&normal_url).await;
    assert!(String::from_utf8_lossy(&again.body).contains("already SUCCESS"));

    let (inquiry, body) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentId": payment_id}),
    )
    .await;
    assert!(inquiry.is_success());
    assert_eq!(body["paymentStatus"], "SUCCESS");
    assert_eq!(body["paymentResultCode"], "SUCCESS");
    assert!(body["paymentTime"].is_string());

    // Refund part of it, with a notifyRefund.
    let refund_body = json!({
        "refundRequestId": "refund-1",
        "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "400"},
        "refundNotifyUrl": webhook.url,
    });
    let (refund, body) = call_ok(&client, "v1/payments/refund", &refund_body).await;
    assert!(refund.is_success());
    let refund_id = body["refundId"].as_str().unwrap().to_owned();
    let received = webhook.wait_for(2).await;
    let notification = client
        .verify_notification("/antom/notify", &received[1].headers, &received[1].body)
        .unwrap();
    assert_eq!(notification.notify_type.as_deref(), Some("REFUND_RESULT"));
    let notice: Value = serde_json::from_slice(&notification.body).unwrap();
    assert_eq!(notice["refundStatus"], "SUCCESS");
    assert_eq!(notice["refundId"], refund_id.as_str());

    let (_, body) = call_ok(
        &client,
        "v1/payments/inquiryRefund",
        &json!({"refundRequestId": "refund-1"}),
    )
    .await;
    assert_eq!(body["refundStatus"], "SUCCESS");
    assert_eq!(body["refundId"], refund_id.as_str());
    let (_, body) = call_ok(
        &client,
        "v1/payments/inquiryRefund",
        &json!({"refundId": refund_id}),
    )
    .await;
    assert_eq!(body["refundRequestId"], "refund-1");

    // The rest can be refunded, not more.
    let too_much = json!({"refundRequestId": "refund-2", "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "601"}});
    let (refund, _) = call_ok(&client, "v1/payments/refund", &too_much).await;
    assert_eq!(refund.result_code, "REFUND_AMOUNT_EXCEED");
    let rest = json!({"refundRequestId": "refund-3", "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "600"}});
    assert!(
        call_ok(&client, "v1/payments/refund", &rest)
            .await
            .0
            .is_success()
    );

    let (_, body) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentId": payment_id}),
    )
    .await;
    let transactions = body["transactions"].as_array().unwrap();
    assert_eq!(transactions.len(), 2);
    assert!(
        transactions
            .iter()
            .all(|t| t["transactionType"] == "REFUND")
    );

    // A refunded payment cannot be cancelled.
    let (cancel, _) = call_ok(
        &client,
        "v1/payments/cancel",
        &json!({"paymentId": payment_id}),
    )
    .await;
    assert_eq!(cancel.result_code, "ORDER_STATUS_INVALID");
    server.shutdown().await;
}

#[tokio::test]
async fn production_paths_work_too() {
    let server = start_mock(1.0).await;
    let mut config = ClientConfig::new(CLIENT_ID, merchant_private(), server.antom_public_key());
    config.gateway_url = Some(server.base_url().to_owned());
    config.environment = Some(Environment::Production);
    let client = antom_core::Client::new(config).unwrap();
    let body = serde_json::to_vec(&pay_body("prod-1", "500", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    assert_eq!(request.path, "/ams/api/v1/payments/pay");
    let response = send(&request).await;
    let response = client
        .verify_response(&request.path, &response.headers, &response.body)
        .unwrap();
    assert!(response.verified);
    assert_eq!(response.result_code, "PAYMENT_IN_PROCESS");
}

#[tokio::test]
async fn serves_its_public_key() {
    let server = start_mock(1.0).await;
    let page = get(&format!("{}/antom-public-key", server.base_url())).await;
    let served = PublicKey::parse(String::from_utf8(page.body).unwrap().trim()).unwrap();
    assert_eq!(served, server.antom_public_key());
    assert_eq!(served, antom_private().public_key());
}

#[tokio::test]
async fn generates_a_key_when_none_is_given() {
    let server = start_mock_with(|config| config.antom_private_key = None).await;
    assert_eq!(server.antom_public_key().bits(), 2048);
    assert_ne!(server.antom_public_key(), antom_private().public_key());
    let client = client_for(&server);
    let (response, _) = call_ok(&client, "v1/payments/pay", &pay_body("gen-1", "100", None)).await;
    assert_eq!(response.result_code, "PAYMENT_IN_PROCESS");
}

// ---------------------------------------------------------------- signatures

#[tokio::test]
async fn rejects_a_request_signed_with_another_key() {
    let server = start_mock(1.0).await;
    let other = PrivateKey::parse(&key_text("TEST-ONLY-other.private.pkcs8.b64")).unwrap();
    let client = client_with(&server, other, server.antom_public_key(), CLIENT_ID);
    let response = call(&client, "v1/payments/pay", &pay_body("sig-1", "100", None))
        .await
        .unwrap();
    assert!(!response.verified, "gateway errors are unsigned");
    assert_eq!(response.result_status, ResultStatus::Failed);
    assert_eq!(response.result_code, "INVALID_SIGNATURE");
    // Nothing was created.
    let client = client_for(&server);
    let (inquiry, _) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "sig-1"}),
    )
    .await;
    assert_eq!(inquiry.result_code, "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn rejects_tampered_bodies_paths_times_and_headers() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("sig-2", "100", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();

    let expect_invalid = |response: http::HttpResponse| {
        let verified = client
            .verify_response(SANDBOX_PAY, &response.headers, &response.body)
            .unwrap();
        assert!(!verified.verified);
        assert_eq!(verified.result_code, "INVALID_SIGNATURE");
        assert!(response.header("signature").is_none());
    };

    // A different body under the same signature.
    let tampered = request.body.replace("\"100\"", "\"1\"");
    let response = http::send(
        "POST",
        &request.url,
        &request.headers,
        tampered.into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    expect_invalid(response);

    // The same signature on another path.
    let other_url = request
        .url
        .replace("/payments/pay", "/payments/inquiryPayment");
    let response = http::send(
        "POST",
        &other_url,
        &request.headers,
        request.body.clone().into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    let verified = client
        .verify_response(
            "/ams/sandbox/api/v1/payments/inquiryPayment",
            &response.headers,
            &response.body,
        )
        .unwrap();
    assert_eq!(verified.result_code, "INVALID_SIGNATURE");

    // Another Request-Time.
    let mut headers = request.headers.clone();
    for (name, value) in &mut headers {
        if name == "Request-Time" {
            *value = "1".to_owned();
        }
    }
    let response = http::send(
        "POST",
        &request.url,
        &headers,
        request.body.clone().into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    expect_invalid(response);

    // Malformed, empty, wrong-algorithm and missing signature headers.
    for signature in [
        Some("algorithm=RSA256,keyVersion=1,signature=not-base64!"),
        Some("garbage"),
        Some("algorithm=RSA512,keyVersion=1,signature=AAAA"),
        Some("algorithm=RSA256,keyVersion=1,signature=AAAA"),
        None,
    ] {
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| name != "Signature")
            .cloned()
            .collect();
        if let Some(signature) = signature {
            headers.push(("Signature".to_owned(), signature.to_owned()));
        }
        let response = http::send(
            "POST",
            &request.url,
            &headers,
            request.body.clone().into_bytes(),
            WAIT,
        )
        .await
        .unwrap();
        expect_invalid(response);
    }

    // The untouched request still works.
    let response = send(&request).await;
    let verified = client
        .verify_response(&request.path, &response.headers, &response.body)
        .unwrap();
    assert!(verified.verified);
}

#[tokio::test]
async fn responses_are_signed_with_the_simulator_key() {
    let server = start_mock(1.0).await;
    let wrong = PublicKey::parse(&key_text("TEST-ONLY-other.public.spki.b64")).unwrap();
    let client = client_with(&server, merchant_private(), wrong, CLIENT_ID);
    let error = call(&client, "v1/payments/pay", &pay_body("sig-3", "100", None))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);

    // And the signature is over POST <path>\n<client-id>.<response-time>.<body>.
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("sig-4", "100", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    let response = send(&request).await;
    let header = SignatureHeader::parse(response.header("signature").unwrap()).unwrap();
    assert_eq!(header.key_version, Some(1));
    let content = content_to_sign(
        "POST",
        SANDBOX_PAY,
        response.header("client-id").unwrap(),
        response.header("response-time").unwrap(),
        std::str::from_utf8(&response.body).unwrap(),
    );
    assert!(
        server
            .antom_public_key()
            .verify(&content, &header.signature)
            .unwrap()
    );
    assert!(response.header("response-time").unwrap().ends_with('Z'));
}

#[tokio::test]
async fn rejects_an_unknown_key_version() {
    let server = start_mock(1.0).await;
    let mut config = ClientConfig::new(CLIENT_ID, merchant_private(), server.antom_public_key());
    config.gateway_url = Some(server.base_url().to_owned());
    config.key_version = 2;
    let client = antom_core::Client::new(config).unwrap();
    let response = call(&client, "v1/payments/pay", &pay_body("kv-1", "100", None))
        .await
        .unwrap();
    assert_eq!(response.result_code, "KEY_NOT_FOUND");
    assert!(!response.verified);
}

// ---------------------------------------------------------------- idempotency

#[tokio::test]
async fn pay_is_idempotent_on_payment_request_id() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let (first, a) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("idem-1", "1000", None),
    )
    .await;
    let (second, b) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("idem-1", "1000", None),
    )
    .await;
    assert_eq!(first.result_code, "PAYMENT_IN_PROCESS");
    assert_eq!(first.body, second.body, "same request id, same result");
    assert_eq!(a["paymentId"], b["paymentId"]);

    // Key order and non-key fields do not matter...
    let mut reordered = pay_body("idem-1", "1000", None);
    reordered["paymentAmount"] =
        serde_json::from_str(r#"{"value":"1000","currency":"USD"}"#).unwrap();
    reordered["order"]["orderDescription"] = json!("changed description");
    let (third, _) = call_ok(&client, "v1/payments/pay", &reordered).await;
    assert_eq!(third.body, first.body);

    // ...a different amount or method does.
    let (different, _) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("idem-1", "1001", None),
    )
    .await;
    assert_eq!(different.result_status, ResultStatus::Failed);
    assert_eq!(different.result_code, "REPEAT_REQ_INCONSISTENT");
    let mut other_method = pay_body("idem-1", "1000", None);
    other_method["paymentMethod"]["paymentMethodType"] = json!("GCASH");
    let (different, _) = call_ok(&client, "v1/payments/pay", &other_method).await;
    assert_eq!(different.result_code, "REPEAT_REQ_INCONSISTENT");

    // After the buyer pays, the same request reports the final result.
    get(a["normalUrl"].as_str().unwrap()).await;
    let (after, body) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("idem-1", "1000", None),
    )
    .await;
    assert!(after.is_success());
    assert_eq!(body["paymentId"], a["paymentId"]);
}

#[tokio::test]
async fn refund_and_capture_replay_the_stored_result() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("idem-2", "1000", None),
    )
    .await;
    let payment_id = pay["paymentId"].as_str().unwrap();
    get(pay["normalUrl"].as_str().unwrap()).await;

    let capture = json!({"captureRequestId": "cap-1", "paymentId": payment_id,
        "captureAmount": {"currency": "USD", "value": "1000"}});
    let (a, _) = call_ok(&client, "v1/payments/capture", &capture).await;
    let (b, _) = call_ok(&client, "v1/payments/capture", &capture).await;
    assert!(a.is_success());
    assert_eq!(a.body, b.body, "byte-identical replay");
    let mut changed = capture.clone();
    changed["captureAmount"]["value"] = json!("999");
    assert_eq!(
        call_ok(&client, "v1/payments/capture", &changed)
            .await
            .0
            .result_code,
        "REPEAT_REQ_INCONSISTENT"
    );

    let refund = json!({"refundRequestId": "ref-1", "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "300"}});
    let (a, _) = call_ok(&client, "v1/payments/refund", &refund).await;
    let (b, _) = call_ok(&client, "v1/payments/refund", &refund).await;
    assert!(a.is_success());
    assert_eq!(a.body, b.body);
    let mut changed = refund.clone();
    changed["refundAmount"]["value"] = json!("301");
    assert_eq!(
        call_ok(&client, "v1/payments/refund", &changed)
            .await
            .0
            .result_code,
        "REPEAT_REQ_INCONSISTENT"
    );

    // The replay did not refund twice: 700 remain.
    let rest = json!({"refundRequestId": "ref-2", "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "700"}});
    assert!(
        call_ok(&client, "v1/payments/refund", &rest)
            .await
            .0
            .is_success()
    );

    // A final F is final too: the same failing refund id keeps failing the same way.
    let over = json!({"refundRequestId": "ref-3", "paymentId": payment_id,
        "refundAmount": {"currency": "USD", "value": "1"}});
    let (a, _) = call_ok(&client, "v1/payments/refund", &over).await;
    let (b, _) = call_ok(&client, "v1/payments/refund", &over).await;
    assert_eq!(a.result_code, "REFUND_AMOUNT_EXCEED");
    assert_eq!(a.body, b.body);
}

// ---------------------------------------------------------------- state machine

#[tokio::test]
async fn cancel_before_payment() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/notify", vec![]);
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("cancel-1", "1000", Some(&webhook.url)),
    )
    .await;
    let (cancel, body) = call_ok(
        &client,
        "v1/payments/cancel",
        &json!({"paymentRequestId": "cancel-1"}),
    )
    .await;
    assert!(cancel.is_success());
    assert!(body["cancelTime"].is_string());
    let (again, _) = call_ok(
        &client,
        "v1/payments/cancel",
        &json!({"paymentId": pay["paymentId"]}),
    )
    .await;
    assert!(again.is_success(), "cancelling twice is idempotent");

    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "cancel-1"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "CANCELLED");
    let page = get(pay["normalUrl"].as_str().unwrap()).await;
    assert!(String::from_utf8_lossy(&page.body).contains("already CANCELLED"));
    let (replay, _) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("cancel-1", "1000", Some(&webhook.url)),
    )
    .await;
    assert_eq!(replay.result_code, "ORDER_IS_CANCELED");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        webhook.received().is_empty(),
        "a cancelled payment sends no notifyPayment"
    );

    let (unknown, _) = call_ok(
        &client,
        "v1/payments/cancel",
        &json!({"paymentRequestId": "nope"}),
    )
    .await;
    assert_eq!(unknown.result_code, "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn declined_payment() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/notify", vec![]);
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("decline-1", "1000", Some(&webhook.url)),
    )
    .await;
    let page = get(&format!(
        "{}?result=FAIL",
        pay["normalUrl"].as_str().unwrap()
    ))
    .await;
    assert!(String::from_utf8_lossy(&page.body).contains("declined"));
    let received = webhook.wait_for(1).await;
    let notification = client
        .verify_notification("/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(notification.result_status, Some(ResultStatus::Failed));
    let notice: Value = serde_json::from_slice(&notification.body).unwrap();
    assert_eq!(notice["result"]["resultCode"], "USER_BALANCE_NOT_ENOUGH");
    assert!(notice.get("paymentTime").is_none());

    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "decline-1"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "FAIL");
    let refund = json!({"refundRequestId": "decline-refund", "paymentId": pay["paymentId"],
        "refundAmount": {"currency": "USD", "value": "1"}});
    assert_eq!(
        call_ok(&client, "v1/payments/refund", &refund)
            .await
            .0
            .result_code,
        "ORDER_STATUS_INVALID"
    );
    let (cancel, _) = call_ok(
        &client,
        "v1/payments/cancel",
        &json!({"paymentRequestId": "decline-1"}),
    )
    .await;
    assert_eq!(cancel.result_code, "ORDER_STATUS_INVALID");
}

#[tokio::test]
async fn capture_sends_notify_capture() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/notify", vec![]);
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("cap-flow", "2500", Some(&webhook.url)),
    )
    .await;
    let payment_id = pay["paymentId"].as_str().unwrap();
    let early = json!({"captureRequestId": "cap-early", "paymentId": payment_id,
        "captureAmount": {"currency": "USD", "value": "2500"}});
    assert_eq!(
        call_ok(&client, "v1/payments/capture", &early)
            .await
            .0
            .result_code,
        "ORDER_STATUS_INVALID"
    );

    get(pay["normalUrl"].as_str().unwrap()).await;
    webhook.wait_for(1).await;
    let capture = json!({"captureRequestId": "cap-2", "paymentId": payment_id,
        "captureAmount": {"currency": "USD", "value": "2500"}});
    let (response, body) = call_ok(&client, "v1/payments/capture", &capture).await;
    assert!(response.is_success());
    assert!(body["captureId"].is_string());
    let received = webhook.wait_for(2).await;
    let notification = client
        .verify_notification("/notify", &received[1].headers, &received[1].body)
        .unwrap();
    assert_eq!(notification.notify_type.as_deref(), Some("CAPTURE_RESULT"));
    let notice: Value = serde_json::from_slice(&notification.body).unwrap();
    assert_eq!(notice["captureId"], body["captureId"]);

    let second = json!({"captureRequestId": "cap-3", "paymentId": payment_id,
        "captureAmount": {"currency": "USD", "value": "1"}});
    assert_eq!(
        call_ok(&client, "v1/payments/capture", &second)
            .await
            .0
            .result_code,
        "ORDER_STATUS_INVALID"
    );
    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentId": payment_id}),
    )
    .await;
    assert_eq!(inquiry["transactions"][0]["transactionType"], "CAPTURE");
}

#[tokio::test]
async fn payment_session_creates_a_payment() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = json!({"paymentRequestId": "session-1", "productCode": "CASHIER_PAYMENT",
        "paymentAmount": {"currency": "EUR", "value": "990"}, "order": {"referenceOrderId": "o"}});
    let (session, a) = call_ok(&client, "v1/payments/createPaymentSession", &body).await;
    assert!(session.is_success());
    assert!(a["paymentSessionData"].is_string());
    assert!(a["paymentSessionId"].is_string());
    assert!(a["paymentSessionExpiryTime"].is_string());
    let (replay, _) = call_ok(&client, "v1/payments/createPaymentSession", &body).await;
    assert_eq!(replay.body, session.body);
    let (clash, _) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("session-1", "990", None),
    )
    .await;
    assert_eq!(clash.result_code, "REPEAT_REQ_INCONSISTENT");

    get(a["normalUrl"].as_str().unwrap()).await;
    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "session-1"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "SUCCESS");
    assert_eq!(inquiry["paymentAmount"]["currency"], "EUR");
}

// ---------------------------------------------------------------- notification retries

#[tokio::test]
async fn retries_on_the_schedule_until_acknowledged() {
    // 6000x: 2 min → 20 ms, 10 min → 100 ms.
    let scale = 6000.0;
    let server = start_mock(scale).await;
    let client = client_for(&server);
    let webhook = Webhook::start(
        "/notify",
        vec![
            (500, "oops"),
            (
                200,
                r#"{"result":{"resultCode":"FAIL","resultStatus":"F","resultMessage":"no"}}"#,
            ),
            (200, "OK"),
        ],
    );
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("retry-1", "100", Some(&webhook.url)),
    )
    .await;
    get(pay["normalUrl"].as_str().unwrap()).await;

    let delivery = wait_for(WAIT, || {
        server.deliveries().into_iter().find(|d| d.finished)
    })
    .await;
    assert!(delivery.acknowledged);
    assert_eq!(delivery.attempts.len(), 4);
    assert!(delivery.attempts[..3].iter().all(|a| !a.acknowledged));
    assert!(delivery.attempts[0].outcome.contains("HTTP 500"));
    assert!(delivery.attempts[3].acknowledged);

    let received = webhook.received();
    assert_eq!(received.len(), 4);
    for (index, notification) in received.iter().enumerate() {
        // Every attempt is signed (afresh) and verifies; the body never changes.
        client
            .verify_notification("/notify", &notification.headers, &notification.body)
            .unwrap();
        assert_eq!(notification.body, received[0].body);
        if index > 0 {
            let gap = notification.at - received[index - 1].at;
            let expected = Duration::from_secs_f64(RETRY_SCHEDULE_SECS[index] as f64 / scale);
            assert!(
                gap + Duration::from_millis(5) >= expected,
                "attempt {index}: {gap:?} < {expected:?}"
            );
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(webhook.received().len(), 4, "no attempt after the ack");
}

#[tokio::test]
async fn gives_up_after_eight_attempts() {
    // The whole 24 h schedule in under half a second.
    let server = start_mock(200_000.0).await;
    let client = client_for(&server);
    let webhook = Webhook::start("/notify", vec![(503, ""); 20]);
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("retry-2", "100", Some(&webhook.url)),
    )
    .await;
    get(pay["normalUrl"].as_str().unwrap()).await;
    let delivery = wait_for(WAIT, || {
        server.deliveries().into_iter().find(|d| d.finished)
    })
    .await;
    assert!(!delivery.acknowledged);
    assert_eq!(delivery.attempts.len(), RETRY_SCHEDULE_SECS.len());
    assert_eq!(webhook.received().len(), 8);

    // The delivery log is served as JSON.
    let log = get(&format!("{}/notifications", server.base_url())).await;
    let log: Value = serde_json::from_slice(&log.body).unwrap();
    assert_eq!(log[0]["notification"], "notifyPayment");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 8);
    assert_eq!(log[0]["acknowledged"], false);
}

#[tokio::test]
async fn unreachable_webhook_is_retried_without_crashing() {
    let server = start_mock(200_000.0).await;
    let client = client_for(&server);
    // A port nobody listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/notify");
    let (_, pay) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("retry-3", "100", Some(&url)),
    )
    .await;
    get(pay["normalUrl"].as_str().unwrap()).await;
    let delivery = wait_for(WAIT, || {
        server.deliveries().into_iter().find(|d| d.finished)
    })
    .await;
    assert!(!delivery.acknowledged);
    assert_eq!(delivery.attempts.len(), 8);
    assert!(delivery.attempts[0].outcome.contains("cannot connect"));
}

// ---------------------------------------------------------------- bad input

/// Sends raw bytes with hand-made headers; returns the response, checked to be an Antom
/// `F` result with `code`, and whether it was signed.
async fn raw(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> http::HttpResponse {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    http::send(method, url, &headers, body, WAIT).await.unwrap()
}

fn assert_f(response: &http::HttpResponse, code: &str, signed: bool) {
    assert_eq!(response.status, 200);
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["result"]["resultStatus"], "F", "{body}");
    assert_eq!(body["result"]["resultCode"], code, "{body}");
    assert_eq!(response.header("signature").is_some(), signed, "{code}");
}

/// Signs `body` as the merchant for `path` and returns the headers.
fn signed_headers(path: &str, body: &[u8]) -> Vec<(String, String)> {
    let time = now_ms().to_string();
    let mut content = content_to_sign("POST", path, CLIENT_ID, &time, "").into_bytes();
    content.extend_from_slice(body);
    let signature = merchant_private().sign_bytes(&content).unwrap();
    vec![
        (
            "Content-Type".to_owned(),
            "application/json; charset=UTF-8".to_owned(),
        ),
        ("Client-Id".to_owned(), CLIENT_ID.to_owned()),
        ("Request-Time".to_owned(), time),
        (
            "Signature".to_owned(),
            SignatureHeader::new(1, signature).to_string(),
        ),
    ]
}

#[tokio::test]
async fn every_bad_input_gets_an_antom_error_result() {
    let server = start_mock(1.0).await;
    let base = server.base_url().to_owned();
    let pay_url = format!("{base}{SANDBOX_PAY}");
    let good = serde_json::to_vec(&pay_body("bad-0", "100", None)).unwrap();

    // Not POST.
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        assert_f(
            &raw(&pay_url, method, &[], Vec::new()).await,
            "METHOD_NOT_SUPPORTED",
            false,
        );
    }
    assert_f(
        &raw(&format!("{base}/"), "GET", &[], Vec::new()).await,
        "METHOD_NOT_SUPPORTED",
        false,
    );
    // Unknown endpoints.
    assert_f(
        &raw(
            &format!("{base}/ams/api/v1/payments/nope"),
            "POST",
            &[],
            good.clone(),
        )
        .await,
        "NO_INTERFACE_DEF",
        false,
    );
    assert_f(
        &raw(&format!("{base}/elsewhere"), "POST", &[], good.clone()).await,
        "NO_INTERFACE_DEF",
        false,
    );
    assert_f(
        &raw(
            &format!("{base}/ams/api/v1/payments/consult"),
            "POST",
            &[],
            good.clone(),
        )
        .await,
        "INVALID_API",
        false,
    );
    // Missing headers.
    assert_f(
        &raw(&pay_url, "POST", &[], good.clone()).await,
        "PARAM_ILLEGAL",
        false,
    );
    assert_f(
        &raw(&pay_url, "POST", &[("client-id", CLIENT_ID)], good.clone()).await,
        "PARAM_ILLEGAL",
        false,
    );
    assert_f(
        &raw(&pay_url, "POST", &[("request-time", "1")], good.clone()).await,
        "PARAM_ILLEGAL",
        false,
    );
    assert_f(
        &raw(
            &pay_url,
            "POST",
            &[("client-id", CLIENT_ID), ("request-time", "1")],
            good.clone(),
        )
        .await,
        "INVALID_SIGNATURE",
        false,
    );
    // Repeated header.
    let mut doubled = signed_headers(SANDBOX_PAY, &good);
    doubled.push(("client-id".to_owned(), CLIENT_ID.to_owned()));
    let response = http::send("POST", &pay_url, &doubled, good.clone(), WAIT)
        .await
        .unwrap();
    assert_f(&response, "PARAM_ILLEGAL", false);
    // Wrong client id (correctly signed for that id).
    let other = {
        let time = now_ms().to_string();
        let content = content_to_sign(
            "POST",
            SANDBOX_PAY,
            "SANDBOX_OTHER",
            &time,
            std::str::from_utf8(&good).unwrap(),
        );
        let signature = merchant_private().sign(&content).unwrap();
        vec![
            ("Client-Id".to_owned(), "SANDBOX_OTHER".to_owned()),
            ("Request-Time".to_owned(), time),
            (
                "Signature".to_owned(),
                SignatureHeader::new(1, signature).to_string(),
            ),
        ]
    };
    let response = http::send("POST", &pay_url, &other, good.clone(), WAIT)
        .await
        .unwrap();
    assert_f(&response, "INVALID_CLIENT", false);
    // Wrong content type.
    let mut headers = signed_headers(SANDBOX_PAY, &good);
    headers[0].1 = "text/plain".to_owned();
    let response = http::send("POST", &pay_url, &headers, good.clone(), WAIT)
        .await
        .unwrap();
    assert_f(&response, "MEDIA_TYPE_NOT_ACCEPTABLE", false);
    // Oversized body (1 MiB + 1), signed correctly.
    let mut big = b"{\"pad\":\"".to_vec();
    big.resize((1 << 20) + 1 - 2, b'a');
    big.extend_from_slice(b"\"}");
    assert_eq!(big.len(), (1 << 20) + 1);
    let response = http::send(
        "POST",
        &pay_url,
        &signed_headers(SANDBOX_PAY, &big),
        big,
        WAIT,
    )
    .await
    .unwrap();
    assert_f(&response, "PARAM_ILLEGAL", false);

    // Authenticated but malformed: signed PARAM_ILLEGAL, which the core verifies.
    let client = client_for(&server);
    for body in [
        b"{not json".to_vec(),
        b"[1,2,3]".to_vec(),
        b"\"text\"".to_vec(),
        b"".to_vec(),
        vec![0xff, 0xfe, 0x00],
    ] {
        let response = http::send(
            "POST",
            &pay_url,
            &signed_headers(SANDBOX_PAY, &body),
            body,
            WAIT,
        )
        .await
        .unwrap();
        assert_f(&response, "PARAM_ILLEGAL", true);
        let verified = client
            .verify_response(SANDBOX_PAY, &response.headers, &response.body)
            .unwrap();
        assert!(verified.verified);
        assert_eq!(verified.next_action(), NextAction::Failed);
    }
    // Missing and illegal fields.
    let mut cases = Vec::new();
    for field in [
        "paymentRequestId",
        "paymentAmount",
        "productCode",
        "paymentMethod",
    ] {
        let mut body = pay_body("bad-1", "100", None);
        body.as_object_mut().unwrap().remove(field);
        cases.push(body);
    }
    let mut numeric = pay_body("bad-2", "100", None);
    numeric["paymentAmount"]["value"] = json!(100);
    cases.push(numeric);
    let mut currency = pay_body("bad-3", "100", None);
    currency["paymentAmount"]["currency"] = json!("XXX");
    cases.push(currency);
    let mut zero = pay_body("bad-4", "0", None);
    zero["paymentAmount"]["value"] = json!("0");
    cases.push(zero);
    cases.push(pay_body(&"x".repeat(65), "100", None));
    cases.push(pay_body(
        "bad-5",
        "100",
        Some("https://merchant.example.com/notify"),
    ));
    cases.push(pay_body("bad-6", "100", Some("http://10.0.0.1/notify")));
    for body in &cases {
        let (response, _) = call_ok(&client, "v1/payments/pay", body).await;
        assert_eq!(response.result_code, "PARAM_ILLEGAL", "{body}");
    }
    for (api, body) in [
        ("v1/payments/inquiryPayment", json!({})),
        ("v1/payments/cancel", json!({"paymentId": 12})),
        ("v1/payments/refund", json!({"refundRequestId": "r"})),
        ("v1/payments/inquiryRefund", json!({})),
        (
            "v1/payments/capture",
            json!({"captureRequestId": "c", "paymentId": "p"}),
        ),
        (
            "v1/payments/createPaymentSession",
            json!({"paymentRequestId": "s"}),
        ),
    ] {
        let (response, _) = call_ok(&client, api, &body).await;
        assert_eq!(response.result_code, "PARAM_ILLEGAL", "{api}");
    }
    for (api, body) in [
        ("v1/payments/inquiryPayment", json!({"paymentId": "nope"})),
        (
            "v1/payments/inquiryRefund",
            json!({"refundRequestId": "nope"}),
        ),
        (
            "v1/payments/refund",
            json!({"refundRequestId": "r", "paymentId": "nope",
            "refundAmount": {"currency": "USD", "value": "1"}}),
        ),
    ] {
        let (response, _) = call_ok(&client, api, &body).await;
        assert_eq!(response.result_code, "ORDER_NOT_EXIST", "{api}");
    }

    // Garbage that is not HTTP, and a connection dropped mid-request.
    for junk in [
        &b"\x00\x01\x02 not http\r\n\r\n"[..],
        b"POST /ams/api/v1/payments/pay HTTP/1.1\r\nContent-Length: 100\r\n\r\n{",
    ] {
        use tokio::io::AsyncWriteExt;
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(junk).await.unwrap();
        drop(stream);
    }
    // An oversized chunked body (no Content-Length): the limit applies while reading. The
    // answer is read while the body is still being written, so a reset cannot eat it.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        let head = format!(
            "POST {SANDBOX_PAY} HTTP/1.1\r\nHost: x\r\nClient-Id: {CLIENT_ID}\r\n\
             Request-Time: 1\r\nSignature: algorithm=RSA256,keyVersion=1,signature=AAAA\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        let write = tokio::spawn(async move {
            writer.write_all(head.as_bytes()).await?;
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..17 {
                let framed =
                    [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                writer.write_all(&framed).await?;
            }
            writer.write_all(b"0\r\n\r\n").await
        });
        let mut answer = Vec::new();
        let mut buffer = [0u8; 4096];
        let deadline = tokio::time::Instant::now() + WAIT;
        while !String::from_utf8_lossy(&answer).contains("}}") {
            match tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
                Err(_) => panic!("no answer within {WAIT:?}"),
            }
        }
        write.abort();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.contains("PARAM_ILLEGAL"), "{answer}");
        assert!(
            !answer.to_ascii_lowercase().contains("signature:"),
            "unsigned"
        );
    }
    // Unknown checkout page.
    assert_eq!(get(&format!("{base}/checkout/nope")).await.status, 404);

    // Still serving.
    let (response, _) = call_ok(&client, "v1/payments/pay", &pay_body("bad-ok", "100", None)).await;
    assert_eq!(response.result_code, "PAYMENT_IN_PROCESS");
}

#[tokio::test]
async fn a_smaller_body_limit_applies() {
    let server = start_mock_with(|config| config.max_body_bytes = 512).await;
    let client = client_for(&server);
    let mut body = pay_body("limit-1", "100", None);
    body["order"]["orderDescription"] = json!("d".repeat(600));
    let response = call(&client, "v1/payments/pay", &body).await.unwrap();
    assert_eq!(response.result_code, "PARAM_ILLEGAL");
    assert!(!response.verified);
    let (response, _) = call_ok(
        &client,
        "v1/payments/pay",
        &pay_body("limit-2", "100", None),
    )
    .await;
    assert_eq!(response.result_code, "PAYMENT_IN_PROCESS");
}

#[tokio::test]
async fn refuses_a_bad_configuration() {
    let mut config = antom_cli::mock::MockConfig::new(merchant_public());
    config.antom_private_key = Some(antom_private());
    config.time_scale = 0.0;
    assert!(
        antom_cli::mock::MockServer::start(config.clone())
            .await
            .is_err()
    );
    config.time_scale = f64::NAN;
    assert!(
        antom_cli::mock::MockServer::start(config.clone())
            .await
            .is_err()
    );
    config.time_scale = 1.0;
    config.client_id = "has space".to_owned();
    assert!(antom_cli::mock::MockServer::start(config).await.is_err());
}

// ---------------------------------------------------------------- transport faults on request

#[tokio::test]
async fn sim_http_503_answers_503_unsigned_and_creates_nothing() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("SIM_HTTP_503-a", "1000", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    let response = send(&request).await;
    assert_eq!(response.status, 503);
    assert!(
        !response
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("signature"))
    );
    // Inquiries always answer: the payment was never created.
    let inquiry = call(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "SIM_HTTP_503-a"}),
    )
    .await
    .unwrap();
    assert_eq!(inquiry.result_code, "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn sim_delay_answers_late_but_the_request_takes_effect() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("SIM_DELAY_1500_b", "1000", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    // A client that waits only 300 ms gives up...
    let gave_up = http::send(
        &request.method,
        &request.url,
        &request.headers,
        request.body.clone().into_bytes(),
        Duration::from_millis(300),
    )
    .await;
    assert!(gave_up.is_err(), "expected a timeout, got {gave_up:?}");
    // ...but the payment exists: the outcome after a timeout is "inquire", never "failed".
    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "SIM_DELAY_1500_b"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "PROCESSING");
    // A patient client gets the signed answer.
    let started = std::time::Instant::now();
    let late = send(&request).await;
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert_eq!(late.status, 200);
    let verified = client
        .verify_response(&request.path, &late.headers, &late.body)
        .unwrap();
    assert!(verified.verified);
}

#[tokio::test]
async fn sim_flaky_answers_503_n_times_then_processes_the_same_bytes() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("SIM_FLAKY_2_c", "1000", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    assert_eq!(send(&request).await.status, 503);
    assert_eq!(send(&request).await.status, 503);
    let third = send(&request).await;
    assert_eq!(third.status, 200);
    let verified = client
        .verify_response(&request.path, &third.headers, &third.body)
        .unwrap();
    assert!(verified.verified);
    // Processed once: the payment exists now.
    let (_, inquiry) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "SIM_FLAKY_2_c"}),
    )
    .await;
    assert_eq!(inquiry["paymentStatus"], "PROCESSING");
}

#[tokio::test]
async fn sim_reset_closes_the_connection_n_times_then_processes() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let body = serde_json::to_vec(&pay_body("SIM_RESET_1_d", "1000", None)).unwrap();
    let request = client.prepare("v1/payments/pay", &body, now_ms()).unwrap();
    let cut = http::send(
        &request.method,
        &request.url,
        &request.headers,
        request.body.clone().into_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(cut.is_err(), "expected a closed connection, got {cut:?}");
    // Nothing was done: the payment does not exist yet.
    let inquiry = call(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": "SIM_RESET_1_d"}),
    )
    .await
    .unwrap();
    assert_eq!(inquiry.result_code, "ORDER_NOT_EXIST");
    assert_eq!(send(&request).await.status, 200);
}
