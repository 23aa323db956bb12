//! The testing kit (`antom_core::testing`): fresh keys, Antom-signed notifications and
//! responses of every catalogue type, overrides. Each signature is also checked independently
//! of the core: with the `rsa` crate directly over the content rebuilt here, and with the
//! `openssl` command.
#![cfg(feature = "testing")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::OnceLock;

use antom_core::testing::{
    self, TestKeys, find_notification_type, iso8601, notification_types, sample_notification,
    sample_response, set_field, sign_notification, sign_response,
};
use antom_core::{Client, ClientConfig, ErrorCode, NextAction, Outcome, PrivateKey, PublicKey};
use base64::Engine as _;
use serde_json::{Value, json};

const CLIENT_ID: &str = "SANDBOX_TESTKIT_0001";
const NOTIFY_PATH: &str = "/antom/notify";
const NOW_MS: u64 = 1_764_806_400_000; // 2025-12-04T00:00:00Z

fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().unwrap())
}

fn client() -> Client {
    let keys = keys();
    Client::new(ClientConfig::new(
        CLIENT_ID,
        keys.merchant_private_key().clone(),
        keys.antom_public_key(),
    ))
    .unwrap()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(found.len(), 1, "exactly one {name} header in {headers:?}");
    found[0]
}

/// The raw signature bytes from a `signature` header, parsed here (not by the core): the
/// header is `algorithm=RSA256,keyVersion=N,signature=<percent-encoded base64>`.
fn raw_signature(value: &str, key_version: u32) -> Vec<u8> {
    let parts: Vec<&str> = value.split(',').collect();
    assert_eq!(parts.len(), 3, "{value}");
    assert_eq!(parts[0], "algorithm=RSA256");
    assert_eq!(parts[1], format!("keyVersion={key_version}"));
    let encoded = parts[2].strip_prefix("signature=").unwrap();
    assert!(
        !encoded.contains(['+', '/', '=']),
        "base64 is percent-encoded: {encoded}"
    );
    let b64 = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .unwrap()
}

/// Antom's signed content, rebuilt here from its documented form.
fn content(path: &str, time: &str, body: &str) -> String {
    format!("POST {path}\n{CLIENT_ID}.{time}.{body}")
}

/// Verifies with the `rsa` crate directly (RSASSA-PKCS1-v1_5, SHA-256), not the core.
fn rsa_verifies(public: &PublicKey, content: &str, signature: &[u8]) -> bool {
    use rsa::pkcs8::DecodePublicKey;
    use sha2::{Digest, Sha256};
    let key = rsa::PublicKey::from_public_key_der(&public.to_der()).unwrap();
    let digest = Sha256::digest(content.as_bytes());
    key.verify(
        rsa::pkcs1v15::Pkcs1v15Sign::new::<Sha256>(),
        &digest,
        signature,
    )
    .is_ok()
}

/// Verifies with the `openssl` command (skipped, saying so, when there is none).
fn openssl_verifies(public: &PublicKey, content: &str, signature: &[u8]) -> Option<bool> {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("antom-testkit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        public.to_base64()
    );
    std::fs::write(dir.join("pub.pem"), pem).unwrap();
    std::fs::write(dir.join("sig.bin"), signature).unwrap();
    std::fs::write(dir.join("content.txt"), content).unwrap();
    let out = Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig.bin",
            "content.txt",
        ])
        .current_dir(&dir)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(out) => Some(out.status.success()),
        Err(_) => {
            eprintln!("openssl not found: only the rsa-crate cross-check ran");
            None
        }
    }
}

#[test]
fn test_keys_are_fresh_rsa_2048_and_never_printed() {
    let keys = keys();
    let other = TestKeys::generate().unwrap();
    assert_ne!(keys.antom_public_key(), other.antom_public_key());
    assert_ne!(keys.antom_public_key(), keys.merchant_public_key());
    assert_eq!(keys.antom_private_key().bits(), 2048);
    assert_eq!(keys.merchant_private_key().bits(), 2048);
    // The texts are the Dashboard form the key parsers read, and are the same keys.
    let antom = PrivateKey::parse(keys.test_only_antom_private_key_text()).unwrap();
    assert_eq!(antom.public_key(), keys.antom_public_key());
    let merchant = PrivateKey::parse(keys.test_only_merchant_private_key_text()).unwrap();
    assert_eq!(merchant.public_key(), keys.merchant_public_key());
    let debug = format!("{keys:?}");
    assert!(debug.contains("<redacted>"), "{debug}");
    for text in [
        keys.test_only_antom_private_key_text(),
        keys.test_only_merchant_private_key_text(),
    ] {
        assert!(text.len() > 1000);
        assert!(!debug.contains(&text[..40]), "{debug}");
        assert!(!debug.contains(&text[text.len() - 40..]), "{debug}");
    }
}

#[test]
fn test_keys_from_host_generated_der() {
    let keys = keys();
    let b64 = base64::engine::general_purpose::STANDARD;
    let antom = b64.decode(keys.test_only_antom_private_key_text()).unwrap();
    let merchant = b64
        .decode(keys.test_only_merchant_private_key_text())
        .unwrap();
    let again = TestKeys::from_der(&antom, &merchant).unwrap();
    assert_eq!(again.antom_public_key(), keys.antom_public_key());
    assert_eq!(again.merchant_public_key(), keys.merchant_public_key());
    assert_eq!(
        again.test_only_merchant_private_key_text(),
        keys.test_only_merchant_private_key_text()
    );
    let error = TestKeys::from_der(b"not a key", &merchant).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidKey);
}

#[test]
fn iso8601_formats_known_instants() {
    assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00Z");
    assert_eq!(iso8601(NOW_MS), "2025-12-04T00:00:00Z");
    assert_eq!(iso8601(1_685_599_933_871), "2023-06-01T06:12:13Z");
}

#[test]
fn knows_every_notification_type_of_the_catalogue() {
    let types = notification_types();
    assert_eq!(types.len(), 19);
    let (payment, value) = find_notification_type("PAYMENT_PENDING").unwrap();
    assert_eq!(payment.body, "NotifyPaymentRequest");
    assert_eq!(value.as_deref(), Some("PAYMENT_PENDING"));
    let (auth, value) = find_notification_type("AuthNotify").unwrap();
    assert_eq!(auth.field.as_deref(), Some("authorizationNotifyType"));
    assert_eq!(value.as_deref(), Some("AUTHCODE_CREATED"));
    assert!(find_notification_type("NOPE").is_none());
    let error = sample_notification::<&str>("NOPE", "T", "t", &[]).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(
        error.message().contains("REFUND_RESULT"),
        "{}",
        error.message()
    );
}

#[test]
fn every_sample_verifies_with_the_core_and_independently() {
    let keys = keys();
    let client = client();
    let time = iso8601(NOW_MS);
    let mut checked = 0;
    for kind in notification_types() {
        let names = if kind.values.is_empty() {
            vec![kind.body.clone()]
        } else {
            kind.values.clone()
        };
        for name in names {
            let body = sample_notification::<&str>(&name, "T1", &time, &[]).unwrap();
            let parsed: Value = serde_json::from_str(&body).unwrap();
            assert!(body.starts_with(r#"{"result":{"#), "{body}");
            assert_eq!(parsed["result"]["resultStatus"], "S", "{name}");
            if let Some(field) = &kind.field {
                assert_eq!(parsed[field], json!(name), "{name}");
            }
            let headers = sign_notification(
                keys.antom_private_key(),
                NOTIFY_PATH,
                CLIENT_ID,
                NOW_MS,
                body.as_bytes(),
                2,
            )
            .unwrap();
            assert_eq!(header(&headers, "client-id"), CLIENT_ID);
            assert_eq!(header(&headers, "request-time"), "2025-12-04T00:00:00Z");
            let verified = client
                .verify_notification(NOTIFY_PATH, &headers, body.as_bytes())
                .unwrap();
            if kind.field.as_deref() == Some("notifyType") {
                assert_eq!(verified.notify_type.as_deref(), Some(name.as_str()));
            }
            let signature = raw_signature(header(&headers, "signature"), 2);
            let signed = content(NOTIFY_PATH, "2025-12-04T00:00:00Z", &body);
            assert!(
                rsa_verifies(&keys.antom_public_key(), &signed, &signature),
                "{name}"
            );
            assert!(!rsa_verifies(
                &keys.merchant_public_key(),
                &signed,
                &signature
            ));
            checked += 1;
        }
    }
    // 19 models; the discriminated ones have 1 + 2 + 2 + 1 + 3 + 5 values beyond one each.
    assert_eq!(checked, 19 - 6 + 1 + 2 + 2 + 1 + 3 + 5);
}

#[test]
fn the_samples_have_the_outcomes_a_merchant_tests() {
    let client = client();
    let keys = keys();
    let cases: [(&str, &[&str], Outcome); 6] = [
        ("PAYMENT_RESULT", &[], Outcome::Succeeded),
        ("PAYMENT_PENDING", &[], Outcome::Pending),
        (
            "PAYMENT_RESULT",
            &[
                "result.resultStatus=F",
                "result.resultCode=USER_BALANCE_NOT_ENOUGH",
            ],
            Outcome::Failed,
        ),
        ("REFUND_RESULT", &[], Outcome::Succeeded),
        ("REFUND_RESULT", &["refundStatus=FAIL"], Outcome::Failed),
        ("CAPTURE_RESULT", &[], Outcome::Succeeded),
    ];
    for (name, overrides, outcome) in cases {
        let body = sample_notification(name, "ORDER_7", "2025-12-04T00:00:00Z", overrides).unwrap();
        let headers = sign_notification(
            keys.antom_private_key(),
            NOTIFY_PATH,
            CLIENT_ID,
            NOW_MS,
            body.as_bytes(),
            1,
        )
        .unwrap();
        let n = client
            .verify_notification(NOTIFY_PATH, &headers, body.as_bytes())
            .unwrap();
        assert_eq!(n.outcome, outcome, "{name} {overrides:?}");
    }
    let body = sample_notification(
        "PAYMENT_RESULT",
        "ORDER_7",
        "2025-12-04T00:00:00Z",
        &["paymentId=2025120400001", "paymentAmount.value=500"],
    )
    .unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        parsed["paymentAmount"],
        json!({"currency": "USD", "value": "500"})
    );
    assert_eq!(parsed["paymentRequestId"], "ORDER_7_paymentRequestId");
    let headers = sign_notification(
        keys.antom_private_key(),
        NOTIFY_PATH,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let n = client
        .verify_notification(NOTIFY_PATH, &headers, body.as_bytes())
        .unwrap();
    assert_eq!(n.dedup_key, "PAYMENT_RESULT:paymentId=2025120400001");
}

#[test]
fn a_tampered_or_forged_notification_fails() {
    let client = client();
    let keys = keys();
    let body =
        sample_notification::<&str>("PAYMENT_RESULT", "X", "2025-12-04T00:00:00Z", &[]).unwrap();
    let headers = sign_notification(
        keys.antom_private_key(),
        NOTIFY_PATH,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let tampered = body.replace(r#""value":"1000""#, r#""value":"1""#);
    assert_ne!(tampered, body);
    let error = client
        .verify_notification(NOTIFY_PATH, &headers, tampered.as_bytes())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);
    let signature = raw_signature(header(&headers, "signature"), 1);
    assert!(!rsa_verifies(
        &keys.antom_public_key(),
        &content(NOTIFY_PATH, "2025-12-04T00:00:00Z", &tampered),
        &signature
    ));
    // Another path: the signature covers it.
    let error = client
        .verify_notification("/other/notify", &headers, body.as_bytes())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);
    // Signed with the merchant's key instead of Antom's: a forgery.
    let forged = sign_notification(
        keys.merchant_private_key(),
        NOTIFY_PATH,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let error = client
        .verify_notification(NOTIFY_PATH, &forged, body.as_bytes())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);
}

#[test]
fn openssl_agrees_with_the_signatures() {
    let keys = keys();
    let body =
        sample_notification::<&str>("REFUND_RESULT", "R", "2025-12-04T00:00:00Z", &[]).unwrap();
    let headers = sign_notification(
        keys.antom_private_key(),
        NOTIFY_PATH,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let signature = raw_signature(header(&headers, "signature"), 1);
    let signed = content(NOTIFY_PATH, "2025-12-04T00:00:00Z", &body);
    if let Some(ok) = openssl_verifies(&keys.antom_public_key(), &signed, &signature) {
        assert!(ok, "openssl refused the signature");
        let tampered = signed.replace("SUCCESS", "FAIL");
        assert_eq!(
            openssl_verifies(&keys.antom_public_key(), &tampered, &signature),
            Some(false)
        );
    }
}

#[test]
fn signed_responses_verify_with_their_outcomes() {
    let client = client();
    let keys = keys();
    // The path the request went to (a SANDBOX_ client id sends to /ams/sandbox/api/).
    let path = &client.resolve_path("v1/payments/inquiryPayment").unwrap();
    assert_eq!(path, "/ams/sandbox/api/v1/payments/inquiryPayment");
    let cases = [
        ("S", Outcome::Succeeded),
        ("U", Outcome::Unknown),
        ("F", Outcome::Unknown),
    ];
    for (status, outcome) in cases {
        let body = sample_response::<&str>("payments.inquiryPayment", status, &[]).unwrap();
        let headers = sign_response(
            keys.antom_private_key(),
            path,
            CLIENT_ID,
            NOW_MS,
            body.as_bytes(),
            1,
        )
        .unwrap();
        assert_eq!(header(&headers, "response-time"), "2025-12-04T00:00:00Z");
        let response = client
            .verify_response(path, &headers, body.as_bytes())
            .unwrap();
        assert!(response.verified);
        assert_eq!(response.outcome, outcome, "{status}: {body}");
        if status == "S" {
            assert_eq!(response.next_action(), NextAction::Done);
        }
        let signature = raw_signature(header(&headers, "signature"), 1);
        assert!(rsa_verifies(
            &keys.antom_public_key(),
            &content(path, "2025-12-04T00:00:00Z", &body),
            &signature
        ));
    }
    // A successful pay reply; the API named by its path works too.
    let body = sample_response::<&str>("v1/payments/pay", "S", &[]).unwrap();
    assert_eq!(
        body,
        r#"{"result":{"resultCode":"SUCCESS","resultMessage":"success.","resultStatus":"S"}}"#
    );
    let pay = &client.resolve_path("v1/payments/pay").unwrap();
    let headers = sign_response(
        keys.antom_private_key(),
        pay,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let response = client
        .verify_response(pay, &headers, body.as_bytes())
        .unwrap();
    assert_eq!(response.outcome, Outcome::Succeeded);
    // A pending pay: U with PAYMENT_IN_PROCESS.
    let body = sample_response(
        "payments.pay",
        "U",
        &["result.resultCode=PAYMENT_IN_PROCESS"],
    )
    .unwrap();
    let headers = sign_response(
        keys.antom_private_key(),
        pay,
        CLIENT_ID,
        NOW_MS,
        body.as_bytes(),
        1,
    )
    .unwrap();
    let response = client
        .verify_response(pay, &headers, body.as_bytes())
        .unwrap();
    assert_eq!(response.outcome, Outcome::Pending);
    // A tampered reply is refused.
    let tampered = body.replace("PAYMENT_IN_PROCESS", "SUCCESS");
    let error = client
        .verify_response(pay, &headers, tampered.as_bytes())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::SignatureMismatch);
    assert!(sample_response::<&str>("payments.nope", "S", &[]).is_err());
    assert!(sample_response::<&str>("payments.pay", "X", &[]).is_err());
}

#[test]
fn overrides_set_dotted_fields_as_json_or_text() {
    let mut body = json!({"refundAmount": {"value": "1"}});
    set_field(&mut body, "refundAmount.value=500").unwrap();
    set_field(&mut body, "refundStatus=FAIL").unwrap();
    set_field(&mut body, "a.b.c=true").unwrap();
    assert_eq!(body["refundAmount"]["value"], "500");
    assert_eq!(body["refundStatus"], "FAIL");
    assert_eq!(body["a"]["b"]["c"], true);
    set_field(&mut body, r#"refundAmount={"currency":"EUR","value":"5"}"#).unwrap();
    assert_eq!(
        body["refundAmount"],
        json!({"currency": "EUR", "value": "5"})
    );
    set_field(&mut body, "x=null").unwrap();
    assert!(body["x"].is_null());
    for bad in ["novalue", "refundStatus.x=1", "a..b=1"] {
        let error = set_field(&mut body, bad).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{bad}");
    }
    assert_eq!(
        testing::render(&json!({"b": 1, "result": {}})),
        r#"{"result":{},"b":1}"#
    );
}
