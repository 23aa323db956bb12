//! RSA keys: parsing every form merchants actually hold, signing and verifying.

use std::fmt;
use std::sync::Arc;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::der::Decode;
use rsa::pkcs8::{EncodePublicKey, ObjectIdentifier, PrivateKeyInfoRef, SubjectPublicKeyInfoRef};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::backend::{self, DIGEST_LEN};
use crate::content::SignedContent;
use crate::encoding::encode_signature;
use crate::error::{Error, Result};
use crate::pem::{KeyText, decode_key_text};

/// Smallest RSA modulus accepted, in bits. Antom issues and requires RSA-2048.
pub const MIN_KEY_BITS: u32 = 2048;
/// Largest RSA modulus accepted for a public key, in bits (bounds verification cost).
pub const MAX_PUBLIC_KEY_BITS: u32 = 4096;
/// Largest RSA modulus accepted for a private key, in bits (what every engine supports).
pub const MAX_PRIVATE_KEY_BITS: u32 = 8192;
/// How many bytes of the SHA-256 digest a [`PublicKey::fingerprint`] shows (64 bits).
const FINGERPRINT_BYTES: usize = 8;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// DER prefix of the PKCS#5 / PKCS#12 OID arcs used by encrypted PKCS#8 containers.
const PKCS5_OID_PREFIX: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PKCS12_PBE_OID_PREFIX: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];

/// A merchant's RSA private key, used to sign requests.
///
/// Accepts the Antom Dashboard form (one-line base64 PKCS#8), PEM (`PRIVATE KEY`,
/// `RSA PRIVATE KEY` with a PKCS#1 or a PKCS#8 body), bare base64 PKCS#1 and DER. Key
/// material is zeroized when the last clone is dropped, `Debug` prints no key material, and
/// there is no public way to read the key back out.
#[derive(Clone)]
pub struct PrivateKey {
    signer: Arc<backend::SigningKey>,
    public: PublicKey,
}

/// An RSA public key: Antom's (to verify responses and notifications) or your own.
///
/// Accepts the Antom Dashboard form (one-line base64 X.509 SubjectPublicKeyInfo), PEM
/// (`PUBLIC KEY`, `RSA PUBLIC KEY`), bare base64 PKCS#1 and DER.
#[derive(Clone)]
pub struct PublicKey {
    verifier: Arc<backend::VerifyingKey>,
    spki_der: Arc<[u8]>,
    /// [`PublicKey::fingerprint`], computed once: every verified message reports it.
    fingerprint: Arc<str>,
    bits: u32,
}

impl PrivateKey {
    /// Parses a private key from text: dashboard base64, PEM or base64 PKCS#1.
    ///
    /// # Errors
    /// `INVALID_KEY` when the text is empty, not base64/PEM, encrypted, not RSA, a public
    /// key, or an RSA key smaller than 2048 bits. The message says which.
    pub fn parse(text: &str) -> Result<PrivateKey> {
        let KeyText { label, der } = decode_key_text(text)?;
        match label.as_deref() {
            None | Some("PRIVATE KEY") | Some("RSA PRIVATE KEY") => PrivateKey::from_der(&der),
            Some("ENCRYPTED PRIVATE KEY") => Err(encrypted_key()),
            Some("EC PRIVATE KEY") => Err(not_rsa("an EC key")),
            Some("OPENSSH PRIVATE KEY") => Err(Error::invalid_key(
                "OpenSSH key format is not supported; convert it with \
                 `ssh-keygen -p -m PKCS8 -f KEYFILE` or use the Antom Dashboard key",
            )),
            Some("PUBLIC KEY") | Some("RSA PUBLIC KEY") => Err(public_given_as_private()),
            Some("CERTIFICATE") => Err(Error::invalid_key(
                "this is a certificate, not a private key",
            )),
            Some(_) => Err(Error::invalid_key(
                "unsupported PEM label; expected PRIVATE KEY or RSA PRIVATE KEY",
            )),
        }
    }

    /// Parses a private key from DER bytes (PKCS#8 `PrivateKeyInfo` or PKCS#1 `RSAPrivateKey`).
    ///
    /// # Errors
    /// `INVALID_KEY`, as for [`PrivateKey::parse`].
    pub fn from_der(der: &[u8]) -> Result<PrivateKey> {
        let key = if let Ok(info) = PrivateKeyInfoRef::from_der(der) {
            check_algorithm(info.algorithm.oid)?;
            RsaPrivateKey::try_from(info).map_err(|_| malformed("PKCS#8 RSA private key"))?
        } else if let Ok(key) = RsaPrivateKey::from_pkcs1_der(der) {
            key
        } else if looks_encrypted(der) {
            return Err(encrypted_key());
        } else if SubjectPublicKeyInfoRef::from_der(der).is_ok()
            || RsaPublicKey::from_pkcs1_der(der).is_ok()
        {
            return Err(public_given_as_private());
        } else {
            return Err(Error::invalid_key(
                "not a PKCS#8 or PKCS#1 RSA private key (corrupt, truncated or another format)",
            ));
        };
        check_size(key.n().as_ref().bit_width(), MAX_PRIVATE_KEY_BITS)?;
        key.validate()
            .map_err(|_| Error::invalid_key("the RSA private key is inconsistent (corrupt key)"))?;
        let public = PublicKey::from_rsa(key.to_public_key(), MAX_PRIVATE_KEY_BITS)?;
        Ok(PrivateKey {
            signer: Arc::new(backend::SigningKey::new(key)?),
            public,
        })
    }

    /// The public half of this key (what you upload to the Antom Dashboard).
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.public.bits
    }

    /// Signs `content` (usually from [`crate::content_to_sign`]) and returns the value that
    /// goes after `signature=` in the `Signature` header: RSASSA-PKCS1-v1_5 / SHA-256,
    /// standard padded base64, percent-encoded with upper-case hex (`%2B`, `%2F`, `%3D`).
    ///
    /// Signing is blinded; PKCS#1 v1.5 is deterministic, so the same key and content always
    /// give the same value.
    ///
    /// # Errors
    /// `SIGNING_FAILED` only if the platform gives no randomness for blinding.
    pub fn sign(&self, content: &str) -> Result<String> {
        self.sign_bytes(content.as_bytes())
    }

    /// As [`PrivateKey::sign`], over raw bytes.
    ///
    /// # Errors
    /// `SIGNING_FAILED`, as for [`PrivateKey::sign`].
    pub fn sign_bytes(&self, content: &[u8]) -> Result<String> {
        self.sign_content(&SignedContent::raw(content))
    }

    /// Signs a [`SignedContent`] (hashed in parts, never concatenated) with the built-in
    /// engine; returns the percent-encoded signature value.
    ///
    /// # Errors
    /// `SIGNING_FAILED`, as for [`PrivateKey::sign`].
    pub fn sign_content(&self, content: &SignedContent<'_>) -> Result<String> {
        Ok(encode_signature(&self.sign_digest(&content.digest())?))
    }

    /// The raw RSASSA-PKCS1-v1_5 signature of a SHA-256 digest, with the built-in engine.
    ///
    /// # Errors
    /// `SIGNING_FAILED` when the engine fails.
    pub fn sign_digest(&self, digest: &[u8; DIGEST_LEN]) -> Result<Vec<u8>> {
        self.signer.sign_digest(digest)
    }

    /// Crate-internal export of the PKCS#8 DER, for a binding that hands the parsed key to
    /// its host's own RSA implementation. Never re-export this from a package.
    #[cfg(feature = "host-crypto")]
    #[doc(hidden)]
    pub fn export_pkcs8_der_for_host_crypto(&self) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        self.signer
            .to_pkcs8_der()
            .ok_or_else(|| Error::invalid_key("the private key could not be re-encoded"))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey(RSA-{}, public half {}, <redacted>)",
            self.bits(),
            self.public.fingerprint()
        )
    }
}

impl PublicKey {
    /// Parses a public key from text: dashboard base64 (SPKI), PEM or base64 PKCS#1.
    ///
    /// # Errors
    /// `INVALID_KEY` when the text is empty, not base64/PEM, a private key, not RSA, or an
    /// RSA key outside 2048..=4096 bits.
    pub fn parse(text: &str) -> Result<PublicKey> {
        let KeyText { label, der } = decode_key_text(text)?;
        match label.as_deref() {
            None | Some("PUBLIC KEY") | Some("RSA PUBLIC KEY") => PublicKey::from_der(&der),
            Some(label) if label.contains("PRIVATE KEY") => Err(private_given_as_public()),
            Some("CERTIFICATE") => Err(Error::invalid_key(
                "this is a certificate; pass the Antom public key (base64 SubjectPublicKeyInfo) \
                 from the Antom Dashboard",
            )),
            Some(_) => Err(Error::invalid_key(
                "unsupported PEM label; expected PUBLIC KEY or RSA PUBLIC KEY",
            )),
        }
    }

    /// Parses a public key from DER bytes (X.509 `SubjectPublicKeyInfo` or PKCS#1 `RSAPublicKey`).
    ///
    /// # Errors
    /// `INVALID_KEY`, as for [`PublicKey::parse`].
    pub fn from_der(der: &[u8]) -> Result<PublicKey> {
        let key = if let Ok(spki) = SubjectPublicKeyInfoRef::from_der(der) {
            check_algorithm(spki.algorithm.oid)?;
            RsaPublicKey::try_from(spki).map_err(|_| malformed("SubjectPublicKeyInfo RSA key"))?
        } else if let Ok(key) = RsaPublicKey::from_pkcs1_der(der) {
            key
        } else if PrivateKeyInfoRef::from_der(der).is_ok()
            || RsaPrivateKey::from_pkcs1_der(der).is_ok()
            || looks_encrypted(der)
        {
            return Err(private_given_as_public());
        } else {
            return Err(Error::invalid_key(
                "not an X.509 SubjectPublicKeyInfo or PKCS#1 RSA public key \
                 (corrupt, truncated or another format)",
            ));
        };
        PublicKey::from_rsa(key, MAX_PUBLIC_KEY_BITS)
    }

    /// `max_bits` is [`MAX_PUBLIC_KEY_BITS`] for keys received from outside, and the private
    /// limit for the public half of a key the merchant holds.
    fn from_rsa(key: RsaPublicKey, max_bits: u32) -> Result<PublicKey> {
        let bits = key.n().as_ref().bit_width();
        check_size(bits, max_bits)?;
        let spki_der: Arc<[u8]> = key
            .to_public_key_der()
            .map_err(|_| malformed("RSA public key"))?
            .as_bytes()
            .into();
        Ok(PublicKey {
            verifier: Arc::new(backend::VerifyingKey::new(&key, &spki_der)?),
            fingerprint: fingerprint_of(&spki_der).into(),
            spki_der,
            bits,
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The key as X.509 SubjectPublicKeyInfo DER.
    pub fn to_der(&self) -> Vec<u8> {
        self.spki_der.to_vec()
    }

    /// The key in the Antom Dashboard form: one-line standard base64 of the SPKI DER.
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&self.spki_der)
    }

    /// A short, stable, non-secret name for the key: `sha256:` and the first 16 lower-case
    /// hex digits of SHA-256 over its SubjectPublicKeyInfo DER (the bytes the Dashboard's
    /// base64 text decodes to). The same for the private key's public half, so it tells which
    /// keys match; safe to log. Recompute it with
    /// `base64 -d key.txt | openssl dgst -sha256` (its first 16 hex digits).
    pub fn fingerprint(&self) -> String {
        String::from(&*self.fingerprint) // a copy, without the formatting machinery
    }

    /// Checks `signature` over `content`.
    ///
    /// `signature` is the value after `signature=`: percent-encoded (either hex case) or raw
    /// standard base64. Decoding is percent-decoding only: a `+` stays a `+`.
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE` when the value is empty, has a broken `%` escape, is not
    /// canonical padded base64, or does not decode to exactly the key's modulus length.
    /// A well-formed signature that does not match is `Ok(false)`, not an error.
    pub fn verify(&self, content: &str, signature: &str) -> Result<bool> {
        self.verify_bytes(content.as_bytes(), signature)
    }

    /// As [`PublicKey::verify`], over raw bytes.
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE`, as for [`PublicKey::verify`].
    pub fn verify_bytes(&self, content: &[u8], signature: &str) -> Result<bool> {
        self.verify_content(&SignedContent::raw(content), signature)
    }

    /// As [`PublicKey::verify`], over a [`SignedContent`] (hashed in parts).
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE`, as for [`PublicKey::verify`].
    pub fn verify_content(&self, content: &SignedContent<'_>, signature: &str) -> Result<bool> {
        let raw = self.decode_signature_value(signature)?;
        Ok(self.verify_digest(&content.digest(), &raw))
    }

    /// `true` when the raw `signature` is a valid RSASSA-PKCS1-v1_5 signature of the SHA-256
    /// `digest`, with the built-in engine. A signature of the wrong length is `false`.
    pub fn verify_digest(&self, digest: &[u8; DIGEST_LEN], signature: &[u8]) -> bool {
        signature.len() == self.signature_len() && self.verifier.verify_digest(digest, signature)
    }

    /// The exact length in bytes of a signature made with this key (the modulus size).
    pub fn signature_len(&self) -> usize {
        self.verifier.signature_len()
    }
}

/// `sha256:` and the first [`FINGERPRINT_BYTES`] bytes of SHA-256 over `spki_der`, in hex.
fn fingerprint_of(spki_der: &[u8]) -> String {
    let hex: String = Sha256::digest(spki_der)
        .iter()
        .take(FINGERPRINT_BYTES)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{}, {})", self.bits, self.fingerprint())
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        // Clones share their DER: the common case (a binding finding a ring key) is one compare.
        Arc::ptr_eq(&self.spki_der, &other.spki_der) || self.spki_der == other.spki_der
    }
}

impl Eq for PublicKey {}

fn check_algorithm(oid: ObjectIdentifier) -> Result<()> {
    if oid == RSA_ENCRYPTION {
        Ok(())
    } else if oid == RSASSA_PSS {
        Err(Error::invalid_key(
            "this is an RSASSA-PSS-only key; Antom needs a plain rsaEncryption (PKCS#1 v1.5) key",
        ))
    } else if oid == EC_PUBLIC_KEY {
        Err(not_rsa("an EC key"))
    } else {
        Err(not_rsa("not an RSA key"))
    }
}

fn check_size(bits: u32, max: u32) -> Result<()> {
    if bits < MIN_KEY_BITS {
        Err(Error::invalid_key(format!(
            "the RSA key has {bits} bits; Antom requires at least {MIN_KEY_BITS}"
        )))
    } else if bits > max {
        Err(Error::invalid_key(format!(
            "the RSA key has {bits} bits; at most {max} are accepted"
        )))
    } else {
        Ok(())
    }
}

fn looks_encrypted(der: &[u8]) -> bool {
    let head = der.get(..40).unwrap_or(der);
    head.windows(PKCS5_OID_PREFIX.len())
        .any(|w| w == PKCS5_OID_PREFIX || w == PKCS12_PBE_OID_PREFIX)
}

fn encrypted_key() -> Error {
    Error::invalid_key(
        "the private key is encrypted; export it unencrypted as PKCS#8 \
         (openssl pkcs8 -topk8 -nocrypt) and protect it with your secret store instead",
    )
}

fn not_rsa(what: &str) -> Error {
    Error::invalid_key(format!("{what}: Antom signatures need an RSA key"))
}

fn malformed(what: &str) -> Error {
    Error::invalid_key(format!("malformed {what}"))
}

fn public_given_as_private() -> Error {
    Error::invalid_key("this is a public key; a private key is needed here")
}

fn private_given_as_public() -> Error {
    Error::invalid_key(
        "this is a private key; pass the public key here (and keep the private key secret)",
    )
}
