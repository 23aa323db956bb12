//! Verifying a notification (webhook) before its body is parsed.

use serde_json::Value;

use crate::client::Client;
use crate::engine::{RsaEngine, RustCryptoEngine};
use crate::error::{Error, Result};
use crate::headers::HeaderList;
use crate::message::{check_signature, read_signed_headers};
use crate::path::check_notification_path;
use crate::result::{ResultStatus, parse_object};

/// The body to answer a verified, accepted notification with (HTTP 200). Anything else makes
/// Antom retry (up to 8 times within 24 hours; not in sandbox).
pub const NOTIFICATION_ACK: &str =
    r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;

/// The fields tried, in order, to name a notification's type.
const NOTIFY_TYPE_FIELDS: [&str; 4] = [
    "notifyType",
    "authorizationNotifyType",
    "disputeNotificationType",
    "subscriptionNotificationType",
];

/// A notification whose signature has been verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The first of `notifyType`, `authorizationNotifyType`, `disputeNotificationType`,
    /// `subscriptionNotificationType` present in the body (e.g. `PAYMENT_RESULT`).
    pub notify_type: Option<String>,
    /// `result.resultStatus` when present (an unexpected letter reads as `Unknown`).
    pub result_status: Option<ResultStatus>,
    /// The `client-id` header (equal to the configured client id).
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub request_time: String,
    /// The raw body that was verified, for the caller to parse.
    pub body: Vec<u8>,
}

impl Client {
    /// Verifies a notification Antom sent to your endpoint at `path` (the path registered with
    /// Antom, domain excluded, e.g. `/antom/notify`), given the raw request headers and the raw
    /// body bytes — never a re-serialised body.
    ///
    /// Only after this succeeds: process the notification idempotently (Antom resends), then
    /// answer HTTP 200 with [`NOTIFICATION_ACK`]. A browser redirect is never proof of payment;
    /// this notification (or an inquiry) is.
    ///
    /// # Errors
    /// `MISSING_HEADER` when `signature`, `request-time` or `client-id` is missing or empty;
    /// `CLIENT_ID_MISMATCH`; `MALFORMED_SIGNATURE`; `UNSUPPORTED_ALGORITHM`;
    /// `SIGNATURE_MISMATCH`; `INVALID_INPUT` for a bad path, a repeated header, or a verified
    /// body that is not a JSON object.
    pub fn verify_notification<H, K, V>(
        &self,
        path: &str,
        headers: &H,
        body: &[u8],
    ) -> Result<Notification>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.verify_notification_with(&RustCryptoEngine, path, headers, body)
    }

    /// As [`Client::verify_notification`], with the RSA operation done by `engine`.
    ///
    /// # Errors
    /// As for [`Client::verify_notification`].
    pub fn verify_notification_with<H, K, V>(
        &self,
        engine: &dyn RsaEngine,
        path: &str,
        headers: &H,
        body: &[u8],
    ) -> Result<Notification>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        check_notification_path(path)?;
        let headers = HeaderList::new(headers);
        let message = read_signed_headers(&headers)?;
        self.check_client_id(message.client_id)?;
        check_signature(engine, self.antom_public_key(), path, &message, body)?;
        let object = parse_object(body).ok_or_else(|| {
            Error::invalid_input("the verified notification body is not a JSON object")
        })?;
        let notify_type = NOTIFY_TYPE_FIELDS
            .iter()
            .find_map(|field| object.get(*field).and_then(Value::as_str))
            .map(str::to_owned);
        let result_status = object
            .get("result")
            .and_then(|result| result.get("resultStatus"))
            .and_then(Value::as_str)
            .map(ResultStatus::from_wire);
        Ok(Notification {
            notify_type,
            result_status,
            client_id: message.client_id.to_owned(),
            request_time: message.time.to_owned(),
            body: body.to_vec(),
        })
    }
}
