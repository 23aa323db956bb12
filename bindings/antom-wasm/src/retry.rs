//! `send`'s retry policy, the event attributes' keys and the masking of opted-in bodies, for
//! the package's `send`. The rules are antom-core's (`decide_retry`, `SendEvent`,
//! `mask_body`); this is type conversion only. Milliseconds and the random number travel as
//! JavaScript numbers (non-negative safe integers).

use antom_core as ac;
use wasm_bindgen::prelude::*;

use super::error;

/// A JavaScript number as whole milliseconds (negative or not finite: 0; fractions dropped).
fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        // In range for every safe integer; larger values saturate.
        value.min(u64::MAX as f64) as u64
    } else {
        0
    }
}

fn number(value: u64) -> f64 {
    value as f64
}

/// How `send` retries (see antom-core's `RetryPolicy`).
#[wasm_bindgen(js_name = RetryPolicy)]
#[derive(Clone, Copy)]
pub struct WasmRetryPolicy(ac::RetryPolicy);

#[wasm_bindgen(js_class = RetryPolicy)]
impl WasmRetryPolicy {
    /// A policy from its six settings; call `check()` before using it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        max_attempts: u32,
        initial_backoff_ms: f64,
        max_backoff_ms: f64,
        attempt_timeout_ms: f64,
        deadline_ms: f64,
        retry_without_idempotency_key: bool,
    ) -> WasmRetryPolicy {
        WasmRetryPolicy(ac::RetryPolicy {
            max_attempts,
            initial_backoff_ms: ms(initial_backoff_ms),
            max_backoff_ms: ms(max_backoff_ms),
            attempt_timeout_ms: ms(attempt_timeout_ms),
            deadline_ms: ms(deadline_ms),
            retry_without_idempotency_key,
        })
    }

    /// Throws `INVALID_INPUT` naming a bound the policy does not meet.
    pub fn check(&self) -> Result<(), JsValue> {
        self.0.check().map_err(error)
    }

    /// Attempts in all (1: no retries).
    #[wasm_bindgen(getter, js_name = maxAttempts)]
    pub fn max_attempts(&self) -> u32 {
        self.0.max_attempts
    }

    /// The first backoff, in ms.
    #[wasm_bindgen(getter, js_name = initialBackoffMs)]
    pub fn initial_backoff_ms(&self) -> f64 {
        number(self.0.initial_backoff_ms)
    }

    /// The backoff cap, in ms.
    #[wasm_bindgen(getter, js_name = maxBackoffMs)]
    pub fn max_backoff_ms(&self) -> f64 {
        number(self.0.max_backoff_ms)
    }

    /// One attempt's timeout, in ms.
    #[wasm_bindgen(getter, js_name = attemptTimeoutMs)]
    pub fn attempt_timeout_ms(&self) -> f64 {
        number(self.0.attempt_timeout_ms)
    }

    /// The deadline over every attempt and wait, in ms.
    #[wasm_bindgen(getter, js_name = deadlineMs)]
    pub fn deadline_ms(&self) -> f64 {
        number(self.0.deadline_ms)
    }

    /// Whether a request without an idempotency key is retried too.
    #[wasm_bindgen(getter, js_name = retryWithoutIdempotencyKey)]
    pub fn retry_without_idempotency_key(&self) -> bool {
        self.0.retry_without_idempotency_key
    }
}

/// The default policy: one attempt, 30 s; backoff 500 ms to 5 s and a 60 s deadline once
/// `maxAttempts` is raised.
#[wasm_bindgen(js_name = defaultRetryPolicy)]
pub fn default_retry_policy() -> WasmRetryPolicy {
    WasmRetryPolicy(ac::RetryPolicy::default())
}

/// The policy of `send`'s simple form (`retries`, `timeoutMs`): `retries` extra attempts (at
/// most 9), each with `attempt_timeout_ms`, the default backoff, and a deadline that fits them.
#[wasm_bindgen(js_name = simpleRetryPolicy)]
pub fn simple_retry_policy(retries: u32, attempt_timeout_ms: f64) -> WasmRetryPolicy {
    WasmRetryPolicy(ac::RetryPolicy::with_retries(
        retries,
        ms(attempt_timeout_ms),
    ))
}

/// What follows a failed attempt.
#[wasm_bindgen(js_name = RetryDecision)]
pub struct WasmRetryDecision(ac::RetryDecision);

#[wasm_bindgen(js_class = RetryDecision)]
impl WasmRetryDecision {
    /// Whether to send the identical request again.
    #[wasm_bindgen(getter)]
    pub fn retry(&self) -> bool {
        matches!(self.0, ac::RetryDecision::Retry { .. })
    }

    /// The wait before it, in ms (0 when not retrying).
    #[wasm_bindgen(getter, js_name = delayMs)]
    pub fn delay_ms(&self) -> f64 {
        match self.0 {
            ac::RetryDecision::Retry { delay_ms } => number(delay_ms),
            ac::RetryDecision::Stop(_) => 0.0,
        }
    }

    /// `RETRY` or the stop reason's code.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.0.code().to_owned()
    }
}

/// The failure from its kind (`transport`, `timeout`, `http_status`) and status.
fn failure(kind: &str, status: u16) -> Result<ac::AttemptFailure, JsValue> {
    match kind {
        "transport" => Ok(ac::AttemptFailure::Transport),
        "timeout" => Ok(ac::AttemptFailure::Timeout),
        "http_status" => Ok(ac::AttemptFailure::HttpStatus(status)),
        _ => Err(JsError::new("failure kind must be transport, timeout or http_status").into()),
    }
}

/// Decides what follows failed attempt `attempt` (from 1) of a request to `path` with `body`,
/// `elapsed_ms` after the first attempt started; the failure is `kind` (`transport`,
/// `timeout`, `http_status` with `status`); `random` is any safe integer from the host's RNG.
#[wasm_bindgen(js_name = decideRetry)]
#[allow(clippy::too_many_arguments)]
pub fn decide_retry(
    policy: &WasmRetryPolicy,
    path: &str,
    body: &[u8],
    attempt: u32,
    elapsed_ms: f64,
    kind: &str,
    status: u16,
    random: f64,
) -> Result<WasmRetryDecision, JsValue> {
    Ok(WasmRetryDecision(ac::decide_retry(
        &policy.0,
        path,
        body,
        attempt,
        ms(elapsed_ms),
        failure(kind, status)?,
        ms(random),
    )))
}

/// The next attempt's timeout `elapsed_ms` after the first started; `undefined` when the
/// deadline has passed.
#[wasm_bindgen(js_name = attemptTimeoutMs)]
pub fn attempt_timeout_ms(policy: &WasmRetryPolicy, elapsed_ms: f64) -> Option<f64> {
    ac::attempt_timeout_ms(&policy.0, ms(elapsed_ms)).map(number)
}

/// The stable code of a send that ended with this failure.
#[wasm_bindgen(js_name = attemptFailureCode)]
pub fn attempt_failure_code(kind: &str, status: u16) -> Result<String, JsValue> {
    Ok(failure(kind, status)?.code().to_owned())
}

/// What to tell the user about a send that ended with this failure (the attempt had
/// `timeout_ms`).
#[wasm_bindgen(js_name = attemptFailureMessage)]
pub fn attempt_failure_message(
    kind: &str,
    status: u16,
    timeout_ms: f64,
) -> Result<String, JsValue> {
    Ok(failure(kind, status)?.message(ms(timeout_ms)))
}

/// The catalogue name of a path or API, if known.
#[wasm_bindgen(js_name = apiName)]
pub fn api_name(path: &str) -> Option<String> {
    ac::api_name(path).map(str::to_owned)
}

/// The OpenTelemetry span name of a send to `path`.
#[wasm_bindgen(js_name = spanName)]
pub fn span_name(path: &str) -> String {
    ac::span_name(path)
}

/// `body` with sensitive fields' values masked, or `<N bytes>` when it is not JSON.
#[wasm_bindgen(js_name = maskBody)]
pub fn mask_body(body: &[u8]) -> String {
    ac::mask_body(body)
}

/// The send event's fields (camelCase) and their OpenTelemetry attribute keys, flattened:
/// `[field, key, field, key, ...]` in attribute order.
#[wasm_bindgen(js_name = sendEventAttributeKeys)]
pub fn send_event_attribute_keys() -> Vec<String> {
    ac::SEND_EVENT_ATTRIBUTES
        .iter()
        .flat_map(|(field, key)| [camel(field), (*key).to_owned()])
        .collect()
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_cases_the_fields() {
        assert_eq!(camel("request_body_len"), "requestBodyLen");
        assert_eq!(camel("api"), "api");
    }

    #[test]
    fn milliseconds_from_numbers() {
        assert_eq!(ms(-1.0), 0);
        assert_eq!(ms(f64::NAN), 0);
        assert_eq!(ms(1500.7), 1500);
        assert_eq!(ms(9_007_199_254_740_991.0), 9_007_199_254_740_991);
    }
}
