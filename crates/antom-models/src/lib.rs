//! Typed Antom request, response and notification bodies.
//!
//! Every struct here is generated from one schema, `schema/models.json`, by
//! `codegen/generate.py`, which also writes the TypeScript, Python, Kotlin and Swift models
//! (`make models`; `make models-check` fails when a generated file is out of date).
//!
//! * Field names are Antom's camelCase JSON names (`paymentRequestId` is
//!   `payment_request_id`); optional fields are `Option`s and are left out when `None`.
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
//!     Some(Amount { currency: "USD".into(), value: "1050".into(), ..Default::default() })
//! );
//! assert_eq!(inquiry.extra["newField"], 1);
//! assert_eq!(InquiryPaymentResponse::API, "v1/payments/inquiryPayment");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod models;

pub use models::*;
