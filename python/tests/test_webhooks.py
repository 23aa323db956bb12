"""antom_core.webhooks through the installed wheel: the framework-agnostic helper, and the
README's FastAPI (uvicorn), Flask (werkzeug's server) and Django (WSGI app under wsgiref)
endpoints served on real sockets, receiving notifications from the simulator (`antom trigger`,
and `antom mock` after a checkout)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

import antom_core as ac
import webhook_apps
from antom_core.webhooks import CALLBACK_FAILED, handle_notification, handle_notification_async
from simulator import ANTOM_KEY, OTHER_KEY, Mock, Recorded, Script, antom_mock, pay_body, scripted_server, trigger
from support import CLIENT_ID, REPO, antom_sign, key_text

NOTIFY = webhook_apps.NOTIFY_PATH


def unique(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}"


def post(url: str, body: bytes, headers: List[Tuple[str, str]]) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def received(request_id: str) -> List[ac.Notification]:
    return [n for n in webhook_apps.RECEIVED if n.json().get("paymentRequestId") == request_id]


# --- the framework-agnostic helper --------------------------------------------------------


def signed(body: bytes, path: str = NOTIFY) -> List[Tuple[str, str]]:
    now = "2026-11-29T10:00:00+08:00"
    return [("content-type", "application/json"), ("client-id", CLIENT_ID), ("request-time", now),
            ("signature", antom_sign(path, CLIENT_ID, now, body))]


PAID = json.dumps({"notifyType": "PAYMENT_RESULT", "paymentRequestId": "h-1", "paymentId": "P1",
                   "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}},
                  separators=(",", ":")).encode()


def test_helper_acknowledges_after_the_callback() -> None:
    order: List[str] = []

    def callback(notification: ac.Notification) -> None:
        order.append("callback")
        assert notification.outcome is ac.Outcome.SUCCEEDED
        assert notification.body == PAID

    answer = handle_notification(webhook_apps.client, NOTIFY, signed(PAID), PAID, callback)
    assert order == ["callback"]
    assert answer == (200, ac.NOTIFICATION_ACK)
    status, body = answer
    assert (status, body, answer.content_type) == (200, ac.NOTIFICATION_ACK, "application/json")


def test_helper_refuses_without_calling_back() -> None:
    calls: List[ac.Notification] = []
    forged = PAID.replace(b"h-1", b"h-2")
    assert handle_notification(webhook_apps.client, NOTIFY, signed(PAID), forged, calls.append) == (
        401, "SIGNATURE_MISMATCH")
    assert handle_notification(webhook_apps.client, "/other", signed(PAID), PAID, calls.append) == (
        401, "SIGNATURE_MISMATCH")
    assert handle_notification(webhook_apps.client, NOTIFY, [], PAID, calls.append) == (401, "MISSING_HEADER")
    assert calls == []


def test_helper_answers_500_when_the_callback_raises(caplog: pytest.LogCaptureFixture) -> None:
    def callback(notification: ac.Notification) -> None:
        raise KeyError("secret detail")

    with caplog.at_level(logging.ERROR, logger="antom_core.webhooks"):
        answer = handle_notification(webhook_apps.client, NOTIFY, signed(PAID), PAID, callback)
    assert answer == (500, CALLBACK_FAILED)
    assert answer.content_type.startswith("text/plain")
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [KeyError]


def test_helper_async_awaits_the_callback() -> None:
    done: List[str] = []

    async def callback(notification: ac.Notification) -> None:
        await asyncio.sleep(0)
        done.append(notification.dedup_key)

    async def failing(notification: ac.Notification) -> None:
        raise RuntimeError("down")

    client = webhook_apps.client
    assert asyncio.run(handle_notification_async(client, NOTIFY, signed(PAID), PAID, callback)) == (
        200, ac.NOTIFICATION_ACK)
    assert done == ["PAYMENT_RESULT:paymentId=P1"]
    assert asyncio.run(handle_notification_async(client, NOTIFY, signed(PAID), PAID, failing)) == (
        500, CALLBACK_FAILED)
    assert asyncio.run(handle_notification_async(client, NOTIFY, signed(PAID), b"{}", callback)) == (
        401, "SIGNATURE_MISMATCH")
    assert len(done) == 1
    # The sync helper refuses a coroutine function instead of never running it.
    with pytest.raises(TypeError):
        handle_notification(client, NOTIFY, signed(PAID), PAID, callback)


def test_the_wheel_needs_no_framework() -> None:
    """Importing every adapter loads no framework and no HTTP client; the wheel declares no
    dependency."""
    code = (
        "import sys, importlib.metadata as m\n"
        "import antom_core, antom_core.transports, antom_core.webhooks\n"
        "import antom_core.webhooks.fastapi, antom_core.webhooks.flask, antom_core.webhooks.django\n"
        "loaded = sorted(n for n in ('fastapi', 'starlette', 'flask', 'werkzeug', 'django', 'httpx')"
        " if n in sys.modules)\n"
        "assert loaded == [], loaded\n"
        "assert not m.requires('antom-core'), m.requires('antom-core')\n"
    )
    subprocess.run([sys.executable, "-I", "-c", code], check=True, cwd="/")


# --- the README's apps on real servers ----------------------------------------------------


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_fastapi() -> Iterator[str]:
    import uvicorn

    from webhook_apps.fastapi_app import app

    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def serve_flask() -> Iterator[str]:
    from werkzeug.serving import make_server as werkzeug_server

    from webhook_apps.flask_app import app

    server = werkzeug_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve_django() -> Iterator[str]:
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    if not settings.configured:
        settings.configure()
    with override_settings(
        ROOT_URLCONF="webhook_apps.django_app",
        ALLOWED_HOSTS=["127.0.0.1"],
        DEBUG=False,
        MIDDLEWARE=["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
    ):
        django.setup(set_prefix=False)
        server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)


SERVERS = {"fastapi": serve_fastapi, "flask": serve_flask, "django": serve_django}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def app_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with SERVERS[request.param]() as url:
        yield url


@pytest.fixture(scope="module")
def captured() -> Recorded:
    """A genuine notification from `antom trigger`, as it arrived at a stdlib server."""
    script = Script(lambda i, r: (200, [("Content-Type", "application/json")], ac.NOTIFICATION_ACK.encode()))
    with scripted_server(script) as url:
        done = trigger(url + NOTIFY, ANTOM_KEY, "captured-1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(script.seen) == 1 and script.seen[0].path == NOTIFY
    return script.seen[0]


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


def test_a_signed_notification_is_processed_then_acknowledged(app_url: str) -> None:
    order = unique("trigger")
    done = trigger(app_url + NOTIFY, ANTOM_KEY, order)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "answer: HTTP 200, acknowledged" in done.stdout
    [notification] = received(order)
    assert notification.outcome is ac.Outcome.SUCCEEDED
    assert notification.notify_type == "PAYMENT_RESULT"
    assert notification.client_id == CLIENT_ID


def test_a_notification_signed_with_another_key_gets_401(app_url: str) -> None:
    order = unique("forged")
    done = trigger(app_url + NOTIFY, OTHER_KEY, order)
    assert done.returncode != 0
    assert "answer: HTTP 401" in done.stdout
    assert received(order) == []


def test_one_byte_changed_gets_401_with_the_code_only(app_url: str, captured: Recorded) -> None:
    headers = [(n, v) for n, v in captured.headers if n.lower() in ("content-type", "client-id",
                                                                    "request-time", "signature")]
    before = len(webhook_apps.RECEIVED)
    # The genuine bytes are accepted (the replay is the same notification: idempotent processing
    # is the callback's job, by dedup_key).
    assert post(app_url + NOTIFY, captured.body, headers) == (200, ac.NOTIFICATION_ACK.encode())
    assert len(webhook_apps.RECEIVED) == before + 1
    index = captured.body.index(b"captured-1") + len("captured-")
    forged = captured.body[:index] + b"2" + captured.body[index + 1:]
    assert len(forged) == len(captured.body) and forged != captured.body
    assert post(app_url + NOTIFY, forged, headers) == (401, b"SIGNATURE_MISMATCH")
    assert len(webhook_apps.RECEIVED) == before + 1


def test_a_failing_callback_gets_500_so_antom_retries(app_url: str) -> None:
    order = unique("fail")
    done = trigger(app_url + NOTIFY, ANTOM_KEY, order)
    assert done.returncode != 0
    assert "answer: HTTP 500" in done.stdout
    assert received(order) == []


def test_a_body_read_before_the_adapter_is_refused(app_url: str, captured: Recorded) -> None:
    headers = [(n, v) for n, v in captured.headers if n.lower() != "content-length"]
    before = len(webhook_apps.RECEIVED)
    status, _ = post(app_url + "/consumed", captured.body, headers)
    assert status == 500
    assert len(webhook_apps.RECEIVED) == before


def test_a_body_over_max_body_bytes_is_refused_unread(
    app_url: str, captured: Recorded, request: pytest.FixtureRequest
) -> None:
    """A declared length past the client's max_body_bytes is refused from the header alone:
    only one byte of the body is ever sent, and the answer still comes."""
    import http.client

    framework = request.node.callspec.params["app_url"]
    host, port = app_url.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", NOTIFY)
        for name, value in captured.headers:
            if name.lower() in ("content-type", "client-id", "request-time", "signature"):
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(webhook_apps.client.max_body_bytes + 1))
        connection.endheaders()
        connection.send(b"{")
        reply = connection.getresponse()
        status, body = reply.status, reply.read()
    finally:
        connection.close()
    if framework == "django":
        # Django refuses it itself first (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).
        assert status == 400, (status, body)
    else:
        assert (status, body) == (401, b"INVALID_INPUT")


def test_fastapi_awaits_an_async_callback(captured: Recorded) -> None:
    headers = [(n, v) for n, v in captured.headers if n.lower() != "content-length"]
    with serve_fastapi() as url:
        before = len(webhook_apps.RECEIVED)
        assert post(url + "/async", captured.body, headers) == (200, ac.NOTIFICATION_ACK.encode())
        assert len(webhook_apps.RECEIVED) == before + 1
        forged = captured.body.replace(b"captured-1", b"captured-2")
        assert post(url + "/async", forged, headers) == (401, b"SIGNATURE_MISMATCH")
        assert len(webhook_apps.RECEIVED) == before + 1


def test_the_simulator_delivers_after_checkout(app_url: str, mock: Mock) -> None:
    """The real flow: pay (client.send) with the app as notify URL, the buyer pays, the
    simulator posts a signed notifyPayment, the app processes and acknowledges it."""
    merchant = ac.Client(client_id=CLIENT_ID, private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
                         antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"), gateway_url=mock.url)
    order = unique("checkout")
    pay = merchant.send("v1/payments/pay", pay_body(order, notify_url=app_url + NOTIFY))
    assert pay.outcome is ac.Outcome.PENDING and pay.response is not None
    with urllib.request.urlopen(pay.response.json()["normalUrl"], timeout=10) as page:
        assert page.status == 200
    deadline = time.monotonic() + 15
    while not received(order):
        assert time.monotonic() < deadline, "no notification reached the app"
        time.sleep(0.05)
    [notification] = received(order)
    assert notification.outcome is ac.Outcome.SUCCEEDED
    assert notification.json()["paymentId"] == pay.response.json()["paymentId"]


# --- the README shows exactly the tested code -------------------------------------------


@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_the_readme_shows_the_tested_code(framework: str) -> None:
    source = (Path(webhook_apps.__file__).parent / f"{framework}_app.py").read_text(encoding="utf-8")
    tested = re.search(rf"# README: {framework}\n(.*?)# end README\n", source, re.S)
    assert tested is not None
    readme = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    blocks: Dict[str, str] = dict(
        re.findall(r"<!-- tested: python/tests/webhook_apps/(\w+)_app\.py -->\n```python\n(.*?)```", readme, re.S)
    )
    assert blocks.get(framework) == tested.group(1)
