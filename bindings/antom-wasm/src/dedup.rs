//! Exactly-once processing of notifications for the package's `antom-core/dedup`: the core's
//! decision table (`antom_core::dedup`) and its lease rule. Type conversion only: the
//! package's `processOnce` asks these what to do after a claim and after the effect. Outcomes
//! and results travel as their stable codes; milliseconds as JavaScript numbers.

use antom_core::dedup as ad;
use wasm_bindgen::prelude::*;

use super::error;

/// A JavaScript number as whole milliseconds (negative or not finite: 0; fractions dropped).
fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.min(u64::MAX as f64) as u64
    } else {
        0
    }
}

fn number(value: u64) -> f64 {
    value as f64
}

fn invalid(message: &str) -> JsValue {
    error(antom_core::Error::new(
        antom_core::ErrorCode::InvalidInput,
        message,
    ))
}

fn claim_outcome(code: &str) -> Result<ad::ClaimOutcome, JsValue> {
    ad::ClaimOutcome::ALL
        .into_iter()
        .find(|outcome| outcome.code() == code)
        .ok_or_else(|| {
            invalid("claim outcome must be CLAIMED, ALREADY_DONE, IN_PROGRESS or STORE_UNAVAILABLE")
        })
}

fn effect_result(code: &str) -> Result<ad::EffectResult, JsValue> {
    match code {
        "COMMITTED" => Ok(ad::EffectResult::Committed),
        "EFFECT_FAILED" => Ok(ad::EffectResult::EffectFailed),
        "COMPLETION_FAILED" => Ok(ad::EffectResult::CompletionFailed),
        _ => Err(invalid(
            "effect result must be COMMITTED, EFFECT_FAILED or COMPLETION_FAILED",
        )),
    }
}

/// The HTTP answer to give Antom, and what to do with the claim.
#[wasm_bindgen(js_name = DedupAnswer)]
pub struct WasmDedupAnswer(ad::DedupAnswer);

#[wasm_bindgen(js_class = DedupAnswer)]
impl WasmDedupAnswer {
    /// 200 (acknowledged) or 500 (Antom delivers again).
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// The acknowledgement for 200, else the reason's code.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.0.body.to_owned()
    }

    /// `PROCESSED`, `DUPLICATE`, `IN_PROGRESS`, `STORE_UNAVAILABLE`, `CALLBACK_FAILED` or
    /// `COMPLETION_FAILED`.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.0.reason.code().to_owned()
    }

    /// Release the claim this worker holds (best effort).
    #[wasm_bindgen(getter)]
    pub fn release(&self) -> bool {
        self.0.release
    }
}

/// The decision after a claim whose outcome is `outcome` (`CLAIMED`, `ALREADY_DONE`,
/// `IN_PROGRESS`, `STORE_UNAVAILABLE`): `undefined` means run the effect; otherwise the answer
/// to give without it. Throws `INVALID_INPUT` for another code.
#[wasm_bindgen(js_name = dedupOnClaim)]
pub fn dedup_on_claim(outcome: &str) -> Result<Option<WasmDedupAnswer>, JsValue> {
    Ok(match ad::on_claim(claim_outcome(outcome)?) {
        ad::DedupStep::RunEffect => None,
        ad::DedupStep::Answer(answer) => Some(WasmDedupAnswer(answer)),
    })
}

/// The answer after the effect ran under a claim and ended with `result` (`COMMITTED`,
/// `EFFECT_FAILED`, `COMPLETION_FAILED`). Throws `INVALID_INPUT` for another code.
#[wasm_bindgen(js_name = dedupAfterEffect)]
pub fn dedup_after_effect(result: &str) -> Result<WasmDedupAnswer, JsValue> {
    Ok(WasmDedupAnswer(ad::after_effect(effect_result(result)?)))
}

/// The lease to claim with, in ms: `requested`, or the default when `undefined`. Throws
/// `INVALID_INPUT` when it is out of bounds.
#[wasm_bindgen(js_name = dedupLeaseMs)]
pub fn dedup_lease_ms(requested: Option<f64>) -> Result<f64, JsValue> {
    ad::lease_ms(requested.map(ms)).map(number).map_err(error)
}

/// The lease bounds in ms: `[default, min, max]`.
#[wasm_bindgen(js_name = dedupLeaseBounds)]
pub fn dedup_lease_bounds() -> Vec<f64> {
    vec![
        number(ad::DEFAULT_LEASE_MS),
        number(ad::MIN_LEASE_MS),
        number(ad::MAX_LEASE_MS),
    ]
}

/// The lease rule: a claim made at `claimed_at_ms` has expired (may be taken over) once
/// `now_ms` reaches `claimed_at_ms + lease_ms`.
#[wasm_bindgen(js_name = dedupClaimExpired)]
pub fn dedup_claim_expired(claimed_at_ms: f64, lease_ms: f64, now_ms: f64) -> bool {
    ad::claim_expired(ms(claimed_at_ms), ms(lease_ms), ms(now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for outcome in ad::ClaimOutcome::ALL {
            assert_eq!(claim_outcome(outcome.code()).ok(), Some(outcome));
        }
        assert_eq!(
            effect_result("COMMITTED").ok(),
            Some(ad::EffectResult::Committed)
        );
    }
}
