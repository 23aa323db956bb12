//! The hot paths of a webhook endpoint and an API client, with as little crossing the FFI as
//! possible: every input is a borrowed byte slice (uniffi passes `&[u8]` without copying it
//! into a transfer buffer), the headers are only those the core reads, and the result leaves
//! out the body the caller already holds.
//!
//! A binding builds `headers` from any header container by keeping each header whose trimmed,
//! lowercased name is in `notification_header_names()` / `response_header_names()` (duplicates
//! included: the core refuses a duplicate signed header) and encoding the kept pairs as
//! `u32 big-endian length, UTF-8 name, u32 big-endian length, UTF-8 value`, repeated. The core
//! reads nothing else, so the verdict is the one it gives with every header.

use antom_core as ac;

use crate::{ApiResponse, Client, KeyId, NextAction, Outcome, PublicKey, Result, ResultStatus};

/// What a verified notification says, without the body (the caller already holds those
/// exact bytes). Field meanings are those of `Notification`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationFacts {
    /// The first of `notifyType`, `authorizationNotifyType`, `disputeNotificationType`,
    /// `subscriptionNotificationType` present in the body.
    pub notify_type: Option<String>,
    /// `result.resultStatus` when present.
    pub result_status: Option<ResultStatus>,
    /// The state of the payment, refund or capture (see `Notification.outcome`).
    pub outcome: Outcome,
    /// The `client-id` header (equal to the configured client id).
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub request_time: String,
    /// The key to process the notification once (see `Notification.dedup_key`).
    pub dedup_key: String,
    /// The Antom key that verified it (see `Notification.verified_by`).
    pub verified_by: KeyId,
}

/// What a checked response says, without the body (the caller already holds those exact
/// bytes). Field meanings are those of `ApiResponse`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ResponseFacts {
    /// `true` when Antom's signature was checked; `false` only for unsigned F/U errors.
    pub verified: bool,
    /// `result.resultStatus`.
    pub result_status: ResultStatus,
    /// What to do next: the core's decision (`Inquire` for every unverified response).
    pub next_action: NextAction,
    /// `true` only for a verified `S` response.
    pub is_success: bool,
    /// The state of the payment, refund or capture (see `ApiResponse.outcome`).
    pub outcome: Outcome,
    /// `result.resultCode` (`""` if absent).
    pub result_code: String,
    /// `result.resultMessage` (`""` if absent).
    pub result_message: String,
    /// The Antom key that verified it; `None` exactly when `verified` is `false`.
    pub verified_by: Option<KeyId>,
}

/// The facts of an `ApiResponse` (one conversion from the core's response, in lib.rs); the body
/// is dropped, not copied.
impl From<ApiResponse> for ResponseFacts {
    fn from(response: ApiResponse) -> Self {
        Self {
            verified: response.verified,
            result_status: response.result_status,
            next_action: response.next_action,
            is_success: response.is_success,
            outcome: response.outcome,
            result_code: response.result_code,
            result_message: response.result_message,
            verified_by: response.verified_by,
        }
    }
}

/// The lowercase names of the only headers a notification is read from (`signature`,
/// `request-time`, `client-id`): pass just these to the packed verification.
#[uniffi::export]
pub fn notification_header_names() -> Vec<String> {
    ac::NOTIFICATION_HEADERS.map(str::to_owned).to_vec()
}

/// The lowercase names of the only headers a response is read from (`signature`,
/// `response-time`, `client-id`): pass just these to the packed verification.
#[uniffi::export]
pub fn response_header_names() -> Vec<String> {
    ac::RESPONSE_HEADERS.map(str::to_owned).to_vec()
}

/// Splits the packed header encoding (see the module docs) into name/value pairs.
fn unpack_headers(mut packed: &[u8]) -> Result<Vec<(&str, &str)>> {
    fn field<'a>(packed: &mut &'a [u8]) -> Option<&'a str> {
        let (len, rest) = packed.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        let (text, rest) = rest.split_at_checked(len)?;
        *packed = rest;
        std::str::from_utf8(text).ok()
    }
    let mut pairs = Vec::new();
    while !packed.is_empty() {
        match (field(&mut packed), field(&mut packed)) {
            (Some(name), Some(value)) => pairs.push((name, value)),
            _ => return Err(invalid("the packed headers are malformed (a binding bug)")),
        }
    }
    Ok(pairs)
}

fn invalid(message: &str) -> crate::AntomError {
    ac::Error::new(ac::ErrorCode::InvalidInput, message).into()
}

fn text(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| invalid("the path is not valid UTF-8"))
}

impl From<ac::Notification> for NotificationFacts {
    fn from(notification: ac::Notification) -> NotificationFacts {
        NotificationFacts {
            notify_type: notification.notify_type,
            result_status: notification.result_status.map(Into::into),
            outcome: notification.outcome.into(),
            client_id: notification.client_id,
            request_time: notification.request_time,
            dedup_key: notification.dedup_key,
            verified_by: notification.verified_by.into(),
        }
    }
}

#[uniffi::export]
impl Client {
    /// `verify_notification` for bindings: borrowed `path` (UTF-8), packed `headers` (see
    /// `notification_header_names`) and `body`; the result leaves out the body.
    ///
    /// Errors: as `verify_notification`; `InvalidInput` for malformed packed headers.
    pub fn verify_notification_packed(
        &self,
        path: &[u8],
        headers: &[u8],
        body: &[u8],
    ) -> Result<NotificationFacts> {
        let headers = unpack_headers(headers)?;
        Ok(self
            .0
            .verify_notification(text(path)?, &headers, body)?
            .into())
    }

    /// `verify_notification_fresh` for bindings, packed as `verify_notification_packed`.
    ///
    /// Errors: as `verify_notification_fresh`.
    pub fn verify_notification_packed_fresh(
        &self,
        path: &[u8],
        headers: &[u8],
        body: &[u8],
        now_ms: u64,
        max_age_ms: u64,
    ) -> Result<NotificationFacts> {
        let headers = unpack_headers(headers)?;
        let freshness = ac::Freshness { now_ms, max_age_ms };
        Ok(self
            .0
            .verify_notification_fresh(text(path)?, &headers, body, freshness)?
            .into())
    }

    /// `verify_response` for bindings: borrowed `path` (UTF-8), packed `headers` (see
    /// `response_header_names`) and `body`; the result leaves out the body.
    ///
    /// Errors: as `verify_response`; `InvalidInput` for malformed packed headers.
    pub fn verify_response_packed(
        &self,
        path: &[u8],
        headers: &[u8],
        body: &[u8],
    ) -> Result<ResponseFacts> {
        let headers = unpack_headers(headers)?;
        let response = self.0.verify_response(text(path)?, &headers, body)?;
        Ok(ApiResponse::from(response).into())
    }
}

#[uniffi::export]
impl PublicKey {
    /// `verify` for bindings: the content's bytes and the signature value's bytes (ASCII,
    /// percent-encoded or raw base64) borrowed, not copied.
    ///
    /// Errors: `MalformedSignature` when the value cannot be decoded or has the wrong length.
    pub fn verify_packed(&self, content: &[u8], signature: &[u8]) -> Result<bool> {
        let signature = std::str::from_utf8(signature).map_err(|_| {
            crate::AntomError::from(ac::Error::new(
                ac::ErrorCode::MalformedSignature,
                "the signature value is not ASCII base64",
            ))
        })?;
        Ok(self.0.verify_bytes(content, signature)?)
    }
}

#[cfg(test)]
mod tests {
    use super::unpack_headers;

    fn pack(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, value) in pairs {
            for part in [name, value] {
                out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(0).to_be_bytes());
                out.extend_from_slice(part.as_bytes());
            }
        }
        out
    }

    #[test]
    fn unpacks_what_was_packed() {
        let pairs = [("Signature", "a=b"), ("client-id", ""), ("x", "é\u{0}\r\n")];
        assert_eq!(unpack_headers(&pack(&pairs)).ok(), Some(pairs.to_vec()));
        assert_eq!(unpack_headers(&[]).ok(), Some(vec![]));
    }

    #[test]
    fn refuses_truncated_or_non_utf8() {
        let good = pack(&[("signature", "v")]);
        for cut in 1..good.len() {
            assert!(unpack_headers(&good[..cut]).is_err(), "cut at {cut}");
        }
        assert!(unpack_headers(&[0, 0, 0, 1, 0xff, 0, 0, 0, 0]).is_err());
    }
}
