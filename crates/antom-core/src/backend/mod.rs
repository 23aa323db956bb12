//! The RSA backends: the only code that performs RSASSA-PKCS1-v1_5 over a SHA-256 digest.
//!
//! Keys reach a backend only after [`crate::PrivateKey`] / [`crate::PublicKey`] have applied
//! every key rule (forms, algorithm, size, consistency); a backend turns the validated key into
//! its own ready handle once, and then signs and verifies 32-byte digests. Nothing here knows
//! about the protocol, and this module imports nothing else from the crate but its errors.
//!
//! * native targets, default: AWS-LC through `aws-lc-rs` (constant-time, blinded, assembly).
//! * wasm32, or the `pure-rust` feature: the `rsa` crate 0.10.0 (constant-time exponentiation,
//!   blinded signing).

#[cfg(all(
    feature = "aws-lc",
    not(feature = "pure-rust"),
    not(target_arch = "wasm32")
))]
mod aws_lc;
#[cfg(all(
    feature = "aws-lc",
    not(feature = "pure-rust"),
    not(target_arch = "wasm32")
))]
pub(crate) use aws_lc::{NAME, SigningKey, VerifyingKey};

#[cfg(not(all(
    feature = "aws-lc",
    not(feature = "pure-rust"),
    not(target_arch = "wasm32")
)))]
mod rust_crypto;
#[cfg(not(all(
    feature = "aws-lc",
    not(feature = "pure-rust"),
    not(target_arch = "wasm32")
)))]
pub(crate) use rust_crypto::{NAME, SigningKey, VerifyingKey};

/// Length of a SHA-256 digest, the only digest Antom signatures use.
pub(crate) const DIGEST_LEN: usize = 32;
