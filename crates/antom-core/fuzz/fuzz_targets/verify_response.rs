//! `Client::verify_response` on hostile responses.
//!
//! Input: `config 0xFF path 0xFF headers 0xFF body` (see `antom_core_fuzz::ConfigText` and
//! `antom_core_fuzz::headers`). Invariants:
//! * an unsigned response is never `verified`, never success, and only ever `F`/`U` with next
//!   action INQUIRE; an unsigned `S` body is always refused;
//! * a verified response is exactly the bytes given, its headers had a signature, and the
//!   same response with its signature headers removed, or with one byte more of body, is
//!   never verified;
//! * an unverified response's outcome is always UNKNOWN; SUCCEEDED needs a verified `S`,
//!   FAILED a verified `S` or `F`;
//! * error messages never echo 25 bytes of the input (body, signature, headers).
#![no_main]

use antom_core::{ErrorCode, NextAction, Outcome, ResultStatus};
use antom_core_fuzz::{ConfigText, assert_no_long_echo, fields, headers, text};
use libfuzzer_sys::fuzz_target;

fn is_signature_header(name: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case("signature") || name.eq_ignore_ascii_case("response-time")
}

fuzz_target!(|data: &[u8]| {
    let parts = fields(data);
    let [config, path, header_block, body, ..] = parts.as_slice() else {
        return;
    };
    let Ok(client) = ConfigText::parse(&text(config)).client() else {
        return;
    };
    let path = text(path);
    let headers = headers(header_block);

    match client.verify_response(&path, &headers, body) {
        Ok(response) => {
            assert_eq!(response.body.as_slice(), *body);
            if response.verified {
                assert!(headers.iter().any(|(n, _)| is_signature_header(n)));
                assert_eq!(response.next_action(), response.result_status.next_action());
                // The same response without its signature headers: never verified, never S.
                let stripped: Vec<(String, String)> = headers
                    .iter()
                    .filter(|(n, _)| !is_signature_header(n))
                    .cloned()
                    .collect();
                match client.verify_response(&path, &stripped, body) {
                    Ok(unsigned) => {
                        assert!(!unsigned.verified);
                        assert_ne!(unsigned.result_status, ResultStatus::Success);
                    }
                    Err(e) => assert_eq!(e.code(), ErrorCode::UnsignedResponse, "{e}"),
                }
                // One byte more of body: the signature no longer matches.
                let mut tampered = body.to_vec();
                tampered.push(b' ');
                let e = client
                    .verify_response(&path, &headers, &tampered)
                    .expect_err("a tampered body must not verify");
                assert!(
                    matches!(
                        e.code(),
                        ErrorCode::SignatureMismatch | ErrorCode::InvalidInput
                    ),
                    "{e}"
                );
            } else {
                assert!(
                    matches!(
                        response.result_status,
                        ResultStatus::Failed | ResultStatus::Unknown
                    ),
                    "{response:?}"
                );
                assert_eq!(response.next_action(), NextAction::Inquire);
                assert!(!response.is_success());
                // Unverified: never a final outcome.
                assert_eq!(response.outcome, Outcome::Unknown);
            }
            // The verifying key is named exactly when the response was verified.
            assert_eq!(response.verified_by.is_some(), response.verified);
            // Succeeded needs a verified S; Failed a verified S or F (never a U).
            if response.outcome == Outcome::Succeeded {
                assert!(response.verified && response.result_status == ResultStatus::Success);
            }
            if response.outcome == Outcome::Failed {
                assert!(response.verified && response.result_status != ResultStatus::Unknown);
            }
            // Debug shows the body's length only.
            assert_eq!(
                format!("{response:?}"),
                format!(
                    "ApiResponse {{ verified: {}, result_status: {:?}, result_code: {:?}, \
                     next_action: {:?}, outcome: {:?}, verified_by: {:?}, body: \"<{} bytes>\" }}",
                    response.verified,
                    response.result_status,
                    response.result_code,
                    response.next_action(),
                    response.outcome,
                    response.verified_by,
                    body.len()
                )
            );
        }
        Err(e) => {
            assert_no_long_echo(e.message(), data, 25, "verify_response error");
        }
    }
});
