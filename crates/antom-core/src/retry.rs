//! When `send` may send a request again, how long it waits first, and how long each attempt
//! may take: the one retry policy every runtime's `send` follows.
//!
//! The core has no clock and no randomness: the host measures the time since its first attempt
//! started and passes a random number; the core decides. The rules:
//!
//! * Retries are off by default ([`RetryPolicy::default`] makes one attempt).
//! * Only a failure that says nothing about the operation is retried: a transport error (no
//!   reply, or a reply that could not be read), a timeout, an HTTP 5xx. A 2xx reply is verified
//!   and final; a 3xx or 4xx does not change by resending.
//! * A request is resent only if repeating it is safe: its API's catalogue entry names an
//!   idempotency field (`paymentRequestId`, `refundRequestId`, ...) and the body carries it, so
//!   Antom recognises the repeat; or the API only reads (an inquiry, `read_only` in the
//!   catalogue). `retry_without_idempotency_key` overrides this, explicitly.
//! * Resending sends the identical bytes and headers (the same signature and request time).
//! * Backoff is capped, jittered and exponential: before retry `n` (after attempt `n` failed),
//!   `b = min(max_backoff, initial_backoff * 2^(n-1))` and the delay is drawn from `[b/2, b]`
//!   ("equal jitter": spread out, never much shorter than planned).
//! * One deadline covers every attempt and every wait: each attempt's timeout is the smaller of
//!   its own and what is left of the deadline, and no retry is planned whose delay would reach
//!   the deadline. When it passes, the outcome is unknown: inquire, never pay again.
//!
//! Pinned case by case in `tests/vectors/retry.json`.

use serde_json::Value;

use crate::endpoints::{self, Endpoint};
use crate::error::{Error, Result};

/// The most attempts a policy may make (1 first attempt plus 9 retries): resending is for a
/// transient fault, not a polling loop.
pub const MAX_ATTEMPTS: u32 = 10;
/// The longest backoff a policy may set, in ms.
pub const MAX_BACKOFF_LIMIT_MS: u64 = 60_000;
/// The longest attempt timeout a policy may set, in ms.
pub const MAX_ATTEMPT_TIMEOUT_MS: u64 = 600_000;
/// The longest deadline a policy may set, in ms (an hour).
pub const MAX_DEADLINE_MS: u64 = 3_600_000;

/// How `send` retries: attempts, backoff, one attempt's timeout and the deadline over all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    /// Attempts in all, 1 to [`MAX_ATTEMPTS`]; 1 means no retries.
    pub max_attempts: u32,
    /// The first backoff, in ms (before jitter).
    pub initial_backoff_ms: u64,
    /// The backoff cap, in ms (before jitter).
    pub max_backoff_ms: u64,
    /// The longest one attempt may take, in ms (until the whole reply is read).
    pub attempt_timeout_ms: u64,
    /// The longest the whole send may take, every attempt and wait included, in ms.
    pub deadline_ms: u64,
    /// Retry even when the request carries no idempotency key. Resending such a request may
    /// perform the operation twice: set it only for APIs you know to be safe to repeat.
    pub retry_without_idempotency_key: bool,
}

impl Default for RetryPolicy {
    /// No retries; a 30 s attempt timeout; backoff from 500 ms capped at 5 s and a 60 s
    /// deadline once `max_attempts` is raised.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 1,
            initial_backoff_ms: 500,
            max_backoff_ms: 5_000,
            attempt_timeout_ms: 30_000,
            deadline_ms: 60_000,
            retry_without_idempotency_key: false,
        }
    }
}

impl RetryPolicy {
    /// The policy of the simple form every runtime's `send` keeps (`retries`, `timeout`):
    /// `retries` extra attempts (0 to 9), each with `attempt_timeout_ms`, the default backoff,
    /// and a deadline that fits every attempt and the longest waits between them (capped at
    /// [`MAX_DEADLINE_MS`]), so the simple form never ends early because of the deadline.
    pub fn with_retries(retries: u32, attempt_timeout_ms: u64) -> RetryPolicy {
        let base = RetryPolicy::default();
        let max_attempts = retries.saturating_add(1).min(MAX_ATTEMPTS);
        let attempts = u64::from(max_attempts);
        let waits = (1..max_attempts)
            .map(|n| backoff_ms(&base, n))
            .fold(0u64, u64::saturating_add);
        let deadline_ms = attempt_timeout_ms
            .saturating_mul(attempts)
            .saturating_add(waits)
            .saturating_add(1)
            .min(MAX_DEADLINE_MS);
        RetryPolicy {
            max_attempts,
            attempt_timeout_ms,
            deadline_ms,
            ..base
        }
    }

    /// Checks the policy's bounds.
    ///
    /// # Errors
    /// `INVALID_INPUT` naming the bound that is not met.
    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(Error::invalid_input(format!(
                "max_attempts must be 1 to {MAX_ATTEMPTS} (1 means no retries)"
            )));
        }
        if self.initial_backoff_ms == 0
            || self.initial_backoff_ms > self.max_backoff_ms
            || self.max_backoff_ms > MAX_BACKOFF_LIMIT_MS
        {
            return Err(Error::invalid_input(format!(
                "backoff must satisfy 1 <= initial_backoff_ms <= max_backoff_ms <= {MAX_BACKOFF_LIMIT_MS}"
            )));
        }
        if !(1..=MAX_ATTEMPT_TIMEOUT_MS).contains(&self.attempt_timeout_ms) {
            return Err(Error::invalid_input(format!(
                "attempt_timeout_ms must be 1 to {MAX_ATTEMPT_TIMEOUT_MS}"
            )));
        }
        if !(1..=MAX_DEADLINE_MS).contains(&self.deadline_ms) {
            return Err(Error::invalid_input(format!(
                "deadline_ms must be 1 to {MAX_DEADLINE_MS}"
            )));
        }
        Ok(())
    }
}

/// The timeout of the next attempt, `elapsed_ms` after the first one started: the smaller of
/// the attempt timeout and what is left of the deadline; `None` when the deadline has passed
/// (start no attempt). The first attempt uses `attempt_timeout_ms(policy, 0)`.
pub fn attempt_timeout_ms(policy: &RetryPolicy, elapsed_ms: u64) -> Option<u64> {
    let left = policy.deadline_ms.checked_sub(elapsed_ms)?;
    match left.min(policy.attempt_timeout_ms) {
        0 => None,
        timeout => Some(timeout),
    }
}

/// What went wrong with one attempt: the cases that say nothing about the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptFailure {
    /// The request could not be sent, or its reply not read (refused, reset, TLS failure).
    Transport,
    /// No complete reply within the attempt's timeout.
    Timeout,
    /// A reply with a non-2xx HTTP status.
    HttpStatus(u16),
}

impl AttemptFailure {
    /// The stable code of a send that ended with this failure: `TRANSPORT_ERROR`, `TIMEOUT` or
    /// `HTTP_STATUS`.
    pub fn code(&self) -> &'static str {
        match self {
            AttemptFailure::Transport => "TRANSPORT_ERROR",
            AttemptFailure::Timeout => "TIMEOUT",
            AttemptFailure::HttpStatus(_) => "HTTP_STATUS",
        }
    }

    /// What to tell the user, given the timeout the attempt had (in ms).
    pub fn message(&self, timeout_ms: u64) -> String {
        const INQUIRE: &str = "the outcome is unknown; inquire (never pay again)";
        match self {
            AttemptFailure::Transport => {
                format!("the request could not be sent or its reply not read: {INQUIRE}")
            }
            AttemptFailure::Timeout => {
                format!("no complete reply within {timeout_ms} ms: {INQUIRE}")
            }
            AttemptFailure::HttpStatus(status) => {
                format!("the gateway answered HTTP {status}: {INQUIRE}")
            }
        }
    }

    /// Whether resending may help: transport errors, timeouts and 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            AttemptFailure::Transport | AttemptFailure::Timeout => true,
            AttemptFailure::HttpStatus(status) => (500..=599).contains(status),
        }
    }
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopReason {
    /// The policy makes one attempt.
    RetriesOff,
    /// The failure is not transient (a 3xx or 4xx status).
    NotRetryable,
    /// The API has no idempotency field (and is not an inquiry), or the body does not carry it.
    NoIdempotencyKey,
    /// Every attempt the policy allows was made.
    AttemptsExhausted,
    /// The deadline passed, or would pass before the next attempt.
    DeadlineReached,
}

impl StopReason {
    /// The stable code: `RETRIES_OFF`, `NOT_RETRYABLE`, `NO_IDEMPOTENCY_KEY`,
    /// `ATTEMPTS_EXHAUSTED` or `DEADLINE_REACHED`.
    pub fn code(&self) -> &'static str {
        match self {
            StopReason::RetriesOff => "RETRIES_OFF",
            StopReason::NotRetryable => "NOT_RETRYABLE",
            StopReason::NoIdempotencyKey => "NO_IDEMPOTENCY_KEY",
            StopReason::AttemptsExhausted => "ATTEMPTS_EXHAUSTED",
            StopReason::DeadlineReached => "DEADLINE_REACHED",
        }
    }
}

/// What `send` does after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryDecision {
    /// Wait this long, then send the identical request again.
    Retry {
        /// The wait, in ms.
        delay_ms: u64,
    },
    /// Make no further attempt: the send's outcome is unknown (inquire).
    Stop(StopReason),
}

impl RetryDecision {
    /// `RETRY`, or the [`StopReason`]'s code.
    pub fn code(&self) -> &'static str {
        match self {
            RetryDecision::Retry { .. } => "RETRY",
            RetryDecision::Stop(reason) => reason.code(),
        }
    }
}

/// Whether a request body carries its API's idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdempotencyKey {
    /// The body carries the API's idempotency field (a non-empty string).
    Present(&'static str),
    /// The API has this idempotency field, but the body does not carry it.
    Missing(&'static str),
    /// The API only reads (an inquiry): repeating it is safe without a key.
    ReadOnly,
    /// The API has no idempotency field, or is not in the catalogue.
    None,
}

/// The catalogue entry of `api`: a catalogue name (`payments.pay`), an API path
/// (`v1/payments/pay`) or a full path, production or sandbox (`/ams/sandbox/api/v1/payments/pay`).
pub(crate) fn endpoint_of(api: &str) -> Option<&'static Endpoint> {
    if let Some(endpoint) = endpoints::endpoint(api) {
        return Some(endpoint);
    }
    let relative = api.strip_prefix('/').unwrap_or(api);
    let relative = relative.split(['?', '#']).next().unwrap_or(relative);
    let rest = if let Some(rest) = relative.strip_prefix("ams/sandbox/api/") {
        rest
    } else if let Some(rest) = relative.strip_prefix("ams/api/") {
        rest
    } else if relative.starts_with("ams/") {
        return endpoints::endpoints()
            .iter()
            .find(|e| e.path.strip_prefix('/') == Some(relative));
    } else {
        relative
    };
    endpoints::endpoints()
        .iter()
        .find(|e| e.path.strip_prefix("/ams/api/") == Some(rest))
}

/// The catalogue name (`payments.pay`) of `api` (a name, an API path or a full path,
/// production or sandbox), if the catalogue knows it.
///
/// ```
/// assert_eq!(antom_core::api_name("/ams/sandbox/api/v1/payments/pay"), Some("payments.pay"));
/// assert_eq!(antom_core::api_name("v1/payments/nope"), None);
/// ```
pub fn api_name(api: &str) -> Option<&'static str> {
    endpoint_of(api).map(|endpoint| endpoint.name)
}

/// Whether `body` carries the idempotency key of `api`'s catalogue entry.
pub fn idempotency_key(api: &str, body: &[u8]) -> IdempotencyKey {
    let Some(endpoint) = endpoint_of(api) else {
        return IdempotencyKey::None;
    };
    let Some(field) = endpoint.idempotency else {
        return if endpoint.read_only {
            IdempotencyKey::ReadOnly
        } else {
            IdempotencyKey::None
        };
    };
    let carried = serde_json::from_slice::<Value>(body)
        .ok()
        .as_ref()
        .and_then(|value| value.get(field))
        .and_then(Value::as_str)
        .is_some_and(|id| !id.trim().is_empty());
    if carried {
        IdempotencyKey::Present(field)
    } else {
        IdempotencyKey::Missing(field)
    }
}

/// The backoff before retry `attempt` (after attempt `attempt` failed), before jitter.
pub(crate) fn backoff_ms(policy: &RetryPolicy, attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(1).min(63);
    let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
    policy
        .initial_backoff_ms
        .saturating_mul(factor)
        .min(policy.max_backoff_ms)
}

/// Decides what follows the failed attempt number `attempt` (1-based) of a request to `api`
/// (a catalogue name or path) with `body`, `elapsed_ms` after the first attempt started;
/// `random` is any number from the host's random source (it picks the jitter).
///
/// The checks, in order: retries off; a non-transient failure; no idempotency key (unless the
/// policy overrides it); attempts exhausted; the deadline.
pub fn decide_retry(
    policy: &RetryPolicy,
    api: &str,
    body: &[u8],
    attempt: u32,
    elapsed_ms: u64,
    failure: AttemptFailure,
    random: u64,
) -> RetryDecision {
    if policy.max_attempts <= 1 {
        return RetryDecision::Stop(StopReason::RetriesOff);
    }
    if !failure.is_transient() {
        return RetryDecision::Stop(StopReason::NotRetryable);
    }
    if !policy.retry_without_idempotency_key
        && !matches!(
            idempotency_key(api, body),
            IdempotencyKey::Present(_) | IdempotencyKey::ReadOnly
        )
    {
        return RetryDecision::Stop(StopReason::NoIdempotencyKey);
    }
    if attempt >= policy.max_attempts {
        return RetryDecision::Stop(StopReason::AttemptsExhausted);
    }
    let backoff = backoff_ms(policy, attempt);
    let half = backoff / 2;
    let spread = backoff - half;
    let delay_ms = half + random % spread.saturating_add(1);
    if elapsed_ms.saturating_add(delay_ms) >= policy.deadline_ms {
        return RetryDecision::Stop(StopReason::DeadlineReached);
    }
    RetryDecision::Retry { delay_ms }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            ..RetryPolicy::default()
        }
    }

    const PAY: &[u8] = br#"{"paymentRequestId":"order-1"}"#;

    #[test]
    fn default_is_off_and_valid() {
        let policy = RetryPolicy::default();
        assert!(policy.check().is_ok());
        assert_eq!(
            decide_retry(
                &policy,
                "v1/payments/pay",
                PAY,
                1,
                0,
                AttemptFailure::Timeout,
                0
            ),
            RetryDecision::Stop(StopReason::RetriesOff)
        );
    }

    #[test]
    fn the_simple_form_fits_every_attempt_in_its_deadline() {
        let policy = RetryPolicy::with_retries(2, 1_000);
        assert_eq!(policy.max_attempts, 3);
        assert_eq!(policy.attempt_timeout_ms, 1_000);
        assert_eq!(policy.deadline_ms, 3_000 + 500 + 1_000 + 1);
        assert!(policy.check().is_ok());
        assert_eq!(RetryPolicy::with_retries(0, 30_000).max_attempts, 1);
        assert_eq!(
            RetryPolicy::with_retries(50, 600_000).deadline_ms,
            MAX_DEADLINE_MS
        );
        assert_eq!(RetryPolicy::with_retries(50, 1).max_attempts, MAX_ATTEMPTS);
    }

    #[test]
    fn checks_bounds() {
        assert!(on(0).check().is_err());
        assert!(on(11).check().is_err());
        assert!(on(10).check().is_ok());
        let mut policy = on(3);
        policy.initial_backoff_ms = 6_000;
        assert!(policy.check().is_err());
        policy.initial_backoff_ms = 0;
        assert!(policy.check().is_err());
        let mut policy = on(3);
        policy.deadline_ms = 0;
        assert!(policy.check().is_err());
    }

    #[test]
    fn backoff_doubles_to_the_cap_with_jitter_in_range() {
        let policy = on(10);
        for (attempt, planned) in [(1, 500), (2, 1_000), (3, 2_000), (4, 4_000), (5, 5_000)] {
            for random in [0, 1, 7, 250, 499, u64::MAX] {
                match decide_retry(
                    &policy,
                    "payments.pay",
                    PAY,
                    attempt,
                    0,
                    AttemptFailure::Transport,
                    random,
                ) {
                    RetryDecision::Retry { delay_ms } => {
                        assert!(
                            (planned / 2..=planned).contains(&delay_ms),
                            "{attempt} {random} {delay_ms}"
                        );
                    }
                    other => unreachable!("{other:?}"),
                }
            }
        }
    }

    #[test]
    fn only_transient_failures_of_idempotent_requests_retry() {
        let policy = on(3);
        let stop =
            |api: &str, body: &[u8], failure| decide_retry(&policy, api, body, 1, 0, failure, 0);
        assert_eq!(
            stop("v1/payments/pay", PAY, AttemptFailure::HttpStatus(400)),
            RetryDecision::Stop(StopReason::NotRetryable)
        );
        assert_eq!(
            stop("v1/payments/pay", PAY, AttemptFailure::HttpStatus(302)),
            RetryDecision::Stop(StopReason::NotRetryable)
        );
        assert!(matches!(
            stop("v1/payments/pay", PAY, AttemptFailure::HttpStatus(503)),
            RetryDecision::Retry { .. }
        ));
        assert_eq!(
            stop("v1/payments/pay", b"{}", AttemptFailure::Timeout),
            RetryDecision::Stop(StopReason::NoIdempotencyKey)
        );
        assert_eq!(
            stop("v1/payments/nope", PAY, AttemptFailure::Timeout),
            RetryDecision::Stop(StopReason::NoIdempotencyKey)
        );
        assert!(matches!(
            stop("v1/payments/inquiryPayment", b"{}", AttemptFailure::Timeout),
            RetryDecision::Retry { .. }
        ));
        let forced = RetryPolicy {
            retry_without_idempotency_key: true,
            ..policy
        };
        assert!(matches!(
            decide_retry(
                &forced,
                "v1/payments/nope",
                b"x",
                1,
                0,
                AttemptFailure::Timeout,
                0
            ),
            RetryDecision::Retry { .. }
        ));
    }

    #[test]
    fn stops_at_the_attempts_and_the_deadline() {
        let policy = on(3);
        assert_eq!(
            decide_retry(
                &policy,
                "payments.pay",
                PAY,
                3,
                0,
                AttemptFailure::Timeout,
                0
            ),
            RetryDecision::Stop(StopReason::AttemptsExhausted)
        );
        assert_eq!(
            decide_retry(
                &policy,
                "payments.pay",
                PAY,
                1,
                59_800,
                AttemptFailure::Timeout,
                0
            ),
            RetryDecision::Stop(StopReason::DeadlineReached)
        );
        assert_eq!(attempt_timeout_ms(&policy, 0), Some(30_000));
        assert_eq!(attempt_timeout_ms(&policy, 45_000), Some(15_000));
        assert_eq!(attempt_timeout_ms(&policy, 60_000), None);
        assert_eq!(attempt_timeout_ms(&policy, 70_000), None);
    }

    #[test]
    fn names_paths_in_every_form() {
        for api in [
            "payments.pay",
            "v1/payments/pay",
            "/v1/payments/pay",
            "/ams/api/v1/payments/pay",
            "/ams/sandbox/api/v1/payments/pay",
        ] {
            assert_eq!(api_name(api), Some("payments.pay"), "{api}");
        }
        assert_eq!(
            idempotency_key("v1/payments/pay", PAY),
            IdempotencyKey::Present("paymentRequestId")
        );
        assert_eq!(
            idempotency_key("v1/payments/pay", br#"{"paymentRequestId":" "}"#),
            IdempotencyKey::Missing("paymentRequestId")
        );
        assert_eq!(
            idempotency_key("v1/payments/nope", PAY),
            IdempotencyKey::None
        );
        assert_eq!(
            idempotency_key("v1/payments/inquiryPayment", b"{}"),
            IdempotencyKey::ReadOnly
        );
        assert_eq!(
            idempotency_key("payments.acceptDispute", b"{}"),
            IdempotencyKey::None
        );
    }
}
