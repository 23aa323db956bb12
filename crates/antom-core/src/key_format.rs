//! Naming a key's encoding for diagnostics (`antom keys check`), without key material.

use crate::pem::{KNOWN_LABELS, KeyText, decode_key_text};

/// A human description of how a key is encoded: `PEM "PRIVATE KEY", PKCS#8 PrivateKeyInfo`,
/// `base64, X.509 SubjectPublicKeyInfo ...`, `DER, PKCS#1 RSAPublicKey`. It names only the
/// container, a known PEM label and the ASN.1 structure: never any part of the key, and never
/// a PEM label other than the standard ones (a malformed BEGIN line can hold key material).
///
/// `bytes` is the key file's content: text (PEM or base64) or binary DER.
pub fn describe_key_format(bytes: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return format!("DER, {}", der_kind(bytes));
    };
    match decode_key_text(text) {
        Ok(KeyText { label: None, der }) => format!("base64, {}", der_kind(&der)),
        Ok(KeyText {
            label: Some(label),
            der,
        }) => match KNOWN_LABELS.iter().find(|known| **known == label) {
            Some(known) => format!("PEM \"{known}\", {}", der_kind(&der)),
            None => format!("PEM (unknown label), {}", der_kind(&der)),
        },
        Err(_) if text.contains("-----BEGIN") => "PEM that cannot be decoded".to_owned(),
        Err(_) => "neither PEM nor base64 (nor DER)".to_owned(),
    }
}

/// Names the ASN.1 structure from its first elements (enough to tell the RSA forms apart).
fn der_kind(der: &[u8]) -> &'static str {
    let Some(inner) = sequence_content(der) else {
        return "unrecognised structure";
    };
    match inner {
        // version INTEGER 0, then AlgorithmIdentifier SEQUENCE: PKCS#8 PrivateKeyInfo
        [0x02, 0x01, 0x00, 0x30, ..] => "PKCS#8 PrivateKeyInfo",
        [0x02, 0x01, 0x01, 0x30, ..] => "PKCS#8 OneAsymmetricKey",
        // version INTEGER 0, then the modulus INTEGER: PKCS#1 RSAPrivateKey
        [0x02, 0x01, 0x00, 0x02, ..] => "PKCS#1 RSAPrivateKey",
        // AlgorithmIdentifier SEQUENCE first: SubjectPublicKeyInfo (or encrypted PKCS#8)
        [0x30, ..] => "X.509 SubjectPublicKeyInfo (or an encrypted PKCS#8 container)",
        // the modulus INTEGER first: PKCS#1 RSAPublicKey
        [0x02, ..] => "PKCS#1 RSAPublicKey",
        _ => "unrecognised structure",
    }
}

fn sequence_content(der: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = der.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&len, rest) = rest.split_first()?;
    if len < 0x80 {
        return Some(rest);
    }
    rest.get(usize::from(len & 0x7f)..)
}

#[cfg(test)]
mod tests {
    use super::describe_key_format;

    #[test]
    fn never_echoes_an_unknown_label_or_the_key() {
        let key = include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
        let key = key.trim();
        let described = describe_key_format(format!("-----BEGIN {key}-----").as_bytes());
        assert!(
            !described.contains(key.get(..24).unwrap_or_default()),
            "{described}"
        );
        let label = "PRIVATE KEY";
        let pem = format!("-----BEGIN {label}----\n{key}\n-----END {label}-----");
        let described = describe_key_format(pem.as_bytes());
        assert!(
            !described.contains(key.get(..24).unwrap_or_default()),
            "{described}"
        );
        assert_eq!(
            describe_key_format(key.as_bytes()),
            "base64, PKCS#8 PrivateKeyInfo"
        );
    }
}
