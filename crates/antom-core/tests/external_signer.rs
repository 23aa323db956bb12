//! The two-step API for external signers (KMS, HSM): message and digest out, raw signature in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use antom_core::{Client, ClientConfig, ErrorCode, PrivateKey, PublicKey};
use sha2::{Digest, Sha256};

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
const OTHER: &str = include_str!("../../../tests/vectors/keys/TEST-ONLY-other.private.pkcs8.b64");
const ANTOM: &str = include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");
const CLIENT_ID: &str = "SANDBOX_5X00000000000000";
const BODY: &[u8] = br#"{"paymentRequestId":"order-1"}"#;
const TIME: u64 = 1_685_599_933_871;

fn external(public: Option<PublicKey>) -> Client {
    Client::new(ClientConfig::with_external_signer(
        CLIENT_ID,
        public,
        PublicKey::parse(ANTOM).unwrap(),
    ))
    .unwrap()
}

/// The in-process client whose `prepare` output the conformance vectors pin (OpenSSL-made).
fn in_process() -> Client {
    Client::new(ClientConfig::new(
        CLIENT_ID,
        PrivateKey::parse(MERCHANT).unwrap(),
        PublicKey::parse(ANTOM).unwrap(),
    ))
    .unwrap()
}

#[test]
fn message_and_digest_are_what_is_signed() {
    let merchant = PrivateKey::parse(MERCHANT).unwrap();
    let pending = external(Some(merchant.public_key()))
        .prepare_external("v1/payments/inquiryPayment", BODY, TIME)
        .unwrap();
    let expected = format!(
        "POST /ams/sandbox/api/v1/payments/inquiryPayment\n{CLIENT_ID}.{TIME}.{}",
        std::str::from_utf8(BODY).unwrap()
    );
    assert_eq!(pending.message(), expected.as_bytes());
    let digest: [u8; 32] = Sha256::digest(expected.as_bytes()).into();
    assert_eq!(pending.digest(), &digest);
    assert!(
        !format!("{pending:?}").contains("order-1"),
        "Debug shows no body"
    );
}

#[test]
fn a_good_signature_gives_the_same_request_as_prepare() {
    let merchant = PrivateKey::parse(MERCHANT).unwrap();
    for public in [Some(merchant.public_key()), None] {
        let client = external(public);
        let pending = client
            .prepare_external("v1/payments/inquiryPayment", BODY, TIME)
            .unwrap();
        let signature = merchant.sign_digest(pending.digest()).unwrap();
        let request = client.finish_external(pending, &signature).unwrap();
        let expected = in_process()
            .prepare("v1/payments/inquiryPayment", BODY, TIME)
            .unwrap();
        assert_eq!(request, expected);
    }
}

#[test]
fn a_short_or_wrong_signature_is_signing_failed() {
    let merchant = PrivateKey::parse(MERCHANT).unwrap();
    let other = PrivateKey::parse(OTHER).unwrap();
    let client = external(Some(merchant.public_key()));
    let pending = client
        .prepare_external("v1/payments/inquiryPayment", BODY, TIME)
        .unwrap();
    let good = merchant.sign_digest(pending.digest()).unwrap();
    let short = &good[..255];
    let wrong_key = other.sign_digest(pending.digest()).unwrap();
    let mut flipped = good.clone();
    flipped[10] ^= 1;
    for bad in [short, &wrong_key[..], &flipped[..], &[][..]] {
        let err = client.finish_external(pending.clone(), bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SigningFailed, "{err}");
    }
    // Without a public key only the length can be checked.
    let unchecked = external(None);
    let err = unchecked
        .finish_external(pending.clone(), short)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::SigningFailed);
}

#[test]
fn the_other_clients_refuse_the_two_steps_and_prepare_refuses_external() {
    let err = in_process()
        .prepare_external("v1/payments/pay", BODY, TIME)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let err = external(None)
        .prepare("v1/payments/pay", BODY, TIME)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.message().contains("prepare_external"));
}
