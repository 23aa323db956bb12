"""``await client.send_async(...)`` over an async transport (``HttpxAsyncTransport`` around an
``httpx.AsyncClient``), through the installed wheel: the same cases as the sync path against
the simulator (`antom mock`: SIM_FLAKY_<n>_, SIM_RESET_<n>_, SIM_DELAY_<ms>_) and a scripted
server, every decision still the core's; the exchange awaited on the event loop (no thread);
and an ``async def`` external signer awaited."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import socket
import threading
import time
from typing import Any, Awaitable, Callable, Iterator, List, Tuple, TypeVar

import httpx
import pytest

import antom_core as ac
from antom_core.transports import HttpReply, HttpxAsyncTransport, HttpxTransport
from simulator import Mock, Script, antom_mock, pay_body, scripted_server
from support import CLIENT_ID, key_text

T = TypeVar("T")

FAST = ac.RetryPolicy(max_attempts=4, initial_backoff_ms=100, max_backoff_ms=400,
                      attempt_timeout_ms=5_000, deadline_ms=20_000)


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


def make_client(gateway_url: str, **extra: Any) -> ac.Client:
    keys: dict = {"private_key": key_text("TEST-ONLY-merchant.private.pkcs8.b64")}
    if "signer" in extra:
        keys = {"merchant_public_key": key_text("TEST-ONLY-merchant.public.spki.b64")}
    return ac.Client(client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
                     gateway_url=gateway_url, **keys, **extra)


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns()}"


def deliveries(mock: Mock, status: str) -> int:
    return sum(1 for line in mock.lines() if f"/payments/pay -> HTTP {status}" in line)


def over_httpx(work: Callable[[HttpxAsyncTransport], Awaitable[T]]) -> T:
    """Runs ``work`` in a fresh event loop with an ``httpx.AsyncClient`` (TLS verification at
    httpx's default: on)."""
    async def main() -> T:
        async with httpx.AsyncClient() as http:
            return await work(HttpxAsyncTransport(http))
    return asyncio.run(main())


def test_a_pay_succeeds_over_httpx_async(mock: Mock) -> None:
    client = make_client(mock.url)
    order = unique("async-ok-")
    result = over_httpx(lambda t: client.send_async("v1/payments/pay", pay_body(order), transport=t))
    assert (result.attempts, result.http_status, result.error, result.stop_reason) == (1, 200, None, None)
    assert result.response is not None and result.response.verified
    assert result.outcome is ac.Outcome.PENDING
    assert json.loads(result.request.body)["paymentRequestId"] == order
    # send_prepared_async resends the identical request over the same transport.
    again = over_httpx(lambda t: client.send_prepared_async(result.request, transport=t))
    assert (again.attempts, again.outcome, again.request) == (1, ac.Outcome.PENDING, result.request)


def test_a_flaky_pay_is_retried_and_each_attempt_has_its_event(mock: Mock) -> None:
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []
    before = deliveries(mock, "503")
    result = over_httpx(lambda t: client.send_async(
        "v1/payments/pay", pay_body(unique("SIM_FLAKY_2_")), retry_policy=FAST, transport=t,
        on_event=events.append))
    assert (result.attempts, result.http_status, result.error, result.outcome) == (3, 200, None, ac.Outcome.PENDING)
    assert deliveries(mock, "503") - before == 2
    assert [(e.attempt, e.http_status, e.error_code, e.retry, e.outcome) for e in events] == [
        (1, 503, "HTTP_STATUS", "RETRY", "UNKNOWN"), (2, 503, "HTTP_STATUS", "RETRY", "UNKNOWN"),
        (3, 200, None, None, "PENDING")]
    first, second = events[0].retry_delay_ms, events[1].retry_delay_ms
    assert first is not None and 50 <= first <= 100
    assert second is not None and 100 <= second <= 200
    assert all(e.api == "payments.pay" and e.request_body_len == len(result.request.body) for e in events)
    signature = dict((n.lower(), v) for n, v in result.request.headers)["signature"].split("signature=")[1]
    for event in events:
        assert event.request_body is None and event.response_body is None
        assert signature[:20] not in repr(event) and signature[:20] not in json.dumps(event.attributes())


def test_a_reset_connection_is_a_transport_error_and_retried(mock: Mock) -> None:
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []
    result = over_httpx(lambda t: client.send_async(
        "v1/payments/pay", pay_body(unique("SIM_RESET_1_")), retry_policy=FAST, transport=t,
        on_event=events.append))
    assert (result.attempts, result.error, result.outcome) == (2, None, ac.Outcome.PENDING)
    assert (events[0].error_code, events[0].http_status, events[0].retry) == ("TRANSPORT_ERROR", None, "RETRY")
    assert events[1].http_status == 200


def test_the_deadline_ends_a_slow_send_near_the_deadline(mock: Mock) -> None:
    policy = ac.RetryPolicy(max_attempts=5, initial_backoff_ms=100, max_backoff_ms=100,
                            attempt_timeout_ms=1_000, deadline_ms=1_600)
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []

    async def timed(t: HttpxAsyncTransport) -> Tuple[ac.SendResult, float]:
        started = time.monotonic()
        result = await client.send_async("v1/payments/pay", pay_body(unique("SIM_DELAY_4000_")),
                                         retry_policy=policy, transport=t, on_event=events.append)
        return result, time.monotonic() - started

    result, took = over_httpx(timed)
    # 1 s, a 50-100 ms wait, then what is left of the 1.6 s: never the 4 s the reply takes.
    assert 1.45 <= took < 2.3, took
    assert (result.outcome, result.stop_reason, result.attempts) == (ac.Outcome.UNKNOWN, "DEADLINE_REACHED", 2)
    assert result.error is not None and result.error.code == "TIMEOUT"
    assert events[0].error_code == "TIMEOUT" and 950 <= events[0].duration_ms <= 1_300
    assert events[1].duration_ms < 700


def test_a_request_without_its_idempotency_key_is_not_retried() -> None:
    script = Script(lambda i, r: (503, [("Content-Type", "text/plain")], b"busy"))
    body = json.loads(pay_body("x"))
    del body["paymentRequestId"]
    events: List[ac.SendEvent] = []
    with scripted_server(script) as url:
        result = over_httpx(lambda t: make_client(url).send_async(
            "v1/payments/pay", json.dumps(body), retry_policy=FAST, transport=t, on_event=events.append))
    assert (result.attempts, result.stop_reason, result.http_status) == (1, "NO_IDEMPOTENCY_KEY", 503)
    assert result.outcome is ac.Outcome.UNKNOWN
    assert [e.retry for e in events] == ["NO_IDEMPOTENCY_KEY"]
    assert len(script.seen) == 1


def test_a_redirect_is_not_followed_and_the_body_is_read_up_to_the_limit() -> None:
    script = Script(lambda i, r: (302, [("Location", "/elsewhere")], b"x" * 10_000))
    with scripted_server(script) as url:
        result = over_httpx(lambda t: make_client(url).send_async("v1/payments/pay", pay_body("r"),
                                                                  retries=3, transport=t))
        assert (result.outcome, result.http_status, result.attempts, result.stop_reason) == (
            ac.Outcome.UNKNOWN, 302, 1, "NOT_RETRYABLE")
        assert len(script.seen) == 1   # not followed
        reply = over_httpx(lambda t: t.post(url + "/big", [("Content-Type", "application/json")], b"{}",
                                            timeout=5, max_body_bytes=100))
    assert isinstance(reply, HttpReply) and reply.status == 302
    assert len(reply.body) == 101   # one byte over the limit, never the 10 000


def test_the_transports_timeout_bounds_a_reply_that_trickles_in() -> None:
    """httpx's timeout is per read: a byte every 200 ms would never trip it. The transport's
    timeout ends the attempt as a whole."""
    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
            while not stop.wait(0.2):
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def post(t: HttpxAsyncTransport) -> float:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await t.post(f"http://127.0.0.1:{server.getsockname()[1]}/x", [], b"{}", timeout=1,
                         max_body_bytes=1_000)
        return time.monotonic() - started

    try:
        took = over_httpx(post)
    finally:
        stop.set()
        server.close()
        thread.join(5)
    assert 0.9 <= took < 1.6, took


class Watched:
    """A transport that records the thread its ``post`` runs on, then delegates."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.threads: List[int] = []


class WatchedAsync(Watched):
    async def post(self, *args: Any, **kwargs: Any) -> HttpReply:
        self.threads.append(threading.get_ident())
        return await self.inner.post(*args, **kwargs)  # type: ignore[no-any-return]


class WatchedSync(Watched):
    def post(self, *args: Any, **kwargs: Any) -> HttpReply:
        self.threads.append(threading.get_ident())
        return self.inner.post(*args, **kwargs)  # type: ignore[no-any-return]


def test_an_async_transport_is_awaited_on_the_loop_without_a_thread(
    mock: Mock, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: List[str] = []
    original_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(thread.name)
        original_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    client = make_client(mock.url)

    async def send(watched: Watched) -> Tuple[ac.SendResult, int, List[Any], List[str]]:
        submitted: List[Any] = []
        started.clear()

        class Recording(concurrent.futures.ThreadPoolExecutor):
            def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
                submitted.append(fn)
                return super().submit(fn, *args, **kwargs)

        asyncio.get_running_loop().set_default_executor(Recording(max_workers=2))
        result = await client.send_async("v1/payments/pay", pay_body(unique("SIM_FLAKY_1_")),
                                         retry_policy=FAST, transport=watched)
        # Before asyncio.run ends: it starts a thread of its own to shut the executor down.
        return result, threading.get_ident(), submitted, list(started)

    async def native() -> Tuple[Tuple[ac.SendResult, int, List[Any], List[str]], WatchedAsync]:
        async with httpx.AsyncClient() as http:
            watched = WatchedAsync(HttpxAsyncTransport(http))
            return await send(watched), watched

    (result, loop_thread, submitted, threads), watched = asyncio.run(native())
    assert (result.attempts, result.outcome) == (2, ac.Outcome.PENDING)
    assert watched.threads == [loop_thread, loop_thread]   # both attempts on the loop's thread
    assert submitted == [] and threads == []               # no executor, no thread at all

    # The check above can fail: a blocking transport goes through asyncio.to_thread.
    with httpx.Client() as http:
        blocking = WatchedSync(HttpxTransport(http))
        result, loop_thread, submitted, threads = asyncio.run(send(blocking))
    assert (result.attempts, result.outcome) == (2, ac.Outcome.PENDING)
    assert len(submitted) == 2 and threads
    assert blocking.threads and loop_thread not in blocking.threads


def test_an_async_transport_is_refused_by_the_blocking_send() -> None:
    async def never(t: HttpxAsyncTransport) -> None:
        client = make_client("http://127.0.0.1:9")
        with pytest.raises(TypeError, match="send_async"):
            client.send("v1/payments/pay", pay_body("x"), transport=t)

    over_httpx(never)
    with httpx.Client() as http, pytest.raises(TypeError, match="AsyncClient"):
        HttpxAsyncTransport(http)


# -- an async external signer -------------------------------------------------------------


def sign(message: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    der = base64.b64decode(key_text("TEST-ONLY-merchant.private.pkcs8.b64"))
    key = serialization.load_der_private_key(der, password=None)
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]


def test_an_async_signer_is_awaited_by_send_async(mock: Mock) -> None:
    awaited: List[str] = []

    async def kms(request: ac.SigningRequest) -> bytes:
        await asyncio.sleep(0.01)   # a KMS call: suspends, never blocks the loop
        awaited.append(request.path)
        return sign(request.message)

    client = make_client(mock.url, signer=kms)
    result = over_httpx(lambda t: client.send_async("v1/payments/pay", pay_body(unique("kms-")), transport=t))
    assert (result.attempts, result.outcome) == (1, ac.Outcome.PENDING)
    assert awaited == [result.request.path]
    # The blocking prepare cannot await it: refused, as before.
    with pytest.raises(ac.SigningFailedError, match="awaitable"):
        client.prepare("v1/payments/pay", pay_body("sync"))


def test_an_async_signers_failures_are_signing_failed_before_anything_is_sent() -> None:
    async def broken(request: ac.SigningRequest) -> bytes:
        raise RuntimeError("kms unavailable arn:aws:kms:secret")

    async def text(request: ac.SigningRequest) -> Any:
        return base64.b64encode(sign(request.message)).decode()

    async def wrong(request: ac.SigningRequest) -> bytes:
        return sign(b"something else")

    script = Script(lambda i, r: (500, [], b""))
    with scripted_server(script) as url:
        for signer, expected in ((broken, "RuntimeError"), (text, "not str"), (wrong, "SIGNING_FAILED")):
            with pytest.raises(ac.SigningFailedError, match=expected) as raised:
                over_httpx(lambda t: make_client(url, signer=signer).send_async(
                    "v1/payments/pay", pay_body("kms"), transport=t))
            assert "secret" not in str(raised.value)
            if signer is broken:
                assert isinstance(raised.value.__cause__, RuntimeError)
    assert script.seen == []
