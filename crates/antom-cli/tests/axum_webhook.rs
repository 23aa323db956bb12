//! An Antom webhook endpoint in axum, run for real: the simulator pays, the buyer checks out,
//! the simulator delivers the signed `notifyPayment` to this axum server, which verifies it with
//! the core and acknowledges it; a forged and a tampered notification get 401 and are never
//! processed. The handler below is the one the README shows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antom_core::{Client, NOTIFICATION_ACK, Notification, Outcome, PrivateKey, signature_header};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::*;
use serde_json::{Value, json};

// ------------------------------------------------------------------ the handler (README)

/// The path registered with Antom as the notification URL (domain excluded).
const NOTIFY_PATH: &str = "/antom/notify";

struct App {
    client: Client,
    /// Stands in for your database: the dedup keys already processed, and what was paid.
    processed: Mutex<Vec<(String, Outcome)>>,
    /// Makes processing fail, as a database outage would (the test of the 500 path).
    database_down: AtomicBool,
}

/// Raw body as `Bytes` (never a `Json` extractor: re-serialised JSON no longer verifies) and
/// every header; verify first, process once, then acknowledge.
// README: axum handler begin
async fn antom_notify(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    // Non-UTF-8 values are kept (lossily) so a repeated header is still seen as repeated.
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let notification = match app.client.verify_notification(NOTIFY_PATH, &pairs, &body) {
        Ok(notification) => notification,
        // Only the stable code goes back; never details, never the body.
        Err(error) => return (StatusCode::UNAUTHORIZED, error.code().as_str()).into_response(),
    };
    if process_once(&app, &notification).is_err() {
        // Not acknowledged: Antom delivers it again later.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        NOTIFICATION_ACK,
    )
        .into_response()
}
// README: axum handler end

/// Your business logic, idempotent on the dedup key (Antom resends until acknowledged). Ship
/// only on `Outcome::Succeeded`.
fn process_once(app: &App, notification: &Notification) -> Result<(), String> {
    if app.database_down.load(Ordering::SeqCst) {
        return Err("database unavailable".to_owned());
    }
    let mut processed = app.processed.lock().map_err(|_| "poisoned".to_owned())?;
    if !processed
        .iter()
        .any(|(key, _)| *key == notification.dedup_key)
    {
        processed.push((notification.dedup_key.clone(), notification.outcome));
    }
    Ok(())
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(NOTIFY_PATH, post(antom_notify))
        .with_state(app)
}

// ------------------------------------------------------------------ running it

/// Serves the router on 127.0.0.1:0; returns the notify URL.
async fn serve(app: Arc<App>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(app)).await });
    format!("http://{addr}{NOTIFY_PATH}")
}

async fn post_notification(url: &str, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
    let response = antom_cli::http::send("POST", url, headers, body.to_vec(), WAIT)
        .await
        .unwrap();
    (
        response.status,
        String::from_utf8_lossy(&response.body).into_owned(),
    )
}

fn signed_headers(key: &PrivateKey, body: &[u8]) -> Vec<(String, String)> {
    let time = antom_cli::clock::now_iso8601();
    let signature = signature_header(key, NOTIFY_PATH, CLIENT_ID, &time, body, 1).unwrap();
    vec![
        ("content-type".into(), "application/json".into()),
        ("client-id".into(), CLIENT_ID.into()),
        ("request-time".into(), time),
        ("signature".into(), signature),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_acknowledges_a_signed_notification_and_refuses_forgeries() {
    let server = start_mock(1.0).await;
    let app = Arc::new(App {
        client: client_for(&server),
        processed: Mutex::new(Vec::new()),
        database_down: AtomicBool::new(false),
    });
    let url = serve(Arc::clone(&app)).await;
    let merchant = client_for(&server);

    // pay with the axum endpoint as notifyUrl; the buyer pays; the simulator notifies.
    let (_, pay) = call_ok(
        &merchant,
        "v1/payments/pay",
        &pay_body("axum-1", "1000", Some(&url)),
    )
    .await;
    let page = get(pay["normalUrl"].as_str().unwrap()).await;
    assert_eq!(page.status, 200);

    // The simulator saw the ack (HTTP 200 + result S) on its first attempt.
    let deadline = Instant::now() + WAIT;
    let delivery = loop {
        let log = get(&format!("{}/notifications", server.base_url())).await;
        let log: Value = serde_json::from_slice(&log.body).unwrap();
        if let Some(d) = log.as_array().and_then(|all| all.first()).cloned() {
            if d["finished"] == json!(true) {
                break d;
            }
        }
        assert!(Instant::now() < deadline, "no delivery finished: {log}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(delivery["acknowledged"], json!(true), "{delivery}");
    assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1);
    let processed = app.processed.lock().unwrap().clone();
    assert_eq!(processed.len(), 1);
    assert!(processed[0].0.starts_with("PAYMENT_RESULT:paymentId="));
    assert_eq!(processed[0].1, Outcome::Succeeded);

    // A notification signed with a key that is not Antom's: 401, not processed.
    let body = serde_json::to_vec(&json!({
        "notifyType": "PAYMENT_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentRequestId": "axum-direct", "paymentId": "direct-1",
    }))
    .unwrap();
    let other = PrivateKey::parse(&key_text("TEST-ONLY-other.private.pkcs8.b64")).unwrap();
    let (status, text) = post_notification(&url, &signed_headers(&other, &body), &body).await;
    assert_eq!((status, text.as_str()), (401, "SIGNATURE_MISMATCH"));

    // Antom's own signature over a body changed by one byte after signing: 401.
    let headers = signed_headers(&antom_private(), &body);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'1').unwrap();
    tampered[at] = b'2';
    let (status, _) = post_notification(&url, &headers, &tampered).await;
    assert_eq!(status, 401);
    // The same headers with the untampered body are accepted: the refusals above were the
    // forgeries, not the test's signing.
    let (status, text) = post_notification(&url, &headers, &body).await;
    assert_eq!((status, text.as_str()), (200, NOTIFICATION_ACK));

    // Verified, but processing fails: 500, not acknowledged (Antom delivers it again).
    app.database_down.store(true, Ordering::SeqCst);
    let (status, _) = post_notification(&url, &headers, &body).await;
    assert_eq!(status, 500);
    app.database_down.store(false, Ordering::SeqCst);

    // No signature at all: 401 MISSING_HEADER.
    let (status, text) = post_notification(&url, &headers[..3], &body).await;
    assert_eq!((status, text.as_str()), (401, "MISSING_HEADER"));

    // Processed: the simulator's notification and the genuine direct one, nothing else.
    let processed = app.processed.lock().unwrap().clone();
    assert_eq!(processed.len(), 2);
    assert_eq!(processed[1].0, "PAYMENT_RESULT:paymentId=direct-1");
}

#[test]
fn the_readme_shows_this_handler_verbatim() {
    let source = include_str!("axum_webhook.rs");
    let begin = source.find("// README: axum handler begin\n").unwrap();
    let end = source.find("// README: axum handler end").unwrap();
    let handler = &source[begin + "// README: axum handler begin\n".len()..end];
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&format!("```rust\n{handler}```")),
        "README.md's axum block differs from tests/axum_webhook.rs"
    );
}
