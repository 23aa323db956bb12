//! Reading key files and naming their format, without ever printing key material.

use std::path::Path;

use antom_core::{PrivateKey, PublicKey};

/// Largest key file read (an 8192-bit PEM private key is about 6.5 KiB).
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Reads a key file as text (PEM or base64) or, for binary files, as DER.
///
/// # Errors
/// A message naming the file when it cannot be read or is too large; never its content.
pub fn read(path: &Path) -> Result<KeyFile, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(format!(
            "{} is {} bytes; a key file is at most {MAX_KEY_FILE_BYTES}",
            path.display(),
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(KeyFile { bytes })
}

/// The raw content of a key file. `Debug` prints only its length.
pub struct KeyFile {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyFile({} bytes, <redacted>)", self.bytes.len())
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        // Best effort: the text may be a private key.
        self.bytes.iter_mut().for_each(|b| *b = 0);
    }
}

impl KeyFile {
    fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// Parses the file as a private key (text forms via the core; else DER).
    ///
    /// # Errors
    /// The core's error (its message never contains key material).
    pub fn private_key(&self) -> Result<PrivateKey, antom_core::Error> {
        match self.text() {
            Some(text) => PrivateKey::parse(text),
            None => PrivateKey::from_der(&self.bytes),
        }
    }

    /// Parses the file as a public key (text forms via the core; else DER).
    ///
    /// # Errors
    /// The core's error.
    pub fn public_key(&self) -> Result<PublicKey, antom_core::Error> {
        match self.text() {
            Some(text) => PublicKey::parse(text),
            None => PublicKey::from_der(&self.bytes),
        }
    }

    /// A human description of the encoding, from the core: `PEM "PRIVATE KEY", PKCS#8
    /// PrivateKeyInfo`, `base64, PKCS#8 PrivateKeyInfo`, `DER, ...`. Never any key material.
    pub fn describe_format(&self) -> String {
        antom_core::describe_key_format(&self.bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key_file(text: &str) -> KeyFile {
        KeyFile {
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn names_the_test_keys_formats() {
        let private = key_file(include_str!(
            "../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64"
        ));
        assert_eq!(private.describe_format(), "base64, PKCS#8 PrivateKeyInfo");
        assert_eq!(private.private_key().unwrap().bits(), 2048);
        let public = key_file(include_str!(
            "../../../tests/vectors/keys/TEST-ONLY-merchant.public.spki.b64"
        ));
        assert!(public.describe_format().starts_with("base64, X.509"));
        assert!(format!("{private:?}").contains("redacted"));
    }
}
