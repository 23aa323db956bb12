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
