//! The signature value's wire encoding: standard base64, then percent-encoding.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, Result};

/// Standard padded base64, then every non-alphanumeric byte (`+`, `/`, `=`) as `%XX` with
/// upper-case hex — the form every official SDK sends and Antom itself returns.
pub(crate) fn encode_signature(raw: &[u8]) -> String {
    utf8_percent_encode(&STANDARD.encode(raw), NON_ALPHANUMERIC).to_string()
}

/// Percent-decodes (either hex case; `+` stays `+`), then strictly base64-decodes.
///
/// A raw, unencoded base64 value passes through the first step unchanged, so both forms
/// are accepted. A value longer than any encoding of `modulus_len` bytes could be is refused
/// before it is decoded.
pub(crate) fn decode_signature(value: &str, modulus_len: usize) -> Result<Vec<u8>> {
    if value.is_empty() {
        return Err(Error::malformed_signature("the signature value is empty"));
    }
    // Every base64 character percent-encoded: 3 bytes each, 4 characters per 3 bytes.
    let longest = modulus_len.div_ceil(3).saturating_mul(12);
    if value.len() > longest {
        return Err(Error::malformed_signature(format!(
            "the signature value is {} characters; a signature of {modulus_len} bytes needs \
             at most {longest}",
            value.len()
        )));
    }
    // The runs between escapes are copied whole: a signature has a few dozen escapes.
    let mut decoded = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        let (run, escape) = rest.split_at(at);
        decoded.extend_from_slice(run);
        let hi = escape.get(1).and_then(|h| hex_value(*h));
        let lo = escape.get(2).and_then(|l| hex_value(*l));
        let (Some(hi), Some(lo)) = (hi, lo) else {
            return Err(Error::malformed_signature(
                "the signature has a '%' that is not followed by two hex digits",
            ));
        };
        decoded.push(hi << 4 | lo);
        rest = escape.get(3..).unwrap_or_default();
    }
    decoded.extend_from_slice(rest);
    STANDARD.decode(&decoded).map_err(|_| {
        Error::malformed_signature(
            "the signature is not standard padded base64 (after percent-decoding)",
        )
    })
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_only_base64_punctuation_with_upper_case_hex() {
        assert_eq!(encode_signature(&[0xfb, 0xff]), "%2B%2F8%3D");
    }

    #[test]
    fn decodes_both_hex_cases_and_raw_base64() {
        assert_eq!(
            decode_signature("%2b%2F8%3d", 2).ok(),
            Some(vec![0xfb, 0xff])
        );
        assert_eq!(decode_signature("+/8=", 2).ok(), Some(vec![0xfb, 0xff]));
    }

    #[test]
    fn rejects_broken_escapes_and_bad_base64() {
        for bad in ["", "%", "%2", "%zz", "ab c", "-_8=", "+/8"] {
            assert!(decode_signature(bad, 256).is_err(), "{bad:?}");
        }
    }
}
