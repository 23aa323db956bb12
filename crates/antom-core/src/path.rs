//! Validation of the strings that end up in a URL or a header.

use crate::config::Environment;
use crate::error::{Error, Result};

const API_PREFIX: &str = "/ams/api/";
const SANDBOX_PREFIX: &str = "/ams/sandbox/";
const SANDBOX_API_PREFIX: &str = "/ams/sandbox/api/";

/// Turns `v1/payments/pay`, `/v1/payments/pay` or a full `/ams/...` path into the path to
/// request and sign in `environment`.
///
/// In sandbox the first `/ams/api/` becomes `/ams/sandbox/api/` (a path already under
/// `/ams/sandbox/` is kept); in production a sandbox path is refused, since it can only be a
/// configuration mistake.
pub(crate) fn resolve_api_path(api: &str, environment: Environment) -> Result<String> {
    let relative = api.strip_prefix('/').unwrap_or(api);
    check_api_text(relative)?;
    let path = if relative.starts_with("ams/") {
        format!("/{relative}")
    } else {
        format!("{API_PREFIX}{relative}")
    };
    match environment {
        Environment::Sandbox => match path.strip_prefix(API_PREFIX) {
            Some(rest) if !path.starts_with(SANDBOX_PREFIX) => {
                Ok(format!("{SANDBOX_API_PREFIX}{rest}"))
            }
            _ => Ok(path),
        },
        Environment::Production if path.starts_with(SANDBOX_PREFIX) => Err(Error::invalid_input(
            "a /ams/sandbox/ path was given to a production client; pass the API path \
             (e.g. v1/payments/pay) and let the environment pick the prefix",
        )),
        Environment::Production => Ok(path),
    }
}

fn check_api_text(relative: &str) -> Result<()> {
    let bad_char = relative
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '%' | '\\'));
    let bad_segment = relative.contains("//")
        || relative.contains("/../")
        || relative.contains("/./")
        || relative.starts_with("../")
        || relative.starts_with("./")
        || relative.ends_with("/..")
        || relative.ends_with("/.")
        || relative.starts_with('/')
        || relative == ".."
        || relative == ".";
    if relative.is_empty() {
        Err(Error::invalid_input(
            "the API path is empty; pass e.g. v1/payments/pay",
        ))
    } else if relative.contains("://") {
        Err(Error::invalid_input(
            "pass the API path (e.g. v1/payments/pay), not a URL; set the gateway in the config",
        ))
    } else if bad_char || bad_segment {
        Err(Error::invalid_input(
            "the API path may not contain whitespace, ?, #, %, \\, empty or dot segments",
        ))
    } else {
        Ok(())
    }
}

/// Checks a notification path: the path of your endpoint as registered with Antom.
pub(crate) fn check_notification_path(path: &str) -> Result<()> {
    // A byte window, not `str::contains`: its searcher costs more to set up than a short
    // path costs to scan.
    if path.as_bytes().windows(3).any(|window| window == b"://") {
        Err(Error::invalid_input(
            "pass the notification path (e.g. /antom/notify), not the whole URL",
        ))
    } else if !path.starts_with('/') {
        Err(Error::invalid_input(
            "the notification path must start with / (e.g. /antom/notify)",
        ))
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(Error::invalid_input(
            "the notification path may not contain whitespace",
        ))
    } else {
        Ok(())
    }
}

/// Normalises a gateway override: `https://host[:port]` (one trailing `/` allowed), or
/// `http://` for loopback hosts only.
pub(crate) fn check_gateway_url(url: &str) -> Result<String> {
    let url = url.strip_suffix('/').unwrap_or(url);
    let (secure, authority) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(Error::invalid_input(
            "gateway_url must start with https:// (or http:// for a loopback simulator)",
        ));
    };
    let host = match authority.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty()
                && (!host.contains(':') || host.ends_with(']'))
                && !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok_and(|p| p > 0) =>
        {
            host
        }
        _ => authority,
    };
    let host_ok = !host.is_empty()
        && (host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            || host == "[::1]");
    if !host_ok {
        return Err(Error::invalid_input(
            "gateway_url must be scheme://host[:port] with no path, query, fragment or user info",
        ));
    }
    if !secure && !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return Err(Error::invalid_input(
            "gateway_url may use http:// only for a loopback host (127.0.0.1, localhost, [::1])",
        ));
    }
    Ok(url.to_owned())
}

/// Client ids and agent tokens travel in headers and in the signed content: visible ASCII only.
pub(crate) fn check_header_token(what: &str, value: &str, max_len: usize) -> Result<()> {
    if value.is_empty() || value.len() > max_len || !value.bytes().all(|b| b.is_ascii_graphic()) {
        Err(Error::invalid_input(format!(
            "{what} must be 1 to {max_len} visible ASCII characters (no spaces)"
        )))
    } else {
        Ok(())
    }
}
