//! The RSA seam for hosts: lets a binding run the two RSA operations on its host's own crypto
//! (e.g. `node:crypto`) while the core keeps every protocol rule.
//!
//! The built-in engine ([`BuiltinEngine`]) uses the key handles the core parsed once: AWS-LC on
//! native targets, the `rsa` crate on wasm32 or with the `pure-rust` feature. This module
//! depends on the keys; the keys depend only on the backend, never on this module.

use crate::backend;
use crate::content::SignedContent;
use crate::encoding::{decode_signature, encode_signature};
use crate::error::{Error, Result};
use crate::keys::{PrivateKey, PublicKey};

/// The two RSA operations antom-core needs, so a binding can run them on its host's own
/// crypto while the core keeps every protocol rule: key parsing, the content, the encodings,
/// the length check, the header and response rules.
///
/// Implementations compute RSASSA-PKCS1-v1_5 with SHA-256 over the content: the bytes of
/// [`SignedContent::head`] followed by [`SignedContent::body`] (or its
/// [`SignedContent::digest`]).
pub trait RsaEngine {
    /// Signs `content` with `key`; returns the raw signature (modulus length).
    ///
    /// # Errors
    /// `SIGNING_FAILED` when the backend fails.
    fn sign(&self, key: &PrivateKey, content: &SignedContent<'_>) -> Result<Vec<u8>>;

    /// `true` when `signature` (already exactly modulus length) verifies over `content`.
    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool;
}

/// The built-in engine: AWS-LC on native targets (default), the `rsa` crate 0.10.0 on wasm32
/// or with the `pure-rust` feature. Both sign blinded and in constant time.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinEngine;

impl BuiltinEngine {
    /// The engine this build uses: `"aws-lc"` or `"rsa-0.10"`.
    pub const NAME: &'static str = backend::NAME;
}

impl RsaEngine for BuiltinEngine {
    fn sign(&self, key: &PrivateKey, content: &SignedContent<'_>) -> Result<Vec<u8>> {
        key.sign_digest(&content.digest())
    }

    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        key.verify_digest(&content.digest(), signature)
    }
}

impl PrivateKey {
    /// As [`PrivateKey::sign_bytes`], with the RSA operation done by `engine`.
    ///
    /// # Errors
    /// `SIGNING_FAILED` when the engine fails or returns a signature of the wrong length.
    pub fn sign_with(&self, engine: &dyn RsaEngine, content: &[u8]) -> Result<String> {
        self.sign_content_with(engine, &SignedContent::raw(content))
    }

    /// Signs `content` with `engine` and returns the percent-encoded signature value.
    ///
    /// # Errors
    /// `SIGNING_FAILED`, as for [`PrivateKey::sign_with`].
    pub fn sign_content_with(
        &self,
        engine: &dyn RsaEngine,
        content: &SignedContent<'_>,
    ) -> Result<String> {
        let signature = engine.sign(self, content)?;
        if signature.len() != self.public_key().signature_len() {
            return Err(Error::signing_failed(
                "the RSA engine returned a signature of the wrong length",
            ));
        }
        Ok(encode_signature(&signature))
    }
}

impl PublicKey {
    /// As [`PublicKey::verify_bytes`], with the RSA operation done by `engine`. Decoding and
    /// the length check stay here.
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE`, as for [`PublicKey::verify`].
    pub fn verify_with(
        &self,
        engine: &dyn RsaEngine,
        content: &[u8],
        signature: &str,
    ) -> Result<bool> {
        self.verify_content_with(engine, &SignedContent::raw(content), signature)
    }

    /// Checks the signature value `signature` (as after `signature=`) over `content`.
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE`, as for [`PublicKey::verify`].
    pub fn verify_content_with(
        &self,
        engine: &dyn RsaEngine,
        content: &SignedContent<'_>,
        signature: &str,
    ) -> Result<bool> {
        let raw = self.decode_signature_value(signature)?;
        Ok(engine.verify(self, content, &raw))
    }

    /// Percent- and base64-decodes a signature value and checks its length.
    pub(crate) fn decode_signature_value(&self, signature: &str) -> Result<Vec<u8>> {
        let raw = decode_signature(signature, self.signature_len())?;
        if raw.len() != self.signature_len() {
            return Err(Error::malformed_signature(format!(
                "the signature decodes to {} bytes; an RSA-{} signature has {}",
                raw.len(),
                self.bits(),
                self.signature_len()
            )));
        }
        Ok(raw)
    }
}
