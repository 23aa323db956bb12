//! The meter event upload (`meter.uploadEvent`): unsigned, over HTTP/2, in a session.
//!
//! The one Antom API that is not signed either way: the request carries the `X-Session-Id`
//! that `meter.createSession` returned, no signature and no client id, and goes to the
//! production path even from a sandbox client (the official SDKs do no sandbox rewriting for
//! it); the reply is unsigned. So the reply proves nothing: [`read_event_reply`] reports it as
//! unverified, with [`Outcome::Unknown`] whatever it says. Reconcile through the signed billing
//! and meter inquiry APIs (`meter.inquireDetails`, `meter.inquireList`, the invoices' inquiries) before
//! acting on usage.

use std::fmt;

use serde_json::Value;

use crate::{Client, Error, ErrorCode, Outcome, Result};

/// The path of `meter.uploadEvent` (never rewritten for the sandbox).
pub const UPLOAD_EVENT_PATH: &str = "/ams/api/v1/meter/uploadEvent";

/// The header that names the meter session.
pub const SESSION_HEADER: &str = "X-Session-Id";

/// An unsigned event upload ready to send (over HTTP/2 where the host has it): POST `body` to
/// `url` with exactly these headers.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedEventUpload {
    /// Always `POST`.
    pub method: String,
    /// The gateway origin plus [`UPLOAD_EVENT_PATH`].
    pub url: String,
    /// Headers in order: `Content-Type`, `Accept`, `X-Session-Id`.
    pub headers: Vec<(String, String)>,
    /// The JSON body, as given.
    pub body: String,
    /// Always true: Antom serves this API over HTTP/2; send it so where the host's HTTP client
    /// has HTTP/2 (the simulator, like a client without it, speaks HTTP/1.1).
    pub http2: bool,
}

impl fmt::Debug for PreparedEventUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedEventUpload")
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What an unsigned event-upload reply says, reported as exactly that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventReply {
    /// Always false: nothing in the reply is signed.
    pub verified: bool,
    /// Always [`Outcome::Unknown`]: an unsigned reply never proves that anything happened.
    pub outcome: Outcome,
    /// `result.resultStatus` as sent (unverified), if any.
    pub result_status: Option<String>,
    /// `result.resultCode` as sent (unverified), if any.
    pub result_code: Option<String>,
    /// The body, as received.
    pub body: String,
}

/// Prepares the event upload of `body` (a JSON object: the `MeterUploadEventRequest`) in the
/// session `session_id`, for `client`'s gateway. Nothing is signed; an API-key or a signing
/// client alike.
///
/// # Errors
/// `INVALID_INPUT` for a blank session id or one with CR or LF, or a body that is not a JSON
/// object, or larger than the client's body limit.
pub fn prepare_event_upload(
    client: &Client,
    session_id: &str,
    body: &str,
) -> Result<PreparedEventUpload> {
    if session_id.trim().is_empty() || session_id.contains(['\r', '\n']) {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "X-Session-Id must be a non-blank single line (from meter.createSession)",
        ));
    }
    if body.len() > client.max_body_bytes() {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "the event body is larger than the client's body limit",
        ));
    }
    if !matches!(serde_json::from_str::<Value>(body), Ok(Value::Object(_))) {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "the event body must be a JSON object",
        ));
    }
    Ok(PreparedEventUpload {
        method: "POST".to_owned(),
        url: format!("{}{UPLOAD_EVENT_PATH}", client.gateway_url()),
        headers: vec![
            (
                "Content-Type".to_owned(),
                "application/json; charset=UTF-8".to_owned(),
            ),
            ("Accept".to_owned(), "application/json".to_owned()),
            (SESSION_HEADER.to_owned(), session_id.to_owned()),
        ],
        body: body.to_owned(),
        http2: true,
    })
}

/// Reads an event-upload reply: unverified, [`Outcome::Unknown`], with what its `result` says.
///
/// # Errors
/// `INVALID_INPUT` when the body is not UTF-8 JSON with a `result` object.
pub fn read_event_reply(body: &[u8]) -> Result<EventReply> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::new(ErrorCode::InvalidInput, "the event reply is not UTF-8"))?;
    let value: Value = serde_json::from_str(text)
        .map_err(|_| Error::new(ErrorCode::InvalidInput, "the event reply is not JSON"))?;
    let Some(result) = value.get("result").and_then(Value::as_object) else {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "the event reply has no result object",
        ));
    };
    let field = |name: &str| result.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(EventReply {
        verified: false,
        outcome: Outcome::Unknown,
        result_status: field("resultStatus"),
        result_code: field("resultCode"),
        body: text.to_owned(),
    })
}
