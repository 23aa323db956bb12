//! `send`'s retry policy, the per-attempt event shape, its OpenTelemetry attributes and the
//! masking of opted-in bodies. The rules are the core's (`antom_core::decide_retry`,
//! `antom_core::SendEvent`, `antom_core::mask_body`); this is type conversion only.

use antom_core as ac;

use crate::Result;

/// How `send` retries: attempts, backoff, one attempt's timeout and one deadline over all.
/// Off by default (`default_retry_policy()` makes one attempt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RetryPolicy {
    /// Attempts in all, 1 to 10; 1 means no retries.
    pub max_attempts: u32,
    /// The first backoff in ms, before jitter.
    pub initial_backoff_ms: u64,
    /// The backoff cap in ms, before jitter.
    pub max_backoff_ms: u64,
    /// The longest one attempt may take, in ms.
    pub attempt_timeout_ms: u64,
    /// The longest the whole send may take (every attempt and wait), in ms.
    pub deadline_ms: u64,
    /// Retry even a request without an idempotency key (it may be performed twice).
    pub retry_without_idempotency_key: bool,
}

impl From<RetryPolicy> for ac::RetryPolicy {
    fn from(p: RetryPolicy) -> ac::RetryPolicy {
        ac::RetryPolicy {
            max_attempts: p.max_attempts,
            initial_backoff_ms: p.initial_backoff_ms,
            max_backoff_ms: p.max_backoff_ms,
            attempt_timeout_ms: p.attempt_timeout_ms,
            deadline_ms: p.deadline_ms,
            retry_without_idempotency_key: p.retry_without_idempotency_key,
        }
    }
}

/// The default policy: one attempt (no retries), a 30 s attempt timeout; backoff from 500 ms
/// capped at 5 s and a 60 s deadline once `max_attempts` is raised.
#[uniffi::export]
pub fn default_retry_policy() -> RetryPolicy {
    from_core_policy(ac::RetryPolicy::default())
}

/// The policy of `send`'s simple form (`retries`, `timeout`): `retries` extra attempts (at most
/// 9), each with `attempt_timeout_ms`, the default backoff, and a deadline that fits them all.
#[uniffi::export]
pub fn simple_retry_policy(retries: u32, attempt_timeout_ms: u64) -> RetryPolicy {
    from_core_policy(ac::RetryPolicy::with_retries(retries, attempt_timeout_ms))
}

fn from_core_policy(p: ac::RetryPolicy) -> RetryPolicy {
    RetryPolicy {
        max_attempts: p.max_attempts,
        initial_backoff_ms: p.initial_backoff_ms,
        max_backoff_ms: p.max_backoff_ms,
        attempt_timeout_ms: p.attempt_timeout_ms,
        deadline_ms: p.deadline_ms,
        retry_without_idempotency_key: p.retry_without_idempotency_key,
    }
}

/// Checks a policy's bounds. Errors: `InvalidInput` naming the bound.
#[uniffi::export]
pub fn check_retry_policy(policy: RetryPolicy) -> Result<()> {
    Ok(ac::RetryPolicy::from(policy).check()?)
}

/// What went wrong with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AttemptFailure {
    /// The request could not be sent, or its reply not read.
    Transport,
    /// No complete reply within the attempt's timeout.
    Timeout,
    /// A reply with a non-2xx HTTP status.
    HttpStatus {
        /// The status.
        status: u16,
    },
}

impl From<AttemptFailure> for ac::AttemptFailure {
    fn from(f: AttemptFailure) -> ac::AttemptFailure {
        match f {
            AttemptFailure::Transport => ac::AttemptFailure::Transport,
            AttemptFailure::Timeout => ac::AttemptFailure::Timeout,
            AttemptFailure::HttpStatus { status } => ac::AttemptFailure::HttpStatus(status),
        }
    }
}

/// What follows a failed attempt: `retry` after `delay_ms`, or stop; `reason` is `RETRY` or
/// the stop reason's code (`RETRIES_OFF`, `NOT_RETRYABLE`, `NO_IDEMPOTENCY_KEY`,
/// `ATTEMPTS_EXHAUSTED`, `DEADLINE_REACHED`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RetryDecision {
    /// Whether to send the identical request again.
    pub retry: bool,
    /// The wait before it, in ms (0 when not retrying).
    pub delay_ms: u64,
    /// `RETRY` or the stop reason's code.
    pub reason: String,
}

/// Decides what follows the failed attempt number `attempt` (from 1) of a request to `path`
/// with `body`, `elapsed_ms` after the first attempt started; `random` is any number from the
/// host's random source (it picks the jitter).
#[uniffi::export]
pub fn decide_retry(
    policy: RetryPolicy,
    path: String,
    body: Vec<u8>,
    attempt: u32,
    elapsed_ms: u64,
    failure: AttemptFailure,
    random: u64,
) -> RetryDecision {
    let decision = ac::decide_retry(
        &policy.into(),
        &path,
        &body,
        attempt,
        elapsed_ms,
        failure.into(),
        random,
    );
    RetryDecision {
        retry: matches!(decision, ac::RetryDecision::Retry { .. }),
        delay_ms: match decision {
            ac::RetryDecision::Retry { delay_ms } => delay_ms,
            ac::RetryDecision::Stop(_) => 0,
        },
        reason: decision.code().to_owned(),
    }
}

/// The next attempt's timeout `elapsed_ms` after the first started: the smaller of the attempt
/// timeout and what is left of the deadline; `None` when the deadline has passed.
#[uniffi::export]
pub fn attempt_timeout_ms(policy: RetryPolicy, elapsed_ms: u64) -> Option<u64> {
    ac::attempt_timeout_ms(&policy.into(), elapsed_ms)
}

/// The stable code of a send that ended with `failure`: `TRANSPORT_ERROR`, `TIMEOUT`,
/// `HTTP_STATUS`.
#[uniffi::export]
pub fn attempt_failure_code(failure: AttemptFailure) -> String {
    ac::AttemptFailure::from(failure).code().to_owned()
}

/// What to tell the user about a send that ended with `failure` (the attempt had
/// `timeout_ms`): the outcome is unknown; inquire, never pay again.
#[uniffi::export]
pub fn attempt_failure_message(failure: AttemptFailure, timeout_ms: u64) -> String {
    ac::AttemptFailure::from(failure).message(timeout_ms)
}

/// The catalogue name (`payments.pay`) of a path or API, if known.
#[uniffi::export]
pub fn api_name(path: String) -> Option<String> {
    ac::api_name(&path).map(str::to_owned)
}

/// The OpenTelemetry span name of a send to `path`: `antom <catalogue name>` or `antom unknown`.
#[uniffi::export]
pub fn span_name(path: String) -> String {
    ac::span_name(&path)
}

/// `body` as it may be shown when the user opted in to bodies in events: sensitive fields'
/// values masked (`<masked>`), or `<N bytes>` for a body that is not JSON.
#[uniffi::export]
pub fn mask_body(body: Vec<u8>) -> String {
    ac::mask_body(&body)
}

/// One attempt of a `send`, the one event shape of every runtime (see the core's
/// `SendEvent`). No header value, key, signature or body unless the user opted in to bodies,
/// and then only `mask_body`'s output.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SendEvent {
    /// The catalogue name (`payments.pay`), `unknown` if not in the catalogue.
    pub api: String,
    /// The path requested.
    pub path: String,
    /// The attempt's number, from 1.
    pub attempt: u32,
    /// How long the attempt took, in ms.
    pub duration_ms: u64,
    /// The reply's HTTP status, if a reply came.
    pub http_status: Option<u16>,
    /// `result.resultStatus` of a verified reply.
    pub result_status: Option<String>,
    /// `result.resultCode` of a verified reply.
    pub result_code: Option<String>,
    /// The outcome's name.
    pub outcome: Option<String>,
    /// A failure's code or the verification error's code.
    pub error_code: Option<String>,
    /// `RETRY` or the stop reason's code, after a failure.
    pub retry: Option<String>,
    /// The wait before the next attempt, when retrying.
    pub retry_delay_ms: Option<u64>,
    /// The request body's length in bytes.
    pub request_body_len: u64,
    /// The reply body's length in bytes, if one was read.
    pub response_body_len: Option<u64>,
    /// The masked request body, only if the user opted in.
    pub request_body: Option<String>,
    /// The masked reply body, only if the user opted in.
    pub response_body: Option<String>,
}

/// A new event for attempt `attempt` of a send to `path`: the API's catalogue name filled in,
/// the rest empty.
#[uniffi::export]
pub fn new_send_event(path: String, attempt: u32, request_body_len: u64) -> SendEvent {
    from_core(ac::SendEvent::new(&path, attempt, request_body_len))
}

fn from_core(e: ac::SendEvent) -> SendEvent {
    SendEvent {
        api: e.api,
        path: e.path,
        attempt: e.attempt,
        duration_ms: e.duration_ms,
        http_status: e.http_status,
        result_status: e.result_status,
        result_code: e.result_code,
        outcome: e.outcome,
        error_code: e.error_code,
        retry: e.retry,
        retry_delay_ms: e.retry_delay_ms,
        request_body_len: e.request_body_len,
        response_body_len: e.response_body_len,
        request_body: e.request_body,
        response_body: e.response_body,
    }
}

fn to_core(e: SendEvent) -> ac::SendEvent {
    ac::SendEvent {
        api: e.api,
        path: e.path,
        attempt: e.attempt,
        duration_ms: e.duration_ms,
        http_status: e.http_status,
        result_status: e.result_status,
        result_code: e.result_code,
        outcome: e.outcome,
        error_code: e.error_code,
        retry: e.retry,
        retry_delay_ms: e.retry_delay_ms,
        request_body_len: e.request_body_len,
        response_body_len: e.response_body_len,
        request_body: e.request_body,
        response_body: e.response_body,
    }
}

/// One OpenTelemetry attribute: exactly one of the values is set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SpanAttribute {
    /// The attribute's key (`antom.api`, `http.response.status_code`...).
    pub key: String,
    /// A string value.
    pub string_value: Option<String>,
    /// An integer value.
    pub int_value: Option<i64>,
}

/// The OpenTelemetry attributes of an event (unset fields left out).
#[uniffi::export]
pub fn send_event_attributes(event: SendEvent) -> Vec<SpanAttribute> {
    to_core(event)
        .attributes()
        .into_iter()
        .map(|(key, value)| match value {
            ac::AttributeValue::Str(s) => SpanAttribute {
                key: key.to_owned(),
                string_value: Some(s),
                int_value: None,
            },
            ac::AttributeValue::Int(n) => SpanAttribute {
                key: key.to_owned(),
                string_value: None,
                int_value: Some(n),
            },
        })
        .collect()
}
