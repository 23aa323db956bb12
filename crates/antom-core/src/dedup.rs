//! Exactly-once processing of verified notifications: the decision table every runtime's
//! `process_once` follows, and the lease rule its stores apply.
//!
//! Antom delivers a notification until it is acknowledged (up to 8 times within about a day),
//! and two deliveries of the same notification can arrive at the same time. A runtime's
//! `process_once(store, notification, effect)` runs the merchant's effect at most once per
//! [`Notification::dedup_key`](crate::Notification::dedup_key):
//!
//! 1. it asks the store to **claim** the key with a lease ([`lease_ms`]); the store reports a
//!    [`ClaimOutcome`], decided by the database (a unique key, `SET NX`), never by a process
//!    lock;
//! 2. [`on_claim`] says whether to run the effect, or which answer to give at once;
//! 3. after the effect ran, and its completion record was written (in the same transaction as
//!    the effect where the store allows it), [`after_effect`] gives the answer and whether to
//!    release the claim.
//!
//! The acknowledgement ([`NOTIFICATION_ACK`], HTTP 200) is given only after the effect and its
//! completion record committed, or for a key already done. Everything else is a 500, so that
//! Antom delivers the notification again: a claim held by another worker, a store that is
//! unreachable or slow (no effect runs), an effect that failed, a completion that could not be
//! recorded. The 500 body is the [`DedupReason`] code only.
//!
//! The lease: a claim older than its lease belongs to a worker that crashed (or hangs) and is
//! taken over by the next delivery ([`claim_expired`]). A store must fence its completion
//! record with the claim it made, so a worker whose claim was taken over cannot record its
//! completion too; choose a lease longer than the effect can take.
//!
//! Pure: no clock, no IO. Times come in as milliseconds.

use crate::error::{Error, Result};
use crate::notification::NOTIFICATION_ACK;

/// The lease used when the caller gives none: 60 s.
pub const DEFAULT_LEASE_MS: u64 = 60_000;
/// The shortest lease accepted: 1 s (a shorter one would be taken over while the effect runs).
pub const MIN_LEASE_MS: u64 = 1_000;
/// The longest lease accepted: 1 hour (Antom redelivers within minutes at first; a longer
/// lease would hold a crashed worker's notification past several redeliveries).
pub const MAX_LEASE_MS: u64 = 3_600_000;

/// What a store reports when asked to claim a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimOutcome {
    /// This worker holds the claim now: a new key, or an expired claim taken over.
    Claimed,
    /// The key's effect completed before: acknowledge without running it again.
    AlreadyDone,
    /// Another worker holds an unexpired claim on the key.
    InProgress,
    /// The store could not answer (unreachable, too slow, an error): nothing is known.
    StoreUnavailable,
}

impl ClaimOutcome {
    /// Every outcome, in declaration order.
    pub const ALL: [ClaimOutcome; 4] = [
        ClaimOutcome::Claimed,
        ClaimOutcome::AlreadyDone,
        ClaimOutcome::InProgress,
        ClaimOutcome::StoreUnavailable,
    ];

    /// The stable code: `CLAIMED`, `ALREADY_DONE`, `IN_PROGRESS`, `STORE_UNAVAILABLE`.
    pub fn code(self) -> &'static str {
        match self {
            ClaimOutcome::Claimed => "CLAIMED",
            ClaimOutcome::AlreadyDone => "ALREADY_DONE",
            ClaimOutcome::InProgress => "IN_PROGRESS",
            ClaimOutcome::StoreUnavailable => "STORE_UNAVAILABLE",
        }
    }
}

/// How running the effect under a claim ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EffectResult {
    /// The effect and its completion record committed.
    Committed,
    /// The effect raised (its transaction, where it shares the store's, rolled back).
    EffectFailed,
    /// The effect returned but its completion could not be recorded (the store failed, or the
    /// claim was taken over): where the effect shares the store's transaction it rolled back.
    CompletionFailed,
}

impl EffectResult {
    /// Every result, in declaration order.
    pub const ALL: [EffectResult; 3] = [
        EffectResult::Committed,
        EffectResult::EffectFailed,
        EffectResult::CompletionFailed,
    ];
}

/// Why an answer was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DedupReason {
    /// The effect ran and committed with its completion record: 200.
    Processed,
    /// The key was done before; the effect did not run: 200.
    Duplicate,
    /// Another worker holds the claim: 500, Antom delivers again.
    InProgress,
    /// The store could not be asked; the effect did not run: 500.
    StoreUnavailable,
    /// The effect failed: 500.
    EffectFailed,
    /// The completion could not be recorded: 500.
    CompletionFailed,
}

impl DedupReason {
    /// The stable code, also the body of a 500: `PROCESSED`, `DUPLICATE`, `IN_PROGRESS`,
    /// `STORE_UNAVAILABLE`, `CALLBACK_FAILED` (the effect failed, as for a plain webhook
    /// callback), `COMPLETION_FAILED`.
    pub fn code(self) -> &'static str {
        match self {
            DedupReason::Processed => "PROCESSED",
            DedupReason::Duplicate => "DUPLICATE",
            DedupReason::InProgress => "IN_PROGRESS",
            DedupReason::StoreUnavailable => "STORE_UNAVAILABLE",
            DedupReason::EffectFailed => "CALLBACK_FAILED",
            DedupReason::CompletionFailed => "COMPLETION_FAILED",
        }
    }
}

/// The HTTP answer to give Antom, and what to do with the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DedupAnswer {
    /// 200 (acknowledged) or 500 (Antom delivers again).
    pub status: u16,
    /// [`NOTIFICATION_ACK`] for 200, else the reason's code.
    pub body: &'static str,
    /// Why.
    pub reason: DedupReason,
    /// Release the claim this worker holds (best effort: a failed release only means the next
    /// delivery waits for the lease to expire).
    pub release: bool,
}

impl DedupAnswer {
    fn ack(reason: DedupReason) -> DedupAnswer {
        DedupAnswer {
            status: 200,
            body: NOTIFICATION_ACK,
            reason,
            release: false,
        }
    }

    fn retry(reason: DedupReason, release: bool) -> DedupAnswer {
        DedupAnswer {
            status: 500,
            body: reason.code(),
            reason,
            release,
        }
    }

    /// Whether this answer acknowledges the notification (200).
    pub fn acknowledged(&self) -> bool {
        self.status == 200
    }
}

/// What follows a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DedupStep {
    /// Run the effect now (under the claim), then ask [`after_effect`].
    RunEffect,
    /// Do not run the effect; give this answer.
    Answer(DedupAnswer),
}

/// The decision after the store answered a claim: [`ClaimOutcome::Claimed`] runs the effect;
/// [`ClaimOutcome::AlreadyDone`] acknowledges without it; [`ClaimOutcome::InProgress`] and
/// [`ClaimOutcome::StoreUnavailable`] answer 500 without it (nothing to release).
pub fn on_claim(outcome: ClaimOutcome) -> DedupStep {
    match outcome {
        ClaimOutcome::Claimed => DedupStep::RunEffect,
        ClaimOutcome::AlreadyDone => DedupStep::Answer(DedupAnswer::ack(DedupReason::Duplicate)),
        ClaimOutcome::InProgress => {
            DedupStep::Answer(DedupAnswer::retry(DedupReason::InProgress, false))
        }
        ClaimOutcome::StoreUnavailable => {
            DedupStep::Answer(DedupAnswer::retry(DedupReason::StoreUnavailable, false))
        }
    }
}

/// The answer after the effect ran under a claim: the acknowledgement only when the effect
/// and its completion record committed; otherwise 500 and release the claim, so that the
/// redelivery runs the effect again at once.
pub fn after_effect(result: EffectResult) -> DedupAnswer {
    match result {
        EffectResult::Committed => DedupAnswer::ack(DedupReason::Processed),
        EffectResult::EffectFailed => DedupAnswer::retry(DedupReason::EffectFailed, true),
        EffectResult::CompletionFailed => DedupAnswer::retry(DedupReason::CompletionFailed, true),
    }
}

/// The lease a store claims with: `requested`, or [`DEFAULT_LEASE_MS`] when `None`.
/// Errors: `InvalidInput` when it is outside [`MIN_LEASE_MS`]..=[`MAX_LEASE_MS`].
pub fn lease_ms(requested: Option<u64>) -> Result<u64> {
    let lease = requested.unwrap_or(DEFAULT_LEASE_MS);
    if !(MIN_LEASE_MS..=MAX_LEASE_MS).contains(&lease) {
        return Err(Error::invalid_input(format!(
            "lease_ms must be {MIN_LEASE_MS} to {MAX_LEASE_MS}"
        )));
    }
    Ok(lease)
}

/// The lease rule: a claim made at `claimed_at_ms` with `lease_ms` has expired, and may be
/// taken over, once `now_ms` reaches `claimed_at_ms + lease_ms`. A clock that went backwards
/// (`now_ms` before `claimed_at_ms`) leaves the claim unexpired.
pub fn claim_expired(claimed_at_ms: u64, lease_ms: u64, now_ms: u64) -> bool {
    now_ms >= claimed_at_ms.saturating_add(lease_ms)
}

/// The time a claim made at `now_ms` with `lease_ms` expires (saturating).
pub fn lease_expires_at_ms(now_ms: u64, lease_ms: u64) -> u64 {
    now_ms.saturating_add(lease_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    /// Stands in for a missing answer: matches none of the expected ones.
    const NOT_AN_ANSWER: DedupAnswer = DedupAnswer {
        status: 0,
        body: "",
        reason: DedupReason::Processed,
        release: true,
    };

    fn answer_of(step: DedupStep) -> Option<DedupAnswer> {
        match step {
            DedupStep::Answer(answer) => Some(answer),
            DedupStep::RunEffect => None,
        }
    }

    #[test]
    fn claimed_runs_the_effect_and_nothing_else_does() {
        for outcome in ClaimOutcome::ALL {
            let step = on_claim(outcome);
            assert_eq!(
                step == DedupStep::RunEffect,
                outcome == ClaimOutcome::Claimed,
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn already_done_acknowledges_without_the_effect() {
        let answer = answer_of(on_claim(ClaimOutcome::AlreadyDone)).unwrap_or(NOT_AN_ANSWER);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, NOTIFICATION_ACK);
        assert_eq!(answer.reason, DedupReason::Duplicate);
        assert!(!answer.release);
        assert!(answer.acknowledged());
    }

    #[test]
    fn in_progress_and_unavailable_answer_500_with_their_code() {
        for (outcome, code) in [
            (ClaimOutcome::InProgress, "IN_PROGRESS"),
            (ClaimOutcome::StoreUnavailable, "STORE_UNAVAILABLE"),
        ] {
            let answer = answer_of(on_claim(outcome)).unwrap_or(NOT_AN_ANSWER);
            assert_eq!(answer.status, 500);
            assert_eq!(answer.body, code);
            assert_eq!(answer.reason.code(), code);
            assert!(!answer.release, "no claim is held");
            assert!(!answer.acknowledged());
        }
    }

    #[test]
    fn only_a_committed_effect_is_acknowledged() {
        for result in EffectResult::ALL {
            let answer = after_effect(result);
            assert_eq!(answer.acknowledged(), result == EffectResult::Committed);
            if answer.acknowledged() {
                assert_eq!(answer.body, NOTIFICATION_ACK);
                assert_eq!(answer.reason, DedupReason::Processed);
                assert!(!answer.release, "a done key keeps its record");
            } else {
                assert_eq!(answer.status, 500);
                assert_eq!(answer.body, answer.reason.code());
                assert!(
                    answer.release,
                    "the redelivery must be able to claim at once"
                );
            }
        }
        assert_eq!(
            after_effect(EffectResult::EffectFailed).body,
            "CALLBACK_FAILED"
        );
        assert_eq!(
            after_effect(EffectResult::CompletionFailed).body,
            "COMPLETION_FAILED"
        );
    }

    #[test]
    fn lease_defaults_and_bounds() {
        assert_eq!(lease_ms(None).ok(), Some(DEFAULT_LEASE_MS));
        assert_eq!(lease_ms(Some(MIN_LEASE_MS)).ok(), Some(MIN_LEASE_MS));
        assert_eq!(lease_ms(Some(MAX_LEASE_MS)).ok(), Some(MAX_LEASE_MS));
        for bad in [0, MIN_LEASE_MS - 1, MAX_LEASE_MS + 1, u64::MAX] {
            let error = lease_ms(Some(bad)).err();
            assert_eq!(
                error.as_ref().map(Error::code),
                Some(ErrorCode::InvalidInput)
            );
            assert!(error.is_some_and(|e| e.to_string().contains("lease_ms")));
        }
    }

    #[test]
    fn an_expired_claim_is_taken_over() {
        assert!(!claim_expired(1_000, 5_000, 1_000));
        assert!(!claim_expired(1_000, 5_000, 5_999));
        assert!(claim_expired(1_000, 5_000, 6_000));
        assert!(claim_expired(1_000, 5_000, 60_000));
        assert!(!claim_expired(10_000, 5_000, 1_000), "clock went backwards");
        assert!(!claim_expired(u64::MAX - 1, 5_000, u64::MAX - 1));
        assert_eq!(lease_expires_at_ms(u64::MAX, 1), u64::MAX);
        assert_eq!(lease_expires_at_ms(1_000, 5_000), 6_000);
    }

    #[test]
    fn codes_are_distinct() {
        let mut codes: Vec<&str> = [
            DedupReason::Processed,
            DedupReason::Duplicate,
            DedupReason::InProgress,
            DedupReason::StoreUnavailable,
            DedupReason::EffectFailed,
            DedupReason::CompletionFailed,
        ]
        .iter()
        .map(|r| r.code())
        .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 6);
        let claims: Vec<&str> = ClaimOutcome::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(
            claims,
            [
                "CLAIMED",
                "ALREADY_DONE",
                "IN_PROGRESS",
                "STORE_UNAVAILABLE"
            ]
        );
    }
}
