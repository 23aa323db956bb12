//! Two-step verification, for runtimes whose RSA is only offered asynchronously (WebCrypto's
//! `crypto.subtle.verify` returns a Promise).
//!
//! The core decides everything, as in `verifyResponse` / `verifyNotification`; only the RSA
//! check moves to the host. `beginVerify*` runs the core once with an engine that records each
//! RSA check it asks for (key, exact content, raw signature), in the core's order — with a key
//! ring, the candidate keys in the order the ring tries them — and answers "no" to each. When
//! the core asked for none (an unsigned response, a malformed header...), its verdict is final
//! and the pending verification carries it. Otherwise the host checks the candidates in order
//! and `finishVerify` runs the core again with an engine that answers "yes" for exactly the
//! candidate the host reported as verified (same key, same content, same signature bytes) and
//! "no" for everything else. Nothing the host says can make another content or key pass.

use std::cell::RefCell;

use antom_core::{
    BuiltinEngine, ErrorCode, Freshness, PrivateKey, PublicKey, RsaEngine, SignedContent,
};
use wasm_bindgen::prelude::*;

use super::{Ran, WasmClient, error, framed_pairs, notification_frame, response_frame};

/// One RSA check the core asked for.
struct Check {
    key: PublicKey,
    fingerprint: String,
    content: Vec<u8>,
    signature: Vec<u8>,
}

/// The first pass: records every check and answers "not verified".
#[derive(Default)]
struct Record(RefCell<Vec<Check>>);

impl RsaEngine for Record {
    fn sign(&self, _key: &PrivateKey, _content: &SignedContent<'_>) -> antom_core::Result<Vec<u8>> {
        Err(antom_core::Error::new(
            ErrorCode::SigningFailed,
            "verification does not sign",
        ))
    }

    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        self.0.borrow_mut().push(Check {
            key: key.clone(),
            fingerprint: key.fingerprint(),
            content: content.to_vec(),
            signature: signature.to_vec(),
        });
        false
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
        let Some(check) = self.verified else {
            return false;
        };
        check.key == *key
            && check.signature == signature
            && check.content.len() == content.len()
            && check.content.starts_with(content.head())
            && check.content.ends_with(content.body())
    }
}

/// What is being verified, kept for the second pass.
enum Message {
    Response,
    Notification(Option<Freshness>),
}

enum State {
    /// The core's verdict needed no RSA check: final.
    Done(Vec<u8>),
    /// Waiting for the host's checks.
    Waiting {
        message: Message,
        path: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        checks: Vec<Check>,
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
    /// The final verdict (framed as `verifyResponse` / `verifyNotification` frame it) when the
    /// core needed no RSA check; `undefined` when the host must check `candidates` first.
    #[wasm_bindgen(getter)]
    pub fn verdict(&self) -> Option<Vec<u8>> {
        match &self.state {
            State::Done(frame) => Some(frame.clone()),
            State::Waiting { .. } => None,
        }
    }

    /// How many RSA checks the core asks for (0 when `verdict` is final). Check them in this
    /// order and report the first that verifies.
    #[wasm_bindgen(getter)]
    pub fn candidates(&self) -> u32 {
        match &self.state {
            State::Done(_) => 0,
            State::Waiting { checks, .. } => u32::try_from(checks.len()).unwrap_or(u32::MAX),
        }
    }

    /// Check `index`'s key fingerprint (SHA-256 of its SPKI DER, hex): a stable id for the
    /// host's cache of imported keys.
    #[wasm_bindgen(js_name = keyId)]
    pub fn key_id(&self, index: u32) -> Option<String> {
        self.check(index).map(|check| check.fingerprint.clone())
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

    fn check(&self, index: u32) -> Option<&Check> {
        match &self.state {
            State::Done(_) => None,
            State::Waiting { checks, .. } => checks.get(usize::try_from(index).ok()?),
        }
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
    /// One pass of the core over `message` with `engine`: the framed verdict.
    fn verify_framed(
        &self,
        engine: &dyn RsaEngine,
        message: &Message,
        path: &str,
        headers: &Vec<(&str, &str)>,
        body: &[u8],
        ran: Ran,
    ) -> antom_core::Result<Vec<u8>> {
        match message {
            Message::Response => self
                .client
                .verify_response_with(engine, path, headers, body)
                .map(|response| {
                    let ran = if response.verified { ran } else { Ran::Nothing };
                    response_frame(&response, ran)
                }),
            Message::Notification(freshness) => match freshness {
                Some(freshness) => self
                    .client
                    .verify_notification_fresh_with(engine, path, headers, body, *freshness),
                None => self
                    .client
                    .verify_notification_with(engine, path, headers, body),
            }
            .map(|notification| notification_frame(&notification, ran)),
        }
    }

    fn begin(
        &self,
        message: Message,
        path: &str,
        headers: &[u8],
        body: &[u8],
    ) -> Result<PendingVerify, JsValue> {
        let pairs = framed_pairs(headers)?;
        if !self.node {
            // The WebAssembly engine was chosen: verified here, at once, as the sync call does.
            let (frame, _) = self.engine().run(|engine| {
                let ran = Ran::Wasm;
                self.verify_framed(engine, &message, path, &pairs, body, ran)
            })?;
            return Ok(PendingVerify {
                state: State::Done(frame),
            });
        }
        let record = Record::default();
        let first = self.verify_framed(&record, &message, path, &pairs, body, Ran::Nothing);
        let checks = record.0.into_inner();
        if checks.is_empty() {
            // No RSA check was asked for: the core's verdict (or refusal) is final.
            return first
                .map(|frame| PendingVerify {
                    state: State::Done(frame),
                })
                .map_err(error);
        }
        Ok(PendingVerify {
            state: State::Waiting {
                message,
                path: path.to_owned(),
                headers: pairs
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                    .collect(),
                body: body.to_vec(),
                checks,
            },
        })
    }
}

#[wasm_bindgen(js_class = Client)]
impl WasmClient {
    /// The first half of `verifyResponseAsync`: as `verifyResponse`, but the RSA checks the
    /// core needs are handed out (see [`PendingVerify`]) instead of run. With the WebAssembly
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

    /// The second half, consuming `pending`: the framed verdict of `verifyResponse` or
    /// `verifyNotification` (engine `"webcrypto"`). `verified` is the index of the first
    /// candidate whose signature the host verified, or -1 for none. `failed`: the host could
    /// not run the checks (it refused a key, or threw); then the client's fallback rule
    /// applies: the WebAssembly engine (engine `"wasm"`), or `INVALID_KEY` without fallback.
    #[wasm_bindgen(js_name = finishVerify)]
    pub fn finish_verify(
        &self,
        pending: PendingVerify,
        verified: i32,
        failed: bool,
    ) -> Result<Vec<u8>, JsValue> {
        let (message, path, headers, body, checks) = match pending.state {
            State::Done(frame) => return Ok(frame),
            State::Waiting {
                message,
                path,
                headers,
                body,
                checks,
            } => (message, path, headers, body, checks),
        };
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        if failed {
            if !self.fallback {
                return Err(error(antom_core::Error::new(
                    ErrorCode::InvalidKey,
                    "WebCrypto could not run the verification with this public key, and \
                     engineFallback is false: use engine \"wasm\" for this key, or allow the \
                     fallback to the WebAssembly engine",
                )));
            }
            return self
                .verify_framed(&BuiltinEngine, &message, &path, &pairs, &body, Ran::Wasm)
                .map_err(error);
        }
        let verified = usize::try_from(verified)
            .ok()
            .and_then(|index| checks.get(index));
        self.verify_framed(
            &Verdict { verified },
            &message,
            &path,
            &pairs,
            &body,
            Ran::WebCrypto,
        )
        .map_err(error)
    }
}
