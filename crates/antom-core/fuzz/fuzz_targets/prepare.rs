//! `Client::prepare` and `Client::resolve_path` on hostile configs, API paths and bodies.
//!
//! Input: `config 0xFF api 0xFF body 0xFF request_time`. The RSA operation runs on
//! `RecordingEngine` (no RSA: a digest-derived fake signature), so the protocol logic is
//! fuzzed at full speed and the signed bytes are checked exactly. Invariants:
//! * a resolved path is an `/ams/` path with no empty, dot or encoded segments, no
//!   whitespace, `?`, `#`, `%` or `\`; resolving it again gives it back; production never
//!   resolves to a sandbox path and sandbox never to `/ams/api/`;
//! * a prepared request is `POST` to gateway + path, carries the body unchanged (a JSON
//!   object), has the documented headers in order, and its signature is over exactly
//!   `POST path\nclient_id.request_time.body` and decodes from its `Signature` header;
//! * `Debug` of a prepared request redacts `Authorization` and `Agent-Token` and shows the
//!   body's length only; every error is `INVALID_INPUT`.
#![no_main]

use antom_core::{
    CONTENT_TYPE, Environment, ErrorCode, METHOD, SignatureHeader, SignedContent, redact_header,
};
use antom_core_fuzz::{ConfigText, RecordingEngine, fields, text};
use libfuzzer_sys::fuzz_target;

fn check_resolved(path: &str, environment: Environment) {
    assert!(path.starts_with("/ams/"), "{path}");
    let relative = &path[1..];
    assert!(!relative.contains("//"), "{path}");
    assert!(relative.split('/').all(|s| s != "." && s != ".."), "{path}");
    assert!(!relative.ends_with('/') || relative.len() > 1, "{path}");
    assert!(
        !path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '%' | '\\')),
        "{path:?}"
    );
    assert!(!path.contains("://"), "{path}");
    match environment {
        Environment::Production => assert!(!path.starts_with("/ams/sandbox/"), "{path}"),
        _ => assert!(!path.starts_with("/ams/api/"), "{path}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = fields(data);
    let [config_text, api, body, rest @ ..] = parts.as_slice() else {
        return;
    };
    let config = ConfigText::parse(&text(config_text));
    let Ok(client) = config.client() else {
        return;
    };
    let api = text(api);
    let request_time: u64 = rest
        .first()
        .and_then(|t| text(t).trim().parse().ok())
        .unwrap_or(0);
    let environment = client.environment();

    let resolved = client.resolve_path(&api);
    match &resolved {
        Ok(path) => {
            check_resolved(path, environment);
            assert_eq!(
                client.resolve_path(path).as_ref(),
                Ok(path),
                "not idempotent"
            );
        }
        Err(e) => assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}"),
    }

    let engine = RecordingEngine::default();
    let prepared = client.prepare_with(&engine, &api, body, request_time);
    let request = match prepared {
        Ok(request) => request,
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
            return;
        }
    };
    assert!(!client.is_verify_only());
    assert!(body.len() <= client.max_body_bytes());
    let path = resolved.unwrap_or_else(|e| panic!("prepared an unresolvable path: {e}"));
    assert_eq!(request.path, path);
    assert_eq!(request.method, METHOD);
    assert_eq!(request.url, format!("{}{}", client.gateway_url(), path));
    assert_eq!(request.body.as_bytes(), *body);
    assert!(request.body.trim_start().starts_with('{'));
    let names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        request.headers[0],
        ("Content-Type".to_owned(), CONTENT_TYPE.to_owned())
    );
    let signed = engine.signed.borrow();

    if client.uses_api_key() {
        assert_eq!(names, ["Content-Type", "Authorization"]);
        assert_eq!(request.headers[1].1, format!("Bearer {}", config.api_key));
        assert!(signed.is_empty());
    } else {
        let time = request_time.to_string();
        let expected_names: &[&str] = match &config.agent_token {
            Some(_) => &[
                "Content-Type",
                "Client-Id",
                "Request-Time",
                "Signature",
                "Agent-Token",
            ],
            None => &["Content-Type", "Client-Id", "Request-Time", "Signature"],
        };
        assert_eq!(names, expected_names);
        assert_eq!(request.headers[1].1, client.client_id());
        assert_eq!(request.headers[2].1, time);
        if let Some(token) = &config.agent_token {
            assert_eq!(&request.headers[4].1, token);
        }
        // Exactly one signature, over exactly these bytes.
        let mut content = format!("POST {path}\n{}.{time}.", client.client_id()).into_bytes();
        content.extend_from_slice(body);
        assert_eq!(signed.len(), 1);
        assert!(signed[0] == content, "the signed content differs");
        let header = SignatureHeader::parse(&request.headers[3].1)
            .unwrap_or_else(|e| panic!("our own Signature header must parse: {e}"));
        assert_eq!(
            header.key_version,
            Some(config.key_version.parse().unwrap_or(1))
        );
        let verified = antom_core_fuzz::merchant_key()
            .public_key()
            .verify_content_with(
                &engine,
                &SignedContent::new(METHOD, &path, client.client_id(), &time, body),
                &header.signature,
            );
        assert_eq!(
            verified,
            Ok(true),
            "the Signature header does not carry the signature"
        );
    }

    // Debug: credentials redacted, body length only.
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), redact_header(n, v)))
        .collect();
    for (name, value) in &headers {
        if matches!(*name, "Authorization" | "Agent-Token") {
            assert_eq!(*value, "<redacted>");
        }
    }
    assert_eq!(
        format!("{request:?}"),
        format!(
            "PreparedRequest {{ method: {:?}, url: {:?}, headers: {:?}, body_len: {} }}",
            request.method,
            request.url,
            headers,
            body.len()
        )
    );
});
