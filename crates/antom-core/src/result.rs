//! `result.resultStatus` and what to do about it.

use serde_json::Value;

use crate::error::Error;

/// The outcome Antom reports in `result.resultStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultStatus {
    /// `S`: the call succeeded.
    Success,
    /// `F`: the call failed; `resultCode` says why. Final for this request.
    Failed,
    /// `U`: the outcome is unknown (still processing, timeout inside Antom, throttling...).
    Unknown,
}

/// What a caller should do next, derived from a [`ResultStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NextAction {
    /// The call is done: use the response.
    Done,
    /// The call failed: handle `resultCode`; do not retry the same request blindly.
    Failed,
    /// The outcome is unknown: inquire (e.g. `inquiryPayment`) or resend the identical
    /// request (same request id, same body) until it is final. Never tell the buyer the
    /// payment failed, and never ask them to pay again.
    Inquire,
}

impl ResultStatus {
    /// The wire letter: `S`, `F` or `U`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResultStatus::Success => "S",
            ResultStatus::Failed => "F",
            ResultStatus::Unknown => "U",
        }
    }

    /// Reads a wire letter. Any value other than `S` or `F` is `Unknown`: an unexpected
    /// status must never be taken for success or for a final failure.
    pub fn from_wire(value: &str) -> ResultStatus {
        match value {
            "S" => ResultStatus::Success,
            "F" => ResultStatus::Failed,
            _ => ResultStatus::Unknown,
        }
    }

    /// What to do next; see [`NextAction`].
    pub const fn next_action(self) -> NextAction {
        match self {
            ResultStatus::Success => NextAction::Done,
            ResultStatus::Failed => NextAction::Failed,
            ResultStatus::Unknown => NextAction::Inquire,
        }
    }
}

impl NextAction {
    /// The stable string form: `DONE`, `FAILED`, `INQUIRE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NextAction::Done => "DONE",
            NextAction::Failed => "FAILED",
            NextAction::Inquire => "INQUIRE",
        }
    }

    /// One sentence of guidance, suitable for docs and logs.
    pub const fn guidance(self) -> &'static str {
        match self {
            NextAction::Done => "The call succeeded; use the response.",
            NextAction::Failed => {
                "The call failed; handle resultCode and do not retry the same request blindly."
            }
            NextAction::Inquire => {
                "The outcome is unknown; inquire or resend the identical request until it is \
                 final. Never ask the buyer to pay again."
            }
        }
    }
}

/// The `result` object of a response body, raw.
pub(crate) struct BodyResult {
    pub status: String,
    pub code: String,
    pub message: String,
}

/// Parses a body as a JSON object; `None` when it is not one.
pub(crate) fn parse_object(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// Reads `result.resultStatus` (required), `resultCode` and `resultMessage` (default "").
pub(crate) fn body_result(body: &serde_json::Map<String, Value>) -> Option<BodyResult> {
    let result = body.get("result")?.as_object()?;
    let text = |key: &str| {
        result
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Some(BodyResult {
        status: result.get("resultStatus")?.as_str()?.to_owned(),
        code: text("resultCode"),
        message: text("resultMessage"),
    })
}

pub(crate) fn not_json_object(what: &str) -> Error {
    Error::invalid_input(format!(
        "the {what} body is not a JSON object with result.resultStatus"
    ))
}
