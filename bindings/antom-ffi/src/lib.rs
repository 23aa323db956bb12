//! uniffi glue for antom-core: the same API for Python, Kotlin and Swift.
//!
//! Every export is a delegation to `antom_core` plus a type conversion; the protocol rules
//! (what is signed, which responses are trusted, the error codes) live only in the core.
//! Doc comments here are copied into the generated Python, Kotlin and Swift code, so they
//! are written for the reader of those languages.

use std::sync::Arc;

use antom_core as ac;

// The namespace names the generated modules: `antom_core.py` for Python; Kotlin and Swift
// names come from the root `uniffi.toml`.
uniffi::setup_scaffolding!("antom_core");

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
    /// blinding).
    #[error("{message}")]
    SigningFailed {
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
            // `ErrorCode` is non-exhaustive; the unit test below fails as soon as the core
            // adds a code this enum does not mirror.
            _ => AntomError::InvalidInput { message },
        }
    }

    /// The stable code string this variant stands for.
    #[cfg(test)]
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
        Ok(Arc::new(PrivateKey(ac::PrivateKey::parse(&text)?)))
    }

    /// Parses a private key from DER bytes (PKCS#8 or PKCS#1).
    ///
    /// Errors: `InvalidKey`.
    #[uniffi::constructor]
    pub fn from_der(der: Vec<u8>) -> Result<Arc<PrivateKey>> {
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
}

/// Everything a `Client` needs.
#[derive(uniffi::Record)]
pub struct ClientConfig {
    /// Your client id from the Antom Dashboard (`SANDBOX_...` for test mode).
    pub client_id: String,
    /// Your private key or API key.
    pub credential: Credential,
    /// Antom's public key for the same environment, to verify responses and notifications.
    pub antom_public_key: Arc<PublicKey>,
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
}

/// One HTTP header, name and value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Header {
    /// The header name, with its exact casing.
    pub name: String,
    /// The header value.
    pub value: String,
}

/// A request ready for your HTTP client: send exactly these bytes and headers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

/// What to do next after a verified response.
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

/// A response whose authenticity has been settled.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApiResponse {
    /// `true` when Antom's signature was checked. `false` only for unsigned gateway errors
    /// (`F`/`U`), which are never success.
    pub verified: bool,
    /// `result.resultStatus`.
    pub result_status: ResultStatus,
    /// `result.resultCode` (`""` if absent). An open set: branch on `result_status` first.
    pub result_code: String,
    /// `result.resultMessage` (`""` if absent).
    pub result_message: String,
    /// What to do next.
    pub next_action: NextAction,
    /// `true` only for a verified `S` response.
    pub is_success: bool,
    /// The raw body (the bytes that were verified), for you to parse.
    pub body: Vec<u8>,
}

/// A notification whose signature has been verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Notification {
    /// The first of `notifyType`, `authorizationNotifyType`, `disputeNotificationType`,
    /// `subscriptionNotificationType` present in the body (e.g. `PAYMENT_RESULT`).
    pub notify_type: Option<String>,
    /// `result.resultStatus` when present.
    pub result_status: Option<ResultStatus>,
    /// The `client-id` header (equal to the configured client id).
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub request_time: String,
    /// The raw body that was verified, for you to parse.
    pub body: Vec<u8>,
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
    /// or an environment that contradicts the API key.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Client>> {
        let antom_public_key = config.antom_public_key.0.clone();
        let mut core = match config.credential {
            Credential::PrivateKey { key } => {
                ac::ClientConfig::new(config.client_id, key.0.clone(), antom_public_key)
            }
            Credential::ApiKey { key } => ac::ClientConfig::with_api_key(
                config.client_id,
                ac::ApiKey::parse(&key)?,
                antom_public_key,
            ),
            Credential::VerifyOnly => {
                ac::ClientConfig::verify_only(config.client_id, antom_public_key)
            }
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
        Ok(Arc::new(Client(ac::Client::new(core)?)))
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
    /// `verified = false`.
    ///
    /// Errors: `UnsignedResponse`, `MissingHeader`, `ClientIdMismatch`,
    /// `MalformedSignature`, `UnsupportedAlgorithm`, `SignatureMismatch`, `InvalidInput`.
    pub fn verify_response(
        &self,
        path: String,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<ApiResponse> {
        let response = self.0.verify_response(&path, &pairs(headers), &body)?;
        Ok(ApiResponse {
            verified: response.verified,
            result_status: response.result_status.into(),
            next_action: response.next_action().into(),
            is_success: response.is_success(),
            result_code: response.result_code,
            result_message: response.result_message,
            body: response.body,
        })
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
        let notification = self.0.verify_notification(&path, &pairs(headers), &body)?;
        Ok(Notification {
            notify_type: notification.notify_type,
            result_status: notification.result_status.map(Into::into),
            client_id: notification.client_id,
            request_time: notification.request_time,
            body: notification.body,
        })
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

    /// The Antom public key responses and notifications are verified with.
    pub fn antom_public_key(&self) -> Arc<PublicKey> {
        Arc::new(PublicKey(self.0.antom_public_key().clone()))
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
