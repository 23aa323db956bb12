"""External signers with a real AWS client library: boto3 against moto's in-process KMS mock.

Run by `make test-kms-python` in the pinned KMS virtualenv, with the freshly built antom-core
wheel installed into it (never the source tree). The KMS key is an RSA_2048 SIGN_VERIFY key made
by moto; its public half (GetPublicKey) is the merchant public key, both for the client's own
check and for the local simulator (`antom mock --merchant-public-key`). moto 5.2.5 signs
MessageType=RAW correctly but mishandles DIGEST, so digest mode is tested with a local
`cryptography` signer (tests/vectors' external_signer.json pins it too).
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any, Iterator, Tuple

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from moto import mock_aws

import antom_core as ac

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "tests" / "vectors" / "keys"
sys.path.insert(0, str(REPO / "python" / "examples"))
import kms_signer  # noqa: E402  (the README's example, tested here)

CLIENT_ID = "SANDBOX_5X00000000000000"
ANTOM_PUBLIC = (KEYS / "TEST-ONLY-antom.public.spki.b64").read_text()
BODY = b'{"paymentRequestId":"kms-order-1"}'
TIME = 1_685_599_933_871


def test_the_package_is_the_installed_wheel() -> None:
    assert "site-packages" in ac.__file__ and str(REPO / "python") not in ac.__file__, ac.__file__


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("kms", region_name="eu-west-1")


def rsa_key(kms: Any) -> Tuple[str, bytes]:
    """A new RSA_2048 SIGN_VERIFY key: (key id, DER SubjectPublicKeyInfo from GetPublicKey)."""
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    return key_id, kms.get_public_key(KeyId=key_id)["PublicKey"]


def signature_of(request: ac.PreparedRequest) -> bytes:
    value = dict(request.headers)["Signature"].split("signature=", 1)[1]
    return base64.b64decode(urllib.parse.unquote(value))


def test_raw_mode_signature_verifies_with_the_kms_public_key(kms: Any) -> None:
    key_id, der = rsa_key(kms)
    client = ac.Client(
        client_id=CLIENT_ID,
        antom_public_key=ANTOM_PUBLIC,
        signer=kms_signer.aws_kms_signer(kms, key_id, message_type="RAW"),
        merchant_public_key=kms_signer.aws_kms_public_key(kms, key_id),
    )
    request = client.prepare("v1/payments/inquiryPayment", BODY, TIME)
    signature = signature_of(request)
    # What was signed, built here from the protocol text, not by antom-core.
    message = f"POST /ams/sandbox/api/v1/payments/inquiryPayment\n{CLIENT_ID}.{TIME}.".encode() + BODY
    public = serialization.load_der_public_key(der)
    public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    verdict = kms.verify(KeyId=key_id, Message=message, MessageType="RAW", Signature=signature,
                         SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert verdict["SignatureValid"] is True
    assert len(signature) == 256


def test_digest_mode_with_a_local_signer_gives_the_in_process_request() -> None:
    pem = (KEYS / "TEST-ONLY-merchant.private.pkcs8.b64").read_text()
    local = serialization.load_der_private_key(base64.b64decode(pem), None)

    def digest_signer(request: ac.SigningRequest) -> bytes:  # what KMS DIGEST / Cloud KMS do
        assert len(request.digest) == 32
        return local.sign(request.digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))  # type: ignore[union-attr,call-arg]

    external = ac.Client(
        client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC, signer=digest_signer,
        merchant_public_key=(KEYS / "TEST-ONLY-merchant.public.spki.b64").read_text(),
    )
    in_process = ac.Client(client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC, private_key=pem)
    assert external.prepare("v1/payments/pay", BODY, TIME) == in_process.prepare("v1/payments/pay", BODY, TIME)


def test_another_kms_key_is_signing_failed_before_anything_is_sent(kms: Any) -> None:
    key_id, _ = rsa_key(kms)
    other_id, _ = rsa_key(kms)
    client = ac.Client(
        client_id=CLIENT_ID,
        antom_public_key=ANTOM_PUBLIC,
        signer=kms_signer.aws_kms_signer(kms, other_id, message_type="RAW"),  # the wrong key id
        merchant_public_key=kms_signer.aws_kms_public_key(kms, key_id),
    )
    with pytest.raises(ac.SigningFailedError) as caught:
        client.prepare("v1/payments/pay", BODY, TIME)
    assert caught.value.code == "SIGNING_FAILED"
    assert "does not verify" in str(caught.value)


def test_a_kms_error_is_signing_failed_with_the_client_error_as_cause(kms: Any) -> None:
    missing = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    client = ac.Client(
        client_id=CLIENT_ID, antom_public_key=ANTOM_PUBLIC,
        signer=kms_signer.aws_kms_signer(kms, missing, message_type="RAW"),
    )
    with pytest.raises(ac.SigningFailedError) as caught:
        client.prepare("v1/payments/pay", BODY, TIME)
    assert isinstance(caught.value.__cause__, ClientError)
    assert "NotFoundException" in str(caught.value)  # the class name only, never its text
    assert missing not in str(caught.value) and "123456789012" not in repr(caught.value)


@pytest.fixture
def simulator(tmp_path: Path, kms: Any) -> Iterator[Tuple[str, str, Any, str]]:
    """`antom mock` with the KMS key's public half registered as the merchant key:
    (gateway URL, the simulator's public key text, kms, key id)."""
    key_id, der = rsa_key(kms)
    (tmp_path / "merchant.pub").write_text(base64.b64encode(der).decode())
    binary = os.environ.get("ANTOM_BIN", str(REPO / "target" / "debug" / "antom"))
    log = (tmp_path / "mock.log").open("w")
    process = subprocess.Popen(
        [binary, "mock", "--port", "0", "--merchant-public-key", str(tmp_path / "merchant.pub"),
         "--write-public-key", str(tmp_path / "antom.pub")],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        gateway = ""
        for _ in range(200):
            found = re.search(r"antom mock: listening on (\S+)", (tmp_path / "mock.log").read_text())
            if found and (tmp_path / "antom.pub").exists() and (tmp_path / "antom.pub").stat().st_size:
                gateway = found.group(1)
                break
            assert process.poll() is None, (tmp_path / "mock.log").read_text()
            time.sleep(0.05)
        assert gateway, "the simulator did not start"
        yield gateway, (tmp_path / "antom.pub").read_text(), kms, key_id
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_simulator_accepts_a_kms_signed_payment(simulator: Tuple[str, str, Any, str]) -> None:
    gateway, antom_public, kms, key_id = simulator
    client = ac.Client(
        client_id=CLIENT_ID, antom_public_key=antom_public, gateway_url=gateway,
        signer=kms_signer.aws_kms_signer(kms, key_id, message_type="RAW"),
        merchant_public_key=kms_signer.aws_kms_public_key(kms, key_id),
    )
    response = kms_signer.pay(client, "kms-order-2")
    assert response.verified, (response.result_code, response.result_message)
    assert response.result_code != "INVALID_SIGNATURE"
    assert response.next_action in (ac.NextAction.DONE, ac.NextAction.INQUIRE)


def test_the_simulator_refuses_another_kms_key(simulator: Tuple[str, str, Any, str]) -> None:
    """The control: without the merchant public key configured, another key's signature
    passes the length-only check, and the simulator (Antom's side) refuses it."""
    gateway, antom_public, kms, _ = simulator
    other_id, _ = rsa_key(kms)
    client = ac.Client(
        client_id=CLIENT_ID, antom_public_key=antom_public, gateway_url=gateway,
        signer=kms_signer.aws_kms_signer(kms, other_id, message_type="RAW"),
    )
    response = kms_signer.pay(client, "kms-order-3")
    assert not response.verified and response.result_code == "INVALID_SIGNATURE"
    assert response.next_action is ac.NextAction.INQUIRE
