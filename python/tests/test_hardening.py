"""Issue 9 through the installed wheel: bodies over max_body_bytes are refused from their length
before they are copied into the native library; next_action is the core's (unverified
responses inquire); notifications carry dedup_key and take an opt-in replay window; repr uses
the core's redaction rule; the engine is named."""

from __future__ import annotations

import time
import tracemalloc

import pytest

import antom_core as ac
from support import CLIENT_ID, antom_sign, key_text

MERCHANT_PRIVATE = key_text("TEST-ONLY-merchant.private.pkcs8.b64")
ANTOM_PUBLIC = key_text("TEST-ONLY-antom.public.spki.b64")
API_KEY = "isak_TEST_identity_S3CRETPART"
PATH = "/ams/sandbox/api/v1/payments/pay"


def _signed(path: str, body: bytes, time_value: str = "1700000000000", header: str = "response-time"):  # type: ignore[no-untyped-def]
    return [("client-id", CLIENT_ID), (header, time_value),
            ("signature", antom_sign(path, CLIENT_ID, time_value, body))]


# --- finding 3: body size ------------------------------------------------------------------


def test_max_body_bytes_defaults_to_the_core_and_is_configurable() -> None:
    assert ac.DEFAULT_MAX_BODY_BYTES == 4 * 1024 * 1024
    assert ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC).max_body_bytes == ac.DEFAULT_MAX_BODY_BYTES
    small = ac.Client(client_id=CLIENT_ID, private_key=MERCHANT_PRIVATE,
                      antom_public_key=ANTOM_PUBLIC, max_body_bytes=8)
    assert small.max_body_bytes == 8
    nine = '{"ab":12}'
    for body in (nine, nine.encode(), bytearray(nine.encode()), memoryview(nine.encode())):
        with pytest.raises(ac.InvalidInputError, match=r"^INVALID_INPUT: the request body is 9 bytes; at most 8 are accepted"):
            small.prepare("v1/payments/pay", body, 1)
        with pytest.raises(ac.InvalidInputError, match=r"the response body is 9 bytes; at most 8"):
            small.verify_response(PATH, _signed(PATH, nine.encode()), body)
        with pytest.raises(ac.InvalidInputError, match=r"the notification body is 9 bytes"):
            small.verify_notification("/notify", _signed("/notify", nine.encode(), header="request-time"), body)
    # Measured in UTF-8 bytes, not characters.
    assert small.prepare("v1/payments/pay", '{"é":1}', 1).body == '{"é":1}'.encode()  # 8 bytes
    with pytest.raises(ac.InvalidInputError, match="is 10 bytes"):
        small.prepare("v1/payments/pay", '{"éé":1}', 1)
    with pytest.raises(TypeError):
        small.verify_response(PATH, [], 42)  # type: ignore[arg-type]


def test_an_oversized_body_is_refused_before_it_is_copied() -> None:
    client = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC)
    huge = bytearray(64 * 1024 * 1024)
    for call in (lambda b: client.verify_response(PATH, [], b),
                 lambda b: client.verify_notification("/notify", [], b)):
        for body in (huge, memoryview(huge)):
            tracemalloc.start()
            try:
                with pytest.raises(ac.InvalidInputError, match="is 67108864 bytes; at most 4194304"):
                    call(body)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert peak < 1024 * 1024, f"{peak} bytes allocated: the body was copied"


# --- finding 2: next_action is the core's --------------------------------------------------


def test_unverified_responses_inquire_and_verified_f_fails() -> None:
    client = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC)
    for status in ("F", "U"):
        body = f'{{"result":{{"resultStatus":"{status}","resultCode":"PROCESS_FAIL"}}}}'.encode()
        unsigned = client.verify_response(PATH, {"content-type": "application/json"}, body)
        assert unsigned.verified is False and unsigned.is_success is False
        assert unsigned.result_status == status and unsigned.result_code == "PROCESS_FAIL"
        assert unsigned.next_action is ac.NextAction.INQUIRE
        verified = client.verify_response(PATH, _signed(PATH, body), body)
        assert verified.verified is True
        expected = ac.NextAction.FAILED if status == "F" else ac.NextAction.INQUIRE
        assert verified.next_action is expected


# --- finding 11: dedup_key and the replay window ------------------------------------------


def test_notifications_carry_dedup_key_and_take_an_opt_in_window() -> None:
    client = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC)
    body = b'{"notifyType":"PAYMENT_RESULT","paymentId":"2024p1","result":{"resultStatus":"S"}}'

    def at(t: int):  # type: ignore[no-untyped-def]
        return _signed("/notify", body, str(t), "request-time")

    n = client.verify_notification("/notify", at(1_700_000_000_000), body)
    assert n.dedup_key == "PAYMENT_RESULT:paymentId=2024p1"
    # Off by default: an old retry is accepted.
    assert client.verify_notification("/notify", at(1_600_000_000_000), body).dedup_key == n.dedup_key
    now = 1_700_000_030_000
    ok = client.verify_notification("/notify", at(1_700_000_000_000), body, max_age_ms=60_000, now_ms=now)
    assert ok.dedup_key == n.dedup_key
    for stale in (1_699_999_000_000, 1_700_000_100_000):
        with pytest.raises(ac.InvalidInputError):
            client.verify_notification("/notify", at(stale), body, max_age_ms=60_000, now_ms=now)
    # now_ms defaults to the current time.
    fresh = at(time.time_ns() // 1_000_000)
    assert client.verify_notification("/notify", fresh, body, max_age_ms=60_000).notify_type == "PAYMENT_RESULT"
    with pytest.raises(ac.InvalidInputError):
        client.verify_notification("/notify", at(1_700_000_000_000), body, max_age_ms=60_000)
    with pytest.raises(TypeError):
        client.verify_notification("/notify", at(1), body, now_ms=5)
    with pytest.raises(TypeError):
        client.verify_notification("/notify", at(1), body, 60_000)  # type: ignore[misc]
    bare = b'{"notifyType":"X"}'
    digest = client.verify_notification("/notify", _signed("/notify", bare, header="request-time"), bare).dedup_key
    assert digest.startswith("sha256:") and len(digest) == 7 + 64


# --- finding 7: one redaction rule ---------------------------------------------------------


def test_reprs_use_the_core_redaction_rule() -> None:
    assert ac.redact_header("authorization", "Bearer x") == "<redacted>"
    assert ac.redact_header("AGENT-TOKEN", "x") == "<redacted>"
    assert ac.redact_header("Client-Id", CLIENT_ID) == CLIENT_ID
    assert ac.describe_body(b'{"card":"4111"}') == "<15 bytes>"
    assert ac.describe_body("é") == "<2 bytes>"

    secret_body = b'{"cardNo":"4111111111111111"}'
    api = ac.Client(client_id=CLIENT_ID, api_key=API_KEY, antom_public_key=ANTOM_PUBLIC)
    agent = ac.Client(client_id=CLIENT_ID, private_key=MERCHANT_PRIVATE,
                      antom_public_key=ANTOM_PUBLIC, agent_token="AGENTSECRET")
    for request in (api.prepare("v1/payments/pay", secret_body, 1), agent.prepare("v1/payments/pay", secret_body, 1)):
        for shown in (repr(request), str(request), f"{request!r}", repr([request])):
            assert "S3CRETPART" not in shown and "AGENTSECRET" not in shown and "4111" not in shown, shown
            assert "<redacted>" in shown and f"<{len(secret_body)} bytes>" in shown, shown
    assert dict(api.prepare("v1/payments/pay", b"{}", 1).headers)["Authorization"] == f"Bearer {API_KEY}"

    client = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC)
    body = b'{"result":{"resultStatus":"S"},"cardNo":"4111111111111111"}'
    response = client.verify_response(PATH, _signed(PATH, body), body)
    notification = client.verify_notification("/n", _signed("/n", body, header="request-time"), body)
    assert response.json()["cardNo"] == "4111111111111111"  # the data is there to use
    for value in (response, notification):
        for shown in (repr(value), str(value), repr({"v": value})):
            assert "4111" not in shown, shown
            assert f"<{len(body)} bytes>" in shown, shown
    assert "dedup_key='sha256:" in repr(notification)
    assert "next_action='DONE'" in repr(response)


def test_the_engine_is_named() -> None:
    assert ac.ENGINE == "aws-lc"
    assert ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC).engine == ac.ENGINE
