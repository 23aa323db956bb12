//! A whole key rotation against one simulator, Antom's key and the merchant's, with a
//! notification in flight across it: no verification fails, and nothing signed by a retired
//! key is accepted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use antom_core::{AntomKey, Client, ClientConfig, ErrorCode, KeyRing, PrivateKey, PublicKey};
use common::{
    CLIENT_ID, WAIT, Webhook, call, call_ok, get, key_text, merchant_private, now_ms, pay_body,
    send, start_mock, wait_for,
};

fn client(
    server: &antom_cli::mock::MockServer,
    key: PrivateKey,
    key_version: u32,
    ring: Vec<AntomKey>,
) -> Client {
    let mut config = ClientConfig::new(CLIENT_ID, key, KeyRing::new(ring).unwrap());
    config.gateway_url = Some(server.base_url().to_owned());
    config.key_version = key_version;
    Client::new(config).unwrap()
}

#[tokio::test]
async fn a_whole_rotation_with_a_notification_in_flight() {
    // 2 min of Antom time in 200 ms: the notification's retries straddle the rotation.
    let server = start_mock(600.0).await;
    let old_antom = server.antom_public_key();
    let old_merchant = merchant_private();
    let new_merchant = PrivateKey::parse(&key_text("TEST-ONLY-other.private.pkcs8.b64")).unwrap();

    // Before: one key each, version 1.
    let before = client(
        &server,
        old_merchant.clone(),
        1,
        vec![AntomKey::tagged(old_antom.clone(), 1)],
    );
    // The webhook refuses the first two deliveries, so the third comes after the rotation.
    let webhook = Webhook::start("/notify", vec![(500, "down"), (500, "down")]);
    let (paid, pay) = call_ok(
        &before,
        "v1/payments/pay",
        &pay_body("rot-1", "100", Some(&webhook.url)),
    )
    .await;
    assert_eq!(paid.verified_by.as_ref().unwrap().key_version, Some(1));
    get(pay["normalUrl"].as_str().unwrap()).await;
    wait_for(WAIT, || (!webhook.received().is_empty()).then_some(())).await;
    let first = webhook.received()[0].clone();
    assert_eq!(
        before
            .verify_notification("/notify", &first.headers, &first.body)
            .unwrap()
            .verified_by
            .key_version,
        Some(1)
    );

    // During, step 1: the merchant adds Antom's announced next key (the ring), then Antom
    // switches to it. Both versions verify.
    let (version, new_antom) = server.rotate_antom_key().unwrap();
    assert_eq!(version, 2);
    let during = client(
        &server,
        old_merchant.clone(),
        1,
        vec![
            AntomKey::tagged(old_antom.clone(), 1),
            AntomKey::tagged(new_antom.clone(), 2),
        ],
    );
    // The old client, without the new key, refuses the new version by name: the reason for a ring.
    let refused = call(
        &before,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "rot-1"}),
    )
    .await;
    assert_eq!(refused.unwrap_err().code(), ErrorCode::UnknownKeyVersion);
    let inquiry = call(
        &during,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "rot-1"}),
    )
    .await
    .unwrap();
    assert_eq!(inquiry.verified_by.as_ref().unwrap().key_version, Some(2));
    // The delivery signed before the rotation still verifies with the ring (Antom retries a day).
    assert_eq!(
        during
            .verify_notification("/notify", &first.headers, &first.body)
            .unwrap()
            .verified_by
            .key_version,
        Some(1)
    );

    // During, step 2: the merchant registers a new key as version 2 and switches to it; both
    // merchant keys are accepted in the window.
    server
        .add_merchant_key(2, new_merchant.public_key())
        .unwrap();
    let switched = client(
        &server,
        new_merchant.clone(),
        2,
        vec![
            AntomKey::tagged(old_antom.clone(), 1),
            AntomKey::tagged(new_antom.clone(), 2),
        ],
    );
    call_ok(
        &switched,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "rot-1"}),
    )
    .await;
    call_ok(
        &during,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "rot-1"}),
    )
    .await;

    // The in-flight notification is retried, now signed with keyVersion 2, and acknowledged.
    let delivery = wait_for(Duration::from_secs(20), || {
        server.deliveries().into_iter().find(|d| d.finished)
    })
    .await;
    assert!(delivery.acknowledged);
    for received in webhook.received() {
        switched
            .verify_notification("/notify", &received.headers, &received.body)
            .unwrap();
    }
    let last = webhook.received().last().cloned().unwrap();
    assert_eq!(
        switched
            .verify_notification("/notify", &last.headers, &last.body)
            .unwrap()
            .verified_by
            .key_version,
        Some(2)
    );

    // After: the old keys are retired on both sides.
    server.retire_merchant_key(1).unwrap();
    let after = client(
        &server,
        new_merchant.clone(),
        2,
        vec![AntomKey::tagged(new_antom.clone(), 2)],
    );
    call_ok(
        &after,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "rot-1"}),
    )
    .await;
    // A request signed with the retired merchant key is refused by the gateway (unsigned F).
    let body = serde_json::to_vec(&serde_json::json!({"paymentRequestId": "rot-1"})).unwrap();
    let stale = during
        .prepare("v1/payments/inquiryPayment", &body, now_ms())
        .unwrap();
    let response = send(&stale).await;
    let verdict = after
        .verify_response(&stale.path, &response.headers, &response.body)
        .unwrap();
    assert!(!verdict.verified);
    assert_eq!(verdict.result_code, "KEY_NOT_FOUND");
    // A message signed by Antom's retired key is refused, never accepted.
    let error = after
        .verify_notification("/notify", &first.headers, &first.body)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::UnknownKeyVersion);
    // Even relabelled as version 2, it does not verify with the new key.
    let relabelled: Vec<(String, String)> = first
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "signature" {
                    v.replace("keyVersion=1", "keyVersion=2")
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let error = after
        .verify_notification("/notify", &relabelled, &first.body)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);
    assert!(
        error.message().contains(&new_antom.fingerprint()),
        "{error}"
    );
}

#[tokio::test]
async fn the_simulator_serves_every_antom_key_and_refuses_bad_admin_requests() {
    let server = start_mock(1.0).await;
    server.rotate_antom_key().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(
        &get(&format!("{}/antom-public-keys", server.base_url()))
            .await
            .body,
    )
    .unwrap();
    let versions: Vec<u64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyVersion"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);
    let current = PublicKey::parse(listed[1]["publicKey"].as_str().unwrap()).unwrap();
    assert_eq!(current, server.antom_public_key());
    assert_eq!(listed[1]["fingerprint"], current.fingerprint());
    assert!(
        server.retire_merchant_key(1).is_err(),
        "the last merchant key stays"
    );
    assert!(server.retire_merchant_key(7).is_err());
    let post = |path: &str, body: &str| {
        let url = format!("{}{path}", server.base_url());
        let body = body.as_bytes().to_vec();
        async move {
            antom_cli::http::send("POST", &url, &[], body, WAIT)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        post("/mock/merchant-keys", r#"{"keyVersion":2}"#)
            .await
            .status,
        400
    );
    assert_eq!(
        post(
            "/mock/merchant-keys",
            r#"{"keyVersion":-1,"publicKey":"x"}"#
        )
        .await
        .status,
        400
    );
    let other = key_text("TEST-ONLY-other.public.spki.b64");
    let added = post(
        "/mock/merchant-keys",
        &format!(r#"{{"keyVersion":2,"publicKey":"{}"}}"#, other.trim()),
    )
    .await;
    assert_eq!(added.status, 200);
    assert_eq!(
        post("/mock/merchant-keys/retire", r#"{"keyVersion":1}"#)
            .await
            .status,
        200
    );
    let rotated = post("/mock/rotate-antom-key", "").await;
    assert_eq!(rotated.status, 200);
    let rotated: serde_json::Value = serde_json::from_slice(&rotated.body).unwrap();
    assert_eq!(rotated["keyVersion"], 3);
}
