//! The portable engine: the pure-Rust `rsa` crate 0.10.0 (constant-time exponentiation,
//! blinded signing). The engine on wasm32, and on native targets with the `pure-rust` feature.

use rsa::pkcs1v15::{Signature, SigningKey as RsaSigningKey, VerifyingKey as RsaVerifyingKey};
use rsa::signature::SignatureEncoding;
use rsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::DIGEST_LEN;
use crate::error::{Error, Result};

/// The engine's name, as reported to bindings and in the README.
pub(crate) const NAME: &str = "rsa-0.10";

/// A private key ready to sign (the `rsa` crate zeroizes its key parts on drop).
pub(crate) struct SigningKey(RsaSigningKey<Sha256>);

/// A public key ready to verify, with its modulus size in bytes computed once (the `rsa`
/// crate recounts the modulus bits on every `size()`, which shows in per-call profiles).
pub(crate) struct VerifyingKey(RsaVerifyingKey<Sha256>, usize);

impl SigningKey {
    /// Takes a key the core has already parsed and validated.
    pub(crate) fn new(key: rsa::PrivateKey) -> Result<SigningKey> {
        Ok(SigningKey(RsaSigningKey::new(key)))
    }

    /// RSASSA-PKCS1-v1_5 over a SHA-256 `digest`, blinded with OS randomness.
    pub(crate) fn sign_digest(&self, digest: &[u8; DIGEST_LEN]) -> Result<Vec<u8>> {
        self.0
            .sign_prehash(digest)
            .map(|signature: Signature| signature.to_vec())
            .map_err(|_| {
                Error::signing_failed(
                    "the RSA signing operation failed (no randomness for blinding?)",
                )
            })
    }

    /// The key as PKCS#8 DER, for a binding that hands it to its host's crypto.
    #[cfg_attr(not(feature = "host-crypto"), allow(dead_code))]
    pub(crate) fn to_pkcs8_der(&self) -> Option<Zeroizing<Vec<u8>>> {
        use rsa::pkcs8::EncodePrivateKey;
        let key: &rsa::PrivateKey = self.0.as_ref();
        key.to_pkcs8_der()
            .ok()
            .map(|doc| Zeroizing::new(doc.as_bytes().to_vec()))
    }
}

impl VerifyingKey {
    /// Takes a key the core has already parsed and validated.
    pub(crate) fn new(key: &rsa::PublicKey, _spki_der: &[u8]) -> Result<VerifyingKey> {
        Ok(VerifyingKey(RsaVerifyingKey::new(key.clone()), key.size()))
    }

    /// The modulus size in bytes: the exact length of a valid signature.
    pub(crate) fn signature_len(&self) -> usize {
        self.1
    }

    /// `true` when `signature` is a valid PKCS#1 v1.5 signature of the SHA-256 `digest`.
    pub(crate) fn verify_digest(&self, digest: &[u8; DIGEST_LEN], signature: &[u8]) -> bool {
        match Signature::try_from(signature) {
            Ok(signature) => self.0.verify_prehash(digest, &signature).is_ok(),
            Err(_) => false,
        }
    }
}
