//! The multipart upload of `billing.product.uploadImage` (antom_core::upload).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use antom_core::upload::{MAX_UPLOAD_BYTES, check_upload_size, prepare_upload, upload_host};
use antom_core::{ApiKey, Client, ClientConfig, ErrorCode, PrivateKey, PublicKey, content_to_sign};
use sha2::{Digest, Sha256};

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
const MERCHANT_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.public.spki.b64");
const ANTOM_PUBLIC: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");

fn client(client_id: &str) -> Client {
    Client::new(ClientConfig::new(
        client_id,
        PrivateKey::parse(MERCHANT).unwrap(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[test]
fn the_json_part_is_signed_and_the_file_goes_to_the_big_file_host() {
    let image = b"\x89PNG\r\n\x1a\n not really an image".to_vec();
    let upload = prepare_upload(
        &client("5X00000000000000"),
        "prod-1",
        "C:\\shots\\a\"b.png",
        "image/png",
        &image,
        1_700_000_000_000,
    )
    .unwrap();
    assert_eq!(upload.method, "POST");
    assert_eq!(upload.path, "/ams/api/v1/billing/product/uploadImage");
    assert_eq!(
        upload.url,
        "https://open-big-sea.alipay.com/ams/api/v1/billing/product/uploadImage"
    );
    // The signed part: productId and the file's SHA-256 in lowercase hex.
    let digest: String = Sha256::digest(&image)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        upload.signed_json,
        format!(r#"{{"productId":"prod-1","fileSha256":"{digest}"}}"#)
    );
    // ... signed as a request body is, over the resolved path and the request time.
    let signature = header(&upload.headers, "Signature");
    let value = signature.rsplit_once("signature=").unwrap().1;
    let content = content_to_sign(
        "POST",
        &upload.path,
        "5X00000000000000",
        header(&upload.headers, "Request-Time"),
        &upload.signed_json,
    );
    let merchant = PublicKey::parse(MERCHANT_PUBLIC).unwrap();
    assert!(merchant.verify(&content, value).unwrap());
    // The body: the JSON part, then the file in each of `file` and `imageFile`, whole.
    let content_type = header(&upload.headers, "Content-Type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = upload.body.clone();
    let text = String::from_utf8_lossy(&body);
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    assert_eq!(parts.len(), 5, "preamble, three parts, the closing");
    assert!(parts[1].contains("name=\"body\"") && parts[1].contains(&upload.signed_json));
    for (part, name) in parts[2..4].iter().zip(["file", "imageFile"]) {
        assert!(
            part.contains(&format!("name=\"{name}\"; filename=\"a_b.png\"")),
            "{part}"
        );
        assert!(part.contains("Content-Type: image/png"));
    }
    assert_eq!(parts[4], "--\r\n");
    let file_count = body
        .windows(image.len())
        .filter(|window| *window == image.as_slice())
        .count();
    assert_eq!(file_count, 2);
}

#[test]
fn a_sandbox_client_signs_the_sandbox_path() {
    let upload = prepare_upload(
        &client("SANDBOX_5X00000000000000"),
        "p",
        "a.jpg",
        "image/jpeg",
        b"jpeg",
        1,
    )
    .unwrap();
    assert_eq!(
        upload.path,
        "/ams/sandbox/api/v1/billing/product/uploadImage"
    );
    assert!(
        upload
            .url
            .starts_with("https://open-big-sea.alipay.com/ams/sandbox/")
    );
}

#[test]
fn what_cannot_be_uploaded_is_refused_before_anything_is_signed() {
    let c = client("5X00000000000000");
    let too_big = vec![0u8; usize::try_from(MAX_UPLOAD_BYTES).unwrap() + 1];
    for (product, file, content_type) in [
        ("p", &too_big[..], "image/png"),
        ("p", &b""[..], "image/png"),
        ("", &b"x"[..], "image/png"),
        (&"x".repeat(65)[..], &b"x"[..], "image/png"),
        ("p", &b"x"[..], "image/png\r\nX-Evil: 1"),
    ] {
        let error = prepare_upload(&c, product, "a.png", content_type, file, 1).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput);
    }
    assert!(check_upload_size(MAX_UPLOAD_BYTES).is_ok());
    assert!(check_upload_size(MAX_UPLOAD_BYTES + 1).is_err());
    let api_key = Client::new(ClientConfig::with_api_key(
        "SANDBOX_5X00000000000000",
        ApiKey::parse("irak_TEST_c2VjcmV0LWlk_s3cr3tPART").unwrap(),
        PublicKey::parse(ANTOM_PUBLIC).unwrap(),
    ))
    .unwrap();
    let error = prepare_upload(&api_key, "p", "a.png", "image/png", b"x", 1).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.message().contains("API-key"), "{}", error.message());
}

#[test]
fn each_region_has_its_big_file_host() {
    assert_eq!(
        upload_host("open-na-global.alipay.com"),
        Some("open-big-na.alipay.com")
    );
    assert_eq!(
        upload_host("open-de-global.alipay.com"),
        Some("open-big-de-global.alipay.com")
    );
    assert_eq!(upload_host("example.com"), None);
}
