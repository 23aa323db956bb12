//! Verifying an API response before anything in it is trusted.

use crate::client::{Client, METHOD};
use crate::content::SignedContent;
use crate::engine::{BuiltinEngine, RsaEngine};
use crate::error::{Error, ErrorCode, Result};

/// The tail of `meter.uploadEvent`'s path in every environment (its replies are unsigned).
const EVENT_UPLOAD_SUFFIX: &str = "/v1/meter/uploadEvent";
use crate::header::SignatureHeader;
use crate::headers::HeaderList;
use crate::key_ring::KeyId;
use crate::outcome::{Outcome, response_outcome};
use crate::result::{NextAction, ResultStatus, body_result, not_json_object, parse_object};

/// The only headers a response is read from, lowercase: `signature`, `response-time`,
/// `client-id`. Matching is ASCII case-insensitive after trimming the name, and a name that
/// appears twice is refused, so a binding may pass just the headers whose trimmed, lowercased
/// name is in this list (duplicates included) and get the same verdict as with every header.
pub const RESPONSE_HEADERS: [&str; 3] = ["signature", "response-time", "client-id"];

/// A response whose authenticity has been settled. `Debug` shows the body's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// `true` when Antom's signature was checked. `false` only for unsigned gateway errors
    /// (`F`/`U`), which are never success and never a final failure: their next action is
    /// always [`NextAction::Inquire`] (the status and code stay visible for diagnosis).
    pub verified: bool,
    /// `result.resultStatus`.
    pub result_status: ResultStatus,
    /// `result.resultCode` (`""` if absent). An open set: branch on `result_status` first.
    pub result_code: String,
    /// `result.resultMessage` (`""` if absent).
    pub result_message: String,
    /// The state of the payment, refund or capture this response is about (see [`Outcome`]):
    /// what to act on. Always [`Outcome::Unknown`] when `verified` is `false`.
    pub outcome: Outcome,
    /// The raw body (the bytes that were verified), for the caller to parse.
    pub body: Vec<u8>,
    /// The Antom key that verified it (its ring tag and fingerprint); `None` exactly when
    /// `verified` is `false`.
    pub verified_by: Option<KeyId>,
}

impl ApiResponse {
    /// What to do next: see [`NextAction`]. An unverified response is always
    /// [`NextAction::Inquire`], whatever its status says: anyone on the network path can
    /// forge an unsigned `F`, and "failed" would invite asking the buyer to pay again.
    pub fn next_action(&self) -> NextAction {
        if self.verified {
            self.result_status.next_action()
        } else {
            NextAction::Inquire
        }
    }

    /// `true` only for a verified `S` response.
    pub fn is_success(&self) -> bool {
        self.verified && self.result_status == ResultStatus::Success
    }
}

impl Client {
    /// Verifies a response to a request sent to `path` (the [`crate::PreparedRequest::path`];
    /// the `api` forms accepted by [`Client::prepare`] work too), given the raw response
    /// headers and the raw body bytes.
    ///
    /// Rules: `signature` and `response-time` both present → the signature must verify over
    /// `POST path\nclient-id.response-time.body` with Antom's public key and the `client-id`
    /// header must equal the configured client id; both absent → accepted only when
    /// `result.resultStatus` is `F` or `U`, with `verified = false`. Anything else is an
    /// error. Header names match case-insensitively. A non-2xx HTTP status is the host's to
    /// report: treat it like `U` (inquire), never as failure.
    ///
    /// A `meter.uploadEvent` reply is never signed: it is refused here (whatever its headers)
    /// rather than routed, so no caller reads an [`ApiResponse`] for it; read it with
    /// [`crate::meter::read_event_reply`], which reports it unverified and `Unknown`.
    ///
    /// # Errors
    /// `INVALID_INPUT` naming `read_event_reply` for a `meter.uploadEvent` path;
    /// `UNSIGNED_RESPONSE` for an unsigned `S` (or unsigned non-error) body; `MISSING_HEADER`
    /// when only one of the two signature headers, or the `client-id` header, is missing;
    /// `CLIENT_ID_MISMATCH`; `MALFORMED_SIGNATURE`; `UNSUPPORTED_ALGORITHM`;
    /// `SIGNATURE_MISMATCH` (naming the keys tried); `UNKNOWN_KEY_VERSION` (see
    /// [`crate::KeyRing`]); `INVALID_INPUT` for a bad path, a repeated header, or a verified
    /// body without `result.resultStatus`.
    pub fn verify_response<H, K, V>(
        &self,
        path: &str,
        headers: &H,
        body: &[u8],
    ) -> Result<ApiResponse>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.verify_response_with(&BuiltinEngine, path, headers, body)
    }

    /// As [`Client::verify_response`], with the RSA operation done by `engine`.
    ///
    /// # Errors
    /// As for [`Client::verify_response`].
    pub fn verify_response_with<H, K, V>(
        &self,
        engine: &dyn RsaEngine,
        path: &str,
        headers: &H,
        body: &[u8],
    ) -> Result<ApiResponse>
    where
        for<'a> &'a H: IntoIterator<Item = &'a (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.check_body_size(body.len(), "response")?;
        let path = self.resolve_path(path)?;
        if path.ends_with(EVENT_UPLOAD_SUFFIX) {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "meter.uploadEvent replies are unsigned: read them with read_event_reply, not verify_response",
            ));
        }
        let headers = HeaderList::new(headers);
        let [signature, response_time, client_id] = RESPONSE_HEADERS;
        let [signature_found, response_time_found, client_id_found] =
            headers.get_each(RESPONSE_HEADERS);
        let signature = signature_found.value(signature)?;
        let response_time = response_time_found.value(response_time)?;
        match (signature, response_time) {
            (Some(signature), Some(response_time)) => {
                let header = SignatureHeader::parse(signature)?;
                let client_id = client_id_found.value(client_id)?.ok_or_else(|| {
                    Error::missing_header("the signed response has no client-id header")
                })?;
                self.check_client_id(client_id)?;
                let content = SignedContent::new(METHOD, &path, client_id, response_time, body);
                let verified_by = self
                    .antom_keys()
                    .verify(engine, &content, &header, "response")?;
                let object = parse_object(body);
                let (object, result) = object
                    .as_ref()
                    .and_then(|object| Some((object, body_result(object)?)))
                    .ok_or_else(|| not_json_object("verified response"))?;
                let result_status = ResultStatus::from_wire(&result.status);
                Ok(ApiResponse {
                    verified: true,
                    result_status,
                    outcome: response_outcome(&path, true, result_status, &result.code, object),
                    result_code: result.code,
                    result_message: result.message,
                    body: body.to_vec(),
                    verified_by: Some(verified_by),
                })
            }
            (None, None) => {
                let result = parse_object(body).as_ref().and_then(body_result);
                match result {
                    Some(result) if result.status == "F" || result.status == "U" => {
                        Ok(ApiResponse {
                            verified: false,
                            result_status: ResultStatus::from_wire(&result.status),
                            outcome: Outcome::Unknown,
                            result_code: result.code,
                            result_message: result.message,
                            body: body.to_vec(),
                            verified_by: None,
                        })
                    }
                    _ => Err(Error::unsigned_response(
                        "the response carries no signature and is not an F/U gateway error; \
                         it cannot be trusted (inquire to learn the real outcome)",
                    )),
                }
            }
            (None, Some(_)) => Err(Error::missing_header(
                "the response has a response-time header but no signature header",
            )),
            (Some(_), None) => Err(Error::missing_header(
                "the response has a signature header but no response-time header",
            )),
        }
    }

    pub(crate) fn check_client_id(&self, received: &str) -> Result<()> {
        if received == self.client_id() {
            Ok(())
        } else {
            Err(Error::client_id_mismatch(
                "the client-id header is not this client's id: the message is for another \
                 client (or sandbox and live credentials are mixed)",
            ))
        }
    }
}

impl std::fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("verified", &self.verified)
            .field("result_status", &self.result_status)
            .field("result_code", &self.result_code)
            .field("next_action", &self.next_action())
            .field("outcome", &self.outcome)
            .field("verified_by", &self.verified_by)
            .field("body", &crate::redact::describe_body(&self.body))
            .finish()
    }
}
