//! wasm-bindgen glue between antom-core and the `antom-core` npm package (Node.js only).
//!
//! Every export is a delegation to antom-core plus a type conversion. The npm package's
//! JavaScript layer turns these raw classes into the idiomatic API (`new Client({...})`,
//! header and body normalisation); no protocol rule lives in either layer.
//!
//! The RSA step: by default the modular exponentiation runs in `node:crypto` (OpenSSL), which
//! is ~35x faster than RSA compiled to WebAssembly and does not block the event loop for
//! milliseconds per signature. antom-core still parses and validates every key, builds the
//! content and the `Signature` header, decodes and length-checks signatures and applies every
//! response and notification rule; the `NodeEngine` only hands Node the message bytes. Passing
//! `node = false` to any call selects the pure-WebAssembly engine instead.

use std::cell::OnceCell;
use std::rc::Rc;

use antom_core::{
    ApiKey, Client, ClientConfig, Endpoint, Environment, ErrorCode, PrivateKey, PublicKey, Region,
    BuiltinEngine, RsaEngine, SignatureHeader, SignedContent, VerifiedMessage,
};
use wasm_bindgen::prelude::*;

// The four host functions are `node:crypto` one-liners in the package's `host.cjs`, which
// also defines `AntomError`, so the package and the glue throw the very same class.
#[wasm_bindgen(raw_module = "./host.cjs")]
extern "C" {
    #[wasm_bindgen(js_name = antomError)]
    fn antom_error(code: &str, message: &str) -> JsValue;

    /// A `KeyObject` from PKCS#8 DER, or `undefined` when Node refuses the key.
    #[wasm_bindgen(js_name = privateKeyObject)]
    fn private_key_object(pkcs8_der: &[u8]) -> JsValue;

    /// A `KeyObject` from SubjectPublicKeyInfo DER, or `undefined` when Node refuses the key.
    #[wasm_bindgen(js_name = publicKeyObject)]
    fn public_key_object(spki_der: &[u8]) -> JsValue;

    /// RSASSA-PKCS1-v1_5 / SHA-256 over `head` then `body` (hashed in order, not joined).
    #[wasm_bindgen(js_name = hostSign, catch)]
    fn host_sign(key: &JsValue, head: &[u8], body: &[u8]) -> Result<Vec<u8>, JsValue>;

    /// The matching verification: 1 valid, 0 invalid, -1 when Node failed to run the check.
    #[wasm_bindgen(js_name = hostVerify)]
    fn host_verify(key: &JsValue, head: &[u8], body: &[u8], signature: &[u8]) -> i32;
}

fn error(err: antom_core::Error) -> JsValue {
    antom_error(err.code().as_str(), err.message())
}

/// A key's `node:crypto` `KeyObject`, created once on first use and shared by clones of the
/// key (a `Client` built from a `PrivateKey` reuses the key's `KeyObject`).
#[derive(Clone, Default)]
struct HostKey(Rc<OnceCell<Option<JsValue>>>);

impl HostKey {
    fn get(&self, make: impl FnOnce() -> JsValue) -> Option<&JsValue> {
        self.0
            .get_or_init(|| Some(make()).filter(|key| !key.is_undefined()))
            .as_ref()
    }
}

/// The RSA engine that runs on `node:crypto` with cached `KeyObject`s.
///
/// If Node refuses a key the core accepted, or fails at run time, the operation falls back
/// to antom-core's own engine, which computes the same PKCS#1 v1.5 result.
struct NodeEngine<'a> {
    private: Option<&'a HostKey>,
    public: Option<&'a HostKey>,
}

impl RsaEngine for NodeEngine<'_> {
    fn sign(&self, key: &PrivateKey, message: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        let host = self.private.and_then(|host| {
            host.get(|| match key.export_pkcs8_der_for_host_crypto() {
                Ok(der) => private_key_object(&der),
                Err(_) => JsValue::UNDEFINED,
            })
        });
        match host.map(|host| host_sign(host, message.head(), message.body())) {
            Some(Ok(signature)) => Ok(signature),
            _ => BuiltinEngine.sign(key, message),
        }
    }

    fn verify(&self, key: &PublicKey, message: &SignedContent<'_>, signature: &[u8]) -> bool {
        let host = self
            .public
            .and_then(|host| host.get(|| public_key_object(&key.to_der())));
        match host.map(|host| host_verify(host, message.head(), message.body(), signature)) {
            Some(1) => true,
            Some(0) => false,
            _ => BuiltinEngine.verify(key, message, signature),
        }
    }
}

/// Runs `f` with the engine selected by `node`.
fn with_engine<R>(
    node: bool,
    private: Option<&HostKey>,
    public: Option<&HostKey>,
    f: impl FnOnce(&dyn RsaEngine) -> R,
) -> R {
    if node {
        f(&NodeEngine { private, public })
    } else {
        f(&BuiltinEngine)
    }
}

/// A merchant's RSA private key (antom-core `PrivateKey`). Never readable back out.
#[wasm_bindgen(js_name = PrivateKey)]
pub struct WasmPrivateKey {
    key: PrivateKey,
    host: HostKey,
}

#[wasm_bindgen(js_class = PrivateKey)]
impl WasmPrivateKey {
    fn new(key: PrivateKey) -> WasmPrivateKey {
        WasmPrivateKey {
            key,
            host: HostKey::default(),
        }
    }

    /// `PrivateKey::parse`: dashboard base64, PEM or base64 PKCS#1.
    pub fn parse(text: &str) -> Result<WasmPrivateKey, JsValue> {
        PrivateKey::parse(text).map(Self::new).map_err(error)
    }

    /// `PrivateKey::from_der`: PKCS#8 or PKCS#1 DER.
    #[wasm_bindgen(js_name = fromDer)]
    pub fn from_der(der: &[u8]) -> Result<WasmPrivateKey, JsValue> {
        PrivateKey::from_der(der).map(Self::new).map_err(error)
    }

    /// The public half.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> WasmPublicKey {
        WasmPublicKey::new(self.key.public_key())
    }

    /// Modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        self.key.bits()
    }

    /// `PrivateKey::sign_with` over raw bytes: the percent-encoded signature value.
    pub fn sign(&self, content: &[u8], node: bool) -> Result<String, JsValue> {
        with_engine(node, Some(&self.host), None, |engine| {
            self.key.sign_with(engine, content)
        })
        .map_err(error)
    }

    /// As `sign`, over a string (UTF-8).
    #[wasm_bindgen(js_name = signText)]
    pub fn sign_text(&self, content: &str, node: bool) -> Result<String, JsValue> {
        self.sign(content.as_bytes(), node)
    }

    /// The core's redacted `Debug` form.
    pub fn describe(&self) -> String {
        format!("{:?}", self.key)
    }
}

/// An RSA public key (antom-core `PublicKey`).
#[wasm_bindgen(js_name = PublicKey)]
pub struct WasmPublicKey {
    key: PublicKey,
    host: HostKey,
}

#[wasm_bindgen(js_class = PublicKey)]
impl WasmPublicKey {
    fn new(key: PublicKey) -> WasmPublicKey {
        WasmPublicKey {
            key,
            host: HostKey::default(),
        }
    }

    /// `PublicKey::parse`: dashboard base64 (SPKI), PEM or base64 PKCS#1.
    pub fn parse(text: &str) -> Result<WasmPublicKey, JsValue> {
        PublicKey::parse(text).map(Self::new).map_err(error)
    }

    /// `PublicKey::from_der`: SPKI or PKCS#1 DER.
    #[wasm_bindgen(js_name = fromDer)]
    pub fn from_der(der: &[u8]) -> Result<WasmPublicKey, JsValue> {
        PublicKey::from_der(der).map(Self::new).map_err(error)
    }

    /// Modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        self.key.bits()
    }

    /// SubjectPublicKeyInfo DER.
    #[wasm_bindgen(js_name = toDer)]
    pub fn to_der(&self) -> Vec<u8> {
        self.key.to_der()
    }

    /// The Antom Dashboard form (one-line base64 SPKI).
    #[wasm_bindgen(js_name = toBase64)]
    pub fn to_base64(&self) -> String {
        self.key.to_base64()
    }

    /// SHA-256 of the SPKI DER, lower-case hex.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }

    /// Same key.
    pub fn equals(&self, other: &WasmPublicKey) -> bool {
        self.key == other.key
    }

    /// `PublicKey::verify_with` over raw bytes.
    pub fn verify(&self, content: &[u8], signature: &str, node: bool) -> Result<bool, JsValue> {
        with_engine(node, None, Some(&self.host), |engine| {
            self.key.verify_with(engine, content, signature)
        })
        .map_err(error)
    }

    /// As `verify`, over a string (UTF-8).
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(&self, content: &str, signature: &str, node: bool) -> Result<bool, JsValue> {
        self.verify(content.as_bytes(), signature, node)
    }

    /// The core's `Debug` form (bits and fingerprint).
    pub fn describe(&self) -> String {
        format!("{:?}", self.key)
    }
}

/// A request ready to send (antom-core `PreparedRequest`); `headers` is flat `[name, value, ...]`.
#[wasm_bindgen(getter_with_clone)]
pub struct PreparedRequest {
    /// Always `POST`.
    pub method: String,
    /// Gateway origin plus path.
    pub url: String,
    /// The signed path.
    pub path: String,
    /// Name, value, name, value... in order, exact casing.
    pub headers: Vec<String>,
    /// The body as signed.
    pub body: String,
}

/// A verified response (antom-core `ApiResponse`).
#[wasm_bindgen(getter_with_clone)]
pub struct ApiResponse {
    /// Antom's signature was checked.
    pub verified: bool,
    /// `S`, `F` or `U`.
    #[wasm_bindgen(js_name = resultStatus)]
    pub result_status: String,
    /// `result.resultCode`.
    #[wasm_bindgen(js_name = resultCode)]
    pub result_code: String,
    /// `result.resultMessage`.
    #[wasm_bindgen(js_name = resultMessage)]
    pub result_message: String,
    /// `DONE`, `FAILED` or `INQUIRE`.
    #[wasm_bindgen(js_name = nextAction)]
    pub next_action: String,
    /// `verified && resultStatus == "S"`.
    #[wasm_bindgen(js_name = isSuccess)]
    pub is_success: bool,
    /// The verified raw body.
    pub body: Vec<u8>,
}

/// A verified notification (antom-core `Notification`).
#[wasm_bindgen(getter_with_clone)]
pub struct Notification {
    /// `notifyType` (or the other type fields), if present.
    #[wasm_bindgen(js_name = notifyType)]
    pub notify_type: Option<String>,
    /// `result.resultStatus`, if present.
    #[wasm_bindgen(js_name = resultStatus)]
    pub result_status: Option<String>,
    /// The `client-id` header.
    #[wasm_bindgen(js_name = clientId)]
    pub client_id: String,
    /// The `request-time` header, verbatim.
    #[wasm_bindgen(js_name = requestTime)]
    pub request_time: String,
    /// The verified raw body.
    pub body: Vec<u8>,
}

/// A configured client (antom-core `Client`) plus the `KeyObject`s of its keys.
#[wasm_bindgen(js_name = Client)]
pub struct WasmClient {
    client: Client,
    private: Option<HostKey>,
    public: HostKey,
    node: bool,
}

/// Applies the optional settings in the order the Rust vector runner does.
fn configure(
    mut config: ClientConfig,
    region: Option<String>,
    environment: Option<String>,
    gateway_url: Option<String>,
    key_version: Option<u32>,
    agent_token: Option<String>,
) -> antom_core::Result<Client> {
    if let Some(region) = region {
        config.region = Region::parse(&region)?;
    }
    if let Some(environment) = environment {
        config.environment = Some(Environment::parse(&environment)?);
    }
    config.gateway_url = gateway_url;
    if let Some(key_version) = key_version {
        config.key_version = key_version;
    }
    config.agent_token = agent_token;
    Client::new(config)
}

/// Flat `[name, value, ...]` from JavaScript into the pairs antom-core takes.
fn pairs(flat: Vec<String>) -> Result<Vec<(String, String)>, JsValue> {
    let mut flat = flat.into_iter();
    let mut pairs = Vec::with_capacity(flat.len() / 2);
    while let Some(name) = flat.next() {
        let value = flat
            .next()
            .ok_or_else(|| JsValue::from(JsError::new("headers must be name/value pairs")))?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

#[wasm_bindgen(js_class = Client)]
impl WasmClient {
    /// `ClientConfig::new` (RSA signing) + `Client::new`.
    #[wasm_bindgen(js_name = withPrivateKey)]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the config fields one to one"
    )]
    pub fn with_private_key(
        client_id: String,
        private_key: &WasmPrivateKey,
        antom_public_key: &WasmPublicKey,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        node: bool,
    ) -> Result<WasmClient, JsValue> {
        let config = ClientConfig::new(
            client_id,
            private_key.key.clone(),
            antom_public_key.key.clone(),
        );
        let client = configure(
            config,
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
        )
        .map_err(error)?;
        Ok(WasmClient {
            client,
            private: Some(private_key.host.clone()),
            public: antom_public_key.host.clone(),
            node,
        })
    }

    /// `ApiKey::parse` + `ClientConfig::with_api_key` + `Client::new`.
    #[wasm_bindgen(js_name = withApiKey)]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the config fields one to one"
    )]
    pub fn with_api_key(
        client_id: String,
        api_key: &str,
        antom_public_key: &WasmPublicKey,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        node: bool,
    ) -> Result<WasmClient, JsValue> {
        let api_key = ApiKey::parse(api_key).map_err(error)?;
        let config = ClientConfig::with_api_key(client_id, api_key, antom_public_key.key.clone());
        let client = configure(
            config,
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
        )
        .map_err(error)?;
        Ok(WasmClient {
            client,
            private: None,
            public: antom_public_key.host.clone(),
            node,
        })
    }

    /// `ClientConfig::verify_only` + `Client::new`: verifies, never prepares.
    #[wasm_bindgen(js_name = verifyOnly)]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the config fields one to one"
    )]
    pub fn verify_only(
        client_id: String,
        antom_public_key: &WasmPublicKey,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        node: bool,
    ) -> Result<WasmClient, JsValue> {
        let config = ClientConfig::verify_only(client_id, antom_public_key.key.clone());
        let client = configure(
            config,
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
        )
        .map_err(error)?;
        Ok(WasmClient {
            client,
            private: None,
            public: antom_public_key.host.clone(),
            node,
        })
    }

    fn engine<R>(&self, f: impl FnOnce(&dyn RsaEngine) -> R) -> R {
        with_engine(self.node, self.private.as_ref(), Some(&self.public), f)
    }

    /// The configured client id.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.client.client_id().to_owned()
    }

    /// `sandbox` or `production`.
    #[wasm_bindgen(getter)]
    pub fn environment(&self) -> String {
        self.client.environment().as_str().to_owned()
    }

    /// The gateway origin.
    #[wasm_bindgen(getter, js_name = gatewayUrl)]
    pub fn gateway_url(&self) -> String {
        self.client.gateway_url().to_owned()
    }

    /// API-key (Bearer) mode.
    #[wasm_bindgen(getter, js_name = usesApiKey)]
    pub fn uses_api_key(&self) -> bool {
        self.client.uses_api_key()
    }

    /// Verify-only (no credential).
    #[wasm_bindgen(getter, js_name = isVerifyOnly)]
    pub fn is_verify_only(&self) -> bool {
        self.client.is_verify_only()
    }

    /// The Antom public key responses and notifications are verified with.
    #[wasm_bindgen(js_name = antomPublicKey)]
    pub fn antom_public_key(&self) -> WasmPublicKey {
        WasmPublicKey {
            key: self.client.antom_public_key().clone(),
            host: self.public.clone(),
        }
    }

    /// `Client::resolve_path`.
    #[wasm_bindgen(js_name = resolvePath)]
    pub fn resolve_path(&self, api: &str) -> Result<String, JsValue> {
        self.client.resolve_path(api).map_err(error)
    }

    /// `Client::prepare_with` over raw body bytes.
    pub fn prepare(
        &self,
        api: &str,
        body: &[u8],
        request_time: u64,
    ) -> Result<PreparedRequest, JsValue> {
        let request = self
            .engine(|engine| self.client.prepare_with(engine, api, body, request_time))
            .map_err(error)?;
        Ok(PreparedRequest {
            method: request.method,
            url: request.url,
            path: request.path,
            headers: request
                .headers
                .into_iter()
                .flat_map(|(name, value)| [name, value])
                .collect(),
            body: request.body,
        })
    }

    /// As `prepare`, with a string body (UTF-8).
    #[wasm_bindgen(js_name = prepareText)]
    pub fn prepare_text(
        &self,
        api: &str,
        body: &str,
        request_time: u64,
    ) -> Result<PreparedRequest, JsValue> {
        self.prepare(api, body.as_bytes(), request_time)
    }

    /// `Client::verify_response_with`; `headers` is flat `[name, value, ...]`.
    #[wasm_bindgen(js_name = verifyResponse)]
    pub fn verify_response(
        &self,
        path: &str,
        headers: Vec<String>,
        body: &[u8],
    ) -> Result<ApiResponse, JsValue> {
        let headers = pairs(headers)?;
        let response = self
            .engine(|engine| {
                self.client
                    .verify_response_with(engine, path, &headers, body)
            })
            .map_err(error)?;
        Ok(ApiResponse {
            verified: response.verified,
            result_status: response.result_status.as_str().to_owned(),
            next_action: response.next_action().as_str().to_owned(),
            is_success: response.is_success(),
            result_code: response.result_code,
            result_message: response.result_message,
            body: response.body,
        })
    }

    /// `Client::verify_notification_with`; `headers` is flat `[name, value, ...]`.
    #[wasm_bindgen(js_name = verifyNotification)]
    pub fn verify_notification(
        &self,
        path: &str,
        headers: Vec<String>,
        body: &[u8],
    ) -> Result<Notification, JsValue> {
        let headers = pairs(headers)?;
        let notification = self
            .engine(|engine| {
                self.client
                    .verify_notification_with(engine, path, &headers, body)
            })
            .map_err(error)?;
        Ok(Notification {
            notify_type: notification.notify_type,
            result_status: notification
                .result_status
                .map(|status| status.as_str().to_owned()),
            client_id: notification.client_id,
            request_time: notification.request_time,
            body: notification.body,
        })
    }

    /// The core's redacted `Debug` form.
    pub fn describe(&self) -> String {
        format!("{:?}", self.client)
    }
}

/// A parsed `Signature` header (antom-core `SignatureHeader`).
#[wasm_bindgen(getter_with_clone)]
pub struct ParsedSignatureHeader {
    /// Always `RSA256`.
    pub algorithm: String,
    /// `keyVersion`, if present.
    #[wasm_bindgen(js_name = keyVersion)]
    pub key_version: Option<u32>,
    /// The `signature` item as written.
    pub signature: String,
}

/// `SignatureHeader::parse`.
#[wasm_bindgen(js_name = parseSignatureHeader)]
pub fn parse_signature_header(value: &str) -> Result<ParsedSignatureHeader, JsValue> {
    let header = SignatureHeader::parse(value).map_err(error)?;
    Ok(ParsedSignatureHeader {
        algorithm: header.algorithm().to_owned(),
        key_version: header.key_version,
        signature: header.signature,
    })
}

/// `SignatureHeader::new(..).to_string()`.
#[wasm_bindgen(js_name = formatSignatureHeader)]
pub fn format_signature_header(key_version: u32, signature: &str) -> String {
    SignatureHeader::new(key_version, signature).to_string()
}

/// `signature_header`: the `Signature` value for `POST path\nclient_id.time.body`, as the
/// sender of a request, response or notification computes it.
#[wasm_bindgen(js_name = signatureHeader)]
pub fn signature_header(
    key: &WasmPrivateKey,
    path: &str,
    client_id: &str,
    time: &str,
    body: &[u8],
    key_version: u32,
) -> Result<String, JsValue> {
    antom_core::signature_header(&key.key, path, client_id, time, body, key_version).map_err(error)
}

/// What `verify_request` read from a verified request or notification.
#[wasm_bindgen(getter_with_clone)]
pub struct VerifiedRequest {
    /// The `client-id` header.
    #[wasm_bindgen(js_name = clientId)]
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub time: String,
    /// The `keyVersion` of the `Signature` header, if present.
    #[wasm_bindgen(js_name = keyVersion)]
    pub key_version: Option<u32>,
}

/// `verify_request`: the receiving side's check of a signed request or notification;
/// `headers` is flat `[name, value, ...]`.
#[wasm_bindgen(js_name = verifyRequest)]
pub fn verify_request(
    key: &WasmPublicKey,
    path: &str,
    headers: Vec<String>,
    body: &[u8],
) -> Result<VerifiedRequest, JsValue> {
    let headers = pairs(headers)?;
    let VerifiedMessage {
        client_id,
        time,
        key_version,
        ..
    } = antom_core::verify_request(&key.key, path, &headers, body).map_err(error)?;
    Ok(VerifiedRequest {
        client_id,
        time,
        key_version,
    })
}

/// `content_to_sign`.
#[wasm_bindgen(js_name = contentToSign)]
pub fn content_to_sign(
    method: &str,
    path: &str,
    client_id: &str,
    time: &str,
    body: &str,
) -> String {
    antom_core::content_to_sign(method, path, client_id, time, body)
}

/// `to_minor_units`.
#[wasm_bindgen(js_name = toMinorUnits)]
pub fn to_minor_units(amount: &str, currency: &str) -> Result<String, JsValue> {
    antom_core::to_minor_units(amount, currency).map_err(error)
}

/// `from_minor_units`.
#[wasm_bindgen(js_name = fromMinorUnits)]
pub fn from_minor_units(value: &str, currency: &str) -> Result<String, JsValue> {
    antom_core::from_minor_units(value, currency).map_err(error)
}

/// `minor_unit_exponent`.
#[wasm_bindgen(js_name = minorUnitExponent)]
pub fn minor_unit_exponent(currency: &str) -> Result<u8, JsValue> {
    antom_core::minor_unit_exponent(currency).map_err(error)
}

/// One entry of the endpoint catalogue.
#[wasm_bindgen(getter_with_clone)]
pub struct EndpointEntry {
    /// e.g. `payments.pay`.
    pub name: String,
    /// e.g. `payments`.
    pub group: String,
    /// e.g. `/ams/api/v1/payments/pay`.
    pub path: String,
}

impl From<&Endpoint> for EndpointEntry {
    fn from(endpoint: &Endpoint) -> EndpointEntry {
        EndpointEntry {
            name: endpoint.name.to_owned(),
            group: endpoint.group.to_owned(),
            path: endpoint.path.to_owned(),
        }
    }
}

/// `endpoint(name)`.
#[wasm_bindgen]
pub fn endpoint(name: &str) -> Option<EndpointEntry> {
    antom_core::endpoint(name).map(EndpointEntry::from)
}

/// `endpoints()`.
#[wasm_bindgen]
pub fn endpoints() -> Vec<EndpointEntry> {
    antom_core::endpoints()
        .iter()
        .map(EndpointEntry::from)
        .collect()
}

/// `NOTIFICATION_ACK`.
#[wasm_bindgen(js_name = notificationAck)]
pub fn notification_ack() -> String {
    antom_core::NOTIFICATION_ACK.to_owned()
}

/// Every stable error code, in the core's order.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect()
}
