//! The two special transports: the multipart image upload (`billing/product/uploadImage`, to
//! the big-file host) and the unsigned meter event upload (`meter/uploadEvent`, with
//! `X-Session-Id`). The rules are the core's (`antom_core::upload`, `antom_core::meter`); this
//! is type conversion only.

use std::sync::Arc;

use antom_core as ac;

use crate::{Client, Header, Outcome, Result};

/// A multipart upload ready to send: POST `body` to `url` with exactly these headers.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct PreparedUpload {
    /// Always `POST`.
    pub method: String,
    /// The big-file host's origin plus `path` (for a gateway that is not one of Antom's, such
    /// as the simulator, that gateway's own).
    pub url: String,
    /// The path that was signed; pass it to `Client.verify_response`.
    pub path: String,
    /// Headers in order: the signed request's, its `Content-Type` the multipart one.
    pub headers: Vec<Header>,
    /// The JSON part that was signed, byte for byte.
    pub signed_json: String,
    /// The whole `multipart/form-data` body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for PreparedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|h| h.name.as_str()).collect();
        f.debug_struct("PreparedUpload")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Prepares the upload of `file` (named `file_name`, of media type `content_type`) for the
/// product `product_id`: signs the JSON part at `request_time` (epoch ms) and builds the
/// multipart body for the big-file host. Check the file's size with `check_upload_size`
/// before reading it.
///
/// Errors: `InvalidInput` for an empty or too long product id, an empty or too large file, an
/// API-key client or a bad content type; any error of `Client.prepare`.
#[uniffi::export]
pub fn prepare_upload(
    client: Arc<Client>,
    product_id: String,
    file_name: String,
    content_type: String,
    file: Vec<u8>,
    request_time: u64,
) -> Result<PreparedUpload> {
    let upload = ac::upload::prepare_upload(
        &client.0,
        &product_id,
        &file_name,
        &content_type,
        &file,
        request_time,
    )?;
    Ok(PreparedUpload {
        method: upload.method,
        url: upload.url,
        path: upload.path,
        headers: to_headers(upload.headers),
        signed_json: upload.signed_json,
        body: upload.body,
    })
}

/// Refuses a file larger than the upload limit, or empty: call it with the file's size before
/// reading the file. Errors: `InvalidInput` naming the limit, never the file.
#[uniffi::export]
pub fn check_upload_size(len: u64) -> Result<()> {
    Ok(ac::upload::check_upload_size(len)?)
}

/// The big-file host for a gateway host (`open-sea-global.alipay.com` →
/// `open-big-sea.alipay.com`), or none when the gateway is not one of Antom's.
#[uniffi::export]
pub fn upload_host(gateway_host: String) -> Option<String> {
    ac::upload::upload_host(&gateway_host).map(str::to_owned)
}

/// An unsigned event upload ready to send (over HTTP/2 where the host has it): POST `body` to
/// `url` with exactly these headers.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct PreparedEventUpload {
    /// Always `POST`.
    pub method: String,
    /// The gateway origin plus `/ams/api/v1/meter/uploadEvent`.
    pub url: String,
    /// Headers in order: `Content-Type`, `Accept`, `X-Session-Id`.
    pub headers: Vec<Header>,
    /// The JSON body, as given.
    pub body: String,
    /// Always true: send it over HTTP/2 where the host's HTTP client has it.
    pub http2: bool,
}

impl std::fmt::Debug for PreparedEventUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedEventUpload")
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Prepares the event upload of `body` (a JSON object) in the session `session_id` (from
/// `meter.createSession`). Nothing is signed.
///
/// Errors: `InvalidInput` for a blank or multi-line session id, or a body that is not a JSON
/// object or is larger than the client's body limit.
#[uniffi::export]
pub fn prepare_event_upload(
    client: Arc<Client>,
    session_id: String,
    body: String,
) -> Result<PreparedEventUpload> {
    let upload = ac::meter::prepare_event_upload(&client.0, &session_id, &body)?;
    Ok(PreparedEventUpload {
        method: upload.method,
        url: upload.url,
        headers: to_headers(upload.headers),
        body: upload.body,
        http2: upload.http2,
    })
}

/// What an unsigned event-upload reply says, reported as exactly that.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct EventReply {
    /// Always false: nothing in the reply is signed.
    pub verified: bool,
    /// Always `Unknown`: an unsigned reply never proves that anything happened.
    pub outcome: Outcome,
    /// `result.resultStatus` as sent (unverified), if any.
    pub result_status: Option<String>,
    /// `result.resultCode` as sent (unverified), if any.
    pub result_code: Option<String>,
    /// The body, as received.
    pub body: String,
}

impl std::fmt::Debug for EventReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventReply")
            .field("verified", &self.verified)
            .field("outcome", &self.outcome)
            .field("result_status", &self.result_status)
            .field("result_code", &self.result_code)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Reads an event-upload reply: unverified, `Unknown`, with what its `result` says.
///
/// Errors: `InvalidInput` when the body is not UTF-8 JSON with a `result` object.
#[uniffi::export]
pub fn read_event_reply(body: Vec<u8>) -> Result<EventReply> {
    let reply = ac::meter::read_event_reply(&body)?;
    Ok(EventReply {
        verified: reply.verified,
        outcome: reply.outcome.into(),
        result_status: reply.result_status,
        result_code: reply.result_code,
        body: reply.body,
    })
}

fn to_headers(headers: Vec<(String, String)>) -> Vec<Header> {
    headers
        .into_iter()
        .map(|(name, value)| Header { name, value })
        .collect()
}
