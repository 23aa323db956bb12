//! `antom`: check keys, sign requests, verify notifications, and run a local Antom simulator.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use antom_cli::mock::{self, MockConfig, MockServer};
use antom_cli::{clock, http, keyfile, signer};
use antom_core::{Client, ClientConfig, PublicKey, signature_header};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value, json};

#[derive(Parser)]
#[command(
    name = "antom",
    version,
    about = "Antom payment API tools: key checks, request signing, notification verification \
             and a local Antom simulator (127.0.0.1 only)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect key files (format, size, whether a pair matches, fingerprints). Never prints keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print the headers (or a curl command) for a signed request.
    Sign(SignArgs),
    /// Verify a notification from its raw headers and body.
    VerifyNotification(VerifyArgs),
    /// Run a local Antom simulator on 127.0.0.1.
    Mock(MockArgs),
    /// Send one signed test notification to a local webhook.
    Trigger {
        #[command(subcommand)]
        command: TriggerCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Parse the keys; report format, bits, fingerprint and whether the pair matches. With
    /// --message-headers and --message-body: which of the --public keys verifies that signed
    /// message (a notification or a response), e.g. to find the sandbox key on a live client.
    Check {
        /// A private key file (Dashboard base64 PKCS#8, PEM, PKCS#1 or DER).
        #[arg(long, value_name = "FILE")]
        private: Option<PathBuf>,
        /// A public key file (Dashboard base64 SPKI, PEM, PKCS#1 or DER); repeat it to try
        /// several keys (in order) against --message-*.
        #[arg(long, value_name = "FILE")]
        public: Vec<PathBuf>,
        /// The headers of a signed message (`Name: value` lines or a JSON object), as received.
        #[arg(long, value_name = "FILE", requires_all = ["message_body", "path"])]
        message_headers: Option<PathBuf>,
        /// The raw body of that message, exactly as received.
        #[arg(long, value_name = "FILE", requires = "message_headers")]
        message_body: Option<PathBuf>,
        /// The path that was signed: your notification path, or the API path of a response.
        #[arg(long, requires = "message_headers")]
        path: Option<String>,
    },
}

#[derive(clap::Args)]
struct SignArgs {
    /// Your client id (SANDBOX_... selects the sandbox paths).
    #[arg(long)]
    client_id: String,
    /// Your private key file (or use --signer-command).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "signer_command",
        conflicts_with = "signer_command"
    )]
    private_key: Option<PathBuf>,
    /// Sign with an external command instead of a key file (an HSM or KMS tool): it gets the
    /// message (or, with --signer-input digest, its 32-byte SHA-256) on stdin and must write
    /// the raw RSASSA-PKCS1-v1_5 / SHA-256 signature to stdout. Run by `sh -c`. Example:
    /// "openssl dgst -sha256 -sign key.pem".
    #[arg(long, value_name = "CMD")]
    signer_command: Option<String>,
    /// What --signer-command gets on stdin: the message (default) or its SHA-256 digest.
    #[arg(long, value_name = "message|digest", default_value = "message")]
    signer_input: String,
    /// Your public key file (required with --signer-command): the external signature is
    /// verified with it before anything is printed, so a wrong key or algorithm fails here.
    #[arg(long, value_name = "FILE", requires = "signer_command")]
    merchant_public_key: Option<PathBuf>,
    /// The API, e.g. v1/payments/pay.
    #[arg(long)]
    api: String,
    /// The request body file; sent and signed byte for byte.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// Request-Time in epoch milliseconds (default: now).
    #[arg(long)]
    request_time: Option<u64>,
    /// Gateway origin, e.g. http://127.0.0.1:8080 for the simulator (default: the Asia gateway).
    #[arg(long)]
    gateway_url: Option<String>,
    /// Print a ready curl command instead of the headers.
    #[arg(long)]
    curl: bool,
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// Your notification endpoint's path as registered with Antom, e.g. /antom/notify.
    #[arg(long)]
    path: String,
    /// The received headers: `Name: value` lines (a request line and the body after a blank
    /// line are ignored) or a JSON object of name → value.
    #[arg(long, value_name = "FILE")]
    headers: PathBuf,
    /// The raw body file, exactly as received.
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// Your client id (the notification's client-id header must equal it).
    #[arg(long)]
    client_id: String,
    /// Antom's public key file (sandbox and live differ).
    #[arg(long, value_name = "FILE")]
    antom_public_key: PathBuf,
}

#[derive(clap::Args)]
struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the bound address is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The merchant's public key file: request signatures are verified with it.
    #[arg(long, value_name = "FILE")]
    merchant_public_key: PathBuf,
    /// The only client id accepted.
    #[arg(long, default_value = mock::DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Divide the notification retry schedule by this (60: 2 min becomes 2 s).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Sign with this key instead of a freshly generated RSA-2048 key.
    #[arg(long, value_name = "FILE")]
    antom_private_key: Option<PathBuf>,
    /// Also write the simulator's public key (base64 SPKI) to this file.
    #[arg(long, value_name = "FILE")]
    write_public_key: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = mock::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Do not print a line per request and notification attempt.
    #[arg(long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum TriggerCommand {
    /// A notifyPayment (PAYMENT_RESULT; PAYMENT_PENDING with --status PENDING).
    #[command(name = "notifyPayment")]
    NotifyPayment(TriggerArgs),
    /// A notification of any type the catalogue knows (`antom trigger list`): a successful
    /// result and placeholders for its required fields, changed with --set or replaced by --body.
    Notify(NotifyArgs),
    /// List the notification types `notify --type` takes.
    List,
}

/// Where and how a triggered notification is delivered, and what changes its body.
#[derive(clap::Args)]
struct Delivery {
    /// The webhook URL (http on 127.0.0.1, localhost or ::1 only).
    #[arg(long)]
    to: String,
    /// The client-id header to send.
    #[arg(long, default_value = mock::DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Sign with this key (e.g. the one given to `antom mock`); default: a fresh key whose
    /// public half is printed.
    #[arg(long, value_name = "FILE")]
    antom_private_key: Option<PathBuf>,
    /// Send this file's JSON object as the body (signed as is; --set still applies).
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// Change a field of the body: `field=value`, dotted for nested fields
    /// (`refundAmount.value=500`); value is JSON for an object, list, true, false, null or a
    /// quoted string, else text. Repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
}

#[derive(clap::Args)]
struct NotifyArgs {
    /// The type: a notifyType (REFUND_RESULT, CAPTURE_RESULT, ...), another discriminator value
    /// (DISPUTE_CREATED, TOKEN_CREATED, ...) or a body model name (VaultingNotify, ...).
    #[arg(long = "type", value_name = "TYPE")]
    kind: String,
    #[command(flatten)]
    delivery: Delivery,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "UPPER")]
enum PaymentOutcome {
    /// PAYMENT_RESULT, result S.
    Success,
    /// PAYMENT_RESULT, result F.
    Fail,
    /// PAYMENT_PENDING (the buyer completed the payment; the final result comes later): its
    /// result is S, but the payment is not final. Outcome PENDING.
    Pending,
}

#[derive(clap::Args)]
struct TriggerArgs {
    /// The payment result to report.
    #[arg(long, value_enum, default_value = "SUCCESS")]
    status: PaymentOutcome,
    #[command(flatten)]
    delivery: Delivery,
    /// paymentRequestId in the body (default: trigger-MILLIS).
    #[arg(long)]
    payment_request_id: Option<String>,
    /// paymentAmount.value in minor units.
    #[arg(long, default_value = "1000")]
    amount: String,
    /// paymentAmount.currency.
    #[arg(long, default_value = "USD")]
    currency: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keys {
            command:
                KeysCommand::Check {
                    private,
                    public,
                    message_headers,
                    message_body,
                    path,
                },
        } => {
            let message = match (message_headers, message_body, path) {
                (Some(headers), Some(body), Some(path)) => Some((headers, body, path)),
                _ => None,
            };
            keys_check(private.as_deref(), &public, message)
        }
        Command::Sign(args) => sign(&args),
        Command::VerifyNotification(args) => verify_notification(&args),
        Command::Mock(args) => run_async(run_mock(args)),
        Command::Trigger {
            command: TriggerCommand::NotifyPayment(args),
        } => run_async(trigger_payment(args)),
        Command::Trigger {
            command: TriggerCommand::Notify(args),
        } => run_async(trigger_notify(args)),
        Command::Trigger {
            command: TriggerCommand::List,
        } => trigger_list(),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("antom: {message}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<ExitCode, String>;

fn run_async(future: impl std::future::Future<Output = Outcome>) -> Outcome {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?
        .block_on(future)
}

fn core_error(what: &str, error: &antom_core::Error) -> String {
    format!("{what}: {} ({})", error.message(), error.code())
}

fn keys_check(
    private: Option<&Path>,
    public: &[PathBuf],
    message: Option<(PathBuf, PathBuf, String)>,
) -> Outcome {
    if private.is_none() && public.is_empty() {
        return Err("give --private FILE, --public FILE, or both".to_owned());
    }
    let mut ok = true;
    let mut private_half = None;
    if let Some(path) = private {
        let file = keyfile::read(path)?;
        println!("private key {}", path.display());
        println!("  format:      {}", file.describe_format());
        match file.private_key() {
            Ok(key) => {
                let public = key.public_key();
                println!("  valid:       yes (RSA-{})", key.bits());
                println!(
                    "  fingerprint: {} (of its public half)",
                    public.fingerprint()
                );
                private_half = Some(public);
            }
            Err(error) => {
                println!("  valid:       no: {} ({})", error.message(), error.code());
                ok = false;
            }
        }
    }
    let mut public_keys = Vec::new();
    for path in public {
        let file = keyfile::read(path)?;
        println!("public key {}", path.display());
        println!("  format:      {}", file.describe_format());
        match file.public_key() {
            Ok(key) => {
                println!("  valid:       yes (RSA-{})", key.bits());
                println!("  fingerprint: {}", key.fingerprint());
                public_keys.push(key);
            }
            Err(error) => {
                println!("  valid:       no: {} ({})", error.message(), error.code());
                ok = false;
            }
        }
    }
    if let (Some(half), [only]) = (&private_half, public_keys.as_slice()) {
        if half == only {
            println!("pair: the keys match");
            println!(
                "  (so this public key is YOUR key: upload it to Antom; it is not Antom's public \
                 key, which verifies responses and notifications)"
            );
        } else {
            println!("pair: the keys DO NOT match (the public key is not this private key's half)");
            ok = false;
        }
    }
    if let Some((headers, body, path)) = message {
        ok &= check_message(&public_keys, &headers, &body, &path)?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `antom keys check --message-*`: which of `keys` verifies the message (the core's
/// `which_key`, keys tried in the order given, untagged).
fn check_message(
    keys: &[PublicKey],
    headers: &Path,
    body: &Path,
    path: &str,
) -> Result<bool, String> {
    let ring = antom_core::KeyRing::new(
        keys.iter()
            .cloned()
            .map(antom_core::AntomKey::untagged)
            .collect(),
    )
    .map_err(|e| core_error("the keys", &e))?;
    let text = std::fs::read_to_string(headers)
        .map_err(|e| format!("cannot read {}: {e}", headers.display()))?;
    let headers = parse_headers(&text)?;
    let body = std::fs::read(body).map_err(|e| format!("cannot read {}: {e}", body.display()))?;
    println!("message {path}");
    match antom_core::which_key(&ring, path, &headers, &body) {
        Ok(verified) => {
            println!("  verified by: {}", verified.verified_by.fingerprint);
            Ok(true)
        }
        Err(error) => {
            println!(
                "  verified by: none: {} ({})",
                error.message(),
                error.code()
            );
            Ok(false)
        }
    }
}

fn sign(args: &SignArgs) -> Outcome {
    let body = std::fs::read(&args.body)
        .map_err(|e| format!("cannot read {}: {e}", args.body.display()))?;
    let request_time = args.request_time.unwrap_or_else(clock::now_millis);
    let request = match (&args.private_key, &args.signer_command) {
        (Some(private_key), _) => {
            let private_key = keyfile::read(private_key)?
                .private_key()
                .map_err(|e| core_error("the private key", &e))?;
            let mut config =
                ClientConfig::new(args.client_id.clone(), private_key, sign_only_antom_key()?);
            config.gateway_url = args.gateway_url.clone();
            let client = Client::new(config).map_err(|e| core_error("the configuration", &e))?;
            client
                .prepare(&args.api, &body, request_time)
                .map_err(|e| core_error("cannot sign", &e))?
        }
        (None, Some(command)) => sign_external(args, command, &body, request_time)?,
        (None, None) => return Err("give --private-key or --signer-command".to_owned()),
    };
    if args.curl {
        let mut line = format!("curl -sS -X POST {}", shell_quote(&request.url));
        for (name, value) in &request.headers {
            line.push_str(&format!(
                " \\\n  -H {}",
                shell_quote(&format!("{name}: {value}"))
            ));
        }
        let body_arg = format!("@{}", args.body.display());
        line.push_str(&format!(" \\\n  --data-binary {}", shell_quote(&body_arg)));
        println!("{line}");
    } else {
        println!("{} {}", request.method, request.url);
        for (name, value) in &request.headers {
            println!("{name}: {value}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Signing verifies nothing, but a client needs an Antom public key; `antom sign` gives it the
/// public test key of `tests/vectors/keys/` (never the merchant's own key, which the core
/// refuses as `WRONG_KEY`). It is never used.
fn sign_only_antom_key() -> Result<PublicKey, String> {
    PublicKey::parse(include_str!(
        "../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64"
    ))
    .map_err(|e| core_error("the placeholder key", &e))
}

/// `antom sign --signer-command`: the core's two steps around an external command.
fn sign_external(
    args: &SignArgs,
    command: &str,
    body: &[u8],
    request_time: u64,
) -> Result<antom_core::PreparedRequest, String> {
    let path = args
        .merchant_public_key
        .as_ref()
        .ok_or("--signer-command needs --merchant-public-key (the signature is checked with it)")?;
    let merchant_public = keyfile::read(path)?
        .public_key()
        .map_err(|e| core_error("the merchant public key", &e))?;
    let mut config = ClientConfig::with_external_signer(
        args.client_id.clone(),
        Some(merchant_public),
        sign_only_antom_key()?,
    );
    config.gateway_url = args.gateway_url.clone();
    let client = Client::new(config).map_err(|e| core_error("the configuration", &e))?;
    let pending = client
        .prepare_external(&args.api, body, request_time)
        .map_err(|e| core_error("cannot prepare", &e))?;
    let input: &[u8] = match args.signer_input.as_str() {
        "message" => pending.message(),
        "digest" => pending.digest(),
        other => {
            return Err(format!(
                "--signer-input is message or digest, not {other:?}"
            ));
        }
    };
    let signature = signer::run(command, input)?;
    client
        .finish_external(pending, &signature)
        .map_err(|e| core_error("the external signature", &e))
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Reads `Name: value` lines (skipping a request line, stopping at a blank line) or a JSON
/// object.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, String> {
    if text.trim_start().starts_with('{') {
        let object: Map<String, Value> = serde_json::from_str(text)
            .map_err(|e| format!("the headers file is not a JSON object: {e}"))?;
        return object
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(value) => Ok((name, value)),
                _ => Err(format!("header {name:?} must be a string")),
            })
            .collect();
    }
    let mut headers = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if headers.is_empty() {
                continue;
            }
            break;
        }
        if index == 0 && !line.contains(':') || line.starts_with("POST ") {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {} is not `Name: value`", index + 1))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(headers)
}

fn verify_notification(args: &VerifyArgs) -> Outcome {
    let antom_public_key = keyfile::read(&args.antom_public_key)?
        .public_key()
        .map_err(|e| core_error("the Antom public key", &e))?;
    let headers_text = std::fs::read_to_string(&args.headers)
        .map_err(|e| format!("cannot read {}: {e}", args.headers.display()))?;
    let headers = parse_headers(&headers_text)?;
    let body = std::fs::read(&args.body)
        .map_err(|e| format!("cannot read {}: {e}", args.body.display()))?;
    // Verifying a notification needs no merchant private key: a verify-only client.
    let client = Client::new(ClientConfig::verify_only(
        args.client_id.clone(),
        antom_public_key,
    ))
    .map_err(|e| core_error("the configuration", &e))?;
    match client.verify_notification(&args.path, &headers, &body) {
        Ok(notification) => {
            println!("verified: the notification is signed by the Antom key");
            println!(
                "  notifyType:   {}",
                notification.notify_type.as_deref().unwrap_or("(none)")
            );
            println!(
                "  resultStatus: {}",
                notification.result_status.map_or("(none)", |s| s.as_str())
            );
            println!("  client-id:    {}", notification.client_id);
            println!("  request-time: {}", notification.request_time);
            println!(
                "answer it with HTTP 200 and {}",
                antom_core::NOTIFICATION_ACK
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("NOT verified: {} ({})", error.message(), error.code());
            println!("do not process it and do not acknowledge it");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn run_mock(args: MockArgs) -> Outcome {
    let merchant_public_key = keyfile::read(&args.merchant_public_key)?
        .public_key()
        .map_err(|e| core_error("the merchant public key", &e))?;
    let antom_private_key = match &args.antom_private_key {
        Some(path) => Some(
            keyfile::read(path)?
                .private_key()
                .map_err(|e| core_error("the Antom private key", &e))?,
        ),
        None => None,
    };
    let mut config = MockConfig::new(merchant_public_key);
    config.port = args.port;
    config.client_id = args.client_id;
    config.antom_private_key = antom_private_key;
    config.time_scale = args.time_scale;
    config.max_body_bytes = args.max_body_bytes;
    config.log = !args.quiet;
    let client_id = config.client_id.clone();
    let server = MockServer::start(config).await?;
    let public_key = server.antom_public_key();
    if let Some(path) = &args.write_public_key {
        std::fs::write(path, format!("{}\n", public_key.to_base64()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let base = server.base_url().to_owned();
    println!("antom mock: listening on {base}");
    println!("  gateway_url:      {base}");
    println!("  client id:        {client_id}");
    println!("  antom public key: {}", public_key.to_base64());
    println!("                    (also at GET {base}/antom-public-key)");
    println!("  fingerprint:      {}", public_key.fingerprint());
    println!(
        "  notifications:    retried at 0s, 2min, 10min, 10min, 1h, 2h, 6h, 15h / {}",
        args.time_scale
    );
    println!("  delivery log:     GET {base}/notifications");
    let _ = std::io::stdout().flush();
    server.wait().await;
    Ok(ExitCode::SUCCESS)
}

async fn trigger_payment(args: TriggerArgs) -> Outcome {
    antom_core::from_minor_units(&args.amount, &args.currency)
        .map_err(|e| core_error("the amount", &e))?;
    let now = clock::now_iso8601();
    let request_id = args
        .payment_request_id
        .clone()
        .unwrap_or_else(|| format!("trigger-{}", clock::now_millis()));
    let (notify_type, status, code, message) = match args.status {
        PaymentOutcome::Success => ("PAYMENT_RESULT", "S", "SUCCESS", "success."),
        PaymentOutcome::Fail => (
            "PAYMENT_RESULT",
            "F",
            "USER_BALANCE_NOT_ENOUGH",
            "the user balance is not enough",
        ),
        PaymentOutcome::Pending => ("PAYMENT_PENDING", "S", "SUCCESS", "success."),
    };
    let mut fields = Map::new();
    fields.insert(
        "result".into(),
        json!({"resultCode": code, "resultStatus": status, "resultMessage": message}),
    );
    fields.insert("notifyType".into(), json!(notify_type));
    fields.insert("paymentRequestId".into(), json!(request_id));
    fields.insert(
        "paymentId".into(),
        json!(format!("TRIGGER{}", clock::now_millis())),
    );
    fields.insert(
        "paymentAmount".into(),
        json!({"currency": args.currency, "value": args.amount}),
    );
    fields.insert("paymentCreateTime".into(), json!(now));
    if notify_type == "PAYMENT_RESULT" && status == "S" {
        fields.insert("paymentTime".into(), json!(now));
    }
    let summary =
        format!("notifyPayment {notify_type}, {status} {code}, paymentRequestId {request_id}");
    deliver(&args.delivery, Value::Object(fields), &summary, &now).await
}

async fn trigger_notify(args: NotifyArgs) -> Outcome {
    let Some((kind, value)) = antom_cli::notifications::find_type(&args.kind) else {
        return Err(format!(
            "unknown notification type {:?}: `antom trigger list` shows the types",
            args.kind
        ));
    };
    let now = clock::now_iso8601();
    let unique = clock::now_millis().to_string();
    let body = antom_cli::notifications::sample_body(&kind, value.as_deref(), &now, &unique);
    let summary = format!(
        "{} {}",
        kind.body,
        value.as_deref().unwrap_or("(no type field)")
    );
    deliver(&args.delivery, body, &summary, &now).await
}

fn trigger_list() -> Outcome {
    for kind in antom_cli::notifications::notification_types() {
        match &kind.field {
            Some(field) => println!("{:34} {field}: {}", kind.body, kind.values.join(", ")),
            None => println!("{:34} (no type field in the schema)", kind.body),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies --body and --set to `body`, signs it for the webhook's path and POSTs it;
/// succeeds only when the answer is Antom's acknowledgement.
async fn deliver(delivery: &Delivery, body: Value, summary: &str, now: &str) -> Outcome {
    let url = http::LoopbackUrl::parse(&delivery.to)?;
    let mut body = match &delivery.body {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(object @ Value::Object(_)) => object,
                _ => return Err(format!("{} is not a JSON object", path.display())),
            }
        }
        None => body,
    };
    for assignment in &delivery.set {
        antom_cli::notifications::set_field(&mut body, assignment)?;
    }
    let key = match &delivery.antom_private_key {
        Some(path) => keyfile::read(path)?
            .private_key()
            .map_err(|e| core_error("the Antom private key", &e))?,
        None => {
            let key = mock::generate_key()?;
            println!(
                "signing with a fresh key; its public half (configure it as the Antom public key):"
            );
            println!("  {}", key.public_key().to_base64());
            key
        }
    };
    let body = antom_cli::notifications::render(&body);
    let signature = signature_header(
        &key,
        &url.path,
        &delivery.client_id,
        now,
        body.as_bytes(),
        1,
    )
    .map_err(|e| core_error("signing", &e))?;
    let headers = vec![
        (
            "content-type".to_owned(),
            "application/json; charset=UTF-8".to_owned(),
        ),
        ("client-id".to_owned(), delivery.client_id.clone()),
        ("request-time".to_owned(), now.to_owned()),
        ("signature".to_owned(), signature),
    ];
    println!("POST {} ({summary})", delivery.to);
    let response = http::send(
        "POST",
        &delivery.to,
        &headers,
        body.into_bytes(),
        Duration::from_secs(10),
    )
    .await?;
    let acknowledged = mock::notify::is_ack(response.status, &response.body);
    println!(
        "answer: HTTP {}{}",
        response.status,
        if acknowledged {
            ", acknowledged"
        } else {
            ", NOT the ack (Antom would retry)"
        }
    );
    Ok(if acknowledged {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_files() {
        let text =
            "POST /notify HTTP/1.1\r\nclient-id: A\r\nrequest-time: 2026-01-01T00:00:00Z\r\n\r\n{}";
        let headers = parse_headers(text).unwrap();
        assert_eq!(headers.len(), 2);
        assert_eq!(headers[0], ("client-id".to_owned(), "A".to_owned()));
        let headers = parse_headers(r#"{"signature":"x","client-id":"A"}"#).unwrap();
        assert_eq!(headers.len(), 2);
        assert!(parse_headers("nonsense\nmore nonsense").is_err());
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}
