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

    #[cfg(feature = "host-crypto")]
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
