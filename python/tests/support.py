"""Helpers shared by the tests. The tests import `antom_core` from the installed wheel, never from the
source tree: `make test-python` runs them in a fresh virtualenv from the repository root."""

from __future__ import annotations

import base64
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
KEYS = VECTORS / "keys"
CLIENT_ID = "SANDBOX_5X00000000000000"


def key_text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")


def antom_sign(path: str, client_id: str, time: str, body: bytes) -> str:
    """Signs like Antom does, with `cryptography` and the throw-away Antom test key; returns
    the full `Signature` header value."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    der = base64.b64decode(key_text("TEST-ONLY-antom.private.pkcs8.b64"))
    key = serialization.load_der_private_key(der, password=None)
    content = f"POST {path}\n{client_id}.{time}.".encode() + body
    signature = key.sign(content, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    value = urllib.parse.quote(base64.b64encode(signature).decode(), safe="")
    return f"algorithm=RSA256,keyVersion=1,signature={value}"


def merchant_verify(path: str, client_id: str, time: str, body: bytes, header: str) -> bool:
    """Checks a request signature with `cryptography` and the merchant's test public key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    der = base64.b64decode(key_text("TEST-ONLY-merchant.public.spki.b64"))
    key = serialization.load_der_public_key(der)
    items = dict(item.split("=", 1) for item in header.split(","))
    signature = base64.b64decode(urllib.parse.unquote(items["signature"]))
    content = f"POST {path}\n{client_id}.{time}.".encode() + body
    try:
        key.verify(signature, content, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    except InvalidSignature:
        return False
    return True


