//! Client configuration: who you are, how you authenticate, where requests go.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key_ring::KeyRing;
use crate::keys::{PrivateKey, PublicKey};

/// The Antom region whose gateway serves your account (shown in the Antom Dashboard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// `https://open-sea-global.alipay.com` (the default).
    #[default]
    Asia,
    /// `https://open-na-global.alipay.com`.
    NorthAmerica,
    /// `https://open-de-global.alipay.com`.
    Europe,
}

impl Region {
    /// The region's default gateway origin (scheme and host, no trailing slash).
    pub const fn gateway_url(self) -> &'static str {
        match self {
            Region::Asia => "https://open-sea-global.alipay.com",
            Region::NorthAmerica => "https://open-na-global.alipay.com",
            Region::Europe => "https://open-de-global.alipay.com",
        }
    }

    /// The stable string form: `asia`, `north_america`, `europe`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Region::Asia => "asia",
            Region::NorthAmerica => "north_america",
            Region::Europe => "europe",
        }
    }

    /// Parses the stable string form (ASCII case-insensitive).
    ///
    /// # Errors
    /// `INVALID_INPUT` for any other string.
    pub fn parse(text: &str) -> Result<Region> {
        [Region::Asia, Region::NorthAmerica, Region::Europe]
            .into_iter()
            .find(|region| region.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Error::invalid_input("region must be one of: asia, north_america, europe")
            })
    }
}

/// Sandbox (test mode) or production (live mode). Keys and the Antom public key differ
/// between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// Test mode: online-payment paths become `/ams/sandbox/api/...`.
    Sandbox,
    /// Live mode.
    Production,
}

impl Environment {
    /// The stable string form: `sandbox` or `production`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }

    /// Parses the stable string form (ASCII case-insensitive).
    ///
    /// # Errors
    /// `INVALID_INPUT` for any other string.
    pub fn parse(text: &str) -> Result<Environment> {
        [Environment::Sandbox, Environment::Production]
            .into_iter()
            .find(|env| env.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| Error::invalid_input("environment must be sandbox or production"))
    }
}

/// The kind of an Antom API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiKeyKind {
    /// `isak_...`: a standard key.
    Standard,
    /// `irak_...`: a restricted key.
    Restricted,
}

/// An Antom API key (`isak_` / `irak_`, then `TEST` or `PROD`, then two opaque parts), for
/// Bearer authentication instead of RSA request signing.
///
/// The key's `TEST`/`PROD` marker picks the environment. The secret is zeroized on drop and
/// never printed by `Debug`.
#[derive(Clone)]
pub struct ApiKey {
    secret: Zeroizing<String>,
    kind: ApiKeyKind,
    environment: Environment,
}

impl ApiKey {
    /// Parses and checks an API key, the same shape the official SDKs accept:
    /// `(isak|irak)_(TEST|PROD)_<part without _ or whitespace>_<part without whitespace>`.
    ///
    /// # Errors
    /// `INVALID_KEY` when the text does not have that shape (the message never echoes it).
    pub fn parse(text: &str) -> Result<ApiKey> {
        let invalid = || {
            Error::invalid_key(
                "an Antom API key looks like isak_TEST_..._... or irak_PROD_..._...; \
                 check that the whole key was copied",
            )
        };
        let mut parts = text.splitn(4, '_');
        let kind = match parts.next() {
            Some("isak") => ApiKeyKind::Standard,
            Some("irak") => ApiKeyKind::Restricted,
            _ => return Err(invalid()),
        };
        let environment = match parts.next() {
            Some("TEST") => Environment::Sandbox,
            Some("PROD") => Environment::Production,
            _ => return Err(invalid()),
        };
        // Stricter than the SDKs' regex in one way: only visible ASCII, since the key travels
        // in an HTTP header.
        let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
        match (parts.next(), parts.next()) {
            (Some(identity), Some(secret)) if visible(identity) && visible(secret) => Ok(ApiKey {
                secret: Zeroizing::new(text.to_owned()),
                kind,
                environment,
            }),
            _ => Err(invalid()),
        }
    }

    /// Standard or restricted.
    pub fn kind(&self) -> ApiKeyKind {
        self.kind
    }

    /// Sandbox for a `TEST` key, production for a `PROD` key.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.secret.as_str())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ApiKey({:?}, {:?}, <redacted>)",
            self.kind, self.environment
        )
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credential {
    /// RSA request signing with your private key (the classic Antom scheme).
    PrivateKey(PrivateKey),
    /// `Authorization: Bearer` with an Antom API key; no request signature.
    ApiKey(ApiKey),
    /// No credential: the client verifies responses and notifications but cannot prepare
    /// requests. For a notification receiver that should never hold the private key.
    VerifyOnly,
    /// RSA request signing by a signer outside the process (a cloud KMS, an HSM): the key
    /// never enters it. Requests are prepared in two steps ([`crate::Client::prepare_external`],
    /// then [`crate::Client::finish_external`] with the raw signature). With the merchant's
    /// public key, every signature is verified before the request is handed out.
    ExternalSigner(Option<PublicKey>),
}

/// Everything a [`crate::Client`] needs. Build it with [`ClientConfig::new`] or
/// [`ClientConfig::with_api_key`], then adjust the public fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Your client id from the Antom Dashboard (`SANDBOX_...` for test mode).
    pub client_id: String,
    /// Your private key or API key.
    pub credential: Credential,
    /// Antom's public keys for the same environment, to verify responses and notifications:
    /// one key, or several tagged by `keyVersion` during a rotation (see [`KeyRing`]).
    pub antom_keys: KeyRing,
    /// The region whose gateway to use (default Asia).
    pub region: Region,
    /// Overrides the region's gateway: `https://host[:port]`, or `http://` for loopback
    /// hosts only (a local simulator). No path.
    pub gateway_url: Option<String>,
    /// The `keyVersion` sent in the `Signature` header (default 1): the version under which
    /// your public key is registered with Antom. A merchant key rotation changes it with the
    /// key (see the README's rotation guide).
    pub key_version: u32,
    /// An ISV agent token, sent as `Agent-Token` (RSA mode only).
    pub agent_token: Option<String>,
    /// Forces the environment. By default: the API key's marker, else sandbox exactly when
    /// the client id starts with `SANDBOX_`.
    pub environment: Option<Environment>,
    /// The largest request, response or notification body accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY_BYTES`]). Checked first, before a body is copied, hashed or parsed.
    pub max_body_bytes: usize,
}

/// The default [`ClientConfig::max_body_bytes`]: 4 MiB. Antom's messages are a few KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

impl ClientConfig {
    /// A configuration for RSA request signing, with the defaults (Asia, key version 1).
    pub fn new(
        client_id: impl Into<String>,
        private_key: PrivateKey,
        antom_keys: impl Into<KeyRing>,
    ) -> ClientConfig {
        ClientConfig::with_credential(client_id, Credential::PrivateKey(private_key), antom_keys)
    }

    /// A configuration for API-key (Bearer) authentication. The client id and Antom public
    /// key are still needed: notifications stay RSA-signed.
    pub fn with_api_key(
        client_id: impl Into<String>,
        api_key: ApiKey,
        antom_keys: impl Into<KeyRing>,
    ) -> ClientConfig {
        ClientConfig::with_credential(client_id, Credential::ApiKey(api_key), antom_keys)
    }

    /// A configuration whose requests are signed outside the process (KMS, HSM), in two
    /// steps. `merchant_public_key` (the public half of the external key, as uploaded to the
    /// Antom Dashboard) is strongly recommended: each signature is then checked before the
    /// request is handed out, so a misconfigured key fails here, not at Antom.
    pub fn with_external_signer(
        client_id: impl Into<String>,
        merchant_public_key: Option<PublicKey>,
        antom_keys: impl Into<KeyRing>,
    ) -> ClientConfig {
        ClientConfig::with_credential(
            client_id,
            Credential::ExternalSigner(merchant_public_key),
            antom_keys,
        )
    }

    /// A configuration that can only verify (notifications, responses): no private key or
    /// API key is loaded where none is needed.
    pub fn verify_only(
        client_id: impl Into<String>,
        antom_keys: impl Into<KeyRing>,
    ) -> ClientConfig {
        ClientConfig::with_credential(client_id, Credential::VerifyOnly, antom_keys)
    }

    fn with_credential(
        client_id: impl Into<String>,
        credential: Credential,
        antom_keys: impl Into<KeyRing>,
    ) -> ClientConfig {
        ClientConfig {
            client_id: client_id.into(),
            credential,
            antom_keys: antom_keys.into(),
            region: Region::default(),
            gateway_url: None,
            key_version: 1,
            agent_token: None,
            environment: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}
