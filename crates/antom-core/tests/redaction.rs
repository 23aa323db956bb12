//! Secrets never appear in Debug output or error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use antom_core::{ApiKey, Client, ClientConfig, ErrorCode, PrivateKey, PublicKey};

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
const ANTOM_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");
const API_KEY: &str = "irak_TEST_c2VjcmV0LWlk_s3cr3tPART";

#[test]
fn private_key_debug_shows_no_key_material() {
    let key = PrivateKey::parse(MERCHANT).unwrap();
    let shown = format!("{key:?} {:#?}", key);
    assert!(shown.contains("redacted"), "{shown}");
    for window in MERCHANT.trim().as_bytes().chunks(16) {
        assert!(
            !shown.contains(std::str::from_utf8(window).unwrap()),
            "{shown}"
        );
    }
}

#[test]
fn api_key_is_never_printed() {
    let key = ApiKey::parse(API_KEY).unwrap();
    let client = Client::new(ClientConfig::with_api_key(
        "SANDBOX_5X00000000000000",
        key.clone(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap();
    let request = client.prepare("v1/payments/pay", "{}", 1).unwrap();
    let shown = format!("{key:?} {client:?} {request:?}");
    assert!(
        !shown.contains("s3cr3tPART") && !shown.contains("c2VjcmV0"),
        "{shown}"
    );
    assert!(
        request
            .headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v == &format!("Bearer {API_KEY}"))
    );
}

#[test]
fn errors_do_not_echo_their_input() {
    let secretish = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-really-a-key";
    let err = PrivateKey::parse(secretish).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidKey);
    assert!(!err.to_string().contains("MIIEvQ"), "{err}");

    let err = ApiKey::parse("irak_TEST_only-three-parts").unwrap_err();
    assert!(!err.to_string().contains("only-three"), "{err}");

    let client = Client::new(ClientConfig::new(
        "SANDBOX_5X00000000000000",
        PrivateKey::parse(MERCHANT).unwrap(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap();
    let body = br#"{"result":{"resultStatus":"S","card":"4111111111111111"}}"#;
    let err = client
        .verify_response("v1/payments/pay", &[("x", "y")], body)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnsignedResponse);
    assert!(!err.to_string().contains("4111"), "{err}");
}

#[test]
fn error_codes_are_stable_strings() {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "INVALID_KEY",
            "INVALID_INPUT",
            "MALFORMED_SIGNATURE",
            "UNSUPPORTED_ALGORITHM",
            "SIGNATURE_MISMATCH",
            "MISSING_HEADER",
            "CLIENT_ID_MISMATCH",
            "UNSIGNED_RESPONSE",
            "INVALID_AMOUNT",
            "UNSUPPORTED_CURRENCY",
            "SIGNING_FAILED",
            "UNKNOWN_KEY_VERSION",
            "WRONG_KEY",
        ]
    );
}
