//! Turning key text (PEM, bare base64, with stray whitespace) into DER bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// What the key text looked like, before its DER was interpreted.
pub(crate) struct KeyText {
    /// The PEM label (`PRIVATE KEY`, `RSA PUBLIC KEY`, ...) or `None` for bare base64.
    pub label: Option<String>,
    /// The decoded bytes. Zeroized on drop because they may hold a private key.
    pub der: Zeroizing<Vec<u8>>,
}

/// Decodes key text: one PEM block (text around it is ignored) or bare base64.
///
/// Whitespace of any kind may appear anywhere inside the base64. Errors are `INVALID_KEY`
/// and never echo the input.
pub(crate) fn decode_key_text(text: &str) -> Result<KeyText> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid_key("the key text is empty"));
    }
    match text.find("-----BEGIN ") {
        Some(start) => decode_pem(text.get(start..).unwrap_or_default()),
        None => Ok(KeyText {
            label: None,
            der: decode_base64(text)?,
        }),
    }
}

/// Longest PEM label accepted (`ENCRYPTED PRIVATE KEY` has 21 characters).
const MAX_LABEL_LEN: usize = 40;

/// Labels that may be named in an error message; any other label is never echoed, since a
/// malformed BEGIN line can hold key material.
pub(crate) const KNOWN_LABELS: [&str; 8] = [
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "EC PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "PUBLIC KEY",
    "RSA PUBLIC KEY",
    "CERTIFICATE",
];

fn decode_pem(pem: &str) -> Result<KeyText> {
    let after_begin = pem.get("-----BEGIN ".len()..).unwrap_or_default();
    // The label comes from the BEGIN line only: never read across a line break, where the
    // base64 body (or the END line) would be taken for a label.
    let line_end = after_begin.find(['\n', '\r']).unwrap_or(after_begin.len());
    let begin_line = after_begin.get(..line_end).unwrap_or_default().trim_end();
    let label = begin_line
        .strip_suffix("-----")
        .map(str::trim)
        .filter(|label| is_label(label))
        .ok_or_else(|| {
            Error::invalid_key(
                "the PEM BEGIN line is malformed: expected -----BEGIN <LABEL>----- on a line \
                 of its own, e.g. -----BEGIN PUBLIC KEY-----",
            )
        })?
        .to_owned();
    let rest = after_begin.get(line_end..).unwrap_or_default();
    let end_marker = format!("-----END {label}-----");
    let Some(body_end) = rest.find(&end_marker) else {
        return Err(Error::invalid_key(
            match KNOWN_LABELS.contains(&label.as_str()) {
                true => format!("the PEM block has no matching \"-----END {label}-----\" line"),
                false => "the PEM block has no END line matching its BEGIN line".to_owned(),
            },
        ));
    };
    let body = rest.get(..body_end).unwrap_or_default();
    if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
        return Err(Error::invalid_key(
            "the key is encrypted (legacy PEM encryption); export it unencrypted as PKCS#8 \
             (openssl pkcs8 -topk8 -nocrypt) and keep it in a secret store instead",
        ));
    }
    Ok(KeyText {
        label: Some(label),
        der: decode_base64(body)?,
    })
}

/// A PEM label: 1 to 40 upper-case letters, digits and single inner spaces.
fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
        && !label.contains("  ")
}

fn decode_base64(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    let compact: Zeroizing<Vec<u8>> =
        Zeroizing::new(text.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
    if compact.is_empty() {
        return Err(Error::invalid_key("the key text contains no base64 data"));
    }
    STANDARD.decode(&*compact).map(Zeroizing::new).map_err(|_| {
        Error::invalid_key(
            "the key is neither PEM nor valid base64 (expected the one-line base64 key from \
             the Antom Dashboard, or a PEM block)",
        )
    })
}
