"""A whole key rotation, Antom's key and the merchant's, against one real `antom mock` process
with a notification in flight across it (the Python walk of
crates/antom-cli/tests/key_rotation.rs): every verification succeeds except the ones asserted
to fail, and nothing signed by a retired key is accepted. Runs the installed wheel."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import pytest

import antom_core as ac
from simulator import Recorded, Script, antom_mock, pay_body, scripted_server
from support import CLIENT_ID, key_text

NOTIFY = "/notify"
ACK = ac.NOTIFICATION_ACK.encode()
# 2 min of Antom time in 0.1 s: the retries (0, 0.1, 0.6, 1.1, 4.1, 10.1, 28.1, 73.1 s) keep
# the notification in flight for the whole walk, and its last attempt is over a minute away.
TIME_SCALE = "1200"
WAIT = 60.0


@contextmanager
def rotating_mock(workdir: Path) -> Iterator[str]:
    """`antom mock` with a fresh Antom key (version 1) and the retry schedule scaled down;
    yields its gateway URL."""
    with antom_mock(workdir, "--time-scale", TIME_SCALE, antom_key=None) as mock:
        yield mock.url


def http(method: str, url: str, body: Optional[bytes] = None,
         headers: Sequence[Tuple[str, str]] = ()) -> Tuple[int, List[Tuple[str, str]], bytes]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, list(reply.headers.items()), reply.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, list(error.headers.items()), error.read()


def admin(gateway: str, path: str, payload: Any = None) -> Any:
    """The simulator's loopback rotation administration; asserts HTTP 200."""
    body = None if payload is None else json.dumps(payload).encode()
    status, _, reply = http("GET" if path == "/antom-public-keys" else "POST", gateway + path, body)
    assert status == 200, (path, status, reply)
    return json.loads(reply)


def inquiry(request_id: str) -> bytes:
    return json.dumps({"paymentRequestId": request_id}).encode()


def call(client: ac.Client, api: str, body: bytes) -> ac.ApiResponse:
    """prepare -> POST the exact bytes -> verify_response (raises as the core does)."""
    request = client.prepare(api, body)
    status, headers, reply = http("POST", request.url, request.body, request.headers)
    assert status == 200, (api, status, reply)
    return client.verify_response(request.path, headers, reply)


def call_ok(client: ac.Client, api: str, body: bytes) -> ac.ApiResponse:
    response = call(client, api, body)
    assert response.verified and response.verified_by is not None, response
    assert response.result_status is not ac.ResultStatus.FAILED, response
    return response


def wait_for(check: Any, what: str, limit: float = WAIT) -> Any:
    deadline = time.monotonic() + limit
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def header(recorded: Recorded, name: str) -> str:
    values = [v for k, v in recorded.headers if k.lower() == name]
    assert len(values) == 1, (name, recorded.headers)
    return values[0]


def test_a_whole_rotation_with_a_notification_in_flight(tmp_path: Path) -> None:
    old_merchant = ac.PrivateKey(key_text("TEST-ONLY-merchant.private.pkcs8.b64"))
    new_merchant = ac.PrivateKey(key_text("TEST-ONLY-other.private.pkcs8.b64"))
    new_merchant_public = key_text("TEST-ONLY-other.public.spki.b64").strip()
    assert new_merchant.public_key() == ac.PublicKey(new_merchant_public)

    # The webhook refuses every delivery until the rotation is done on both sides, so the
    # attempt it acknowledges comes after it (Antom resends an unacknowledged one for a day).
    accepting = threading.Event()
    script = Script(lambda _i, _r: (200, [("content-type", "application/json")], ACK)
                    if accepting.is_set() else (500, [], b"down"))

    with rotating_mock(tmp_path) as gateway, scripted_server(script) as origin:
        def client(key: ac.PrivateKey, key_version: int, ring: List[ac.AntomKey]) -> ac.Client:
            return ac.Client(client_id=CLIENT_ID, private_key=key, key_version=key_version,
                             antom_public_keys=ring, gateway_url=gateway)

        listed = admin(gateway, "/antom-public-keys")
        assert [k["keyVersion"] for k in listed] == [1]
        old_antom = ac.PublicKey(listed[0]["publicKey"])
        assert listed[0]["fingerprint"] == old_antom.fingerprint

        # Before: one key each, version 1.
        before = client(old_merchant, 1, [ac.AntomKey(old_antom, key_version=1)])
        order = f"rot-{time.time_ns()}"
        pay = call_ok(before, "v1/payments/pay", pay_body(order, origin + NOTIFY))
        assert pay.verified_by == ac.KeyId(key_version=1, fingerprint=old_antom.fingerprint)
        status, _, _ = http("GET", pay.json()["normalUrl"])   # the buyer pays
        assert status == 200
        first = wait_for(lambda: script.seen[:1], "the first delivery")[0]
        assert first.path == NOTIFY
        assert "keyVersion=1" in header(first, "signature")
        seen = before.verify_notification(NOTIFY, first.headers, first.body)
        assert seen.verified_by == ac.KeyId(key_version=1, fingerprint=old_antom.fingerprint)
        assert seen.notify_type == "PAYMENT_RESULT" and seen.outcome is ac.Outcome.SUCCEEDED

        # During, step 1: Antom announces its next key and switches to it; the merchant's ring
        # holds both versions.
        rotated = admin(gateway, "/mock/rotate-antom-key")
        assert rotated["keyVersion"] == 2
        new_antom = ac.PublicKey(rotated["publicKey"])
        assert rotated["fingerprint"] == new_antom.fingerprint != old_antom.fingerprint
        assert [k["keyVersion"] for k in admin(gateway, "/antom-public-keys")] == [1, 2]
        ring = [ac.AntomKey(old_antom, key_version=1), ac.AntomKey(new_antom, key_version=2)]
        during = client(old_merchant, 1, ring)
        # The old client, without the new key, refuses the new version by name.
        with pytest.raises(ac.UnknownKeyVersionError) as refused:
            call(before, "v1/payments/inquiryPayment", inquiry(order))
        assert refused.value.code == "UNKNOWN_KEY_VERSION"
        inquired = call_ok(during, "v1/payments/inquiryPayment", inquiry(order))
        assert inquired.verified_by == ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)
        assert inquired.outcome is ac.Outcome.SUCCEEDED
        # The delivery signed before the rotation still verifies with the ring.
        assert during.verify_notification(NOTIFY, first.headers, first.body).verified_by == \
            ac.KeyId(key_version=1, fingerprint=old_antom.fingerprint)

        # During, step 2: the merchant registers a new key as version 2 and switches to it;
        # both merchant keys are accepted in the window.
        assert admin(gateway, "/mock/merchant-keys",
                     {"keyVersion": 2, "publicKey": new_merchant_public}) == {"keyVersion": 2}
        switched = client(new_merchant, 2, ring)
        assert call_ok(switched, "v1/payments/inquiryPayment", inquiry(order)).verified_by == \
            ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)
        sent = switched.send("v1/payments/inquiryPayment", inquiry(order))   # Client.send too
        assert sent.error is None and sent.response is not None and sent.response.verified
        assert sent.outcome is ac.Outcome.SUCCEEDED
        assert sent.response.verified_by is not None and sent.response.verified_by.key_version == 2
        call_ok(during, "v1/payments/inquiryPayment", inquiry(order))

        # The in-flight notification is retried, now signed with keyVersion 2, and acknowledged.
        accepting.set()

        def finished() -> Any:
            _, _, log = http("GET", gateway + "/notifications")
            done = [d for d in json.loads(log) if d["finished"]]
            return done[0] if done else None

        delivery = wait_for(finished, "the notification to be acknowledged")
        assert delivery["acknowledged"], delivery
        received = list(script.seen)
        assert len(received) == len(delivery["attempts"]) >= 2, (received, delivery)
        for attempt in received:
            assert attempt.body == first.body
            switched.verify_notification(NOTIFY, attempt.headers, attempt.body)   # every one
        last = received[-1]
        assert "keyVersion=2" in header(last, "signature")
        assert switched.verify_notification(NOTIFY, last.headers, last.body).verified_by == \
            ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)
        # which_key names the verifying key of a captured message, untagged keys too.
        assert ac.which_key(ring, NOTIFY, first.headers, first.body) == \
            ac.KeyId(key_version=1, fingerprint=old_antom.fingerprint)
        assert ac.which_key(ring, NOTIFY, last.headers, last.body) == \
            ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)
        assert ac.which_key([new_antom, old_antom], NOTIFY, first.headers, first.body) == \
            ac.KeyId(key_version=None, fingerprint=old_antom.fingerprint)

        # After: the old keys are retired on both sides.
        assert admin(gateway, "/mock/merchant-keys/retire", {"keyVersion": 1}) == {"retired": 1}
        after = client(new_merchant, 2, [ac.AntomKey(new_antom, key_version=2)])
        assert call_ok(after, "v1/payments/inquiryPayment", inquiry(order)).verified_by == \
            ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)
        # A request signed with the retired merchant key is refused by the gateway (unsigned F).
        stale = during.prepare("v1/payments/inquiryPayment", inquiry(order))
        assert "keyVersion=1" in dict(stale.headers)["Signature"]
        _, headers, reply = http("POST", stale.url, stale.body, stale.headers)
        verdict = after.verify_response(stale.path, headers, reply)
        assert not verdict.verified and verdict.verified_by is None
        assert verdict.result_status is ac.ResultStatus.FAILED
        assert verdict.result_code == "KEY_NOT_FOUND"
        assert verdict.next_action is ac.NextAction.INQUIRE and verdict.outcome is ac.Outcome.UNKNOWN
        # A message signed by Antom's retired key is refused, never accepted.
        with pytest.raises(ac.UnknownKeyVersionError):
            after.verify_notification(NOTIFY, first.headers, first.body)
        with pytest.raises(ac.UnknownKeyVersionError):
            ac.which_key([ac.AntomKey(new_antom, key_version=2)], NOTIFY, first.headers, first.body)
        # Even relabelled as version 2, it does not verify with the new key.
        relabelled = [(k, v.replace("keyVersion=1", "keyVersion=2") if k.lower() == "signature" else v)
                      for k, v in first.headers]
        assert relabelled != first.headers
        with pytest.raises(ac.SignatureMismatchError) as mismatch:
            after.verify_notification(NOTIFY, relabelled, first.body)
        assert new_antom.fingerprint in str(mismatch.value)
        # The new delivery still verifies with the final client.
        assert after.verify_notification(NOTIFY, last.headers, last.body).verified_by == \
            ac.KeyId(key_version=2, fingerprint=new_antom.fingerprint)


def test_the_merchants_own_key_as_antoms_is_wrong_key() -> None:
    merchant = ac.PrivateKey(key_text("TEST-ONLY-merchant.private.pkcs8.b64"))
    own = key_text("TEST-ONLY-merchant.public.spki.b64")
    antom = key_text("TEST-ONLY-antom.public.spki.b64")
    with pytest.raises(ac.WrongKeyError) as one:
        ac.Client(client_id=CLIENT_ID, private_key=merchant, antom_public_key=own)
    assert one.value.code == "WRONG_KEY"
    assert merchant.public_key().fingerprint in str(one.value)
    # Also as one key of a ring, tagged or not.
    with pytest.raises(ac.WrongKeyError):
        ac.Client(client_id=CLIENT_ID, private_key=merchant,
                  antom_public_keys=[ac.AntomKey(antom, key_version=1), ac.AntomKey(own, key_version=2)])
    with pytest.raises(ac.WrongKeyError):
        ac.Client(client_id=CLIENT_ID, private_key=merchant, antom_public_keys=[antom, own])
    # The right key is accepted (the check is not a refusal of everything).
    ac.Client(client_id=CLIENT_ID, private_key=merchant, antom_public_key=antom)
