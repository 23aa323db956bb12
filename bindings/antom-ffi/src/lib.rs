//! uniffi glue for antom-core: the same API for Python, Kotlin and Swift.
//!
//! Every export is a delegation to `antom_core` plus a type conversion; the protocol rules
//! (what is signed, which responses are trusted, the error codes) live only in the core.
//! Doc comments here are copied into the generated Python, Kotlin and Swift code, so they
//! are written for the reader of those languages.
//!
//! Secrets crossing the boundary: key text, key DER and API keys arrive in buffers this
//! library owns; they are wiped after use ([`zeroize::Zeroizing`]), and so is every heap
//! block this library frees (the [`WipingAllocator`]): uniffi's transfer buffers (records
//! such as `ClientConfig`, byte arrays, and the returned `PreparedRequest` whose
//! `Authorization` header carries the API key, freed by the host through
//! `rustbuffer_free`) are overwritten with zeros before they return to the system
//! allocator. What the host language keeps (Python `str`/`bytes`, Java `String`, Swift
//! `String`) is immutable there and cannot be wiped from here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::MaybeUninit;
use std::sync::Arc;

use antom_core as ac;
use zeroize::{Zeroize, Zeroizing};

/// The allocator of this library: the system allocator, except that every block is
/// overwritten with zeros before it is freed (and so before `realloc` moves it), so no key
/// text, API key, `Authorization` value or body lingers in freed memory. Costs one `memset`
/// per freed byte: negligible next to an RSA operation.
pub struct WipingAllocator;

/// Overwrites `len` bytes at `ptr` with zeros in a way the compiler cannot elide.
///
/// # Safety
/// `ptr` must be valid for writes of `len` bytes (initialised or not).
unsafe fn wipe(ptr: *mut u8, len: usize) {
    if len > 0 {
        // SAFETY: the caller guarantees `len` writable bytes; `MaybeUninit<u8>` accepts any
        // (including uninitialised) contents.
        unsafe { std::slice::from_raw_parts_mut(ptr.cast::<MaybeUninit<u8>>(), len) }.zeroize();
    }
}

// SAFETY: every method delegates to `System`; `dealloc` only writes to the block it is about
// to free. `realloc` is the trait's default (alloc, copy, dealloc), so a moved block is wiped
// too.
unsafe impl GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes that the caller gives up.
        unsafe {
            wipe(ptr, layout.size());
            System.dealloc(ptr, layout);
        }
    }
}

#[global_allocator]
static ALLOCATOR: WipingAllocator = WipingAllocator;

// The namespace names the generated modules: `antom_core.py` for Python; Kotlin and Swift
// names come from the root `uniffi.toml`.
uniffi::setup_scaffolding!("antom_core");

mod dedup;
mod external;
mod flat;
pub use external::SigningRequest;
mod key_ring;
mod outcome_wait;
mod packed;
mod retry;
mod testing;
mod transports;
pub use key_ring::{AntomKey, KeyId, max_ring_keys, which_key};
pub use packed::{NotificationFacts, ResponseFacts};

/// An antom-core error. The variant is the stable error code (`InvalidKey` is
/// `INVALID_KEY`, and so on); the message is the core's text, `"CODE: what to fix"`. Messages
/// never contain key material, signature values or message bodies.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
#[non_exhaustive]
pub enum AntomError {
    /// `INVALID_KEY`: a key could not be parsed, is encrypted, is not RSA, or has an
    /// unsupported size; or an API key is malformed.
    #[error("{message}")]
    InvalidKey {
        /// The core's message.
        message: String,
    },
    /// `INVALID_INPUT`: an argument is malformed (a path, a client id, a gateway URL, a
    /// body, a repeated header).
    #[error("{message}")]
    InvalidInput {
        /// The core's message.
        message: String,
    },
    /// `MALFORMED_SIGNATURE`: a signature value or `Signature` header cannot be decoded.
    #[error("{message}")]
    MalformedSignature {
        /// The core's message.
        message: String,
    },
    /// `UNSUPPORTED_ALGORITHM`: the `Signature` header names an algorithm other than `RSA256`.
    #[error("{message}")]
    UnsupportedAlgorithm {
        /// The core's message.
        message: String,
    },
    /// `SIGNATURE_MISMATCH`: a well-formed signature does not match: the message is not
    /// authentic.
    #[error("{message}")]
    SignatureMismatch {
        /// The core's message.
        message: String,
    },
    /// `MISSING_HEADER`: a header the protocol requires is missing or empty.
    #[error("{message}")]
    MissingHeader {
        /// The core's message.
        message: String,
    },
    /// `CLIENT_ID_MISMATCH`: the `client-id` header is not this client's id.
    #[error("{message}")]
    ClientIdMismatch {
        /// The core's message.
        message: String,
    },
    /// `UNSIGNED_RESPONSE`: a response carries no signature and is not an `F`/`U` gateway
    /// error; it cannot be trusted.
    #[error("{message}")]
    UnsignedResponse {
        /// The core's message.
        message: String,
    },
    /// `INVALID_AMOUNT`: an amount is not a positive decimal the currency can represent.
    #[error("{message}")]
    InvalidAmount {
        /// The core's message.
        message: String,
    },
    /// `UNSUPPORTED_CURRENCY`: not an ISO 4217 currency with a minor unit.
    #[error("{message}")]
    UnsupportedCurrency {
        /// The core's message.
        message: String,
    },
    /// `SIGNING_FAILED`: the RSA signing operation itself failed (no randomness for
    /// blinding), or an external signer's signature has the wrong length or does not verify
    /// with the configured merchant public key (`Client.finish_external`).
    #[error("{message}")]
    SigningFailed {
        /// The core's message.
        message: String,
    },
    /// `UNKNOWN_KEY_VERSION`: a message is signed with a `keyVersion` no key of the Antom key
    /// ring is tagged with (and the ring has no untagged key): add Antom's new key.
    #[error("{message}")]
    UnknownKeyVersion {
        /// The core's message.
        message: String,
    },
    /// `WRONG_KEY`: a configured key is the wrong one: the Antom public key is your own
    /// merchant public key.
    #[error("{message}")]
    WrongKey {
        /// The core's message.
        message: String,
    },
}

impl AntomError {
    fn from_code(code: ac::ErrorCode, message: String) -> AntomError {
        use ac::ErrorCode as C;
        match code {
            C::InvalidKey => AntomError::InvalidKey { message },
            C::InvalidInput => AntomError::InvalidInput { message },
            C::MalformedSignature => AntomError::MalformedSignature { message },
            C::UnsupportedAlgorithm => AntomError::UnsupportedAlgorithm { message },
            C::SignatureMismatch => AntomError::SignatureMismatch { message },
            C::MissingHeader => AntomError::MissingHeader { message },
            C::ClientIdMismatch => AntomError::ClientIdMismatch { message },
            C::UnsignedResponse => AntomError::UnsignedResponse { message },
            C::InvalidAmount => AntomError::InvalidAmount { message },
            C::UnsupportedCurrency => AntomError::UnsupportedCurrency { message },
            C::SigningFailed => AntomError::SigningFailed { message },
            C::UnknownKeyVersion => AntomError::UnknownKeyVersion { message },
            C::WrongKey => AntomError::WrongKey { message },
            // `ErrorCode` is non-exhaustive; the unit test below fails as soon as the core
            // adds a code this enum does not mirror.
            _ => AntomError::InvalidInput { message },
        }
    }

    /// The stable code string this variant stands for.
    fn code(&self) -> &'static str {
        match self {
            AntomError::InvalidKey { .. } => "INVALID_KEY",
            AntomError::InvalidInput { .. } => "INVALID_INPUT",
            AntomError::MalformedSignature { .. } => "MALFORMED_SIGNATURE",
            AntomError::UnsupportedAlgorithm { .. } => "UNSUPPORTED_ALGORITHM",
            AntomError::SignatureMismatch { .. } => "SIGNATURE_MISMATCH",
            AntomError::MissingHeader { .. } => "MISSING_HEADER",
            AntomError::ClientIdMismatch { .. } => "CLIENT_ID_MISMATCH",
            AntomError::UnsignedResponse { .. } => "UNSIGNED_RESPONSE",
            AntomError::InvalidAmount { .. } => "INVALID_AMOUNT",
            AntomError::UnsupportedCurrency { .. } => "UNSUPPORTED_CURRENCY",
            AntomError::SigningFailed { .. } => "SIGNING_FAILED",
            AntomError::UnknownKeyVersion { .. } => "UNKNOWN_KEY_VERSION",
            AntomError::WrongKey { .. } => "WRONG_KEY",
        }
    }
}

impl From<ac::Error> for AntomError {
    fn from(error: ac::Error) -> AntomError {
        AntomError::from_code(error.code(), error.to_string())
    }
}

type Result<T, E = AntomError> = std::result::Result<T, E>;

/// A merchant's RSA private key, used to sign requests. Its string form never shows key
/// material, and the key cannot be read back out.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct PrivateKey(ac::PrivateKey);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl PrivateKey {
    /// Parses a private key: the Antom Dashboard form (one-line base64 PKCS#8), PEM
    /// (`PRIVATE KEY` or `RSA PRIVATE KEY`) or base64 PKCS#1.
    ///
    /// Errors: `InvalidKey` (empty, not base64/PEM, encrypted, not RSA, a public key, or
    /// smaller than 2048 bits).
    #[uniffi::constructor]
    pub fn new(text: String) -> Result<Arc<PrivateKey>> {
        let text = Zeroizing::new(text);
        Ok(Arc::new(PrivateKey(ac::PrivateKey::parse(&text)?)))
    }

    /// Parses a private key from DER bytes (PKCS#8 or PKCS#1).
    ///
    /// Errors: `InvalidKey`.
    #[uniffi::constructor]
    pub fn from_der(der: Vec<u8>) -> Result<Arc<PrivateKey>> {
        let der = Zeroizing::new(der);
        Ok(Arc::new(PrivateKey(ac::PrivateKey::from_der(&der)?)))
    }

    /// Signs `content` (see `content_to_sign`) and returns the value that goes after
    /// `signature=` in the `Signature` header: RSASSA-PKCS1-v1_5 / SHA-256, base64,
    /// percent-encoded.
    ///
    /// Errors: `SigningFailed` only if the platform gives no randomness for blinding.
    pub fn sign(&self, content: String) -> Result<String> {
        Ok(self.0.sign(&content)?)
    }

    /// The public half of this key (what you upload to the Antom Dashboard).
    pub fn public_key(&self) -> Arc<PublicKey> {
        Arc::new(PublicKey(self.0.public_key()))
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.0.bits()
    }
}

/// An RSA public key: Antom's (to verify responses and notifications) or your own.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct PublicKey(ac::PublicKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl PublicKey {
    /// Parses a public key: the Antom Dashboard form (one-line base64 SubjectPublicKeyInfo),
    /// PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or base64 PKCS#1.
    ///
    /// Errors: `InvalidKey` (empty, not base64/PEM, a private key, not RSA, or outside
    /// 2048..=4096 bits).
    #[uniffi::constructor]
    pub fn new(text: String) -> Result<Arc<PublicKey>> {
        Ok(Arc::new(PublicKey(ac::PublicKey::parse(&text)?)))
    }

    /// Parses a public key from DER bytes (SubjectPublicKeyInfo or PKCS#1).
    ///
    /// Errors: `InvalidKey`.
    #[uniffi::constructor]
    pub fn from_der(der: Vec<u8>) -> Result<Arc<PublicKey>> {
        Ok(Arc::new(PublicKey(ac::PublicKey::from_der(&der)?)))
    }

    /// Checks `signature` (the value after `signature=`, percent-encoded or raw base64) over
    /// `content`. A well-formed signature that does not match returns `false`.
    ///
    /// Errors: `MalformedSignature` when the value cannot be decoded or has the wrong length.
    pub fn verify(&self, content: String, signature: String) -> Result<bool> {
        Ok(self.0.verify(&content, &signature)?)
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.0.bits()
    }

    /// The key as SubjectPublicKeyInfo DER.
    pub fn to_der(&self) -> Vec<u8> {
        self.0.to_der()
    }

    /// The key in the Antom Dashboard form: one-line base64 of the SubjectPublicKeyInfo DER.
    pub fn to_base64(&self) -> String {
        self.0.to_base64()
    }

    /// SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex: a safe way to tell keys
    /// apart in logs.
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint()
    }
}

/// The Antom region whose gateway serves your account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Region {
    /// `https://open-sea-global.alipay.com` (the default).
    Asia,
    /// `https://open-na-global.alipay.com`.
    NorthAmerica,
    /// `https://open-de-global.alipay.com`.
    Europe,
}

impl From<Region> for ac::Region {
    fn from(region: Region) -> ac::Region {
        match region {
            Region::Asia => ac::Region::Asia,
            Region::NorthAmerica => ac::Region::NorthAmerica,
            Region::Europe => ac::Region::Europe,
        }
    }
}

/// Parses a region's stable name: `asia`, `north_america` or `europe` (any case).
///
/// Errors: `InvalidInput` for any other text.
#[uniffi::export]
pub fn parse_region(text: String) -> Result<Region> {
    match ac::Region::parse(&text)? {
        ac::Region::Asia => Ok(Region::Asia),
        ac::Region::NorthAmerica => Ok(Region::NorthAmerica),
        ac::Region::Europe => Ok(Region::Europe),
        // A region added to the core but not yet mirrored here.
        _ => Err(AntomError::InvalidInput {
            message: "INVALID_INPUT: this region is not available in this binding yet".to_owned(),
        }),
    }
}

/// Sandbox (test mode) or production (live mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Environment {
    /// Test mode: online-payment paths become `/ams/sandbox/api/...`.
    Sandbox,
    /// Live mode.
    Production,
}

impl From<Environment> for ac::Environment {
    fn from(environment: Environment) -> ac::Environment {
        match environment {
            Environment::Sandbox => ac::Environment::Sandbox,
            Environment::Production => ac::Environment::Production,
        }
    }
}

impl From<ac::Environment> for Environment {
    fn from(environment: ac::Environment) -> Environment {
        match environment {
            ac::Environment::Sandbox => Environment::Sandbox,
            _ => Environment::Production,
        }
    }
}

/// Parses an environment's stable name: `sandbox` or `production` (any case).
///
/// Errors: `InvalidInput` for any other text.
#[uniffi::export]
pub fn parse_environment(text: String) -> Result<Environment> {
    Ok(ac::Environment::parse(&text)?.into())
}

/// How requests are authenticated.
#[derive(uniffi::Enum)]
pub enum Credential {
    /// RSA request signing with your private key (the classic Antom scheme).
    PrivateKey {
        /// Your private key.
        key: Arc<PrivateKey>,
    },
    /// `Authorization: Bearer` with an Antom API key (`isak_`/`irak_` + `TEST`/`PROD` + two
    /// parts); no request signature. Notifications stay RSA-signed.
    ApiKey {
        /// The API key, as the Antom Dashboard shows it.
        key: String,
    },
    /// No credential: the client verifies responses and notifications but cannot prepare
    /// requests. For a notification receiver that should never hold the private key.
    VerifyOnly,
    /// The key is held by a signer outside the process (AWS KMS, Google Cloud KMS, an HSM):
    /// requests are prepared in two steps, `Client.prepare_external` then
    /// `Client.finish_external`. With `merchant_public_key` (the external key's public half,
    /// strongly recommended) every signature is verified before the request is handed out;
    /// without it only the signature's length is checked.
    ExternalSigner {
        /// The public half of the external key, as uploaded to the Antom Dashboard.
        merchant_public_key: Option<Arc<PublicKey>>,
    },
}

/// Everything a `Client` needs.
#[derive(uniffi::Record)]
pub struct ClientConfig {
    /// Your client id from the Antom Dashboard (`SANDBOX_...` for test mode).
    pub client_id: String,
    /// Your private key or API key.
    pub credential: Credential,
    /// Antom's public keys for the same environment, to verify responses and notifications:
    /// one key (untagged), or during a rotation several tagged with their `keyVersion`
    /// (see `AntomKey`).
    pub antom_keys: Vec<AntomKey>,
    /// The region whose gateway to use (default: Asia).
    #[uniffi(default)]
    pub region: Option<Region>,
    /// Forces the environment. By default: the API key's marker, else sandbox exactly when
    /// the client id starts with `SANDBOX_`.
    #[uniffi(default)]
    pub environment: Option<Environment>,
    /// Overrides the region's gateway: `https://host[:port]`, or `http://` for loopback hosts
    /// only (a local simulator). No path.
    #[uniffi(default)]
    pub gateway_url: Option<String>,
    /// The `keyVersion` sent in the `Signature` header (default 1).
    #[uniffi(default)]
    pub key_version: Option<u32>,
    /// An ISV agent token, sent as `Agent-Token` (RSA mode only).
    #[uniffi(default)]
    pub agent_token: Option<String>,
    /// The largest request, response or notification body accepted, in bytes (default
    /// 4 MiB, `default_max_body_bytes()`). Larger bodies are refused with `InvalidInput`
    /// before they are copied or hashed.
    #[uniffi(default)]
    pub max_body_bytes: Option<u64>,
}

/// One HTTP header, name and value.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Header {
    /// The header name, with its exact casing.
    pub name: String,
    /// The header value.
    pub value: String,
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Header")
            .field("name", &self.name)
            .field("value", &ac::redact_header(&self.name, &self.value))
            .finish()
    }
}

/// A request ready for your HTTP client: send exactly these bytes and headers.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct PreparedRequest {
    /// Always `POST`.
    pub method: String,
    /// Gateway origin plus `path`.
    pub url: String,
    /// The path that was signed; pass it to `Client.verify_response`.
    pub path: String,
    /// Headers in order, with their exact casing.
    pub headers: Vec<Header>,
    /// The body, byte for byte as signed. Do not re-serialise it.
    pub body: String,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &ac::describe_body(self.body.as_bytes()))
            .finish()
    }
}

/// The outcome Antom reports in `result.resultStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ResultStatus {
    /// `S`: the call succeeded.
    Success,
    /// `F`: the call failed; `result_code` says why. Final for this request.
    Failed,
    /// `U`: the outcome is unknown: inquire, never ask the buyer to pay again.
    Unknown,
}

impl From<ac::ResultStatus> for ResultStatus {
    fn from(status: ac::ResultStatus) -> ResultStatus {
        match status {
            ac::ResultStatus::Success => ResultStatus::Success,
            ac::ResultStatus::Failed => ResultStatus::Failed,
            // The core maps every unexpected status to Unknown; so does this mirror.
            _ => ResultStatus::Unknown,
        }
    }
}

/// What to do next after a response. Always taken from the core: an unverified response is
/// always `Inquire`, whatever its status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NextAction {
    /// The call is done: use the response.
    Done,
    /// The call failed: handle `result_code`; do not retry the same request blindly.
    Failed,
    /// The outcome is unknown: inquire or resend the identical request (same request id,
    /// same body) until it is final. Never tell the buyer the payment failed.
    Inquire,
}

impl From<ac::NextAction> for NextAction {
    fn from(action: ac::NextAction) -> NextAction {
        match action {
            ac::NextAction::Done => NextAction::Done,
            ac::NextAction::Failed => NextAction::Failed,
            _ => NextAction::Inquire,
        }
    }
}

/// The state of the payment, refund or capture a verified message is about (the core's
/// `Outcome`): act on this, not on `result_status`. An unverified message is always `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Outcome {
    /// Final and successful: for a payment, the money is paid. The only state that proves
    /// payment.
    Succeeded,
    /// Final and failed (or cancelled): this operation will not succeed.
    Failed,
    /// Accepted and in progress: wait for the notification or inquire later. Never ask the
    /// buyer to pay again.
    Pending,
    /// Not known from this message: inquire (or resend the identical request). Never treat it
    /// as failed.
    Unknown,
}

impl From<ac::Outcome> for Outcome {
    fn from(outcome: ac::Outcome) -> Outcome {
        match outcome {
            ac::Outcome::Succeeded => Outcome::Succeeded,
            ac::Outcome::Failed => Outcome::Failed,
            ac::Outcome::Pending => Outcome::Pending,
            // The core's enum is non-exhaustive: anything new is not known here.
            _ => Outcome::Unknown,
        }
    }
}

/// A response whose authenticity has been settled.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApiResponse {
    /// `true` when Antom's signature was checked. `false` only for unsigned gateway errors
    /// (`F`/`U`), which are never success and never a final failure: their `next_action` is
    /// always `Inquire`.
    pub verified: bool,
    /// `result.resultStatus`.
    pub result_status: ResultStatus,
    /// `result.resultCode` (`""` if absent). An open set: branch on `result_status` first.
    pub result_code: String,
    /// `result.resultMessage` (`""` if absent).
    pub result_message: String,
    /// What to do next (the core's decision: `Inquire` for every unverified response).
    pub next_action: NextAction,
    /// `true` only for a verified `S` response (the API call succeeded; for the money, read
    /// `outcome`).
    pub is_success: bool,
    /// The state of the payment, refund or capture this response is about; always `Unknown`
    /// when `verified` is `false`.
    pub outcome: Outcome,
    /// The raw body (the bytes that were verified), for you to parse.
    pub body: Vec<u8>,
    /// The Antom key that verified it; `None` exactly when `verified` is `false`.
    pub verified_by: Option<KeyId>,
}

impl std::fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("verified", &self.verified)
            .field("result_status", &self.result_status)
            .field("result_code", &self.result_code)
            .field("next_action", &self.next_action)
            .field("outcome", &self.outcome)
            .field("verified_by", &self.verified_by)
            .field("body", &ac::describe_body(&self.body))
            .finish()
    }
}

/// A notification whose signature has been verified.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Notification {
    /// The first of `notifyType`, `authorizationNotifyType`, `disputeNotificationType`,
    /// `subscriptionNotificationType` present in the body (e.g. `PAYMENT_RESULT`).
    pub notify_type: Option<String>,
    /// `result.resultStatus` when present (for `PAYMENT_PENDING`, `S` means "processing").
    pub result_status: Option<ResultStatus>,
    /// The state of the payment, refund or capture this notification is about: only
    /// `Succeeded` proves payment.
    pub outcome: Outcome,
    /// The `client-id` header (equal to the configured client id).
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub request_time: String,
    /// The raw body that was verified, for you to parse.
    pub body: Vec<u8>,
    /// A stable key to process each notification once (`"{notifyType}:{field}={value}"`,
    /// e.g. `PAYMENT_RESULT:paymentId=2024...`, else `"sha256:{hex of the body}"`). Antom
    /// resends a notification until it is acknowledged: store this key with the effect of
    /// processing it (in the same transaction) and acknowledge a key already seen without
    /// processing it again.
    pub dedup_key: String,
    /// The Antom key that verified it (during a rotation: which key Antom signs with).
    pub verified_by: KeyId,
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notification")
            .field("notify_type", &self.notify_type)
            .field("result_status", &self.result_status)
            .field("outcome", &self.outcome)
            .field("client_id", &self.client_id)
            .field("request_time", &self.request_time)
            .field("dedup_key", &self.dedup_key)
            .field("verified_by", &self.verified_by)
            .field("body", &ac::describe_body(&self.body))
            .finish()
    }
}

/// Opt-in replay window for `Client.verify_notification_fresh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Freshness {
    /// The current time, epoch milliseconds.
    pub now_ms: u64,
    /// The largest accepted distance between `now_ms` and the notification's `request-time`.
    pub max_age_ms: u64,
}

impl From<Freshness> for ac::Freshness {
    fn from(freshness: Freshness) -> ac::Freshness {
        ac::Freshness {
            now_ms: freshness.now_ms,
            max_age_ms: freshness.max_age_ms,
        }
    }
}

/// Which body a size check is about (the word used in the error message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BodyKind {
    /// A request body (`Client.prepare`).
    Request,
    /// A response body (`Client.verify_response`).
    Response,
    /// A notification body (`Client.verify_notification`).
    Notification,
}

impl BodyKind {
    fn as_str(self) -> &'static str {
        match self {
            BodyKind::Request => "request",
            BodyKind::Response => "response",
            BodyKind::Notification => "notification",
        }
    }
}

/// The core's body size rule, from lengths alone ([`ac::check_body_size`]).
fn body_size_error(what: &str, len: u64, max: u64) -> Option<ac::Error> {
    ac::check_body_size(len, max, what).err()
}

/// Checks a body's length against a limit (`Client.max_body_bytes()`), given the length
/// only: bindings call it before copying an oversized body into this library.
///
/// Errors: `InvalidInput` (the same error the core gives) when `length > max_body_bytes`.
#[uniffi::export]
pub fn check_body_size(kind: BodyKind, length: u64, max_body_bytes: u64) -> Result<()> {
    match body_size_error(kind.as_str(), length, max_body_bytes) {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// The default `ClientConfig.max_body_bytes`: 4 MiB.
#[uniffi::export]
pub fn default_max_body_bytes() -> u64 {
    u64::try_from(ac::DEFAULT_MAX_BODY_BYTES).unwrap_or(u64::MAX)
}

/// How a header value may be shown in logs and string forms: `"<redacted>"` for
/// `Authorization`, `Agent-Token` and `Cookie` (any case), the value itself otherwise. The
/// one redaction rule of every binding's `repr` / `toString` / `description`.
#[uniffi::export]
pub fn redact_header(name: String, value: String) -> String {
    let value = Zeroizing::new(value);
    ac::redact_header(&name, &value).to_owned()
}

/// How a body is shown in logs and string forms: its length only, `"<N bytes>"`.
#[uniffi::export]
pub fn describe_body(body: Vec<u8>) -> String {
    ac::describe_body(&body)
}

/// The RSA engine this library uses: `"aws-lc"` (AWS-LC through aws-lc-rs), or `"rsa-0.10"`
/// when built with the pure-Rust engine.
#[uniffi::export]
pub fn engine() -> String {
    ac::BuiltinEngine::NAME.to_owned()
}

impl From<ac::ApiResponse> for ApiResponse {
    fn from(response: ac::ApiResponse) -> Self {
        Self {
            verified: response.verified,
            result_status: response.result_status.into(),
            next_action: response.next_action().into(),
            is_success: response.is_success(),
            outcome: response.outcome.into(),
            result_code: response.result_code,
            result_message: response.result_message,
            body: response.body,
            verified_by: response.verified_by.map(Into::into),
        }
    }
}

impl From<ac::Notification> for Notification {
    fn from(notification: ac::Notification) -> Notification {
        Notification {
            notify_type: notification.notify_type,
            result_status: notification.result_status.map(Into::into),
            outcome: notification.outcome.into(),
            client_id: notification.client_id,
            request_time: notification.request_time,
            body: notification.body,
            dedup_key: notification.dedup_key,
            verified_by: notification.verified_by.into(),
        }
    }
}

/// A configured Antom client: prepares signed requests and verifies responses and
/// notifications. It performs no IO; safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client(ac::Client);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn pairs(headers: Vec<Header>) -> Vec<(String, String)> {
    headers.into_iter().map(|h| (h.name, h.value)).collect()
}

#[uniffi::export]
impl Client {
    /// Checks the configuration and builds a client.
    ///
    /// Errors: `InvalidKey` for a malformed API key; `InvalidInput` for an empty or non-ASCII
    /// client id, a bad gateway URL, an invalid agent token, an agent token with an API key,
    /// or an environment that contradicts the API key; `InvalidKey` for a bad key ring
    /// (empty, over `max_ring_keys()`, a key or a version twice); `WrongKey` when a key of
    /// the ring is the merchant's own public key.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Client>> {
        let antom_keys = key_ring::key_ring(&config.antom_keys)?;
        let mut core = match config.credential {
            Credential::PrivateKey { key } => {
                ac::ClientConfig::new(config.client_id, key.0.clone(), antom_keys)
            }
            Credential::ApiKey { key } => {
                let key = Zeroizing::new(key);
                ac::ClientConfig::with_api_key(
                    config.client_id,
                    ac::ApiKey::parse(&key)?,
                    antom_keys,
                )
            }
            Credential::VerifyOnly => ac::ClientConfig::verify_only(config.client_id, antom_keys),
            Credential::ExternalSigner {
                merchant_public_key,
            } => ac::ClientConfig::with_external_signer(
                config.client_id,
                merchant_public_key.map(|key| key.0.clone()),
                antom_keys,
            ),
        };
        if let Some(region) = config.region {
            core.region = region.into();
        }
        if let Some(key_version) = config.key_version {
            core.key_version = key_version;
        }
        core.environment = config.environment.map(Into::into);
        core.gateway_url = config.gateway_url;
        core.agent_token = config.agent_token;
        if let Some(max) = config.max_body_bytes {
            core.max_body_bytes = usize::try_from(max).unwrap_or(usize::MAX);
        }
        Ok(Arc::new(Client(ac::Client::new(core)?)))
    }

    /// The largest body, in bytes, this client prepares or verifies
    /// (`ClientConfig.max_body_bytes`). Check a body's length against it (or call
    /// `check_body_size`) before handing the body over.
    pub fn max_body_bytes(&self) -> u64 {
        u64::try_from(self.0.max_body_bytes()).unwrap_or(u64::MAX)
    }

    /// Prepares a request to `api` (`v1/payments/pay`, `/ams/api/v1/payments/pay` or an
    /// endpoint path): signs `POST path\nclient_id.request_time.body` and returns the URL,
    /// headers and body to send. `request_time` is epoch milliseconds.
    ///
    /// Errors: `InvalidInput` for a bad path, a body that is not a UTF-8 JSON object, or a
    /// verify-only client; `SigningFailed` if the platform has no randomness.
    pub fn prepare(
        &self,
        api: String,
        body: Vec<u8>,
        request_time: u64,
    ) -> Result<PreparedRequest> {
        // The core's request (and so the `Authorization` value in API-key mode) is wiped when
        // dropped, by the allocator of this library.
        let request = self.0.prepare(&api, &body, request_time)?;
        Ok(PreparedRequest {
            method: request.method,
            url: request.url,
            path: request.path,
            headers: request
                .headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            body: request.body,
        })
    }

    /// Verifies a response to a request sent to `path` (the prepared request's `path`),
    /// given the raw response headers and the raw body bytes — never a re-serialised body.
    /// An unsigned response is accepted only as an `F`/`U` gateway error, with
    /// `verified = false` and `next_action = Inquire`. An error here, after the request was
    /// sent, means "outcome unknown: inquire" — never "failed", never ask the buyer to pay
    /// again.
    ///
    /// Errors: `UnsignedResponse`, `MissingHeader`, `ClientIdMismatch`,
    /// `MalformedSignature`, `UnsupportedAlgorithm`, `SignatureMismatch`, `InvalidInput`.
    pub fn verify_response(
        &self,
        path: String,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<ApiResponse> {
        Ok(self
            .0
            .verify_response(&path, &pairs(headers), &body)?
            .into())
    }

    /// Verifies a notification Antom sent to your endpoint at `path` (the path registered
    /// with Antom, e.g. `/antom/notify`), given the raw request headers and raw body. Only
    /// after this succeeds: process it idempotently, then answer HTTP 200 with
    /// `notification_ack()`.
    ///
    /// Errors: `MissingHeader`, `ClientIdMismatch`, `MalformedSignature`,
    /// `UnsupportedAlgorithm`, `SignatureMismatch`, `InvalidInput`.
    pub fn verify_notification(
        &self,
        path: String,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<Notification> {
        Ok(self
            .0
            .verify_notification(&path, &pairs(headers), &body)?
            .into())
    }

    /// As `verify_notification`, and also refuses a notification whose signed `request-time`
    /// is further than `freshness.max_age_ms` from `freshness.now_ms` (a replay guard). Off
    /// by default because Antom retries deliveries for about a day: keep the window generous
    /// and rely on `dedup_key` for idempotency.
    ///
    /// Errors: as `verify_notification`; `InvalidInput` when `request-time` is neither epoch
    /// milliseconds nor an ISO-8601 time with a zone (Antom's notifications carry
    /// `2019-07-12T12:08:56+05:30`), or is outside the window.
    pub fn verify_notification_fresh(
        &self,
        path: String,
        headers: Vec<Header>,
        body: Vec<u8>,
        freshness: Freshness,
    ) -> Result<Notification> {
        Ok(self
            .0
            .verify_notification_fresh(&path, &pairs(headers), &body, freshness.into())?
            .into())
    }

    /// The path this client requests and signs for `api` (sandbox paths for sandbox clients).
    ///
    /// Errors: `InvalidInput` for a malformed path or a sandbox path on a production client.
    pub fn resolve_path(&self, api: String) -> Result<String> {
        Ok(self.0.resolve_path(&api)?)
    }

    /// The configured client id.
    pub fn client_id(&self) -> String {
        self.0.client_id().to_owned()
    }

    /// The environment requests go to.
    pub fn environment(&self) -> Environment {
        self.0.environment().into()
    }

    /// The gateway origin requests go to.
    pub fn gateway_url(&self) -> String {
        self.0.gateway_url().to_owned()
    }

    /// `true` when the client authenticates with an API key instead of a signature.
    pub fn uses_api_key(&self) -> bool {
        self.0.uses_api_key()
    }

    /// `true` when the client can only verify (it holds no credential).
    pub fn is_verify_only(&self) -> bool {
        self.0.is_verify_only()
    }

    /// The first Antom public key of the ring.
    pub fn antom_public_key(&self) -> Arc<PublicKey> {
        Arc::new(PublicKey(self.0.antom_public_key().clone()))
    }

    /// The Antom key ring responses and notifications are verified with, in the order tried.
    pub fn antom_keys(&self) -> Vec<AntomKey> {
        self.0.antom_keys().keys().iter().map(Into::into).collect()
    }
}

/// Builds the exact string that is signed: `"{method} {path}\n{client_id}.{time}.{body}"`.
#[uniffi::export]
pub fn content_to_sign(
    method: String,
    path: String,
    client_id: String,
    time: String,
    body: String,
) -> String {
    ac::content_to_sign(&method, &path, &client_id, &time, &body)
}

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureHeader {
    /// Always `RSA256`.
    pub algorithm: String,
    /// The `keyVersion` item, if present.
    pub key_version: Option<u32>,
    /// The `signature` item exactly as written (normally percent-encoded base64).
    pub signature: String,
}

/// Parses a `Signature` header value (`algorithm=RSA256,keyVersion=1,signature=...`).
///
/// Errors: `MalformedSignature`; `UnsupportedAlgorithm` for an algorithm other than `RSA256`.
#[uniffi::export]
pub fn parse_signature_header(value: String) -> Result<SignatureHeader> {
    let header = ac::SignatureHeader::parse(&value)?;
    Ok(SignatureHeader {
        algorithm: header.algorithm().to_owned(),
        key_version: header.key_version,
        signature: header.signature,
    })
}

/// Formats a `Signature` header value for a signature from `PrivateKey.sign`.
#[uniffi::export]
pub fn format_signature_header(key_version: u32, signature: String) -> String {
    ac::SignatureHeader::new(key_version, signature).to_string()
}

/// Converts a decimal amount to Antom's minor-unit string: `("10.50", "USD")` → `"1050"`.
/// Never rounds.
///
/// Errors: `InvalidAmount`, `UnsupportedCurrency`.
#[uniffi::export]
pub fn to_minor_units(amount: String, currency: String) -> Result<String> {
    Ok(ac::to_minor_units(&amount, &currency)?)
}

/// Converts Antom's minor-unit string back to a decimal: `("1050", "USD")` → `"10.50"`.
///
/// Errors: `InvalidAmount`, `UnsupportedCurrency`.
#[uniffi::export]
pub fn from_minor_units(value: String, currency: String) -> Result<String> {
    Ok(ac::from_minor_units(&value, &currency)?)
}

/// The ISO 4217 minor-unit exponent of `currency` (`USD` → 2, `JPY` → 0).
///
/// Errors: `UnsupportedCurrency`.
#[uniffi::export]
pub fn minor_unit_exponent(currency: String) -> Result<u8> {
    Ok(ac::minor_unit_exponent(&currency)?)
}

/// One Antom API endpoint.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Endpoint {
    /// Dotted name, e.g. `payments.inquiryPayment`.
    pub name: String,
    /// Product group, e.g. `payments`.
    pub group: String,
    /// Production path, e.g. `/ams/api/v1/payments/inquiryPayment`.
    pub path: String,
}

impl From<&ac::Endpoint> for Endpoint {
    fn from(endpoint: &ac::Endpoint) -> Endpoint {
        Endpoint {
            name: endpoint.name.to_owned(),
            group: endpoint.group.to_owned(),
            path: endpoint.path.to_owned(),
        }
    }
}

/// The endpoint called `name` (e.g. `payments.pay`), or none when unknown.
#[uniffi::export]
pub fn endpoint(name: String) -> Option<Endpoint> {
    ac::endpoint(&name).map(Endpoint::from)
}

/// Every known endpoint, sorted by name.
#[uniffi::export]
pub fn endpoints() -> Vec<Endpoint> {
    ac::endpoints().iter().map(Endpoint::from).collect()
}

/// The body to answer a verified, accepted notification with (HTTP 200).
#[uniffi::export]
pub fn notification_ack() -> String {
    ac::NOTIFICATION_ACK.to_owned()
}

/// Does nothing: measures the cost of one call across the binding.
#[uniffi::export]
pub fn noop() {}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_PRIVATE: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
    const ANTOM_PUBLIC: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");

    fn test_client(max_body_bytes: Option<u64>) -> Arc<Client> {
        let config = ClientConfig {
            client_id: "SANDBOX_5X00000000000000".to_owned(),
            credential: Credential::PrivateKey {
                key: PrivateKey::new(MERCHANT_PRIVATE.to_owned())
                    .unwrap_or_else(|e| unreachable!("{e}")),
            },
            antom_keys: vec![AntomKey {
                key: PublicKey::new(ANTOM_PUBLIC.to_owned())
                    .unwrap_or_else(|e| unreachable!("{e}")),
                key_version: None,
            }],
            region: None,
            environment: None,
            gateway_url: None,
            key_version: None,
            agent_token: None,
            max_body_bytes,
        };
        Client::new(config).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn the_length_check_words_its_error_as_the_core_does() {
        let client = test_client(Some(8));
        assert_eq!(client.max_body_bytes(), 8);
        let body = b"{\"ab\":12}".to_vec(); // 9 bytes
        let core = [
            (
                BodyKind::Request,
                client
                    .prepare("v1/payments/pay".into(), body.clone(), 1)
                    .err(),
            ),
            (
                BodyKind::Response,
                client
                    .verify_response("v1/payments/pay".into(), vec![], body.clone())
                    .err(),
            ),
            (
                BodyKind::Notification,
                client
                    .verify_notification("/notify".into(), vec![], body.clone())
                    .err(),
            ),
        ];
        for (kind, error) in core {
            let core_text = error.map(|e| e.to_string());
            let glue_text = check_body_size(kind, 9, 8).err().map(|e| e.to_string());
            assert!(core_text.is_some(), "{kind:?}");
            assert_eq!(glue_text, core_text, "{kind:?}");
            assert!(check_body_size(kind, 8, 8).is_ok());
        }
        assert_eq!(
            test_client(None).max_body_bytes(),
            default_max_body_bytes(),
            "the default is the core's"
        );
    }

    #[test]
    fn redaction_and_engine_are_the_cores() {
        assert_eq!(
            redact_header("authorization".into(), "Bearer x".into()),
            "<redacted>"
        );
        assert_eq!(
            redact_header("Agent-Token".into(), "t".into()),
            "<redacted>"
        );
        assert_eq!(
            redact_header("Client-Id".into(), "SANDBOX_1".into()),
            "SANDBOX_1"
        );
        assert_eq!(describe_body(b"{}".to_vec()), "<2 bytes>");
        assert_eq!(engine(), ac::BuiltinEngine::NAME);
        let request = PreparedRequest {
            method: "POST".into(),
            url: "u".into(),
            path: "p".into(),
            headers: vec![Header {
                name: "Authorization".into(),
                value: "Bearer isak_TEST_a_SECRET".into(),
            }],
            body: "{\"card\":\"4111\"}".into(),
        };
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("SECRET") && !shown.contains("4111"),
            "{shown}"
        );
    }

    #[test]
    fn wipe_zeroes_every_byte() {
        let mut block = vec![0xA5u8; 4096];
        // SAFETY: the vector owns 4096 writable bytes.
        unsafe { wipe(block.as_mut_ptr(), block.len()) };
        assert!(block.iter().all(|&b| b == 0));
    }

    #[test]
    fn every_core_error_code_has_its_own_variant() {
        for code in ac::ErrorCode::ALL {
            let error = AntomError::from_code(code, String::new());
            assert_eq!(error.code(), code.as_str());
        }
    }

    #[test]
    fn mirrored_enums_round_trip_through_the_core() {
        for name in ["asia", "north_america", "europe"] {
            let region = parse_region(name.to_owned()).map_err(|e| e.to_string());
            let core = region.map(ac::Region::from).map(ac::Region::as_str);
            assert_eq!(core, Ok(name));
        }
        for name in ["sandbox", "production"] {
            let environment = parse_environment(name.to_owned()).map_err(|e| e.to_string());
            let core = environment
                .map(ac::Environment::from)
                .map(ac::Environment::as_str);
            assert_eq!(core, Ok(name));
        }
        for (wire, action) in [
            ("S", NextAction::Done),
            ("F", NextAction::Failed),
            ("U", NextAction::Inquire),
            ("?", NextAction::Inquire),
        ] {
            let status = ac::ResultStatus::from_wire(wire);
            assert_eq!(NextAction::from(status.next_action()), action);
            assert_eq!(
                ResultStatus::from(status) == ResultStatus::Unknown,
                wire == "U" || wire == "?"
            );
        }
    }
}
