//! criterion benchmarks of the hot paths. BENCHMARKS.md records them beside
//! `openssl speed rsa2048` from the same run (`make bench`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use antom_core::{Client, ClientConfig, PrivateKey, PublicKey, content_to_sign};
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

criterion_group!(core, benches);
criterion_main!(core);
