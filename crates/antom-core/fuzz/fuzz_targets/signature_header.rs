//! The `Signature` header: `SignatureHeader::parse` on any text.
//!
//! Invariants: an accepted header is within the documented bounds, has a non-empty signature
//! with no `,`, and formats to a header that parses back to the same value; a refused one is
//! `MALFORMED_SIGNATURE` or `UNSUPPORTED_ALGORITHM` with a short message that never echoes
//! more than 24 characters of the input (item names and labels are shown shortened).
#![no_main]

use antom_core::{
    ErrorCode, MAX_SIGNATURE_HEADER_ITEMS, MAX_SIGNATURE_HEADER_LEN, SignatureHeader,
};
use antom_core_fuzz::assert_no_long_echo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    match SignatureHeader::parse(&value) {
        Ok(header) => {
            assert!(value.len() <= MAX_SIGNATURE_HEADER_LEN);
            assert!(value.split(',').count() <= MAX_SIGNATURE_HEADER_ITEMS);
            assert!(value.contains("algorithm"));
            assert!(!header.signature.is_empty());
            assert!(!header.signature.contains(','));
            assert!(value.contains(header.signature.as_str()));
            assert_eq!(header.algorithm(), "RSA256");
            let formatted = header.to_string();
            let again = SignatureHeader::parse(&formatted)
                .unwrap_or_else(|e| panic!("{formatted:?} must parse again: {e}"));
            assert_eq!(again, header);
            assert_eq!(again.to_string(), formatted);
        }
        Err(e) => {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::MalformedSignature | ErrorCode::UnsupportedAlgorithm
                ),
                "{e}"
            );
            let message = e.to_string();
            assert!(message.len() < 300, "{message}");
            assert!(!message.chars().any(char::is_control), "{message:?}");
            assert_no_long_echo(
                &message,
                value.as_bytes(),
                25,
                "SignatureHeader::parse error",
            );
        }
    }
});
