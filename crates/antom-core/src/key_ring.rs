//! Antom's public keys as a key ring: how a rotation is survived without a failed
//! verification, and how a wrong key is named instead of reported as a bare mismatch.
//!
//! A ring holds 1 to [`MAX_RING_KEYS`] keys, each optionally tagged with the `keyVersion` Antom
//! signs with. Which keys a message is tried against (the only rule, applied in every runtime):
//!
//! * the `Signature` header names a version and a key is tagged with it: **that key only**;
//! * it names a version no key is tagged with: the **untagged** keys, in ring order; when every
//!   key is tagged, none: `UNKNOWN_KEY_VERSION` (add Antom's new key with its version);
//! * it names no version: **every** key, in ring order.
//!
//! So a message is never tried against more than [`MAX_RING_KEYS`] keys, and a key retired
//! from the ring verifies nothing. The key that verified is reported as a [`KeyId`] (its tag
//! and fingerprint); a failure names the keys tried, by fingerprint only.

use std::fmt;

use crate::content::SignedContent;
use crate::engine::RsaEngine;
use crate::error::{Error, Result};
use crate::header::SignatureHeader;
use crate::keys::PublicKey;

/// The most keys a ring holds (and so the most RSA verifications one message costs): the
/// current key, the next one during a rotation, and room for a sandbox/live pair of each.
pub const MAX_RING_KEYS: usize = 4;

/// One Antom public key of a ring, optionally tagged with the `keyVersion` it signs with.
#[derive(Clone, PartialEq, Eq)]
pub struct AntomKey {
    /// The public key, as the Antom Dashboard shows it.
    pub key: PublicKey,
    /// The `keyVersion` Antom's `Signature` header names for this key; `None` (untagged) for a
    /// key tried whatever the header says.
    pub key_version: Option<u32>,
}

impl AntomKey {
    /// An untagged key: tried for any `keyVersion` no tagged key claims.
    pub fn untagged(key: PublicKey) -> AntomKey {
        AntomKey {
            key,
            key_version: None,
        }
    }

    /// A key tagged with the `keyVersion` Antom signs with.
    pub fn tagged(key: PublicKey, key_version: u32) -> AntomKey {
        AntomKey {
            key,
            key_version: Some(key_version),
        }
    }

    /// Its version tag and fingerprint.
    pub fn id(&self) -> KeyId {
        KeyId {
            key_version: self.key_version,
            fingerprint: self.key.fingerprint(),
        }
    }
}

impl fmt::Debug for AntomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AntomKey({})", self.id())
    }
}

/// Which key of a ring verified a message: safe to log and to compare with `antom keys check`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId {
    /// The key's `keyVersion` tag in the ring (`None` for an untagged key).
    pub key_version: Option<u32>,
    /// The key's fingerprint ([`PublicKey::fingerprint`]).
    pub fingerprint: String,
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key_version {
            Some(version) => write!(f, "keyVersion {version} {}", self.fingerprint),
            None => write!(f, "untagged {}", self.fingerprint),
        }
    }
}

/// Antom's public keys, in the order they are tried. Build it with [`KeyRing::new`], or from
/// one [`PublicKey`] (an untagged ring of one: today's single-key behaviour).
#[derive(Clone, PartialEq, Eq)]
pub struct KeyRing {
    /// The first key (also `keys[0]`), kept apart so that reading it cannot fail.
    first: PublicKey,
    keys: Vec<AntomKey>,
}

impl KeyRing {
    /// A ring of `keys`, tried in this order.
    ///
    /// # Errors
    /// `INVALID_KEY` for no key, more than [`MAX_RING_KEYS`], the same key twice, or two keys
    /// tagged with the same `keyVersion`.
    pub fn new(keys: Vec<AntomKey>) -> Result<KeyRing> {
        let Some(first) = keys.first().map(|k| k.key.clone()) else {
            return Err(Error::invalid_key(
                "the Antom key ring is empty: give at least Antom's public key from the Dashboard",
            ));
        };
        if keys.len() > MAX_RING_KEYS {
            return Err(Error::invalid_key(format!(
                "the Antom key ring holds {} keys; at most {MAX_RING_KEYS} are accepted \
                 (retire keys Antom no longer signs with)",
                keys.len()
            )));
        }
        for (index, key) in keys.iter().enumerate() {
            for earlier in keys.iter().take(index) {
                if earlier.key == key.key {
                    return Err(Error::invalid_key(format!(
                        "the Antom key ring holds key {} twice",
                        key.key.fingerprint()
                    )));
                }
                if let (Some(version), Some(other)) = (key.key_version, earlier.key_version) {
                    if version == other {
                        return Err(Error::invalid_key(format!(
                            "the Antom key ring tags two keys with keyVersion {version} ({} and \
                             {}): each version names one key",
                            earlier.key.fingerprint(),
                            key.key.fingerprint()
                        )));
                    }
                }
            }
        }
        Ok(KeyRing { first, keys })
    }

    /// The keys, in the order they are tried.
    pub fn keys(&self) -> &[AntomKey] {
        &self.keys
    }

    /// The first key of the ring.
    pub fn first(&self) -> &PublicKey {
        &self.first
    }

    /// `true` when `key` is one of the ring's keys.
    pub fn contains(&self, key: &PublicKey) -> bool {
        self.keys.iter().any(|candidate| &candidate.key == key)
    }

    /// The keys a message whose `Signature` header names `key_version` is tried against, in
    /// order (the rule in the module docs). Never more than [`MAX_RING_KEYS`].
    ///
    /// # Errors
    /// `UNKNOWN_KEY_VERSION` when the header names a version no key is tagged with and every
    /// key is tagged.
    pub fn candidates(&self, key_version: Option<u32>) -> Result<Vec<&AntomKey>> {
        let selection = self.select(key_version)?;
        Ok(self
            .keys
            .iter()
            .filter(|key| selection.takes(key))
            .collect())
    }

    /// Which keys [`KeyRing::candidates`] gives, without collecting them.
    fn select(&self, key_version: Option<u32>) -> Result<Selection> {
        let Some(version) = key_version else {
            return Ok(Selection::All);
        };
        if self.keys.iter().any(|k| k.key_version == Some(version)) {
            return Ok(Selection::Tagged(version));
        }
        if self.keys.iter().any(|k| k.key_version.is_none()) {
            return Ok(Selection::Untagged);
        }
        let versions: Vec<String> = self
            .keys
            .iter()
            .filter_map(|k| k.key_version.map(|v| v.to_string()))
            .collect();
        Err(Error::unknown_key_version(format!(
            "the message is signed with keyVersion {version}, and the Antom key ring holds \
             keyVersion {} only: add Antom's public key for keyVersion {version} (Antom \
             Dashboard) to the ring, or refuse the message if no rotation is under way",
            versions.join(", ")
        )))
    }

    /// Verifies `signature` (the parsed header) over `content` with the keys
    /// [`KeyRing::candidates`] gives, in order; returns the key that verified.
    ///
    /// # Errors
    /// `UNKNOWN_KEY_VERSION` as for [`KeyRing::candidates`]; `MALFORMED_SIGNATURE` when the
    /// value cannot be decoded for any candidate; `SIGNATURE_MISMATCH` naming the keys tried
    /// (by fingerprint) when none verifies. `what` names the message in the error.
    pub fn verify(
        &self,
        engine: &dyn RsaEngine,
        content: &SignedContent<'_>,
        header: &SignatureHeader,
        what: &str,
    ) -> Result<KeyId> {
        let selection = self.select(header.key_version)?;
        let candidates = || self.keys.iter().filter(|key| selection.takes(key));
        let (mut all_malformed, mut malformed) = (true, None);
        for candidate in candidates() {
            match candidate
                .key
                .verify_content_with(engine, content, &header.signature)
            {
                Ok(true) => return Ok(candidate.id()),
                Ok(false) => all_malformed = false,
                Err(error) => malformed = Some(error),
            }
        }
        // No candidate could even decode it: the value itself is broken.
        if let (true, Some(error)) = (all_malformed, malformed) {
            return Err(error);
        }
        let tried: Vec<String> = candidates().map(|k| k.id().to_string()).collect();
        Err(Error::signature_mismatch(format!(
            "the {what} signature matches none of the Antom keys tried ({}): check that the \
             Antom public key is Antom's (not your own) and for this environment (sandbox and \
             live differ), that the path is the one that was signed, and that the raw body is \
             unmodified",
            tried.join("; ")
        )))
    }
}

/// The rule of [`KeyRing::candidates`] for one header: which of the ring's keys it tries.
#[derive(Clone, Copy)]
enum Selection {
    /// No `keyVersion` in the header: every key.
    All,
    /// The key tagged with this version.
    Tagged(u32),
    /// A version no key is tagged with: the untagged keys.
    Untagged,
}

impl Selection {
    fn takes(self, key: &AntomKey) -> bool {
        match self {
            Selection::All => true,
            Selection::Tagged(version) => key.key_version == Some(version),
            Selection::Untagged => key.key_version.is_none(),
        }
    }
}

impl From<PublicKey> for KeyRing {
    fn from(key: PublicKey) -> KeyRing {
        KeyRing {
            first: key.clone(),
            keys: vec![AntomKey::untagged(key)],
        }
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.keys).finish()
    }
}
