//! External signers (AWS KMS, Google Cloud KMS, an HSM): the core's two steps, as glue. The
//! signing call itself runs in the host language (Python's `signer=`, the JVM's `Signer`,
//! Swift), between `Client.prepare_external` and `Client.finish_external`; nothing here calls
//! back into it.

use std::sync::Arc;

use antom_core as ac;

use crate::{Client, Header, PreparedRequest, Result};

impl From<ac::PreparedRequest> for PreparedRequest {
    fn from(request: ac::PreparedRequest) -> PreparedRequest {
        PreparedRequest {
            method: request.method,
            url: request.url,
            path: request.path,
            headers: request
                .headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            body: request.body,
        }
    }
}

/// A request waiting for an external signer's signature (from `Client.prepare_external`).
/// Sign `message()` (AWS KMS `MessageType=RAW`, at most 4096 bytes) or `digest()` (its
/// SHA-256: AWS KMS `MessageType=DIGEST`, Google Cloud KMS `digest.sha256`) with
/// RSASSA-PKCS1-v1_5 / SHA-256, then pass the raw signature to `Client.finish_external`.
/// Its string form shows the URL and time, and the message as its length only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SigningRequest(ac::SigningRequest);

impl std::fmt::Debug for SigningRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl SigningRequest {
    /// Exactly what is signed: `POST path\nclient-id.request-time.body`, as bytes.
    pub fn message(&self) -> Vec<u8> {
        self.0.message().to_vec()
    }

    /// The SHA-256 digest of `message()` (32 bytes): what a KMS in digest mode signs.
    pub fn digest(&self) -> Vec<u8> {
        self.0.digest().to_vec()
    }

    /// The path that will be requested and signed.
    pub fn path(&self) -> String {
        self.0.path().to_owned()
    }

    /// The `Request-Time` that is signed (epoch milliseconds, as sent).
    pub fn request_time(&self) -> String {
        self.0.request_time().to_owned()
    }
}

#[uniffi::export]
impl Client {
    /// Step 1 of preparing a request for an external signer (a client built with
    /// `Credential::ExternalSigner`): checks the path and body and returns what must be
    /// signed. Nothing is signed or sent here. `request_time` is epoch milliseconds.
    ///
    /// Errors: `InvalidInput` for a bad path, a body that is not a UTF-8 JSON object or is
    /// over `max_body_bytes`, or a client without an external signer.
    pub fn prepare_external(
        &self,
        api: String,
        body: Vec<u8>,
        request_time: u64,
    ) -> Result<Arc<SigningRequest>> {
        let request = self.0.prepare_external(&api, &body, request_time)?;
        Ok(Arc::new(SigningRequest(request)))
    }

    /// Step 2: takes the external signer's raw RSASSA-PKCS1-v1_5 / SHA-256 signature of
    /// `request` (the bytes, not base64) and returns the request to send, exactly as
    /// `prepare` would with the key in process.
    ///
    /// Errors: `SigningFailed` for a signature of the wrong length, or one that does not
    /// verify with the configured merchant public key; `InvalidInput` for a client without
    /// an external signer.
    pub fn finish_external(
        &self,
        request: Arc<SigningRequest>,
        signature: Vec<u8>,
    ) -> Result<PreparedRequest> {
        Ok(self
            .0
            .finish_external(request.0.clone(), &signature)?
            .into())
    }
}
