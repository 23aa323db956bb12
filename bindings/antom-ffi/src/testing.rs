//! The testing kit (`antom_core::testing`) for merchants' unit tests: throw-away keys, Antom's
//! signed notifications and responses, sample bodies of every catalogue type. Type conversion
//! only: what is signed and how the samples are built live in the core.

use std::sync::Arc;

use antom_core::testing as at;

use crate::{Header, PrivateKey, PublicKey, Result};

/// A throw-away Antom key pair and merchant key pair for tests, generated afresh (RSA-2048).
/// Its string form shows the public halves' fingerprints only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TestKeys(at::TestKeys);

impl std::fmt::Debug for TestKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl TestKeys {
    /// Generates two fresh RSA-2048 key pairs (a second or two).
    ///
    /// Errors: `SigningFailed` when the platform gives no randomness.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<TestKeys>> {
        Ok(Arc::new(TestKeys(at::TestKeys::generate()?)))
    }

    /// The test Antom private key: signs notifications and responses "from Antom".
    pub fn antom_private_key(&self) -> Arc<PrivateKey> {
        Arc::new(PrivateKey(self.0.antom_private_key().clone()))
    }

    /// The test Antom public key: what the client under test verifies with.
    pub fn antom_public_key(&self) -> Arc<PublicKey> {
        Arc::new(PublicKey(self.0.antom_public_key()))
    }

    /// The test merchant private key: what the client under test signs with.
    pub fn merchant_private_key(&self) -> Arc<PrivateKey> {
        Arc::new(PrivateKey(self.0.merchant_private_key().clone()))
    }

    /// The test merchant public key: what a fake gateway verifies requests with.
    pub fn merchant_public_key(&self) -> Arc<PublicKey> {
        Arc::new(PublicKey(self.0.merchant_public_key()))
    }

    /// The TEST-ONLY Antom private key text (one-line base64 PKCS#8, the Dashboard form).
    /// Only this throw-away test object ever hands private key text to the host.
    pub fn test_only_antom_private_key_text(&self) -> String {
        self.0.test_only_antom_private_key_text().to_owned()
    }

    /// The TEST-ONLY merchant private key text (one-line base64 PKCS#8): configure the
    /// client under test with it.
    pub fn test_only_merchant_private_key_text(&self) -> String {
        self.0.test_only_merchant_private_key_text().to_owned()
    }
}

/// One notification type of the catalogue (a notification body model).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestNotificationType {
    /// The body model's name (`NotifyRefundRequest`).
    pub body: String,
    /// The field that tells the types apart (`notifyType`, or e.g. `authorizationNotifyType`).
    pub field: Option<String>,
    /// Its known values (`REFUND_RESULT`); the first is the default.
    pub values: Vec<String>,
}

fn headers(pairs: Vec<(String, String)>) -> Vec<Header> {
    pairs
        .into_iter()
        .map(|(name, value)| Header { name, value })
        .collect()
}

/// The headers of a notification "Antom" POSTs to `path` (your endpoint's path):
/// `content-type`, `client-id`, `request-time` (ISO-8601 UTC of `request_time_ms`) and
/// `signature` (`algorithm=RSA256,keyVersion=<key_version>,signature=...`), signed with
/// `antom_key`.
///
/// Errors: `SigningFailed` if the platform has no randomness for blinding.
#[uniffi::export]
pub fn testing_sign_notification(
    antom_key: Arc<PrivateKey>,
    path: String,
    client_id: String,
    request_time_ms: u64,
    body: Vec<u8>,
    key_version: u32,
) -> Result<Vec<Header>> {
    Ok(headers(at::sign_notification(
        &antom_key.0,
        &path,
        &client_id,
        request_time_ms,
        &body,
        key_version,
    )?))
}

/// The headers of "Antom"'s reply to a request sent to `path` (the request's resolved path):
/// `content-type`, `client-id`, `response-time` and `signature`, signed with `antom_key`.
///
/// Errors: `SigningFailed` if the platform has no randomness for blinding.
#[uniffi::export]
pub fn testing_sign_response(
    antom_key: Arc<PrivateKey>,
    path: String,
    client_id: String,
    response_time_ms: u64,
    body: Vec<u8>,
    key_version: u32,
) -> Result<Vec<Header>> {
    Ok(headers(at::sign_response(
        &antom_key.0,
        &path,
        &client_id,
        response_time_ms,
        &body,
        key_version,
    )?))
}

/// A sample notification body of type `name` (`PAYMENT_RESULT`, another discriminator value,
/// or a body model's name): a successful `result`, every required field filled (ids
/// `{id_prefix}_{field}`, times `time`), then each `field=value` override (dotted paths; the
/// value is JSON for objects, lists, `true`/`false`/`null`, quoted strings, else the text).
///
/// Errors: `InvalidInput` for an unknown type or a malformed override.
#[uniffi::export]
pub fn testing_sample_notification(
    name: String,
    id_prefix: String,
    time: String,
    overrides: Vec<String>,
) -> Result<String> {
    Ok(at::sample_notification(
        &name, &id_prefix, &time, &overrides,
    )?)
}

/// A reply body of the API `api` (`payments.pay`, or its path) with `result.resultStatus`
/// `result_status` (`S` successful, `U` `UNKNOWN_EXCEPTION`, `F` `PROCESS_FAIL`), then the
/// overrides (as for `testing_sample_notification`).
///
/// Errors: `InvalidInput` for an unknown API or status, or a malformed override.
#[uniffi::export]
pub fn testing_sample_response(
    api: String,
    result_status: String,
    overrides: Vec<String>,
) -> Result<String> {
    Ok(at::sample_response(&api, &result_status, &overrides)?)
}

/// Every notification type of the catalogue, in the schema's order.
#[uniffi::export]
pub fn testing_notification_types() -> Vec<TestNotificationType> {
    at::notification_types()
        .into_iter()
        .map(|t| TestNotificationType {
            body: t.body,
            field: t.field,
            values: t.values,
        })
        .collect()
}

/// `millis` since the epoch as ISO-8601 UTC to the second (Antom's `request-time` form).
#[uniffi::export]
pub fn testing_iso8601(millis: u64) -> String {
    at::iso8601(millis)
}

/// Checks a request's signature as Antom's gateway does (`signature`, `request-time` and
/// `client-id` required; `POST path\nclient-id.request-time.body` signed with the key whose
/// public half is `merchant_public_key`), for a fake gateway; returns the `client-id`.
///
/// Errors: `MissingHeader`, `MalformedSignature`, `UnsupportedAlgorithm`,
/// `SignatureMismatch`, `InvalidInput`.
#[uniffi::export]
pub fn testing_verify_request(
    merchant_public_key: Arc<PublicKey>,
    path: String,
    headers: Vec<Header>,
    body: Vec<u8>,
) -> Result<String> {
    let pairs: Vec<(String, String)> = headers.into_iter().map(|h| (h.name, h.value)).collect();
    Ok(antom_core::verify_request(&merchant_public_key.0, &path, &pairs, &body)?.client_id)
}
