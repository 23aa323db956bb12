//! The client: turns an API call into bytes and headers to send, and received bytes and
//! headers into verified data. It performs no IO.

use std::fmt;

use crate::config::{ApiKey, ClientConfig, Credential, Environment};
use crate::content::SignedContent;
use crate::engine::{BuiltinEngine, RsaEngine};
use crate::error::{Error, Result};
use crate::header::SignatureHeader;
use crate::key_ring::KeyRing;
use crate::keys::{PrivateKey, PublicKey};
use crate::path::{check_gateway_url, check_header_token, resolve_api_path};
use crate::redact::redact_header;

/// The only HTTP method Antom APIs use.
pub const METHOD: &str = "POST";
/// The `Content-Type` sent with every request.
pub const CONTENT_TYPE: &str = "application/json; charset=UTF-8";
/// Longest client id accepted.
const MAX_CLIENT_ID_LEN: usize = 256;
/// Longest agent token accepted (Antom's documented limit).
const MAX_AGENT_TOKEN_LEN: usize = 128;

/// A configured Antom client. Cheap to clone and safe to share between threads.
///
/// ```
/// # fn main() -> Result<(), antom_core::Error> {
/// # let private_pem = include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
/// # let antom_pub = include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");
/// use antom_core::{Client, ClientConfig, PrivateKey, PublicKey};
/// let config = ClientConfig::new(
///     "SANDBOX_5X00000000000000",
///     PrivateKey::parse(private_pem)?,
///     PublicKey::parse(antom_pub)?,
/// );
/// let client = Client::new(config)?;
/// let request = client.prepare("v1/payments/inquiryPayment",
///     r#"{"paymentRequestId":"order-1"}"#, 1685599933871)?;
/// assert_eq!(request.url,
///     "https://open-sea-global.alipay.com/ams/sandbox/api/v1/payments/inquiryPayment");
/// // Send request.method / request.url / request.headers / request.body with your HTTP
/// // client, then hand the raw response to client.verify_response(&request.path, ...).
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    client_id: String,
    pub(crate) auth: Auth,
    antom_keys: KeyRing,
    environment: Environment,
    gateway_url: String,
    max_body_bytes: usize,
}

#[derive(Clone)]
pub(crate) enum Auth {
    Signature {
        private_key: PrivateKey,
        key_version: u32,
        agent_token: Option<String>,
    },
    External {
        public_key: Option<PublicKey>,
        key_version: u32,
        agent_token: Option<String>,
    },
    Bearer(ApiKey),
    VerifyOnly,
}

/// A request ready for the host's HTTP client: send exactly these bytes and headers.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// Always `POST`.
    pub method: String,
    /// Gateway origin plus [`path`](Self::path).
    pub url: String,
    /// The path that was signed; pass it to [`Client::verify_response`].
    pub path: String,
    /// Headers in order, with their exact casing.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte as signed. Do not re-serialise it.
    pub body: String,
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), redact_header(name, value)))
            .collect();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Client {
    /// Checks the configuration and builds a client.
    ///
    /// # Errors
    /// `INVALID_INPUT` for an empty or non-ASCII client id, a bad gateway URL, an invalid
    /// agent token, an agent token combined with an API key, or an explicit environment that
    /// contradicts the API key's `TEST`/`PROD` marker; `WRONG_KEY` when a key of the Antom
    /// key ring is the merchant's own public key (the private key's public half, or the
    /// external signer's public key): the two keys are swapped.
    pub fn new(config: ClientConfig) -> Result<Client> {
        check_header_token("client_id", &config.client_id, MAX_CLIENT_ID_LEN)?;
        check_not_swapped(&config)?;
        let gateway_url = match &config.gateway_url {
            Some(url) => check_gateway_url(url)?,
            None => config.region.gateway_url().to_owned(),
        };
        let by_prefix = if config.client_id.starts_with("SANDBOX_") {
            Environment::Sandbox
        } else {
            Environment::Production
        };
        let (auth, environment) = match config.credential {
            Credential::VerifyOnly => (Auth::VerifyOnly, config.environment.unwrap_or(by_prefix)),
            Credential::PrivateKey(private_key) => {
                if let Some(token) = &config.agent_token {
                    check_header_token("agent_token", token, MAX_AGENT_TOKEN_LEN)?;
                }
                let auth = Auth::Signature {
                    private_key,
                    key_version: config.key_version,
                    agent_token: config.agent_token,
                };
                (auth, config.environment.unwrap_or(by_prefix))
            }
            Credential::ExternalSigner(public_key) => {
                if let Some(token) = &config.agent_token {
                    check_header_token("agent_token", token, MAX_AGENT_TOKEN_LEN)?;
                }
                let auth = Auth::External {
                    public_key,
                    key_version: config.key_version,
                    agent_token: config.agent_token,
                };
                (auth, config.environment.unwrap_or(by_prefix))
            }
            Credential::ApiKey(api_key) => {
                if config.agent_token.is_some() {
                    return Err(Error::invalid_input(
                        "agent_token cannot be combined with an API key",
                    ));
                }
                let environment = api_key.environment();
                if config.environment.is_some_and(|env| env != environment) {
                    return Err(Error::invalid_input(
                        "the environment contradicts the API key (TEST keys are sandbox, \
                         PROD keys are production)",
                    ));
                }
                (Auth::Bearer(api_key), environment)
            }
        };
        Ok(Client {
            client_id: config.client_id,
            auth,
            antom_keys: config.antom_keys,
            environment,
            gateway_url,
            max_body_bytes: config.max_body_bytes,
        })
    }

    /// The largest body, in bytes, this client prepares or verifies
    /// ([`ClientConfig::max_body_bytes`]). Bindings check it before copying a body.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The headers of an RSA-signed request, in order: `Content-Type`, `Client-Id`,
    /// `Request-Time`, `Signature`, then `Agent-Token` when configured. `signature` is the
    /// percent-encoded value.
    pub(crate) fn signed_headers(
        &self,
        time: String,
        signature: String,
        key_version: u32,
        agent_token: &Option<String>,
    ) -> Vec<(String, String)> {
        let mut headers = vec![
            ("Content-Type".to_owned(), CONTENT_TYPE.to_owned()),
            ("Client-Id".to_owned(), self.client_id.clone()),
            ("Request-Time".to_owned(), time),
            (
                "Signature".to_owned(),
                SignatureHeader::new(key_version, signature).to_string(),
            ),
        ];
        if let Some(token) = agent_token {
            headers.push(("Agent-Token".to_owned(), token.clone()));
        }
        headers
    }

    /// Refuses a body over [`Client::max_body_bytes`] before anything else looks at it.
    pub(crate) fn check_body_size(&self, len: usize, what: &str) -> Result<()> {
        check_body_size(as_u64(len), as_u64(self.max_body_bytes), what)
    }

    /// The configured client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The environment requests go to.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The gateway origin requests go to.
    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }

    /// The first Antom public key of the ring ([`Client::antom_keys`]).
    pub fn antom_public_key(&self) -> &PublicKey {
        self.antom_keys.first()
    }

    /// The Antom public keys responses and notifications are verified with, in the order
    /// they are tried.
    pub fn antom_keys(&self) -> &KeyRing {
        &self.antom_keys
    }

    /// `true` when the client can only verify (it holds no credential).
    pub fn is_verify_only(&self) -> bool {
        matches!(self.auth, Auth::VerifyOnly)
    }

    /// `true` when the client authenticates with an API key instead of a signature.
    pub fn uses_api_key(&self) -> bool {
        matches!(self.auth, Auth::Bearer(_))
    }

    /// The path this client requests (and signs) for `api`: `v1/payments/pay`,
    /// `/v1/payments/pay` and `/ams/api/v1/payments/pay` all give `/ams/api/v1/payments/pay`
    /// in production and `/ams/sandbox/api/v1/payments/pay` in sandbox.
    ///
    /// # Errors
    /// `INVALID_INPUT` for an empty path, a URL, whitespace, `?`, `#`, `%`, `\`, empty or dot
    /// segments, or a sandbox path on a production client.
    pub fn resolve_path(&self, api: &str) -> Result<String> {
        resolve_api_path(api, self.environment)
    }

    /// Prepares a request: resolves the path, checks the body is a JSON object, signs
    /// `POST path\nclient_id.request_time.body` (or adds the Bearer header in API-key mode)
    /// and returns everything the host's HTTP client must send.
    ///
    /// `request_time` is epoch milliseconds; bindings default it to the current time.
    /// Headers, in order: `Content-Type`, `Client-Id`, `Request-Time`, `Signature`, then
    /// `Agent-Token` when configured. In API-key mode: `Content-Type`, `Authorization`.
    ///
    /// # Errors
    /// `INVALID_INPUT` for a bad path or a body that is not a UTF-8 JSON object;
    /// `SIGNING_FAILED` if the platform has no randomness for blinding.
    pub fn prepare(
        &self,
        api: &str,
        body: impl AsRef<[u8]>,
        request_time: u64,
    ) -> Result<PreparedRequest> {
        self.prepare_with(&BuiltinEngine, api, body.as_ref(), request_time)
    }

    /// As [`Client::prepare`], with the RSA operation done by `engine`.
    ///
    /// # Errors
    /// As for [`Client::prepare`].
    pub fn prepare_with(
        &self,
        engine: &dyn RsaEngine,
        api: &str,
        body: &[u8],
        request_time: u64,
    ) -> Result<PreparedRequest> {
        self.check_body_size(body.len(), "request")?;
        let path = self.resolve_path(api)?;
        let body = check_request_body(body)?;
        let mut headers = vec![("Content-Type".to_owned(), CONTENT_TYPE.to_owned())];
        match &self.auth {
            Auth::Signature {
                private_key,
                key_version,
                agent_token,
            } => {
                let time = request_time.to_string();
                let content =
                    SignedContent::new(METHOD, &path, &self.client_id, &time, body.as_bytes());
                let signature = private_key.sign_content_with(engine, &content)?;
                headers = self.signed_headers(time, signature, *key_version, agent_token);
            }
            Auth::Bearer(api_key) => {
                headers.push(("Authorization".to_owned(), api_key.bearer()));
            }
            Auth::VerifyOnly => {
                return Err(Error::invalid_input(
                    "this client is verify-only: build it with a private key or an API key to \
                     prepare requests",
                ));
            }
            Auth::External { .. } => {
                return Err(Error::invalid_input(
                    "this client signs with an external signer: use prepare_external, sign the \
                     message (or its digest) with your KMS/HSM, then finish_external",
                ));
            }
        }
        Ok(PreparedRequest {
            method: METHOD.to_owned(),
            url: format!("{}{}", self.gateway_url, path),
            path,
            headers,
            body,
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Auth::Signature { key_version, .. } => {
                format!("rsa-signature(keyVersion={key_version})")
            }
            Auth::Bearer(_) => "api-key(<redacted>)".to_owned(),
            Auth::VerifyOnly => "verify-only".to_owned(),
            Auth::External { key_version, .. } => {
                format!("external-signer(keyVersion={key_version})")
            }
        };
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("environment", &self.environment)
            .field("gateway_url", &self.gateway_url)
            .field("auth", &auth)
            .finish_non_exhaustive()
    }
}

/// Refuses a configuration whose Antom key ring holds the merchant's own public key: every
/// response and notification would then fail to verify (Antom signs with its own key), and
/// the mistake is the most common cause of "verification always fails".
fn check_not_swapped(config: &ClientConfig) -> Result<()> {
    let merchant = match &config.credential {
        Credential::PrivateKey(private_key) => Some(private_key.public_key()),
        Credential::ExternalSigner(public_key) => public_key.clone(),
        Credential::ApiKey(_) | Credential::VerifyOnly => None,
    };
    match merchant {
        Some(merchant) if config.antom_keys.contains(&merchant) => Err(Error::wrong_key(format!(
            "the Antom public key {} is your own merchant public key: configure Antom's public \
             key (Antom Dashboard, Developer > Key configuration, \"Antom public key\") and keep \
             your private key for signing",
            merchant.fingerprint()
        ))),
        _ => Ok(()),
    }
}

pub(crate) fn check_request_body(body: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::invalid_input("the request body is not valid UTF-8"))?;
    let is_object = text.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    if is_object {
        Ok(text.to_owned())
    } else {
        Err(Error::invalid_input(
            "the request body must be a JSON object (serialise it once and pass those bytes)",
        ))
    }
}

/// The body size rule, from lengths alone, so that a binding can apply it before copying a
/// body across its boundary: `INVALID_INPUT` when a body of `len` bytes is over `max`.
/// `what` names the body in the message (`request`, `response`, `notification`). The core
/// checks it first, before a body is copied, hashed or parsed, since nothing about the body
/// is authenticated yet.
///
/// # Errors
/// `INVALID_INPUT` when `len > max`.
pub fn check_body_size(len: u64, max: u64, what: &str) -> Result<()> {
    if len > max {
        Err(Error::invalid_input(format!(
            "the {what} body is {len} bytes; at most {max} are accepted (raise \
             max_body_bytes if Antom really sends more)"
        )))
    } else {
        Ok(())
    }
}

/// A length as `u64` (lossless on every supported target; saturating otherwise).
pub(crate) fn as_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}
