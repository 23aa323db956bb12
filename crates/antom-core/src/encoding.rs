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
    // The runs between escapes are copied whole: a signature has a few dozen escapes. A
    // value of usual length is decoded on the stack.
    let mut stack = [0u8; STACK_VALUE_LEN];
    let mut heap = Vec::new();
    let decoded: &mut [u8] = match stack.get_mut(..value.len()) {
        Some(on_stack) => on_stack,
        None => {
            heap.resize(value.len(), 0);
            &mut heap
        }
    };
    let mut len = 0;
    let mut rest = value;
    // str::find scans a word at a time.
    while let Some(at) = rest.find('%') {
        let (run, escape) = rest.split_at(at);
        let (run, escape) = (run.as_bytes(), escape.as_bytes());
        let hi = escape.get(1).and_then(|h| hex_value(*h));
        let lo = escape.get(2).and_then(|l| hex_value(*l));
        let (Some(hi), Some(lo)) = (hi, lo) else {
            return Err(Error::malformed_signature(
                "the signature has a '%' that is not followed by two hex digits",
            ));
        };
        // Each run or escape shortens the rest at least as much as it fills: it always fits.
        if !put(decoded, &mut len, run) || !put(decoded, &mut len, &[hi << 4 | lo]) {
            return Err(Error::malformed_signature("the signature is too long"));
        }
        // Two ASCII hex digits follow the '%': index 3 is a character boundary.
        rest = rest.get(at + 3..).unwrap_or_default();
    }
    if !put(decoded, &mut len, rest.as_bytes()) {
        return Err(Error::malformed_signature("the signature is too long"));
    }
    let decoded = decoded.get(..len).unwrap_or_default();
    STANDARD.decode(decoded).map_err(|_| {
        Error::malformed_signature(
            "the signature is not standard padded base64 (after percent-decoding)",
        )
    })
}

/// Copies `bytes` into `buf` at `*at` and moves `*at` past them; false when they do not fit.
fn put(buf: &mut [u8], at: &mut usize, bytes: &[u8]) -> bool {
    let Some(slot) = buf.get_mut(*at..*at + bytes.len()) else {
        return false;
    };
    slot.copy_from_slice(bytes);
    *at += bytes.len();
    true
}

/// The longest signature value percent-decoded on the stack: an RSA-2048 signature is 344
/// base64 characters, a few dozen of them escaped.
const STACK_VALUE_LEN: usize = 512;

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

    /// A value decoded on the stack and one too long for it (every character escaped) give
    /// the same bytes.
    #[test]
    fn decodes_long_values_as_short_ones() {
        let raw: Vec<u8> = (0..=255).collect();
        let plain = STANDARD.encode(&raw);
        let escaped: String = plain.bytes().map(|b| format!("%{b:02X}")).collect();
        assert!(plain.len() <= STACK_VALUE_LEN && escaped.len() > STACK_VALUE_LEN);
        assert_eq!(decode_signature(&plain, 256).ok(), Some(raw.clone()));
        assert_eq!(decode_signature(&escaped, 256).ok(), Some(raw.clone()));
        assert_eq!(
            decode_signature(&encode_signature(&raw), 256).ok(),
            Some(raw)
        );
        assert!(decode_signature(&format!("{escaped}%"), 256).is_err());
    }

    #[test]
    fn rejects_broken_escapes_and_bad_base64() {
        for bad in ["", "%", "%2", "%zz", "ab c", "-_8=", "+/8"] {
            assert!(decode_signature(bad, 256).is_err(), "{bad:?}");
        }
    }
}
