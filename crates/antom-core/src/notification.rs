//! Verifying a notification (webhook) before its body is parsed.

use crate::client::Client;
use crate::engine::{BuiltinEngine, RsaEngine};
use crate::error::{Error, Result};
use crate::headers::HeaderList;
use crate::key_ring::KeyId;
use crate::message::{check_signature, read_signed_headers};
use crate::notification_fields::{
    DEDUP_ID_FIELDS, FIELDS, NOTIFY_TYPE_FIELDS, NotificationFields, REFUND_STATUS_FIELD,
};
use crate::outcome::{Outcome, notification_outcome};
use crate::path::check_notification_path;
use crate::result::ResultStatus;

/// The body to answer a verified, accepted notification with (HTTP 200). Anything else makes
/// Antom retry (up to 8 times within 24 hours; not in sandbox).
pub const NOTIFICATION_ACK: &str =
    r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;

/// Opt-in freshness for [`Client::verify_notification_fresh`]: reject notifications whose
/// signed `request-time` is further than `max_age_ms` from `now_ms` (either direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The current time, epoch milliseconds (the core has no clock).
    pub now_ms: u64,
    /// The largest accepted distance between `now_ms` and the notification's `request-time`.
    pub max_age_ms: u64,
}

/// A notification whose signature has been verified. `Debug` shows the body's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct Notification {
    /// The first of `notifyType`, `authorizationNotifyType`, `disputeNotificationType`,
    /// `subscriptionNotificationType` present in the body (e.g. `PAYMENT_RESULT`).
    pub notify_type: Option<String>,
    /// `result.resultStatus` when present (an unexpected letter reads as `Unknown`). For a
    /// `PAYMENT_PENDING` notification `S` means "processing": act on [`Notification::outcome`].
    pub result_status: Option<ResultStatus>,
    /// The state of the payment, refund or capture this notification is about (see
    /// [`Outcome`]): only [`Outcome::Succeeded`] proves payment.
    pub outcome: Outcome,
    /// The `client-id` header (equal to the configured client id).
    pub client_id: String,
    /// The `request-time` header, verbatim.
    pub request_time: String,
    /// The raw body that was verified, for the caller to parse.
    pub body: Vec<u8>,
    /// A stable key to process each notification once: `"{notifyType}:{field}={value}"`
    /// with the first of `refundId`, `captureId`, `disputeId`, `refundRequestId`,
    /// `captureRequestId`, `paymentId`, `paymentRequestId`, `authPaymentId` present (e.g.
    /// `PAYMENT_RESULT:paymentId=2024...`), else `"sha256:{hex of the body}"`. Antom resends a
    /// notification until it is acknowledged; store this key with the effect of processing it
    /// (in the same database transaction) and acknowledge a key already seen without
    /// processing it again.
    pub dedup_key: String,
    /// The Antom key that verified it (its ring tag and fingerprint): during a rotation, which
    /// key Antom is signing with.
    pub verified_by: KeyId,
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
    /// `SIGNATURE_MISMATCH` (naming the keys tried); `UNKNOWN_KEY_VERSION` when the header's
    /// `keyVersion` is in no tag of a fully tagged key ring; `INVALID_INPUT` for a bad path, a
    /// repeated header, or a verified body that is not a JSON object.
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
        self.verify_notification_with(&BuiltinEngine, path, headers, body)
    }

    /// As [`Client::verify_notification`], and also refuses a notification whose signed
    /// `request-time` is not within `freshness.max_age_ms` of `freshness.now_ms`: a replay
    /// guard. Off by default because Antom retries deliveries for about a day; if you turn it
    /// on, keep `max_age_ms` generous and rely on [`Notification::dedup_key`] for
    /// idempotency. The age is checked before the signature (it is cheap), but a stale
    /// notification is refused whether or not its signature is valid.
    ///
    /// # Errors
    /// As for [`Client::verify_notification`]; `INVALID_INPUT` when `request-time` is neither
    /// epoch milliseconds nor an ISO-8601 time with a zone (what Antom's notifications carry,
    /// e.g. `2019-07-12T12:08:56+05:30`), or is outside the window.
    pub fn verify_notification_fresh<H, K, V>(
        &self,
        path: &str,
        headers: &H,
        body: &[u8],
        freshness: Freshness,
    ) -> Result<Notification>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.verify_notification_inner(&BuiltinEngine, path, headers, body, Some(freshness))
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
        self.verify_notification_inner(engine, path, headers, body, None)
    }

    /// As [`Client::verify_notification_fresh`], with the RSA operation done by `engine`.
    ///
    /// # Errors
    /// As for [`Client::verify_notification_fresh`].
    pub fn verify_notification_fresh_with<H, K, V>(
        &self,
        engine: &dyn RsaEngine,
        path: &str,
        headers: &H,
        body: &[u8],
        freshness: Freshness,
    ) -> Result<Notification>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.verify_notification_inner(engine, path, headers, body, Some(freshness))
    }

    fn verify_notification_inner<H, K, V>(
        &self,
        engine: &dyn RsaEngine,
        path: &str,
        headers: &H,
        body: &[u8],
        freshness: Option<Freshness>,
    ) -> Result<Notification>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.check_body_size(body.len(), "notification")?;
        check_notification_path(path)?;
        let headers = HeaderList::new(headers);
        let message = read_signed_headers(&headers)?;
        self.check_client_id(message.client_id)?;
        if let Some(freshness) = freshness {
            check_freshness(message.time, freshness)?;
        }
        let verified_by = check_signature(engine, self.antom_keys(), path, &message, body)?;
        // The rules read a handful of fields: one pass, strings borrowed, no tree.
        let fields = NotificationFields::parse(body).ok_or_else(|| {
            Error::invalid_input("the verified notification body is not a JSON object")
        })?;
        let notify_type = NOTIFY_TYPE_FIELDS
            .iter()
            .find_map(|&index| fields.get(index));
        let status = fields.result_status();
        let outcome = notification_outcome(notify_type, status, fields.get(REFUND_STATUS_FIELD));
        let dedup_key = dedup_key(&fields, notify_type, body);
        let notify_type = notify_type.map(str::to_owned);
        let result_status = status.map(ResultStatus::from_wire);
        Ok(Notification {
            notify_type,
            result_status,
            outcome,
            client_id: message.client_id.to_owned(),
            request_time: message.time.to_owned(),
            body: body.to_vec(),
            dedup_key,
            verified_by,
        })
    }
}

fn check_freshness(request_time: &str, freshness: Freshness) -> Result<()> {
    let time = crate::request_time_ms(request_time).ok_or_else(|| {
        Error::invalid_input(
            "the notification's request-time is neither epoch milliseconds nor an ISO-8601 \
             time with a zone (Z or +hh:mm), so its age cannot be checked",
        )
    })?;
    let age = freshness.now_ms.abs_diff(time);
    if age > freshness.max_age_ms {
        return Err(Error::invalid_input(format!(
            "the notification's request-time is {} s away from now; at most {} s are \
             accepted (a replay, or a clock that is off)",
            age / 1000,
            freshness.max_age_ms / 1000
        )));
    }
    Ok(())
}

/// [`Notification::dedup_key`]: the first non-empty id of [`DEDUP_ID_FIELDS`] (most specific
/// first: a refund or capture notification also carries its payment's id), else the body's
/// SHA-256.
fn dedup_key(fields: &NotificationFields<'_>, notify_type: Option<&str>, body: &[u8]) -> String {
    let id = DEDUP_ID_FIELDS.iter().find_map(|&index| {
        fields
            .get(index)
            .filter(|value| !value.is_empty())
            .zip(FIELDS.get(index))
            .map(|(value, field)| (*field, value))
    });
    match id {
        Some((field, value)) => {
            let notify_type = notify_type.unwrap_or("");
            let mut key = String::with_capacity(notify_type.len() + field.len() + value.len() + 2);
            key.push_str(notify_type);
            key.push(':');
            key.push_str(field);
            key.push('=');
            key.push_str(value);
            key
        }
        None => {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(body);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}")
        }
    }
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notification")
            .field("notify_type", &self.notify_type)
            .field("result_status", &self.result_status)
            .field("outcome", &self.outcome)
            .field("client_id", &self.client_id)
            .field("request_time", &self.request_time)
            .field("dedup_key", &self.dedup_key)
            .field("verified_by", &self.verified_by)
            .field("body", &crate::redact::describe_body(&self.body))
            .finish()
    }
}
