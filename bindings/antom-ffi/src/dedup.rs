//! Exactly-once processing of notifications: the core's decision table
//! (`antom_core::dedup`) and its lease rule. Type conversion only: the bindings' `process_once`
//! asks these what to do after a claim and after the effect.

use antom_core::dedup as ad;

use crate::Result;

/// What a store reports when asked to claim a notification's `dedup_key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ClaimOutcome {
    /// This worker holds the claim now (a new key, or an expired claim taken over).
    Claimed,
    /// The key's effect completed before.
    AlreadyDone,
    /// Another worker holds an unexpired claim.
    InProgress,
    /// The store could not answer (unreachable, too slow, an error).
    StoreUnavailable,
}

impl From<ClaimOutcome> for ad::ClaimOutcome {
    fn from(outcome: ClaimOutcome) -> ad::ClaimOutcome {
        match outcome {
            ClaimOutcome::Claimed => ad::ClaimOutcome::Claimed,
            ClaimOutcome::AlreadyDone => ad::ClaimOutcome::AlreadyDone,
            ClaimOutcome::InProgress => ad::ClaimOutcome::InProgress,
            ClaimOutcome::StoreUnavailable => ad::ClaimOutcome::StoreUnavailable,
        }
    }
}

/// How running the effect under a claim ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EffectResult {
    /// The effect and its completion record committed.
    Committed,
    /// The effect raised.
    EffectFailed,
    /// The effect returned but its completion could not be recorded.
    CompletionFailed,
}

impl From<EffectResult> for ad::EffectResult {
    fn from(result: EffectResult) -> ad::EffectResult {
        match result {
            EffectResult::Committed => ad::EffectResult::Committed,
            EffectResult::EffectFailed => ad::EffectResult::EffectFailed,
            EffectResult::CompletionFailed => ad::EffectResult::CompletionFailed,
        }
    }
}

/// The HTTP answer to give Antom, and what to do with the claim.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DedupAnswer {
    /// 200 (acknowledged) or 500 (Antom delivers again).
    pub status: u16,
    /// `notification_ack()` for 200, else the reason's code.
    pub body: String,
    /// `PROCESSED`, `DUPLICATE`, `IN_PROGRESS`, `STORE_UNAVAILABLE`, `CALLBACK_FAILED` or
    /// `COMPLETION_FAILED`.
    pub reason: String,
    /// Release the claim this worker holds (best effort).
    pub release: bool,
}

impl From<ad::DedupAnswer> for DedupAnswer {
    fn from(answer: ad::DedupAnswer) -> DedupAnswer {
        DedupAnswer {
            status: answer.status,
            body: answer.body.to_owned(),
            reason: answer.reason.code().to_owned(),
            release: answer.release,
        }
    }
}

/// What follows a claim: run the effect (`run_effect`, no `answer`), or give `answer` without it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DedupStep {
    /// Run the effect now, under the claim.
    pub run_effect: bool,
    /// The answer to give instead (when `run_effect` is false).
    pub answer: Option<DedupAnswer>,
}

/// The lease bounds, in ms: used when none is given, the shortest and the longest accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DedupLeaseBounds {
    /// The lease used when the caller gives none.
    pub default_ms: u64,
    /// The shortest lease accepted.
    pub min_ms: u64,
    /// The longest lease accepted.
    pub max_ms: u64,
}

/// The decision after a claim: `Claimed` runs the effect; `AlreadyDone` acknowledges without
/// it; `InProgress` and `StoreUnavailable` answer 500 without it.
#[uniffi::export]
pub fn dedup_on_claim(outcome: ClaimOutcome) -> DedupStep {
    match ad::on_claim(outcome.into()) {
        ad::DedupStep::RunEffect => DedupStep {
            run_effect: true,
            answer: None,
        },
        ad::DedupStep::Answer(answer) => DedupStep {
            run_effect: false,
            answer: Some(answer.into()),
        },
    }
}

/// The answer after the effect ran: the acknowledgement only when it committed with its
/// completion record; otherwise 500 and release the claim.
#[uniffi::export]
pub fn dedup_after_effect(result: EffectResult) -> DedupAnswer {
    ad::after_effect(result.into()).into()
}

/// The lease to claim with: `requested`, or the default when `None`. Errors: `InvalidInput`
/// when it is out of bounds.
#[uniffi::export]
pub fn dedup_lease_ms(requested: Option<u64>) -> Result<u64> {
    Ok(ad::lease_ms(requested)?)
}

/// The lease bounds.
#[uniffi::export]
pub fn dedup_lease_bounds() -> DedupLeaseBounds {
    DedupLeaseBounds {
        default_ms: ad::DEFAULT_LEASE_MS,
        min_ms: ad::MIN_LEASE_MS,
        max_ms: ad::MAX_LEASE_MS,
    }
}

/// The lease rule: a claim made at `claimed_at_ms` has expired (may be taken over) once
/// `now_ms` reaches `claimed_at_ms + lease_ms`.
#[uniffi::export]
pub fn dedup_claim_expired(claimed_at_ms: u64, lease_ms: u64, now_ms: u64) -> bool {
    ad::claim_expired(claimed_at_ms, lease_ms, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_the_table() {
        let step = dedup_on_claim(ClaimOutcome::Claimed);
        assert!(step.run_effect && step.answer.is_none());
        let answer = dedup_on_claim(ClaimOutcome::AlreadyDone).answer;
        assert_eq!(
            answer
                .as_ref()
                .map(|a| (a.status, a.reason.as_str(), a.body.as_str())),
            Some((200, "DUPLICATE", antom_core::NOTIFICATION_ACK))
        );
        let answer = dedup_on_claim(ClaimOutcome::StoreUnavailable).answer;
        assert_eq!(
            answer.as_ref().map(|a| (a.status, a.body.as_str())),
            Some((500, "STORE_UNAVAILABLE"))
        );
        let answer = dedup_after_effect(EffectResult::EffectFailed);
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (500, "CALLBACK_FAILED")
        );
        assert!(answer.release);
        assert_eq!(dedup_after_effect(EffectResult::Committed).status, 200);
        assert_eq!(
            dedup_lease_ms(None).ok(),
            Some(dedup_lease_bounds().default_ms)
        );
        assert!(dedup_lease_ms(Some(0)).is_err());
        assert!(dedup_claim_expired(0, 1_000, 1_000));
    }
}
