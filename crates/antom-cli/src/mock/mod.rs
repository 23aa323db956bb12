//! A local Antom simulator: `antom mock`.
//!
//! It listens on 127.0.0.1 only and behaves like the Antom gateway for the online-payment
//! APIs a merchant integration uses first:
//!
//! * **Gateway checks, in Antom's order**: `POST` only (`METHOD_NOT_SUPPORTED`), a known
//!   endpoint (`NO_INTERFACE_DEF`, or `INVALID_API` for a real Antom API the simulator does not
//!   implement), a body of at most [`MockConfig::max_body_bytes`] and the `client-id` /
//!   `request-time` headers (`PARAM_ILLEGAL`), a JSON content type
//!   (`MEDIA_TYPE_NOT_ACCEPTABLE`), the configured client id (`INVALID_CLIENT`), a registered
//!   merchant `keyVersion` (`KEY_NOT_FOUND`; 1 at start) and a valid request signature over
//!   `POST <path>\n<client-id>.<request-time>.<body>` with the merchant's public key of that
//!   version (`INVALID_SIGNATURE`). These answers are `F` and **unsigned**, as Antom's gateway errors
//!   are; the core accepts exactly such responses as unverified failures.
//! * **Everything after authentication is signed** with the simulator's Antom key
//!   (`signature`, `response-time`, `client-id` headers), including `PARAM_ILLEGAL` for a body
//!   that is not a JSON object and every business result.
//! * **APIs**: `pay`, `inquiryPayment`, `cancel`, `refund`, `inquiryRefund`, `capture`,
//!   `createPaymentSession`, under both `/ams/api/v1/payments/` and
//!   `/ams/sandbox/api/v1/payments/` (see [`state`] for the state machine and idempotency).
//!   Beside them (see `special`): `meter/createSession` (signed: issues an `X-Session-Id`),
//!   `meter/uploadEvent` (unsigned both ways, in an issued session; over HTTP/1.1 here) and
//!   `billing/product/uploadImage` (multipart: the signature covers the JSON part, whose
//!   `fileSha256` must match the file in `file` / `imageFile`, at most 2 MiB).
//! * **Notifications**: `notifyPayment`, `notifyRefund` and `notifyCapture` are signed and
//!   POSTed to the URL given in the request, retried on Antom's schedule (0 s, 2 min, 10 min,
//!   10 min, 1 h, 2 h, 6 h, 15 h) divided by [`MockConfig::time_scale`] until answered with
//!   HTTP 200 and a JSON body whose `result.resultStatus` is `"S"` (see [`notify`]).
//!
//! Simulator-only pages (`GET`): `/antom-public-key` (the public half of the signing key, one
//! line of base64), `/checkout/<paymentId>` (the `normalUrl` a buyer visits; add
//! `?result=FAIL` to decline) and `/notifications` (the delivery log as JSON).
//!
//! Key rotation (see [`MockServer::rotate_antom_key`]): `GET /antom-public-keys`,
//! `POST /mock/rotate-antom-key`, `POST /mock/merchant-keys`, `POST /mock/merchant-keys/retire`.

mod fault;
mod keys;
pub mod notify;
mod special;
pub mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use antom_core::{PrivateKey, PublicKey, SignatureHeader, SignedContent, signature_header};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{AbortHandle, JoinHandle};

use crate::clock;
pub use notify::{Attempt, Delivery, RETRY_SCHEDULE_SECS};
use state::{Op, State};

/// The client id the simulator accepts unless told otherwise (Antom's documented example).
pub const DEFAULT_CLIENT_ID: &str = "SANDBOX_5X00000000000000";
/// Default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// How long a client may take to send its body (headers have their own 10 s limit).
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The response `Content-Type`.
const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The only client id accepted (`INVALID_CLIENT` otherwise).
    pub client_id: String,
    /// Verifies request signatures.
    pub merchant_public_key: PublicKey,
    /// Signs responses and notifications; `None` generates a fresh RSA-2048 key.
    pub antom_private_key: Option<PrivateKey>,
    /// Divides the notification retry schedule (e.g. 60 turns 2 min into 2 s).
    pub time_scale: f64,
    /// Largest request body accepted (`PARAM_ILLEGAL` above it).
    pub max_body_bytes: usize,
    /// Print one line per request and per notification attempt to stdout.
    pub log: bool,
}

impl MockConfig {
    /// The defaults: ephemeral port, [`DEFAULT_CLIENT_ID`], a generated key, real-time
    /// retries, a 1 MiB body limit, no logging.
    pub fn new(merchant_public_key: PublicKey) -> MockConfig {
        MockConfig {
            port: 0,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            merchant_public_key,
            antom_private_key: None,
            time_scale: 1.0,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            log: false,
        }
    }
}

/// Generates an RSA-2048 key for the simulator to sign with.
///
/// # Errors
/// A message when the system has no randomness or the key cannot be encoded.
pub fn generate_key() -> Result<PrivateKey, String> {
    use getrandom::SysRng;
    use getrandom::rand_core::UnwrapErr;
    use rsa::pkcs8::EncodePrivateKey;
    // SysRng only fails when the OS has no randomness at all; check that once, up front,
    // so UnwrapErr below cannot panic in practice.
    let mut probe = [0u8; 8];
    getrandom::fill(&mut probe).map_err(|e| format!("no system randomness: {e}"))?;
    let key = rsa::PrivateKey::new(&mut UnwrapErr(SysRng), 2048)
        .map_err(|e| format!("RSA key generation failed: {e}"))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|_| "the generated key could not be encoded".to_owned())?;
    PrivateKey::from_der(der.as_bytes()).map_err(|e| e.to_string())
}

/// State shared by the listener, the request handlers and the notification tasks.
pub(crate) struct Shared {
    pub(crate) client_id: String,
    keys: Mutex<keys::Keys>,
    pub(crate) time_scale: f64,
    pub(crate) max_body_bytes: usize,
    pub(crate) log: bool,
    pub(crate) base_url: String,
    pub(crate) state: Mutex<State>,
    tasks: Mutex<Vec<AbortHandle>>,
    /// Deliveries per request body, for the flaky and reset faults.
    deliveries: fault::Deliveries,
}

impl Shared {
    pub(crate) fn keys(&self) -> MutexGuard<'_, keys::Keys> {
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Antom's key that signs now, and its `keyVersion`.
    pub(crate) fn signing_key(&self) -> (u32, PrivateKey) {
        self.keys().signing()
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn log(&self, line: &str) {
        if self.log {
            // Never println!: it panics when stdout is a closed pipe.
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "[antom mock] {line}");
            let _ = stdout.flush();
        }
    }

    /// `secs` of Antom time in simulator time.
    pub(crate) fn scaled(&self, secs: u64) -> Duration {
        #[allow(clippy::cast_precision_loss)]
        let scaled = secs as f64 / self.time_scale;
        Duration::try_from_secs_f64(scaled).unwrap_or(Duration::from_secs(u64::from(u32::MAX)))
    }

    fn track(&self, handle: AbortHandle) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle);
    }
}

/// A running simulator. Dropping it (or calling [`MockServer::shutdown`]) stops the
/// listener and every pending notification retry.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    listener: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds 127.0.0.1:`config.port` and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// A message when the configuration is invalid, the key cannot be generated or the
    /// port cannot be bound.
    pub async fn start(config: MockConfig) -> Result<MockServer, String> {
        if !(config.time_scale.is_finite() && config.time_scale > 0.0) {
            return Err("--time-scale must be a positive number".to_owned());
        }
        if config.client_id.is_empty() || !config.client_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the client id must be visible ASCII without spaces".to_owned());
        }
        let antom_key = match config.antom_private_key {
            Some(key) => key,
            None => generate_key()?,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        let shared = Arc::new(Shared {
            client_id: config.client_id,
            keys: Mutex::new(keys::Keys::new(antom_key, config.merchant_public_key)),
            time_scale: config.time_scale,
            max_body_bytes: config.max_body_bytes,
            log: config.log,
            base_url: format!("http://{addr}"),
            state: Mutex::new(State::default()),
            tasks: Mutex::new(Vec::new()),
            deliveries: fault::Deliveries::default(),
        });
        let (stop, stopped) = oneshot::channel();
        let listener = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stopped));
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            listener: Some(listener),
        })
    }

    /// The bound address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`: the gateway URL to configure in a client.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The public half of the key responses and notifications are signed with now.
    pub fn antom_public_key(&self) -> PublicKey {
        self.shared.signing_key().1.public_key()
    }

    /// Starts signing with a fresh Antom key under the next `keyVersion` (as
    /// `POST /mock/rotate-antom-key`); returns that version and the new public key.
    ///
    /// # Errors
    /// A message when no key can be generated.
    pub fn rotate_antom_key(&self) -> Result<(u32, PublicKey), String> {
        self.shared.keys().rotate_antom()?;
        let (version, key) = self.shared.signing_key();
        Ok((version, key.public_key()))
    }

    /// Registers the merchant's public key for `key_version` (as `POST /mock/merchant-keys`).
    ///
    /// # Errors
    /// A message when the ring would be too large or the key is registered under another version.
    pub fn add_merchant_key(&self, key_version: u32, key: PublicKey) -> Result<(), String> {
        self.shared.keys().add_merchant(key_version, key)
    }

    /// Retires the merchant's key `key_version` (as `POST /mock/merchant-keys/retire`).
    ///
    /// # Errors
    /// A message when no such key is registered, or it is the last one.
    pub fn retire_merchant_key(&self, key_version: u32) -> Result<(), String> {
        self.shared.keys().retire_merchant(key_version)
    }

    /// A snapshot of every notification delivery so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.state().deliveries.clone()
    }

    /// Waits until the listener stops (it only stops on [`MockServer::shutdown`] or drop).
    pub async fn wait(mut self) {
        if let Some(listener) = self.listener.take() {
            let _ = listener.await;
        }
    }

    /// Stops accepting connections and cancels pending notification retries.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(listener) = self.listener.take() {
            let _ = listener.await;
        }
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let tasks =
            std::mem::take(&mut *self.shared.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for task in tasks {
            task.abort();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop_now();
        if let Some(listener) = self.listener.take() {
            listener.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors or similar: back off instead of spinning.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let shared = Arc::clone(&shared);
                // Detached: a connection ends when its client closes it or times out.
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// What the gateway answers: a body, signed or not.
pub(crate) struct Reply {
    /// The HTTP status: 200 except for a simulated transport fault ([`fault`]).
    pub(crate) status: StatusCode,
    pub(crate) body: String,
    /// `Some(client id)` when the response is signed for that client id.
    pub(crate) signed_for: Option<String>,
    /// `S SUCCESS`, `F INVALID_SIGNATURE`...: for the log.
    pub(crate) summary: String,
}

/// Renders `{"result":{...},<fields>}` with `result` first.
pub fn render(status: &str, code: &str, message: &str, fields: &Map<String, Value>) -> String {
    let mut body = format!(
        "{{\"result\":{}",
        json!({"resultCode": code, "resultStatus": status, "resultMessage": message})
    );
    for (name, value) in fields {
        body.push(',');
        body.push_str(&Value::String(name.clone()).to_string());
        body.push(':');
        body.push_str(&value.to_string());
    }
    body.push('}');
    body
}

/// An unsigned gateway error (`F`), as Antom sends before a request is authenticated.
fn gateway_error(code: &str, message: &str) -> Reply {
    Reply {
        status: StatusCode::OK,
        body: render("F", code, message, &Map::new()),
        signed_for: None,
        summary: format!("F {code} (unsigned)"),
    }
}

/// A request whose connection is closed with no reply ([`fault::Fault::Reset`]).
#[derive(Debug)]
struct ConnectionClosed;

impl std::fmt::Display for ConnectionClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed (simulated fault)")
    }
}

impl std::error::Error for ConnectionClosed {}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ConnectionClosed> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if method == Method::GET {
        if path == "/antom-public-key" {
            let text = format!("{}\n", shared.signing_key().1.public_key().to_base64());
            return Ok(plain(StatusCode::OK, "text/plain; charset=UTF-8", text));
        }
        if path == "/antom-public-keys" {
            let list = shared.keys().antom_public_keys();
            return Ok(plain(StatusCode::OK, JSON_CONTENT_TYPE, list.to_string()));
        }
        if path == "/notifications" {
            let log = notify::deliveries_json(&shared.state().deliveries);
            return Ok(plain(StatusCode::OK, JSON_CONTENT_TYPE, log.to_string()));
        }
        if let Some(payment_id) = path.strip_prefix("/checkout/") {
            let decline = request
                .uri()
                .query()
                .is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("result=fail")));
            return Ok(checkout(&shared, payment_id, decline));
        }
    }
    if method == Method::POST && path.starts_with("/mock/") {
        return Ok(admin(&shared, &path, request).await);
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    let reply = gateway(&shared, request, &method, &path).await;
    shared.log(&format!("{method} {target} -> {}", reply.summary));
    if reply.status == fault::CLOSE_CONNECTION {
        // hyper closes a connection whose service fails, sending nothing.
        return Err(ConnectionClosed);
    }
    Ok(respond(&shared, &target, reply))
}

/// The simulator's key administration (`/mock/...`, loopback only): see [`keys`].
async fn admin(shared: &Shared, path: &str, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let body = match Limited::new(request.into_body(), 64 * 1024).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return plain(
                StatusCode::BAD_REQUEST,
                "text/plain; charset=UTF-8",
                "body too large".to_owned(),
            );
        }
    };
    let result = match path {
        "/mock/rotate-antom-key" => shared.keys().rotate_antom(),
        "/mock/merchant-keys" => keys::admin_body(&body, true).and_then(|(version, key)| {
            let key = key.ok_or_else(|| "publicKey is required".to_owned())?;
            shared.keys().add_merchant(version, key)?;
            Ok(json!({"keyVersion": version}))
        }),
        "/mock/merchant-keys/retire" => keys::admin_body(&body, false).and_then(|(version, _)| {
            shared.keys().retire_merchant(version)?;
            Ok(json!({"retired": version}))
        }),
        _ => {
            return plain(
                StatusCode::NOT_FOUND,
                "text/plain; charset=UTF-8",
                "no such simulator page".to_owned(),
            );
        }
    };
    match result {
        Ok(value) => {
            shared.log(&format!("POST {path} -> {value}"));
            plain(StatusCode::OK, JSON_CONTENT_TYPE, value.to_string())
        }
        Err(message) => plain(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=UTF-8",
            message,
        ),
    }
}

fn plain(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert("content-type", value);
    }
    response
}

fn respond(shared: &Shared, target: &str, reply: Reply) -> Response<Full<Bytes>> {
    if reply.status != StatusCode::OK {
        return plain(reply.status, "text/plain; charset=UTF-8", reply.body);
    }
    let Some(client_id) = reply.signed_for else {
        return plain(StatusCode::OK, JSON_CONTENT_TYPE, reply.body);
    };
    let response_time = clock::now_iso8601();
    let (key_version, key) = shared.signing_key();
    let Ok(signature) = signature_header(
        &key,
        target,
        &client_id,
        &response_time,
        reply.body.as_bytes(),
        key_version,
    ) else {
        let error = gateway_error("UNKNOWN_EXCEPTION", "the simulator could not sign");
        return plain(StatusCode::OK, JSON_CONTENT_TYPE, error.body);
    };
    let mut response = plain(StatusCode::OK, JSON_CONTENT_TYPE, reply.body);
    let headers = response.headers_mut();
    for (name, value) in [
        ("client-id", client_id),
        ("response-time", response_time),
        ("signature", signature),
    ] {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    }
    response
}

/// The API name under `/ams/api/` or `/ams/sandbox/api/` (e.g. `v1/payments/pay`).
fn api_of(path: &str) -> Option<&str> {
    path.strip_prefix("/ams/api/")
        .or_else(|| path.strip_prefix("/ams/sandbox/api/"))
}

/// One header's value: `Ok(None)` when absent or blank, `Err` when repeated or not text.
fn single_header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Reply> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(gateway_error(
            "PARAM_ILLEGAL",
            &format!("the {name} header appears more than once"),
        ));
    }
    match first {
        None => Ok(None),
        Some(value) => match value.to_str() {
            Ok(text) => Ok(Some(text.trim()).filter(|t| !t.is_empty())),
            Err(_) => Err(gateway_error(
                "PARAM_ILLEGAL",
                &format!("the {name} header is not visible ASCII"),
            )),
        },
    }
}

async fn gateway(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
    method: &Method,
    path: &str,
) -> Reply {
    if method != Method::POST {
        return gateway_error("METHOD_NOT_SUPPORTED", "Antom APIs accept POST only");
    }
    let Some(api) = api_of(path) else {
        return gateway_error(
            "NO_INTERFACE_DEF",
            "no API at this path: Antom APIs live under /ams/api/ (or /ams/sandbox/api/)",
        );
    };
    if api == special::UPLOAD_EVENT {
        return special::upload_event(shared, request).await;
    }
    let signed_special = special::Signed::of(api);
    let upload_api = signed_special == Some(special::Signed::UploadImage);
    let op = Op::from_api(api);
    if op.is_none() && signed_special.is_none() {
        let production = format!("/ams/api/{api}");
        let known = antom_core::endpoints().iter().any(|e| e.path == production);
        return if known {
            gateway_error(
                "INVALID_API",
                "this Antom API is not implemented by the simulator (it implements pay, \
                 inquiryPayment, cancel, refund, inquiryRefund, capture, createPaymentSession, \
                 meter/createSession, meter/uploadEvent, billing/product/uploadImage)",
            )
        } else {
            gateway_error("NO_INTERFACE_DEF", "no such Antom API")
        };
    }
    let max_body = if upload_api {
        special::MAX_UPLOAD_BODY
    } else {
        shared.max_body_bytes
    };
    let headers = request.headers();
    let declared_len = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared_len.is_some_and(|len| len > max_body as u64) {
        return gateway_error(
            "PARAM_ILLEGAL",
            &format!("the request body exceeds {max_body} bytes"),
        );
    }
    let (client_id, request_time, signature, content_type) = match (
        single_header(headers, "client-id"),
        single_header(headers, "request-time"),
        single_header(headers, "signature"),
        single_header(headers, "content-type"),
    ) {
        (Err(reply), ..) | (_, Err(reply), ..) | (_, _, Err(reply), _) | (.., Err(reply)) => {
            return reply;
        }
        (Ok(client_id), Ok(request_time), Ok(signature), Ok(content_type)) => {
            let Some(client_id) = client_id else {
                return gateway_error("PARAM_ILLEGAL", "the client-id header is missing");
            };
            let Some(request_time) = request_time else {
                return gateway_error("PARAM_ILLEGAL", "the request-time header is missing");
            };
            if !upload_api
                && content_type
                    .is_some_and(|ct| !ct.to_ascii_lowercase().starts_with("application/json"))
            {
                return gateway_error(
                    "MEDIA_TYPE_NOT_ACCEPTABLE",
                    "the Content-Type must be application/json; charset=UTF-8",
                );
            }
            (
                client_id.to_owned(),
                request_time.to_owned(),
                signature.map(str::to_owned),
                content_type.map(str::to_owned),
            )
        }
    };
    if client_id != shared.client_id {
        return gateway_error(
            "INVALID_CLIENT",
            "the client-id is not registered with the simulator",
        );
    }
    let Some(signature) = signature else {
        return gateway_error("INVALID_SIGNATURE", "the signature header is missing");
    };
    let header = match SignatureHeader::parse(&signature) {
        Ok(header) => header,
        Err(_) => {
            return gateway_error("INVALID_SIGNATURE", "the signature header is malformed");
        }
    };
    let read = Limited::new(request.into_body(), max_body).collect();
    let body = match tokio::time::timeout(BODY_READ_TIMEOUT, read).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(_)) | Err(_) => {
            return gateway_error(
                "PARAM_ILLEGAL",
                &format!("the request body exceeds {max_body} bytes or could not be read"),
            );
        }
    };
    // An upload's signature covers its JSON part only.
    let upload = if upload_api {
        let Some(boundary) = content_type.as_deref().and_then(special::boundary) else {
            return gateway_error(
                "MEDIA_TYPE_NOT_ACCEPTABLE",
                "the upload must be multipart/form-data with a boundary",
            );
        };
        match special::parse_upload(&body, boundary) {
            Ok(upload) => Some(upload),
            Err(message) => return gateway_error("PARAM_ILLEGAL", &message),
        }
    } else {
        None
    };
    let signed_bytes = upload.as_ref().map_or(&body, |upload| &upload.json);
    let target = path;
    let content = SignedContent::new("POST", target, &client_id, &request_time, signed_bytes);
    let verdict = shared.keys().verify_request(&content, &header);
    match verdict {
        Ok(()) => {}
        Err(keys::Refusal::KeyNotFound) => {
            return gateway_error(
                "KEY_NOT_FOUND",
                "no key with this keyVersion for the client id",
            );
        }
        Err(keys::Refusal::InvalidSignature) => {
            return gateway_error(
                "INVALID_SIGNATURE",
                "the request signature does not verify with the merchant public key",
            );
        }
    }
    // Authenticated from here on: every answer is signed.
    let object = match serde_json::from_slice::<Value>(signed_bytes) {
        Ok(Value::Object(object)) => object,
        _ => {
            return Reply {
                status: StatusCode::OK,
                body: render(
                    "F",
                    "PARAM_ILLEGAL",
                    "the request body must be a JSON object",
                    &Map::new(),
                ),
                signed_for: Some(client_id),
                summary: "F PARAM_ILLEGAL".to_owned(),
            };
        }
    };
    let op = match (op, signed_special) {
        (Some(op), _) => op,
        (None, Some(api)) => {
            return special::answer(shared, api, &object, upload.as_ref(), client_id);
        }
        (None, None) => return gateway_error("NO_INTERFACE_DEF", "no such Antom API"),
    };
    let inquiry = matches!(op, Op::InquiryPayment | Op::InquiryRefund);
    let delay = match fault::Fault::of(&object).filter(|_| !inquiry) {
        Some(fault::Fault::Http503) => return service_unavailable(),
        Some(fault::Fault::Flaky(n)) if shared.deliveries.count(signed_bytes) <= n => {
            return service_unavailable();
        }
        Some(fault::Fault::Reset(n)) if shared.deliveries.count(signed_bytes) <= n => {
            return Reply {
                status: fault::CLOSE_CONNECTION,
                body: String::new(),
                signed_for: None,
                summary: "connection closed (simulated fault)".to_owned(),
            };
        }
        Some(fault::Fault::Delay(delay)) => Some(delay),
        Some(fault::Fault::Flaky(_) | fault::Fault::Reset(_)) | None => None,
    };
    let (reply, outgoing) = {
        let mut state = shared.state();
        let done = state.apply(op, &object, &shared.base_url, &client_id);
        let deliveries: Vec<_> = done
            .notify
            .into_iter()
            .map(|outgoing| (state.record_delivery(&outgoing), outgoing))
            .collect();
        (
            Reply {
                status: StatusCode::OK,
                body: done.body,
                signed_for: Some(client_id),
                summary: done.summary,
            },
            deliveries,
        )
    };
    for (id, outgoing) in outgoing {
        spawn_delivery(shared, id, outgoing);
    }
    if let Some(delay) = delay {
        // Processed already: the answer is late, as a slow gateway's would be.
        tokio::time::sleep(delay).await;
    }
    reply
}

/// The simulated 503: unsigned text, nothing done.
fn service_unavailable() -> Reply {
    Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        body: "Service Unavailable (simulated fault: see the request id)\n".to_owned(),
        signed_for: None,
        summary: "HTTP 503 (simulated fault)".to_owned(),
    }
}

fn checkout(shared: &Arc<Shared>, payment_id: &str, decline: bool) -> Response<Full<Bytes>> {
    let (page, outgoing) = {
        let mut state = shared.state();
        let (status, page, notify) = state.checkout(payment_id, decline, &shared.client_id);
        let outgoing: Vec<_> = notify
            .into_iter()
            .map(|outgoing| (state.record_delivery(&outgoing), outgoing))
            .collect();
        ((status, page), outgoing)
    };
    shared.log(&format!("GET /checkout/{payment_id} -> {}", page.1));
    for (id, outgoing) in outgoing {
        spawn_delivery(shared, id, outgoing);
    }
    let html = format!(
        "<!doctype html><meta charset=utf-8><title>Antom simulator checkout</title><p>{}</p>\n",
        html_escape(&page.1)
    );
    plain(page.0, "text/html; charset=UTF-8", html)
}

fn spawn_delivery(shared: &Arc<Shared>, id: u64, outgoing: notify::Outgoing) {
    let handle = tokio::spawn(notify::deliver(Arc::clone(shared), id, outgoing));
    shared.track(handle.abort_handle());
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
