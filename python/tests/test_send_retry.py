"""Client.send's retries under one deadline, its events, its OpenTelemetry span and
send_async, through the installed wheel: the decisions are the core's (decide_retry), so these
tests check the glue — that every attempt follows them — against the simulator's faults
(`antom mock`: SIM_FLAKY_<n>_, SIM_RESET_<n>_, SIM_DELAY_<ms>_) and a scripted server."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import textwrap
import time
from typing import Any, Iterator, List, Tuple

import pytest

import antom_core as ac
from simulator import Mock, Recorded, Script, antom_mock, pay_body, scripted_server
from support import CLIENT_ID, antom_sign, key_text

CARD = "4111111111111111"


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


def make_client(gateway_url: str) -> ac.Client:
    return ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        gateway_url=gateway_url,
    )


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns()}"


# Short waits so the tests are quick: 100 ms doubling to 400 ms, drawn from [b/2, b].
FAST = ac.RetryPolicy(max_attempts=4, initial_backoff_ms=100, max_backoff_ms=400,
                      attempt_timeout_ms=5_000, deadline_ms=20_000)

SUCCESS = json.dumps({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                      "paymentStatus": "SUCCESS"}).encode()


def signed_reply(path: str, body: bytes) -> List[Tuple[str, str]]:
    now = "2026-11-29T10:00:00Z"
    return [("Content-Type", "application/json"), ("client-id", CLIENT_ID), ("response-time", now),
            ("signature", antom_sign(path, CLIENT_ID, now, body))]


def card_pay(request_id: str) -> bytes:
    body = json.loads(pay_body(request_id))
    body["paymentMethod"] = {"paymentMethodType": "CARD", "paymentMethodMetaData": {
        "cardNo": CARD, "cvv": "737", "expiryYear": "30", "expiryMonth": "03",
        "cardholderName": {"firstName": "Ann", "lastName": "Lee"}}}
    return json.dumps(body).encode()


def deliveries(mock: Mock, status: str) -> int:
    return sum(1 for line in mock.lines() if f"/payments/pay -> HTTP {status}" in line)


# -- the public API over the core's rules -------------------------------------------------


def test_the_policy_defaults_are_the_cores_and_are_checked() -> None:
    default = ac.RetryPolicy()
    assert (default.max_attempts, default.attempt_timeout_ms) == (1, 30_000)
    assert (default.initial_backoff_ms, default.max_backoff_ms, default.deadline_ms) == (500, 5_000, 60_000)
    assert default.retry_without_idempotency_key is False
    simple = ac.RetryPolicy.simple(2, 1.5)
    assert (simple.max_attempts, simple.attempt_timeout_ms) == (3, 1_500)
    assert simple.deadline_ms > 3 * 1_500   # room for every attempt and wait
    assert ac.RetryPolicy.simple(50).max_attempts == 10   # the core's cap
    with pytest.raises(ac.InvalidInputError) as raised:
        ac.RetryPolicy(max_attempts=11)
    assert raised.value.code == "INVALID_INPUT" and "max_attempts" in str(raised.value)
    for bad in ({"initial_backoff_ms": 0}, {"deadline_ms": 0}, {"attempt_timeout_ms": -1}):
        with pytest.raises(ac.InvalidInputError):
            ac.RetryPolicy(**bad)
    with pytest.raises(TypeError):
        ac.RetryPolicy(max_attempts="3")  # type: ignore[arg-type]
    with pytest.raises(Exception):
        default.max_attempts = 3  # type: ignore[misc]  # frozen


def test_decide_retry_jitters_within_the_backoff() -> None:
    policy = ac.RetryPolicy(max_attempts=10)
    seen = set()
    for attempt, backoff in [(1, 500), (2, 1_000), (3, 2_000), (5, 5_000)]:
        for _ in range(50):
            d = ac.decide_retry(policy, "v1/payments/pay", pay_body("o-1"), attempt, 0,
                                ac.AttemptFailure.http_status(502))
            assert (d.retry, d.reason) == (True, "RETRY")
            assert backoff // 2 <= d.delay_ms <= backoff
            seen.add(d.delay_ms)
    assert len(seen) > 20   # drawn from the random source, not fixed
    no_key = ac.decide_retry(policy, "v1/payments/pay", b'{"order":{}}', 1, 0, ac.AttemptFailure.timeout(), 1)
    assert (no_key.retry, no_key.delay_ms, no_key.reason) == (False, 0, "NO_IDEMPOTENCY_KEY")
    assert ac.decide_retry(policy, "v1/payments/pay", pay_body("o"), 1, 0,
                           ac.AttemptFailure.http_status(404), 1).reason == "NOT_RETRYABLE"
    assert ac.attempt_timeout(policy, 59_000) == 1_000
    assert ac.attempt_timeout(policy, 60_000) is None
    assert ac.span_name("v1/payments/pay") == "antom payments.pay"
    assert ac.AttemptFailure.timeout().code == "TIMEOUT"
    with pytest.raises(ValueError):
        ac.AttemptFailure("dns")


# -- retries against the simulator ------------------------------------------------------


def test_a_flaky_pay_is_retried_with_jittered_waits_and_succeeds(mock: Mock) -> None:
    client = make_client(mock.url)
    order = unique("SIM_FLAKY_2_")
    events: List[ac.SendEvent] = []
    before = deliveries(mock, "503")
    started = time.monotonic()
    result = client.send("v1/payments/pay", pay_body(order), retry_policy=FAST, on_event=events.append)
    took = time.monotonic() - started
    assert (result.attempts, result.http_status, result.error, result.stop_reason) == (3, 200, None, None)
    assert result.response is not None and result.response.verified
    assert result.outcome is ac.Outcome.PENDING
    assert deliveries(mock, "503") - before == 2
    assert [e.attempt for e in events] == [1, 2, 3]
    assert [(e.http_status, e.error_code, e.retry, e.outcome) for e in events] == [
        (503, "HTTP_STATUS", "RETRY", "UNKNOWN"), (503, "HTTP_STATUS", "RETRY", "UNKNOWN"),
        (200, None, None, "PENDING")]
    first, second = events[0].retry_delay_ms, events[1].retry_delay_ms
    assert first is not None and 50 <= first <= 100
    assert second is not None and 100 <= second <= 200
    assert took >= (first + second) / 1000   # the waits were slept
    assert events[2].result_status == result.response.result_status.value
    assert events[2].result_code == result.response.result_code
    assert all(e.api == "payments.pay" and e.path == result.request.path for e in events)
    assert all(e.request_body_len == len(result.request.body) for e in events)


def test_a_reset_connection_is_retried(mock: Mock) -> None:
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []
    result = client.send("v1/payments/pay", pay_body(unique("SIM_RESET_1_")), retry_policy=FAST,
                         on_event=events.append)
    assert (result.attempts, result.error, result.outcome) == (2, None, ac.Outcome.PENDING)
    assert (events[0].error_code, events[0].http_status, events[0].retry) == ("TRANSPORT_ERROR", None, "RETRY")
    assert events[1].http_status == 200


def test_the_deadline_ends_a_slow_send(mock: Mock) -> None:
    policy = ac.RetryPolicy(max_attempts=5, initial_backoff_ms=100, max_backoff_ms=100,
                            attempt_timeout_ms=1_000, deadline_ms=1_600)
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []
    started = time.monotonic()
    result = client.send("v1/payments/pay", pay_body(unique("SIM_DELAY_4000_")), retry_policy=policy,
                         on_event=events.append)
    took = time.monotonic() - started
    # 1 s, a 50-100 ms wait, then what is left of the 1.6 s: never the 4 s the reply takes.
    assert 1.45 <= took < 2.3, took
    assert result.outcome is ac.Outcome.UNKNOWN
    assert result.error is not None and result.error.code == "TIMEOUT"
    assert result.stop_reason == "DEADLINE_REACHED"
    assert result.attempts == 2
    assert events[0].error_code == "TIMEOUT" and 950 <= events[0].duration_ms <= 1_300
    assert events[1].duration_ms < 700


def test_a_request_without_its_idempotency_key_is_not_retried() -> None:
    script = Script(lambda i, r: (503, [("Content-Type", "text/plain")], b"busy"))
    body = json.loads(pay_body("x"))
    del body["paymentRequestId"]
    events: List[ac.SendEvent] = []
    with scripted_server(script) as url:
        result = make_client(url).send("v1/payments/pay", json.dumps(body), retry_policy=FAST,
                                       on_event=events.append)
        assert (result.attempts, result.stop_reason, result.http_status) == (1, "NO_IDEMPOTENCY_KEY", 503)
        assert [e.retry for e in events] == ["NO_IDEMPOTENCY_KEY"]
        assert len(script.seen) == 1
        # Only when asked explicitly.
        forced = ac.RetryPolicy(max_attempts=2, initial_backoff_ms=10, max_backoff_ms=10,
                                retry_without_idempotency_key=True)
        again = make_client(url).send("v1/payments/pay", json.dumps(body), retry_policy=forced)
    assert (again.attempts, again.stop_reason) == (2, "ATTEMPTS_EXHAUSTED")
    assert len(script.seen) == 3


def test_the_waits_between_attempts_are_the_decisions() -> None:
    arrivals: List[float] = []

    def answer(index: int, seen: Recorded) -> Tuple[int, List[Tuple[str, str]], bytes]:
        arrivals.append(time.monotonic())
        if index < 3:
            return 500, [], b"oops"
        return 200, signed_reply(seen.path, SUCCESS), SUCCESS

    events: List[ac.SendEvent] = []
    with scripted_server(Script(answer)) as url:
        result = make_client(url).send("v1/payments/inquiryPayment", b'{"paymentRequestId":"p"}',
                                       retry_policy=FAST, on_event=events.append)
    assert (result.outcome, result.attempts) == (ac.Outcome.SUCCEEDED, 4)
    delays = [e.retry_delay_ms for e in events[:3]]
    for n, (delay, backoff) in enumerate(zip(delays, [100, 200, 400])):
        assert delay is not None and backoff // 2 <= delay <= backoff
        gap_ms = (arrivals[n + 1] - arrivals[n]) * 1000
        assert delay <= gap_ms < delay + 400, (n, delay, gap_ms)


# -- events -----------------------------------------------------------------------------


def test_events_carry_no_card_number_nor_signature_and_bodies_are_masked() -> None:
    def answer(index: int, seen: Recorded) -> Tuple[int, List[Tuple[str, str]], bytes]:
        if index == 0:
            return 503, [], b"busy"
        return 200, signed_reply(seen.path, SUCCESS), SUCCESS

    plain: List[ac.SendEvent] = []
    masked: List[ac.SendEvent] = []
    script = Script(answer)
    with scripted_server(script) as url:
        client = make_client(url)
        sent = client.send("v1/payments/pay", card_pay(unique("card-")), retry_policy=FAST, on_event=plain.append)
        script.seen.clear()
        client.send("v1/payments/pay", card_pay(unique("card-")), retry_policy=FAST,
                    on_event=masked.append, include_bodies=True)
    signature = dict((n.lower(), v) for n, v in sent.request.headers)["signature"].split("signature=")[1]
    assert len(plain) == len(masked) == 2
    for event in plain + masked:
        for form in (repr(event), str(event), json.dumps(event.attributes())):
            assert CARD not in form and signature[:20] not in form
    assert all(e.request_body is None and e.response_body is None for e in plain)
    assert plain[1].response_body_len == len(SUCCESS)
    request_body = masked[0].request_body
    assert request_body is not None and '"cardNo":"<masked>"' in request_body and '"cvv":"<masked>"' in request_body
    assert request_body == ac.mask_body(script.seen[0].body)
    assert masked[0].response_body == "<4 bytes>"           # b"busy" is not JSON
    assert masked[1].response_body == ac.mask_body(SUCCESS)
    assert masked[1].attributes()["antom.request.body"] == request_body


def test_an_on_event_that_raises_does_not_break_the_send(caplog: pytest.LogCaptureFixture) -> None:
    def hook(event: ac.SendEvent) -> None:
        raise RuntimeError(f"boom {CARD}")

    script = Script(lambda i, r: (200, signed_reply(r.path, SUCCESS), SUCCESS))
    with scripted_server(script) as url, caplog.at_level(logging.WARNING, logger="antom_core"):
        result = make_client(url).send("v1/payments/inquiryPayment", b'{"paymentRequestId":"p"}', on_event=hook)
    assert result.outcome is ac.Outcome.SUCCEEDED
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert all(CARD not in r.getMessage() and "boom" not in r.getMessage() for r in caplog.records)


def test_a_reply_that_does_not_verify_has_its_event_then_raises() -> None:
    tampered = SUCCESS.replace(b"SUCCESS", b"SUCCESs", 1)
    script = Script(lambda i, r: (200, signed_reply(r.path, SUCCESS), tampered))
    events: List[ac.SendEvent] = []
    with scripted_server(script) as url:
        with pytest.raises(ac.SignatureMismatchError):
            make_client(url).send("v1/payments/inquiryPayment", b'{"paymentRequestId":"p"}',
                                  retry_policy=FAST, on_event=events.append)
    assert [(e.http_status, e.error_code, e.outcome) for e in events] == [(200, "SIGNATURE_MISMATCH", None)]


# -- OpenTelemetry ----------------------------------------------------------------------


@pytest.fixture()
def otel() -> Iterator[Tuple[Any, Any]]:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("test"), exporter
    provider.shutdown()


def test_one_client_span_per_send_with_the_cores_name_and_attributes(mock: Mock, otel: Tuple[Any, Any]) -> None:
    from opentelemetry.trace import SpanKind, StatusCode

    tracer, exporter = otel
    client = make_client(mock.url)
    order = unique("SIM_FLAKY_1_")
    ok = client.send("v1/payments/pay", pay_body(order), retry_policy=FAST, tracer=tracer)
    assert ok.attempts == 2
    (span,) = exporter.get_finished_spans()
    assert span.name == "antom payments.pay" and span.kind is SpanKind.CLIENT
    attributes = dict(span.attributes)
    assert attributes["antom.api"] == "payments.pay"
    assert attributes["url.path"] == ok.request.path
    assert attributes["antom.attempt"] == 2
    assert attributes["http.response.status_code"] == 200
    assert attributes["antom.outcome"] == "PENDING"
    assert "error.type" not in attributes
    assert span.status.status_code is not StatusCode.ERROR
    assert [e.name for e in span.events] == ["antom.attempt", "antom.attempt"]
    assert dict(span.events[0].attributes)["antom.retry"] == "RETRY"
    assert dict(span.events[0].attributes)["http.response.status_code"] == 503
    assert order not in span.to_json()   # no body in the span

    exporter.clear()
    failed = client.send("v1/payments/pay", pay_body(unique("SIM_HTTP_503_")), tracer=tracer)
    (span,) = exporter.get_finished_spans()
    assert failed.outcome is ac.Outcome.UNKNOWN
    assert span.status.status_code is StatusCode.ERROR and span.status.description == "HTTP_STATUS"
    assert dict(span.attributes)["error.type"] == "HTTP_STATUS"
    assert dict(span.attributes)["antom.retry"] == "RETRIES_OFF"
    assert len(span.events) == 1


def test_opentelemetry_is_imported_only_for_a_tracer(mock: Mock) -> None:
    code = textwrap.dedent(f"""
        import sys, antom_core as ac
        from support import key_text
        client = ac.Client(client_id={CLIENT_ID!r}, gateway_url={mock.url!r},
                           private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
                           antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"))
        result = client.send("v1/payments/inquiryPayment", b'{{"paymentRequestId":"x"}}', on_event=lambda e: None)
        assert result.response is not None
        print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
    """)
    here = str(__import__("pathlib").Path(__file__).parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": here}, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


# -- asyncio ----------------------------------------------------------------------------


def test_send_async_retries_and_runs_sends_concurrently(mock: Mock, otel: Tuple[Any, Any]) -> None:
    tracer, exporter = otel
    client = make_client(mock.url)
    events: List[ac.SendEvent] = []

    async def main() -> Tuple[ac.SendResult, ac.SendResult, float]:
        started = time.monotonic()
        flaky, slow = await asyncio.gather(
            client.send_async("v1/payments/pay", pay_body(unique("SIM_FLAKY_2_")), retry_policy=FAST,
                              on_event=events.append, tracer=tracer),
            client.send_async("v1/payments/pay", pay_body(unique("SIM_DELAY_1000_")), timeout=5),
        )
        return flaky, slow, time.monotonic() - started

    flaky, slow, took = asyncio.run(main())
    assert (flaky.attempts, flaky.outcome, flaky.error) == (3, ac.Outcome.PENDING, None)
    assert (slow.attempts, slow.outcome) == (1, ac.Outcome.PENDING)
    assert took < 1.9   # the two ran at the same time (1 s delay, 150-300 ms of waits)
    assert [e.retry for e in events] == ["RETRY", "RETRY", None]
    (span,) = exporter.get_finished_spans()
    assert span.name == "antom payments.pay" and len(span.events) == 3


def test_send_async_deadline_and_send_prepared_async(mock: Mock) -> None:
    client = make_client(mock.url)
    policy = ac.RetryPolicy(max_attempts=3, initial_backoff_ms=100, max_backoff_ms=100,
                            attempt_timeout_ms=800, deadline_ms=1_200)

    async def main() -> Tuple[ac.SendResult, float, ac.SendResult]:
        started = time.monotonic()
        late = await client.send_async("v1/payments/pay", pay_body(unique("SIM_DELAY_3000_")), retry_policy=policy)
        took = time.monotonic() - started
        request = client.prepare("v1/payments/pay", pay_body(unique("async-")))
        again = await client.send_prepared_async(request, retries=1)
        return late, took, again

    late, took, again = asyncio.run(main())
    assert (late.outcome, late.stop_reason, late.attempts) == (ac.Outcome.UNKNOWN, "DEADLINE_REACHED", 2)
    assert late.error is not None and late.error.code == "TIMEOUT"
    assert 1.1 <= took < 1.8, took
    assert (again.outcome, again.attempts) == (ac.Outcome.PENDING, 1)
    with pytest.raises(TypeError):
        asyncio.run(client.send_prepared_async(b"x"))  # type: ignore[arg-type]


def test_the_timeout_bounds_a_reply_that_trickles_in() -> None:
    """urllib's timeout is per read: a reply sending a byte every 200 ms would never trip it.
    The attempt's timeout ends the exchange as a whole."""
    import socket
    import threading

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
    try:
        client = make_client(f"http://127.0.0.1:{server.getsockname()[1]}")
        started = time.monotonic()
        result = client.send("v1/payments/inquiryPayment", b'{"paymentRequestId":"p"}', timeout=1)
        took = time.monotonic() - started
    finally:
        stop.set()
        server.close()
        thread.join(5)
    assert result.error is not None and result.error.code == "TIMEOUT"
    assert (result.outcome, result.attempts, result.stop_reason) == (ac.Outcome.UNKNOWN, 1, "RETRIES_OFF")
    assert 0.95 <= took < 1.6, took
