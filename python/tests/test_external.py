"""External signers (``Client(signer=...)``) through the installed wheel: what the signer gets,
what it may return, and how each failure surfaces. Signatures come from ``cryptography``
(OpenSSL) with the throw-away test keys, never from antom-core. The boto3 + moto KMS test is
tests/kms/test_kms_python.py (make test-kms-python)."""

from __future__ import annotations

import base64
import gc
import hashlib
import warnings
from typing import Any, List

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

import antom_core as ac
from support import CLIENT_ID, key_text

ANTOM = key_text("TEST-ONLY-antom.public.spki.b64")
MERCHANT_PRIVATE = key_text("TEST-ONLY-merchant.private.pkcs8.b64")
MERCHANT_PUBLIC = key_text("TEST-ONLY-merchant.public.spki.b64")
BODY = b'{"paymentRequestId":"order-kms-7"}'
TIME = 1_685_599_933_871
LOCAL = serialization.load_der_private_key(base64.b64decode(MERCHANT_PRIVATE), None)


def sign_message(request: ac.SigningRequest) -> bytes:
    return LOCAL.sign(request.message, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]


def external(signer: Any, merchant_public_key: Any = MERCHANT_PUBLIC) -> ac.Client:
    return ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM, signer=signer,
                     merchant_public_key=merchant_public_key)


def in_process() -> ac.Client:
    return ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM, private_key=MERCHANT_PRIVATE)


def test_the_signer_gets_the_message_and_its_digest() -> None:
    asked: List[ac.SigningRequest] = []

    def signer(request: ac.SigningRequest) -> bytes:
        asked.append(request)
        return sign_message(request)

    request = external(signer).prepare("v1/payments/inquiryPayment", BODY, TIME)
    (pending,) = asked
    message = f"POST /ams/sandbox/api/v1/payments/inquiryPayment\n{CLIENT_ID}.{TIME}.".encode() + BODY
    assert pending.message == message
    assert pending.digest == hashlib.sha256(message).digest()
    assert pending.path == "/ams/sandbox/api/v1/payments/inquiryPayment"
    assert pending.request_time == str(TIME)
    assert "order-kms-7" not in repr(pending) and "<" in repr(pending)  # the body as its length
    assert request == in_process().prepare("v1/payments/inquiryPayment", BODY, TIME)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_any_bytes_like_return_is_accepted(kind: Any) -> None:
    request = external(lambda r: kind(sign_message(r))).prepare("v1/payments/pay", BODY, TIME)
    assert request == in_process().prepare("v1/payments/pay", BODY, TIME)


def test_digest_mode_gives_the_same_request() -> None:
    def by_digest(request: ac.SigningRequest) -> bytes:
        return LOCAL.sign(request.digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))  # type: ignore[union-attr,call-arg]

    assert external(by_digest).prepare("v1/payments/pay", BODY, TIME) == in_process().prepare(
        "v1/payments/pay", BODY, TIME
    )


def test_a_raising_signer_is_signing_failed_with_its_cause() -> None:
    secret = "arn:aws:kms:eu-west-1:111122223333:key/very-private-detail"

    def signer(request: ac.SigningRequest) -> bytes:
        raise PermissionError(secret)

    with pytest.raises(ac.SigningFailedError) as caught:
        external(signer).prepare("v1/payments/pay", BODY, TIME)
    error = caught.value
    assert error.code == "SIGNING_FAILED" and str(error).startswith("SIGNING_FAILED: ")
    assert isinstance(error.__cause__, PermissionError)
    assert "PermissionError" in str(error)
    assert secret not in str(error) and secret not in repr(error)


@pytest.mark.parametrize(
    ("returned", "hint"),
    [("c2lnbmF0dXJl", "base64"), (None, "NoneType"), (12345, "int"), ([1, 2], "list")],
)
def test_a_signer_returning_no_bytes_is_signing_failed(returned: Any, hint: str) -> None:
    with pytest.raises(ac.SigningFailedError) as caught:
        external(lambda r: returned).prepare("v1/payments/pay", BODY, TIME)
    assert hint in str(caught.value)


def test_an_async_signer_is_refused_without_an_unawaited_warning() -> None:
    async def signer(request: ac.SigningRequest) -> bytes:
        return sign_message(request)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ac.SigningFailedError) as caught:
            external(signer).prepare("v1/payments/pay", BODY, TIME)
        gc.collect()
    assert "prepare_external" in str(caught.value)


@pytest.mark.parametrize(
    ("what", "signature"),
    [
        ("short", lambda r: sign_message(r)[:255]),
        ("long", lambda r: sign_message(r) + b"\0"),
        ("empty", lambda r: b""),
        ("another request", lambda r: LOCAL.sign(r.message + b" ", padding.PKCS1v15(), hashes.SHA256())),
        ("SHA-1", lambda r: LOCAL.sign(r.message, padding.PKCS1v15(), hashes.SHA1())),
    ],
)
def test_a_signature_that_does_not_fit_is_signing_failed(what: str, signature: Any) -> None:
    with pytest.raises(ac.SigningFailedError):
        external(signature).prepare("v1/payments/pay", BODY, TIME)


def test_without_the_public_key_only_the_length_is_checked() -> None:
    other = serialization.load_der_private_key(
        base64.b64decode(key_text("TEST-ONLY-other.private.pkcs8.b64")), None
    )
    unchecked = external(lambda r: other.sign(r.message, padding.PKCS1v15(), hashes.SHA256()), None)  # type: ignore[union-attr,call-arg]
    unchecked.prepare("v1/payments/pay", BODY, TIME)  # accepted: only Antom would notice
    with pytest.raises(ac.SigningFailedError):
        external(lambda r: b"\1" * 255, None).prepare("v1/payments/pay", BODY, TIME)


def test_a_refused_request_never_calls_the_signer() -> None:
    called: List[Any] = []
    client = external(lambda r: called.append(r) or b"")
    with pytest.raises(ac.InvalidInputError):
        client.prepare("v1/payments/pay?x=1", BODY, TIME)
    with pytest.raises(ac.InvalidInputError):
        client.prepare("v1/payments/pay", b"[1]", TIME)
    assert called == []


def test_keyboard_interrupt_is_not_swallowed() -> None:
    def signer(request: ac.SigningRequest) -> bytes:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        external(signer).prepare("v1/payments/pay", BODY, TIME)


def test_the_two_steps_by_hand() -> None:
    client = external(sign_message)
    pending = client.prepare_external("v1/payments/pay", BODY, TIME)
    assert client.finish_external(pending, sign_message(pending)) == client.prepare("v1/payments/pay", BODY, TIME)
    with pytest.raises(ac.SigningFailedError):
        client.finish_external(pending, b"\0" * 256)
    with pytest.raises(TypeError):
        client.finish_external(pending, base64.b64encode(sign_message(pending)).decode())  # type: ignore[arg-type]
    with pytest.raises(ac.InvalidInputError):
        in_process().prepare_external("v1/payments/pay", BODY, TIME)


def test_configuration_mistakes() -> None:
    with pytest.raises(TypeError):
        ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM, private_key=MERCHANT_PRIVATE, signer=sign_message)
    with pytest.raises(TypeError):
        ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM, merchant_public_key=MERCHANT_PUBLIC)
    with pytest.raises(TypeError):
        ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM, signer="not callable")  # type: ignore[arg-type]
    with pytest.raises(ac.InvalidKeyError):
        external(sign_message, MERCHANT_PRIVATE)  # a private key where the public half belongs
