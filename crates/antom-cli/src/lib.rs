//! The `antom` command's library: everything that touches the world (files, sockets,
//! clocks) on top of the pure `antom-core`.
//!
//! * [`mock`]: a local Antom simulator (signed responses, payment state machine,
//!   idempotency, signed notifications retried on Antom's schedule).
//! * [`http`]: a minimal HTTP/1.1 client that only ever talks to loopback addresses.
//! * [`keyfile`]: reading key files and describing their format without printing them.
//! * [`clock`]: wall-clock helpers (epoch milliseconds, ISO-8601 UTC).
//! * [`signer`]: running an external signing command (an HSM or KMS tool).

pub mod clock;
pub mod http;
pub mod keyfile;
pub mod mock;
pub mod notifications;
pub mod signer;
