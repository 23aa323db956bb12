//! The simulator's keys, and their rotation: what a test needs to walk a whole key rotation
//! (before, during, after) against one running simulator.
//!
//! * **Antom's keys**: the simulator signs every response and notification with its newest
//!   key, under that key's `keyVersion` (1 for the key it starts with). `POST
//!   /mock/rotate-antom-key` adds a fresh RSA-2048 key with the next version and signs with it
//!   from then on, including the retries of notifications already in flight (Antom signs each
//!   delivery when it sends it). `GET /antom-public-keys` lists every version.
//! * **The merchant's keys**: requests are verified with the key ring of the merchant's
//!   registered public keys, by the request's `keyVersion` (the core's [`KeyRing`] rule):
//!   `POST /mock/merchant-keys` with `{"keyVersion": n, "publicKey": "<base64>"}` registers
//!   (or replaces) version `n`; `POST /mock/merchant-keys/retire` with `{"keyVersion": n}`
//!   removes it (the last key cannot be removed). A version not registered is `KEY_NOT_FOUND`.

use antom_core::{
    AntomKey, BuiltinEngine, ErrorCode, KeyRing, MAX_RING_KEYS, PrivateKey, PublicKey,
    SignatureHeader, SignedContent,
};
use serde_json::{Value, json};

use super::generate_key;

/// The simulator's key state.
pub(crate) struct Keys {
    /// Antom's signing keys by version, oldest first; the last one signs.
    antom: Vec<(u32, PrivateKey)>,
    /// The merchant's registered public keys, each tagged with its version.
    merchant: Vec<AntomKey>,
}

/// Why a request's signature was refused, as the gateway answers it.
pub(crate) enum Refusal {
    /// The request's `keyVersion` is not registered.
    KeyNotFound,
    /// The signature does not verify with the key its version selects.
    InvalidSignature,
}

impl Keys {
    /// Antom's first key (version 1) and the merchant's first public key (version 1).
    pub(crate) fn new(antom: PrivateKey, merchant: PublicKey) -> Keys {
        Keys {
            antom: vec![(1, antom)],
            merchant: vec![AntomKey::tagged(merchant, 1)],
        }
    }

    /// The key that signs now, and its version.
    pub(crate) fn signing(&self) -> (u32, PrivateKey) {
        // Never empty: built with one key, and keys are only ever added.
        self.antom
            .last()
            .map(|(version, key)| (*version, key.clone()))
            .unwrap_or_else(|| unreachable!("the simulator always holds an Antom key"))
    }

    /// `[{keyVersion, publicKey, fingerprint}]`, oldest first.
    pub(crate) fn antom_public_keys(&self) -> Value {
        Value::Array(
            self.antom
                .iter()
                .map(|(version, key)| public_json(*version, &key.public_key()))
                .collect(),
        )
    }

    /// Adds a fresh key with the next version; it signs from now on.
    pub(crate) fn rotate_antom(&mut self) -> Result<Value, String> {
        let version = self.signing().0.saturating_add(1);
        let key = generate_key()?;
        let shown = public_json(version, &key.public_key());
        self.antom.push((version, key));
        Ok(shown)
    }

    /// Registers (or replaces) the merchant's public key for `version`.
    pub(crate) fn add_merchant(&mut self, version: u32, key: PublicKey) -> Result<(), String> {
        self.merchant.retain(|k| k.key_version != Some(version));
        if self.merchant.len() >= MAX_RING_KEYS {
            return Err(format!("at most {MAX_RING_KEYS} merchant keys at once"));
        }
        if self.merchant.iter().any(|k| k.key == key) {
            return Err("this key is already registered under another keyVersion".to_owned());
        }
        self.merchant.push(AntomKey::tagged(key, version));
        Ok(())
    }

    /// Retires the merchant's key `version`; the last one stays.
    pub(crate) fn retire_merchant(&mut self, version: u32) -> Result<(), String> {
        let before = self.merchant.len();
        if !self.merchant.iter().any(|k| k.key_version == Some(version)) {
            return Err(format!("no merchant key with keyVersion {version}"));
        }
        if before == 1 {
            return Err("the last merchant key cannot be retired".to_owned());
        }
        self.merchant.retain(|k| k.key_version != Some(version));
        Ok(())
    }

    /// Verifies a merchant request's signature with the key its `keyVersion` selects (no
    /// version: every registered key, as Antom defaults to the latest).
    pub(crate) fn verify_request(
        &self,
        content: &SignedContent<'_>,
        header: &SignatureHeader,
    ) -> Result<(), Refusal> {
        let ring = KeyRing::new(self.merchant.clone()).map_err(|_| Refusal::InvalidSignature)?;
        match ring.verify(&BuiltinEngine, content, header, "request") {
            Ok(_) => Ok(()),
            Err(error) if error.code() == ErrorCode::UnknownKeyVersion => Err(Refusal::KeyNotFound),
            Err(_) => Err(Refusal::InvalidSignature),
        }
    }
}

fn public_json(version: u32, key: &PublicKey) -> Value {
    json!({"keyVersion": version, "publicKey": key.to_base64(), "fingerprint": key.fingerprint()})
}

/// `{"keyVersion": n}` (and `"publicKey"` when `with_key`) from an admin request body.
pub(crate) fn admin_body(body: &[u8], with_key: bool) -> Result<(u32, Option<PublicKey>), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| "the body must be a JSON object".to_owned())?;
    let version = value
        .get("keyVersion")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| "keyVersion must be an integer from 0 to 4294967295".to_owned())?;
    if !with_key {
        return Ok((version, None));
    }
    let text = value
        .get("publicKey")
        .and_then(Value::as_str)
        .ok_or_else(|| "publicKey (the Dashboard's base64 text) is required".to_owned())?;
    let key = PublicKey::parse(text).map_err(|e| e.to_string())?;
    Ok((version, Some(key)))
}
