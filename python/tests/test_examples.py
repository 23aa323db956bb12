"""The two integrations a merchant writes, with the standard library only: a webhook on
`http.server` and an API call with `urllib.request` against a local stand-in for Antom."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Tuple

import antom_core as ac
from support import CLIENT_ID, antom_sign, key_text, merchant_verify

NOTIFY_PATH = "/antom/notify"


@contextmanager
def serve(handler: type) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- webhook ------------------------------------------------------------------------------


def make_webhook(client: ac.Client, processed: List[Dict[str, Any]]) -> type:
    class Webhook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            # The raw bytes, exactly as received: never a re-serialised JSON value.
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                notification = client.verify_notification(self.path, self.headers, raw)
            except ac.AntomError as error:
                self.answer(401, error.code.encode())
                return
            processed.append(notification.json())  # process idempotently, then acknowledge
            self.answer(200, ac.NOTIFICATION_ACK.encode())

        def answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Webhook


def test_webhook_with_http_server(client: ac.Client) -> None:
    processed: List[Dict[str, Any]] = []
    body = json.dumps(
        {"notifyType": "PAYMENT_RESULT", "paymentRequestId": "order-42",
         "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}},
        separators=(", ", ": "),  # whatever Antom sends: only the exact bytes verify
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "client-id": CLIENT_ID,
        "request-time": "2026-11-22T04:05:06Z",
        "signature": antom_sign(NOTIFY_PATH, CLIENT_ID, "2026-11-22T04:05:06Z", body),
    }
    with serve(make_webhook(client, processed)) as origin:
        assert post(origin + NOTIFY_PATH, body, headers) == (200, ac.NOTIFICATION_ACK.encode())
        assert processed == [json.loads(body)]

        tampered = body.replace(b"order-42", b"order-43")
        assert post(origin + NOTIFY_PATH, tampered, headers) == (401, b"SIGNATURE_MISMATCH")
        assert post(origin + "/other/path", body, headers) == (401, b"SIGNATURE_MISMATCH")
        unsigned = {k: v for k, v in headers.items() if k != "signature"}
        assert post(origin + NOTIFY_PATH, body, unsigned) == (401, b"MISSING_HEADER")
        other = dict(headers, **{"client-id": "SANDBOX_OTHER"})
        assert post(origin + NOTIFY_PATH, body, other) == (401, b"CLIENT_ID_MISMATCH")
        assert len(processed) == 1


# --- client -------------------------------------------------------------------------------

Reply = Callable[[str, bytes], Tuple[Dict[str, str], bytes]]


def make_antom(reply: Reply, seen: List[Dict[str, Any]]) -> type:
    class FakeAntom(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append({
                "path": self.path,
                "content_type": self.headers["Content-Type"],
                # What Antom checks: the merchant's signature, with OpenSSL (cryptography).
                "signature_ok": merchant_verify(
                    self.path, self.headers["Client-Id"], self.headers["Request-Time"], raw,
                    self.headers["Signature"]),
            })
            headers, body = reply(self.path, raw)
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return FakeAntom


def signed_reply(result_status: str, tamper: bool = False) -> Reply:
    def reply(path: str, raw: bytes) -> Tuple[Dict[str, str], bytes]:
        request = json.loads(raw)
        body = json.dumps({
            "result": {"resultCode": "SUCCESS" if result_status == "S" else "PROCESSING",
                       "resultStatus": result_status, "resultMessage": "ok"},
            "paymentRequestId": request["paymentRequestId"],
            "paymentStatus": "SUCCESS",
        }).encode()
        time = "2026-11-22T04:05:07+00:00"
        headers = {"Content-Type": "application/json", "client-id": CLIENT_ID,
                   "response-time": time, "signature": antom_sign(path, CLIENT_ID, time, body)}
        return headers, body.replace(b"order", b"ORDER") if tamper else body

    return reply


def unsigned_reply(path: str, raw: bytes) -> Tuple[Dict[str, str], bytes]:
    body = b'{"result":{"resultStatus":"U","resultCode":"REQUEST_TRAFFIC_EXCEED_LIMIT"}}'
    return {"Content-Type": "application/json"}, body


def call(origin: str, body: Dict[str, Any]) -> Tuple[ac.PreparedRequest, Any]:
    client = ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        gateway_url=origin,  # a local simulator; production uses the region's https gateway
    )
    request = client.prepare("v1/payments/inquiryPayment", json.dumps(body).encode())
    http = urllib.request.Request(request.url, data=request.body,
                                  headers=dict(request.headers), method=request.method)
    with urllib.request.urlopen(http, timeout=10) as reply:
        raw_headers, raw_body = reply.headers, reply.read()
    try:
        return request, client.verify_response(request.path, raw_headers, raw_body)
    except ac.AntomError as error:
        return request, error


def test_client_with_urllib_against_a_signing_server() -> None:
    seen: List[Dict[str, Any]] = []
    with serve(make_antom(signed_reply("S"), seen)) as origin:
        request, response = call(origin, {"paymentRequestId": "order-42"})
    assert seen == [{"path": "/ams/sandbox/api/v1/payments/inquiryPayment",
                     "content_type": "application/json; charset=UTF-8", "signature_ok": True}]
    assert isinstance(response, ac.ApiResponse), response
    assert response.verified and response.is_success
    assert response.next_action is ac.NextAction.DONE
    assert response.json()["paymentRequestId"] == "order-42"


def test_client_sees_unknown_as_inquire_and_tampering_as_an_error() -> None:
    seen: List[Dict[str, Any]] = []
    with serve(make_antom(signed_reply("U"), seen)) as origin:
        _, pending = call(origin, {"paymentRequestId": "order-7"})
    assert isinstance(pending, ac.ApiResponse)
    assert pending.verified and not pending.is_success
    assert pending.next_action is ac.NextAction.INQUIRE  # never "pay again"

    with serve(make_antom(signed_reply("S", tamper=True), seen)) as origin:
        _, tampered = call(origin, {"paymentRequestId": "order-8"})
    assert isinstance(tampered, ac.SignatureMismatchError)

    with serve(make_antom(unsigned_reply, seen)) as origin:
        _, throttled = call(origin, {"paymentRequestId": "order-9"})
    assert isinstance(throttled, ac.ApiResponse)
    assert throttled.verified is False and throttled.next_action is ac.NextAction.INQUIRE
    assert throttled.result_code == "REQUEST_TRAFFIC_EXCEED_LIMIT"
    assert all(entry["signature_ok"] for entry in seen)

