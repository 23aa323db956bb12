//! The simulator's special APIs: the multipart image upload, the meter session and the unsigned
//! meter event upload, driven by the core (antom_core::upload, antom_core::meter).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use antom_cli::http;
use antom_core::Outcome;
use antom_core::meter::{prepare_event_upload, read_event_reply};
use antom_core::upload::prepare_upload;
use common::*;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn an_image_uploads_and_its_signed_reply_verifies() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let image = b"\x89PNG\r\n\x1a\n pretend image bytes".to_vec();
    let upload =
        prepare_upload(&client, "prod-1", "shot.png", "image/png", &image, now_ms()).unwrap();
    let response = http::send(
        &upload.method,
        &upload.url,
        &upload.headers,
        upload.body.clone(),
        WAIT,
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200);
    let verified = client
        .verify_response(&upload.path, &response.headers, &response.body)
        .unwrap();
    assert!(verified.verified);
    let body: Value = serde_json::from_slice(&verified.body).unwrap();
    assert_eq!(body["result"]["resultStatus"], "S", "{body}");
    assert_eq!(body["productId"], "prod-1");
    assert!(body["imageUrl"].as_str().unwrap().starts_with("http"));
    // The same upload with the file changed after signing: the digest no longer matches.
    let mut tampered = upload.body.clone();
    let at = tampered
        .windows(image.len())
        .position(|w| w == image.as_slice())
        .unwrap();
    tampered[at + 10] ^= 1;
    let response = http::send(&upload.method, &upload.url, &upload.headers, tampered, WAIT)
        .await
        .unwrap();
    let refused = client
        .verify_response(&upload.path, &response.headers, &response.body)
        .unwrap();
    let body: Value = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(body["result"]["resultStatus"], "F", "{body}");
    // A JSON part changed after signing: the signature no longer verifies.
    let text = String::from_utf8_lossy(&upload.body).replace("prod-1", "prod-2");
    let response = http::send(
        &upload.method,
        &upload.url,
        &upload.headers,
        text.into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["result"]["resultCode"], "INVALID_SIGNATURE", "{body}");
}

#[tokio::test]
async fn meter_events_upload_unsigned_in_a_session_and_are_never_final() {
    let server = start_mock(1.0).await;
    let client = client_for(&server);
    let (created, body) = call_ok(
        &client,
        "v1/meter/createSession",
        &json!({"requestId": "req-1"}),
    )
    .await;
    assert!(created.verified);
    let session = body["sessionId"].as_str().unwrap().to_owned();
    let event = json!({"meters": {"meterId": "m-1", "events": [{"value": "3"}]}}).to_string();
    let prepared = prepare_event_upload(&client, &session, &event).unwrap();
    let response = http::send(
        &prepared.method,
        &prepared.url,
        &prepared.headers,
        prepared.body.clone().into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200);
    assert!(
        response.header("signature").is_none(),
        "the event reply is unsigned"
    );
    let reply = read_event_reply(&response.body).unwrap();
    assert!(!reply.verified);
    assert_eq!(reply.outcome, Outcome::Unknown);
    assert_eq!(reply.result_status.as_deref(), Some("S"));
    // A session the simulator never issued is refused.
    let stranger = prepare_event_upload(&client, "not-a-session", &event).unwrap();
    let response = http::send(
        &stranger.method,
        &stranger.url,
        &stranger.headers,
        stranger.body.clone().into_bytes(),
        WAIT,
    )
    .await
    .unwrap();
    let reply = read_event_reply(&response.body).unwrap();
    assert_eq!(reply.result_code.as_deref(), Some("SESSION_NOT_FOUND"));
    assert_eq!(reply.outcome, Outcome::Unknown);
}
