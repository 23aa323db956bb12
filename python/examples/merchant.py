"""A merchant's checkout flow with the antom-core Python wheel, step by step:
pay -> verify the signed response -> the buyer pays -> receive and verify notifyPayment ->
acknowledge -> inquiryPayment -> refund.

Configuration comes from the environment, exactly as a real integration would read it:
  ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY, ANTOM_PUBLIC_KEY   (key text, as the Dashboard shows it)
  ANTOM_GATEWAY_URL   optional; `make demo` sets it to the local simulator (http://127.0.0.1:PORT)
  ANTOM_NOTIFY_URL    optional; a public URL that forwards to this script's webhook (real sandbox)
Against the simulator the script plays the buyer too (it opens the checkout URL itself);
against the real sandbox it prints the URL for you to open and inquires until the payment is
final. Exits non-zero if any signature does not verify or any step fails.
"""

import json
import os
import re
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NoReturn

from antom_core import NOTIFICATION_ACK, AntomError, ApiResponse, Client, Outcome

WEBHOOK_PATH = "/antom/notify"
STEP_TIMEOUT = float(os.environ.get("ANTOM_DEMO_TIMEOUT_MS", "20000")) / 1000

_step_no = 0


def step(text: str) -> None:
    global _step_no
    _step_no += 1
    print(f"  {_step_no}. {text}", flush=True)


def detail(text: str) -> None:
    print(f"       {text}", flush=True)


def fail(text: str) -> NoReturn:
    print(f"  FAILED: {text}", file=sys.stderr, flush=True)
    os._exit(1)  # also stops the webhook thread


for name in ("ANTOM_CLIENT_ID", "ANTOM_PRIVATE_KEY", "ANTOM_PUBLIC_KEY"):
    if not os.environ.get(name):
        fail(f"{name} is not set")
gateway_url = os.environ.get("ANTOM_GATEWAY_URL") or None
simulator = bool(re.fullmatch(r"http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?", gateway_url or ""))

client = Client(
    client_id=os.environ["ANTOM_CLIENT_ID"],
    private_key=os.environ["ANTOM_PRIVATE_KEY"],
    antom_public_key=os.environ["ANTOM_PUBLIC_KEY"],
    gateway_url=gateway_url,
)

# ---- the webhook: verify the raw body first, then acknowledge
notifications: list = []
arrived = threading.Condition()


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        try:
            notification = client.verify_notification(path, self.headers.items(), raw)
        except AntomError as error:
            record, status, answer = error, 401, error.code.encode()
        else:
            record, status, answer = notification, 200, NOTIFICATION_ACK.encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        with arrived:
            notifications.append(record)
            arrived.notify_all()

    def log_message(self, *args) -> None:  # quiet
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
threading.Thread(target=server.serve_forever, daemon=True).start()
notify_url = os.environ.get("ANTOM_NOTIFY_URL") or f"http://127.0.0.1:{server.server_port}{WEBHOOK_PATH}"
can_receive = simulator or bool(os.environ.get("ANTOM_NOTIFY_URL"))


def next_notification(notify_type: str):
    deadline = time.monotonic() + STEP_TIMEOUT
    with arrived:
        while True:
            for index, item in enumerate(notifications):
                if isinstance(item, AntomError):
                    fail(f"a notification did not verify: {item}")
                if item.notify_type == notify_type:
                    return notifications.pop(index)
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"no {notify_type} notification within {STEP_TIMEOUT:.0f} s")
            arrived.wait(min(left, 0.5))


def call(api: str, body: dict) -> ApiResponse:
    # client.send: sign, POST (urllib, TLS verified), verify the reply; outcome UNKNOWN if none.
    try:
        result = client.send(api, json.dumps(body).encode(), timeout=STEP_TIMEOUT)
    except AntomError as error:
        fail(f"{api}: the response did not verify: {error} (outcome unknown: inquire)")
    if result.error is not None or result.response is None:
        fail(f"{api}: {result.error} (outcome {result.outcome.value}: inquire)")
    response = result.response
    if not response.verified:
        fail(
            f"{api}: unsigned gateway error {response.result_status.value} "
            f"{response.result_code}: {response.result_message}"
        )
    return response


order_id = f"demo-python-{int(time.time() * 1000)}"
amount = {"currency": "USD", "value": "1000"}
print(f"Python merchant (antom-core wheel) -> {client.gateway_url}", flush=True)

# 1. pay
pay = call(
    "v1/payments/pay",
    {
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": order_id,
        "order": {
            "referenceOrderId": order_id,
            "orderDescription": "antom-core demo order",
            "orderAmount": amount,
        },
        "paymentAmount": amount,
        "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
        "paymentRedirectUrl": "http://127.0.0.1/return",
        "paymentNotifyUrl": notify_url,
        "env": {"terminalType": "WEB"},
        "settlementStrategy": {"settlementCurrency": "USD"},
    },
)
step(f"Asked Antom to start a USD 10.00 payment (paymentRequestId {order_id}).")
detail(
    "The response's signature verified with Antom's public key: "
    f"{pay.result_status.value} {pay.result_code}."
)
if pay.outcome is not Outcome.PENDING or pay.result_code != "PAYMENT_IN_PROCESS":
    fail(f"expected U PAYMENT_IN_PROCESS (outcome PENDING), got outcome {pay.outcome.value}")
payment_id = pay.json()["paymentId"]
normal_url = pay.json()["normalUrl"]
detail(f"Payment {payment_id} is in process; the buyer pays at {normal_url}")

# 2. the buyer pays
if simulator:
    with urllib.request.urlopen(normal_url, timeout=STEP_TIMEOUT) as page:
        if page.status != 200:
            fail(f"the checkout page answered HTTP {page.status}")
    step("The buyer opened the checkout page and paid (simulated).")
else:
    step(f"Open {normal_url} in a browser and pay with a sandbox wallet account.")
detail("A redirect back to the shop proves nothing; only a verified notification or inquiry does.")

# 3. notifyPayment
if can_receive:
    notice = next_notification("PAYMENT_RESULT")
    step(f"Received notifyPayment at {WEBHOOK_PATH}; its signature verified.")
    body = notice.json()
    detail(
        f"PAYMENT_RESULT {notice.result_status.value} {body['result']['resultCode']} "
        f"for payment {body['paymentId']}; answered HTTP 200 with the ack."
    )
    if notice.outcome is not Outcome.SUCCEEDED or body["paymentId"] != payment_id:
        fail("expected notifyPayment with outcome SUCCEEDED for this payment")
    detail("Its outcome is SUCCEEDED: the only state that proves payment.")
else:
    step("Skipping the notification: set ANTOM_NOTIFY_URL to a public URL that forwards to this webhook.")

# 4. inquiryPayment (polls briefly while the payment is still processing)
inquire_until = time.monotonic() + (STEP_TIMEOUT if simulator else 600)
while True:
    inquired = call("v1/payments/inquiryPayment", {"paymentRequestId": order_id})
    if inquired.outcome is not Outcome.PENDING or time.monotonic() > inquire_until:
        break
    time.sleep(3)
inquiry = inquired.json()
step(
    f"Inquired: the verified answer says the payment is {inquiry['paymentStatus']} "
    f"(outcome {inquired.outcome.value})."
)
if inquired.outcome is not Outcome.SUCCEEDED:
    fail(f"expected outcome SUCCEEDED, got {inquired.outcome.value} ({inquiry['paymentStatus']})")

# 5. refund
refund = call(
    "v1/payments/refund",
    {
        "refundRequestId": f"{order_id}-refund",
        "paymentId": payment_id,
        "refundAmount": amount,
        "refundReason": "antom-core demo",
        "refundNotifyUrl": notify_url,
    },
)
if not refund.is_success:
    fail(f"refund: {refund.result_status.value} {refund.result_code}: {refund.result_message}")
step(
    f"Refunded USD 10.00: verified {refund.result_status.value} {refund.result_code}, "
    f"refundId {refund.json()['refundId']}."
)
if can_receive:
    notice = next_notification("REFUND_RESULT")
    detail(f"notifyRefund verified too: refundStatus {notice.json()['refundStatus']}; acknowledged.")

server.shutdown()
print("  Python flow complete: every response and notification was verified.", flush=True)
