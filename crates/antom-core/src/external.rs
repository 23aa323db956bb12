//! Keys that never enter the process: a request prepared in two steps for an external signer
//! (AWS KMS, Google Cloud KMS, Azure Key Vault, an HSM). Plain data in, data out: the core
//! does no IO and calls nothing back.
//!
//! ```
//! # fn main() -> Result<(), antom_core::Error> {
//! # let kms_private = antom_core::PrivateKey::parse(include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64"))?;
//! # let antom_pub = antom_core::PublicKey::parse(include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64"))?;
//! use antom_core::{Client, ClientConfig};
//! let kms_public_key = kms_private.public_key(); // the KMS key's public half
//! let client = Client::new(ClientConfig::with_external_signer(
//!     "SANDBOX_5X00000000000000", Some(kms_public_key), antom_pub))?;
//! // 1. What must be signed: the message bytes and their SHA-256 digest.
//! let pending = client.prepare_external("v1/payments/inquiryPayment",
//!     br#"{"paymentRequestId":"order-1"}"#, 1_700_000_000_000)?;
//! // 2. Your KMS signs (RSASSA_PKCS1_V1_5_SHA_256, digest mode) and returns raw bytes.
//! let signature = kms_private.sign_digest(pending.digest())?; // stands in for the KMS call
//! // 3. The core checks the signature and builds the request to send.
//! let request = client.finish_external(pending, &signature)?;
//! assert_eq!(request.headers[3].0, "Signature");
//! # Ok(()) }
//! ```

use std::fmt;

use crate::client::{Auth, Client, METHOD, PreparedRequest, check_request_body};
use crate::content::SignedContent;
use crate::encoding::encode_signature;
use crate::error::{Error, Result};

/// Shortest raw signature accepted without a configured public key (RSA-2048), in bytes.
const MIN_SIGNATURE_LEN: usize = 256;
/// Longest raw signature accepted without a configured public key (RSA-8192), in bytes.
const MAX_SIGNATURE_LEN: usize = 1024;

/// A request waiting for its signature: give [`message`](Self::message) or
/// [`digest`](Self::digest) to the external signer (RSASSA-PKCS1-v1_5 with SHA-256), then
/// pass the raw signature to [`Client::finish_external`].
///
/// AWS KMS: `Sign` with `SigningAlgorithm=RSASSA_PKCS1_V1_5_SHA_256` and either
/// `MessageType=RAW` with the message (at most 4096 bytes) or `MessageType=DIGEST` with the
/// digest. Google Cloud KMS: `asymmetricSign` with `digest.sha256`.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningRequest {
    path: String,
    url: String,
    time: String,
    body: String,
    message: Vec<u8>,
    digest: [u8; 32],
}

impl SigningRequest {
    /// Exactly what is signed: `POST path\nclient-id.request-time.body`.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// SHA-256 of [`message`](Self::message): what a KMS in digest mode signs.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The path that will be requested and signed.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `Request-Time` that is signed, epoch milliseconds.
    pub fn request_time(&self) -> &str {
        &self.time
    }
}

impl fmt::Debug for SigningRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningRequest")
            .field("url", &self.url)
            .field("request_time", &self.time)
            .field("message", &crate::redact::describe_body(&self.message))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Step 1 of preparing a request for an external signer: resolves the path, checks the
    /// body, and returns what must be signed. Nothing is sent or signed here.
    ///
    /// # Errors
    /// `INVALID_INPUT` for a bad path, a body over the size limit or not a JSON object, or a
    /// client that is not configured with [`crate::ClientConfig::with_external_signer`].
    pub fn prepare_external(
        &self,
        api: &str,
        body: impl AsRef<[u8]>,
        request_time: u64,
    ) -> Result<SigningRequest> {
        let body = body.as_ref();
        self.check_body_size(body.len(), "request")?;
        if !matches!(self.auth, Auth::External { .. }) {
            return Err(Error::invalid_input(
                "prepare_external needs a client built with ClientConfig::with_external_signer",
            ));
        }
        let path = self.resolve_path(api)?;
        let body = check_request_body(body)?;
        let time = request_time.to_string();
        let content = SignedContent::new(METHOD, &path, self.client_id(), &time, body.as_bytes());
        Ok(SigningRequest {
            url: format!("{}{}", self.gateway_url(), path),
            digest: content.digest(),
            message: content.to_vec(),
            path,
            time,
            body,
        })
    }

    /// Step 2: takes the external signer's raw RSASSA-PKCS1-v1_5 / SHA-256 signature of
    /// `request` and returns the request to send, exactly as [`Client::prepare`] would.
    ///
    /// The signature must have the key's modulus length (256 to 1024 bytes when no public key
    /// is configured); with the merchant's public key configured it must also verify, so a
    /// wrong KMS key or algorithm fails here with `SIGNING_FAILED`, never at Antom.
    ///
    /// # Errors
    /// `SIGNING_FAILED` for a signature of the wrong length or one that does not verify;
    /// `INVALID_INPUT` for a client that is not configured for an external signer.
    pub fn finish_external(
        &self,
        request: SigningRequest,
        signature: &[u8],
    ) -> Result<PreparedRequest> {
        let Auth::External {
            public_key,
            key_version,
            agent_token,
        } = &self.auth
        else {
            return Err(Error::invalid_input(
                "finish_external needs a client built with ClientConfig::with_external_signer",
            ));
        };
        match public_key {
            Some(key) => {
                if signature.len() != key.signature_len() {
                    return Err(Error::signing_failed(format!(
                        "the external signature has {} bytes; the configured RSA-{} key makes {}",
                        signature.len(),
                        key.bits(),
                        key.signature_len()
                    )));
                }
                if !key.verify_digest(&request.digest, signature) {
                    return Err(Error::signing_failed(
                        "the external signature does not verify with the configured merchant \
                         public key: check the KMS key id, that the algorithm is \
                         RSASSA_PKCS1_V1_5_SHA_256, and that the digest (or message) was \
                         passed unchanged",
                    ));
                }
            }
            None if !(MIN_SIGNATURE_LEN..=MAX_SIGNATURE_LEN).contains(&signature.len()) => {
                return Err(Error::signing_failed(format!(
                    "the external signature has {} bytes; an RSA-2048 to RSA-8192 signature has \
                     {MIN_SIGNATURE_LEN} to {MAX_SIGNATURE_LEN}",
                    signature.len()
                )));
            }
            None => {}
        }
        let headers = self.signed_headers(
            request.time,
            encode_signature(signature),
            *key_version,
            agent_token,
        );
        Ok(PreparedRequest {
            method: METHOD.to_owned(),
            url: request.url,
            path: request.path,
            headers,
            body: request.body,
        })
    }
}
