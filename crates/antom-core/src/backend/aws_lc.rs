//! The native engine: AWS-LC (`aws-lc-rs`), RSASSA-PKCS1-v1_5 over a SHA-256 digest.

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use zeroize::Zeroizing;

use super::DIGEST_LEN;
use crate::error::{Error, Result};

/// The engine's name, as reported to bindings and in the README.
pub(crate) const NAME: &str = "aws-lc";

/// A private key parsed once into AWS-LC's own handle (AWS-LC frees and clears it on drop).
pub(crate) struct SigningKey(KeyPair);

/// A public key parsed once into AWS-LC's own handle.
pub(crate) struct VerifyingKey {
    key: ParsedPublicKey,
    modulus_len: usize,
}

impl SigningKey {
    /// Loads a key the core has already validated, handed over as PKCS#8 DER.
    pub(crate) fn new(key: rsa::PrivateKey) -> Result<SigningKey> {
        use rsa::pkcs8::EncodePrivateKey;
        let der = key
            .to_pkcs8_der()
            .map_err(|_| Error::invalid_key("the private key could not be re-encoded"))?;
        KeyPair::from_pkcs8(der.as_bytes())
            .map(SigningKey)
            .map_err(|_| {
                Error::invalid_key(
                    "the native RSA engine (AWS-LC) refused this private key; it supports \
                 2048 to 8192 bits",
                )
            })
    }

    /// RSASSA-PKCS1-v1_5 over a SHA-256 `digest`; AWS-LC blinds the private-key operation.
    pub(crate) fn sign_digest(&self, digest: &[u8; DIGEST_LEN]) -> Result<Vec<u8>> {
        let failed = || Error::signing_failed("the RSA signing operation failed (AWS-LC)");
        let digest = Digest::import_less_safe(digest, &SHA256).map_err(|_| failed())?;
        let mut signature = vec![0u8; self.0.public_modulus_len()];
        self.0
            .sign_digest(&RSA_PKCS1_SHA256, &digest, &mut signature)
            .map_err(|_| failed())?;
        Ok(signature)
    }

    /// The key as PKCS#8 DER, for a binding that hands it to its host's crypto.
    #[cfg_attr(not(feature = "host-crypto"), allow(dead_code))]
    pub(crate) fn to_pkcs8_der(&self) -> Option<Zeroizing<Vec<u8>>> {
        let der: Pkcs8V1Der<'static> = self.0.as_der().ok()?;
        Some(Zeroizing::new(der.as_ref().to_vec()))
    }
}

impl VerifyingKey {
    /// Loads a key the core has already validated, handed over as SubjectPublicKeyInfo DER.
    pub(crate) fn new(key: &rsa::PublicKey, spki_der: &[u8]) -> Result<VerifyingKey> {
        use rsa::traits::PublicKeyParts;
        let modulus_len = key.size();
        ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki_der)
            .map(|key| VerifyingKey { key, modulus_len })
            .map_err(|_| {
                Error::invalid_key(
                    "the native RSA engine (AWS-LC) refused this public key; it supports \
                     2048 to 8192 bits",
                )
            })
    }

    /// The modulus size in bytes: the exact length of a valid signature.
    pub(crate) fn signature_len(&self) -> usize {
        self.modulus_len
    }

    /// `true` when `signature` is a valid PKCS#1 v1.5 signature of the SHA-256 `digest`.
    pub(crate) fn verify_digest(&self, digest: &[u8; DIGEST_LEN], signature: &[u8]) -> bool {
        match Digest::import_less_safe(digest, &SHA256) {
            Ok(digest) => self.key.verify_digest_sig(&digest, signature).is_ok(),
            Err(_) => false,
        }
    }
}
