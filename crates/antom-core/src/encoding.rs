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

    /// Percent-decoding written the plain way (one byte at a time, hex parsed by the standard
    /// library), then the `base64` crate's `STANDARD` engine: the reference the decoder,
    /// which copies the runs between escapes, must agree with.
    fn two_steps(value: &str, modulus_len: usize) -> Result<Vec<u8>> {
        if value.is_empty() || value.len() > modulus_len.div_ceil(3) * 12 {
            return decode_signature(value, modulus_len); // the length checks come first
        }
        let mut decoded = Vec::new();
        let mut bytes = value.bytes();
        while let Some(byte) = bytes.next() {
            if byte != b'%' {
                decoded.push(byte);
                continue;
            }
            let hex = [bytes.next(), bytes.next()];
            let text = hex
                .iter()
                .flatten()
                .map(|&b| char::from(b))
                .collect::<String>();
            match u8::from_str_radix(&text, 16) {
                Ok(value) if text.len() == 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    decoded.push(value)
                }
                _ => return Err(Error::malformed_signature("escape")),
            }
        }
        STANDARD
            .decode(&decoded)
            .map_err(|_| Error::malformed_signature("base64"))
    }

    /// The verdict of both, with the kind of error (escape or base64) told apart.
    fn verdict(result: Result<Vec<u8>>) -> std::result::Result<Vec<u8>, &'static str> {
        result.map_err(|error| {
            let message = error.to_string();
            if message.contains("escape") || message.contains("'%'") {
                "escape"
            } else if message.contains("base64") {
                "base64"
            } else {
                "length"
            }
        })
    }

    fn agree(value: &str) {
        assert_eq!(
            verdict(decode_signature(value, 256)),
            verdict(two_steps(value, 256)),
            "{value:?}"
        );
    }

    #[test]
    fn agrees_with_the_base64_crate_on_edge_cases() {
        let edges = [
            "QQ==",
            "QR==",
            "QUI=",
            "QUJ=",
            "QUJD",
            "Q===",
            "====",
            "QQ=",
            "QQ",
            "Q",
            "QQ==QQ==",
            "QUI=QUJD",
            "QQ=A",
            "=QQQ",
            "QQ==%3D",
            "QUJD%3d",
            "%51%55%4a%44",
            "QU%4",
            "QU%4G",
            "%",
            "!%zz",
            "QUJD!",
            "QUJD\u{e9}",
            "QUJD====",
            "QQ======",
            "%2B%2F8%3D",
            "+/8=",
            "-_8=",
            "ab c",
        ];
        for value in edges {
            agree(value);
        }
    }

    /// A value decoded on the stack and one too long for it (every character escaped) give
    /// the same bytes.
    #[test]
    fn decodes_long_values_as_short_ones() {
        let raw: Vec<u8> = (0..=255).collect();
        let plain = STANDARD.encode(&raw);
        let escaped: String = plain.bytes().map(|b| format!("%{b:02X}")).collect();
        assert!(plain.len() <= STACK_VALUE_LEN && escaped.len() > STACK_VALUE_LEN);
        agree(&escaped);
        assert_eq!(decode_signature(&plain, 256).ok(), Some(raw.clone()));
        assert_eq!(decode_signature(&escaped, 256).ok(), Some(raw.clone()));
        assert_eq!(
            decode_signature(&encode_signature(&raw), 256).ok(),
            Some(raw)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Any string over base64's characters, `=`, `%`, hex digits and a few others.
        #[test]
        fn agrees_with_the_base64_crate_on_any_value(
            value in "[A-Za-z0-9+/=%!_ \u{e9}-]{1,24}"
        ) {
            agree(&value);
        }

        /// Any bytes, base64-encoded, with any characters percent-encoded in either case,
        /// possibly with one character changed.
        #[test]
        fn agrees_with_the_base64_crate_on_encodings(
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            escape in proptest::collection::vec(0u8..4, 56),
            flip in proptest::option::of((0usize..56, proptest::prelude::any::<u8>())),
        ) {
            let mut plain = STANDARD.encode(&raw).into_bytes();
            if let Some((at, byte)) = flip {
                if let Some(slot) = plain.get_mut(at) {
                    *slot = byte;
                }
            }
            let value: String = plain
                .iter()
                .zip(escape.iter().chain(std::iter::repeat(&0)))
                .map(|(&b, &how)| match how {
                    1 => format!("%{b:02X}"),
                    2 => format!("%{b:02x}"),
                    _ => char::from(b).to_string(),
                })
                .collect();
            if !value.is_empty() {
                agree(&value);
            }
        }
    }

    #[test]
    fn rejects_broken_escapes_and_bad_base64() {
        for bad in ["", "%", "%2", "%zz", "ab c", "-_8=", "+/8"] {
            assert!(decode_signature(bad, 256).is_err(), "{bad:?}");
        }
    }
}
