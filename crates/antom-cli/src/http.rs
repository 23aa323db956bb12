//! A minimal HTTP/1.1 client that talks to loopback addresses only.
//!
//! The simulator delivers notifications and `antom trigger` sends test notifications with
//! this client. It refuses every URL that is not `http://127.0.0.1`, `http://localhost` or
//! `http://[::1]`, so a typo in a notify URL can never send data off the machine.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Largest response body read (1 MiB); longer bodies are an error.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// A parsed loopback URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopbackUrl {
    /// Where to connect.
    pub addr: SocketAddr,
    /// The `Host` header value (`host[:port]` as written).
    pub authority: String,
    /// The path, `/` when the URL has none (no query).
    pub path: String,
    /// The path plus `?query` when there is one: the request target.
    pub target: String,
}

impl LoopbackUrl {
    /// Parses `http://127.0.0.1[:port]/path`, `http://localhost...` or `http://[::1]...`.
    ///
    /// # Errors
    /// A message saying why the URL is refused (not http, not loopback, user info, bad port).
    pub fn parse(url: &str) -> Result<LoopbackUrl, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            "only http:// URLs on 127.0.0.1, localhost or [::1] are allowed".to_owned()
        })?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err("URLs with user info are not allowed".to_owned());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (inside, after) = v6
                .split_once(']')
                .ok_or_else(|| "unterminated [ in the URL host".to_owned())?;
            (format!("[{inside}]"), after.strip_prefix(':'))
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (authority.to_owned(), None),
            }
        };
        let ip: IpAddr = match host.to_ascii_lowercase().as_str() {
            "127.0.0.1" | "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
            "[::1]" => IpAddr::V6(Ipv6Addr::LOCALHOST),
            _ => {
                return Err(format!(
                    "refusing host {host:?}: only 127.0.0.1, localhost and [::1] are allowed"
                ));
            }
        };
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| "the URL port must be 1-65535".to_owned())?,
        };
        let tail = tail.split('#').next().unwrap_or("");
        let target = if tail.is_empty() {
            "/".to_owned()
        } else if tail.starts_with('?') {
            format!("/{tail}")
        } else {
            tail.to_owned()
        };
        if target.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the URL may not contain whitespace".to_owned());
        }
        let path = target.split('?').next().unwrap_or("/").to_owned();
        Ok(LoopbackUrl {
            addr: SocketAddr::new(ip, port),
            authority: authority.to_owned(),
            path,
            target,
        })
    }
}

/// A received response: status, headers (lower-case names, in order) and the raw body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request to a loopback URL and reads the whole response, all within `timeout`.
///
/// # Errors
/// A message for a refused URL, a connection failure, a timeout, an invalid header, or a
/// response body over [`MAX_RESPONSE_BYTES`].
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<HttpResponse, String> {
    let url = LoopbackUrl::parse(url)?;
    match tokio::time::timeout(timeout, send_parsed(method, &url, headers, body)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no response within {} ms", timeout.as_millis())),
    }
}

async fn send_parsed(
    method: &str,
    url: &LoopbackUrl,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Result<HttpResponse, String> {
    let stream = TcpStream::connect(url.addr)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", url.addr))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(url.target.as_str())
        .header("host", url.authority.as_str());
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("invalid request: {e}"))?;
    let result = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|e| format!("reading the response body failed: {e}"))?
            .to_bytes()
            .to_vec();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
    .await;
    driver.abort();
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_loopback_only() {
        let url = LoopbackUrl::parse("http://127.0.0.1:8080/antom/notify?x=1").unwrap();
        assert_eq!(url.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(url.path, "/antom/notify");
        assert_eq!(url.target, "/antom/notify?x=1");
        let url = LoopbackUrl::parse("http://localhost:9").unwrap();
        assert_eq!(url.target, "/");
        assert!(LoopbackUrl::parse("http://[::1]:1/a").is_ok());
        for bad in [
            "https://127.0.0.1/a",
            "http://example.com/a",
            "http://127.0.0.2/a",
            "http://user@127.0.0.1/a",
            "http://127.0.0.1.evil.com/a",
            "http://localhost:0/a",
            "http://localhost:99999/a",
            "ftp://localhost/a",
            "http://10.0.0.1/",
        ] {
            assert!(LoopbackUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
