//! The exact string Antom signs: `METHOD path\nclient_id.time.body`.

/// Builds the content to sign or verify, exactly
/// `"{method} {path}\n{client_id}.{time}.{body}"`: one space, one LF, two dots, the body
/// byte for byte, no trailing newline and no canonicalisation.
///
/// For requests `time` is the `Request-Time` header; for responses the `response-time`
/// header; for notifications the notification's `request-time` header — always verbatim.
///
/// ```
/// let content = antom_core::content_to_sign(
///     "POST", "/ams/api/v1/payments/pay", "SANDBOX_5X00000000000000", "1685599933871", "{}");
/// assert_eq!(content, "POST /ams/api/v1/payments/pay\nSANDBOX_5X00000000000000.1685599933871.{}");
/// ```
pub fn content_to_sign(
    method: &str,
    path: &str,
    client_id: &str,
    time: &str,
    body: &str,
) -> String {
    let mut content = String::with_capacity(
        method.len() + path.len() + client_id.len() + time.len() + body.len() + 4,
    );
    content.push_str(method);
    content.push(' ');
    content.push_str(path);
    content.push('\n');
    content.push_str(client_id);
    content.push('.');
    content.push_str(time);
    content.push('.');
    content.push_str(body);
    content
}

/// As [`content_to_sign`], for a body that is raw bytes (a response may not be UTF-8).
pub fn content_bytes(
    method: &str,
    path: &str,
    client_id: &str,
    time: &str,
    body: &[u8],
) -> Vec<u8> {
    let head = content_to_sign(method, path, client_id, time, "");
    let mut content = Vec::with_capacity(head.len() + body.len());
    content.extend_from_slice(head.as_bytes());
    content.extend_from_slice(body);
    content
}

/// Exactly what is signed, held as two parts so the body is never copied or concatenated:
/// the head `"{method} {path}\n{client_id}.{time}."` and the body bytes.
///
/// An [`crate::RsaEngine`] (or an external signer) may hash the parts in order
/// ([`SignedContent::digest`]) or feed them to a streaming signer; the bytes signed are
/// [`head`](Self::head) followed by [`body`](Self::body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContent<'a> {
    head: Vec<u8>,
    body: &'a [u8],
}

impl<'a> SignedContent<'a> {
    /// The content of a request, response or notification: `POST path\nclient_id.time.body`.
    pub fn new(
        method: &str,
        path: &str,
        client_id: &str,
        time: &str,
        body: &'a [u8],
    ) -> SignedContent<'a> {
        SignedContent {
            head: content_to_sign(method, path, client_id, time, "").into_bytes(),
            body,
        }
    }

    /// Arbitrary bytes to sign or verify as they are (no head).
    pub fn raw(bytes: &'a [u8]) -> SignedContent<'a> {
        SignedContent {
            head: Vec::new(),
            body: bytes,
        }
    }

    /// The part before the body.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The body, byte for byte.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// Total length in bytes.
    pub fn len(&self) -> usize {
        self.head.len() + self.body.len()
    }

    /// `true` when there is nothing to sign.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// SHA-256 of head then body, computed without concatenating them.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(&self.head);
        hasher.update(self.body);
        hasher.finalize().into()
    }

    /// The whole content as one buffer (a copy; for hosts whose signer needs one).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut content = Vec::with_capacity(self.len());
        content.extend_from_slice(&self.head);
        content.extend_from_slice(self.body);
        content
    }
}
