//! The flat C entry points: the per-request calls of a server (`verify_notification`,
//! `verify_response`, `PublicKey.verify`) as plain `extern "C"` functions, for hosts whose
//! uniffi calling convention costs more than the work itself (CPython's ctypes layer, JNA's
//! interface mapping on the JVM).
//!
//! Why beside uniffi, not instead of it: uniffi's generated glue allocates a call-status
//! structure, clones the object handle with a second FFI call, and lifts the returned record
//! field by field on every call — tens of microseconds in Python and on the JVM, more than the
//! RSA check of a notification. These functions cross once each way: the inputs are borrowed
//! `(pointer, length)` pairs (the host's own bytes, never copied), the object is the handle
//! uniffi already holds (borrowed for the call), and the answer is written into a buffer the
//! host provides, in the flat encoding below. They call exactly the functions of
//! [`crate::packed`], so the verdicts, rules and error codes are the core's, and every vector
//! runs through them in each host.
//!
//! Calling convention, for every function here:
//! - `client` / `key` is a handle of a `Client` / `PublicKey` uniffi created (the `_handle` /
//!   `uniffiCloneHandle()` value). The host keeps it alive for the call: the function takes its
//!   own reference for the call's duration and gives it back.
//! - `(ptr, len)` pairs are borrowed bytes; `ptr` may be null only when `len` is 0.
//! - The answer goes to `out[..out_cap]`. The return value is the number of bytes written
//!   (always ≥ 1), or, when `out_cap` is too small, minus the number of bytes needed (nothing
//!   is written; call again with a buffer that big). 0 is never returned.
//!
//! Flat encoding of an answer (integers little-endian; `str` = `u32` byte length + UTF-8,
//! length `0xFFFF_FFFF` = absent):
//! - byte 0 = `0`: success, followed by the function's facts (below);
//! - byte 0 = `1`: error: `str` code (`"SIGNATURE_MISMATCH"`, ... the stable codes), `str`
//!   message (the core's message: no key material, no body).
//!
//! Facts of a notification (`antom_flat_verify_notification`): `u8` result status (0 absent,
//! 1 `S`, 2 `F`, 3 `U`), `u8` outcome (0 succeeded, 1 failed, 2 pending, 3 unknown), `u8` key
//! version present, `u32` key version, then `str` notify type, `str` client id, `str` request
//! time, `str` dedup key, `str` fingerprint.
//!
//! Facts of a response (`antom_flat_verify_response`): `u8` verified, `u8` result status
//! (1 `S`, 2 `F`, 3 `U`), `u8` next action (0 done, 1 failed, 2 inquire), `u8` is success,
//! `u8` outcome, `u8` verified-by present, `u8` key version present, `u32` key version, then
//! `str` result code, `str` result message, `str` fingerprint (absent when not verified).
//!
//! Facts of a signature check (`antom_flat_public_key_verify`): `u8` 1 (valid) or 0 (invalid).
//!
//! A prepared request (`antom_flat_prepare`): `str` method, `str` url, `str` path, `u32`
//! header count, that many `str` name + `str` value pairs (in order, exact casing), then `u8`
//! 1 when the body to send is the caller's body byte for byte (it always is today: the core
//! checks a body, it never rewrites one), or `u8` 0 followed by `str` body. The answer may hold
//! an `Authorization` API key: this library wipes its own copy, and the host should wipe its
//! answer buffer once decoded.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use uniffi::{Handle, HandleAlloc};

use crate::packed::{NotificationFacts, ResponseFacts};
use crate::{AntomError, Client, KeyId, NextAction, Outcome, PublicKey, ResultStatus, UniFfiTag};

/// The byte length that marks an absent string.
const ABSENT: u32 = u32::MAX;

/// An answer in the flat encoding, built before it is copied out; wiped when dropped (a
/// prepared request's answer holds the `Authorization` value in API-key mode).
struct Answer(Vec<u8>);

impl Drop for Answer {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl Answer {
    fn ok() -> Answer {
        let mut bytes = Vec::with_capacity(160);
        bytes.push(0);
        Answer(bytes)
    }

    fn error(error: &AntomError) -> Answer {
        let mut answer = Answer(Vec::with_capacity(160));
        answer.0.push(1);
        answer.text(Some(error.code()));
        answer.text(Some(&error.to_string()));
        answer
    }

    fn byte(&mut self, value: u8) {
        self.0.push(value);
    }

    fn number(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            // A string longer than 4 GiB - 2 cannot come from a checked message; written as
            // absent rather than wrapped.
            Some(text) => match u32::try_from(text.len()) {
                Ok(len) if len != ABSENT => {
                    self.number(len);
                    self.0.extend_from_slice(text.as_bytes());
                }
                _ => self.number(ABSENT),
            },
            None => self.number(ABSENT),
        }
    }

    fn key_version(&mut self, id: Option<&KeyId>) {
        let version = id.and_then(|id| id.key_version);
        self.byte(u8::from(version.is_some()));
        self.number(version.unwrap_or(0));
    }
}

fn status_byte(status: ResultStatus) -> u8 {
    match status {
        ResultStatus::Success => 1,
        ResultStatus::Failed => 2,
        ResultStatus::Unknown => 3,
    }
}

fn outcome_byte(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Succeeded => 0,
        Outcome::Failed => 1,
        Outcome::Pending => 2,
        Outcome::Unknown => 3,
    }
}

fn action_byte(action: NextAction) -> u8 {
    match action {
        NextAction::Done => 0,
        NextAction::Failed => 1,
        NextAction::Inquire => 2,
    }
}

impl From<NotificationFacts> for Answer {
    fn from(facts: NotificationFacts) -> Answer {
        let mut answer = Answer::ok();
        answer.byte(facts.result_status.map_or(0, status_byte));
        answer.byte(outcome_byte(facts.outcome));
        answer.key_version(Some(&facts.verified_by));
        answer.text(facts.notify_type.as_deref());
        answer.text(Some(&facts.client_id));
        answer.text(Some(&facts.request_time));
        answer.text(Some(&facts.dedup_key));
        answer.text(Some(&facts.verified_by.fingerprint));
        answer
    }
}

impl From<ResponseFacts> for Answer {
    fn from(facts: ResponseFacts) -> Answer {
        let mut answer = Answer::ok();
        answer.byte(u8::from(facts.verified));
        answer.byte(status_byte(facts.result_status));
        answer.byte(action_byte(facts.next_action));
        answer.byte(u8::from(facts.is_success));
        answer.byte(outcome_byte(facts.outcome));
        answer.byte(u8::from(facts.verified_by.is_some()));
        answer.key_version(facts.verified_by.as_ref());
        answer.text(Some(&facts.result_code));
        answer.text(Some(&facts.result_message));
        answer.text(facts.verified_by.as_ref().map(|id| id.fingerprint.as_str()));
        answer
    }
}

impl<T: Into<Answer>> From<crate::Result<T>> for Answer {
    fn from(result: crate::Result<T>) -> Answer {
        match result {
            Ok(facts) => facts.into(),
            Err(error) => Answer::error(&error),
        }
    }
}

/// A borrowed `(ptr, len)` pair as a slice.
///
/// # Safety
/// `ptr` must point to `len` readable bytes that stay unchanged for the call, or `len` is 0.
unsafe fn borrowed<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: the caller guarantees `len` readable bytes at `ptr` for the call.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// A reference of our own to the object behind a live uniffi handle, for one call.
///
/// # Safety
/// `handle` must be a live handle uniffi created for a `T` object.
unsafe fn object<T: HandleAlloc<UniFfiTag>>(handle: u64) -> Arc<T> {
    let handle = Handle::from_raw_unchecked(handle);
    // SAFETY: the handle is live (the caller's guarantee); cloning it takes a reference that
    // `consume_handle` turns back into an `Arc`, dropped when the call ends.
    unsafe { T::consume_handle(T::clone_handle(handle)) }
}

/// Copies `answer` into `out` when it fits; the return convention of the module docs.
///
/// # Safety
/// `out` must point to `out_cap` writable bytes (or `out_cap` is 0).
unsafe fn deliver(answer: &Answer, out: *mut u8, out_cap: usize) -> i64 {
    let bytes = &answer.0;
    let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if bytes.len() > out_cap || out.is_null() {
        return -len;
    }
    // SAFETY: `out` has `out_cap >= bytes.len()` writable bytes (the caller's guarantee) and
    // cannot overlap `bytes`, which this function allocated.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len()) };
    len
}

/// Runs `work`, turning a panic (there are none in the core: a last guard, since unwinding
/// across `extern "C"` aborts) into an `INVALID_INPUT` answer.
fn guarded(work: impl FnOnce() -> Answer) -> Answer {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
        let error = antom_core::Error::new(
            antom_core::ErrorCode::InvalidInput,
            "internal error in the native library",
        );
        Answer::error(&error.into())
    })
}

/// `Client.verify_notification_packed` (or `_fresh` with `now_ms` and `max_age_ms` when
/// `fresh` is 1) in the flat convention: the answer is a notification's facts or an error.
///
/// # Safety
/// See the module docs: a live `Client` handle, readable `(ptr, len)` inputs, `out_cap`
/// writable bytes at `out`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn antom_flat_verify_notification(
    client: u64,
    path: *const u8,
    path_len: usize,
    headers: *const u8,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    fresh: u8,
    now_ms: u64,
    max_age_ms: u64,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    // SAFETY: the caller's guarantees, passed on (module docs).
    let answer = guarded(|| unsafe {
        let client = object::<Client>(client);
        let (path, headers, body) = (
            borrowed(path, path_len),
            borrowed(headers, headers_len),
            borrowed(body, body_len),
        );
        if fresh == 0 {
            client
                .verify_notification_packed(path, headers, body)
                .into()
        } else {
            client
                .verify_notification_packed_fresh(path, headers, body, now_ms, max_age_ms)
                .into()
        }
    });
    // SAFETY: the caller's guarantee for `out`.
    unsafe { deliver(&answer, out, out_cap) }
}

/// `Client.verify_response_packed` in the flat convention: a response's facts or an error.
///
/// # Safety
/// See the module docs.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn antom_flat_verify_response(
    client: u64,
    path: *const u8,
    path_len: usize,
    headers: *const u8,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    // SAFETY: the caller's guarantees, passed on (module docs).
    let answer = guarded(|| unsafe {
        let client = object::<Client>(client);
        client
            .verify_response_packed(
                borrowed(path, path_len),
                borrowed(headers, headers_len),
                borrowed(body, body_len),
            )
            .into()
    });
    // SAFETY: the caller's guarantee for `out`.
    unsafe { deliver(&answer, out, out_cap) }
}

/// `PublicKey.verify_packed` in the flat convention: one byte, 1 (valid) or 0, or an error.
///
/// # Safety
/// See the module docs (a live `PublicKey` handle).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_public_key_verify(
    key: u64,
    content: *const u8,
    content_len: usize,
    signature: *const u8,
    signature_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    // SAFETY: the caller's guarantees, passed on (module docs).
    let answer = guarded(|| unsafe {
        let key = object::<PublicKey>(key);
        match key.verify_packed(
            borrowed(content, content_len),
            borrowed(signature, signature_len),
        ) {
            Ok(valid) => {
                let mut answer = Answer::ok();
                answer.byte(u8::from(valid));
                answer
            }
            Err(error) => Answer::error(&error),
        }
    });
    // SAFETY: the caller's guarantee for `out`.
    unsafe { deliver(&answer, out, out_cap) }
}

/// `Client.prepare` in the flat convention: a prepared request (see the module docs) or an
/// error. `api` must be UTF-8 (otherwise `INVALID_INPUT`).
///
/// # Safety
/// See the module docs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_prepare(
    client: u64,
    api: *const u8,
    api_len: usize,
    body: *const u8,
    body_len: usize,
    request_time: u64,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    // SAFETY: the caller's guarantees, passed on (module docs).
    let answer = guarded(|| unsafe {
        let client = object::<Client>(client);
        let body = borrowed(body, body_len);
        let Ok(api) = std::str::from_utf8(borrowed(api, api_len)) else {
            let error = antom_core::Error::new(
                antom_core::ErrorCode::InvalidInput,
                "the API path is not valid UTF-8",
            );
            return Answer::error(&error.into());
        };
        // The core's request (and so an `Authorization` API key) is wiped when dropped.
        match client.0.prepare(api, body, request_time) {
            Ok(request) => prepared(&request, body),
            Err(error) => Answer::error(&error.into()),
        }
    });
    // SAFETY: the caller's guarantee for `out`.
    unsafe { deliver(&answer, out, out_cap) }
}

/// A prepared request's answer, sized once so that no partial copy is left behind by a
/// reallocation (it may hold an API key).
fn prepared(request: &antom_core::PreparedRequest, body: &[u8]) -> Answer {
    let same_body = request.body.as_bytes() == body;
    let texts = [&request.method, &request.url, &request.path]
        .iter()
        .map(|t| 4 + t.len())
        .sum::<usize>()
        + request
            .headers
            .iter()
            .map(|(n, v)| 8 + n.len() + v.len())
            .sum::<usize>()
        + if same_body { 0 } else { 4 + request.body.len() };
    let mut answer = Answer(Vec::with_capacity(1 + texts + 4 + 1));
    answer.byte(0);
    answer.text(Some(&request.method));
    answer.text(Some(&request.url));
    answer.text(Some(&request.path));
    answer.number(u32::try_from(request.headers.len()).unwrap_or(u32::MAX));
    for (name, value) in &request.headers {
        answer.text(Some(name));
        answer.text(Some(value));
    }
    answer.byte(u8::from(same_body));
    if !same_body {
        answer.text(Some(&request.body));
    }
    answer
}

/// Takes a reference of the host's own to a `Client` (for hosts that keep one per wrapper
/// object, as the JVM's does, so that a call needs no clone through uniffi); returns the same
/// handle value, to release with [`antom_flat_release_client`].
///
/// # Safety
/// `client` must be a live `Client` handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_retain_client(client: u64) -> u64 {
    // SAFETY: the caller's guarantee.
    unsafe { retain::<Client>(client) }
}

/// Releases a reference taken with [`antom_flat_retain_client`].
///
/// # Safety
/// `client` must be a handle returned by `antom_flat_retain_client`, released once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_release_client(client: u64) {
    // SAFETY: the caller's guarantee: this reference is ours to drop.
    unsafe { release::<Client>(client) }
}

/// As [`antom_flat_retain_client`], for a `PublicKey`.
///
/// # Safety
/// `key` must be a live `PublicKey` handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_retain_public_key(key: u64) -> u64 {
    // SAFETY: the caller's guarantee.
    unsafe { retain::<PublicKey>(key) }
}

/// As [`antom_flat_release_client`], for a `PublicKey`.
///
/// # Safety
/// `key` must be a handle returned by `antom_flat_retain_public_key`, released once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn antom_flat_release_public_key(key: u64) {
    // SAFETY: the caller's guarantee: this reference is ours to drop.
    unsafe { release::<PublicKey>(key) }
}

/// A new reference to the object behind a live handle, as a handle of its own.
///
/// # Safety
/// `handle` must be a live handle uniffi created for a `T` object.
unsafe fn retain<T: HandleAlloc<UniFfiTag>>(handle: u64) -> u64 {
    // SAFETY: the caller's guarantee.
    unsafe { T::clone_handle(Handle::from_raw_unchecked(handle)) }.as_raw()
}

/// Drops the reference a handle stands for.
///
/// # Safety
/// `handle` must be a live handle for a `T` object that is the caller's to release, once.
unsafe fn release<T: HandleAlloc<UniFfiTag>>(handle: u64) {
    // SAFETY: the caller's guarantee.
    drop(unsafe { T::consume_handle(Handle::from_raw_unchecked(handle)) });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AntomKey, ClientConfig, Credential};

    const CLIENT_ID: &str = "SANDBOX_5X00000000000000";
    const ANTOM_PRIVATE: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.private.pkcs8.b64");
    const ANTOM_PUBLIC: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64");

    fn public_key() -> Arc<PublicKey> {
        PublicKey::new(ANTOM_PUBLIC.to_owned()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn handle<T: HandleAlloc<UniFfiTag>>(object: Arc<T>) -> u64 {
        T::new_handle(object).as_raw()
    }

    fn receiver() -> Arc<Client> {
        Client::new(ClientConfig {
            client_id: CLIENT_ID.to_owned(),
            credential: Credential::VerifyOnly,
            antom_keys: vec![AntomKey {
                key: public_key(),
                key_version: Some(3),
            }],
            region: None,
            environment: None,
            gateway_url: None,
            key_version: None,
            agent_token: None,
            max_body_bytes: None,
        })
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// The headers packed as `packed.rs` documents.
    fn pack(headers: &[(String, String)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, value) in headers {
            for part in [name, value] {
                out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(0).to_be_bytes());
                out.extend_from_slice(part.as_bytes());
            }
        }
        out
    }

    /// A flat notification verification with an answer buffer of `cap` bytes.
    fn notification(client: u64, body: &[u8], headers: &[u8], cap: usize) -> (i64, Vec<u8>) {
        let path = b"/antom/notify";
        let mut out = vec![0u8; cap];
        // SAFETY: a live handle, borrowed slices and a buffer of `cap` bytes.
        let written = unsafe {
            antom_flat_verify_notification(
                client,
                path.as_ptr(),
                path.len(),
                headers.as_ptr(),
                headers.len(),
                body.as_ptr(),
                body.len(),
                0,
                0,
                0,
                out.as_mut_ptr(),
                cap,
            )
        };
        out.truncate(usize::try_from(written.max(0)).unwrap_or(0));
        (written, out)
    }

    fn signed(body: &[u8]) -> Vec<u8> {
        let key =
            antom_core::PrivateKey::parse(ANTOM_PRIVATE).unwrap_or_else(|e| unreachable!("{e}"));
        let headers = antom_core::testing::sign_notification(
            &key,
            "/antom/notify",
            CLIENT_ID,
            1_763_769_600_000,
            body,
            3,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        pack(&headers)
    }

    #[test]
    fn a_notification_answers_its_facts_in_the_flat_encoding() {
        let client = receiver();
        let body =
            br#"{"notifyType":"PAYMENT_RESULT","paymentId":"p1","result":{"resultStatus":"S"}}"#;
        let headers = signed(body);
        let expected = client
            .verify_notification_packed(b"/antom/notify", &headers, body)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let raw = handle(Arc::clone(&client));
        let (written, answer) = notification(raw, body, &headers, 512);
        let mut want = vec![0, 1, outcome_byte(expected.outcome), 1];
        want.extend_from_slice(&3u32.to_le_bytes());
        for text in [
            "PAYMENT_RESULT",
            CLIENT_ID,
            "2025-11-22T00:00:00Z",
            expected.dedup_key.as_str(),
            expected.verified_by.fingerprint.as_str(),
        ] {
            want.extend_from_slice(&u32::try_from(text.len()).unwrap_or(0).to_le_bytes());
            want.extend_from_slice(text.as_bytes());
        }
        assert_eq!(usize::try_from(written).ok(), Some(want.len()));
        assert_eq!(answer, want);
        assert_eq!(expected.request_time, "2025-11-22T00:00:00Z");
        // The handle is only borrowed: our two references, nothing leaked.
        // SAFETY: the handle made above, consumed once.
        drop(unsafe {
            <Client as HandleAlloc<UniFfiTag>>::consume_handle(Handle::from_raw_unchecked(raw))
        });
        assert_eq!(Arc::strong_count(&client), 1);
    }

    #[test]
    fn a_short_buffer_gets_the_size_needed_and_nothing_written() {
        let body = br#"{"notifyType":"PAYMENT_RESULT","paymentId":"p1"}"#;
        let raw = handle(receiver());
        let (full, _) = notification(raw, body, &signed(body), 1024);
        assert!(full > 8);
        let short = usize::try_from(full - 1).unwrap_or(0);
        let (written, answer) = notification(raw, body, &signed(body), short);
        assert_eq!(written, -full);
        assert!(answer.is_empty());
        let (again, _) = notification(raw, body, &signed(body), usize::try_from(full).unwrap_or(0));
        assert_eq!(again, full);
    }

    #[test]
    fn errors_answer_the_stable_code_and_the_core_message() {
        let raw = handle(receiver());
        let body = br#"{"notifyType":"PAYMENT_RESULT"}"#;
        let mut forged = signed(body);
        let (_, answer) = notification(
            raw,
            br#"{"notifyType":"PAYMENT_RESULT","x":1}"#,
            &forged,
            512,
        );
        let code = b"SIGNATURE_MISMATCH";
        assert_eq!(answer[0], 1);
        assert_eq!(
            &answer[1..5],
            &u32::try_from(code.len()).unwrap_or(0).to_le_bytes()
        );
        assert_eq!(&answer[5..5 + code.len()], code);
        let message = std::str::from_utf8(&answer[9 + code.len()..]).unwrap_or("");
        assert!(message.starts_with("SIGNATURE_MISMATCH: "), "{message}");
        forged.truncate(3);
        let (_, answer) = notification(raw, body, &forged, 512);
        assert_eq!(&answer[5..18], b"INVALID_INPUT");
    }

    #[test]
    fn a_public_key_check_answers_one_byte() {
        let key =
            antom_core::PrivateKey::parse(ANTOM_PRIVATE).unwrap_or_else(|e| unreachable!("{e}"));
        let signature = key.sign("content").unwrap_or_else(|e| unreachable!("{e}"));
        let raw = handle(public_key());
        let check = |content: &[u8], signature: &[u8]| {
            let mut out = [0u8; 256];
            // SAFETY: a live handle, borrowed slices, a 256-byte buffer.
            let written = unsafe {
                antom_flat_public_key_verify(
                    raw,
                    content.as_ptr(),
                    content.len(),
                    signature.as_ptr(),
                    signature.len(),
                    out.as_mut_ptr(),
                    out.len(),
                )
            };
            out[..usize::try_from(written).unwrap_or(0)].to_vec()
        };
        assert_eq!(check(b"content", signature.as_bytes()), [0, 1]);
        assert_eq!(check(b"contents", signature.as_bytes()), [0, 0]);
        assert_eq!(check(b"content", b"%%%")[0], 1);
    }

    const MERCHANT_PRIVATE: &str =
        include_str!("../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64");

    /// A flat prepare with an answer buffer of 1 KiB.
    fn flat_prepare(client: u64, api: &[u8], body: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; 1024];
        // SAFETY: a live handle, borrowed slices and a 1 KiB buffer.
        let written = unsafe {
            antom_flat_prepare(
                client,
                api.as_ptr(),
                api.len(),
                body.as_ptr(),
                body.len(),
                1_700_000_000_000,
                out.as_mut_ptr(),
                out.len(),
            )
        };
        out.truncate(usize::try_from(written).unwrap_or(0));
        out
    }

    #[test]
    fn a_prepared_request_answers_the_uniffi_request_field_for_field() {
        let key = crate::PrivateKey::new(MERCHANT_PRIVATE.to_owned())
            .unwrap_or_else(|e| unreachable!("{e}"));
        let client = Client::new(ClientConfig {
            client_id: CLIENT_ID.to_owned(),
            credential: Credential::PrivateKey { key },
            antom_keys: vec![AntomKey {
                key: public_key(),
                key_version: None,
            }],
            region: None,
            environment: None,
            gateway_url: None,
            key_version: None,
            agent_token: None,
            max_body_bytes: None,
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
        let body = br#"{"paymentRequestId":"r1","paymentAmount":{"currency":"USD","value":"100"}}"#;
        let expected = client
            .prepare(
                "v1/payments/pay".to_owned(),
                body.to_vec(),
                1_700_000_000_000,
            )
            .unwrap_or_else(|e| unreachable!("{e}"));
        let raw = handle(Arc::clone(&client));
        let answer = flat_prepare(raw, b"v1/payments/pay", body);
        let mut want = vec![0u8];
        let mut text = |t: &str| {
            want.extend_from_slice(&u32::try_from(t.len()).unwrap_or(0).to_le_bytes());
            want.extend_from_slice(t.as_bytes());
        };
        text(&expected.method);
        text(&expected.url);
        text(&expected.path);
        let count = u32::try_from(expected.headers.len()).unwrap_or(0);
        want.extend_from_slice(&count.to_le_bytes());
        for header in &expected.headers {
            want.extend_from_slice(&u32::try_from(header.name.len()).unwrap_or(0).to_le_bytes());
            want.extend_from_slice(header.name.as_bytes());
            want.extend_from_slice(&u32::try_from(header.value.len()).unwrap_or(0).to_le_bytes());
            want.extend_from_slice(header.value.as_bytes());
        }
        want.push(1); // the body sent is the caller's
        assert_eq!(expected.body.as_bytes(), body);
        assert_eq!(answer, want);
        // Errors: the core's codes (a bad path, a body that is not JSON, a path not UTF-8).
        for (api, body) in [
            (&b"v1/no such path"[..], &body[..]),
            (b"v1/payments/pay", b"not json"),
            (b"v1/\xff", &body[..]),
        ] {
            let answer = flat_prepare(raw, api, body);
            assert_eq!(answer[0], 1);
            assert_eq!(&answer[5..18], b"INVALID_INPUT");
        }
        let receiver = handle(receiver());
        assert_eq!(
            &flat_prepare(receiver, b"v1/payments/pay", body)[5..18],
            b"INVALID_INPUT"
        );
    }

    #[test]
    fn retain_and_release_balance() {
        let client = receiver();
        let raw = handle(Arc::clone(&client));
        // SAFETY: a live handle; each retained reference released once.
        unsafe {
            let own = antom_flat_retain_client(raw);
            assert_eq!(Arc::strong_count(&client), 3);
            antom_flat_release_client(own);
            drop(<Client as HandleAlloc<UniFfiTag>>::consume_handle(
                Handle::from_raw_unchecked(raw),
            ));
        }
        assert_eq!(Arc::strong_count(&client), 1);
    }
}
