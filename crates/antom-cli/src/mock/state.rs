//! The simulator's payment state machine and idempotency rules.
//!
//! Lifecycle (Antom's, compressed): `pay` or `createPaymentSession` creates a payment in
//! `PROCESSING`; the buyer visiting the returned `normalUrl` moves it to `SUCCESS` (or
//! `FAIL` with `?result=FAIL`) and sends `notifyPayment`; `cancel` moves a `PROCESSING` or
//! `SUCCESS` payment to `CANCELLED`; `capture` and `refund` need a `SUCCESS` payment and send
//! `notifyCapture` / `notifyRefund`.
//!
//! Idempotency, per API and request id (`paymentRequestId`, `refundRequestId`,
//! `captureRequestId`): a repeat with the same key parameters gets the same result — for
//! `pay` the payment's current state (`U PAYMENT_IN_PROCESS` with the same `paymentId` and
//! `normalUrl` until the buyer finishes, then `S` or `F`), for the others the stored
//! response body, byte for byte. A repeat with different key parameters gets
//! `F REPEAT_REQ_INCONSISTENT`. Key parameters: `pay` — `paymentAmount`, `paymentMethod`,
//! `productCode`; `createPaymentSession` — `paymentAmount`, `productCode`; `refund` —
//! `paymentId`, `refundAmount`; `capture` — `paymentId`, `captureAmount`. Compared as JSON
//! values (key order and whitespace do not matter).

use std::collections::{BTreeMap, HashMap};

use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::notify::{Delivery, Outgoing};
use super::render;
use crate::clock;
use crate::http::LoopbackUrl;

/// Longest request id Antom accepts.
const MAX_REQUEST_ID_LEN: usize = 64;

/// A simulated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `v1/payments/pay`
    Pay,
    /// `v1/payments/inquiryPayment`
    InquiryPayment,
    /// `v1/payments/cancel`
    Cancel,
    /// `v1/payments/refund`
    Refund,
    /// `v1/payments/inquiryRefund`
    InquiryRefund,
    /// `v1/payments/capture`
    Capture,
    /// `v1/payments/createPaymentSession`
    CreatePaymentSession,
}

impl Op {
    /// The API for a path after `/ams/api/`.
    pub fn from_api(api: &str) -> Option<Op> {
        Some(match api {
            "v1/payments/pay" => Op::Pay,
            "v1/payments/inquiryPayment" => Op::InquiryPayment,
            "v1/payments/cancel" => Op::Cancel,
            "v1/payments/refund" => Op::Refund,
            "v1/payments/inquiryRefund" => Op::InquiryRefund,
            "v1/payments/capture" => Op::Capture,
            "v1/payments/createPaymentSession" => Op::CreatePaymentSession,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Processing,
    Success,
    Fail,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Processing => "PROCESSING",
            Status::Success => "SUCCESS",
            Status::Fail => "FAIL",
            Status::Cancelled => "CANCELLED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Amount {
    currency: String,
    value: String,
    minor: u128,
}

impl Amount {
    fn json(&self) -> Value {
        json!({"currency": self.currency, "value": self.value})
    }

    fn with_minor(&self, minor: u128) -> Value {
        json!({"currency": self.currency, "value": minor.to_string()})
    }
}

#[derive(Debug, Clone)]
struct Payment {
    request_id: String,
    payment_id: String,
    amount: Amount,
    method_type: Option<String>,
    status: Status,
    create_time: String,
    payment_time: Option<String>,
    cancel_time: Option<String>,
    notify_url: Option<String>,
    normal_url: String,
    refunded: u128,
    capture: Option<Capture>,
    refund_request_ids: Vec<String>,
}

#[derive(Debug, Clone)]
struct Capture {
    request_id: String,
    capture_id: String,
    amount: Amount,
    time: String,
}

#[derive(Debug, Clone)]
struct Refund {
    request_id: String,
    refund_id: String,
    payment_id: String,
    amount: Amount,
    time: String,
}

#[derive(Debug, Clone)]
struct Idempotency {
    key: String,
    /// The stored response (`None` for `pay`, rendered from the payment's current state).
    body: Option<String>,
    summary: String,
}

/// The result of one API call.
pub struct Done {
    /// The response body (signed by the caller).
    pub body: String,
    /// `S SUCCESS`, `F ORDER_NOT_EXIST`...
    pub summary: String,
    /// Notifications to deliver.
    pub notify: Vec<Outgoing>,
}

/// A business failure: `F` with a code and message.
struct Fail(&'static str, String);

type Fields = Map<String, Value>;

fn ok(fields: Fields) -> Done {
    Done {
        body: render("S", "SUCCESS", "success.", &fields),
        summary: "S SUCCESS".to_owned(),
        notify: Vec::new(),
    }
}

fn fail(Fail(code, message): Fail) -> Done {
    Done {
        body: render("F", code, &message, &Map::new()),
        summary: format!("F {code}"),
        notify: Vec::new(),
    }
}

fn illegal(message: impl Into<String>) -> Fail {
    Fail("PARAM_ILLEGAL", message.into())
}

/// Everything the simulator remembers.
#[derive(Default)]
pub struct State {
    seq: u64,
    payments: HashMap<String, Payment>,
    payment_ids: HashMap<String, String>,
    refunds: HashMap<String, Refund>,
    refund_ids: HashMap<String, String>,
    idempotency: HashMap<(Op, String), Idempotency>,
    /// Every notification delivery, in creation order.
    pub deliveries: Vec<Delivery>,
    /// The meter sessions `meter/createSession` issued (`X-Session-Id` values).
    pub sessions: std::collections::HashSet<String>,
}

impl State {
    fn next_id(&mut self, kind: u8) -> String {
        self.seq += 1;
        let date: String = clock::now_iso8601()
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect();
        format!("{date}{kind}{:011}", self.seq)
    }

    /// Records a new delivery and returns its id.
    pub fn record_delivery(&mut self, outgoing: &Outgoing) -> u64 {
        let id = self.deliveries.len() as u64 + 1;
        self.deliveries.push(Delivery {
            id,
            notification: outgoing.notification,
            url: outgoing.url.clone(),
            body: outgoing.body.clone(),
            attempts: Vec::new(),
            acknowledged: false,
            finished: false,
        });
        id
    }

    /// Runs one authenticated API call.
    pub fn apply(&mut self, op: Op, body: &Fields, base_url: &str, client_id: &str) -> Done {
        let result = match op {
            Op::Pay => self.pay(body, base_url, client_id),
            Op::CreatePaymentSession => self.create_session(body, base_url),
            Op::InquiryPayment => self.inquiry_payment(body),
            Op::Cancel => self.cancel(body),
            Op::Refund => self.refund(body, client_id),
            Op::InquiryRefund => self.inquiry_refund(body),
            Op::Capture => self.capture(body, client_id),
        };
        result.unwrap_or_else(fail)
    }

    fn payment_by(&self, body: &Fields) -> Result<&Payment, Fail> {
        let request_id = opt_str(body, "paymentRequestId")?;
        let payment_id = opt_str(body, "paymentId")?;
        let key = match (payment_id, request_id) {
            (Some(id), _) => self.payment_ids.get(id).cloned(),
            (None, Some(request_id)) => Some(request_id.to_owned()),
            (None, None) => {
                return Err(illegal("paymentId or paymentRequestId is required"));
            }
        };
        key.and_then(|key| self.payments.get(&key))
            .ok_or_else(no_such_payment)
    }

    /// Checks a repeat of `(op, request_id)`: `Ok(Some(done))` for a replay, `Ok(None)` for a
    /// first call, `Err` for `REPEAT_REQ_INCONSISTENT`.
    fn replay(&self, op: Op, request_id: &str, key: &str) -> Result<Option<&Idempotency>, Fail> {
        match self.idempotency.get(&(op, request_id.to_owned())) {
            None => Ok(None),
            Some(seen) if seen.key == key => Ok(Some(seen)),
            Some(_) => Err(Fail(
                "REPEAT_REQ_INCONSISTENT",
                "this request id was used before with different key parameters".to_owned(),
            )),
        }
    }

    fn remember(&mut self, op: Op, request_id: &str, key: String, done: &Done, store_body: bool) {
        self.idempotency.insert(
            (op, request_id.to_owned()),
            Idempotency {
                key,
                body: store_body.then(|| done.body.clone()),
                summary: done.summary.clone(),
            },
        );
    }

    fn new_payment(
        &mut self,
        body: &Fields,
        base_url: &str,
        request_id: &str,
        amount: Amount,
    ) -> Result<Payment, Fail> {
        let notify_url = opt_notify_url(body, "paymentNotifyUrl")?;
        let method_type = body
            .get("paymentMethod")
            .and_then(|m| m.get("paymentMethodType"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let payment_id = self.next_id(1);
        Ok(Payment {
            request_id: request_id.to_owned(),
            normal_url: format!("{base_url}/checkout/{payment_id}"),
            payment_id,
            amount,
            method_type,
            status: Status::Processing,
            create_time: clock::now_iso8601(),
            payment_time: None,
            cancel_time: None,
            notify_url,
            refunded: 0,
            capture: None,
            refund_request_ids: Vec::new(),
        })
    }

    fn insert_payment(&mut self, payment: Payment) {
        self.payment_ids
            .insert(payment.payment_id.clone(), payment.request_id.clone());
        self.payments.insert(payment.request_id.clone(), payment);
    }

    fn pay(&mut self, body: &Fields, base_url: &str, _client_id: &str) -> Result<Done, Fail> {
        let request_id = req_id(body, "paymentRequestId")?;
        let amount = req_amount(body, "paymentAmount")?;
        req_str(body, "productCode", 64)?;
        let method = body
            .get("paymentMethod")
            .and_then(Value::as_object)
            .ok_or_else(|| illegal("paymentMethod is required"))?;
        req_str(method, "paymentMethodType", 64)
            .map_err(|_| illegal("paymentMethod.paymentMethodType is required"))?;
        let key = key_of(body, &["paymentAmount", "paymentMethod", "productCode"]);
        if self.replay(Op::Pay, request_id, &key)?.is_some() {
            let payment = self
                .payments
                .get(request_id)
                .ok_or_else(|| Fail("UNKNOWN_EXCEPTION", "lost payment".to_owned()))?;
            return Ok(pay_result(payment));
        }
        if self.payments.contains_key(request_id) {
            return Err(Fail(
                "REPEAT_REQ_INCONSISTENT",
                "this paymentRequestId was already used by createPaymentSession".to_owned(),
            ));
        }
        let payment = self.new_payment(body, base_url, request_id, amount)?;
        let done = pay_result(&payment);
        self.insert_payment(payment);
        self.remember(Op::Pay, request_id, key, &done, false);
        Ok(done)
    }

    fn create_session(&mut self, body: &Fields, base_url: &str) -> Result<Done, Fail> {
        let request_id = req_id(body, "paymentRequestId")?;
        let amount = req_amount(body, "paymentAmount")?;
        req_str(body, "productCode", 64)?;
        let key = key_of(body, &["paymentAmount", "productCode"]);
        if let Some(seen) = self.replay(Op::CreatePaymentSession, request_id, &key)? {
            return Ok(stored(seen));
        }
        if self.payments.contains_key(request_id) {
            return Err(Fail(
                "REPEAT_REQ_INCONSISTENT",
                "this paymentRequestId was already used by pay".to_owned(),
            ));
        }
        let payment = self.new_payment(body, base_url, request_id, amount)?;
        let session_id = self.next_id(4);
        let mut fields = Map::new();
        fields.insert(
            "paymentSessionData".into(),
            json!(format!("SIMSESSION.{session_id}")),
        );
        fields.insert(
            "paymentSessionExpiryTime".into(),
            json!(clock::iso8601_from_millis(clock::now_millis() + 3_600_000)),
        );
        fields.insert("paymentSessionId".into(), json!(session_id));
        fields.insert("normalUrl".into(), json!(payment.normal_url));
        let done = ok(fields);
        self.insert_payment(payment);
        self.remember(Op::CreatePaymentSession, request_id, key, &done, true);
        Ok(done)
    }

    fn inquiry_payment(&mut self, body: &Fields) -> Result<Done, Fail> {
        let payment = self.payment_by(body)?;
        let mut fields = Map::new();
        fields.insert("paymentStatus".into(), json!(payment.status.as_str()));
        let (code, message) = payment_result(payment);
        fields.insert("paymentResultCode".into(), json!(code));
        fields.insert("paymentResultMessage".into(), json!(message));
        fields.insert("paymentRequestId".into(), json!(payment.request_id));
        fields.insert("paymentId".into(), json!(payment.payment_id));
        fields.insert("paymentAmount".into(), payment.amount.json());
        fields.insert("paymentCreateTime".into(), json!(payment.create_time));
        if let Some(time) = &payment.payment_time {
            fields.insert("paymentTime".into(), json!(time));
        }
        if let Some(method) = &payment.method_type {
            fields.insert("paymentMethodType".into(), json!(method));
        }
        let mut transactions = Vec::new();
        if let Some(capture) = &payment.capture {
            transactions.push(json!({
                "transactionType": "CAPTURE",
                "transactionStatus": "SUCCESS",
                "transactionRequestId": capture.request_id,
                "transactionId": capture.capture_id,
                "transactionAmount": capture.amount.json(),
                "transactionTime": capture.time,
                "transactionResult": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success."},
            }));
        }
        for refund in payment
            .refund_request_ids
            .iter()
            .filter_map(|id| self.refunds.get(id))
        {
            transactions.push(json!({
                "transactionType": "REFUND",
                "transactionStatus": "SUCCESS",
                "transactionRequestId": refund.request_id,
                "transactionId": refund.refund_id,
                "transactionAmount": refund.amount.json(),
                "transactionTime": refund.time,
                "transactionResult": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success."},
            }));
        }
        if !transactions.is_empty() {
            fields.insert("transactions".into(), Value::Array(transactions));
        }
        Ok(ok(fields))
    }

    fn cancel(&mut self, body: &Fields) -> Result<Done, Fail> {
        let request_id = self.payment_by(body)?.request_id.clone();
        let payment = self
            .payments
            .get_mut(&request_id)
            .ok_or_else(no_such_payment)?;
        match payment.status {
            Status::Processing | Status::Success => {
                if payment.refunded > 0 || payment.capture.is_some() {
                    return Err(Fail(
                        "ORDER_STATUS_INVALID",
                        "a payment with a capture or refund cannot be cancelled; refund it"
                            .to_owned(),
                    ));
                }
                payment.status = Status::Cancelled;
                payment.cancel_time = Some(clock::now_iso8601());
            }
            Status::Cancelled => {}
            Status::Fail => {
                return Err(Fail(
                    "ORDER_STATUS_INVALID",
                    "a failed payment cannot be cancelled".to_owned(),
                ));
            }
        }
        let mut fields = Map::new();
        fields.insert("paymentId".into(), json!(payment.payment_id));
        fields.insert("paymentRequestId".into(), json!(payment.request_id));
        fields.insert("cancelTime".into(), json!(payment.cancel_time));
        Ok(ok(fields))
    }

    fn refund(&mut self, body: &Fields, client_id: &str) -> Result<Done, Fail> {
        let request_id = req_id(body, "refundRequestId")?;
        let payment_id = req_str(body, "paymentId", MAX_REQUEST_ID_LEN)?;
        let amount = req_amount(body, "refundAmount")?;
        let notify_url = opt_notify_url(body, "refundNotifyUrl")?;
        let key = key_of(body, &["paymentId", "refundAmount"]);
        if let Some(seen) = self.replay(Op::Refund, request_id, &key)? {
            return Ok(stored(seen));
        }
        let outcome = self.refund_first(request_id, payment_id, &amount, notify_url, client_id);
        let done = outcome.unwrap_or_else(fail);
        self.remember(Op::Refund, request_id, key, &done, true);
        Ok(done)
    }

    fn refund_first(
        &mut self,
        request_id: &str,
        payment_id: &str,
        amount: &Amount,
        notify_url: Option<String>,
        client_id: &str,
    ) -> Result<Done, Fail> {
        let refund_id = self.next_id(2);
        let key = self
            .payment_ids
            .get(payment_id)
            .cloned()
            .ok_or_else(no_such_payment)?;
        let payment = self.payments.get_mut(&key).ok_or_else(no_such_payment)?;
        if payment.status != Status::Success {
            return Err(Fail(
                "ORDER_STATUS_INVALID",
                format!(
                    "only a SUCCESS payment can be refunded; it is {}",
                    payment.status.as_str()
                ),
            ));
        }
        if amount.currency != payment.amount.currency {
            return Err(illegal(
                "refundAmount.currency must equal the payment currency",
            ));
        }
        let refundable = payment
            .capture
            .as_ref()
            .map_or(payment.amount.minor, |capture| capture.amount.minor);
        if payment.refunded + amount.minor > refundable {
            return Err(Fail(
                "REFUND_AMOUNT_EXCEED",
                "the total refunded amount would exceed the paid amount".to_owned(),
            ));
        }
        payment.refunded += amount.minor;
        payment.refund_request_ids.push(request_id.to_owned());
        let refund = Refund {
            request_id: request_id.to_owned(),
            refund_id: refund_id.clone(),
            payment_id: payment_id.to_owned(),
            amount: amount.clone(),
            time: clock::now_iso8601(),
        };
        let mut fields = Map::new();
        fields.insert("refundRequestId".into(), json!(refund.request_id));
        fields.insert("refundId".into(), json!(refund.refund_id));
        fields.insert("paymentId".into(), json!(refund.payment_id));
        fields.insert("refundAmount".into(), refund.amount.json());
        fields.insert("refundTime".into(), json!(refund.time));
        let mut done = ok(fields);
        if let Some(url) = notify_url {
            let mut notice = Map::new();
            notice.insert("notifyType".into(), json!("REFUND_RESULT"));
            notice.insert("refundStatus".into(), json!("SUCCESS"));
            notice.insert("refundRequestId".into(), json!(refund.request_id));
            notice.insert("refundId".into(), json!(refund.refund_id));
            notice.insert("refundAmount".into(), refund.amount.json());
            notice.insert("refundTime".into(), json!(refund.time));
            done.notify.push(Outgoing {
                notification: "notifyRefund",
                url,
                client_id: client_id.to_owned(),
                body: render("S", "SUCCESS", "success.", &notice),
            });
        }
        self.refund_ids.insert(refund_id, request_id.to_owned());
        self.refunds.insert(request_id.to_owned(), refund);
        Ok(done)
    }

    fn inquiry_refund(&mut self, body: &Fields) -> Result<Done, Fail> {
        let request_id = opt_str(body, "refundRequestId")?;
        let refund_id = opt_str(body, "refundId")?;
        let key = match (refund_id, request_id) {
            (Some(id), _) => self.refund_ids.get(id).cloned(),
            (None, Some(request_id)) => Some(request_id.to_owned()),
            (None, None) => return Err(illegal("refundId or refundRequestId is required")),
        };
        let refund = key
            .and_then(|key| self.refunds.get(&key))
            .ok_or_else(|| Fail("ORDER_NOT_EXIST", "the refund does not exist".to_owned()))?;
        let mut fields = Map::new();
        fields.insert("refundRequestId".into(), json!(refund.request_id));
        fields.insert("refundId".into(), json!(refund.refund_id));
        fields.insert("paymentId".into(), json!(refund.payment_id));
        fields.insert("refundAmount".into(), refund.amount.json());
        fields.insert("refundStatus".into(), json!("SUCCESS"));
        fields.insert("refundTime".into(), json!(refund.time));
        Ok(ok(fields))
    }

    fn capture(&mut self, body: &Fields, client_id: &str) -> Result<Done, Fail> {
        let request_id = req_id(body, "captureRequestId")?;
        let payment_id = req_str(body, "paymentId", MAX_REQUEST_ID_LEN)?;
        let amount = req_amount(body, "captureAmount")?;
        let key = key_of(body, &["paymentId", "captureAmount"]);
        if let Some(seen) = self.replay(Op::Capture, request_id, &key)? {
            return Ok(stored(seen));
        }
        let outcome = self.capture_first(request_id, payment_id, &amount, client_id);
        let done = outcome.unwrap_or_else(fail);
        self.remember(Op::Capture, request_id, key, &done, true);
        Ok(done)
    }

    fn capture_first(
        &mut self,
        request_id: &str,
        payment_id: &str,
        amount: &Amount,
        client_id: &str,
    ) -> Result<Done, Fail> {
        let capture_id = self.next_id(3);
        let key = self
            .payment_ids
            .get(payment_id)
            .cloned()
            .ok_or_else(no_such_payment)?;
        let payment = self.payments.get_mut(&key).ok_or_else(no_such_payment)?;
        if payment.status != Status::Success || payment.capture.is_some() || payment.refunded > 0 {
            return Err(Fail(
                "ORDER_STATUS_INVALID",
                "only an authorised (SUCCESS) payment without a capture or refund can be captured"
                    .to_owned(),
            ));
        }
        if amount.currency != payment.amount.currency || amount.minor > payment.amount.minor {
            return Err(illegal(
                "captureAmount must be in the payment currency and at most the payment amount",
            ));
        }
        let capture = Capture {
            request_id: request_id.to_owned(),
            capture_id,
            amount: amount.clone(),
            time: clock::now_iso8601(),
        };
        let mut fields = Map::new();
        fields.insert("captureRequestId".into(), json!(capture.request_id));
        fields.insert("captureId".into(), json!(capture.capture_id));
        fields.insert("paymentId".into(), json!(payment.payment_id));
        fields.insert("captureAmount".into(), capture.amount.json());
        fields.insert("captureTime".into(), json!(capture.time));
        let mut done = ok(fields);
        if let Some(url) = &payment.notify_url {
            let mut notice = Map::new();
            notice.insert("notifyType".into(), json!("CAPTURE_RESULT"));
            notice.insert("captureRequestId".into(), json!(capture.request_id));
            notice.insert("paymentId".into(), json!(payment.payment_id));
            notice.insert("captureId".into(), json!(capture.capture_id));
            notice.insert("captureAmount".into(), capture.amount.json());
            notice.insert("captureTime".into(), json!(capture.time));
            done.notify.push(Outgoing {
                notification: "notifyCapture",
                url: url.clone(),
                client_id: client_id.to_owned(),
                body: render("S", "SUCCESS", "success.", &notice),
            });
        }
        payment.capture = Some(capture);
        Ok(done)
    }

    /// The buyer visits the `normalUrl`: completes (or declines) a `PROCESSING` payment.
    /// Returns the HTTP status, a sentence for the page, and the notification to send.
    pub fn checkout(
        &mut self,
        payment_id: &str,
        decline: bool,
        client_id: &str,
    ) -> (StatusCode, String, Vec<Outgoing>) {
        let Some(payment) = self
            .payment_ids
            .get(payment_id)
            .cloned()
            .and_then(|key| self.payments.get_mut(&key))
        else {
            return (
                StatusCode::NOT_FOUND,
                "No such payment.".to_owned(),
                Vec::new(),
            );
        };
        if payment.status != Status::Processing {
            let sentence = format!("This payment is already {}.", payment.status.as_str());
            return (StatusCode::OK, sentence, Vec::new());
        }
        let now = clock::now_iso8601();
        if decline {
            payment.status = Status::Fail;
        } else {
            payment.status = Status::Success;
            payment.payment_time = Some(now.clone());
        }
        let (code, message) = payment_result(payment);
        let status = if decline { "F" } else { "S" };
        let mut notice = Map::new();
        notice.insert("notifyType".into(), json!("PAYMENT_RESULT"));
        notice.insert("paymentRequestId".into(), json!(payment.request_id));
        notice.insert("paymentId".into(), json!(payment.payment_id));
        notice.insert("paymentAmount".into(), payment.amount.json());
        notice.insert("paymentCreateTime".into(), json!(payment.create_time));
        if let Some(time) = &payment.payment_time {
            notice.insert("paymentTime".into(), json!(time));
        }
        if let Some(method) = &payment.method_type {
            notice.insert("paymentMethodType".into(), json!(method));
        }
        let notify = payment
            .notify_url
            .clone()
            .map(|url| Outgoing {
                notification: "notifyPayment",
                url,
                client_id: client_id.to_owned(),
                body: render(status, code, message, &notice),
            })
            .into_iter()
            .collect();
        let sentence = if decline {
            "Payment declined (USER_BALANCE_NOT_ENOUGH). You can return to the merchant."
        } else {
            "Payment completed. You can return to the merchant."
        };
        (StatusCode::OK, sentence.to_owned(), notify)
    }
}

/// The `result` of a payment in its current state, as pay / notifyPayment report it.
fn payment_result(payment: &Payment) -> (&'static str, &'static str) {
    match payment.status {
        Status::Processing => ("PAYMENT_IN_PROCESS", "payment in process"),
        Status::Success => ("SUCCESS", "success."),
        Status::Fail => ("USER_BALANCE_NOT_ENOUGH", "the user balance is not enough"),
        Status::Cancelled => ("ORDER_IS_CANCELED", "the payment was cancelled"),
    }
}

fn pay_result(payment: &Payment) -> Done {
    let (code, message) = payment_result(payment);
    let status = match payment.status {
        Status::Processing => "U",
        Status::Success => "S",
        Status::Fail | Status::Cancelled => "F",
    };
    let mut fields = Map::new();
    fields.insert("paymentRequestId".into(), json!(payment.request_id));
    fields.insert("paymentId".into(), json!(payment.payment_id));
    fields.insert("paymentAmount".into(), payment.amount.json());
    fields.insert("paymentCreateTime".into(), json!(payment.create_time));
    match payment.status {
        Status::Processing => {
            fields.insert("normalUrl".into(), json!(payment.normal_url));
        }
        Status::Success => {
            fields.insert("paymentTime".into(), json!(payment.payment_time));
        }
        Status::Fail | Status::Cancelled => {}
    }
    if payment.refunded > 0 {
        fields.insert(
            "refundedAmount".into(),
            payment.amount.with_minor(payment.refunded),
        );
    }
    Done {
        body: render(status, code, message, &fields),
        summary: format!("{status} {code}"),
        notify: Vec::new(),
    }
}

fn stored(seen: &Idempotency) -> Done {
    Done {
        body: seen.body.clone().unwrap_or_default(),
        summary: format!("{} (idempotent replay)", seen.summary),
        notify: Vec::new(),
    }
}

fn opt_str<'a>(body: &'a Fields, field: &str) -> Result<Option<&'a str>, Fail> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if s.len() <= MAX_REQUEST_ID_LEN => Ok(Some(s)),
        Some(Value::String(_)) => Err(illegal(format!(
            "{field} is longer than {MAX_REQUEST_ID_LEN}"
        ))),
        Some(_) => Err(illegal(format!("{field} must be a string"))),
    }
}

fn req_str<'a>(body: &'a Fields, field: &str, max: usize) -> Result<&'a str, Fail> {
    match body.get(field) {
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= max => Ok(s),
        Some(Value::String(s)) if !s.is_empty() => {
            Err(illegal(format!("{field} is longer than {max} characters")))
        }
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(illegal(format!("{field} is required")))
        }
        Some(_) => Err(illegal(format!("{field} must be a string"))),
    }
}

fn req_id<'a>(body: &'a Fields, field: &str) -> Result<&'a str, Fail> {
    req_str(body, field, MAX_REQUEST_ID_LEN)
}

fn req_amount(body: &Fields, field: &str) -> Result<Amount, Fail> {
    let object = body.get(field).and_then(Value::as_object).ok_or_else(|| {
        illegal(format!(
            "{field} is required (an object with currency and value)"
        ))
    })?;
    let currency = req_str(object, "currency", 3)
        .map_err(|_| illegal(format!("{field}.currency is required")))?;
    let value = match object.get("value") {
        Some(Value::String(value)) => value.as_str(),
        Some(Value::Number(_)) => {
            return Err(illegal(format!(
                "{field}.value must be a string of digits (Antom sends every scalar as a string)"
            )));
        }
        _ => return Err(illegal(format!("{field}.value is required"))),
    };
    antom_core::from_minor_units(value, currency)
        .map_err(|e| illegal(format!("{field}: {}", e.message())))?;
    let minor: u128 = value
        .parse()
        .map_err(|_| illegal(format!("{field}.value must be digits")))?;
    if minor == 0 {
        return Err(illegal(format!("{field}.value must be positive")));
    }
    Ok(Amount {
        currency: currency.to_owned(),
        value: value.to_owned(),
        minor,
    })
}

fn opt_notify_url(body: &Fields, field: &str) -> Result<Option<String>, Fail> {
    let Some(url) = opt_str_any(body, field)? else {
        return Ok(None);
    };
    LoopbackUrl::parse(url).map_err(|why| {
        illegal(format!(
            "{field}: the simulator only delivers notifications to http://127.0.0.1, \
             http://localhost or http://[::1] URLs ({why})"
        ))
    })?;
    Ok(Some(url.to_owned()))
}

fn opt_str_any<'a>(body: &'a Fields, field: &str) -> Result<Option<&'a str>, Fail> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if s.len() <= 2048 => Ok(Some(s)),
        Some(_) => Err(illegal(format!(
            "{field} must be a string of at most 2048 characters"
        ))),
    }
}

/// The key parameters of a request as canonical JSON (objects' keys sorted).
fn key_of(body: &Fields, fields: &[&str]) -> String {
    let mut picked = BTreeMap::new();
    for field in fields {
        if let Some(value) = body.get(*field) {
            picked.insert((*field).to_owned(), canonical(value));
        }
    }
    serde_json::to_string(&picked).unwrap_or_default()
}

fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let sorted: BTreeMap<&String, Value> =
                object.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The `F ORDER_NOT_EXIST` answer for an unknown `paymentId` / `paymentRequestId`.
fn no_such_payment() -> Fail {
    Fail("ORDER_NOT_EXIST", "the payment does not exist".to_owned())
}
