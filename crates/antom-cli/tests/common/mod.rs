//! Shared helpers: keys, a simulator on an ephemeral port, the core client, a webhook.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antom_cli::http::{self, HttpResponse};
use antom_cli::mock::{MockConfig, MockServer};
use antom_core::{ApiResponse, Client, ClientConfig, PreparedRequest, PrivateKey, PublicKey};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "SANDBOX_5X00000000000000";
/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(15);

pub fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/keys")
        .join(name)
}

pub fn key_text(name: &str) -> String {
    std::fs::read_to_string(key_path(name)).unwrap()
}

pub fn merchant_private() -> PrivateKey {
    PrivateKey::parse(&key_text("TEST-ONLY-merchant.private.pkcs8.b64")).unwrap()
}

pub fn merchant_public() -> PublicKey {
    PublicKey::parse(&key_text("TEST-ONLY-merchant.public.spki.b64")).unwrap()
}

pub fn antom_private() -> PrivateKey {
    PrivateKey::parse(&key_text("TEST-ONLY-antom.private.pkcs8.b64")).unwrap()
}

/// A simulator on 127.0.0.1:0 signing with the test Antom key (generating one is slower).
pub async fn start_mock(time_scale: f64) -> MockServer {
    start_mock_with(|config| config.time_scale = time_scale).await
}

pub async fn start_mock_with(adjust: impl FnOnce(&mut MockConfig)) -> MockServer {
    let mut config = MockConfig::new(merchant_public());
    config.antom_private_key = Some(antom_private());
    config.log = std::env::var_os("ANTOM_MOCK_LOG").is_some();
    adjust(&mut config);
    MockServer::start(config).await.unwrap()
}

/// The core's client pointed at the simulator (sandbox paths).
pub fn client_for(server: &MockServer) -> Client {
    client_with(
        server,
        merchant_private(),
        server.antom_public_key(),
        CLIENT_ID,
    )
}

pub fn client_with(
    server: &MockServer,
    private_key: PrivateKey,
    antom_public_key: PublicKey,
    client_id: &str,
) -> Client {
    let mut config = ClientConfig::new(client_id, private_key, antom_public_key);
    config.gateway_url = Some(server.base_url().to_owned());
    Client::new(config).unwrap()
}

pub fn now_ms() -> u64 {
    antom_cli::clock::now_millis()
}

/// Sends a prepared request exactly as prepared.
pub async fn send(request: &PreparedRequest) -> HttpResponse {
    http::send(
        &request.method,
        &request.url,
        &request.headers,
        request.body.clone().into_bytes(),
        WAIT,
    )
    .await
    .unwrap()
}

/// prepare → send → verify_response.
pub async fn call(
    client: &Client,
    api: &str,
    body: &Value,
) -> Result<ApiResponse, antom_core::Error> {
    let body = serde_json::to_vec(body).unwrap();
    let request = client.prepare(api, &body, now_ms()).unwrap();
    let response = send(&request).await;
    assert_eq!(response.status, 200, "Antom results arrive as HTTP 200");
    client.verify_response(&request.path, &response.headers, &response.body)
}

/// As [`call`], panicking unless verified; returns the parsed body.
pub async fn call_ok(client: &Client, api: &str, body: &Value) -> (ApiResponse, Value) {
    let response = call(client, api, body).await.unwrap();
    assert!(response.verified, "every authenticated response is signed");
    let json: Value = serde_json::from_slice(&response.body).unwrap();
    (response, json)
}

pub async fn get(url: &str) -> HttpResponse {
    http::send("GET", url, &[], Vec::new(), WAIT).await.unwrap()
}

pub fn pay_body(request_id: &str, value: &str, notify_url: Option<&str>) -> Value {
    let mut body = serde_json::json!({
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": request_id,
        "order": {
            "referenceOrderId": format!("order-{request_id}"),
            "orderDescription": "Test order",
            "orderAmount": {"currency": "USD", "value": value},
        },
        "paymentAmount": {"currency": "USD", "value": value},
        "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
        "paymentRedirectUrl": "http://127.0.0.1:9/return",
        "env": {"terminalType": "WEB"},
        "settlementStrategy": {"settlementCurrency": "USD"},
    });
    if let Some(url) = notify_url {
        body["paymentNotifyUrl"] = Value::String(url.to_owned());
    }
    body
}

/// Polls `check` every 10 ms until it returns `Some`, for at most `limit`.
pub async fn wait_for<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out after {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A notification received by [`Webhook`].
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

/// A merchant webhook on its own thread and runtime: answers the scripted `(status, body)`
/// pairs in order, then the ack.
pub struct Webhook {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Webhook {
    pub fn start(path: &str, script: Vec<(u16, &'static str)>) -> Webhook {
        let received = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let log = Arc::clone(&received);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let script = Arc::new(script);
                let mut stopped = stopped;
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let log = Arc::clone(&log);
                            let script = Arc::clone(&script);
                            tokio::spawn(async move {
                                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                                    let log = Arc::clone(&log);
                                    let script = Arc::clone(&script);
                                    async move {
                                        let path = request.uri().path().to_owned();
                                        let headers = request
                                            .headers()
                                            .iter()
                                            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                                            .collect();
                                        let body = request.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                                        let index = {
                                            let mut log = log.lock().unwrap();
                                            log.push(Received { path, headers, body, at: Instant::now() });
                                            log.len() - 1
                                        };
                                        let (status, body) = script
                                            .get(index)
                                            .copied()
                                            .unwrap_or((200, antom_core::NOTIFICATION_ACK));
                                        let mut response = Response::new(Full::new(Bytes::from(body)));
                                        *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                                        Ok::<_, Infallible>(response)
                                    }
                                });
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        });
        let addr = addr_rx.recv_timeout(WAIT).unwrap();
        Webhook {
            url: format!("http://{addr}{path}"),
            received,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (bounded) until at least `count` notifications have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        wait_for(WAIT, || {
            let all = self.received();
            (all.len() >= count).then_some(all)
        })
        .await
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
