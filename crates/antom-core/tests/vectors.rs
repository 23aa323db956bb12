//! Runs every conformance vector in `tests/vectors/` and checks the manifest's counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};

use antom_core::{
    AntomKey, ApiKey, Client, ClientConfig, Environment, Freshness, KeyId, KeyRing, PrivateKey,
    PublicKey, Region, SignatureHeader, content_to_sign, endpoint, from_minor_units,
    to_minor_units, verify_request,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A vector "text": a string, or {"prefix", "repeat", "count", "suffix"}.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let part = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let count = o["count"].as_u64().unwrap() as usize;
            format!(
                "{}{}{}",
                part("prefix"),
                part("repeat").repeat(count),
                part("suffix")
            )
        }
        other => panic!("not a text: {other}"),
    }
}

fn read_file(rel: &Value) -> String {
    std::fs::read_to_string(vectors_dir().join(rel.as_str().unwrap())).unwrap()
}

/// Compares an operation's outcome with `expect`: an error code, or a JSON object. An error's
/// message (and its full string form) must contain none of the `forbidden` substrings.
fn check(
    id: &str,
    expect: &Value,
    forbidden: &[String],
    outcome: Result<Value, antom_core::Error>,
) -> Result<(), String> {
    if let Err(err) = &outcome {
        for text in [
            err.message().to_owned(),
            err.to_string(),
            format!("{err:?}"),
        ] {
            if let Some(leak) = forbidden.iter().find(|f| text.contains(f.as_str())) {
                return Err(format!("{id}: the error text contains {leak:?}: {text}"));
            }
        }
    }
    match (expect.get("error"), outcome) {
        (Some(code), Err(err)) if err.code().as_str() == code => Ok(()),
        (Some(code), Err(err)) => Err(format!("{id}: expected error {code}, got {err}")),
        (Some(code), Ok(got)) => Err(format!("{id}: expected error {code}, got {got}")),
        (None, Err(err)) => Err(format!("{id}: unexpected error {err}")),
        (None, Ok(got)) => {
            for (key, want) in expect.as_object().unwrap() {
                if got.get(key) != Some(want) {
                    return Err(format!(
                        "{id}: field {key}: expected {want}, got {:?}",
                        got.get(key)
                    ));
                }
            }
            Ok(())
        }
    }
}

/// The Antom keys of a config: `antom_keys` (a ring, tags optional) or one
/// `antom_public_key_file` (an untagged ring of one).
fn antom_keys(config: &Value) -> Result<KeyRing, antom_core::Error> {
    let Some(members) = config.get("antom_keys") else {
        return Ok(PublicKey::parse(&read_file(&config["antom_public_key_file"]))?.into());
    };
    let keys = members
        .as_array()
        .unwrap()
        .iter()
        .map(|member| {
            let key = PublicKey::parse(&read_file(&member["key_file"]))?;
            Ok(match member.get("key_version") {
                Some(v) => AntomKey::tagged(key, u32::try_from(v.as_u64().unwrap()).unwrap()),
                None => AntomKey::untagged(key),
            })
        })
        .collect::<Result<Vec<_>, antom_core::Error>>()?;
    KeyRing::new(keys)
}

/// A `verified_by` as the vectors write it.
fn key_id(id: Option<&KeyId>) -> Value {
    id.map_or(
        Value::Null,
        |id| json!({"key_version": id.key_version, "fingerprint": id.fingerprint}),
    )
}

fn client(config: &Value) -> Result<Client, antom_core::Error> {
    let antom = antom_keys(config)?;
    let client_id = config["client_id"].as_str().unwrap();
    let cfg = match (config.get("private_key_file"), config.get("api_key")) {
        (Some(file), None) => {
            ClientConfig::new(client_id, PrivateKey::parse(&read_file(file))?, antom)
        }
        (None, Some(key)) => {
            ClientConfig::with_api_key(client_id, ApiKey::parse(key.as_str().unwrap())?, antom)
        }
        (None, None) => ClientConfig::verify_only(client_id, antom),
        _ => panic!("config has both private_key_file and api_key"),
    };
    build(cfg, config)
}

/// external_signer.json's config: `merchant_public_key_file` optional, never a private key.
fn external_client(config: &Value) -> Result<Client, antom_core::Error> {
    assert!(config.get("private_key_file").is_none() && config.get("api_key").is_none());
    let antom = antom_keys(config)?;
    let merchant = match config.get("merchant_public_key_file") {
        Some(file) => Some(PublicKey::parse(&read_file(file))?),
        None => None,
    };
    let client_id = config["client_id"].as_str().unwrap();
    build(
        ClientConfig::with_external_signer(client_id, merchant, antom),
        config,
    )
}

/// The config fields every credential kind shares.
fn build(mut cfg: ClientConfig, config: &Value) -> Result<Client, antom_core::Error> {
    if let Some(region) = config.get("region") {
        cfg.region = Region::parse(region.as_str().unwrap())?;
    }
    if let Some(env) = config.get("environment") {
        cfg.environment = Some(Environment::parse(env.as_str().unwrap())?);
    }
    cfg.gateway_url = config
        .get("gateway_url")
        .map(|v| v.as_str().unwrap().to_owned());
    if let Some(kv) = config.get("key_version") {
        cfg.key_version = u32::try_from(kv.as_u64().unwrap()).unwrap();
    }
    cfg.agent_token = config
        .get("agent_token")
        .map(|v| v.as_str().unwrap().to_owned());
    if let Some(max) = config.get("max_body_bytes") {
        cfg.max_body_bytes = usize::try_from(max.as_u64().unwrap()).unwrap();
    }
    Client::new(cfg)
}

fn pairs(headers: &Value) -> Vec<(String, String)> {
    headers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), text(&p[1])))
        .collect()
}

fn body_bytes(input: &Value) -> Vec<u8> {
    match input.get("body_base64") {
        Some(b64) => STANDARD.decode(b64.as_str().unwrap()).unwrap(),
        None => text(&input["body"]).into_bytes(),
    }
}

fn run_case(operation: &str, input: &Value) -> Result<Value, antom_core::Error> {
    match operation {
        "parse_key" => {
            let private = input["kind"] == "private";
            let public = if let Some(der) = input.get("der_base64") {
                let der = STANDARD.decode(der.as_str().unwrap()).unwrap();
                if private {
                    PrivateKey::from_der(&der)?.public_key()
                } else {
                    PublicKey::from_der(&der)?
                }
            } else {
                let text = match input.get("text_file") {
                    Some(file) => read_file(file),
                    None => text(&input["text"]),
                };
                if private {
                    PrivateKey::parse(&text)?.public_key()
                } else {
                    PublicKey::parse(&text)?
                }
            };
            Ok(json!({"bits": public.bits(), "public_key_base64": public.to_base64()}))
        }
        "content_to_sign" => {
            let s = |k: &str| input[k].as_str().unwrap();
            let content = content_to_sign(
                s("method"),
                s("path"),
                s("client_id"),
                s("time"),
                &text(&input["body"]),
            );
            let digest: String = Sha256::digest(content.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Ok(
                json!({"content": content, "content_sha256": digest, "content_length": content.len()}),
            )
        }
        "sign" => {
            let key = PrivateKey::parse(&read_file(&input["private_key_file"]))?;
            let signature = key.sign(&text(&input["content"]))?;
            let raw = signature
                .replace("%2B", "+")
                .replace("%2F", "/")
                .replace("%3D", "=");
            Ok(json!({"signature": signature, "signature_base64": raw}))
        }
        "verify" => {
            let key = PublicKey::parse(&read_file(&input["public_key_file"]))?;
            let valid = key.verify(&text(&input["content"]), &text(&input["signature"]))?;
            Ok(json!({"valid": valid}))
        }
        "signature_header" => {
            if let Some(header) = input.get("parse") {
                let parsed = SignatureHeader::parse(&text(header))?;
                Ok(
                    json!({"algorithm": parsed.algorithm(), "key_version": parsed.key_version, "signature": parsed.signature}),
                )
            } else {
                let f = &input["format"];
                let kv = u32::try_from(f["key_version"].as_u64().unwrap()).unwrap();
                Ok(
                    json!({"header": SignatureHeader::new(kv, f["signature"].as_str().unwrap()).to_string()}),
                )
            }
        }
        "prepare" => {
            let client = client(&input["config"])?;
            let request_time = input["request_time"].as_u64().unwrap();
            let req = client.prepare(
                input["api"].as_str().unwrap(),
                body_bytes(input),
                request_time,
            )?;
            let headers: Vec<[&str; 2]> = req
                .headers
                .iter()
                .map(|(k, v)| [k.as_str(), v.as_str()])
                .collect();
            // The receiving side's check, on what we produced: Antom's view of the request.
            if let Some(file) = input["config"].get("private_key_file") {
                let public = PrivateKey::parse(&read_file(file))?.public_key();
                let seen = verify_request(&public, &req.path, &req.headers, req.body.as_bytes())?;
                assert_eq!(seen.time, request_time.to_string());
            }
            // The signed stage, rebuilt from the outputs: it must match the generator's.
            let time = request_time.to_string();
            let client_id = input["config"]["client_id"].as_str().unwrap();
            let content = content_to_sign(&req.method, &req.path, client_id, &time, &req.body);
            Ok(
                json!({"method": req.method, "url": req.url, "path": req.path,
                "headers": headers, "body": req.body, "content": content}),
            )
        }
        "prepare_external" => {
            // Step 1: the message and its digest. Step 2 with the vector's signature (made by
            // the generator with OpenSSL): the request, or the error, under "finish".
            let client = external_client(&input["config"])?;
            let pending = client.prepare_external(
                input["api"].as_str().unwrap(),
                body_bytes(input),
                input["request_time"].as_u64().unwrap(),
            )?;
            let message = String::from_utf8(pending.message().to_vec()).unwrap();
            let digest_hex: String = pending
                .digest()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let expected_digest: [u8; 32] = Sha256::digest(pending.message()).into();
            assert_eq!(
                pending.digest(),
                &expected_digest,
                "digest is SHA-256 of message"
            );
            let signature = STANDARD
                .decode(input["signature_base64"].as_str().unwrap())
                .unwrap();
            let finish = match client.finish_external(pending, &signature) {
                Ok(req) => {
                    let headers: Vec<[&str; 2]> = req
                        .headers
                        .iter()
                        .map(|(k, v)| [k.as_str(), v.as_str()])
                        .collect();
                    json!({"method": req.method, "url": req.url, "path": req.path,
                        "headers": headers, "body": req.body})
                }
                Err(err) => {
                    // The message says what to fix and never echoes the signature.
                    let text = format!("{err} {err:?}");
                    let head = input["signature_base64"].as_str().unwrap();
                    if head.len() >= 16 {
                        assert!(
                            !text.contains(&head[..16]),
                            "signature in error text: {text}"
                        );
                    }
                    json!({"error": err.code().as_str()})
                }
            };
            Ok(json!({"message": message, "digest_hex": digest_hex, "finish": finish}))
        }
        "verify_response" => {
            let client = client(&input["config"])?;
            let r = client.verify_response(
                input["path"].as_str().unwrap(),
                &pairs(&input["headers"]),
                &body_bytes(input),
            )?;
            assert_eq!(r.body, body_bytes(input));
            Ok(
                json!({"verified": r.verified, "result_status": r.result_status.as_str(),
                "result_code": r.result_code, "result_message": r.result_message,
                "next_action": r.next_action().as_str(), "outcome": r.outcome.as_str(),
                "verified_by": key_id(r.verified_by.as_ref())}),
            )
        }
        "verify_notification" => {
            let client = client(&input["config"])?;
            let (path, headers, body) = (
                input["path"].as_str().unwrap(),
                pairs(&input["headers"]),
                body_bytes(input),
            );
            let n = match input.get("freshness") {
                Some(f) => client.verify_notification_fresh(
                    path,
                    &headers,
                    &body,
                    Freshness {
                        now_ms: f["now_ms"].as_u64().unwrap(),
                        max_age_ms: f["max_age_ms"].as_u64().unwrap(),
                    },
                ),
                None => client.verify_notification(path, &headers, &body),
            }?;
            assert_eq!(n.body, body);
            Ok(
                json!({"notify_type": n.notify_type, "result_status": n.result_status.map(|s| s.as_str()),
                "client_id": n.client_id, "request_time": n.request_time, "dedup_key": n.dedup_key,
                "outcome": n.outcome.as_str(), "verified_by": key_id(Some(&n.verified_by))}),
            )
        }
        "fingerprint" => {
            let text = read_file(&input["key_file"]);
            let key = match input["kind"].as_str().unwrap() {
                "private" => PrivateKey::parse(&text)?.public_key(),
                _ => PublicKey::parse(&text)?,
            };
            Ok(json!({"fingerprint": key.fingerprint()}))
        }
        "amount" => {
            if let Some(to) = input.get("to_minor_units") {
                Ok(
                    json!({"value": to_minor_units(to["amount"].as_str().unwrap(), to["currency"].as_str().unwrap())?}),
                )
            } else {
                let from = &input["from_minor_units"];
                Ok(
                    json!({"amount": from_minor_units(from["value"].as_str().unwrap(), from["currency"].as_str().unwrap())?}),
                )
            }
        }
        "endpoint" => Ok(match endpoint(input["name"].as_str().unwrap()) {
            Some(e) => json!({"path": e.path, "group": e.group, "found": true}),
            None => json!({"found": false}),
        }),
        "retry" => retry_case(input),
        "mask_body" => Ok(json!({"masked": antom_core::mask_body(&body_bytes(input))})),
        other => panic!("unknown operation {other}"),
    }
}

fn retry_policy(policy: &Value) -> antom_core::RetryPolicy {
    let int = |name: &str| policy[name].as_u64().unwrap();
    antom_core::RetryPolicy {
        max_attempts: u32::try_from(int("max_attempts")).unwrap(),
        initial_backoff_ms: int("initial_backoff_ms"),
        max_backoff_ms: int("max_backoff_ms"),
        attempt_timeout_ms: int("attempt_timeout_ms"),
        deadline_ms: int("deadline_ms"),
        retry_without_idempotency_key: policy["retry_without_idempotency_key"].as_bool().unwrap(),
    }
}

fn retry_case(input: &Value) -> Result<Value, antom_core::Error> {
    let path = || input["path"].as_str().unwrap();
    let step = input["step"].as_str().unwrap();
    if step == "span_name" {
        return Ok(json!({"span_name": antom_core::span_name(path())}));
    }
    let policy = retry_policy(&input["policy"]);
    match step {
        "check" => policy.check().map(|()| json!({"valid": true})),
        "attempt_timeout" => Ok(json!({
            "timeout_ms": antom_core::attempt_timeout_ms(&policy, input["elapsed_ms"].as_u64().unwrap())
        })),
        "decide" => {
            let failure = &input["failure"];
            let failure = match failure["kind"].as_str().unwrap() {
                "transport" => antom_core::AttemptFailure::Transport,
                "timeout" => antom_core::AttemptFailure::Timeout,
                _ => antom_core::AttemptFailure::HttpStatus(
                    u16::try_from(failure["status"].as_u64().unwrap()).unwrap(),
                ),
            };
            let decision = antom_core::decide_retry(
                &policy,
                path(),
                input["body"].as_str().unwrap().as_bytes(),
                u32::try_from(input["attempt"].as_u64().unwrap()).unwrap(),
                input["elapsed_ms"].as_u64().unwrap(),
                failure,
                input["random"].as_u64().unwrap(),
            );
            let delay = match decision {
                antom_core::RetryDecision::Retry { delay_ms } => delay_ms,
                antom_core::RetryDecision::Stop(_) => 0,
            };
            Ok(json!({
                "retry": matches!(decision, antom_core::RetryDecision::Retry { .. }),
                "delay_ms": delay,
                "reason": decision.code(),
            }))
        }
        other => panic!("unknown retry step {other}"),
    }
}

/// The substrings a case's error text must not contain (hostile.json; none elsewhere).
fn forbidden(case: &Value) -> Vec<String> {
    case.get("forbidden")
        .map(|list| {
            list.as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_vector_passes_and_the_manifest_count_is_met() {
    let manifest = load("manifest.json");
    let mut total = 0;
    let mut failures = Vec::new();
    let mut hostile_operations = serde_json::Map::new();
    for (file, count) in manifest["files"].as_object().unwrap() {
        let doc = load(file);
        let file_operation = doc["operation"].as_str().unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert_eq!(
            cases.len() as u64,
            count.as_u64().unwrap(),
            "{file}: case count vs manifest"
        );
        for case in cases {
            let id = format!("{file}#{}", case["id"].as_str().unwrap());
            // hostile.json: every case names its own operation.
            let operation = match file_operation {
                "hostile" => {
                    let op = case["operation"].as_str().unwrap();
                    let n = hostile_operations.entry(op).or_insert(json!(0));
                    *n = json!(n.as_u64().unwrap() + 1);
                    op
                }
                op => op,
            };
            let expect = &case["expect"];
            let outcome = run_case(operation, &case["input"]);
            if let Err(failure) = check(&id, expect, &forbidden(case), outcome) {
                failures.push(failure);
            }
            total += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        total,
        manifest["total"].as_u64().unwrap(),
        "total cases vs manifest"
    );
    assert_eq!(
        Value::Object(hostile_operations),
        manifest["hostile_operations"],
        "hostile.json cases per operation vs manifest"
    );
    assert!(
        total >= 200,
        "the contract needs at least 200 cases, found {total}"
    );
    println!("ran {total} conformance vectors");
}
