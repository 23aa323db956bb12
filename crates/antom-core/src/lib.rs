//! # antom-core
//!
//! Sign Antom API requests and verify Antom responses and notifications — correctly, in one
//! place, for every language. This crate is pure: no network, no clock, no files, no global
//! state, no panics. Time and bytes come in as arguments; results go out as data.
//!
//! ## The round trip
//!
//! ```
//! # fn main() -> Result<(), antom_core::Error> {
//! # let private_key = include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");
//! # let antom_public_key = include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");
//! use antom_core::{Client, ClientConfig, NextAction, PrivateKey, PublicKey};
//!
//! // Once, at start-up: keys from your secret store, exactly as the Antom Dashboard shows them.
//! let client = Client::new(ClientConfig::new(
//!     "SANDBOX_5X00000000000000",
//!     PrivateKey::parse(private_key)?,
//!     PublicKey::parse(antom_public_key)?,
//! ))?;
//!
//! // 1. Prepare: the core signs; your HTTP client sends exactly these bytes.
//! let body = r#"{"paymentRequestId":"order-42"}"#;
//! let request = client.prepare("v1/payments/inquiryPayment", body, 1_700_000_000_000)?;
//! assert_eq!(request.headers[3].0, "Signature");
//!
//! // 2. Send request.method, request.url, request.headers, request.body (your HTTP client).
//! // 3. Verify the raw response headers and bytes before trusting anything in them.
//! let headers = [("content-type", "application/json")];
//! let unsigned_error = br#"{"result":{"resultStatus":"U","resultCode":"UNKNOWN_EXCEPTION"}}"#;
//! let response = client.verify_response(&request.path, &headers, unsigned_error)?;
//! assert!(!response.verified);
//! assert_eq!(response.next_action(), NextAction::Inquire); // never "pay again"
//! # Ok(()) }
//! ```
//!
//! Notifications: [`Client::verify_notification`] with your endpoint's path, the raw headers
//! and the raw body; process it only after that succeeds, then answer [`NOTIFICATION_ACK`].
//!
//! ## Security rules this crate enforces
//! * A response with `resultStatus` `S` is never accepted without a valid signature.
//! * A notification is verified before its body is parsed.
//! * `U` (and any unexpected status) maps to [`NextAction::Inquire`]: inquire or resend the
//!   identical request, never ask the buyer to pay again. A browser redirect is not proof of
//!   payment.
//! * Every verified response and notification carries an [`Outcome`] for the money it is
//!   about: only [`Outcome::Succeeded`] proves payment (a `PAYMENT_RESULT` `S`, or an
//!   `inquiryPayment` `S` with `paymentStatus` `SUCCESS`); an unverified message is never
//!   `Succeeded` or `Failed`.
//! * Private keys are zeroized on drop, never printed by `Debug`, never in error messages.
//! * Antom's public keys form a [`KeyRing`]: a message is verified only with the key its
//!   `keyVersion` selects (or, without a version, with each key in order), and a key that is
//!   the merchant's own public key is refused at construction (`WRONG_KEY`).

mod amount;
mod backend;
mod client;
mod config;
mod content;
mod currency_table;
pub mod dedup;
mod encoding;
mod endpoints;
mod engine;
mod error;
mod events;
mod external;
mod header;
mod headers;
mod key_format;
mod key_ring;
mod keys;
mod message;
pub mod meter;
mod notification;
mod notification_fields;
mod outcome;
mod outcome_wait;
mod path;
mod pem;
mod redact;
mod request_time;
mod response;
mod result;
mod retry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod upload;

pub use amount::{MAX_VALUE_DIGITS, from_minor_units, minor_unit_exponent, to_minor_units};
pub use client::{CONTENT_TYPE, Client, METHOD, PreparedRequest, check_body_size};
pub use config::{
    ApiKey, ApiKeyKind, ClientConfig, Credential, DEFAULT_MAX_BODY_BYTES, Environment, Region,
};
pub use content::{SignedContent, content_bytes, content_to_sign};
pub use endpoints::{Endpoint, OutcomeRule, Transport, endpoint, endpoints};
pub use engine::{BuiltinEngine, RsaEngine};
pub use error::{Error, ErrorCode, Result};
pub use events::{
    AttributeValue, MASK, SEND_EVENT_ATTRIBUTES, SENSITIVE_FIELDS, SendEvent, is_sensitive_field,
    mask_body, span_name,
};
pub use external::SigningRequest;
pub use header::{
    ALGORITHM_RSA256, MAX_SIGNATURE_HEADER_ITEMS, MAX_SIGNATURE_HEADER_LEN, SignatureHeader,
};
pub use key_format::describe_key_format;
pub use key_ring::{AntomKey, KeyId, KeyRing, MAX_RING_KEYS};
pub use keys::{MAX_PRIVATE_KEY_BITS, MAX_PUBLIC_KEY_BITS, MIN_KEY_BITS, PrivateKey, PublicKey};
pub use message::{
    NOTIFICATION_HEADERS, VerifiedMessage, signature_header, verify_request, verify_request_ring,
    which_key,
};
pub use notification::{Freshness, NOTIFICATION_ACK, Notification};
pub use outcome::Outcome;
pub use outcome_wait::{
    Inquiry, InquiryDecision, InquiryPolicy, InquiryReason, MAX_INQUIRY_DELAY_MS, inquiry_for,
    next_inquiry,
};
pub use redact::{SECRET_HEADERS, describe_body, redact_header};
pub use request_time::request_time_ms;
pub use response::{ApiResponse, RESPONSE_HEADERS};
pub use result::{NextAction, ResultStatus};
pub use retry::{
    AttemptFailure, IdempotencyKey, MAX_ATTEMPT_TIMEOUT_MS, MAX_ATTEMPTS, MAX_BACKOFF_LIMIT_MS,
    MAX_DEADLINE_MS, RetryDecision, RetryPolicy, StopReason, api_name, attempt_timeout_ms,
    decide_retry, idempotency_key,
};
