//! The unsigned meter event upload (antom_core::meter).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use antom_core::meter::{UPLOAD_EVENT_PATH, prepare_event_upload, read_event_reply};
use antom_core::{Client, ClientConfig, ErrorCode, Outcome, PrivateKey, PublicKey, endpoint};

const MERCHANT: &str =
    include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
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

#[test]
fn the_event_upload_is_unsigned_with_the_session_and_never_rewritten_for_the_sandbox() {
    for id in ["SANDBOX_5X00000000000000", "5X00000000000000"] {
        let c = client(id);
        let body = r#"{"meterId":"m-1","events":[{"value":"3"}]}"#;
        let upload = prepare_event_upload(&c, "session-1", body).unwrap();
        assert_eq!(
            upload.url,
            format!("{}{UPLOAD_EVENT_PATH}", c.gateway_url())
        );
        assert_eq!(
            upload.url.matches("/ams/api/v1/meter/uploadEvent").count(),
            1
        );
        assert!(!upload.url.contains("sandbox"));
        let names: Vec<&str> = upload.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Content-Type", "Accept", "X-Session-Id"]);
        assert_eq!(upload.headers[2].1, "session-1");
        assert_eq!(upload.body, body);
        assert!(upload.http2);
    }
    // The catalogue agrees: unsigned reply, event-stream transport, no sandbox.
    let meter = endpoint("meter.uploadEvent").unwrap();
    assert_eq!(meter.path, UPLOAD_EVENT_PATH);
    assert!(!meter.signed_reply && !meter.sandbox);
    assert_eq!(meter.transport, antom_core::Transport::EventStream);
    assert_eq!(meter.outcome, antom_core::OutcomeRule::Unsigned);
}

#[test]
fn a_bad_session_or_body_is_refused() {
    let c = client("5X00000000000000");
    for (session, body) in [
        ("", "{}"),
        ("  ", "{}"),
        ("a\r\nX-Evil: 1", "{}"),
        ("s", "[]"),
        ("s", "not json"),
    ] {
        let error = prepare_event_upload(&c, session, body).unwrap_err();
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{session:?} {body:?}"
        );
    }
}

#[test]
fn an_unsigned_reply_is_reported_unverified_and_never_final() {
    for status in ["S", "F", "U"] {
        let body = format!(r#"{{"result":{{"resultCode":"X","resultStatus":"{status}"}}}}"#);
        let reply = read_event_reply(body.as_bytes()).unwrap();
        assert!(!reply.verified);
        assert_eq!(reply.outcome, Outcome::Unknown);
        assert_eq!(reply.result_status.as_deref(), Some(status));
        assert_eq!(reply.body, body);
    }
    for bad in [&b"not json"[..], b"{}", b"{\"result\":\"S\"}", b"\xff"] {
        assert_eq!(
            read_event_reply(bad).unwrap_err().code(),
            ErrorCode::InvalidInput
        );
    }
}

#[test]
fn verify_response_refuses_an_event_upload_reply_and_names_read_event_reply() {
    let body = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#;
    let signed_looking = [
        ("signature", "algorithm=RSA256,keyVersion=1,signature=AAAA"),
        ("response-time", "2026-01-01T00:00:00Z"),
        ("client-id", "5X00000000000000"),
    ];
    let none: [(&str, &str); 0] = [];
    for id in ["SANDBOX_5X00000000000000", "5X00000000000000"] {
        let c = client(id);
        for api in [UPLOAD_EVENT_PATH, "v1/meter/uploadEvent"] {
            for err in [
                c.verify_response(api, &none, body).unwrap_err(),
                c.verify_response(api, &signed_looking, body).unwrap_err(),
            ] {
                assert_eq!(err.code(), ErrorCode::InvalidInput);
                assert!(err.to_string().contains("read_event_reply"), "{err}");
                assert!(!err.to_string().contains("SUCCESS"), "{err}");
            }
        }
    }
}
