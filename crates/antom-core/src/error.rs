//! The one error type of antom-core and its stable codes.

use std::fmt;

/// What went wrong, as a stable code a caller can branch on.
///
/// The string form ([`ErrorCode::as_str`]) never changes: bindings expose it as the
/// `code` of their exception type, and the conformance vectors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A key could not be parsed, is encrypted, is not RSA, or is too small/large.
    InvalidKey,
    /// An argument is malformed: a path, a client id, a gateway URL, a body, a header list.
    InvalidInput,
    /// A signature value or `Signature` header cannot be decoded.
    MalformedSignature,
    /// The `Signature` header names an algorithm other than `RSA256`.
    UnsupportedAlgorithm,
    /// A well-formed signature does not match the content: the message is not authentic.
    SignatureMismatch,
    /// A header the protocol requires is missing or empty.
    MissingHeader,
    /// The `client-id` header is not the client id this client is configured with.
    ClientIdMismatch,
    /// A response carries no signature and is not a gateway error (`F`/`U`) result.
    UnsignedResponse,
    /// An amount is not a positive decimal the currency can represent.
    InvalidAmount,
    /// A currency code is not an ISO 4217 currency with a minor unit.
    UnsupportedCurrency,
    /// The RSA signing operation itself failed (for example, no randomness for blinding).
    SigningFailed,
    /// A message is signed with a `keyVersion` that no key of the Antom key ring is tagged
    /// with (and the ring has no untagged key): add Antom's new key, or refuse the message.
    UnknownKeyVersion,
    /// A configured key is the wrong one: the Antom public key is the merchant's own public
    /// key (the two are swapped in the configuration).
    WrongKey,
}

impl ErrorCode {
    /// The stable, upper-case string form of this code, e.g. `"SIGNATURE_MISMATCH"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidKey => "INVALID_KEY",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::MalformedSignature => "MALFORMED_SIGNATURE",
            ErrorCode::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            ErrorCode::SignatureMismatch => "SIGNATURE_MISMATCH",
            ErrorCode::MissingHeader => "MISSING_HEADER",
            ErrorCode::ClientIdMismatch => "CLIENT_ID_MISMATCH",
            ErrorCode::UnsignedResponse => "UNSIGNED_RESPONSE",
            ErrorCode::InvalidAmount => "INVALID_AMOUNT",
            ErrorCode::UnsupportedCurrency => "UNSUPPORTED_CURRENCY",
            ErrorCode::SigningFailed => "SIGNING_FAILED",
            ErrorCode::UnknownKeyVersion => "UNKNOWN_KEY_VERSION",
            ErrorCode::WrongKey => "WRONG_KEY",
        }
    }

    /// Every code, in declaration order (for bindings that mirror the set).
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::InvalidKey,
        ErrorCode::InvalidInput,
        ErrorCode::MalformedSignature,
        ErrorCode::UnsupportedAlgorithm,
        ErrorCode::SignatureMismatch,
        ErrorCode::MissingHeader,
        ErrorCode::ClientIdMismatch,
        ErrorCode::UnsignedResponse,
        ErrorCode::InvalidAmount,
        ErrorCode::UnsupportedCurrency,
        ErrorCode::SigningFailed,
        ErrorCode::UnknownKeyVersion,
        ErrorCode::WrongKey,
    ];
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An antom-core error: a stable [`ErrorCode`] plus a message that says what to fix.
///
/// Messages never contain key material, signature values or message bodies, so they are
/// safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// Builds an error with a stable code, e.g. for an [`crate::RsaEngine`] backed by host
    /// crypto that must report `SIGNING_FAILED`. Pass fixed wording: never key material,
    /// signatures or bodies.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable explanation (without the code prefix).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Shorthand for `Result<T, antom_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! constructors {
    ($($name:ident => $code:ident),* $(,)?) => {
        impl Error {
            $(
                pub(crate) fn $name(message: impl Into<String>) -> Self {
                    Error::new(ErrorCode::$code, message)
                }
            )*
        }
    };
}

constructors! {
    invalid_key => InvalidKey,
    invalid_input => InvalidInput,
    malformed_signature => MalformedSignature,
    unsupported_algorithm => UnsupportedAlgorithm,
    signature_mismatch => SignatureMismatch,
    missing_header => MissingHeader,
    client_id_mismatch => ClientIdMismatch,
    unsigned_response => UnsignedResponse,
    invalid_amount => InvalidAmount,
    unsupported_currency => UnsupportedCurrency,
    signing_failed => SigningFailed,
    unknown_key_version => UnknownKeyVersion,
    wrong_key => WrongKey,
}
