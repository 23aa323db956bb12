//! The RSA seam: the only place that performs RSASSA-PKCS1-v1_5 / SHA-256.
//!
//! Everything above this module (content, headers, response and notification rules) works on
//! bytes and booleans, so a second backend — or one provided by the host, such as Node's
//! `crypto` — can replace these two operations without touching protocol code.

use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::keys::{PrivateKey, PublicKey};

/// The two RSA operations antom-core needs, so a binding can run them on its host's own
/// crypto (e.g. `node:crypto`) while the core keeps every protocol rule: key parsing, the
/// content, the encodings, the length check, the header and response rules.
///
/// Implementations must compute RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
pub trait RsaEngine {
    /// Signs `message` with `key`; returns the raw signature (modulus length).
    ///
    /// # Errors
    /// `SIGNING_FAILED` when the backend fails.
    fn sign(&self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>>;

    /// `true` when `signature` (already exactly modulus length) verifies over `message`.
    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool;
}

/// The built-in engine: the pure-Rust `rsa` crate, with blinded signing.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoEngine;

impl RsaEngine for RustCryptoEngine {
    fn sign(&self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>> {
        key.engine_key().sign(message)
    }

    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
        key.engine_key().verify(message, signature)
    }
}

/// A private key ready to sign. Zeroized on drop (the `rsa` crate zeroizes its key parts).
#[derive(Clone)]
pub(crate) struct EngineSigningKey(SigningKey<Sha256>);

/// A public key ready to verify.
#[derive(Clone)]
pub(crate) struct EngineVerifyingKey(VerifyingKey<Sha256>);

impl EngineSigningKey {
    pub(crate) fn new(key: RsaPrivateKey) -> Self {
        EngineSigningKey(SigningKey::new(key))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`, blinded with OS randomness.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.0
            .try_sign(message)
            .map(|signature| signature.to_vec())
            .map_err(|_| {
                Error::signing_failed(
                    "the RSA signing operation failed (no randomness for blinding?)",
                )
            })
    }

    #[cfg_attr(not(feature = "host-crypto"), allow(dead_code))]
    pub(crate) fn rsa_key(&self) -> &RsaPrivateKey {
        self.0.as_ref()
    }
}

impl EngineVerifyingKey {
    pub(crate) fn new(key: RsaPublicKey) -> Self {
        EngineVerifyingKey(VerifyingKey::new(key))
    }

    /// The modulus size in bytes: the exact length of a valid signature.
    pub(crate) fn signature_len(&self) -> usize {
        self.0.as_ref().size()
    }

    /// `true` when `signature` is a valid RSASSA-PKCS1-v1_5 / SHA-256 signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match Signature::try_from(signature) {
            Ok(signature) => self.0.verify(message, &signature).is_ok(),
            Err(_) => false,
        }
    }
}
