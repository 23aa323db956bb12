//! Looking up Antom API paths by name.
//!
//! A name is the path's segments after the version, joined with dots:
//! `/ams/api/v1/payments/pay` is `payments.pay`, `/ams/api/v1/aba/cards/applyCard` is
//! `aba.cards.applyCard`. The group is the first segment (`payments`, `aba`, `billing`...).
//!
//! The table is generated from the catalogue schema (`crates/antom-models/schema/models.json`)
//! by `make models`.

mod table;

pub(crate) use table::{UPLOAD_FILE_PARTS, UPLOAD_HOSTS, UPLOAD_MAX_BYTES};

/// How an API's request travels and its reply comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// A signed JSON body; the reply is signed JSON (every API but the two below).
    SignedJson,
    /// A multipart upload (`billing.product.uploadImage`): the signed JSON part plus the file,
    /// sent to the region's big-file host.
    Multipart,
    /// An unsigned event upload over HTTP/2 with a session id (`meter.uploadEvent`); the reply
    /// is unsigned.
    EventStream,
}

/// Which rule turns a verified reply into an [`crate::Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutcomeRule {
    /// `payments.pay`.
    Pay,
    /// `payments.createPaymentSession`.
    CreatePaymentSession,
    /// `payments.inquiryPayment`: reads `paymentStatus`.
    InquiryPayment,
    /// `payments.refund`.
    Refund,
    /// `payments.inquiryRefund`: reads `refundStatus`.
    InquiryRefund,
    /// `payments.capture`.
    Capture,
    /// Every other API: the outcome of the call itself.
    Call,
    /// An unsigned reply (`meter.uploadEvent`): never an outcome that claims money moved.
    Unsigned,
}

/// One Antom API endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Dotted name, e.g. `payments.inquiryPayment`.
    pub name: &'static str,
    /// Product group, e.g. `payments`, `vaults`, `billing`.
    pub group: &'static str,
    /// Production path, e.g. `/ams/api/v1/payments/inquiryPayment` (pass it, or the name's
    /// path, to [`crate::Client::prepare`]; sandbox rewriting happens there).
    pub path: &'static str,
    /// The request model's name in the typed models (`antom-models`), e.g. `PayRequest`.
    pub request: &'static str,
    /// The response model's name, e.g. `PayResponse`.
    pub response: &'static str,
    /// The request field that makes a repeat idempotent (`paymentRequestId`...), if known.
    pub idempotency: Option<&'static str>,
    /// Whether the API only reads (an inquiry: no side effect), so repeating it is safe
    /// without an idempotency field.
    pub read_only: bool,
    /// How the request travels.
    pub transport: Transport,
    /// Whether Antom signs the reply.
    pub signed_reply: bool,
    /// Whether a sandbox client rewrites the path to `/ams/sandbox/api/...`.
    pub sandbox: bool,
    /// The outcome rule of the reply.
    pub outcome: OutcomeRule,
}

/// Every known endpoint, sorted by name.
pub fn endpoints() -> &'static [Endpoint] {
    &table::ENDPOINTS
}

/// The endpoint called `name` (e.g. `payments.pay`), if known.
pub fn endpoint(name: &str) -> Option<&'static Endpoint> {
    let all = endpoints();
    all.binary_search_by(|endpoint| endpoint.name.cmp(name))
        .ok()
        .and_then(|index| all.get(index))
}

/// The outcome rule of the API `api` names (what follows `/ams/api/`, e.g.
/// `v1/payments/pay`), matched exactly: [`OutcomeRule::Call`] for any other.
pub(crate) fn outcome_rule(api: &str) -> OutcomeRule {
    table::OUTCOME_APIS
        .binary_search_by(|(path, _)| (*path).cmp(api))
        .ok()
        .and_then(|index| table::OUTCOME_APIS.get(index))
        .map_or(OutcomeRule::Call, |(_, rule)| *rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(
            endpoints()
                .windows(2)
                .all(|w| matches!(w, [a, b] if a.name < b.name))
        );
        assert!(
            table::OUTCOME_APIS
                .windows(2)
                .all(|w| matches!(w, [a, b] if a.0 < b.0))
        );
    }

    #[test]
    fn outcome_rules_follow_the_table() {
        for endpoint in endpoints() {
            if let Some(api) = endpoint.path.strip_prefix("/ams/api/") {
                assert_eq!(outcome_rule(api), endpoint.outcome, "{}", endpoint.name);
            }
        }
        assert_eq!(outcome_rule("v1/payments/nope"), OutcomeRule::Call);
    }
}
