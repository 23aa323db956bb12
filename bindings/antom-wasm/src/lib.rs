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
//! response and notification rule; the node engine only hands Node the message bytes. Passing
//! `node = false` to any call selects the pure-WebAssembly engine instead. When Node refuses a
//! key (or fails at run time) the operation falls back to the WebAssembly engine unless
//! `fallback = false`; either way every result says which engine ran (`engine`).
//!
//! Secrets: key text, key DER and API keys arrive as owned buffers in WebAssembly memory and
//! are wiped after use; a prepared request's headers (the `Authorization` value in API-key
//! mode) are handed to JavaScript without a Rust-side copy and wiped when it is freed.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use antom_core::{
    ApiKey, BuiltinEngine, Client, ClientConfig, Endpoint, Environment, ErrorCode, Freshness,
    PrivateKey, PublicKey, Region, RsaEngine, SignatureHeader, SignedContent, SigningRequest,
    VerifiedMessage,
};
use wasm_bindgen::prelude::*;
use zeroize::{Zeroize, Zeroizing};

// Two-step verification for runtimes whose crypto is asynchronous (WebCrypto): the core's
// candidates out, the host's verdict back (`beginVerify*` / `finishVerify*`).
mod two_step;

// Antom's public keys as a key ring (`KeyRing`, `whichKey`).
mod key_ring;
// The buffers the package writes a verify call's input to and reads its verdict from.
mod io_buffer;
// Exactly-once processing: the dedup decision table and lease rule (`dedupOnClaim`, ...).
mod dedup;
// Waiting for an outcome: when to inquire again (`nextInquiry`, `inquiryPath`, ...).
mod outcome_wait;
mod retry;
mod testing;
mod transports;
use key_ring::WasmKeyRing;

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

/// The core's body size rule, from lengths alone ([`antom_core::check_body_size`]).
fn body_size_error(what: &str, len: u64, max: u64) -> Option<antom_core::Error> {
    antom_core::check_body_size(len, max, what).err()
}

/// A key's `node:crypto` `KeyObject`, created once on first use and shared by clones of the
/// key (a `Client` built from a `PrivateKey` reuses the key's `KeyObject`). `None` once Node
/// has refused the key.
#[derive(Clone, Default)]
struct HostKey(Rc<OnceCell<Option<JsValue>>>);

impl HostKey {
    fn get(&self, make: impl FnOnce() -> JsValue) -> Option<&JsValue> {
        self.0
            .get_or_init(|| Some(make()).filter(|key| !key.is_undefined()))
            .as_ref()
    }

    /// The `KeyObject` of a private key, created from its PKCS#8 DER on first use.
    fn private(&self, key: &PrivateKey) -> Option<&JsValue> {
        self.get(|| match key.export_pkcs8_der_for_host_crypto() {
            // `der` is wiped when dropped; Node copies it into OpenSSL.
            Ok(der) => private_key_object(&der),
            Err(_) => JsValue::UNDEFINED,
        })
    }
}

/// Which engine ran the RSA operation of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ran {
    /// No RSA operation was needed (an unsigned response, an API-key request).
    Nothing,
    /// `node:crypto`.
    Node,
    /// antom-core's own engine (the `rsa` crate, in WebAssembly).
    Wasm,
    /// The client's external signer (a KMS or an HSM, through the package's `signer`).
    External,
    /// The runtime's WebCrypto (`crypto.subtle`), through `beginVerify*` / `finishVerify*`.
    WebCrypto,
}

impl Ran {
    fn name(self) -> Option<&'static str> {
        match self {
            Ran::Nothing => None,
            Ran::Node => Some("node"),
            Ran::Wasm => Some("wasm"),
            Ran::External => Some("external"),
            Ran::WebCrypto => Some("webcrypto"),
        }
    }
}

/// The engine of the second half of an asynchronous signature: it hands the core the signature
/// `node:crypto` made off the event loop, for exactly the content it was made over (anything
/// else is `SIGNING_FAILED`). The core then checks its length and encodes it, as in `prepare`.
struct Replay<'a> {
    /// What was signed; `None` for `PrivateKey.signAsync`, whose content is the caller's bytes.
    message: Option<&'a [u8]>,
    signature: &'a [u8],
}

impl RsaEngine for Replay<'_> {
    fn sign(&self, _key: &PrivateKey, content: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        if let Some(message) = self.message {
            let same = content.len() == message.len()
                && message.starts_with(content.head())
                && message.ends_with(content.body());
            if !same {
                return Err(antom_core::Error::new(
                    ErrorCode::SigningFailed,
                    "the asynchronous signature was made over other content",
                ));
            }
        }
        Ok(self.signature.to_vec())
    }

    fn verify(&self, _key: &PublicKey, _content: &SignedContent<'_>, _signature: &[u8]) -> bool {
        false // never used to verify
    }
}

/// The engine of the first half of an asynchronous signature: it records what the core asks to
/// sign and stops `prepare` there (the signature is made off the event loop).
#[derive(Default)]
struct Capture(RefCell<Option<Vec<u8>>>);

impl RsaEngine for Capture {
    fn sign(&self, _key: &PrivateKey, content: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        *self.0.borrow_mut() = Some(content.to_vec());
        Err(antom_core::Error::new(
            ErrorCode::SigningFailed,
            "the signature is made asynchronously",
        ))
    }

    fn verify(&self, _key: &PublicKey, _content: &SignedContent<'_>, _signature: &[u8]) -> bool {
        false // never used to verify
    }
}

/// Why `node:crypto` did not run an operation, when falling back is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    PrivateKey,
    PublicKey,
    Sign,
    Verify,
}

const NO_FALLBACK: &str = "and engineFallback is false: use engine \"wasm\" for this key, or \
                           allow the fallback to the WebAssembly engine";

impl Refusal {
    fn error(self) -> antom_core::Error {
        let (code, what) = match self {
            Refusal::PrivateKey => (
                ErrorCode::InvalidKey,
                "node:crypto refused the private key (antom-core accepted it)",
            ),
            Refusal::PublicKey => (
                ErrorCode::InvalidKey,
                "node:crypto refused the public key (antom-core accepted it)",
            ),
            Refusal::Sign => (ErrorCode::SigningFailed, "node:crypto failed to sign"),
            Refusal::Verify => (
                ErrorCode::InvalidKey,
                "node:crypto could not run the verification with this public key",
            ),
        };
        antom_core::Error::new(code, format!("{what} {NO_FALLBACK}"))
    }
}

/// The RSA engine of every call: `node:crypto` with cached `KeyObject`s (`node`), or
/// antom-core's own engine. It records which engine ran and, when `node:crypto` refuses and
/// `fallback` is off, why — a refusal is then the call's error, never a silent switch and
/// never a successful verification.
struct GlueEngine<'a> {
    node: bool,
    fallback: bool,
    private: Option<&'a HostKey>,
    /// The `KeyObject`s of the public keys this engine may be asked to verify with (a
    /// client's key ring, or one key), found by key.
    public: &'a [(PublicKey, HostKey)],
    ran: Cell<Ran>,
    refusal: Cell<Option<Refusal>>,
}

impl<'a> GlueEngine<'a> {
    fn new(
        node: bool,
        fallback: bool,
        private: Option<&'a HostKey>,
        public: &'a [(PublicKey, HostKey)],
    ) -> Self {
        GlueEngine {
            node,
            fallback,
            private,
            public,
            ran: Cell::new(Ran::Nothing),
            refusal: Cell::new(None),
        }
    }

    /// Runs `f` on this engine: its value and which engine ran, or the error (a refusal of
    /// `node:crypto` wins over whatever the core made of it).
    fn run<T>(
        self,
        f: impl FnOnce(&dyn RsaEngine) -> antom_core::Result<T>,
    ) -> Result<(T, Ran), JsValue> {
        let result = f(&self);
        if let Some(refusal) = self.refusal.get() {
            return Err(error(refusal.error()));
        }
        result.map(|value| (value, self.ran.get())).map_err(error)
    }

    /// `node:crypto` did not run the operation: `Ok(())` to fall back, or the refusal.
    fn refused(&self, refusal: Refusal) -> antom_core::Result<()> {
        if self.fallback {
            Ok(())
        } else {
            self.refusal.set(Some(refusal));
            Err(refusal.error())
        }
    }
}

impl RsaEngine for GlueEngine<'_> {
    fn sign(&self, key: &PrivateKey, message: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        if self.node {
            let host = self.private.and_then(|host| host.private(key));
            let refusal = match host {
                Some(host) => match host_sign(host, message.head(), message.body()) {
                    Ok(signature) => {
                        self.ran.set(Ran::Node);
                        return Ok(signature);
                    }
                    Err(_) => Refusal::Sign,
                },
                None => Refusal::PrivateKey,
            };
            self.refused(refusal)?;
        }
        self.ran.set(Ran::Wasm);
        BuiltinEngine.sign(key, message)
    }

    fn verify(&self, key: &PublicKey, message: &SignedContent<'_>, signature: &[u8]) -> bool {
        if self.node {
            let host = self
                .public
                .iter()
                .find(|(candidate, _)| candidate == key)
                .and_then(|(_, host)| host.get(|| public_key_object(&key.to_der())));
            let refusal = match host {
                Some(host) => match host_verify(host, message.head(), message.body(), signature) {
                    1 => {
                        self.ran.set(Ran::Node);
                        return true;
                    }
                    0 => {
                        self.ran.set(Ran::Node);
                        return false;
                    }
                    _ => Refusal::Verify,
                },
                None => Refusal::PublicKey,
            };
            if self.refused(refusal).is_err() {
                return false;
            }
        }
        self.ran.set(Ran::Wasm);
        BuiltinEngine.verify(key, message, signature)
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

    /// `PrivateKey::parse`: dashboard base64, PEM or base64 PKCS#1. The text (copied into
    /// WebAssembly memory by the caller) is wiped after parsing.
    pub fn parse(text: String) -> Result<WasmPrivateKey, JsValue> {
        let text = Zeroizing::new(text);
        PrivateKey::parse(&text).map(Self::new).map_err(error)
    }

    /// `PrivateKey::from_der`: PKCS#8 or PKCS#1 DER, wiped after parsing.
    #[wasm_bindgen(js_name = fromDer)]
    pub fn from_der(der: Vec<u8>) -> Result<WasmPrivateKey, JsValue> {
        let der = Zeroizing::new(der);
        PrivateKey::from_der(&der).map(Self::new).map_err(error)
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
    pub fn sign(&self, content: &[u8], node: bool, fallback: bool) -> Result<String, JsValue> {
        GlueEngine::new(node, fallback, Some(&self.host), &[])
            .run(|engine| self.key.sign_with(engine, content))
            .map(|(signature, _)| signature)
    }

    /// As `sign`, over a string (UTF-8).
    #[wasm_bindgen(js_name = signText)]
    pub fn sign_text(&self, content: &str, node: bool, fallback: bool) -> Result<String, JsValue> {
        self.sign(content.as_bytes(), node, fallback)
    }

    /// For `signAsync`: the key's `node:crypto` `KeyObject` (created once), to sign with
    /// `crypto.sign`'s callback form; `undefined` when `node` is off or Node refused the key,
    /// and then the package signs with `sign` (which applies the fallback rule).
    #[wasm_bindgen(js_name = hostKey)]
    pub fn host_key(&self, node: bool) -> JsValue {
        if !node {
            return JsValue::UNDEFINED;
        }
        self.host
            .private(&self.key)
            .cloned()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// The second half of `signAsync`: the core's length check and encoding of the raw
    /// signature `node:crypto` made over the caller's content off the event loop.
    #[wasm_bindgen(js_name = finishSign)]
    pub fn finish_sign(&self, signature: &[u8]) -> Result<String, JsValue> {
        let replay = Replay {
            message: None,
            signature,
        };
        self.key.sign_with(&replay, &[]).map_err(error)
    }

    /// `signAsync` when `node:crypto` failed at run time: as `sign` does then, the WebAssembly
    /// engine, or with `fallback` off `SIGNING_FAILED`.
    #[wasm_bindgen(js_name = signAfterHostFailure)]
    pub fn sign_after_host_failure(
        &self,
        content: &[u8],
        fallback: bool,
    ) -> Result<String, JsValue> {
        if !fallback {
            return Err(error(Refusal::Sign.error()));
        }
        self.key.sign_with(&BuiltinEngine, content).map_err(error)
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

    /// `PublicKey::fingerprint`: `sha256:` and 16 hex digits of SHA-256 over the SPKI DER.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }

    /// Same key.
    pub fn equals(&self, other: &WasmPublicKey) -> bool {
        self.key == other.key
    }

    /// `PublicKey::verify_with` over raw bytes.
    pub fn verify(
        &self,
        content: &[u8],
        signature: &str,
        node: bool,
        fallback: bool,
    ) -> Result<bool, JsValue> {
        let public = [(self.key.clone(), self.host.clone())];
        GlueEngine::new(node, fallback, None, &public)
            .run(|engine| self.key.verify_with(engine, content, signature))
            .map(|(valid, _)| valid)
    }

    /// As `verify`, over a string (UTF-8).
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(
        &self,
        content: &str,
        signature: &str,
        node: bool,
        fallback: bool,
    ) -> Result<bool, JsValue> {
        self.verify(content.as_bytes(), signature, node, fallback)
    }

    /// The core's `Debug` form (bits and fingerprint).
    pub fn describe(&self) -> String {
        format!("{:?}", self.key)
    }
}

/// A request ready to send (antom-core `PreparedRequest`). Its headers and body are handed to
/// JavaScript without a Rust-side copy and wiped when it is freed (in API-key mode the
/// `Authorization` header carries the API key).
#[wasm_bindgen]
pub struct PreparedRequest {
    inner: antom_core::PreparedRequest,
    engine: Ran,
}

impl Drop for PreparedRequest {
    fn drop(&mut self) {
        for (name, value) in &mut self.inner.headers {
            name.zeroize();
            value.zeroize();
        }
        self.inner.body.zeroize();
    }
}

#[wasm_bindgen]
impl PreparedRequest {
    /// Always `POST`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.inner.method.clone()
    }

    /// Gateway origin plus path.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The signed path.
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> String {
        self.inner.path.clone()
    }

    /// The body as signed.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> JsValue {
        JsValue::from_str(&self.inner.body)
    }

    /// Name, value, name, value... in order, exact casing.
    pub fn headers(&self) -> Vec<JsValue> {
        self.inner
            .headers
            .iter()
            .flat_map(|(name, value)| [JsValue::from_str(name), JsValue::from_str(value)])
            .collect()
    }

    /// `"node"` or `"wasm"`: the engine that signed; `undefined` in API-key mode (no RSA).
    #[wasm_bindgen(getter)]
    pub fn engine(&self) -> Option<String> {
        self.engine.name().map(str::to_owned)
    }
}

/// What a pending request still needs (see [`WasmClient::begin_prepare`]).
enum Pending {
    /// Prepared completely (no asynchronous signature needed).
    Done(PreparedRequest),
    /// A private-key request waiting for `node:crypto`'s signature of `message`.
    Local {
        api: String,
        body: Vec<u8>,
        request_time: u64,
        message: Vec<u8>,
    },
    /// An external-signer request waiting for the signer's signature.
    External(SigningRequest),
}

/// A request between the two halves of `prepareAsync`: what must be signed, and with what.
#[wasm_bindgen]
pub struct PendingRequest {
    state: Pending,
    host: JsValue,
}

#[wasm_bindgen]
impl PendingRequest {
    /// Exactly the bytes to sign (`POST path\nclient-id.request-time.body`); `undefined`
    /// when the request is already complete.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> Option<Vec<u8>> {
        match &self.state {
            Pending::Done(_) => None,
            Pending::Local { message, .. } => Some(message.clone()),
            Pending::External(request) => Some(request.message().to_vec()),
        }
    }

    /// SHA-256 of the message (what a KMS signs in digest mode); external signers only.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Option<Vec<u8>> {
        match &self.state {
            Pending::External(request) => Some(request.digest().to_vec()),
            _ => None,
        }
    }

    /// The `KeyObject` to sign the message with (`crypto.sign`'s callback form); `undefined`
    /// for an external signer or a complete request.
    #[wasm_bindgen(getter, js_name = hostKey)]
    pub fn host_key(&self) -> JsValue {
        self.host.clone()
    }
}

/// A configured client (antom-core `Client`) plus the `KeyObject`s of its keys.
#[wasm_bindgen(js_name = Client)]
pub struct WasmClient {
    client: Client,
    private: Option<HostKey>,
    /// The private key itself, to create its `KeyObject` for `prepareAsync`.
    private_key: Option<PrivateKey>,
    /// The key ring's keys with their `KeyObject`s.
    public: Vec<(PublicKey, HostKey)>,
    node: bool,
    fallback: bool,
    /// Built with `ClientConfig::with_external_signer`: requests are signed by the package's
    /// `signer`, through `beginPrepare` / `finishPrepare`.
    external: bool,
}

/// The optional settings of every client, in the order the Rust vector runner applies them.
#[derive(Default)]
struct Settings {
    region: Option<String>,
    environment: Option<String>,
    gateway_url: Option<String>,
    key_version: Option<u32>,
    agent_token: Option<String>,
    max_body_bytes: Option<u32>,
}

impl Settings {
    fn apply(self, mut config: ClientConfig) -> antom_core::Result<Client> {
        if let Some(region) = self.region {
            config.region = Region::parse(&region)?;
        }
        if let Some(environment) = self.environment {
            config.environment = Some(Environment::parse(&environment)?);
        }
        config.gateway_url = self.gateway_url;
        if let Some(key_version) = self.key_version {
            config.key_version = key_version;
        }
        config.agent_token = self.agent_token;
        if let Some(max) = self.max_body_bytes {
            config.max_body_bytes = usize::try_from(max).unwrap_or(usize::MAX);
        }
        Client::new(config)
    }
}

/// Header names and values framed by the package (`headerFrame` in index.cjs): each string
/// as a little-endian `u32` byte length, then that many bytes of UTF-8 (Node's encoder, which
/// writes lone surrogates as U+FFFD as wasm-bindgen's does). Borrowed, never copied again.
fn framed_pairs(mut bytes: &[u8]) -> Result<Vec<(&str, &str)>, JsValue> {
    fn next<'a>(bytes: &mut &'a [u8]) -> Option<&'a str> {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        let (text, rest) = rest.split_at_checked(len)?;
        *bytes = rest;
        std::str::from_utf8(text).ok()
    }
    let malformed = || JsValue::from(JsError::new("malformed header frame"));
    let mut pairs = Vec::new();
    while !bytes.is_empty() {
        let name = next(&mut bytes).ok_or_else(malformed)?;
        let value = next(&mut bytes).ok_or_else(malformed)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// A verdict handed to the package in one buffer: a little-endian `u32` length of the head,
/// the head (flags as one byte each and, for each text, its length in UTF-16 code units as a
/// little-endian `u32`, `u32::MAX` for an absent one, in order), then every text's UTF-8
/// bytes one after another. The package decodes the texts with one call and slices them by
/// those lengths (JavaScript strings count UTF-16 units), instead of one decode per text.
struct Frame {
    head: Vec<u8>,
    texts: String,
}

thread_local! {
    /// The buffers of the last verdict, reused by the next one (public data only: verdicts).
    static FRAME_BUFFERS: std::cell::Cell<Option<(Vec<u8>, String)>> =
        const { std::cell::Cell::new(None) };
}

/// A frame's buffers larger than this are not kept for the next one.
const KEEP_FRAME_BYTES: usize = 4096;

impl Default for Frame {
    /// The last frame's buffers, or room for a typical verdict: building one does not allocate.
    fn default() -> Frame {
        let (head, texts) = FRAME_BUFFERS
            .take()
            .unwrap_or_else(|| (Vec::with_capacity(64), String::with_capacity(256)));
        Frame { head, texts }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        if self.head.capacity() <= KEEP_FRAME_BYTES && self.texts.capacity() <= KEEP_FRAME_BYTES {
            let mut head = std::mem::take(&mut self.head);
            let mut texts = std::mem::take(&mut self.texts);
            head.clear();
            texts.clear();
            FRAME_BUFFERS.set(Some((head, texts)));
        }
    }
}

impl Frame {
    fn flag(&mut self, value: bool) {
        self.head.push(u8::from(value));
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            Some(text) => {
                // A verdict's texts come from bodies within max_body_bytes (< 4 GiB).
                let units = if text.is_ascii() {
                    text.len()
                } else {
                    text.encode_utf16().count()
                };
                let len = u32::try_from(units).unwrap_or(u32::MAX - 1);
                self.head.extend_from_slice(&len.to_le_bytes());
                self.texts.push_str(text);
            }
            None => self.head.extend_from_slice(&u32::MAX.to_le_bytes()),
        }
    }

    /// The framed buffer.
    fn finish(self) -> Vec<u8> {
        let head_len = self.head_len();
        [&head_len[..], &self.head, self.texts.as_bytes()].concat()
    }

    /// The frame in the output buffer ([`io_buffer::output`]): where it starts.
    fn output(self) -> usize {
        io_buffer::output(&[&self.head_len(), &self.head, self.texts.as_bytes()])
    }

    fn head_len(&self) -> [u8; 4] {
        u32::try_from(self.head.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes()
    }
}

/// A verified response's verdict as `verifyResponse` frames it (see there).
fn response_frame(response: &antom_core::ApiResponse, engine: Ran) -> Frame {
    let mut out = Frame::default();
    out.flag(response.verified);
    out.flag(response.is_success());
    out.text(Some(response.result_status.as_str()));
    out.text(Some(&response.result_code));
    out.text(Some(&response.result_message));
    out.text(Some(response.next_action().as_str()));
    out.text(engine.name());
    out.text(Some(response.outcome.as_str()));
    key_id_frame(&mut out, response.verified_by.as_ref());
    out
}

/// `verified_by` as two framed texts: the ring tag (decimal, absent when untagged or when
/// nothing was verified) and the fingerprint (absent when nothing was verified).
fn key_id_frame(out: &mut Frame, id: Option<&antom_core::KeyId>) {
    let mut digits = [0; 10];
    out.text(
        id.and_then(|id| id.key_version)
            .map(|version| decimal(version, &mut digits)),
    );
    out.text(id.map(|id| id.fingerprint.as_str()));
}

/// `value` in decimal, written into `digits` (`to_string` without the formatting machinery).
fn decimal(mut value: u32, digits: &mut [u8; 10]) -> &str {
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        // value % 10 < 10: the cast keeps every bit.
        *slot = b'0' + (value % 10) as u8;
        start -= 1;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or_default()
}

/// A verified notification's verdict as `verifyNotification` frames it (see there).
fn notification_frame(notification: &antom_core::Notification, engine: Ran) -> Frame {
    let mut out = Frame::default();
    out.text(notification.notify_type.as_deref());
    out.text(notification.result_status.map(|status| status.as_str()));
    out.text(Some(&notification.client_id));
    out.text(Some(&notification.request_time));
    out.text(Some(&notification.dedup_key));
    out.text(engine.name());
    out.text(Some(notification.outcome.as_str()));
    key_id_frame(&mut out, Some(&notification.verified_by));
    out
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
        antom_keys: &WasmKeyRing,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        max_body_bytes: Option<u32>,
        node: bool,
        fallback: bool,
    ) -> Result<WasmClient, JsValue> {
        let config = ClientConfig::new(client_id, private_key.key.clone(), antom_keys.ring()?);
        let settings = Settings {
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
            max_body_bytes,
        };
        Ok(WasmClient {
            client: settings.apply(config).map_err(error)?,
            private: Some(private_key.host.clone()),
            private_key: Some(private_key.key.clone()),
            public: antom_keys.hosts(),
            node,
            fallback,
            external: false,
        })
    }

    /// `ApiKey::parse` + `ClientConfig::with_api_key` + `Client::new`. The key text is wiped
    /// after parsing.
    #[wasm_bindgen(js_name = withApiKey)]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the config fields one to one"
    )]
    pub fn with_api_key(
        client_id: String,
        api_key: String,
        antom_keys: &WasmKeyRing,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        max_body_bytes: Option<u32>,
        node: bool,
        fallback: bool,
    ) -> Result<WasmClient, JsValue> {
        let api_key = Zeroizing::new(api_key);
        let api_key = ApiKey::parse(&api_key).map_err(error)?;
        let config = ClientConfig::with_api_key(client_id, api_key, antom_keys.ring()?);
        let settings = Settings {
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
            max_body_bytes,
        };
        Ok(WasmClient {
            client: settings.apply(config).map_err(error)?,
            private: None,
            private_key: None,
            public: antom_keys.hosts(),
            node,
            fallback,
            external: false,
        })
    }

    /// `ClientConfig::with_external_signer` + `Client::new`: requests are signed by an
    /// external signer (a KMS, an HSM) through `beginPrepare` / `finishPrepare`; with
    /// `merchant_public_key_der` (SPKI or PKCS#1 DER of the external key's public half) every
    /// signature is verified before a request is handed out.
    #[wasm_bindgen(js_name = withExternalSigner)]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the config fields one to one"
    )]
    pub fn with_external_signer(
        client_id: String,
        merchant_public_key_der: Option<Vec<u8>>,
        antom_keys: &WasmKeyRing,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        max_body_bytes: Option<u32>,
        node: bool,
        fallback: bool,
    ) -> Result<WasmClient, JsValue> {
        let merchant = merchant_public_key_der
            .map(|der| PublicKey::from_der(&der))
            .transpose()
            .map_err(error)?;
        let config = ClientConfig::with_external_signer(client_id, merchant, antom_keys.ring()?);
        let settings = Settings {
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
            max_body_bytes,
        };
        Ok(WasmClient {
            client: settings.apply(config).map_err(error)?,
            private: None,
            private_key: None,
            public: antom_keys.hosts(),
            node,
            fallback,
            external: true,
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
        antom_keys: &WasmKeyRing,
        region: Option<String>,
        environment: Option<String>,
        gateway_url: Option<String>,
        key_version: Option<u32>,
        agent_token: Option<String>,
        max_body_bytes: Option<u32>,
        node: bool,
        fallback: bool,
    ) -> Result<WasmClient, JsValue> {
        let config = ClientConfig::verify_only(client_id, antom_keys.ring()?);
        let settings = Settings {
            region,
            environment,
            gateway_url,
            key_version,
            agent_token,
            max_body_bytes,
        };
        Ok(WasmClient {
            client: settings.apply(config).map_err(error)?,
            private: None,
            private_key: None,
            public: antom_keys.hosts(),
            node,
            fallback,
            external: false,
        })
    }

    fn engine(&self) -> GlueEngine<'_> {
        GlueEngine::new(
            self.node,
            self.fallback,
            self.private.as_ref(),
            &self.public,
        )
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

    /// `Client::max_body_bytes`: the largest body prepared or verified.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> f64 {
        // Exact: a wasm32 `usize` fits an f64.
        u32::try_from(self.client.max_body_bytes()).map_or(f64::from(u32::MAX), f64::from)
    }

    /// The core's refusal of a `length`-byte body of `kind` (`request`, `response`,
    /// `notification`) over `max_body_bytes`, from its length alone: the package calls it
    /// before it copies an oversized body into WebAssembly memory. Nothing within the limit.
    #[wasm_bindgen(js_name = checkBodySize)]
    pub fn check_body_size(&self, kind: &str, length: f64) -> Result<(), JsValue> {
        let what = match kind {
            "request" | "response" | "notification" => kind,
            _ => return Err(JsError::new("kind must be request, response or notification").into()),
        };
        // Saturating: a length past u64 (or NaN) cannot reach here from a real buffer.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "lengths are non-negative integers; `as` saturates"
        )]
        let length = length as u64;
        let max = u64::try_from(self.client.max_body_bytes()).unwrap_or(u64::MAX);
        match body_size_error(what, length, max) {
            Some(err) => Err(error(err)),
            None => Ok(()),
        }
    }

    /// The Antom public key responses and notifications are verified with.
    #[wasm_bindgen(js_name = antomPublicKey)]
    pub fn antom_public_key(&self) -> WasmPublicKey {
        WasmPublicKey {
            key: self.client.antom_public_key().clone(),
            host: self
                .public
                .first()
                .map(|(_, host)| host.clone())
                .unwrap_or_default(),
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
        if self.external {
            return Err(error(antom_core::Error::new(
                ErrorCode::InvalidInput,
                "this client signs with an external signer (signer), which may be asynchronous: \
                 use `await client.prepareAsync(api, body)` instead of prepare()",
            )));
        }
        let (inner, engine) = self
            .engine()
            .run(|engine| self.client.prepare_with(engine, api, body, request_time))?;
        Ok(PreparedRequest { inner, engine })
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

    /// `Client::verify_response_with`. `headers` is the package's framed list of the headers
    /// whose names may be in [`RESPONSE_HEADERS`](antom_core::RESPONSE_HEADERS) (all the core
    /// reads; framed as `framed_pairs` reads it). The verdict comes back in one framed buffer: `verified`
    /// and `isSuccess` as one byte each, then `resultStatus`, `resultCode`, `resultMessage`,
    /// `nextAction`, `engine`, `outcome` (as `Frame` writes them); the body is not echoed back
    /// (it is the caller's).
    ///
    /// The input is in the input buffer (`ioInput`): the path, the header frame and the body,
    /// `path_len`, `headers_len` and `body_len` bytes; the verdict is in the output buffer, at
    /// the offset returned, behind its length as a little-endian `u32`.
    #[wasm_bindgen(js_name = verifyResponse)]
    pub fn verify_response(
        &self,
        path_len: usize,
        headers_len: usize,
        body_len: usize,
    ) -> Result<usize, JsValue> {
        io_buffer::with_input([path_len, headers_len, body_len], |path, headers, body| {
            let headers = framed_pairs(headers)?;
            let (response, engine) = self.engine().run(|engine| {
                self.client
                    .verify_response_with(engine, path, &headers, body)
            })?;
            Ok(response_frame(&response, engine).output())
        })
    }

    /// `Client::verify_notification_with`, or with `now_ms` and `max_age_ms`
    /// `Client::verify_notification_fresh_with`. `headers` is the framed list of the headers
    /// whose names may be in [`NOTIFICATION_HEADERS`](antom_core::NOTIFICATION_HEADERS). The
    /// verdict comes back framed: `notifyType`, `resultStatus`, `clientId`, `requestTime`,
    /// `dedupKey`, `engine`, `outcome` (absent fields framed as null); the body is not echoed
    /// back. Input and verdict pass through the shared buffers, as for `verifyResponse`.
    #[wasm_bindgen(js_name = verifyNotification)]
    pub fn verify_notification(
        &self,
        path_len: usize,
        headers_len: usize,
        body_len: usize,
        now_ms: Option<u64>,
        max_age_ms: Option<u64>,
    ) -> Result<usize, JsValue> {
        io_buffer::with_input([path_len, headers_len, body_len], |path, headers, body| {
            self.verify_notification_in(path, headers, body, now_ms, max_age_ms)
        })
    }

    fn verify_notification_in(
        &self,
        path: &str,
        headers: &[u8],
        body: &[u8],
        now_ms: Option<u64>,
        max_age_ms: Option<u64>,
    ) -> Result<usize, JsValue> {
        let headers = framed_pairs(headers)?;
        let freshness = match (now_ms, max_age_ms) {
            (Some(now_ms), Some(max_age_ms)) => Some(Freshness { now_ms, max_age_ms }),
            (None, None) => None,
            _ => return Err(JsError::new("nowMs and maxAgeMs go together").into()),
        };
        let (notification, engine) = self.engine().run(|engine| match freshness {
            Some(freshness) => self
                .client
                .verify_notification_fresh_with(engine, path, &headers, body, freshness),
            None => self
                .client
                .verify_notification_with(engine, path, &headers, body),
        })?;
        Ok(notification_frame(&notification, engine).output())
    }

    /// The first half of `prepareAsync`. A private-key client on the node engine whose key
    /// Node accepted: the core prepares up to the signature and the pending request carries
    /// the message and the key's `KeyObject` (for `crypto.sign`'s callback form). An
    /// external-signer client: `Client::prepare_external` (message and digest for the
    /// signer). Anything else (API key, the wasm engine, a key Node refused) is prepared
    /// completely here, exactly as `prepare`; the pending request then has no message.
    #[wasm_bindgen(js_name = beginPrepare)]
    pub fn begin_prepare(
        &self,
        api: &str,
        body: &[u8],
        request_time: u64,
    ) -> Result<PendingRequest, JsValue> {
        if self.external {
            let request = self
                .client
                .prepare_external(api, body, request_time)
                .map_err(error)?;
            return Ok(PendingRequest {
                state: Pending::External(request),
                host: JsValue::UNDEFINED,
            });
        }
        let host = match (&self.private, self.node) {
            (Some(host), true) => self.private_key.as_ref().and_then(|key| host.private(key)),
            _ => None,
        };
        let Some(host) = host.cloned() else {
            let prepared = self.prepare(api, body, request_time)?;
            return Ok(PendingRequest {
                state: Pending::Done(prepared),
                host: JsValue::UNDEFINED,
            });
        };
        let capture = Capture::default();
        let result = self.client.prepare_with(&capture, api, body, request_time);
        match (result, capture.0.into_inner()) {
            (Err(_), Some(message)) => Ok(PendingRequest {
                state: Pending::Local {
                    api: api.to_owned(),
                    body: body.to_vec(),
                    request_time,
                    message,
                },
                host,
            }),
            (Err(err), None) => Err(error(err)),
            // No RSA step (cannot happen with a private key): the request as it is.
            (Ok(inner), _) => Ok(PendingRequest {
                state: Pending::Done(PreparedRequest {
                    inner,
                    engine: Ran::Nothing,
                }),
                host: JsValue::UNDEFINED,
            }),
        }
    }

    /// The second half of `prepareAsync`, consuming `pending`. `signature` is the raw signature
    /// (`node:crypto`'s or the external signer's); without one, `failure` says why:
    /// `"host"` (`node:crypto` failed: the fallback rule of `prepare` applies), `"threw"` (the
    /// signer threw or its promise rejected), `"type"` (it returned something other than a
    /// `Uint8Array`) or `"size"` (over `maxSignerAnswerBytes`, not copied) — the last three
    /// are `SIGNING_FAILED`, never a half-built request.
    #[wasm_bindgen(js_name = finishPrepare)]
    pub fn finish_prepare(
        &self,
        pending: PendingRequest,
        signature: Option<Vec<u8>>,
        failure: Option<String>,
    ) -> Result<PreparedRequest, JsValue> {
        let PendingRequest { state, .. } = pending;
        match state {
            Pending::Done(prepared) => Ok(prepared),
            Pending::Local {
                api,
                body,
                request_time,
                message,
            } => {
                let (engine, ran): (&dyn RsaEngine, Ran) = match &signature {
                    Some(signature) => (
                        &Replay {
                            message: Some(&message),
                            signature,
                        },
                        Ran::Node,
                    ),
                    None if self.fallback => (&BuiltinEngine, Ran::Wasm),
                    None => return Err(error(Refusal::Sign.error())),
                };
                let inner = self
                    .client
                    .prepare_with(engine, &api, &body, request_time)
                    .map_err(error)?;
                Ok(PreparedRequest { inner, engine: ran })
            }
            Pending::External(request) => {
                let Some(signature) = signature else {
                    let why = match failure.as_deref() {
                        Some("size") => {
                            "the signer returned more bytes than any RSA signature has (at most \
                             1024, RSA-8192): they were not copied; return the raw signature"
                        }
                        Some("type") => {
                            "the signer must return the raw signature bytes as a Uint8Array \
                             (a Buffer works), or a Promise of one"
                        }
                        _ => {
                            "the signer threw or its promise rejected (see the error's cause); \
                             nothing was signed"
                        }
                    };
                    return Err(error(antom_core::Error::new(ErrorCode::SigningFailed, why)));
                };
                let inner = self
                    .client
                    .finish_external(request, &signature)
                    .map_err(error)?;
                Ok(PreparedRequest {
                    inner,
                    engine: Ran::External,
                })
            }
        }
    }

    /// The core's redacted `Debug` form.
    pub fn describe(&self) -> String {
        format!("{:?}", self.client)
    }
}

/// `redact_header`: how a header value may be shown (`<redacted>` for credentials). The
/// value is wiped after use.
#[wasm_bindgen(js_name = redactHeader)]
pub fn redact_header(name: &str, value: String) -> String {
    let value = Zeroizing::new(value);
    antom_core::redact_header(name, &value).to_owned()
}

/// `describe_body`: how a body is shown (`<N bytes>`).
#[wasm_bindgen(js_name = describeBody)]
pub fn describe_body(body: &[u8]) -> String {
    antom_core::describe_body(body)
}

/// `BuiltinEngine::NAME` of this build: the WebAssembly engine (`rsa-0.10`).
#[wasm_bindgen(js_name = builtinEngine)]
pub fn builtin_engine() -> String {
    BuiltinEngine::NAME.to_owned()
}

/// The most bytes of a signer's answer the package copies into WebAssembly memory (whose
/// memory never shrinks): far above any RSA signature (RSA-8192: 1024 bytes), so the core still
/// judges every plausible answer; anything longer is `SIGNING_FAILED` (failure `"size"`).
#[wasm_bindgen(js_name = maxSignerAnswerBytes)]
pub fn max_signer_answer_bytes() -> u32 {
    65_536
}

/// `NOTIFICATION_HEADERS`: the only headers a notification is read from (lower case).
#[wasm_bindgen(js_name = notificationHeaders)]
pub fn notification_headers() -> Vec<String> {
    antom_core::NOTIFICATION_HEADERS
        .iter()
        .map(|name| (*name).to_owned())
        .collect()
}

/// `RESPONSE_HEADERS`: the only headers a response is read from (lower case).
#[wasm_bindgen(js_name = responseHeaders)]
pub fn response_headers() -> Vec<String> {
    antom_core::RESPONSE_HEADERS
        .iter()
        .map(|name| (*name).to_owned())
        .collect()
}

/// `DEFAULT_MAX_BODY_BYTES`.
#[wasm_bindgen(js_name = defaultMaxBodyBytes)]
pub fn default_max_body_bytes() -> f64 {
    u32::try_from(antom_core::DEFAULT_MAX_BODY_BYTES).map_or(f64::from(u32::MAX), f64::from)
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

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_PRIVATE: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
    const ANTOM_PUBLIC: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");

    /// `decimal` writes what `to_string` writes, at the edges of `u32` too.
    #[test]
    fn decimal_matches_to_string() {
        for value in [
            0,
            1,
            9,
            10,
            99,
            100,
            4_294_967_295,
            1_000_000_000,
            123_456_789,
        ] {
            let mut digits = [0; 10];
            assert_eq!(decimal(value, &mut digits), value.to_string());
        }
    }

    /// The glue words a refused length as the core refuses the body itself.
    #[test]
    fn the_length_check_words_its_error_as_the_core_does() -> antom_core::Result<()> {
        let mut config = ClientConfig::new(
            "SANDBOX_5X00000000000000",
            PrivateKey::parse(MERCHANT_PRIVATE)?,
            PublicKey::parse(ANTOM_PUBLIC)?,
        );
        config.max_body_bytes = 8;
        let client = Client::new(config)?;
        let body = br#"{"ab":12}"#; // 9 bytes
        let no_headers: [(&str, &str); 0] = [];
        let core = [
            ("request", client.prepare("v1/payments/pay", body, 1).err()),
            (
                "response",
                client
                    .verify_response("v1/payments/pay", &no_headers, body)
                    .err(),
            ),
            (
                "notification",
                client
                    .verify_notification("/notify", &no_headers, body)
                    .err(),
            ),
        ];
        for (what, error) in core {
            assert!(error.is_some(), "{what}");
            assert_eq!(body_size_error(what, 9, 8), error, "{what}");
            assert_eq!(body_size_error(what, 8, 8), None);
        }
        Ok(())
    }

    #[test]
    fn refusals_have_codes_and_never_echo_keys() {
        for refusal in [
            Refusal::PrivateKey,
            Refusal::PublicKey,
            Refusal::Sign,
            Refusal::Verify,
        ] {
            let err = refusal.error();
            assert!(err.message().contains("engineFallback"), "{err}");
            assert_ne!(err.code(), ErrorCode::SignatureMismatch);
        }
        assert_eq!(Ran::Nothing.name(), None);
        assert_eq!(Ran::Node.name(), Some("node"));
        assert_eq!(Ran::Wasm.name(), Some("wasm"));
    }
}
