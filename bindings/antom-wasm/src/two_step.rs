//! Two-step verification, for runtimes whose RSA is only offered asynchronously (WebCrypto's
//! `crypto.subtle.verify` returns a Promise).
//!
//! The core decides everything, as in `verifyResponse` / `verifyNotification`; only the RSA
//! check moves to the host. `beginVerify*` runs the core once with an engine that records each
//! RSA check it asks for (key, exact content, raw signature) and answers "verified" to the
//! first: the core's verdict *if* that check verifies is kept, and the check is handed out.
//! When the core asked for none (an unsigned response, a malformed header...), its verdict is
//! final and the pending verification carries it. The host runs the check and `finishVerify`
//! takes its answer: verified, and the kept verdict is the answer (one pass of the core, the
//! common case). Not verified: the core runs again answering "no" to every check, which lists
//! every candidate key in the order the key ring tries them; when there are more, they are
//! handed out (a second round) and the core's final pass answers "yes" for exactly the check the
//! host verified (same key, same content, same signature bytes), "no" to everything else.
//! Nothing the host says can make another content or key pass.

use std::cell::RefCell;

use antom_core::{
    BuiltinEngine, ErrorCode, Freshness, PrivateKey, PublicKey, RsaEngine, SignedContent,
};
use wasm_bindgen::prelude::*;

use super::{Ran, WasmClient, error, framed_pairs, notification_frame, response_frame};

/// One RSA check the core asked for.
struct Check {
    key: PublicKey,
    /// The key's position in the client's key ring (the host's cache of imported keys).
    ring_index: Option<u32>,
    content: Vec<u8>,
    signature: Vec<u8>,
}

impl Check {
    fn same(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        self.key == *key
            && self.signature == signature
            && self.content.len() == content.len()
            && self.content.starts_with(content.head())
            && self.content.ends_with(content.body())
    }
}

/// Records every check; answers "verified" to the first one when `optimistic`, "no" otherwise.
#[derive(Default)]
struct Record {
    optimistic: bool,
    checks: RefCell<Vec<Check>>,
}

impl RsaEngine for Record {
    fn sign(&self, _key: &PrivateKey, _content: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        Err(antom_core::Error::new(
            ErrorCode::SigningFailed,
            "verification does not sign",
        ))
    }

    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        let mut checks = self.checks.borrow_mut();
        checks.push(Check {
            key: key.clone(),
            ring_index: None,
            content: content.to_vec(),
            signature: signature.to_vec(),
        });
        self.optimistic && checks.len() == 1
    }
}

/// The second pass: "verified" for exactly the check the host verified, "no" otherwise.
struct Verdict<'a> {
    verified: Option<&'a Check>,
}

impl RsaEngine for Verdict<'_> {
    fn sign(&self, _key: &PrivateKey, _content: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        Err(antom_core::Error::new(
            ErrorCode::SigningFailed,
            "verification does not sign",
        ))
    }

    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        self.verified
            .is_some_and(|check| check.same(key, content, signature))
    }
}

/// What is being verified, kept for the second pass.
enum Message {
    Response,
    Notification(Option<Freshness>),
}

/// What was received, kept for the core's further passes.
struct Received {
    message: Message,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

enum State {
    /// The core's verdict needed no RSA check: final.
    Done(Vec<u8>),
    /// Waiting for the host's check of `checks[0]`, the core's first; `optimistic` is the
    /// core's verdict if it verifies.
    First {
        received: Received,
        checks: Vec<Check>,
        optimistic: antom_core::Result<Vec<u8>>,
    },
    /// Waiting for the host's checks of `checks[skip..]` (the first was checked already and
    /// did not verify), in order.
    Rest {
        received: Received,
        checks: Vec<Check>,
        skip: usize,
    },
}

/// A response or notification between `beginVerify*` and `finishVerify`: the RSA checks the
/// core asks for, in the order it asks for them, or its final verdict.
#[wasm_bindgen]
pub struct PendingVerify {
    state: State,
}

#[wasm_bindgen]
impl PendingVerify {
    /// The final verdict (framed as `verifyResponse` / `verifyNotification` frame it) once no
    /// RSA check is left to run; `undefined` while the host must check `candidates` first.
    #[wasm_bindgen(getter)]
    pub fn verdict(&self) -> Option<Vec<u8>> {
        match &self.state {
            State::Done(frame) => Some(frame.clone()),
            _ => None,
        }
    }

    /// How many RSA checks the host is to run now (0 when `verdict` is final). Check them in
    /// this order and report the first that verifies.
    #[wasm_bindgen(getter)]
    pub fn candidates(&self) -> u32 {
        u32::try_from(self.handed_out().len()).unwrap_or(u32::MAX)
    }

    /// Check `index`'s key position in the client's key ring: a stable id, for this client,
    /// of the host's imported key; `undefined` for a key outside the ring.
    #[wasm_bindgen(js_name = keyIndex)]
    pub fn key_index(&self, index: u32) -> Option<u32> {
        self.check(index).and_then(|check| check.ring_index)
    }

    /// Check `index`'s key as SubjectPublicKeyInfo DER (to import into the host once).
    pub fn spki(&self, index: u32) -> Option<Vec<u8>> {
        self.check(index).map(|check| check.key.to_der())
    }

    /// Check `index`'s exact signed bytes (`POST path\nclient-id.time.body`).
    pub fn content(&self, index: u32) -> Option<Vec<u8>> {
        self.check(index).map(|check| check.content.clone())
    }

    /// Check `index`'s raw signature (decoded and length-checked by the core).
    pub fn signature(&self, index: u32) -> Option<Vec<u8>> {
        self.check(index).map(|check| check.signature.clone())
    }
}

impl PendingVerify {
    fn done(frame: Vec<u8>) -> PendingVerify {
        PendingVerify {
            state: State::Done(frame),
        }
    }

    /// The checks handed out to the host now.
    fn handed_out(&self) -> &[Check] {
        match &self.state {
            State::Done(_) => &[],
            State::First { checks, .. } => &checks[..checks.len().min(1)],
            State::Rest { checks, skip, .. } => checks.get(*skip..).unwrap_or(&[]),
        }
    }

    fn check(&self, index: u32) -> Option<&Check> {
        self.handed_out().get(usize::try_from(index).ok()?)
    }
}

fn freshness_of(
    now_ms: Option<u64>,
    max_age_ms: Option<u64>,
) -> Result<Option<Freshness>, JsValue> {
    match (now_ms, max_age_ms) {
        (Some(now_ms), Some(max_age_ms)) => Ok(Some(Freshness { now_ms, max_age_ms })),
        (None, None) => Ok(None),
        _ => Err(JsError::new("nowMs and maxAgeMs go together").into()),
    }
}

impl WasmClient {
    /// One pass of the core over `received` with `engine`: the framed verdict.
    fn verify_framed(
        &self,
        engine: &dyn RsaEngine,
        received: &Received,
        ran: Ran,
    ) -> antom_core::Result<Vec<u8>> {
        let headers: Vec<(&str, &str)> = received
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let (path, body) = (received.path.as_str(), received.body.as_slice());
        match &received.message {
            Message::Response => self
                .client
                .verify_response_with(engine, path, &headers, body)
                .map(|response| {
                    let ran = if response.verified { ran } else { Ran::Nothing };
                    response_frame(&response, ran).finish()
                }),
            Message::Notification(freshness) => match freshness {
                Some(freshness) => self
                    .client
                    .verify_notification_fresh_with(engine, path, &headers, body, *freshness),
                None => self
                    .client
                    .verify_notification_with(engine, path, &headers, body),
            }
            .map(|notification| notification_frame(&notification, ran).finish()),
        }
    }

    /// One pass with a recording engine: its verdict and the checks, each with its ring index.
    fn record(
        &self,
        received: &Received,
        optimistic: bool,
    ) -> (antom_core::Result<Vec<u8>>, Vec<Check>) {
        let record = Record {
            optimistic,
            checks: RefCell::default(),
        };
        let verdict = self.verify_framed(&record, received, Ran::WebCrypto);
        let mut checks = record.checks.into_inner();
        let ring = self.client.antom_keys().keys();
        for check in &mut checks {
            check.ring_index = ring
                .iter()
                .position(|member| member.key == check.key)
                .and_then(|at| u32::try_from(at).ok());
        }
        (verdict, checks)
    }

    fn begin(
        &self,
        message: Message,
        path: &str,
        headers: &[u8],
        body: &[u8],
    ) -> Result<PendingVerify, JsValue> {
        let pairs = framed_pairs(headers)?;
        let received = Received {
            message,
            path: path.to_owned(),
            headers: pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: body.to_vec(),
        };
        if !self.node {
            // The WebAssembly engine was chosen: verified here, at once, as the sync call does.
            let (frame, _) = self
                .engine()
                .run(|engine| self.verify_framed(engine, &received, Ran::Wasm))?;
            return Ok(PendingVerify::done(frame));
        }
        let (optimistic, checks) = self.record(&received, true);
        if checks.is_empty() {
            // No RSA check was asked for: the core's verdict (or refusal) is final.
            return optimistic.map(PendingVerify::done).map_err(error);
        }
        Ok(PendingVerify {
            state: State::First {
                received,
                checks,
                optimistic,
            },
        })
    }
}

#[wasm_bindgen(js_class = Client)]
impl WasmClient {
    /// The first half of `verifyResponseAsync`: as `verifyResponse`, but the RSA checks the
    /// core needs are handed out (see `PendingVerify`) instead of run. With the WebAssembly
    /// engine selected (`node = false`) the verdict is made here and final.
    #[wasm_bindgen(js_name = beginVerifyResponse)]
    pub fn begin_verify_response(
        &self,
        path: &str,
        headers: &[u8],
        body: &[u8],
    ) -> Result<PendingVerify, JsValue> {
        self.begin(Message::Response, path, headers, body)
    }

    /// The first half of `verifyNotificationAsync` (see `beginVerifyResponse`); `now_ms` and
    /// `max_age_ms` as for `verifyNotification`.
    #[wasm_bindgen(js_name = beginVerifyNotification)]
    pub fn begin_verify_notification(
        &self,
        path: &str,
        headers: &[u8],
        body: &[u8],
        now_ms: Option<u64>,
        max_age_ms: Option<u64>,
    ) -> Result<PendingVerify, JsValue> {
        let freshness = freshness_of(now_ms, max_age_ms)?;
        self.begin(Message::Notification(freshness), path, headers, body)
    }

    /// The next step, consuming `pending`: a pending verification whose `verdict` is final
    /// (engine `"webcrypto"`), or one with more checks for the host (at most one more round).
    /// `verified` is the index of the first handed-out check the host verified, or -1 for
    /// none. `failed`: the host could not run the checks (it refused a key, or threw); then the
    /// client's fallback rule applies: the WebAssembly engine (engine `"wasm"`), or
    /// `INVALID_KEY` without fallback. A refusal of the core is thrown, as by the sync calls.
    #[wasm_bindgen(js_name = finishVerify)]
    pub fn finish_verify(
        &self,
        pending: PendingVerify,
        verified: i32,
        failed: bool,
    ) -> Result<PendingVerify, JsValue> {
        let verified = usize::try_from(verified).ok();
        let (received, checks, skip, verified) = match pending.state {
            State::Done(frame) => return Ok(PendingVerify::done(frame)),
            State::First {
                optimistic,
                received,
                checks,
            } => {
                if !failed && verified == Some(0) {
                    // The common case: the core's first check verified; its verdict stands.
                    return optimistic.map(PendingVerify::done).map_err(error);
                }
                if failed {
                    return self.fall_back(&received);
                }
                // The first check failed: every candidate, in the ring's order.
                let (_, all) = self.record(&received, false);
                let first_again = match (all.first(), checks.first()) {
                    (Some(again), Some(first)) => {
                        again.key == first.key
                            && again.content == first.content
                            && again.signature == first.signature
                    }
                    _ => false,
                };
                let skip = usize::from(first_again);
                if all.len() > skip {
                    return Ok(PendingVerify {
                        state: State::Rest {
                            received,
                            checks: all,
                            skip,
                        },
                    });
                }
                // The only candidate did not verify: the core's verdict without any.
                (received, all, skip, None)
            }
            State::Rest {
                received,
                checks,
                skip,
            } => {
                if failed {
                    return self.fall_back(&received);
                }
                (received, checks, skip, verified)
            }
        };
        let verified = verified.and_then(|index| checks.get(skip.checked_add(index)?));
        self.verify_framed(&Verdict { verified }, &received, Ran::WebCrypto)
            .map(PendingVerify::done)
            .map_err(error)
    }
}

impl WasmClient {
    /// The host could not run a check: the WebAssembly engine, or without fallback its refusal.
    fn fall_back(&self, received: &Received) -> Result<PendingVerify, JsValue> {
        if !self.fallback {
            return Err(error(antom_core::Error::new(
                ErrorCode::InvalidKey,
                "WebCrypto could not run the verification with this public key, and \
                 engineFallback is false: use engine \"wasm\" for this key, or allow the \
                 fallback to the WebAssembly engine",
            )));
        }
        self.verify_framed(&BuiltinEngine, received, Ran::Wasm)
            .map(PendingVerify::done)
            .map_err(error)
    }
}
