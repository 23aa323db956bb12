//! criterion benchmarks of the hot paths. BENCHMARKS.md records them beside
//! `openssl speed rsa2048` from the same run (`make bench`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use antom_core::{
    Client, ClientConfig, PrivateKey, PublicKey, RsaEngine, SignedContent, content_to_sign,
};
use criterion::{Criterion, criterion_group, criterion_main};

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
const MERCHANT_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.public.spki.b64");
const ANTOM: &str = include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.private.pkcs8.b64");
const ANTOM_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");
const CLIENT_ID: &str = "SANDBOX_5X00000000000000";

fn body(size: usize) -> String {
    let filler = "x".repeat(size.saturating_sub(80));
    format!(
        r#"{{"result":{{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"{filler}"}}}}"#
    )
}

fn benches(c: &mut Criterion) {
    let key = PrivateKey::parse(MERCHANT).unwrap();
    let public = PublicKey::parse(MERCHANT_PUBLIC).unwrap();
    let content = content_to_sign(
        "POST",
        "/ams/api/v1/payments/pay",
        CLIENT_ID,
        "1685599933871",
        &body(1024),
    );
    let signature = key.sign(&content).unwrap();

    c.bench_function("parse_private_key", |b| {
        b.iter(|| PrivateKey::parse(black_box(MERCHANT)).unwrap())
    });
    c.bench_function("parse_public_key", |b| {
        b.iter(|| PublicKey::parse(black_box(ANTOM_PUBLIC)).unwrap())
    });
    c.bench_function("sign_1kb", |b| {
        b.iter(|| key.sign(black_box(&content)).unwrap())
    });
    c.bench_function("verify_1kb", |b| {
        b.iter(|| {
            public
                .verify(black_box(&content), black_box(&signature))
                .unwrap()
        })
    });

    let client = Client::new(ClientConfig::new(
        CLIENT_ID,
        key.clone(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap();
    let request_body = body(1024);
    c.bench_function("prepare_1kb", |b| {
        b.iter(|| {
            client
                .prepare(
                    black_box("v1/payments/pay"),
                    black_box(&request_body),
                    1685599933871,
                )
                .unwrap()
        })
    });

    let antom = PrivateKey::parse(ANTOM).unwrap();
    let path = "/ams/sandbox/api/v1/payments/pay";
    for size in [1024, 20 * 1024] {
        let response = body(size);
        let time = "2025-05-19T01:52:32Z";
        let sig = antom
            .sign(&content_to_sign("POST", path, CLIENT_ID, time, &response))
            .unwrap();
        let headers = [
            ("client-id".to_owned(), CLIENT_ID.to_owned()),
            ("response-time".to_owned(), time.to_owned()),
            (
                "signature".to_owned(),
                format!("algorithm=RSA256,keyVersion=1,signature={sig}"),
            ),
        ];
        c.bench_function(&format!("verify_response_{}kb", size / 1024), |b| {
            b.iter(|| {
                client
                    .verify_response(path, black_box(&headers), black_box(response.as_bytes()))
                    .unwrap()
            })
        });
    }
}

/// An engine that takes every signature as valid: what the rules cost beyond the RSA step.
struct AcceptAll;

impl RsaEngine for AcceptAll {
    fn sign(&self, _: &PrivateKey, _: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        Ok(Vec::new())
    }

    fn verify(&self, _: &PublicKey, _: &SignedContent<'_>, signature: &[u8]) -> bool {
        !signature.is_empty()
    }
}

/// `verify_notification_with` on the notification of `make bench-node` (140 bytes, the three
/// signed headers among eight a node:http server hands over), RSA left out.
fn notification_rules(c: &mut Criterion) {
    let antom = PrivateKey::parse(ANTOM).unwrap();
    let client = Client::new(ClientConfig::verify_only(
        CLIENT_ID,
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap();
    let body = r#"{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"order-42"}"#;
    let time = "1700000000000";
    let sig = antom
        .sign(&content_to_sign(
            "POST",
            "/antom/notify",
            CLIENT_ID,
            time,
            body,
        ))
        .unwrap();
    let signature = format!("algorithm=RSA256,keyVersion=1,signature={sig}");
    let headers = [
        ("host", "127.0.0.1:8080"),
        ("user-agent", "Antom-Notify/1.0"),
        ("content-type", "application/json"),
        ("content-length", "140"),
        ("connection", "keep-alive"),
        ("client-id", CLIENT_ID),
        ("request-time", time),
        ("signature", signature.as_str()),
    ];
    c.bench_function("verify_notification_rules", |b| {
        b.iter(|| {
            client
                .verify_notification_with(
                    &AcceptAll,
                    "/antom/notify",
                    black_box(&headers),
                    black_box(body.as_bytes()),
                )
                .unwrap()
        })
    });
}

criterion_group!(core, benches, notification_rules);
criterion_main!(core);
