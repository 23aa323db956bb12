"""antom_core.testing through the installed wheel: a merchant-style unit test that uses only
the testing kit (no simulator process, no network) to drive its notification handler through
success, pending, failure, a duplicate and a forgery, and Client.send through the
FakeGateway. Antom's signatures are cross-checked with `cryptography`, not only with the
core's own verification."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from typing import Dict, List, Tuple

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

import antom_core as ac
from antom_core.testing import FakeGateway, Reply, Signed, TestKit
from antom_core.webhooks import CALLBACK_FAILED, handle_notification

NOTIFY = "/antom/notify"


@pytest.fixture(scope="module")
def kit() -> TestKit:
    return TestKit()


# --- the merchant's code under test: an order book and its webhook handler ------------------


class Shop:
    """What a merchant writes: orders, and a callback that applies each notification once."""

    def __init__(self, client: ac.Client) -> None:
        self.client = client
        self.orders: Dict[str, str] = {}
        self.seen: set = set()
        self.effects: List[Tuple[str, str]] = []
        self.fail_next = False

    def on_notification(self, notification: ac.Notification) -> None:
        if notification.dedup_key in self.seen:
            return  # already applied: acknowledge again, do nothing
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database down")
        order = notification.json()["paymentRequestId"]
        state = {
            ac.Outcome.SUCCEEDED: "PAID",
            ac.Outcome.FAILED: "FAILED",
            ac.Outcome.PENDING: "PENDING",
        }.get(notification.outcome, "CHECK")
        self.orders[order] = state
        self.effects.append((order, state))
        self.seen.add(notification.dedup_key)

    def webhook(self, headers, body):  # type: ignore[no-untyped-def]
        return handle_notification(self.client, NOTIFY, headers, body, self.on_notification)


@pytest.fixture
def shop(kit: TestKit) -> Shop:
    return Shop(kit.client())


def test_success_marks_the_order_paid(kit: TestKit, shop: Shop) -> None:
    headers, body = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-1"})
    status, answer = shop.webhook(headers, body)
    assert status == 200
    assert json.loads(answer) == {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}
    assert shop.orders == {"order-1": "PAID"}


def test_pending_is_not_paid(kit: TestKit, shop: Shop) -> None:
    headers, body = kit.notification("PAYMENT_PENDING", {"paymentRequestId": "order-2"})
    assert shop.webhook(headers, body).status == 200
    assert shop.orders == {"order-2": "PENDING"}


def test_failure_marks_the_order_failed(kit: TestKit, shop: Shop) -> None:
    headers, body = kit.notification(
        "PAYMENT_RESULT",
        {"paymentRequestId": "order-3", "result": {"resultCode": "USER_BALANCE_NOT_ENOUGH", "resultStatus": "F",
                                                   "resultMessage": "balance"}},
    )
    assert shop.webhook(headers, body).status == 200
    assert shop.orders == {"order-3": "FAILED"}


def test_a_duplicate_is_applied_once(kit: TestKit, shop: Shop) -> None:
    message = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-4", "paymentId": "2026120400004"})
    # Antom delivers again (the same message, and a re-signed resend later).
    resend = Signed(kit.sign_notification(message.body, request_time=1_764_806_460_000), message.body)
    for headers, body in (message, message, resend):
        assert shop.webhook(headers, body).status == 200
    assert shop.effects == [("order-4", "PAID")]
    assert shop.seen == {"PAYMENT_RESULT:paymentId=2026120400004"}


def test_a_failed_callback_is_retried_by_antom(kit: TestKit, shop: Shop) -> None:
    message = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-5"})
    shop.fail_next = True
    assert shop.webhook(*message) == (500, CALLBACK_FAILED)
    assert shop.orders == {}
    assert shop.webhook(*message).status == 200  # the redelivery
    assert shop.orders == {"order-5": "PAID"}


def test_a_forgery_is_refused_and_never_reaches_the_callback(kit: TestKit, shop: Shop) -> None:
    other = TestKit()  # someone else's "Antom" key
    headers, body = other.notification("PAYMENT_RESULT", {"paymentRequestId": "order-6"})
    assert shop.webhook(headers, body) == (401, "SIGNATURE_MISMATCH")
    # A genuine message with its body altered.
    headers, body = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-6"})
    tampered = body.replace(b'"value":"1000"', b'"value":"1"')
    assert tampered != body
    assert shop.webhook(headers, tampered) == (401, "SIGNATURE_MISMATCH")
    # Signed for another endpoint, or without a signature at all.
    headers, body = kit.notification("PAYMENT_RESULT", {"paymentRequestId": "order-6"}, path="/elsewhere")
    assert shop.webhook(headers, body) == (401, "SIGNATURE_MISMATCH")
    unsigned = [(k, v) for k, v in headers if k != "signature"]
    assert shop.webhook(unsigned, body) == (401, "MISSING_HEADER")
    assert shop.orders == {}


# --- the kit itself -----------------------------------------------------------------------


def _cryptography_verifies(kit: TestKit, path: str, headers: List[Tuple[str, str]], body: bytes,
                           time_header: str) -> bool:
    """Antom's signature checked with `cryptography` over the content rebuilt here."""
    values = dict(headers)
    match = re.fullmatch(r"algorithm=RSA256,keyVersion=(\d+),signature=([A-Za-z0-9%]+)", values["signature"])
    assert match, values["signature"]
    signature = base64.b64decode(urllib.parse.unquote(match.group(2)), validate=True)
    content = f"POST {path}\n{values['client-id']}.{values[time_header]}.".encode() + body
    der = base64.b64decode(kit.antom_public_key.to_base64())
    key = serialization.load_der_public_key(der)
    try:
        key.verify(signature, content, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
        return True
    except Exception:
        return False


def test_every_notification_type_is_signed_as_antom_signs(kit: TestKit) -> None:
    client = kit.client()
    types = kit.notification_types()
    assert len(types) == 19
    seen = 0
    for kind in types:
        for name in kind.values or (kind.body,):
            headers, body = kit.notification(name)
            assert [k for k, _ in headers] == ["content-type", "client-id", "request-time", "signature"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", dict(headers)["request-time"])
            assert _cryptography_verifies(kit, NOTIFY, headers, body, "request-time"), name
            assert not _cryptography_verifies(kit, NOTIFY, headers, body + b" ", "request-time")
            notification = client.verify_notification(NOTIFY, headers, body)
            parsed = json.loads(body)
            assert parsed["result"]["resultStatus"] == "S"
            if kind.field:
                assert parsed[kind.field] == name
            assert notification.json() == parsed
            seen += 1
    assert seen == 27


def test_samples_are_unique_per_call_and_take_overrides(kit: TestKit) -> None:
    first = json.loads(kit.sample_notification("REFUND_RESULT"))
    second = json.loads(kit.sample_notification("REFUND_RESULT"))
    assert first["refundId"] != second["refundId"]
    assert first["refundStatus"] == "SUCCESS"
    body = json.loads(kit.sample_notification(
        "REFUND_RESULT", ["refundStatus=FAIL", "refundAmount.value=5"], id_prefix="R9"))
    assert body["refundStatus"] == "FAIL"
    assert body["refundAmount"] == {"currency": "USD", "value": "5"}
    assert body["refundId"] == "R9_refundId"
    with pytest.raises(ac.InvalidInputError):
        kit.sample_notification("NO_SUCH_TYPE")
    with pytest.raises(ac.InvalidInputError):
        kit.sample_notification("PAYMENT_RESULT", ["no-equals-sign"])


def test_no_key_material_in_reprs(kit: TestKit) -> None:
    text = kit.test_only_merchant_private_key_text()
    assert len(text) > 1000
    ac.PrivateKey(text)  # the Dashboard form the key parser reads
    for shown in (repr(kit), repr(kit.merchant_private_key), repr(kit.client()), repr(kit.gateway())):
        assert text[:32] not in shown and text[-32:] not in shown, shown
    assert "<redacted>" in repr(kit)


# --- Client.send through the FakeGateway --------------------------------------------------

PAY = {"paymentRequestId": "order-7", "paymentAmount": {"currency": "USD", "value": "1000"},
       "order": {"orderDescription": "a book"}, "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
       "paymentNotifyUrl": "https://shop.example/antom/notify", "productCode": "CASHIER_PAYMENT",
       "paymentRedirectUrl": "https://shop.example/back"}


def test_send_through_the_fake_gateway(kit: TestKit) -> None:
    client = kit.client()
    body = json.dumps(PAY).encode()
    gateway = kit.gateway({
        "payments.pay": ["S", Reply("U", {"result.resultCode": "PAYMENT_IN_PROCESS"}), "F", 500],
        "payments.inquiryPayment": "S",
    })
    outcomes = [client.send("v1/payments/pay", body, transport=gateway).outcome for _ in range(4)]
    assert outcomes == [ac.Outcome.SUCCEEDED, ac.Outcome.PENDING, ac.Outcome.FAILED, ac.Outcome.UNKNOWN]
    last = client.send("v1/payments/pay", body, transport=gateway)  # the last entry repeats
    assert last.http_status == 500 and last.error is not None and last.error.code == "HTTP_STATUS"
    inquiry = client.send("v1/payments/inquiryPayment", b'{"paymentRequestId":"order-7"}', transport=gateway)
    assert inquiry.outcome is ac.Outcome.SUCCEEDED
    assert inquiry.response is not None and inquiry.response.verified
    assert json.loads(inquiry.response.body)["paymentStatus"] == "SUCCESS"
    assert [r.api for r in gateway.requests] == ["payments.pay"] * 5 + ["payments.inquiryPayment"]
    assert all(r.signed for r in gateway.requests)
    assert gateway.requests[0].path == "/ams/sandbox/api/v1/payments/pay"
    assert gateway.requests[0].json == PAY


def test_the_fake_gateway_retries_and_faults(kit: TestKit) -> None:
    client = kit.client()
    gateway = kit.gateway({"payments.inquiryPayment": [503, TimeoutError("slow"), "S"]})
    result = client.send("v1/payments/inquiryPayment", b'{"paymentRequestId":"order-8"}', transport=gateway,
                         retry_policy=ac.RetryPolicy(max_attempts=3, initial_backoff_ms=1, max_backoff_ms=2))
    assert result.outcome is ac.Outcome.SUCCEEDED
    assert result.attempts == 3 and len(gateway.requests) == 3


def test_the_fake_gateway_refuses_a_request_signed_with_another_key(kit: TestKit) -> None:
    other = TestKit()
    stranger = ac.Client(client_id=kit.client_id, private_key=other.merchant_private_key,
                         antom_public_key=kit.antom_public_key)
    gateway = kit.gateway()
    result = stranger.send("v1/payments/inquiryPayment", b'{"paymentRequestId":"order-9"}', transport=gateway)
    assert result.outcome is ac.Outcome.UNKNOWN
    assert result.response is not None and not result.response.verified
    assert result.response.result_code == "INVALID_SIGNATURE"
    assert gateway.requests[0].signed is False


def test_a_signed_response_verifies_and_a_tampered_one_does_not(kit: TestKit) -> None:
    client = kit.client()
    request = client.prepare("v1/payments/pay", json.dumps(PAY))
    headers, body = kit.response("payments.pay", status="U", overrides={"result.resultCode": "PAYMENT_IN_PROCESS"})
    assert [k for k, _ in headers] == ["content-type", "client-id", "response-time", "signature"]
    assert _cryptography_verifies(kit, request.path, headers, body, "response-time")
    response = client.verify_response(request.path, headers, body)
    assert response.verified and response.outcome is ac.Outcome.PENDING
    with pytest.raises(ac.AntomError) as raised:
        client.verify_response(request.path, headers, body.replace(b"PAYMENT_IN_PROCESS", b"SUCCESS"))
    assert raised.value.code == "SIGNATURE_MISMATCH"
    assert isinstance(kit.gateway(), FakeGateway)
