//! The simulator's three APIs outside the payment flow, the ones that do not fit the signed-JSON
//! shape or feed them: `meter.createSession` (signed JSON: issues an `X-Session-Id`),
//! `meter.uploadEvent` (unsigned both ways, in a session) and `billing.product.uploadImage`
//! (multipart: the signed JSON part `{"productId","fileSha256"}` beside the file in `file` and
//! `imageFile`, at most 2 MiB, the digest checked against the file).
//!
//! The simulator speaks HTTP/1.1 only: the event upload, HTTP/2 at Antom, is served over it too.

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::StatusCode;
use hyper::body::Incoming;
use hyper::{HeaderMap, Request};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{Reply, Shared, gateway_error, render, single_header};
use crate::clock;

/// `meter.createSession`.
pub const CREATE_SESSION: &str = "v1/meter/createSession";
/// `meter.uploadEvent`.
pub const UPLOAD_EVENT: &str = "v1/meter/uploadEvent";
/// `billing.product.uploadImage`.
pub const UPLOAD_IMAGE: &str = "v1/billing/product/uploadImage";

/// The largest image the upload takes (the official SDKs' limit).
const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The largest upload body read: the image twice (`file` and `imageFile`) and room for the rest.
pub const MAX_UPLOAD_BODY: usize = 2 * MAX_IMAGE_BYTES + 64 * 1024;

/// One of the signed special APIs, dispatched after the request's signature verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// `meter.createSession`.
    CreateSession,
    /// `billing.product.uploadImage`.
    UploadImage,
}

impl Signed {
    /// The special signed API at `api` (after `/ams/api/`), if it is one.
    pub fn of(api: &str) -> Option<Signed> {
        match api {
            CREATE_SESSION => Some(Signed::CreateSession),
            UPLOAD_IMAGE => Some(Signed::UploadImage),
            _ => None,
        }
    }
}

/// The multipart body of an upload: its signed JSON part and the file (in `file`, or
/// `imageFile`, which must then be the same bytes).
pub struct Upload {
    /// The `body` part, byte for byte: what the signature covers.
    pub json: Bytes,
    /// The file's bytes.
    pub file: Vec<u8>,
}

/// The multipart boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<&str> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (name, value) = p.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
    })
}

/// Splits an upload's multipart body; `Err` says what is wrong.
pub fn parse_upload(body: &[u8], boundary: &str) -> Result<Upload, String> {
    let delimiter = format!("--{boundary}");
    let mut json = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rest = body;
    let start = find(rest, delimiter.as_bytes()).ok_or("no multipart boundary in the body")?;
    rest = rest.get(start + delimiter.len()..).unwrap_or_default();
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a malformed multipart part")?;
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())
            .ok_or("an unterminated multipart part")?;
        let part = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 2 + delimiter.len()..).unwrap_or_default();
        let split = find(part, b"\r\n\r\n").ok_or("a multipart part without headers")?;
        let head = String::from_utf8_lossy(part.get(..split).unwrap_or_default()).to_string();
        let content = part.get(split + 4..).unwrap_or_default();
        let name = head
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .and_then(|l| {
                l.split(';').find_map(|p| {
                    p.trim()
                        .strip_prefix("name=\"")?
                        .strip_suffix('"')
                        .map(str::to_owned)
                })
            })
            .ok_or("a multipart part without a name")?;
        match name.as_str() {
            "body" => json = Some(Bytes::copy_from_slice(content)),
            "file" | "imageFile" => files.push((name, content.to_vec())),
            _ => {}
        }
    }
    let json = json.ok_or("the multipart body has no body part")?;
    let Some((_, file)) = files.first() else {
        return Err("the multipart body has no file or imageFile part".to_owned());
    };
    if files.iter().any(|(_, other)| other != file) {
        return Err("the file and imageFile parts differ".to_owned());
    }
    Ok(Upload {
        json,
        file: file.clone(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The answer of a signed special API, its request verified (`object` is the signed JSON).
pub fn answer(
    shared: &Shared,
    api: Signed,
    object: &Map<String, Value>,
    upload: Option<&Upload>,
    client_id: String,
) -> Reply {
    let signed = |status: &str, code: &str, message: &str, fields: Map<String, Value>| Reply {
        status: StatusCode::OK,
        body: render(status, code, message, &fields),
        signed_for: Some(client_id.clone()),
        summary: format!("{status} {code}"),
    };
    match api {
        Signed::CreateSession => {
            let mut state = shared.state();
            let id = format!(
                "MS{}{:08}",
                clock::now_iso8601()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(14)
                    .collect::<String>(),
                state.sessions.len() + 1
            );
            state.sessions.insert(id.clone());
            let fields = json!({"sessionId": id, "sessionExpiryTime": "2099-12-31T23:59:59+08:00"});
            signed(
                "S",
                "SUCCESS",
                "success",
                fields.as_object().cloned().unwrap_or_default(),
            )
        }
        Signed::UploadImage => {
            let Some(upload) = upload else {
                return signed(
                    "F",
                    "PARAM_ILLEGAL",
                    "the upload must be multipart/form-data",
                    Map::new(),
                );
            };
            let product = object
                .get("productId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if product.is_empty() || product.chars().count() > 64 {
                return signed(
                    "F",
                    "PARAM_ILLEGAL",
                    "productId must be 1 to 64 characters",
                    Map::new(),
                );
            }
            if upload.file.is_empty() || upload.file.len() > MAX_IMAGE_BYTES {
                return signed(
                    "F",
                    "PARAM_ILLEGAL",
                    "the image must be 1 byte to 2 MiB",
                    Map::new(),
                );
            }
            let digest = hex(&Sha256::digest(&upload.file));
            if object.get("fileSha256").and_then(Value::as_str) != Some(digest.as_str()) {
                return signed(
                    "F",
                    "PARAM_ILLEGAL",
                    "fileSha256 does not match the file",
                    Map::new(),
                );
            }
            let name = format!("{}.img", digest.get(..16).unwrap_or_default());
            let fields = json!({
                "productId": product,
                "imageName": name,
                "imageUrl": format!("{}/images/{name}", shared.base_url),
            });
            signed(
                "S",
                "SUCCESS",
                "success",
                fields.as_object().cloned().unwrap_or_default(),
            )
        }
    }
}

/// `meter.uploadEvent`: unsigned, in a session this simulator issued; the answer is unsigned.
pub async fn upload_event(shared: &Shared, request: Request<Incoming>) -> Reply {
    let unsigned = |code: &str, status: &str, message: &str| Reply {
        status: StatusCode::OK,
        body: render(status, code, message, &Map::new()),
        signed_for: None,
        summary: format!("{status} {code} (unsigned event upload)"),
    };
    let headers: &HeaderMap = request.headers();
    let session = match single_header(headers, "x-session-id") {
        Ok(Some(session)) => session.to_owned(),
        Ok(None) => return unsigned("PARAM_ILLEGAL", "F", "the X-Session-Id header is missing"),
        Err(reply) => return reply,
    };
    if !shared.state().sessions.contains(&session) {
        return unsigned(
            "SESSION_NOT_FOUND",
            "F",
            "no such session: create one with meter/createSession",
        );
    }
    let body = match Limited::new(request.into_body(), shared.max_body_bytes)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return gateway_error("PARAM_ILLEGAL", "the event body is too large or unreadable");
        }
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(_)) => unsigned("SUCCESS", "S", "success"),
        _ => unsigned("PARAM_ILLEGAL", "F", "the event body must be a JSON object"),
    }
}
