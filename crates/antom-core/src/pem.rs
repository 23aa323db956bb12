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

fn decode_pem(pem: &str) -> Result<KeyText> {
    let after_begin = pem.get("-----BEGIN ".len()..).unwrap_or_default();
    let Some(label_end) = after_begin.find("-----") else {
        return Err(Error::invalid_key(
            "the PEM BEGIN line is not terminated by -----",
        ));
    };
    let label = after_begin
        .get(..label_end)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let rest = after_begin.get(label_end + 5..).unwrap_or_default();
    let end_marker = format!("-----END {label}-----");
    let Some(body_end) = rest.find(&end_marker) else {
        return Err(Error::invalid_key(format!(
            "the PEM block has no matching \"-----END {label}-----\" line"
        )));
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
