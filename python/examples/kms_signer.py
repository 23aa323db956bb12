"""Antom requests signed by a key held in a cloud KMS: the private key never enters this process.

AWS KMS (``boto3``) and Google Cloud KMS (``google-cloud-kms``) signers for
``antom_core.Client(signer=...)``, and a payment against a gateway with an AWS KMS key::

    ANTOM_CLIENT_ID=SANDBOX_... ANTOM_PUBLIC_KEY=... ANTOM_KMS_KEY_ID=alias/antom-merchant \\
    ANTOM_GATEWAY_URL=http://127.0.0.1:PORT python kms_signer.py

The KMS key is an ``RSA_2048`` ``SIGN_VERIFY`` key (Google Cloud: ``RSA_SIGN_PKCS1_2048_SHA256``);
upload its public half (``GetPublicKey``) to the Antom Dashboard as your merchant public key.
The AWS credentials and region come from the environment, as boto3 reads them.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from typing import Any, Callable

from antom_core import ApiResponse, Client, PublicKey, SigningRequest

ALGORITHM = "RSASSA_PKCS1_V1_5_SHA_256"
RAW_LIMIT = 4096  # AWS KMS signs at most 4096 bytes in MessageType=RAW


def aws_kms_signer(kms: Any, key_id: str, message_type: str = "DIGEST") -> Callable[[SigningRequest], bytes]:
    """A signer for ``Client(signer=...)``: AWS KMS ``Sign`` with RSASSA-PKCS1-v1_5 / SHA-256.

    ``message_type="DIGEST"`` (the default) sends the 32-byte SHA-256 digest, so any body size
    works; ``"RAW"`` sends the message itself and KMS hashes it (at most 4096 bytes).
    """
    if message_type not in ("DIGEST", "RAW"):
        raise ValueError("message_type is DIGEST or RAW")

    def sign(request: SigningRequest) -> bytes:
        if message_type == "RAW" and len(request.message) <= RAW_LIMIT:
            data, kind = request.message, "RAW"
        else:
            data, kind = request.digest, "DIGEST"
        reply = kms.sign(KeyId=key_id, Message=data, MessageType=kind, SigningAlgorithm=ALGORITHM)
        return reply["Signature"]

    return sign


def aws_kms_public_key(kms: Any, key_id: str) -> PublicKey:
    """The KMS key's public half (DER SubjectPublicKeyInfo from ``GetPublicKey``)."""
    return PublicKey.from_der(kms.get_public_key(KeyId=key_id)["PublicKey"])


def gcp_kms_signer(kms: Any, key_version: str) -> Callable[[SigningRequest], bytes]:
    """A signer for ``Client(signer=...)``: Google Cloud KMS ``AsymmetricSign`` on an
    ``RSA_SIGN_PKCS1_2048_SHA256`` key version, which always takes the SHA-256 digest.
    ``kms`` is a ``google.cloud.kms.KeyManagementServiceClient``; ``key_version`` is
    ``projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/1``."""

    def sign(request: SigningRequest) -> bytes:
        reply = kms.asymmetric_sign(request={"name": key_version, "digest": {"sha256": request.digest}})
        return bytes(reply.signature)

    return sign


def pay(client: Client, order_id: str) -> ApiResponse:
    """One ``pay`` call: prepared (and signed by the KMS), sent, and its response verified."""
    amount = {"currency": "USD", "value": "1000"}
    body = json.dumps({
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": order_id,
        "order": {"referenceOrderId": order_id, "orderDescription": "KMS-signed order", "orderAmount": amount},
        "paymentAmount": amount,
        "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
        "paymentRedirectUrl": "https://merchant.example/return",
        "env": {"terminalType": "WEB"},
    }).encode()
    request = client.prepare("v1/payments/pay", body)
    http = urllib.request.Request(request.url, data=request.body, headers=dict(request.headers), method="POST")
    with urllib.request.urlopen(http, timeout=20) as reply:
        return client.verify_response(request.path, reply.headers.items(), reply.read())


def main() -> int:
    import boto3  # only this demo needs it

    kms = boto3.client("kms")
    key_id = os.environ["ANTOM_KMS_KEY_ID"]
    client = Client(
        client_id=os.environ["ANTOM_CLIENT_ID"],
        antom_public_key=os.environ["ANTOM_PUBLIC_KEY"],
        gateway_url=os.environ.get("ANTOM_GATEWAY_URL") or None,
        # DIGEST (the default) signs any body size; ANTOM_KMS_MESSAGE_TYPE=RAW sends the message.
        signer=aws_kms_signer(kms, key_id, os.environ.get("ANTOM_KMS_MESSAGE_TYPE", "DIGEST")),
        # Every signature is checked against the KMS key's public half before it is sent.
        merchant_public_key=aws_kms_public_key(kms, key_id),
    )
    response = pay(client, f"kms-demo-{int(time.time() * 1000)}")
    print(f"pay: verified={response.verified} {response.result_status.value} {response.result_code} "
          f"-> {response.next_action.value}")
    # An F here (e.g. SIGNATURE_INVALID: the gateway does not know this KMS key) fails the demo.
    return 0 if response.verified and response.result_status.value != "F" else 1


if __name__ == "__main__":
    sys.exit(main())
