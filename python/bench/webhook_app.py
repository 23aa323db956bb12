"""The webhook endpoint of `bench_webhook.py`, as an ASGI app (`asgi`, for uvicorn) and a WSGI
app (`wsgi`, for gunicorn). `BENCH_VERIFIER=antom` verifies with the antom-core wheel,
`BENCH_VERIFIER=bare` with `cryptography` alone (the same-run baseline: it reads the same three
headers, decodes the signature, checks the client id and verifies the same content). Both
answer 200 with the acknowledgement, or 401.
"""

from __future__ import annotations

import base64
import os
import urllib.parse
from typing import Any, Callable, Dict, Iterable, List, Tuple

PATH = "/antom/notify"
CLIENT_ID = os.environ["BENCH_CLIENT_ID"]
PUBLIC_KEY = os.environ["BENCH_ANTOM_PUBLIC_KEY"]
ACK = b'{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}'


def _antom() -> Callable[[Any, bytes], bool]:
    import antom_core as ac

    client = ac.Client(client_id=CLIENT_ID, antom_public_key=PUBLIC_KEY)

    def verify(headers: Any, body: bytes) -> bool:
        try:
            client.verify_notification(PATH, headers, body)
        except ac.AntomError:
            return False
        return True

    return verify


def _bare() -> Callable[[Any, bytes], bool]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_der_public_key(base64.b64decode(PUBLIC_KEY))
    prefix = f"POST {PATH}\n".encode()

    def lookup(headers: Any) -> Dict[str, str]:
        if isinstance(headers, dict):  # WSGI environ
            return {
                "signature": headers.get("HTTP_SIGNATURE", ""),
                "request-time": headers.get("HTTP_REQUEST_TIME", ""),
                "client-id": headers.get("HTTP_CLIENT_ID", ""),
            }
        found = {}
        for name, value in headers:  # ASGI byte pairs
            found[name.decode("latin-1").lower()] = value.decode("latin-1")
        return found

    def verify(headers: Any, body: bytes) -> bool:
        h = lookup(headers)
        if h.get("client-id") != CLIENT_ID or not h.get("request-time"):
            return False
        items = dict(item.strip().split("=", 1) for item in h.get("signature", "").split(",") if "=" in item)
        try:
            signature = base64.b64decode(urllib.parse.unquote(items["signature"]), validate=True)
            content = prefix + f"{CLIENT_ID}.{h['request-time']}.".encode() + body
            key.verify(signature, content, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        except (KeyError, ValueError, InvalidSignature):
            return False
        return True

    return verify


VERIFY = _antom() if os.environ.get("BENCH_VERIFIER") == "antom" else _bare()


async def asgi(scope: Dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    chunks: List[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    ok = VERIFY(scope["headers"], b"".join(chunks))
    answer = ACK if ok else b"{}"
    await send({"type": "http.response.start", "status": 200 if ok else 401,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})


def wsgi(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    ok = VERIFY(environ, body)
    answer = ACK if ok else b"{}"
    headers: List[Tuple[str, str]] = [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(answer)))]
    start_response("200 OK" if ok else "401 Unauthorized", headers)
    return [answer]
