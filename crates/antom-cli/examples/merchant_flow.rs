//! A merchant's checkout flow with antom-core in Rust, step by step: pay → verify the signed
//! response → the buyer pays → receive and verify notifyPayment → acknowledge →
//! inquiryPayment → refund. The same flow as `npm/examples/merchant.mjs` and `python/examples/merchant.py`.
//!
//! Reads ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY, ANTOM_PUBLIC_KEY and ANTOM_GATEWAY_URL (which
//! `make demo` points at the local simulator). The HTTP client here is antom-cli's loopback-only
//! one, so this example runs against the simulator only; a real integration uses a TLS client.

use std::convert::Infallible;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antom_cli::{clock, http};
use antom_core::{
    ApiResponse, Client, ClientConfig, NOTIFICATION_ACK, NextAction, Notification, PrivateKey,
    PublicKey, ResultStatus,
};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

const WEBHOOK_PATH: &str = "/antom/notify";
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

type Received = Arc<Mutex<Vec<Result<Notification, antom_core::Error>>>>;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("  FAILED: no async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(flow()) {
        Ok(()) => {
            println!("  Rust flow complete: every response and notification was verified.");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("  FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Steps(usize);

impl Steps {
    fn step(&mut self, text: &str) {
        self.0 += 1;
        println!("  {}. {text}", self.0);
    }
}

fn detail(text: &str) {
    println!("       {text}");
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{name} is not set"))
}

async fn flow() -> Result<(), String> {
    let mut config = ClientConfig::new(
        env("ANTOM_CLIENT_ID")?,
        PrivateKey::parse(&env("ANTOM_PRIVATE_KEY")?).map_err(|e| e.to_string())?,
        PublicKey::parse(&env("ANTOM_PUBLIC_KEY")?).map_err(|e| e.to_string())?,
    );
    config.gateway_url = Some(env("ANTOM_GATEWAY_URL")?);
    let client = Arc::new(Client::new(config).map_err(|e| e.to_string())?);
    println!("Rust merchant (antom-core) -> {}", client.gateway_url());

    let received: Received = Arc::default();
    let notify_url = start_webhook(Arc::clone(&client), Arc::clone(&received)).await?;
    let mut steps = Steps(0);

    let order_id = format!("demo-rust-{}", clock::now_millis());
    let amount = json!({"currency": "USD", "value": "1000"});
    let pay = call(
        &client,
        "v1/payments/pay",
        &json!({
            "productCode": "CASHIER_PAYMENT",
            "paymentRequestId": order_id,
            "order": {"referenceOrderId": order_id, "orderDescription": "antom-core demo order",
                      "orderAmount": amount},
            "paymentAmount": amount,
            "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
            "paymentRedirectUrl": "http://127.0.0.1/return",
            "paymentNotifyUrl": notify_url,
            "env": {"terminalType": "WEB"},
            "settlementStrategy": {"settlementCurrency": "USD"},
        }),
    )
    .await?;
    steps.step(&format!(
        "Asked Antom to start a USD 10.00 payment (paymentRequestId {order_id})."
    ));
    detail(&format!(
        "The response's signature verified with Antom's public key: {} {}.",
        pay.result_status.as_str(),
        pay.result_code
    ));
    if pay.next_action() != NextAction::Inquire || pay.result_code != "PAYMENT_IN_PROCESS" {
        return Err("expected U PAYMENT_IN_PROCESS".to_owned());
    }
    let body = parse(&pay.body)?;
    let payment_id = text(&body, "paymentId")?;
    let normal_url = text(&body, "normalUrl")?;
    detail(&format!(
        "Payment {payment_id} is in process; the buyer pays at {normal_url}"
    ));

    let page = http::send("GET", &normal_url, &[], Vec::new(), STEP_TIMEOUT).await?;
    if page.status != 200 {
        return Err(format!("the checkout page answered HTTP {}", page.status));
    }
    steps.step("The buyer opened the checkout page and paid (simulated).");
    detail(
        "A redirect back to the shop proves nothing; only a verified notification or inquiry does.",
    );

    let notice = next_notification(&received, "PAYMENT_RESULT").await?;
    steps.step(&format!(
        "Received notifyPayment at {WEBHOOK_PATH}; its signature verified."
    ));
    let body = parse(&notice.body)?;
    detail(&format!(
        "PAYMENT_RESULT {} {} for payment {}; answered HTTP 200 with the ack.",
        notice.result_status.map_or("?", |s| s.as_str()),
        body["result"]["resultCode"].as_str().unwrap_or("?"),
        body["paymentId"].as_str().unwrap_or("?"),
    ));
    if notice.result_status != Some(ResultStatus::Success) || body["paymentId"] != *payment_id {
        return Err("expected a successful notifyPayment for this payment".to_owned());
    }

    let inquiry = call(
        &client,
        "v1/payments/inquiryPayment",
        &json!({"paymentRequestId": order_id}),
    )
    .await?;
    let status = text(&parse(&inquiry.body)?, "paymentStatus")?;
    steps.step(&format!(
        "Inquired: the verified answer says the payment is {status}."
    ));
    if status != "SUCCESS" {
        return Err(format!("expected paymentStatus SUCCESS, got {status}"));
    }

    let refund = call(
        &client,
        "v1/payments/refund",
        &json!({
            "refundRequestId": format!("{order_id}-refund"),
            "paymentId": payment_id,
            "refundAmount": amount,
            "refundReason": "antom-core demo",
            "refundNotifyUrl": notify_url,
        }),
    )
    .await?;
    if !refund.is_success() {
        return Err(format!(
            "refund: {} {}: {}",
            refund.result_status.as_str(),
            refund.result_code,
            refund.result_message
        ));
    }
    steps.step(&format!(
        "Refunded USD 10.00: verified {} {}, refundId {}.",
        refund.result_status.as_str(),
        refund.result_code,
        text(&parse(&refund.body)?, "refundId")?
    ));
    let notice = next_notification(&received, "REFUND_RESULT").await?;
    detail(&format!(
        "notifyRefund verified too: refundStatus {}; acknowledged.",
        text(&parse(&notice.body)?, "refundStatus")?
    ));
    Ok(())
}

fn parse(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))
}

fn text(body: &Value, field: &str) -> Result<String, String> {
    body[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("the body has no {field}"))
}

async fn call(client: &Client, api: &str, body: &Value) -> Result<ApiResponse, String> {
    let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let request = client
        .prepare(api, &body, clock::now_millis())
        .map_err(|e| format!("{api}: {e}"))?;
    let response = http::send(
        &request.method,
        &request.url,
        &request.headers,
        request.body.clone().into_bytes(),
        STEP_TIMEOUT,
    )
    .await?;
    if response.status != 200 {
        return Err(format!(
            "{api}: HTTP {} (treat like U: inquire)",
            response.status
        ));
    }
    let verified = client
        .verify_response(&request.path, &response.headers, &response.body)
        .map_err(|e| format!("{api}: the response did not verify: {e}"))?;
    if !verified.verified {
        return Err(format!(
            "{api}: unsigned gateway error {} {}: {}",
            verified.result_status.as_str(),
            verified.result_code,
            verified.result_message
        ));
    }
    Ok(verified)
}

async fn next_notification(received: &Received, notify_type: &str) -> Result<Notification, String> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        {
            let mut all = received.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(Err(error)) = all.iter().find(|n| n.is_err()) {
                return Err(format!("a notification did not verify: {error}"));
            }
            let found = all
                .iter()
                .position(|n| matches!(n, Ok(n) if n.notify_type.as_deref() == Some(notify_type)));
            if let Some(Ok(notification)) = found.map(|index| all.remove(index)) {
                return Ok(notification);
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no {notify_type} notification within {STEP_TIMEOUT:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The merchant's webhook: verify the raw body first, then acknowledge.
async fn start_webhook(client: Arc<Client>, received: Received) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let client = Arc::clone(&client);
            let received = Arc::clone(&received);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let client = Arc::clone(&client);
                    let received = Arc::clone(&received);
                    async move {
                        let path = request.uri().path().to_owned();
                        let headers: Vec<(String, String)> = request
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().to_owned(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect();
                        let body = Limited::new(request.into_body(), 1 << 20)
                            .collect()
                            .await
                            .map(|b| b.to_bytes().to_vec())
                            .unwrap_or_default();
                        let verified = client.verify_notification(&path, &headers, &body);
                        let (status, answer) = match &verified {
                            Ok(_) => (StatusCode::OK, NOTIFICATION_ACK.to_owned()),
                            Err(error) => (StatusCode::UNAUTHORIZED, error.code().to_string()),
                        };
                        received
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(verified);
                        let mut response = Response::new(Full::new(Bytes::from(answer)));
                        *response.status_mut() = status;
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(format!("http://{addr}{WEBHOOK_PATH}"))
}
