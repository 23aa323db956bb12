//! Property tests: no parser panics on any input, and sign → verify round-trips.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use antom_core::{
    Client, ClientConfig, PrivateKey, PublicKey, SignatureHeader, content_to_sign,
    from_minor_units, to_minor_units,
};
use proptest::prelude::*;

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
const ANTOM_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");

fn client() -> Client {
    Client::new(ClientConfig::new(
        "SANDBOX_5X00000000000000",
        PrivateKey::parse(MERCHANT).unwrap(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap()
}

fn header_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("signature".to_owned()),
        Just("Response-Time".to_owned()),
        Just("client-id".to_owned()),
        Just("request-time".to_owned()),
        ".{0,12}",
    ];
    prop::collection::vec((name, ".{0,64}"), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn key_parsers_never_panic(text in ".{0,300}", der in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = PrivateKey::parse(&text);
        let _ = PublicKey::parse(&text);
        let _ = PrivateKey::from_der(&der);
        let _ = PublicKey::from_der(&der);
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{text}\n-----END PRIVATE KEY-----");
        let _ = PrivateKey::parse(&pem);
    }

    #[test]
    fn signature_header_parser_never_panics_and_round_trips(text in ".{0,200}", version in any::<u32>(), value in "[A-Za-z0-9%]{1,80}") {
        let _ = SignatureHeader::parse(&text);
        let header = SignatureHeader::new(version, value.clone());
        let parsed = SignatureHeader::parse(&header.to_string()).unwrap();
        prop_assert_eq!(parsed.key_version, Some(version));
        prop_assert_eq!(parsed.signature, value);
    }

    #[test]
    fn amounts_never_panic_and_round_trip(amount in ".{0,24}", currency in "[A-Z]{3}|.{0,4}", units in "[1-9][0-9]{0,12}") {
        let _ = to_minor_units(&amount, &currency);
        let _ = from_minor_units(&amount, &currency);
        for currency in ["USD", "JPY", "KWD", "BHD"] {
            let decimal = from_minor_units(&units, currency).unwrap();
            prop_assert_eq!(to_minor_units(&decimal, currency).unwrap(), units.clone());
        }
    }

    #[test]
    fn verification_never_panics(path in ".{0,40}", headers in header_pairs(), body in prop::collection::vec(any::<u8>(), 0..200), sig in ".{0,400}") {
        let client = client();
        let _ = client.verify_response(&path, &headers, &body);
        let _ = client.verify_notification(&path, &headers, &body);
        let _ = client.prepare(&path, &body, 0);
        let _ = client.antom_public_key().verify(&path, &sig);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips(client_id in "[A-Z0-9_]{1,30}", time in "[0-9]{13}", body in ".{0,300}") {
        let key = PrivateKey::parse(MERCHANT).unwrap();
        let content = content_to_sign("POST", "/ams/api/v1/payments/pay", &client_id, &time, &body);
        let signature = key.sign(&content).unwrap();
        prop_assert!(key.public_key().verify(&content, &signature).unwrap());
        let tampered = format!("{content} ");
        prop_assert!(!key.public_key().verify(&tampered, &signature).unwrap());
    }
}
