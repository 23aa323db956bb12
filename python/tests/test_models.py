"""antom_core.models (generated from crates/antom-models/schema/models.json): real simulator
output parsed into the models, and the models' own rules (required fields, JSON types, unknown
fields, round trips).

The simulator is the `antom` CLI (`antom mock`), run as a subprocess: target/debug/antom, or
$ANTOM_BIN. `make test-python` builds it first (crates/antom-models/models.mk)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import antom_core as ac
from antom_core import models as m
from support import CLIENT_ID, KEYS, REPO, key_text

NOTIFY_PATH = "/antom/notify"
WAIT = 15.0


# --- the simulator and a webhook ----------------------------------------------------------


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, str]]:
    """`antom mock` on 127.0.0.1: (gateway URL, the simulator's public key text)."""
    binary = os.environ.get("ANTOM_BIN") or str(REPO / "target" / "debug" / "antom")
    assert Path(binary).is_file(), f"{binary} is missing: run `cargo build -p antom-cli --bin antom`"
    work = tmp_path_factory.mktemp("mock")
    log_path, public = work / "mock.log", work / "antom.pub"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [binary, "mock", "--port", "0", "--quiet",
             "--merchant-public-key", str(KEYS / "TEST-ONLY-merchant.public.spki.b64"),
             "--write-public-key", str(public)],
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            gateway = ""
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                found = re.search(r"antom mock: listening on (\S+)", log_path.read_text())
                if found and public.exists() and public.stat().st_size:
                    gateway = found.group(1)
                    break
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.05)
            assert gateway, "the simulator did not start"
            yield gateway, public.read_text()
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def client(simulator: Tuple[str, str]) -> ac.Client:
    gateway, antom_public = simulator
    return ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=antom_public,
        gateway_url=gateway,
    )


class Webhook:
    """A merchant webhook: keeps every (headers, raw body) and acknowledges."""

    def __init__(self) -> None:
        self.received: List[Tuple[Dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        self.url = ""

    def wait_for(self, count: int) -> List[Tuple[Dict[str, str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout=WAIT), (
                f"{count} notification(s) expected, {len(self.received)} arrived")
            return list(self.received)


@contextmanager
def webhook() -> Iterator[Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with hook.arrived:
                hook.received.append((dict(self.headers.items()), raw))
                hook.arrived.notify_all()
            ack = ac.NOTIFICATION_ACK.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(ack)))
            self.end_headers()
            self.wfile.write(ack)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}{NOTIFY_PATH}"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def call(client: ac.Client, request: Any) -> bytes:
    """A typed request: prepare with the core, send with urllib, verify; the verified bytes."""
    prepared = client.prepare(type(request).API, request.to_json().encode())
    http = urllib.request.Request(prepared.url, data=prepared.body,
                                  headers=dict(prepared.headers), method=prepared.method)
    with urllib.request.urlopen(http, timeout=WAIT) as reply:
        headers, body = reply.headers, reply.read()
    response = client.verify_response(prepared.path, headers, body)
    assert response.verified, response.result_code
    return response.body


def parsed(model: Any, body: bytes) -> Any:
    """`model.from_json(body)`, checked to write back exactly the JSON it was parsed from."""
    value = model.from_json(body)
    assert isinstance(value, model)
    assert value.to_dict() == json.loads(body), f"{model.__name__} round trip"
    return value


def notification(client: ac.Client, hook: Webhook, index: int, model: Any) -> Any:
    headers, raw = hook.wait_for(index + 1)[index]
    verified = client.verify_notification(NOTIFY_PATH, headers, raw)
    return parsed(model, verified.body)


def usd(value: str) -> m.Amount:
    return m.Amount(currency="USD", value=value)


def pay_request(request_id: str, value: str, notify_url: str) -> m.PayRequest:
    return m.PayRequest(
        product_code="CASHIER_PAYMENT",
        payment_request_id=request_id,
        order=m.Order(reference_order_id=f"order-{request_id}",
                      order_description="Typed models test order", order_amount=usd(value)),
        payment_amount=usd(value),
        payment_method=m.PaymentMethod(payment_method_type="ALIPAY_CN"),
        payment_redirect_url="http://127.0.0.1:9/return",
        payment_notify_url=notify_url,
        env=m.Env(terminal_type="WEB"),
    )


# --- real simulator output ----------------------------------------------------------------


def test_a_payment_lifecycle_parses_into_the_models(client: ac.Client) -> None:
    with webhook() as hook:
        pay = parsed(m.PayResponse, call(client, pay_request("py-models-1", "1000", hook.url)))
        assert (pay.result.result_status, pay.result.result_code) == ("U", "PAYMENT_IN_PROCESS")
        assert pay.payment_amount == usd("1000")
        assert pay.payment_request_id == "py-models-1" and pay.payment_id and pay.normal_url

        with urllib.request.urlopen(pay.normal_url, timeout=WAIT) as page:  # the buyer pays
            assert page.status == 200
        paid = notification(client, hook, 0, m.NotifyPaymentRequest)
        assert paid.notify_type == "PAYMENT_RESULT" and paid.notify_type in m.NotifyPaymentRequest.NOTIFY_TYPES
        assert paid.result.result_status == "S"
        assert (paid.payment_id, paid.payment_amount.value) == (pay.payment_id, "1000")
        assert paid.payment_time is not None

        capture = parsed(m.CaptureResponse, call(client, m.CaptureRequest(
            capture_request_id="py-capture-1", payment_id=pay.payment_id, capture_amount=usd("1000"))))
        assert capture.result.result_status == "S" and capture.capture_id
        captured = notification(client, hook, 1, m.NotifyCaptureRequest)
        assert (captured.notify_type, captured.capture_id) == ("CAPTURE_RESULT", capture.capture_id)
        assert captured.capture_amount == usd("1000")

        refund = parsed(m.RefundResponse, call(client, m.RefundRequest(
            refund_request_id="py-refund-1", payment_id=pay.payment_id, refund_amount=usd("400"),
            refund_notify_url=hook.url)))
        assert refund.result.result_code == "SUCCESS" and refund.refund_amount == usd("400")
        refunded = notification(client, hook, 2, m.NotifyRefundRequest)
        assert (refunded.notify_type, refunded.refund_status) == ("REFUND_RESULT", "SUCCESS")
        assert refunded.refund_id == refund.refund_id

        by_id = parsed(m.InquiryRefundResponse, call(client, m.InquiryRefundRequest(refund_id=refund.refund_id)))
        assert (by_id.refund_status, by_id.refund_request_id) == ("SUCCESS", "py-refund-1")

    inquiry = parsed(m.InquiryPaymentResponse, call(client, m.InquiryPaymentRequest(payment_id=pay.payment_id)))
    assert inquiry.payment_status == "SUCCESS" and inquiry.payment_method_type == "ALIPAY_CN"
    assert inquiry.transactions is not None
    assert [(t.transaction_type, t.transaction_id) for t in inquiry.transactions] == [
        ("CAPTURE", capture.capture_id), ("REFUND", refund.refund_id)]
    assert inquiry.transactions[1].transaction_result.result_status == "S"

    session = parsed(m.CreatePaymentSessionResponse, call(client, m.CreatePaymentSessionRequest(
        product_code="CASHIER_PAYMENT", payment_request_id="py-models-2",
        order=m.Order(reference_order_id="order-2", order_description="second", order_amount=usd("250")),
        payment_amount=usd("250"), payment_redirect_url="http://127.0.0.1:9/return")))
    assert session.result.result_status == "S"
    assert session.payment_session_data and session.payment_session_data.startswith("SIMSESSION.")
    cancel = parsed(m.CancelResponse, call(client, m.CancelRequest(payment_request_id="py-models-2")))
    assert cancel.result.result_status == "S" and cancel.cancel_time

    missing = parsed(m.InquiryPaymentResponse, call(client, m.InquiryPaymentRequest(payment_id="no-such")))
    assert (missing.result.result_status, missing.result.result_code) == ("F", "ORDER_NOT_EXIST")
    assert missing.payment_status is None


def test_unknown_fields_of_a_real_body_survive_a_round_trip(client: ac.Client) -> None:
    with webhook() as hook:
        body = json.loads(call(client, pay_request("py-models-extra", "700", hook.url)))
    body["futureField"] = {"nested": ["kept", 1, True, None]}
    body["result"]["resultDetail"] = "kept too"
    body["paymentAmount"]["display"] = "USD 7.00"
    pay = m.PayResponse.from_dict(body)
    assert pay.extra == {"futureField": {"nested": ["kept", 1, True, None]}}
    assert pay.result.extra == {"resultDetail": "kept too"}
    assert pay.payment_amount is not None and pay.payment_amount.extra == {"display": "USD 7.00"}
    assert pay.to_dict() == body
    assert json.loads(pay.to_json()) == body


def test_a_payment_pending_from_antom_trigger_parses() -> None:
    """PAYMENT_PENDING comes from `antom trigger notifyPayment --status PENDING`."""
    binary = os.environ.get("ANTOM_BIN") or str(REPO / "target" / "debug" / "antom")
    with webhook() as hook:
        done = subprocess.run(
            [binary, "trigger", "notifyPayment", "--to", hook.url, "--status", "PENDING",
             "--antom-private-key", str(KEYS / "TEST-ONLY-antom.private.pkcs8.b64"),
             "--payment-request-id", "py-pending", "--amount", "1050", "--currency", "JPY"],
            capture_output=True, text=True, timeout=WAIT,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        headers, raw = hook.wait_for(1)[0]
    client = ac.Client(client_id=CLIENT_ID, private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
                       antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"))
    pending = parsed(m.NotifyPaymentRequest, client.verify_notification(NOTIFY_PATH, headers, raw).body)
    assert pending.notify_type == "PAYMENT_PENDING" and pending.notify_type in m.NotifyPaymentRequest.NOTIFY_TYPES
    assert pending.payment_request_id == "py-pending"
    assert pending.payment_amount == m.Amount(currency="JPY", value="1050")
    assert pending.payment_time is None


# --- the models' rules --------------------------------------------------------------------

PENDING = {
    "notifyType": "PAYMENT_PENDING",
    "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U"},
    "paymentRequestId": "order-1",
    "paymentId": "2026112900000001",
    "paymentAmount": {"currency": "JPY", "value": "1050"},
}


def test_what_antom_sends_parses_without_the_fields_the_reference_calls_required() -> None:
    assert m.NotifyPaymentRequest.from_dict(PENDING).notify_type == "PAYMENT_PENDING"
    for body in (
        {k: v for k, v in PENDING.items() if k != "paymentId"},
        dict(PENDING, paymentId=None),
        dict(PENDING, result={"resultCode": "X"}),
        {"paymentId": "2026112900000001"},
        {},
    ):
        parsed = m.NotifyPaymentRequest.from_dict(body)
        # absent in the model, and absent (not null) when written back
        assert parsed.to_dict() == {k: v for k, v in body.items() if v is not None}
    assert m.NotifyPaymentRequest.from_dict({}).result is None
    assert m.PayResponse.from_dict({"paymentId": "P-1"}).result is None


def test_request_fields_and_json_types_are_checked_naming_the_field_only() -> None:
    refund = {"refundRequestId": "r-1", "paymentId": "p-1", "refundAmount": {"currency": "USD", "value": "400"}}
    assert m.RefundRequest.from_dict(refund).refund_request_id == "r-1"
    cases = [
        ({k: v for k, v in refund.items() if k != "refundRequestId"}, "RefundRequest.refundRequestId is required"),
        (dict(refund, paymentId=None), "RefundRequest.paymentId is required"),
        (dict(PENDING, paymentAmount={"currency": "JPY", "value": 1050}),
         "NotifyPaymentRequest.paymentAmount.value must be a string, not a number"),
        (dict(PENDING, result="S"), "NotifyPaymentRequest.result must be an object, not a string"),
    ]
    for body, message in cases:
        model = m.RefundRequest if "refundRequestId" in message or "RefundRequest" in message else m.NotifyPaymentRequest
        with pytest.raises(m.ModelError) as caught:
            model.from_dict(body)
        assert str(caught.value) == message
        assert caught.value.code == "INVALID_MODEL" and isinstance(caught.value, ValueError)
    with pytest.raises(m.ModelError, match="must be an array"):
        m.ConsultResponse.from_dict({"result": PENDING["result"], "paymentOptions": {"a": 1}})
    with pytest.raises(m.ModelError, match=r"paymentOptions\[1\]\.enabled must be a string"):
        m.ConsultResponse.from_dict({"result": PENDING["result"], "paymentOptions": [
            {"paymentMethodType": "ALIPAY_CN", "enabled": "true"}, {"enabled": 7}]})
    with pytest.raises(m.ModelError, match="not JSON"):
        m.PayResponse.from_json(b'{"result": ')
    with pytest.raises(m.ModelError, match="PayResponse must be an object, not an array"):
        m.PayResponse.from_json("[]")
    secret = "4111111111111111"
    with pytest.raises(m.ModelError) as caught:
        m.PaymentMethod.from_dict({"paymentMethodType": 7, "paymentMethodId": secret})
    assert secret not in str(caught.value) and "7" not in str(caught.value)


def test_from_json_takes_bytes_and_text_and_to_dict_leaves_unset_fields_out() -> None:
    text = json.dumps(PENDING)
    for body in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        assert m.NotifyPaymentRequest.from_json(body) == m.NotifyPaymentRequest.from_dict(PENDING)
    refund = m.RefundRequest(refund_request_id="r-1", payment_id="p-1", refund_amount=m.Amount("USD", "400"))
    assert refund.to_dict() == {"refundRequestId": "r-1", "paymentId": "p-1",
                                "refundAmount": {"currency": "USD", "value": "400"}}
    assert refund.to_json() == '{"refundRequestId":"r-1","paymentId":"p-1","refundAmount":{"currency":"USD","value":"400"}}'
    assert m.RefundRequest.API == "v1/payments/refund"
    assert m.NotifyCaptureRequest.NOTIFY_TYPES == ("CAPTURE_RESULT",)
    # A described field's name in `extra` never overrides the field.
    amount = m.Amount("USD", "1", extra={"value": "999", "note": "x"})
    assert amount.to_dict() == {"currency": "USD", "value": "1", "note": "x"}


def test_every_model_is_exported_and_typed() -> None:
    import antom_core

    assert (Path(antom_core.__file__).parent / "py.typed").is_file()
    for name in m.__all__:
        assert hasattr(m, name), name
    assert {"PayRequest", "PayResponse", "ConsultRequest", "ConsultResponse", "NotifyPaymentRequest",
            "NotifyCaptureRequest", "NotifyRefundRequest", "PaymentOption", "Transaction"} <= set(m.__all__)
