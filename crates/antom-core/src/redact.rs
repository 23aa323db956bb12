//! The one redaction rule every string form uses (`Debug` here; `repr`, `toString`, `inspect`
//! and `description` in the bindings): secrets and bodies never appear in logs.

/// Headers whose values are credentials: shown as `<redacted>`.
pub const SECRET_HEADERS: [&str; 3] = ["authorization", "agent-token", "cookie"];

/// The value of header `name` as it may be shown: `<redacted>` for [`SECRET_HEADERS`]
/// (matched case-insensitively), the value itself otherwise.
///
/// ```
/// assert_eq!(antom_core::redact_header("Authorization", "Bearer isak_TEST_a_b"), "<redacted>");
/// assert_eq!(antom_core::redact_header("Client-Id", "SANDBOX_1"), "SANDBOX_1");
/// ```
pub fn redact_header<'a>(name: &str, value: &'a str) -> &'a str {
    if SECRET_HEADERS
        .iter()
        .any(|secret| name.trim().eq_ignore_ascii_case(secret))
    {
        "<redacted>"
    } else {
        value
    }
}

/// How a body is shown: its length only (bodies carry card tokens and personal data).
///
/// ```
/// assert_eq!(antom_core::describe_body(b"{\"card\":\"4111\"}"), "<15 bytes>");
/// ```
pub fn describe_body(body: &[u8]) -> String {
    format!("<{} bytes>", body.len())
}
