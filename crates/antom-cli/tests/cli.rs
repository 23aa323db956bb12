//! The built `antom` binary: keys check, sign, trigger + verify-notification, and mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;

use antom_core::{Client, ClientConfig, PublicKey, ResultStatus};
use common::*;
use serde_json::Value;

fn antom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_antom"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn path(name: &str) -> String {
    key_path(name).display().to_string()
}

/// No 32-character run of a key file's base64 appears in `output`.
fn assert_no_key_material(output: &str, key_file: &str) {
    let key: String = key_text(key_file).split_whitespace().collect();
    let chars: Vec<char> = key.chars().collect();
    for window in chars.windows(32).step_by(16) {
        let piece: String = window.iter().collect();
        assert!(!output.contains(&piece), "key material printed");
    }
}

#[test]
fn keys_check_reports_without_printing_keys() {
    let output = antom(&[
        "keys",
        "check",
        "--private",
        &path("TEST-ONLY-merchant.private.pkcs8.b64"),
        "--public",
        &path("TEST-ONLY-merchant.public.spki.b64"),
    ]);
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("PKCS#8"));
    assert!(shown.contains("RSA-2048"));
    assert!(shown.contains("the keys match"));
    assert!(shown.contains(&merchant_public().fingerprint()));
    assert_no_key_material(&shown, "TEST-ONLY-merchant.private.pkcs8.b64");

    let output = antom(&[
        "keys",
        "check",
        "--private",
        &path("TEST-ONLY-merchant.private.pkcs8.b64"),
        "--public",
        &path("TEST-ONLY-other.public.spki.b64"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("DO NOT match"));

    let output = antom(&[
        "keys",
        "check",
        "--private",
        &path("TEST-ONLY-rsa1024.private.pkcs8.b64"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("INVALID_KEY"));
    assert_no_key_material(&text(&output), "TEST-ONLY-rsa1024.private.pkcs8.b64");

    let output = antom(&[
        "keys",
        "check",
        "--public",
        &path("TEST-ONLY-merchant.private.pkcs8.b64"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_no_key_material(&text(&output), "TEST-ONLY-merchant.private.pkcs8.b64");

    assert!(!antom(&["keys", "check"]).status.success());
    assert!(
        !antom(&["keys", "check", "--private", "/nonexistent"])
            .status
            .success()
    );
}

#[test]
fn keys_check_tells_which_key_verifies_a_message() {
    let dir = std::env::temp_dir().join(format!("antom-keys-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = br#"{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"}}"#;
    let time = "2026-12-03T12:00:00Z";
    let signature =
        antom_core::signature_header(&antom_private(), "/notify", CLIENT_ID, time, body, 1)
            .unwrap();
    let headers = format!("client-id: {CLIENT_ID}\nrequest-time: {time}\nsignature: {signature}\n");
    std::fs::write(dir.join("headers.txt"), headers).unwrap();
    std::fs::write(dir.join("body.json"), body).unwrap();
    let run = |keys: &[&str]| {
        let mut args = vec!["keys".to_owned(), "check".to_owned()];
        for key in keys {
            args.extend(["--public".to_owned(), path(key)]);
        }
        for (flag, value) in [
            (
                "--message-headers",
                dir.join("headers.txt").display().to_string(),
            ),
            (
                "--message-body",
                dir.join("body.json").display().to_string(),
            ),
            ("--path", "/notify".to_owned()),
        ] {
            args.extend([flag.to_owned(), value]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        antom(&args)
    };
    let antom_public = PublicKey::parse(&key_text("TEST-ONLY-antom.public.spki.b64")).unwrap();
    let other_public = PublicKey::parse(&key_text("TEST-ONLY-other.public.spki.b64")).unwrap();
    // The sandbox key and the live key given in turn: the second one verifies.
    let output = run(&[
        "TEST-ONLY-other.public.spki.b64",
        "TEST-ONLY-antom.public.spki.b64",
    ]);
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("verified by: {}", antom_public.fingerprint())),
        "{shown}"
    );
    // Only the wrong key: exit 1, the mismatch names the key tried by fingerprint.
    let output = run(&["TEST-ONLY-other.public.spki.b64"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("SIGNATURE_MISMATCH") && shown.contains(&other_public.fingerprint()),
        "{shown}"
    );
    assert!(
        !shown.contains(&other_public.to_base64()),
        "key text printed"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every PEM delimiter broken in turn, for a private and a public key: `antom keys check`
/// fails (or describes the file) without printing any of the key.
#[test]
fn keys_check_never_prints_a_key_from_a_broken_pem() {
    let dir = std::env::temp_dir().join(format!("antom-cli-pem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "TEST-ONLY-merchant.private.pkcs8.b64",
            "PRIVATE KEY",
            "--private",
        ),
        (
            "TEST-ONLY-merchant.public.spki.b64",
            "PUBLIC KEY",
            "--public",
        ),
    ];
    let mut checked = 0;
    for (file, label, flag) in cases {
        let body: String = key_text(file).split_whitespace().collect();
        let good = [
            "-----BEGIN ".to_owned(),
            format!("{label}-----\n"),
            format!("{body}\n"),
            "-----END ".to_owned(),
            format!("{label}-----\n"),
        ];
        let mut broken: Vec<String> = vec![
            format!("-----BEGIN {label}----\n{body}\n-----END {label}-----\n"),
            format!("----BEGIN {label}-----\n{body}\n-----END {label}-----\n"),
            format!("-----BEGIN {label}-----\n{body}\n-----END {label}----\n"),
            format!("-----BEGIN {label}-----\n{body}\n----END {label}-----\n"),
            format!("-----BEGIN {body}-----\n"),
            format!("-----BEGIN {label}{body}\n-----END {label}-----\n"),
            format!("-----BEGIN {label}-----{body}-----END {label}-----"),
        ];
        // Drop each of the five delimiter pieces in turn.
        for skip in 0..good.len() {
            if skip != 2 {
                broken.push(
                    good.iter()
                        .enumerate()
                        .filter(|(i, _)| *i != skip)
                        .map(|(_, piece)| piece.as_str())
                        .collect(),
                );
            }
        }
        for (index, pem) in broken.iter().enumerate() {
            let key_path = dir.join(format!("broken-{flag}-{index}.pem"));
            std::fs::write(&key_path, pem).unwrap();
            let output = antom(&["keys", "check", flag, &key_path.display().to_string()]);
            let shown = text(&output);
            assert_no_key_material(&shown, file);
            checked += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(checked, 22);
}

#[test]
fn sign_prints_the_core_headers() {
    let dir = std::env::temp_dir().join(format!("antom-cli-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body_path = dir.join("body.json");
    let body = r#"{"paymentRequestId":"sign-1"}"#;
    std::fs::write(&body_path, body).unwrap();
    let body_arg = body_path.display().to_string();
    let args = [
        "sign",
        "--client-id",
        CLIENT_ID,
        "--private-key",
        &path("TEST-ONLY-merchant.private.pkcs8.b64"),
        "--api",
        "v1/payments/inquiryPayment",
        "--body",
        &body_arg,
        "--request-time",
        "1685599933871",
        "--gateway-url",
        "http://127.0.0.1:8080",
    ];
    let output = antom(&args);
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    let placeholder = PublicKey::parse(&key_text("TEST-ONLY-antom.public.spki.b64")).unwrap();
    let mut config = ClientConfig::new(CLIENT_ID, merchant_private(), placeholder);
    config.gateway_url = Some("http://127.0.0.1:8080".to_owned());
    let expected = Client::new(config)
        .unwrap()
        .prepare("v1/payments/inquiryPayment", body, 1_685_599_933_871)
        .unwrap();
    assert!(shown.starts_with(&format!("POST {}\n", expected.url)));
    for (name, value) in &expected.headers {
        assert!(shown.contains(&format!("{name}: {value}\n")), "{name}");
    }
    assert_no_key_material(&shown, "TEST-ONLY-merchant.private.pkcs8.b64");

    let mut curl_args = args.to_vec();
    curl_args.push("--curl");
    let output = antom(&curl_args);
    let shown = text(&output);
    assert!(shown.starts_with(
        "curl -sS -X POST 'http://127.0.0.1:8080/ams/sandbox/api/v1/payments/inquiryPayment'"
    ));
    assert!(shown.contains(&format!("--data-binary '@{body_arg}'")));

    // Not a JSON object → refused.
    std::fs::write(&body_path, "[1]").unwrap();
    assert!(!antom(&args).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `antom sign --signer-command`: OpenSSL stands in for an HSM, once signing the message and
/// once a digest; both give exactly the key-file output. A signer holding another key is
/// refused before anything is printed.
#[test]
fn sign_with_an_external_signer_command() {
    let dir = std::env::temp_dir().join(format!("antom-cli-signer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = |name: &str| {
        let body: String = key_text(name).split_whitespace().collect();
        let lines: Vec<String> = body
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        let file = dir.join(format!("{name}.pem"));
        let text = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        );
        std::fs::write(&file, text).unwrap();
        file.display().to_string()
    };
    let merchant_pem = pem("TEST-ONLY-merchant.private.pkcs8.b64");
    let other_pem = pem("TEST-ONLY-other.private.pkcs8.b64");
    let body_path = dir.join("body.json");
    std::fs::write(&body_path, r#"{"paymentRequestId":"kms-1"}"#).unwrap();
    let body_arg = body_path.display().to_string();
    let public = path("TEST-ONLY-merchant.public.spki.b64");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "sign",
            "--client-id",
            CLIENT_ID,
            "--api",
            "v1/payments/inquiryPayment",
            "--body",
            &body_arg,
            "--request-time",
            "1685599933871",
        ];
        args.extend_from_slice(extra);
        antom(&args)
    };
    let with_key = run(&[
        "--private-key",
        &path("TEST-ONLY-merchant.private.pkcs8.b64"),
    ]);
    assert!(with_key.status.success(), "{}", text(&with_key));
    let message_mode = format!("openssl dgst -sha256 -sign '{merchant_pem}'");
    let digest_mode =
        format!("openssl pkeyutl -sign -inkey '{merchant_pem}' -pkeyopt digest:sha256");
    for (command, input) in [(&message_mode, "message"), (&digest_mode, "digest")] {
        let output = run(&[
            "--signer-command",
            command,
            "--signer-input",
            input,
            "--merchant-public-key",
            &public,
        ]);
        assert!(output.status.success(), "{input}: {}", text(&output));
        assert_eq!(output.stdout, with_key.stdout, "{input} mode");
    }
    let wrong = format!("openssl dgst -sha256 -sign '{other_pem}'");
    let output = run(&["--signer-command", &wrong, "--merchant-public-key", &public]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("SIGNING_FAILED"),
        "{}",
        text(&output)
    );
    assert!(
        output.stdout.is_empty(),
        "nothing printed for a refused signature"
    );
    let output = run(&[
        "--signer-command",
        "exit 3",
        "--merchant-public-key",
        &public,
    ]);
    assert!(!output.status.success());
    assert!(text(&output).contains("SIGNING_FAILED"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `antom trigger notifyPayment` to `webhook`, signed with the test Antom key, plus `extra`.
fn trigger(webhook: &Webhook, extra: &[&str]) -> std::process::Output {
    let key = path("TEST-ONLY-antom.private.pkcs8.b64");
    let mut args = vec![
        "trigger",
        "notifyPayment",
        "--to",
        &webhook.url,
        "--antom-private-key",
        &key,
    ];
    args.extend_from_slice(extra);
    antom(&args)
}

/// A client that verifies what the test Antom key signed.
fn antom_verifier() -> Client {
    let antom_public = PublicKey::parse(&key_text("TEST-ONLY-antom.public.spki.b64")).unwrap();
    Client::new(ClientConfig::new(
        CLIENT_ID,
        merchant_private(),
        antom_public,
    ))
    .unwrap()
}

#[test]
fn trigger_then_verify_notification() {
    let webhook = Webhook::start("/antom/notify", vec![]);
    let output = trigger(&webhook, &["--payment-request-id", "trig-1"]);
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("acknowledged"));
    let received = webhook.received();
    assert_eq!(received.len(), 1);

    // The core verifies it.
    let client = antom_verifier();
    let notification = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(notification.result_status, Some(ResultStatus::Success));
    let body: Value = serde_json::from_slice(&notification.body).unwrap();
    assert_eq!(body["paymentRequestId"], "trig-1");
    assert_eq!(body["notifyType"], "PAYMENT_RESULT");

    // And so does `antom verify-notification`, from files.
    let dir = std::env::temp_dir().join(format!("antom-cli-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let headers_path = dir.join("headers.txt");
    let body_path = dir.join("body.json");
    let mut headers = String::from("POST /antom/notify HTTP/1.1\r\n");
    for (name, value) in &received[0].headers {
        headers.push_str(&format!("{name}: {value}\r\n"));
    }
    std::fs::write(&headers_path, headers).unwrap();
    std::fs::write(&body_path, &received[0].body).unwrap();
    let headers_arg = headers_path.display().to_string();
    let body_arg = body_path.display().to_string();
    let antom_public_arg = path("TEST-ONLY-antom.public.spki.b64");
    let verify = |notify_path: &str, client_id: &str, key: &str| {
        antom(&[
            "verify-notification",
            "--path",
            notify_path,
            "--headers",
            &headers_arg,
            "--body",
            &body_arg,
            "--client-id",
            client_id,
            "--antom-public-key",
            key,
        ])
    };
    let output = verify("/antom/notify", CLIENT_ID, &antom_public_arg);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("PAYMENT_RESULT"));

    let output = verify("/other", CLIENT_ID, &antom_public_arg);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("SIGNATURE_MISMATCH"));
    let output = verify("/antom/notify", "SANDBOX_OTHER", &antom_public_arg);
    assert!(text(&output).contains("CLIENT_ID_MISMATCH"));
    let output = verify(
        "/antom/notify",
        CLIENT_ID,
        &path("TEST-ONLY-other.public.spki.b64"),
    );
    assert_eq!(output.status.code(), Some(1));

    let mut tampered = received[0].body.clone();
    tampered.push(b' ');
    std::fs::write(&body_path, tampered).unwrap();
    let output = verify("/antom/notify", CLIENT_ID, &antom_public_arg);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("NOT verified"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn trigger_pending_sends_payment_pending_whose_outcome_is_pending() {
    let webhook = Webhook::start("/antom/notify", vec![]);
    let output = trigger(&webhook, &["--status", "PENDING"]);
    assert!(output.status.success(), "{}", text(&output));
    let received = webhook.received();
    let client = antom_verifier();
    let notification = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(notification.notify_type.as_deref(), Some("PAYMENT_PENDING"));
    // Its result is S, and still the payment is not paid.
    assert_eq!(notification.result_status, Some(ResultStatus::Success));
    assert_eq!(notification.outcome, antom_core::Outcome::Pending);
}

#[test]
fn trigger_reports_a_missing_ack_and_refuses_remote_urls() {
    let webhook = Webhook::start("/notify", vec![(500, "no")]);
    let output = trigger(&webhook, &["--status", "FAIL"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("HTTP 500"));
    let body: Value = serde_json::from_slice(&webhook.received()[0].body).unwrap();
    assert_eq!(body["result"]["resultStatus"], "F");

    let output = antom(&[
        "trigger",
        "notifyPayment",
        "--to",
        "https://example.com/notify",
    ]);
    assert!(!output.status.success());
    assert!(text(&output).contains("127.0.0.1"));
}

/// Kills the spawned simulator (by its own handle) however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn mock_binary_serves_signed_responses() {
    let dir = std::env::temp_dir().join(format!("antom-cli-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let public_out = dir.join("antom.pub");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_antom"))
            .args([
                "mock",
                "--port",
                "0",
                "--merchant-public-key",
                &path("TEST-ONLY-merchant.public.spki.b64"),
                "--write-public-key",
                &public_out.display().to_string(),
                "--time-scale",
                "1000",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let base = loop {
        let line = lines_rx
            .recv_timeout(WAIT)
            .expect("the simulator prints its address");
        if let Some(url) = line.strip_prefix("antom mock: listening on ") {
            break url.trim().to_owned();
        }
    };
    assert!(base.starts_with("http://127.0.0.1:"));
    let served = get(&format!("{base}/antom-public-key")).await;
    let antom_public = PublicKey::parse(String::from_utf8(served.body).unwrap().trim()).unwrap();
    let written = PublicKey::parse(&std::fs::read_to_string(&public_out).unwrap()).unwrap();
    assert_eq!(antom_public, written);

    let mut config = ClientConfig::new(CLIENT_ID, merchant_private(), antom_public);
    config.gateway_url = Some(base.clone());
    let client = Client::new(config).unwrap();
    let (pay, body) = call_ok(&client, "v1/payments/pay", &pay_body("bin-1", "100", None)).await;
    assert_eq!(pay.result_code, "PAYMENT_IN_PROCESS");
    get(body["normalUrl"].as_str().unwrap()).await;
    let (inquiry, body) = call_ok(
        &client,
        "v1/payments/inquiryPayment",
        &serde_json::json!({"paymentRequestId": "bin-1"}),
    )
    .await;
    assert!(inquiry.is_success());
    assert_eq!(body["paymentStatus"], "SUCCESS");

    // It logs each request.
    let logged = wait_for(WAIT, || {
        lines_rx
            .try_recv()
            .ok()
            .filter(|l| l.contains("inquiryPayment"))
    })
    .await;
    assert!(logged.contains("S SUCCESS"));
    drop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `antom trigger notify` with `args` to `webhook`, signed with the test Antom key.
fn trigger_notify(webhook: &Webhook, args: &[&str]) -> std::process::Output {
    let key = path("TEST-ONLY-antom.private.pkcs8.b64");
    let mut all = vec![
        "trigger",
        "notify",
        "--to",
        &webhook.url,
        "--antom-private-key",
        &key,
    ];
    all.extend_from_slice(args);
    antom(&all)
}

#[test]
fn trigger_sends_every_notification_type_of_the_catalogue() {
    let listed = antom(&["trigger", "list"]);
    assert!(listed.status.success(), "{}", text(&listed));
    let types: Vec<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect();
    assert_eq!(types.len(), 19, "{types:?}");
    let webhook = Webhook::start("/antom/notify", vec![]);
    for kind in &types {
        let output = trigger_notify(&webhook, &["--type", kind]);
        assert!(output.status.success(), "{kind}: {}", text(&output));
    }
    let received = webhook.received();
    assert_eq!(received.len(), types.len());
    let client = antom_verifier();
    for (kind, message) in types.iter().zip(&received) {
        let notification = client
            .verify_notification("/antom/notify", &message.headers, &message.body)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            notification.result_status,
            Some(ResultStatus::Success),
            "{kind}"
        );
    }
    let output = trigger_notify(&webhook, &["--type", "NOT_A_TYPE"]);
    assert!(!output.status.success());
    assert!(text(&output).contains("antom trigger list"));
}

#[test]
fn trigger_changes_fields_with_set_and_sends_a_body_file() {
    let webhook = Webhook::start("/antom/notify", vec![]);
    let output = trigger_notify(
        &webhook,
        &[
            "--type",
            "REFUND_RESULT",
            "--set",
            "refundStatus=FAIL",
            "--set",
            "refundAmount.value=250",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let dir = std::env::temp_dir().join(format!("antom-cli-trigger-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body_path = dir.join("body.json");
    std::fs::write(
        &body_path,
        r#"{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success."},"captureRequestId":"cap-file","paymentId":"p","captureId":"c","captureAmount":{"currency":"EUR","value":"5"}}"#,
    )
    .unwrap();
    let body_arg = body_path.display().to_string();
    let output = trigger_notify(
        &webhook,
        &[
            "--type",
            "CAPTURE_RESULT",
            "--body",
            &body_arg,
            "--set",
            "result.resultStatus=\"F\"",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    std::fs::remove_dir_all(&dir).unwrap();

    let client = antom_verifier();
    let received = webhook.received();
    let refund = client
        .verify_notification("/antom/notify", &received[0].headers, &received[0].body)
        .unwrap();
    assert_eq!(refund.outcome, antom_core::Outcome::Failed);
    let body: Value = serde_json::from_slice(&refund.body).unwrap();
    assert_eq!(body["refundAmount"]["value"], "250");
    assert_eq!(body["notifyType"], "REFUND_RESULT");
    let capture = client
        .verify_notification("/antom/notify", &received[1].headers, &received[1].body)
        .unwrap();
    let body: Value = serde_json::from_slice(&capture.body).unwrap();
    assert_eq!(body["captureRequestId"], "cap-file");
    assert_eq!(capture.result_status, Some(ResultStatus::Failed));
    assert_eq!(capture.outcome, antom_core::Outcome::Failed);
}
