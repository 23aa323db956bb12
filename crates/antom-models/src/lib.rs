//! Typed Antom request, response and notification bodies.
//!
//! Every struct here is generated from one schema, `schema/models.json`, by
//! `codegen/generate.py`, which also writes the TypeScript, Python, Kotlin and Swift models
//! (`make models`; `make models-check` fails when a generated file is out of date).
//!
//! * Field names are Antom's camelCase JSON names (`paymentRequestId` is
//!   `payment_request_id`); optional fields are `Option`s and are left out when `None`.
//! * Forward-compatible inbound: every field of a type that Antom writes — a response, a
//!   notification body, and every type they reach (`Amount`, `ApiResult`, ...) — is an
//!   `Option`, even one Antom's reference calls required, so a reply or notification without
//!   it still parses (the field is `None`). Only request-only types (`PayRequest`,
//!   `RefundRequest`, ...) have non-optional fields, so building a request without a required
//!   field does not compile, and parsing one fails naming it.
//! * Every scalar is a `String`, as Antom sends it: amounts are [`Amount`] with `value` a
//!   string of minor units (see `antom_core::to_minor_units`), booleans are `"true"`.
//! * Fields a struct does not describe are kept in its `extra` map and written back when
//!   serialised, so a body survives a parse and re-serialise round trip.
//!
//! Parse only bytes the core verified, and sign exactly the bytes you serialise:
//!
//! ```
//! use antom_models::{Amount, InquiryPaymentResponse};
//!
//! let verified = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success."},
//!     "paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1050"},"newField":1}"#;
//! let inquiry: InquiryPaymentResponse = serde_json::from_slice(verified)?;
//! assert_eq!(inquiry.payment_status.as_deref(), Some("SUCCESS"));
//! assert_eq!(
//!     inquiry.payment_amount,
//!     Some(Amount { currency: Some("USD".into()), value: Some("1050".into()), ..Default::default() })
//! );
//! assert_eq!(inquiry.extra["newField"], 1);
//! assert_eq!(InquiryPaymentResponse::API, "v1/payments/inquiryPayment");
//! # Ok::<(), serde_json::Error>(())
//! ```

//!
//! Typed calls: every request type implements [`ApiRequest`], which names its API and its
//! response type. [`request_body`] gives what `Client::prepare` (or `send`) takes and
//! [`response_of`] parses the verified reply as that API's response:
//!
//! ```
//! use antom_models::{ApiRequest, CustomerCreateRequest, request_body, response_of};
//!
//! let request = CustomerCreateRequest { email: Some("buyer@example.com".into()), ..Default::default() };
//! let (api, body) = request_body(&request)?;
//! assert_eq!(api, "v1/billing/customer/create");
//! assert_eq!(CustomerCreateRequest::API_NAME, "billing.customer.create");
//! // let prepared = client.prepare(api, &body, now_ms)?; ... then, with the verified reply:
//! let verified = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"customerId":"c-1"}"#;
//! let created = response_of::<CustomerCreateRequest>(verified)?;
//! assert_eq!(created.customer_id.as_deref(), Some("c-1"));
//! # let _ = body;
//! # Ok::<(), serde_json::Error>(())
//! ```

mod models;

pub use models::*;

/// The API path and the JSON bytes of a typed request: the first two arguments of
/// `Client::prepare` (sign exactly these bytes).
pub fn request_body<R: ApiRequest>(
    request: &R,
) -> Result<(&'static str, Vec<u8>), serde_json::Error> {
    Ok((R::API_PATH, serde_json::to_vec(request)?))
}

/// The verified body of a reply to `R`'s API, as that API's response model. Parse only bytes the
/// core verified.
pub fn response_of<R: ApiRequest>(verified_body: &[u8]) -> Result<R::Response, serde_json::Error> {
    serde_json::from_slice(verified_body)
}
