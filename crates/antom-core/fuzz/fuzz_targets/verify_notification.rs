//! `Client::verify_notification` and `Client::verify_notification_fresh` on hostile
//! notifications.
//!
//! Input: `config 0xFF path 0xFF headers 0xFF body [0xFF now_ms,max_age_ms]`; with the fifth
//! part the freshness variant runs too. Invariants:
//! * a notification is accepted only with all three signed headers and this client's id;
//!   without its `signature` header, or with one byte more of body, it is refused;
//! * an accepted notification is exactly the bytes given, its `Debug` shows the body's length
//!   only, its dedup key has one of the two documented forms, and a final outcome comes only
//!   from a `PAYMENT_RESULT`, `CAPTURE_RESULT` or `REFUND_RESULT`;
//! * the freshness variant accepts only what the plain one accepts, and only a
//!   `request-time` (epoch milliseconds or ISO-8601 with a zone) within `max_age_ms` of `now_ms`;
//! * error messages never echo 25 bytes of the input.
#![no_main]

use antom_core::{ErrorCode, Freshness, Notification, Outcome};
use antom_core_fuzz::{ConfigText, assert_no_long_echo, fields, headers, text};
use libfuzzer_sys::fuzz_target;

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim_matches(|c| c == ' ' || c == '\t'))
}

fn check_accepted(n: &Notification, headers: &[(String, String)], body: &[u8], client_id: &str) {
    assert_eq!(n.body.as_slice(), body);
    assert_eq!(n.client_id, client_id);
    assert!(header(headers, "signature").is_some_and(|v| !v.is_empty()));
    assert_eq!(header(headers, "client-id"), Some(client_id));
    assert_eq!(
        header(headers, "request-time"),
        Some(n.request_time.as_str())
    );
    // A final outcome only from the notification types the rules read.
    if matches!(n.outcome, Outcome::Succeeded | Outcome::Failed) {
        assert!(
            matches!(
                n.notify_type.as_deref(),
                Some("PAYMENT_RESULT" | "CAPTURE_RESULT" | "REFUND_RESULT")
            ),
            "{n:?}"
        );
    }
    match n.dedup_key.strip_prefix("sha256:") {
        Some(hex) => assert!(
            hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{}",
            n.dedup_key
        ),
        None => {
            let prefix = format!("{}:", n.notify_type.as_deref().unwrap_or(""));
            assert!(n.dedup_key.starts_with(&prefix), "{}", n.dedup_key);
            assert!(n.dedup_key.contains('='), "{}", n.dedup_key);
        }
    }
    assert_eq!(
        format!("{n:?}"),
        format!(
            "Notification {{ notify_type: {:?}, result_status: {:?}, outcome: {:?}, \
             client_id: {:?}, request_time: {:?}, dedup_key: {:?}, verified_by: {:?}, \
             body: \"<{} bytes>\" }}",
            n.notify_type,
            n.result_status,
            n.outcome,
            n.client_id,
            n.request_time,
            n.dedup_key,
            n.verified_by,
            body.len()
        )
    );
}

fuzz_target!(|data: &[u8]| {
    let parts = fields(data);
    let [config, path, header_block, body, rest @ ..] = parts.as_slice() else {
        return;
    };
    let Ok(client) = ConfigText::parse(&text(config)).client() else {
        return;
    };
    let path = text(path);
    let headers = headers(header_block);

    let plain = client.verify_notification(&path, &headers, body);
    match &plain {
        Ok(n) => {
            check_accepted(n, &headers, body, client.client_id());
            let unsigned: Vec<(String, String)> = headers
                .iter()
                .filter(|(n, _)| !n.trim().eq_ignore_ascii_case("signature"))
                .cloned()
                .collect();
            let e = client
                .verify_notification(&path, &unsigned, body)
                .expect_err("a notification without its signature must be refused");
            assert_eq!(e.code(), ErrorCode::MissingHeader, "{e}");
            let mut tampered = body.to_vec();
            tampered.push(b' ');
            let e = client
                .verify_notification(&path, &headers, &tampered)
                .expect_err("a tampered body must not verify");
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::SignatureMismatch | ErrorCode::InvalidInput
                ),
                "{e}"
            );
        }
        Err(e) => assert_no_long_echo(e.message(), data, 25, "verify_notification error"),
    }

    let Some(freshness) = rest.first() else {
        return;
    };
    let freshness = text(freshness);
    let (now, max_age) = freshness.split_once(',').unwrap_or((&freshness, ""));
    let freshness = Freshness {
        now_ms: now.trim().parse().unwrap_or(0),
        max_age_ms: max_age.trim().parse().unwrap_or(0),
    };
    match client.verify_notification_fresh(&path, &headers, body, freshness) {
        Ok(n) => {
            assert_eq!(
                plain.as_ref().ok(),
                Some(&n),
                "fresh accepted what plain refused"
            );
            let time = antom_core::request_time_ms(&n.request_time).unwrap_or_else(|| {
                panic!("{:?} is neither epoch ms nor ISO-8601", n.request_time)
            });
            assert!(time.abs_diff(freshness.now_ms) <= freshness.max_age_ms);
        }
        Err(e) => {
            if plain.is_ok() {
                assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
            }
            assert_no_long_echo(e.message(), data, 25, "verify_notification_fresh error");
        }
    }
});
