//! The `Signature` header: `algorithm=RSA256,keyVersion=1,signature=...`.

use std::fmt;

use crate::error::{Error, Result};

/// The only algorithm label Antom defines (RSASSA-PKCS1-v1_5 with SHA-256).
pub const ALGORITHM_RSA256: &str = "RSA256";

/// Longest `Signature` header value accepted, in bytes. A 4096-bit signature, base64 and
/// percent-encoded, is under 1 KiB.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 4096;

/// Most items accepted in a `Signature` header (Antom sends three).
pub const MAX_SIGNATURE_HEADER_ITEMS: usize = 8;

/// A parsed `Signature` header.
///
/// Parsing tolerates spaces around items (the docs show `, ` separators), any item order and
/// unknown items; it rejects duplicates, a missing or empty `signature`, a missing
/// `algorithm` (the header grammar requires it), any algorithm other than `RSA256`, a value
/// over [`MAX_SIGNATURE_HEADER_LEN`] bytes and more than [`MAX_SIGNATURE_HEADER_ITEMS`] items
/// (parsing runs before anything is authenticated, so its cost is bounded). Formatting
/// (`Display`) always writes the compact form every official SDK sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The `keyVersion` item, if present.
    pub key_version: Option<u32>,
    /// The `signature` item exactly as written (normally percent-encoded base64).
    pub signature: String,
}

impl SignatureHeader {
    /// A header for a freshly computed signature value.
    pub fn new(key_version: u32, signature: impl Into<String>) -> SignatureHeader {
        SignatureHeader {
            key_version: Some(key_version),
            signature: signature.into(),
        }
    }

    /// The algorithm label; always `RSA256` (anything else is refused by [`parse`](Self::parse)).
    pub fn algorithm(&self) -> &'static str {
        ALGORITHM_RSA256
    }

    /// Parses a `Signature` header value.
    ///
    /// # Errors
    /// `MALFORMED_SIGNATURE` for an empty or over-long header, too many items, an item
    /// without `=`, a duplicate item, a non-numeric `keyVersion`, a missing `algorithm` or a
    /// missing/empty `signature`; `UNSUPPORTED_ALGORITHM` for an `algorithm` other than
    /// `RSA256`.
    pub fn parse(value: &str) -> Result<SignatureHeader> {
        if value.trim_matches(is_space).is_empty() {
            return Err(Error::malformed_signature("the Signature header is empty"));
        }
        if value.len() > MAX_SIGNATURE_HEADER_LEN {
            return Err(Error::malformed_signature(format!(
                "the Signature header is {} bytes; at most {MAX_SIGNATURE_HEADER_LEN} are accepted",
                value.len()
            )));
        }
        // The items, split once; too many are refused before any is read.
        let mut items = [""; MAX_SIGNATURE_HEADER_ITEMS];
        let mut count = 0;
        for item in value.split(',') {
            let Some(slot) = items.get_mut(count) else {
                return Err(Error::malformed_signature(format!(
                    "the Signature header has more than {MAX_SIGNATURE_HEADER_ITEMS} items"
                )));
            };
            *slot = item;
            count += 1;
        }
        // The item names so far (at most MAX_SIGNATURE_HEADER_ITEMS, checked above).
        let mut seen = [""; MAX_SIGNATURE_HEADER_ITEMS];
        let mut named = 0;
        let mut algorithm = None;
        let mut key_version = None;
        let mut signature = None;
        for item in items.iter().take(count) {
            let item = item.trim_matches(is_space);
            let Some((key, val)) = item.split_once('=') else {
                return Err(Error::malformed_signature(
                    "a Signature header item is not of the form key=value",
                ));
            };
            if key.is_empty() {
                return Err(Error::malformed_signature(
                    "a Signature header item has an empty name",
                ));
            }
            if seen.iter().take(named).any(|name| *name == key) {
                // Never echo the item: with a malformed header it can be a signature value.
                return Err(Error::malformed_signature(
                    "the Signature header repeats an item (each of algorithm, keyVersion, \
                     signature and any other item may appear once)",
                ));
            }
            if let Some(slot) = seen.get_mut(named) {
                *slot = key;
                named += 1;
            }
            match key {
                "algorithm" => algorithm = Some(val),
                "keyVersion" => key_version = Some(parse_key_version(val)?),
                "signature" => signature = Some(val),
                _ => {}
            }
        }
        match algorithm {
            Some(ALGORITHM_RSA256) => {}
            Some(_) => {
                return Err(Error::unsupported_algorithm(
                    "the Signature header names an algorithm other than RSA256, the only one \
                     Antom uses",
                ));
            }
            None => {
                return Err(Error::malformed_signature(
                    "the Signature header has no algorithm=... item (expected algorithm=RSA256)",
                ));
            }
        }
        match signature {
            Some(signature) if !signature.is_empty() => Ok(SignatureHeader {
                key_version,
                signature: signature.to_owned(),
            }),
            _ => Err(Error::malformed_signature(
                "the Signature header has no signature=... item",
            )),
        }
    }
}

impl fmt::Display for SignatureHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "algorithm={ALGORITHM_RSA256},")?;
        if let Some(version) = self.key_version {
            write!(f, "keyVersion={version},")?;
        }
        write!(f, "signature={}", self.signature)
    }
}

fn parse_key_version(value: &str) -> Result<u32> {
    let digits_only =
        !value.is_empty() && value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit());
    match digits_only.then(|| value.parse::<u32>().ok()).flatten() {
        Some(version) => Ok(version),
        None => Err(Error::malformed_signature(
            "keyVersion in the Signature header must be a decimal number (at most 4294967295)",
        )),
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(extra: usize, first: &str) -> String {
        let mut items = vec![first.to_owned(), "keyVersion=1".to_owned()];
        items.extend((0..extra).map(|i| format!("x{i}=y")));
        items.push("signature=abc".to_owned());
        items.join(",")
    }

    #[test]
    fn takes_up_to_the_item_limit_and_refuses_one_more_before_reading_any() {
        let at_limit = header(MAX_SIGNATURE_HEADER_ITEMS - 3, "algorithm=RSA256");
        let parsed = SignatureHeader::parse(&at_limit).map(|h| (h.key_version, h.signature));
        assert_eq!(parsed.ok(), Some((Some(1), "abc".to_owned())));
        // One item more is refused as too many, even when an earlier item is malformed.
        for first in ["algorithm=RSA256", "malformed"] {
            let over = header(MAX_SIGNATURE_HEADER_ITEMS - 2, first);
            let err = SignatureHeader::parse(&over)
                .err()
                .map(|e| e.message().to_owned());
            assert_eq!(
                err.as_deref(),
                Some("the Signature header has more than 8 items"),
                "{over}"
            );
        }
    }

    #[test]
    fn refuses_a_repeated_item_among_many() {
        let repeated = "algorithm=RSA256,a=1,b=2,c=3,d=4,a=5,signature=abc";
        let err = SignatureHeader::parse(repeated).err().map(|e| e.code());
        assert_eq!(err, Some(crate::ErrorCode::MalformedSignature));
    }
}
