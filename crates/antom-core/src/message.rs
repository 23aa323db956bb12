//! Signed messages in both directions, for the side that is not a merchant client: a
//! simulator, a test harness, or a tool that checks what a merchant sends.
//!
//! A merchant integration needs only [`crate::Client`]; these functions expose the same rules
//! so that nothing outside the core has to rebuild them.

use crate::client::{METHOD, as_u64, check_body_size};
use crate::config::DEFAULT_MAX_BODY_BYTES;
use crate::content::SignedContent;
use crate::engine::{BuiltinEngine, RsaEngine};
use crate::error::{Error, Result};
use crate::header::SignatureHeader;
use crate::headers::{HeaderList, Lookup};
use crate::key_ring::{KeyId, KeyRing};
use crate::keys::{PrivateKey, PublicKey};

/// Who signed a verified message and when, as its headers said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedMessage {
    /// The `client-id` header.
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub time: String,
    /// The `keyVersion` of the `Signature` header, if present.
    pub key_version: Option<u32>,
    /// The key that verified the signature (its ring tag and fingerprint).
    pub verified_by: KeyId,
}

/// The `Signature` header value for `POST path\nclient_id.time.body`, signed with `key`:
/// what a request, a response or a notification carries.
///
/// # Errors
/// `SIGNING_FAILED` if the platform has no randomness for blinding.
pub fn signature_header(
    key: &PrivateKey,
    path: &str,
    client_id: &str,
    time: &str,
    body: &[u8],
    key_version: u32,
) -> Result<String> {
    let content = SignedContent::new(METHOD, path, client_id, time, body);
    Ok(SignatureHeader::new(key_version, key.sign_content(&content)?).to_string())
}

/// Verifies a signed request or notification as its receiver does: the `signature`,
/// `request-time` and `client-id` headers are required (matched case-insensitively) and the
/// signature must verify over `POST path\nclient-id.request-time.body` with `key`.
///
/// This does not check *which* client id signed; compare [`VerifiedMessage::client_id`]
/// yourself (the merchant-side [`crate::Client::verify_notification`] does).
///
/// # Errors
/// `MISSING_HEADER`, `MALFORMED_SIGNATURE`, `UNSUPPORTED_ALGORITHM`, `SIGNATURE_MISMATCH`;
/// `INVALID_INPUT` for a repeated header or a body over [`DEFAULT_MAX_BODY_BYTES`].
pub fn verify_request<H, K, V>(
    key: &PublicKey,
    path: &str,
    headers: &H,
    body: &[u8],
) -> Result<VerifiedMessage>
where
    for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    verify_request_ring(&KeyRing::from(key.clone()), path, headers, body)
}

/// As [`verify_request`], with the keys of `ring` chosen by the message's `keyVersion` (see
/// [`KeyRing`]): a simulator accepting a merchant's old and new keys during a rotation.
///
/// # Errors
/// As for [`verify_request`]; `UNKNOWN_KEY_VERSION` as for [`KeyRing::candidates`].
pub fn verify_request_ring<H, K, V>(
    ring: &KeyRing,
    path: &str,
    headers: &H,
    body: &[u8],
) -> Result<VerifiedMessage>
where
    for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    check_message_size(body)?;
    let message = read_signed_headers(&HeaderList::new(headers))?;
    verified(ring, path, message, body)
}

/// The size rule for a message received outside a client: [`DEFAULT_MAX_BODY_BYTES`].
fn check_message_size(body: &[u8]) -> Result<()> {
    check_body_size(
        as_u64(body.len()),
        as_u64(DEFAULT_MAX_BODY_BYTES),
        "message",
    )
}

/// Checks the signature of `message` with `ring`; what it said and the key that verified it.
fn verified(
    ring: &KeyRing,
    path: &str,
    message: SignedHeaders<'_>,
    body: &[u8],
) -> Result<VerifiedMessage> {
    let key = check_signature(&BuiltinEngine, ring, path, &message, body)?;
    Ok(message.into_verified(key))
}

/// Which key of `ring` verifies a signed message: a request or notification (`request-time`)
/// or a response (`response-time`), read from its raw headers and body. For finding a wrong
/// key ("the sandbox key on a live client") by trying the candidates one ring at a time;
/// `antom keys check --message` uses it. Client ids are not compared.
///
/// # Errors
/// As for [`verify_request_ring`]; `MISSING_HEADER` when neither time header is present.
pub fn which_key<H, K, V>(
    ring: &KeyRing,
    path: &str,
    headers: &H,
    body: &[u8],
) -> Result<VerifiedMessage>
where
    for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    check_message_size(body)?;
    let headers = HeaderList::new(headers);
    let message = match headers.get("response-time")? {
        Some(time) if headers.get("request-time")?.is_none() => {
            let require = |name: &str| {
                headers.get(name)?.ok_or_else(|| {
                    Error::missing_header(format!("the message has no {name} header"))
                })
            };
            SignedHeaders {
                header: SignatureHeader::parse(require("signature")?)?,
                time,
                client_id: require("client-id")?,
            }
        }
        _ => read_signed_headers(&headers)?,
    };
    verified(ring, path, message, body)
}

/// The three signed headers of a request or notification, read but not yet checked.
pub(crate) struct SignedHeaders<'a> {
    pub client_id: &'a str,
    pub time: &'a str,
    pub header: SignatureHeader,
}

impl SignedHeaders<'_> {
    pub(crate) fn into_verified(self, verified_by: KeyId) -> VerifiedMessage {
        VerifiedMessage {
            client_id: self.client_id.to_owned(),
            time: self.time.to_owned(),
            key_version: self.header.key_version,
            verified_by,
        }
    }
}

/// The only headers a notification (or any signed request) is read from, lowercase:
/// `signature`, `request-time`, `client-id`. Matching is ASCII case-insensitive after trimming
/// the name, and a name that appears twice is refused, so a binding may pass just the headers
/// whose trimmed, lowercased name is in this list (duplicates included) and get the same verdict
/// as with every header: nothing else is ever looked at.
pub const NOTIFICATION_HEADERS: [&str; 3] = ["signature", "request-time", "client-id"];

/// Requires `signature`, `request-time`, `client-id` (in that order) and parses the first.
pub(crate) fn read_signed_headers<'a>(headers: &HeaderList<'a>) -> Result<SignedHeaders<'a>> {
    let require = |name: &str, found: Lookup<'a>| {
        found
            .value(name)?
            .ok_or_else(|| Error::missing_header(format!("the message has no {name} header")))
    };
    let [signature, time, client_id] = NOTIFICATION_HEADERS;
    let [signature_found, time_found, client_id_found] = headers.get_each(NOTIFICATION_HEADERS);
    let signature = require(signature, signature_found)?;
    let time = require(time, time_found)?;
    let client_id = require(client_id, client_id_found)?;
    Ok(SignedHeaders {
        client_id,
        time,
        header: SignatureHeader::parse(signature)?,
    })
}

/// Verifies the signature of headers read by [`read_signed_headers`] with the keys of `ring`
/// the header's `keyVersion` selects; returns the key that verified.
pub(crate) fn check_signature(
    engine: &dyn RsaEngine,
    ring: &KeyRing,
    path: &str,
    message: &SignedHeaders<'_>,
    body: &[u8],
) -> Result<KeyId> {
    let content = SignedContent::new(METHOD, path, message.client_id, message.time, body);
    ring.verify(engine, &content, &message.header, "message")
}
