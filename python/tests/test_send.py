"""Client.send through the installed wheel: round trips against the real simulator
(`antom mock`, which checks every request signature with the merchant's test public key),
through urllib and through the httpx adapter, and the replies that must come back UNKNOWN."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import httpx
import pytest

import antom_core as ac
from antom_core.transports import HttpxTransport, UrllibTransport
from simulator import Mock, Recorded, Script, antom_mock, pay_body, scripted_server
from support import CLIENT_ID, antom_sign, key_text

@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


def make_client(gateway_url: str, **credential: Any) -> ac.Client:
    if not credential:
        credential["private_key"] = key_text("TEST-ONLY-merchant.private.pkcs8.b64")
    return ac.Client(
        client_id=CLIENT_ID,
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        gateway_url=gateway_url,
        **credential,
    )


def kms_like_signer(request: ac.SigningRequest) -> bytes:
    """An external signer (as a KMS would be): the merchant key held by `cryptography`."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    der = base64.b64decode(key_text("TEST-ONLY-merchant.private.pkcs8.b64"))
    key = serialization.load_der_private_key(der, password=None)
    return key.sign(request.message, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]


def inquiry(request_id: str) -> bytes:
    return json.dumps({"paymentRequestId": request_id}).encode()


def unique(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}"


@pytest.fixture(scope="module")
def httpx_client() -> Iterator[httpx.Client]:
    with httpx.Client() as opened:  # TLS verification at httpx's default: on
        yield opened


Way = Callable[[str], Tuple[ac.Client, Dict[str, Any]]]


@pytest.fixture(params=["urllib", "httpx", "signer"])
def way(request: pytest.FixtureRequest, httpx_client: httpx.Client) -> Way:
    """The ways to send: the default (urllib), the httpx adapter, an external signer."""
    def build(url: str) -> Tuple[ac.Client, Dict[str, Any]]:
        if request.param == "httpx":
            return make_client(url), {"transport": HttpxTransport(httpx_client)}
        if request.param == "signer":
            merchant = key_text("TEST-ONLY-merchant.public.spki.b64")
            return make_client(url, signer=kms_like_signer, merchant_public_key=merchant), {}
        return make_client(url), {}
    return build


@pytest.fixture(params=["urllib", "httpx"])
def transport(request: pytest.FixtureRequest, httpx_client: httpx.Client) -> Any:
    return UrllibTransport() if request.param == "urllib" else HttpxTransport(httpx_client)


def test_pay_checkout_inquire_round_trip(mock: Mock, way: Way) -> None:
    client, options = way(mock.url)
    order = unique("send")
    pay = client.send("v1/payments/pay", pay_body(order), **options)
    assert (pay.error, pay.http_status, pay.attempts) == (None, 200, 1)
    assert pay.response is not None and pay.response.verified
    assert pay.response.result_code == "PAYMENT_IN_PROCESS"
    assert pay.outcome is ac.Outcome.PENDING is pay.response.outcome   # never proof of payment
    assert pay.request.body == pay_body(order)                           # the bytes given, unchanged
    before = client.send("v1/payments/inquiryPayment", inquiry(order), **options)
    assert before.outcome is ac.Outcome.PENDING
    assert before.response is not None and before.response.json()["paymentStatus"] == "PROCESSING"

    with urllib.request.urlopen(pay.response.json()["normalUrl"], timeout=10) as page:  # the buyer pays
        assert page.status == 200
    after = client.send("v1/payments/inquiryPayment", inquiry(order), **options)
    assert after.outcome is ac.Outcome.SUCCEEDED
    assert after.response is not None and after.response.json()["paymentStatus"] == "SUCCESS"


def test_a_verified_failure_is_the_cores_outcome(mock: Mock, way: Way) -> None:
    client, options = way(mock.url)
    result = client.send("v1/payments/inquiryPayment", inquiry(unique("absent")), **options)
    assert result.response is not None and result.response.verified
    assert result.response.result_code == "ORDER_NOT_EXIST"
    # The core's decision, carried through unchanged (not recomputed here).
    assert result.outcome is result.response.outcome
    assert result.outcome is not ac.Outcome.SUCCEEDED


def test_http_503_is_unknown_and_retried_only_when_asked(mock: Mock, transport: Any) -> None:
    client, options = make_client(mock.url), {"transport": transport}
    order = unique("SIM_HTTP_503")
    result = client.send("v1/payments/pay", pay_body(order), **options)
    assert result.outcome is ac.Outcome.UNKNOWN
    assert (result.response, result.http_status, result.attempts) == (None, 503, 1)
    assert result.stop_reason == "RETRIES_OFF"
    assert result.error is not None and result.error.code == "HTTP_STATUS"
    assert "503" in result.error.message

    faults = lambda: sum(1 for line in mock.lines() if "/payments/pay -> HTTP 503" in line)  # noqa: E731
    before = faults()
    retried = client.send("v1/payments/pay", pay_body(order + "-r"), retries=2, **options)
    assert (retried.outcome, retried.http_status, retried.attempts) == (ac.Outcome.UNKNOWN, 503, 3)
    assert retried.stop_reason == "ATTEMPTS_EXHAUSTED"
    # The simulator saw the 3 attempts (its signature check passed for each one).
    assert faults() - before == 3


def test_a_timeout_is_unknown_and_the_payment_may_exist(mock: Mock, transport: Any) -> None:
    client, options = make_client(mock.url), {"transport": transport}
    order = unique("SIM_DELAY_3000")
    started = time.monotonic()
    result = client.send("v1/payments/pay", pay_body(order), timeout=1.0, **options)
    assert time.monotonic() - started < 2.9
    assert result.outcome is ac.Outcome.UNKNOWN
    assert (result.response, result.http_status, result.attempts) == (None, None, 1)
    assert result.error is not None and result.error.code == "TIMEOUT"
    assert result.stop_reason == "RETRIES_OFF"
    # Why UNKNOWN and never FAILED: the simulator processed the request all the same.
    deadline = time.monotonic() + 10
    while True:
        found = client.send("v1/payments/inquiryPayment", inquiry(order), **options)
        assert found.response is not None
        if found.response.result_code != "ORDER_NOT_EXIST" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found.response.json()["paymentStatus"] == "PROCESSING"
    assert found.outcome is ac.Outcome.PENDING


def signed_reply(path: str, body: bytes, *, sign_body: bytes = b"") -> List[Tuple[str, str]]:
    now = "2026-11-29T10:00:00Z"
    return [
        ("Content-Type", "application/json"),
        ("client-id", CLIENT_ID),
        ("response-time", now),
        ("signature", antom_sign(path, CLIENT_ID, now, sign_body or body)),
    ]


SUCCESS = json.dumps({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                      "paymentStatus": "SUCCESS"}).encode()


def test_retries_resend_the_identical_request(transport: Any) -> None:
    def answer(index: int, seen: Recorded) -> Tuple[int, List[Tuple[str, str]], bytes]:
        if index < 2:
            return 502, [("Content-Type", "text/plain")], b"bad gateway"
        return 200, signed_reply(seen.path, SUCCESS), SUCCESS

    script = Script(answer)
    with scripted_server(script) as url:
        client = make_client(url)
        result = client.send("v1/payments/inquiryPayment", inquiry("same"), retries=5, transport=transport)
    assert (result.outcome, result.http_status, result.attempts, result.error, result.stop_reason) == (
        ac.Outcome.SUCCEEDED, 200, 3, None, None)
    assert len(script.seen) == 3
    first = script.seen[0]
    for again in script.seen[1:]:
        assert again.body == first.body == result.request.body
        wanted = {"signature", "request-time", "client-id", "content-type"}
        pick = lambda r: sorted((n.lower(), v) for n, v in r.headers if n.lower() in wanted)  # noqa: E731
        assert pick(again) == pick(first)
    assert dict((n.lower(), v) for n, v in first.headers)["signature"] == dict(
        (n.lower(), v) for n, v in result.request.headers)["Signature".lower()]


@pytest.mark.parametrize("status", [400, 404, 302])
def test_other_statuses_are_unknown_never_retried_nor_followed(status: int) -> None:
    script = Script(lambda i, r: (status, [("Location", "/elsewhere")], b"no"))
    with scripted_server(script) as url:
        result = make_client(url).send("v1/payments/pay", pay_body("x"), retries=3)
    assert (result.outcome, result.http_status, result.attempts, result.response) == (
        ac.Outcome.UNKNOWN, status, 1, None)
    assert result.stop_reason == "NOT_RETRYABLE"
    assert result.error is not None and result.error.code == "HTTP_STATUS"
    assert len(script.seen) == 1  # a 302 was not followed


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_connection_is_a_transport_error(transport: Any) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port()}")
    result = client.send("v1/payments/pay", pay_body("x"), retries=1, transport=transport)
    assert (result.outcome, result.http_status, result.attempts, result.response) == (
        ac.Outcome.UNKNOWN, None, 2, None)
    assert result.stop_reason == "ATTEMPTS_EXHAUSTED"
    assert result.error is not None and result.error.code == "TRANSPORT_ERROR"


def test_tls_is_verified(tmp_path: Path) -> None:
    """A TLS server whose certificate no trust store knows: refused, so UNKNOWN."""
    import datetime
    import http.server
    import threading

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    seen: List[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = make_client(f"https://localhost:{server.server_address[1]}")
        result = client.send("v1/payments/pay", pay_body("tls"), timeout=5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert result.outcome is ac.Outcome.UNKNOWN
    assert result.error is not None and result.error.code == "TRANSPORT_ERROR"
    assert "CERTIFICATE_VERIFY_FAILED" in result.error.message
    assert seen == []  # the request never went out


def test_a_2xx_reply_that_does_not_verify_raises() -> None:
    tampered = SUCCESS.replace(b"SUCCESS", b"SUCCESs", 1)
    script = Script(lambda i, r: (200, signed_reply(r.path, tampered, sign_body=SUCCESS), tampered))
    with scripted_server(script) as url:
        with pytest.raises(ac.SignatureMismatchError) as raised:
            make_client(url).send("v1/payments/inquiryPayment", inquiry("x"), retries=3)
    assert raised.value.code == "SIGNATURE_MISMATCH"
    assert len(script.seen) == 1


def test_an_unsigned_2xx_success_raises_and_an_unsigned_error_is_unknown() -> None:
    unsigned_s = Script(lambda i, r: (200, [("Content-Type", "application/json")], SUCCESS))
    with scripted_server(unsigned_s) as url:
        with pytest.raises(ac.UnsignedResponseError):
            make_client(url).send("v1/payments/inquiryPayment", inquiry("x"))
    gateway_f = json.dumps({"result": {"resultCode": "PROCESS_FAIL", "resultStatus": "F",
                                       "resultMessage": "x"}}).encode()
    unsigned_f = Script(lambda i, r: (200, [("Content-Type", "application/json")], gateway_f))
    with scripted_server(unsigned_f) as url:
        result = make_client(url).send("v1/payments/inquiryPayment", inquiry("x"))
    assert result.response is not None and result.response.verified is False
    assert result.outcome is ac.Outcome.UNKNOWN and result.error is None  # unsigned F is never FAILED


def test_send_prepared_resends_the_same_request(mock: Mock) -> None:
    client = make_client(mock.url)
    order = unique("prepared")
    request = client.prepare("v1/payments/pay", pay_body(order))
    first = client.send_prepared(request)
    second = client.send_prepared(first.request)
    assert first.outcome is second.outcome is ac.Outcome.PENDING
    assert first.response is not None and second.response is not None
    assert first.response.json()["paymentId"] == second.response.json()["paymentId"]  # idempotent


def test_bad_arguments_are_refused_before_sending() -> None:
    client = make_client(f"http://127.0.0.1:{closed_port()}")
    for bad in ({"retries": -1}, {"retries": 1.5}, {"timeout": 0}, {"timeout": float("nan")}):
        with pytest.raises(ValueError):
            client.send("v1/payments/pay", pay_body("x"), **bad)
    # Past the core's bounds (an attempt takes at most 600 s).
    with pytest.raises(ac.InvalidInputError):
        client.send("v1/payments/pay", pay_body("x"), timeout=601)
    with pytest.raises(TypeError):
        client.send("v1/payments/pay", pay_body("x"), retries=1, retry_policy=ac.RetryPolicy())
    with pytest.raises(TypeError):
        client.send("v1/payments/pay", pay_body("x"), retry_policy={"max_attempts": 2})  # type: ignore[arg-type]
    with pytest.raises(ac.InvalidInputError):
        client.send("v1/payments/pay", b"[not an object]")
    with pytest.raises(TypeError):
        client.send_prepared(b"not a request")  # type: ignore[arg-type]
    assert ac.DEFAULT_TIMEOUT == 30.0


def test_retry_delay_is_deprecated_and_ignored() -> None:
    """The wait is the core's backoff now: retry_delay warns and changes nothing."""
    script = Script(lambda i, r: (503, [], b"busy"))
    with scripted_server(script) as url:
        client = make_client(url)
        with pytest.warns(DeprecationWarning, match="retry_delay is ignored"):
            started = time.monotonic()
            result = client.send("v1/payments/inquiryPayment", inquiry("slow"), retries=1, retry_delay=5.0)
    assert (result.attempts, result.stop_reason) == (2, "ATTEMPTS_EXHAUSTED")
    assert time.monotonic() - started < 2.0   # the 250-500 ms backoff, not 5 s
