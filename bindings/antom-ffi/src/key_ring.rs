//! Antom's public keys as a key ring (several keys by `keyVersion`, for a rotation), the key
//! a message was verified with, and a check of which key verifies a given message. The rule
//! is the core's (`antom_core::KeyRing`); this is type conversion only.

use std::sync::Arc;

use antom_core as ac;

use crate::{Header, PublicKey, Result};

/// One Antom public key of a key ring, optionally tagged with the `keyVersion` Antom signs
/// with. A message whose `Signature` header names a version is verified with the key tagged
/// with it only (else with the untagged keys, in order); one without a version with every
/// key, in order. At most `max_ring_keys()` keys.
#[derive(Clone, uniffi::Record)]
pub struct AntomKey {
    /// Antom's public key, as the Dashboard shows it.
    pub key: Arc<PublicKey>,
    /// The `keyVersion` this key signs with; `None` for a key tried for any version no
    /// tagged key claims.
    #[uniffi(default)]
    pub key_version: Option<u32>,
}

/// Which key verified a message: its `keyVersion` tag in the ring and its fingerprint. Safe
/// to log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyId {
    /// The key's tag in the ring (`None` for an untagged key).
    pub key_version: Option<u32>,
    /// The key's fingerprint (`PublicKey.fingerprint()`).
    pub fingerprint: String,
}

impl From<ac::KeyId> for KeyId {
    fn from(id: ac::KeyId) -> KeyId {
        KeyId {
            key_version: id.key_version,
            fingerprint: id.fingerprint,
        }
    }
}

impl From<&ac::AntomKey> for AntomKey {
    fn from(key: &ac::AntomKey) -> AntomKey {
        AntomKey {
            key: Arc::new(PublicKey(key.key.clone())),
            key_version: key.key_version,
        }
    }
}

/// The core's ring from the binding's list.
///
/// Errors: `InvalidKey` for no key, more than `max_ring_keys()`, a key twice, or a version
/// twice.
pub(crate) fn key_ring(keys: &[AntomKey]) -> Result<ac::KeyRing> {
    let keys = keys
        .iter()
        .map(|k| ac::AntomKey {
            key: k.key.0.clone(),
            key_version: k.key_version,
        })
        .collect();
    Ok(ac::KeyRing::new(keys)?)
}

/// The most keys a key ring holds (4): the most RSA verifications one message costs.
#[uniffi::export]
pub fn max_ring_keys() -> u32 {
    u32::try_from(ac::MAX_RING_KEYS).unwrap_or(u32::MAX)
}

/// Which of `keys` verifies a signed message (a notification or request with
/// `request-time`, or a response with `response-time`), by the ring rule: for finding a
/// wrong key (a sandbox key on a live client). Client ids are not compared.
///
/// Errors: `InvalidKey` for a bad ring; `MissingHeader`, `MalformedSignature`,
/// `UnsupportedAlgorithm`, `UnknownKeyVersion`, and `SignatureMismatch` naming the keys tried.
#[uniffi::export]
pub fn which_key(
    keys: Vec<AntomKey>,
    path: String,
    headers: Vec<Header>,
    body: Vec<u8>,
) -> Result<KeyId> {
    let ring = key_ring(&keys)?;
    let headers: Vec<(String, String)> = headers.into_iter().map(|h| (h.name, h.value)).collect();
    Ok(ac::which_key(&ring, &path, &headers, &body)?
        .verified_by
        .into())
}
