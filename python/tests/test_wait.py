"""Client.wait_for_outcome / wait_for_outcome_async through the installed wheel, against
`antom mock`: a wallet pay stays PROCESSING until the buyer visits its normalUrl and no
notification is resent, so the merchant inquires. Which inquiry, the waits and when to stop are
the core's (crates/antom-core/src/outcome_wait.rs); these tests check the glue follows them over
real sockets and never pays again."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from typing import Iterator, List, Tuple

import pytest

import antom_core as ac
from simulator import Mock, antom_mock, pay_body
from support import CLIENT_ID, key_text


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


@pytest.fixture(scope="module")
def client(mock: Mock) -> ac.Client:
    return ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        gateway_url=mock.url,
    )


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns()}"


def pending_payment(client: ac.Client, request_id: str) -> str:
    """A wallet pay (PENDING until the buyer pays); returns the normalUrl the buyer visits."""
    pay = client.send("v1/payments/pay", pay_body(request_id))
    assert pay.outcome is ac.Outcome.PENDING
    assert pay.response is not None and pay.response.verified
    url = pay.response.json()["normalUrl"]
    assert url.startswith("http")
    return str(url)


def buyer_pays(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200
        page.read()


def test_the_policy_defaults_are_the_cores_and_are_checked() -> None:
    default = ac.InquiryPolicy()
    assert (default.first_delay_ms, default.max_delay_ms, default.deadline_ms) == (1_000, 10_000, 120_000)
    for bad in ({"first_delay_ms": 0}, {"max_delay_ms": 60_001}, {"first_delay_ms": 5, "max_delay_ms": 4},
                {"deadline_ms": 0}, {"deadline_ms": -1}):
        with pytest.raises(ac.InvalidInputError):
            ac.InquiryPolicy(**bad)
    with pytest.raises(TypeError):
        ac.InquiryPolicy(deadline_ms=1.5)  # type: ignore[arg-type]


def test_the_buyer_pays_mid_wait_and_the_wait_ends_succeeded(client: ac.Client) -> None:
    request_id = unique("wait-paid-")
    url = pending_payment(client, request_id)
    seen: List[Tuple[int, ac.Outcome]] = []
    apis: List[str] = []
    payer = threading.Timer(0.3, buyer_pays, args=(url,))
    payer.start()
    try:
        result = client.wait_for_outcome(
            request_id, policy=ac.InquiryPolicy(first_delay_ms=100, max_delay_ms=200, deadline_ms=10_000),
            on_inquiry=lambda r, n: seen.append((n, r.outcome)), on_event=lambda e: apis.append(e.api))
    finally:
        payer.join()
    assert result.outcome is ac.Outcome.SUCCEEDED
    assert result.reason == "FINAL"
    assert result.inquiries >= 2
    assert result.response is not None and result.response.verified
    assert result.response.json()["paymentStatus"] == "SUCCESS"
    assert result.response.json()["paymentRequestId"] == request_id
    assert [n for n, _ in seen] == list(range(1, result.inquiries + 1))
    assert [o for _, o in seen[:-1]] == [ac.Outcome.PENDING] * (len(seen) - 1)
    assert seen[-1][1] is ac.Outcome.SUCCEEDED
    assert apis == ["payments.inquiryPayment"] * result.inquiries   # never a second pay


def test_a_payment_never_paid_stops_at_the_deadline_on_time(client: ac.Client) -> None:
    request_id = unique("wait-unpaid-")
    pending_payment(client, request_id)
    started = time.monotonic()
    result = client.wait_for_outcome(
        request_id, policy=ac.InquiryPolicy(first_delay_ms=50, max_delay_ms=100, deadline_ms=700))
    took = time.monotonic() - started
    assert result.outcome is ac.Outcome.PENDING
    assert result.reason == "DEADLINE_REACHED"
    assert result.response is not None and result.response.json()["paymentStatus"] == "PROCESSING"
    assert result.inquiries >= 5   # waits of 25-50, 50-100, 50-100 ms... fit in 700 ms
    # Never plans a wait past the deadline, and stops only when the next wait (<= 100 ms) would reach it.
    assert 0.599 <= took < 1.2, took


def test_async_wait_and_refunds_and_unknown_payments(client: ac.Client) -> None:
    request_id = unique("wait-async-")
    url = pending_payment(client, request_id)

    async def run() -> ac.WaitResult:
        waiting = asyncio.ensure_future(client.wait_for_outcome_async(
            request_id, policy=ac.InquiryPolicy(first_delay_ms=100, max_delay_ms=200, deadline_ms=10_000)))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(buyer_pays, url)
        return await waiting

    paid = asyncio.run(run())
    assert (paid.outcome, paid.reason) == (ac.Outcome.SUCCEEDED, "FINAL")
    assert paid.inquiries >= 2

    missing = client.wait_for_outcome(
        unique("wait-missing-"), policy=ac.InquiryPolicy(first_delay_ms=50, max_delay_ms=50, deadline_ms=300))
    assert (missing.outcome, missing.reason) == (ac.Outcome.UNKNOWN, "DEADLINE_REACHED")   # never FAILED
    assert missing.inquiries >= 2

    apis: List[str] = []
    refund = client.wait_for_outcome(unique("wait-refund-"), api="v1/payments/refund",
                                     policy=ac.InquiryPolicy(deadline_ms=100), on_event=lambda e: apis.append(e.api))
    assert (refund.inquiries, refund.reason) == (1, "DEADLINE_REACHED")
    assert apis == ["payments.inquiryRefund"]


def test_wrong_arguments_are_refused_before_anything_is_sent(client: ac.Client) -> None:
    with pytest.raises(TypeError):
        client.wait_for_outcome("")
    with pytest.raises(ValueError):
        client.wait_for_outcome("x", api="v1/payments/cancel")
    with pytest.raises(TypeError):
        client.wait_for_outcome("x", policy={"deadline_ms": 5})
