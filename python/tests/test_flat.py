"""The flat native path (antom_core/_flat.py over flat.rs) beyond what the vectors cover: an
answer longer than the default buffer, the error codes and their context, the argument
checks, and one Client shared by many threads. Every vector already runs through it
(test_vectors.py calls Client.verify_notification / verify_response / PublicKey.verify)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import antom_core as ac
from antom_core import _flat
from antom_core.testing import TestKit

KIT = TestKit()


def test_an_answer_longer_than_the_default_buffer_is_read_whole() -> None:
    payment_id = "P" * 3000  # the dedup key carries it: an answer of ~3 KB
    body = json.dumps({"notifyType": "PAYMENT_RESULT", "paymentId": payment_id,
                       "result": {"resultStatus": "S"}}).encode()
    assert len(body) > _flat._CAPACITY
    signed = KIT.notification("PAYMENT_RESULT", body=body)
    notification = KIT.client().verify_notification(KIT.notify_path, signed.headers, signed.body)
    assert payment_id in notification.dedup_key
    assert notification.notify_type == "PAYMENT_RESULT"
    assert notification.result_status is ac.ResultStatus.SUCCESS
    assert notification.verified_by == ac.KeyId(None, KIT.antom_public_key.fingerprint)


def test_errors_are_the_typed_exceptions_with_no_context() -> None:
    headers, body = KIT.notification("PAYMENT_RESULT")
    client = KIT.client()
    with pytest.raises(ac.SignatureMismatchError) as raised:
        client.verify_notification(KIT.notify_path, headers, body + b" ")
    assert raised.value.code == "SIGNATURE_MISMATCH"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert str(raised.value).startswith("SIGNATURE_MISMATCH: ")
    with pytest.raises(ac.MissingHeaderError):
        client.verify_notification(KIT.notify_path, [h for h in headers if h[0] != "signature"], body)
    with pytest.raises(ac.MalformedSignatureError):
        KIT.antom_public_key.verify("content", "%%%")


def test_the_replay_window_arguments_are_checked_not_wrapped() -> None:
    headers, body = KIT.notification("PAYMENT_RESULT", request_time=1_000)
    client = KIT.client()
    assert client.verify_notification(KIT.notify_path, headers, body, max_age_ms=5, now_ms=1_004)
    with pytest.raises(ac.InvalidInputError):
        client.verify_notification(KIT.notify_path, headers, body, max_age_ms=5, now_ms=1_006)
    for bad in ({"max_age_ms": -1}, {"max_age_ms": 1 << 64}, {"max_age_ms": 5, "now_ms": -1}):
        with pytest.raises(ValueError):
            client.verify_notification(KIT.notify_path, headers, body, **bad)


def test_one_client_in_many_threads_gives_every_verdict_right() -> None:
    client = KIT.client()
    messages = [KIT.notification("PAYMENT_RESULT") for _ in range(16)]
    start = threading.Barrier(8)

    def check(worker: int) -> int:
        start.wait()
        right = 0
        for round_ in range(50):
            headers, body = messages[(worker + round_) % len(messages)]
            forged = round_ % 5 == 0
            try:
                client.verify_notification(KIT.notify_path, headers, body + b" " if forged else body)
                right += not forged
            except ac.SignatureMismatchError:
                right += forged
        return right

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(check, range(8))) == [50] * 8


def _signing_client(**extra: object) -> ac.Client:
    from support import CLIENT_ID, key_text

    return ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        **extra,  # type: ignore[arg-type]
    )


def test_prepare_through_the_flat_path_signs_what_cryptography_verifies() -> None:
    from support import CLIENT_ID, merchant_verify

    body = json.dumps({"paymentRequestId": "r-1", "paymentAmount": {"currency": "USD", "value": "100"}}).encode()
    request = _signing_client().prepare("v1/payments/pay", body, request_time=1_700_000_000_000)
    assert request.method == "POST"
    assert request.path == "/ams/sandbox/api/v1/payments/pay"
    assert request.url.endswith(request.path)
    assert request.body is body  # the caller's bytes, sent as they are
    headers = dict(request.headers)
    assert list(headers) == ["Content-Type", "Client-Id", "Request-Time", "Signature"]
    assert headers["Request-Time"] == "1700000000000"
    assert headers["Client-Id"] == CLIENT_ID
    assert merchant_verify(request.path, CLIENT_ID, "1700000000000", body, headers["Signature"])
    assert not merchant_verify(request.path, CLIENT_ID, "1700000000001", body, headers["Signature"])


def test_prepare_answers_longer_than_the_buffer_and_api_keys() -> None:
    from support import merchant_verify

    path = "/ams/api/v1/" + "a/" * _flat._PREPARE_CAPACITY + "x"  # path and url past the buffer
    request = _signing_client().prepare(path, b"{}", request_time=1)
    assert request.path == path.replace("/ams/api/", "/ams/sandbox/api/")  # a sandbox client
    assert len(request.url) > _flat._PREPARE_CAPACITY and request.url.endswith(request.path)
    assert merchant_verify(request.path, request.headers[1][1], "1", b"{}", dict(request.headers)["Signature"])
    api_key = "isak_TEST_identity_s3cr3tPart"
    from support import CLIENT_ID, key_text

    keyed = ac.Client(client_id=CLIENT_ID, api_key=api_key,
                      antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"))
    request = keyed.prepare("v1/payments/pay", b"{}", request_time=1)
    assert any(v.endswith(api_key) for _, v in request.headers)
    assert api_key not in repr(request)


def test_prepare_errors_and_argument_checks() -> None:
    client = _signing_client()
    with pytest.raises(ac.InvalidInputError) as raised:
        client.prepare("v1/payments/pay", b"not json", request_time=1)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    with pytest.raises(ac.InvalidInputError):
        client.prepare("v1/no such path", b"{}", request_time=1)
    with pytest.raises(ac.InvalidInputError):
        ac.Client(client_id="SANDBOX_5X00000000000000", antom_public_key=KIT.antom_public_key).prepare(
            "v1/payments/pay", b"{}", request_time=1
        )  # verify-only
    with pytest.raises(ValueError):
        client.prepare("v1/payments/pay", b"{}", request_time=-1)
    with pytest.raises(TypeError):
        client.prepare("v1/payments/pay", b"{}", request_time=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.prepare(b"v1/payments/pay", b"{}", request_time=1)  # type: ignore[arg-type]
