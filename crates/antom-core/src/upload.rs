//! The multipart upload of `billing.product.uploadImage`.
//!
//! The one Antom API whose request is not a signed JSON body: the signed part is the JSON
//! `{"productId":...,"fileSha256":...}` (signed as any request body is, over the resolved path),
//! and the image travels beside it in the form parts `file` and `imageFile`, to the region's
//! big-file host (`open-big-*`), at most 2 MiB. API-key clients cannot upload. The facts (hosts,
//! limit, part names) are the catalogue schema's, generated into the endpoint table.
//!
//! The reply is an ordinary signed JSON response: verify it with [`crate::Client::verify_response`]
//! on the returned [`PreparedUpload::path`].

use std::fmt;

use sha2::{Digest, Sha256};

use crate::endpoints::{UPLOAD_FILE_PARTS, UPLOAD_HOSTS, UPLOAD_MAX_BYTES};
use crate::{Client, Error, ErrorCode, Result};

/// The API the upload calls (what [`Client::prepare`] takes).
pub const UPLOAD_IMAGE_API: &str = "v1/billing/product/uploadImage";

/// The largest file [`prepare_upload`] takes, in bytes (2 MiB).
pub const MAX_UPLOAD_BYTES: u64 = UPLOAD_MAX_BYTES;

/// The longest `productId` the upload takes, in characters.
pub const MAX_PRODUCT_ID_CHARS: usize = 64;

/// A multipart upload ready to send: POST `body` to `url` with exactly these headers.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedUpload {
    /// Always `POST`.
    pub method: String,
    /// The big-file host's origin plus [`path`](Self::path) (for a gateway that is not one of
    /// Antom's, such as the simulator, that gateway's own).
    pub url: String,
    /// The path that was signed; pass it to [`Client::verify_response`].
    pub path: String,
    /// Headers in order: the signed request's (its `Content-Type` replaced by the multipart one).
    pub headers: Vec<(String, String)>,
    /// The JSON part that was signed, byte for byte.
    pub signed_json: String,
    /// The whole `multipart/form-data` body.
    pub body: Vec<u8>,
}

impl fmt::Debug for PreparedUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("PreparedUpload")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Refuses a file larger than [`MAX_UPLOAD_BYTES`] or empty: call it with the file's size
/// before reading the file.
///
/// # Errors
/// `INVALID_INPUT` naming the limit, never the file.
pub fn check_upload_size(len: u64) -> Result<()> {
    if len == 0 {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "the upload file is empty",
        ));
    }
    if len > MAX_UPLOAD_BYTES {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            format!("the upload file is larger than {MAX_UPLOAD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// The big-file host for a gateway host (`open-sea-global.alipay.com` → `open-big-sea.alipay.com`),
/// if the gateway is one of Antom's.
pub fn upload_host(gateway_host: &str) -> Option<&'static str> {
    UPLOAD_HOSTS
        .iter()
        .find(|(gateway, _)| gateway.eq_ignore_ascii_case(gateway_host))
        .map(|(_, big)| *big)
}

/// Prepares the upload of `file` (named `file_name`, of media type `content_type`) for the
/// product `product_id`: signs the JSON part with `client` at `request_time` (epoch ms) and
/// builds the multipart body for the big-file host.
///
/// # Errors
/// `INVALID_INPUT` for an empty or too long product id, an empty or too large file, an API-key
/// client or a content type with control characters; any error of [`Client::prepare`].
pub fn prepare_upload(
    client: &Client,
    product_id: &str,
    file_name: &str,
    content_type: &str,
    file: &[u8],
    request_time: u64,
) -> Result<PreparedUpload> {
    if product_id.trim().is_empty() || product_id.chars().count() > MAX_PRODUCT_ID_CHARS {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            format!("productId must be 1 to {MAX_PRODUCT_ID_CHARS} characters"),
        ));
    }
    check_upload_size(u64::try_from(file.len()).unwrap_or(u64::MAX))?;
    if content_type.is_empty()
        || !content_type
            .bytes()
            .all(|b| (0x21..0x7f).contains(&b) || b == b' ')
    {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "the upload content type must be printable ASCII",
        ));
    }
    let digest = hex(&Sha256::digest(file));
    // productId first, as the official SDKs write it (the string escaped by serde_json)
    let product = serde_json::Value::from(product_id).to_string();
    let signed_json = format!(r#"{{"productId":{product},"fileSha256":"{digest}"}}"#);
    let prepared = client.prepare(UPLOAD_IMAGE_API, signed_json.as_bytes(), request_time)?;
    if !prepared
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("signature"))
    {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "an API-key client cannot upload files: use a signing client",
        ));
    }
    let (origin, path) = split_origin(&prepared.url, &prepared.path)?;
    // Antom's gateways send uploads to their big-file host; any other gateway (the simulator,
    // a proxy) receives the upload itself.
    let url = match origin.strip_prefix("https://").and_then(upload_host) {
        Some(big) => format!("https://{big}{path}"),
        None => prepared.url.clone(),
    };
    let boundary = boundary_for(&digest, file);
    let body = multipart(
        &boundary,
        &signed_json,
        &safe_file_name(file_name),
        content_type,
        file,
    );
    let mut headers: Vec<(String, String)> = prepared
        .headers
        .into_iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
        .collect();
    headers.insert(
        0,
        (
            "Content-Type".to_owned(),
            format!("multipart/form-data; boundary={boundary}"),
        ),
    );
    Ok(PreparedUpload {
        method: prepared.method,
        url,
        path: prepared.path,
        headers,
        signed_json,
        body,
    })
}

fn split_origin<'a>(url: &'a str, path: &'a str) -> Result<(&'a str, &'a str)> {
    url.strip_suffix(path)
        .map(|origin| (origin, path))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidInput,
                "the prepared URL does not end in its path",
            )
        })
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A boundary that does not occur in the file (the core has no randomness of its own: it is
/// derived from the file's digest, rehashed in the unlikely case it occurs).
fn boundary_for(digest: &str, file: &[u8]) -> String {
    let mut seed = digest.to_owned();
    loop {
        let boundary = format!("----AntomBoundary{}", seed.get(..32).unwrap_or(&seed));
        if !file
            .windows(boundary.len())
            .any(|window| window == boundary.as_bytes())
        {
            return boundary;
        }
        seed = hex(&Sha256::digest(seed.as_bytes()));
    }
}

/// The file name as a form part may carry it: its last path segment, with quotes and control
/// characters replaced by `_`.
fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .map(|c| if c == '"' || c.is_control() { '_' } else { c })
        .collect();
    if cleaned.is_empty() {
        "upload".to_owned()
    } else {
        cleaned
    }
}

fn multipart(
    boundary: &str,
    json: &str,
    file_name: &str,
    content_type: &str,
    file: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(file.len() * UPLOAD_FILE_PARTS.len() + json.len() + 512);
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    out.extend_from_slice(b"Content-Disposition: form-data; name=\"body\"\r\n");
    out.extend_from_slice(b"Content-Type: application/json; charset=UTF-8\r\n\r\n");
    out.extend_from_slice(json.as_bytes());
    out.extend_from_slice(b"\r\n");
    for part in UPLOAD_FILE_PARTS {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        out.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{part}\"; filename=\"{file_name}\"\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        out.extend_from_slice(b"Content-Transfer-Encoding: binary\r\n\r\n");
        out.extend_from_slice(file);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_segment_only() {
        assert_eq!(safe_file_name("../a/b\\c\"d.png"), "c_d.png");
        assert_eq!(safe_file_name("x\ny.png"), "x_y.png");
        assert_eq!(safe_file_name(""), "upload");
    }

    #[test]
    fn sizes_are_checked_before_reading() {
        assert!(check_upload_size(0).is_err());
        assert!(check_upload_size(1).is_ok());
        assert!(check_upload_size(2 * 1024 * 1024).is_ok());
        assert!(check_upload_size(2 * 1024 * 1024 + 1).is_err());
    }
}
