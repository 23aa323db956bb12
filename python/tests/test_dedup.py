"""Exactly-once processing (antom_core.dedup) and the typed dispatcher
(antom_core.webhooks.dispatcher) through the installed wheel, against real databases the tests
start themselves from Debian's packages: SQLite (stdlib), PostgreSQL (initdb + pg_ctl in a
temporary directory, as the postgres user when run as root) and Redis (redis-server on a free
port, no persistence). A server that cannot start fails with its error; nothing is skipped.

Per store: concurrent duplicate deliveries run the effect once; an effect failing mid-way
answers 500 and its redelivery runs it once; a crashed worker's claim expires and is taken
over, the effect happening exactly once; a store that is down or slow answers 500 without the
effect. Then the load test: `antom trigger` (the simulator) delivers N notifications, each
several times at once, to a FastAPI app under uvicorn using the dispatcher; some handlers fail
mid-way and are delivered again until acknowledged; every effect happens exactly once. And
`antom mock`'s own redelivery (its retry schedule, scaled) after a handler failed mid-way."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

import pytest
from starlette.requests import Request as StarletteRequest

import antom_core as ac
from antom_core import models
from antom_core.dedup import (
    Claim,
    ClaimLostError,
    ClaimOutcome,
    PostgresStore,
    RedisStore,
    SQLiteStore,
    lease_bounds,
    lease_ms,
    process_once,
)
from antom_core.webhooks import CALLBACK_FAILED
from antom_core.webhooks.dispatcher import INVALID_MODEL, NOTIFICATION_MODELS, Delivery, Dispatcher
from databases import Postgres, Redis, free_port, postgres, redis_server
from simulator import ANTOM_KEY, antom_binary, antom_mock, pay_body
from support import CLIENT_ID, KEYS, REPO, antom_sign, key_text

NOTIFY = "/antom/notify"
ACK = (200, ac.NOTIFICATION_ACK)
LEASE_MS = lease_bounds().min_ms  # 1 s: the shortest lease, so takeovers are quick to test
CLIENT = ac.Client(client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def signed(body: bytes, path: str = NOTIFY) -> List[Tuple[str, str]]:
    now = "2026-12-04T10:00:00+08:00"
    return [("content-type", "application/json"), ("client-id", CLIENT_ID), ("request-time", now),
            ("signature", antom_sign(path, CLIENT_ID, now, body))]


def paid_body(payment_id: str) -> bytes:
    return json.dumps({
        "notifyType": "PAYMENT_RESULT", "paymentRequestId": "req-" + payment_id, "paymentId": payment_id,
        "paymentAmount": {"currency": "USD", "value": "1000"},
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    }, separators=(",", ":")).encode()


def notification(payment_id: Optional[str] = None) -> ac.Notification:
    body = paid_body(payment_id or unique("pay"))
    return CLIENT.verify_notification(NOTIFY, signed(body), body)


# --- the databases, started once per session ----------------------------------------------


@pytest.fixture(scope="session")
def pg() -> Iterator[Postgres]:
    with postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis_srv() -> Iterator[Redis]:
    with redis_server() as server:
        yield server


class Harness:
    """A store plus where the test's effect writes, so effects can be counted in the same
    database (SQL: in the store's transaction, so a failure rolls the write back)."""

    name = ""
    #: Whether the effect shares the store's transaction.
    transactional = True
    store: Any

    def record(self, tx: Any, key: str) -> None:
        raise NotImplementedError

    def effects(self) -> "Counter[str]":
        raise NotImplementedError

    def config(self) -> Dict[str, Any]:
        """What a child process needs to build the same store."""
        raise NotImplementedError


class SQLiteHarness(Harness):
    name = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.path = str(directory / "dedup.sqlite3")
        self.store = SQLiteStore(self.path)
        self.store.create_table()
        conn = self.store.connect()
        conn.execute("CREATE TABLE effects (dedup_key TEXT NOT NULL)")
        conn.close()

    def record(self, tx: Any, key: str) -> None:
        tx.execute("INSERT INTO effects (dedup_key) VALUES (?)", (key,))

    def effects(self) -> "Counter[str]":
        conn = self.store.connect()
        try:
            return Counter(row[0] for row in conn.execute("SELECT dedup_key FROM effects"))
        finally:
            conn.close()

    def config(self) -> Dict[str, Any]:
        return {"kind": "sqlite", "path": self.path}


class PostgresHarness(Harness):
    name = "postgres"

    def __init__(self, server: Postgres) -> None:
        self.conninfo = server.conninfo
        self.table = "dedup_" + uuid.uuid4().hex[:10]
        self.effects_table = "effects_" + uuid.uuid4().hex[:10]
        self.store = PostgresStore(server.conninfo, table=self.table)
        self.store.create_table()
        with self.store.connect() as conn:
            conn.execute(f"CREATE TABLE {self.effects_table} (dedup_key text NOT NULL)")

    def record(self, tx: Any, key: str) -> None:
        tx.execute(f"INSERT INTO {self.effects_table} (dedup_key) VALUES (%s)", (key,))

    def effects(self) -> "Counter[str]":
        with self.store.connect() as conn:
            return Counter(row[0] for row in conn.execute(f"SELECT dedup_key FROM {self.effects_table}"))

    def config(self) -> Dict[str, Any]:
        return {"kind": "postgres", "conninfo": self.conninfo, "table": self.table,
                "effects": self.effects_table}


class RedisHarness(Harness):
    """The effect writes to Redis too (a list, one item per run): not in the store's
    transaction (Redis has none to share), so a failing effect fails before its write."""

    name = "redis"
    transactional = False

    def __init__(self, server: Redis) -> None:
        import redis

        self.url = server.url
        self.prefix = unique("dedup") + ":"
        self.list = self.prefix + "effects"
        self.store = RedisStore(server.url, prefix=self.prefix)
        self.store.create_table()
        self.redis = redis.Redis.from_url(server.url)

    def record(self, tx: Any, key: str) -> None:
        assert tx is None
        self.redis.rpush(self.list, key)

    def effects(self) -> "Counter[str]":
        items = self.redis.lrange(self.list, 0, -1)
        return Counter(i.decode() if isinstance(i, bytes) else str(i) for i in items)

    def config(self) -> Dict[str, Any]:
        return {"kind": "redis", "url": self.url, "prefix": self.prefix, "effects": self.list}


STORES = ["sqlite", "postgres", "redis"]


@pytest.fixture(params=STORES)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "sqlite":
        return SQLiteHarness(tmp_path)
    if request.param == "postgres":
        return PostgresHarness(request.getfixturevalue("pg"))
    return RedisHarness(request.getfixturevalue("redis_srv"))


def deliver_until_acknowledged(deliver: Callable[[], Tuple[int, str]], attempts: int = 50) -> List[Tuple[int, str]]:
    """Delivers again (as Antom does) until the answer is the ACK; returns every answer."""
    answers = []
    for _ in range(attempts):
        answers.append(deliver())
        if answers[-1] == ACK:
            return answers
        time.sleep(0.05)
    raise AssertionError(f"never acknowledged: {answers[-5:]}")


# --- the core's table, through a scripted store -------------------------------------------


@dataclass
class ScriptedStore:
    """A store answering `outcome` and failing `complete` when `complete_fails`."""

    outcome: ClaimOutcome = ClaimOutcome.CLAIMED
    complete_fails: bool = False
    claim_raises: bool = False
    calls: List[str] = field(default_factory=list)

    def claim(self, key: str, lease: int) -> Claim:
        self.calls.append(f"claim {lease}")
        if self.claim_raises:
            raise ConnectionError("store down")
        token = "t" if self.outcome is ClaimOutcome.CLAIMED else None
        return Claim(key, self.outcome, token)

    def complete(self, claim: Claim, effect: Callable[[Any], Any]) -> Any:
        self.calls.append("complete")
        result = effect("tx")
        if self.complete_fails:
            raise ConnectionError("lost the connection before COMMIT")
        return result

    def release(self, claim: Claim) -> None:
        self.calls.append("release")


def test_process_once_follows_the_core_table() -> None:
    n = notification()
    runs: List[Any] = []

    def effect(verified: ac.Notification, tx: Any) -> None:
        runs.append(tx)

    store = ScriptedStore()
    assert process_once(store, n, effect) == ACK
    assert runs == ["tx"] and store.calls == [f"claim {lease_bounds().default_ms}", "complete"]

    for outcome, answer in [(ClaimOutcome.ALREADY_DONE, ACK),
                            (ClaimOutcome.IN_PROGRESS, (500, "IN_PROGRESS")),
                            (ClaimOutcome.STORE_UNAVAILABLE, (500, "STORE_UNAVAILABLE"))]:
        runs.clear()
        store = ScriptedStore(outcome)
        assert process_once(store, n, effect, lease_ms=5_000) == answer
        assert runs == [] and store.calls == ["claim 5000"], outcome

    runs.clear()
    store = ScriptedStore(claim_raises=True)
    assert process_once(store, n, effect) == (500, "STORE_UNAVAILABLE")
    assert runs == []

    store = ScriptedStore(complete_fails=True)
    answer = process_once(store, n, effect)
    assert answer == (500, "COMPLETION_FAILED") and answer.content_type.startswith("text/plain")
    assert store.calls[-1] == "release"

    def failing(verified: ac.Notification, tx: Any) -> None:
        raise RuntimeError("the payment service is down")

    store = ScriptedStore()
    assert process_once(store, n, failing) == (500, CALLBACK_FAILED)
    assert store.calls == [f"claim {lease_bounds().default_ms}", "complete", "release"]


def test_lease_bounds_come_from_the_core() -> None:
    assert lease_bounds() == (60_000, 1_000, 3_600_000)
    assert lease_ms() == 60_000 and lease_ms(1_000) == 1_000
    for bad in (0, 999, 3_600_001, -1, 1 << 70):
        with pytest.raises(ac.InvalidInputError, match="lease_ms must be 1000 to 3600000"):
            lease_ms(bad)
    with pytest.raises(TypeError):
        lease_ms(1.5)  # type: ignore[arg-type]
    with pytest.raises(ac.InvalidInputError):
        process_once(ScriptedStore(), notification(), lambda n, tx: None, lease_ms=10)


def test_an_async_effect_is_refused_and_its_claim_released() -> None:
    async def effect(verified: ac.Notification, tx: Any) -> None:
        pass

    store = ScriptedStore()
    with pytest.raises(TypeError, match="awaitable"):
        process_once(store, notification(), effect)
    assert store.calls[-1] == "release"


def test_a_claim_shows_neither_key_nor_token() -> None:
    claim = Claim("PAYMENT_RESULT:paymentId=secret-id", ClaimOutcome.CLAIMED, "secret-token")
    assert "secret" not in repr(claim)


# --- per store, on the real databases ------------------------------------------------------


def test_concurrent_duplicates_run_the_effect_once(harness: Harness) -> None:
    n = notification()
    workers = 12
    barrier = threading.Barrier(workers)

    def effect(verified: ac.Notification, tx: Any) -> None:
        harness.record(tx, verified.dedup_key)
        time.sleep(0.2)  # hold the claim while the duplicates arrive

    def deliver() -> Tuple[int, str]:
        barrier.wait()
        return tuple(process_once(harness.store, n, effect, lease_ms=30_000))  # type: ignore[return-value]

    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(lambda _: deliver(), range(workers)))
    assert set(answers) <= {ACK, (500, "IN_PROGRESS")}, answers
    assert ACK in answers
    assert harness.effects() == Counter({n.dedup_key: 1})
    # Antom delivers the unacknowledged ones again: acknowledged, never run again.
    for _ in [a for a in answers if a != ACK]:
        assert process_once(harness.store, n, effect) == ACK
    assert harness.effects() == Counter({n.dedup_key: 1})
    assert harness.store.state(n.dedup_key) == "done"


def test_an_effect_failing_midway_is_run_once_on_redelivery(harness: Harness) -> None:
    n = notification()
    calls = []

    def effect(verified: ac.Notification, tx: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            if harness.transactional:
                harness.record(tx, verified.dedup_key)  # written, then rolled back
            raise RuntimeError("the ledger service timed out")
        harness.record(tx, verified.dedup_key)

    assert process_once(harness.store, n, effect) == (500, CALLBACK_FAILED)
    assert harness.effects() == Counter()
    assert harness.store.state(n.dedup_key) is None  # released: no wait for the lease
    assert process_once(harness.store, n, effect) == ACK
    assert process_once(harness.store, n, effect) == ACK
    assert len(calls) == 2
    assert harness.effects() == Counter({n.dedup_key: 1})


def test_redis_cannot_undo_an_effect_that_wrote_before_failing(redis_srv: Redis) -> None:
    """The documented limit of the Redis store: no shared transaction, so an effect that wrote
    and then failed runs again on redelivery (make it idempotent by key on its own side)."""
    harness = RedisHarness(redis_srv)
    n = notification()
    calls = []

    def effect(verified: ac.Notification, tx: Any) -> None:
        calls.append(1)
        harness.record(tx, verified.dedup_key)
        if len(calls) == 1:
            raise RuntimeError("failed after writing")

    assert process_once(harness.store, n, effect) == (500, CALLBACK_FAILED)
    assert process_once(harness.store, n, effect) == ACK
    assert harness.effects() == Counter({n.dedup_key: 2})


CHILD = r"""
import json, os, sys
import antom_core as ac
from antom_core.dedup import PostgresStore, RedisStore, SQLiteStore, process_once

config, body, headers, keys = json.loads(sys.argv[1]), sys.argv[2].encode(), json.loads(sys.argv[3]), sys.argv[4]
client = ac.Client(client_id=headers[1][1], antom_public_key=open(keys + "/TEST-ONLY-antom.public.spki.b64").read())
notification = client.verify_notification("/antom/notify", headers, body)
kind = config["kind"]
if kind == "sqlite":
    store = SQLiteStore(config["path"])
elif kind == "postgres":
    store = PostgresStore(config["conninfo"], table=config["table"])
else:
    store = RedisStore(config["url"], prefix=config["prefix"])

def effect(n, tx):
    if kind == "sqlite":
        tx.execute("INSERT INTO effects (dedup_key) VALUES (?)", (n.dedup_key,))
    elif kind == "postgres":
        tx.execute("INSERT INTO " + config["effects"] + " (dedup_key) VALUES (%s)", (n.dedup_key,))
    os._exit(17)  # the worker dies mid-effect: no commit, no answer, no release

process_once(store, notification, effect, lease_ms=int(config["lease_ms"]))
sys.exit(0)
"""


def test_a_crashed_workers_claim_is_taken_over_once(harness: Harness) -> None:
    body = paid_body(unique("crash"))
    headers = signed(body)
    n = CLIENT.verify_notification(NOTIFY, headers, body)
    config = dict(harness.config(), lease_ms=LEASE_MS)
    child = subprocess.run(
        [sys.executable, "-I", "-c", CHILD, json.dumps(config), body.decode(), json.dumps(headers), str(KEYS)],
        capture_output=True, text=True, timeout=60,
    )
    assert child.returncode == 17, child.stderr
    died = time.monotonic()  # the child claimed shortly before: its lease ends before died + lease
    assert harness.store.state(n.dedup_key) == "claimed"
    assert harness.effects() == Counter()  # the SQL stores rolled the half-done effect back

    runs = []

    def effect(verified: ac.Notification, tx: Any) -> None:
        runs.append(1)
        harness.record(tx, verified.dedup_key)

    if time.monotonic() - died < 0.5:  # (a CI machine may pause us longer: then only the takeover)
        assert process_once(harness.store, n, effect, lease_ms=LEASE_MS) == (500, "IN_PROGRESS")
        assert runs == []
    time.sleep(max(0.0, died + LEASE_MS / 1000 + 0.2 - time.monotonic()))
    assert process_once(harness.store, n, effect, lease_ms=LEASE_MS) == ACK  # taken over
    assert process_once(harness.store, n, effect, lease_ms=LEASE_MS) == ACK  # done
    assert runs == [1]
    assert harness.effects() == Counter({n.dedup_key: 1})


def test_a_taken_over_claim_cannot_complete(harness: Harness) -> None:
    key = unique("fence")
    first = harness.store.claim(key, LEASE_MS)
    assert first.outcome is ClaimOutcome.CLAIMED
    assert harness.store.claim(key, LEASE_MS).outcome is ClaimOutcome.IN_PROGRESS
    time.sleep(LEASE_MS / 1000 + 0.1)
    second = harness.store.claim(key, LEASE_MS)
    assert second.outcome is ClaimOutcome.CLAIMED and second.token != first.token

    with pytest.raises(ClaimLostError):
        harness.store.complete(first, lambda tx: harness.record(tx, key))
    harness.store.release(first)  # not the holder's: a no-op
    assert harness.store.state(key) == "claimed"
    harness.store.complete(second, lambda tx: harness.record(tx, key))
    assert harness.store.claim(key, LEASE_MS).outcome is ClaimOutcome.ALREADY_DONE
    # SQL: the stale worker's effect never ran (fenced first); Redis: it ran, as documented.
    assert harness.effects() == Counter({key: 1 if harness.transactional else 2})


@contextmanager
def store_that_is_down(kind: str, tmp_path: Path) -> Iterator[Any]:
    if kind == "sqlite":
        yield SQLiteStore(str(tmp_path / "no-such-directory" / "dedup.sqlite3"), timeout_s=0.5)
    elif kind == "postgres":
        yield PostgresStore(f"host=127.0.0.1 port={free_port()} user=postgres dbname=postgres", timeout_s=1)
    else:
        yield RedisStore(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5)


@contextmanager
def store_that_is_slow(harness: Harness, key: str) -> Iterator[Any]:
    """The harness's database made slow for `key`: its lock held by someone else (SQLite: the
    database's write lock; PostgreSQL: the row's lock), or the whole server paused (Redis)."""
    if isinstance(harness, SQLiteHarness):
        sqlite = SQLiteStore(harness.path, timeout_s=0.5)
        blocker = sqlite.connect()
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield sqlite
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    elif isinstance(harness, PostgresHarness):
        assert harness.store.claim(key, LEASE_MS).outcome is ClaimOutcome.CLAIMED
        time.sleep(LEASE_MS / 1000 + 0.1)  # expired: the next claim would take it over...
        pg = PostgresStore(harness.conninfo, table=harness.table, timeout_s=0.5)
        with harness.store.connect() as locker:
            with locker.transaction():  # ...but a worker holds the row's lock
                locker.execute(f"SELECT 1 FROM {harness.table} WHERE dedup_key = %s FOR UPDATE", (key,))
                yield pg
    else:
        assert isinstance(harness, RedisHarness)
        redis = RedisStore(harness.url, prefix=harness.prefix, timeout_s=0.5)
        harness.redis.execute_command("CLIENT", "PAUSE", "1500", "ALL")  # type: ignore[no-untyped-call]
        try:
            yield redis
        finally:
            harness.redis.execute_command("CLIENT", "UNPAUSE")  # type: ignore[no-untyped-call]


def test_a_store_that_is_down_or_slow_answers_500_without_the_effect(harness: Harness, tmp_path: Path) -> None:
    runs = []

    def effect(verified: ac.Notification, tx: Any) -> None:
        runs.append(1)

    with store_that_is_down(harness.name, tmp_path) as down:
        started = time.monotonic()
        assert process_once(down, notification(), effect) == (500, "STORE_UNAVAILABLE")
        assert time.monotonic() - started < 5
    n = notification()
    with store_that_is_slow(harness, n.dedup_key) as slow:
        started = time.monotonic()
        assert process_once(slow, n, effect, lease_ms=LEASE_MS) == (500, "STORE_UNAVAILABLE")
        assert time.monotonic() - started < 5
    assert runs == []
    # Back to normal, the redelivery runs the effect once.
    assert process_once(harness.store, n, effect, lease_ms=LEASE_MS) == ACK
    assert runs == [1]


# --- the dispatcher ------------------------------------------------------------------------


def refund_body(refund_id: str) -> bytes:
    return json.dumps({
        "notifyType": "REFUND_RESULT", "refundId": refund_id, "refundRequestId": "rr-" + refund_id,
        "refundAmount": {"currency": "USD", "value": "500"}, "refundStatus": "SUCCESS",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    }, separators=(",", ":")).encode()


def test_the_dispatcher_routes_typed_models_once(tmp_path: Path) -> None:
    harness = SQLiteHarness(tmp_path)
    dispatcher = Dispatcher(CLIENT, store=harness.store)
    seen: List[Delivery] = []

    @dispatcher.on("PAYMENT_RESULT")
    def paid(delivery: Delivery) -> None:
        assert isinstance(delivery.model, models.NotifyPaymentRequest)
        assert delivery.outcome is ac.Outcome.SUCCEEDED
        harness.record(delivery.tx, delivery.dedup_key)
        seen.append(delivery)

    def refunded(delivery: Delivery) -> None:
        assert isinstance(delivery.model, models.NotifyRefundRequest)
        assert delivery.model.refund_amount is not None and delivery.model.refund_amount.value == "500"
        harness.record(delivery.tx, delivery.dedup_key)
        seen.append(delivery)

    dispatcher.on("REFUND_RESULT", refunded)
    with pytest.raises(ValueError, match="registered already"):
        dispatcher.on("REFUND_RESULT", refunded)

    pay, refund = paid_body(unique("p")), refund_body(unique("r"))
    for body in (pay, refund, pay, refund):
        assert dispatcher.handle(NOTIFY, signed(body), body) == ACK
    assert [d.notify_type for d in seen] == ["PAYMENT_RESULT", "REFUND_RESULT"]
    assert seen[0].model.payment_id == json.loads(pay)["paymentId"]
    assert harness.effects() == Counter({seen[0].dedup_key: 1, seen[1].dedup_key: 1})
    assert "body" not in repr(seen[0]) and json.loads(pay)["paymentId"] not in repr(seen[0])

    # A forgery: 401 with the code, no handler.
    forged = pay.replace(b"1000", b"9999")
    assert dispatcher.handle(NOTIFY, signed(pay), forged) == (401, "SIGNATURE_MISMATCH")
    assert dispatcher.handle(NOTIFY, [], pay) == (401, "MISSING_HEADER")
    assert len(seen) == 2


def test_the_dispatcher_fallback_unknown_types_and_bad_bodies(tmp_path: Path) -> None:
    store = SQLiteHarness(tmp_path).store
    dispatcher = Dispatcher(CLIENT, store=store)
    capture = json.dumps({"notifyType": "CAPTURE_RESULT", "captureId": unique("c"),
                          "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "ok"}}).encode()
    odd = json.dumps({"notifyType": "SOMETHING_NEW", "paymentId": unique("x")}).encode()
    # No handler and no fallback: acknowledged (retrying would not help), nothing recorded.
    assert dispatcher.handle(NOTIFY, signed(odd), odd) == ACK
    got: List[Delivery] = []
    dispatcher.fallback(got.append)
    assert dispatcher.handle(NOTIFY, signed(capture), capture) == ACK
    assert dispatcher.handle(NOTIFY, signed(odd), odd) == ACK
    assert isinstance(got[0].model, models.NotifyCaptureRequest) and got[1].model is None
    assert dispatcher.handle(NOTIFY, signed(odd), odd) == ACK and len(got) == 2  # a duplicate

    # A verified body that does not fit its model: 500 INVALID_MODEL, the handler not run.
    dispatcher.on("PAYMENT_RESULT", got.append)
    bad = json.dumps({"notifyType": "PAYMENT_RESULT", "paymentId": unique("b"), "result": "not an object"}).encode()
    assert dispatcher.handle(NOTIFY, signed(bad), bad) == (500, INVALID_MODEL)
    assert len(got) == 2
    assert NOTIFICATION_MODELS["REFUND_RESULT"] is models.NotifyRefundRequest
    assert NOTIFICATION_MODELS["DISPUTE_CREATED"] is models.DisputeNotify


def test_the_dispatcher_without_a_store_and_with_a_failing_handler() -> None:
    dispatcher = Dispatcher(CLIENT)
    calls: List[str] = []

    @dispatcher.on("PAYMENT_RESULT")
    def flaky(delivery: Delivery) -> None:
        calls.append(delivery.dedup_key)
        assert delivery.tx is None
        if len(calls) == 1:
            raise RuntimeError("down")

    body = paid_body(unique("p"))
    assert dispatcher.handle(NOTIFY, signed(body), body) == (500, CALLBACK_FAILED)
    assert dispatcher.handle(NOTIFY, signed(body), body) == ACK
    assert dispatcher.handle(NOTIFY, signed(body), body) == ACK  # no store: runs every time
    assert len(calls) == 3
    with pytest.raises(ac.InvalidInputError):
        Dispatcher(CLIENT, lease_ms=100)


def test_the_flask_and_django_adapters_dispatch(tmp_path: Path) -> None:
    import django  # type: ignore[import-untyped, unused-ignore]
    import flask
    from django.conf import settings  # type: ignore[import-untyped, unused-ignore]
    from django.test import RequestFactory  # type: ignore[import-untyped, unused-ignore]

    from antom_core.webhooks import django as django_hook
    from antom_core.webhooks import flask as flask_hook

    harness = SQLiteHarness(tmp_path)
    dispatcher = Dispatcher(CLIENT, store=harness.store)
    dispatcher.on("PAYMENT_RESULT", lambda d: harness.record(d.tx, d.dedup_key))

    app = flask.Flask("dedup")

    @app.post(NOTIFY)
    def notify() -> Any:
        return flask_hook.dispatch(dispatcher, path=NOTIFY)

    body = paid_body(unique("flask"))
    with app.test_client() as web:
        for expected in (ACK, ACK):
            reply = web.post(NOTIFY, data=body, headers=signed(body))
            assert (reply.status_code, reply.get_data(as_text=True)) == expected
        reply = web.post(NOTIFY, data=body + b" ", headers=signed(body))
        assert (reply.status_code, reply.get_data(as_text=True)) == (401, "SIGNATURE_MISMATCH")

    if not settings.configured:
        settings.configure()
    django.setup(set_prefix=False)
    other = paid_body(unique("django"))
    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in signed(other) if name != "content-type"}
    for expected in (ACK, ACK):
        request = RequestFactory().post(NOTIFY, data=other, content_type="application/json", **extra)
        reply = django_hook.dispatch(request, dispatcher, path=NOTIFY)
        assert (reply.status_code, reply.content.decode()) == expected
    assert sorted(harness.effects().values()) == [1, 1]


def test_the_readme_dispatcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """python/README.md's exactly-once example, run as written (SQLite in a temporary cwd)."""
    import re
    import sqlite3

    readme = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- tested: python/tests/test_dedup.py -->\n```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    order = unique("order")
    with sqlite3.connect("antom-dedup.sqlite3") as db:
        db.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, paid INTEGER NOT NULL DEFAULT 0)")
        db.execute("INSERT INTO orders (id) VALUES (?)", (order,))
    namespace: Dict[str, Any] = {"client": CLIENT}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    dispatcher: Dispatcher = namespace["dispatcher"]
    body = json.dumps({"notifyType": "PAYMENT_RESULT", "paymentRequestId": order, "paymentId": unique("p"),
                       "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "ok"}}).encode()
    for _ in range(2):
        assert dispatcher.handle(NOTIFY, signed(body), body) == ACK
    refund = refund_body(unique("r"))
    assert dispatcher.handle(NOTIFY, signed(refund), refund) == ACK  # the fallback
    with sqlite3.connect("antom-dedup.sqlite3") as db:
        assert db.execute("SELECT paid FROM orders WHERE id = ?", (order,)).fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM antom_dedup WHERE state = 'done'").fetchone() == (2,)


# --- the load test: the simulator delivering to FastAPI under uvicorn ------------------------


@contextmanager
def serve_fastapi(dispatcher: Dispatcher) -> Iterator[str]:
    import uvicorn
    from fastapi import FastAPI

    from antom_core.webhooks import fastapi as fastapi_hook

    app = FastAPI()

    async def notify(request: StarletteRequest) -> Any:
        return await fastapi_hook.dispatch(request, dispatcher, path=NOTIFY)

    app.add_api_route(NOTIFY, notify, methods=["POST"])

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
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


def test_the_fastapi_adapter_dispatches(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    harness = SQLiteHarness(tmp_path)
    small = ac.Client(client_id=CLIENT_ID, antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
                      max_body_bytes=1024)
    dispatcher = Dispatcher(small, store=harness.store)
    dispatcher.on("PAYMENT_RESULT", lambda d: harness.record(d.tx, d.dedup_key))

    def post(url: str, body: bytes, headers: List[Tuple[str, str]]) -> Tuple[int, str]:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    body = paid_body(unique("fastapi"))
    with serve_fastapi(dispatcher) as url:
        assert post(url + NOTIFY, body, signed(body)) == ACK
        assert post(url + NOTIFY, body, signed(body)) == ACK
        assert post(url + NOTIFY, body.replace(b"1000", b"1001"), signed(body)) == (401, "SIGNATURE_MISMATCH")
        big = body[:-1] + b',"pad":"' + b"x" * 2048 + b'"}'
        assert post(url + NOTIFY, big, signed(big)) == (401, "INVALID_INPUT")
    assert list(harness.effects().values()) == [1]


LOAD_N = int(os.environ.get("ANTOM_DEDUP_LOAD_N", "30"))
LOAD_DUPLICATES = 4
LOAD_PARALLEL = 16


def trigger_command(url: str, index: int, run: str) -> List[str]:
    """`antom trigger` for notification `index`: a PAYMENT_RESULT or a REFUND_RESULT whose id
    (so its dedup_key) is fixed, re-signed on every delivery as Antom does."""
    base = [antom_binary(), "trigger"]
    if index % 2 == 0:
        return [*base, "notifyPayment", "--to", url + NOTIFY, "--antom-private-key", str(ANTOM_KEY),
                "--payment-request-id", f"load-{run}-{index}", "--set", f"paymentId=PAY-{run}-{index}"]
    return [*base, "notify", "--type", "REFUND_RESULT", "--to", url + NOTIFY, "--antom-private-key",
            str(ANTOM_KEY), "--set", f"refundId=RF-{run}-{index}"]


@pytest.mark.parametrize("kind", STORES)
def test_load_every_effect_exactly_once(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    harness = (SQLiteHarness(tmp_path) if kind == "sqlite" else PostgresHarness(request.getfixturevalue("pg"))
               if kind == "postgres" else RedisHarness(request.getfixturevalue("redis_srv")))
    run = uuid.uuid4().hex[:8]
    dispatcher = Dispatcher(CLIENT, store=harness.store, lease_ms=30_000)
    fail_once: Set[str] = set()  # the keys whose first run fails mid-way
    lock = threading.Lock()
    runs: "Counter[str]" = Counter()

    def effect(delivery: Delivery) -> None:
        key = delivery.dedup_key
        with lock:  # the test's bookkeeping only: the store does the deduplication
            runs[key] += 1
            first = runs[key] == 1
        index = int(key.rsplit("-", 1)[1])
        time.sleep(0.01)  # some work, so that duplicates overlap
        if first and index % 5 == 0:
            fail_once.add(key)
            if harness.transactional:
                harness.record(delivery.tx, key)  # written, then rolled back
            raise RuntimeError("the fulfilment service failed mid-way")
        harness.record(delivery.tx, key)

    def paid(delivery: Delivery) -> None:
        assert isinstance(delivery.model, models.NotifyPaymentRequest)
        effect(delivery)

    def refunded(delivery: Delivery) -> None:
        assert isinstance(delivery.model, models.NotifyRefundRequest)
        effect(delivery)

    dispatcher.on("PAYMENT_RESULT", paid)
    dispatcher.on("REFUND_RESULT", refunded)

    deliveries: "Counter[int]" = Counter()
    answers: "Counter[str]" = Counter()  # what the app answered: ACK, or the 500's reason code
    handle = dispatcher.handle

    def counted(path: str, headers: Any, body: bytes) -> Any:
        answer = handle(path, headers, body)
        with lock:
            answers["ACK" if answer == ACK else f"{answer.status} {answer.body}"] += 1
        return answer

    dispatcher.handle = counted  # type: ignore[method-assign, assignment]

    def deliver(url: str, index: int) -> None:
        """One delivery of notification `index`, repeated until acknowledged (as Antom does)."""
        for attempt in range(12):
            done = subprocess.run(trigger_command(url, index, run), capture_output=True, text=True, timeout=60)
            answer = "ACK" if done.returncode == 0 else done.stdout.split("answer: ", 1)[-1].split(",")[0]
            with lock:
                deliveries[index] += 1
            if done.returncode == 0:
                return
            assert answer == "HTTP 500", done.stdout + done.stderr  # only a 500 is delivered again
            time.sleep(0.02 * (attempt + 1))
        raise AssertionError(f"notification {index} was never acknowledged: {done.stdout}")

    started = time.monotonic()
    with serve_fastapi(dispatcher) as url:
        with ThreadPoolExecutor(LOAD_PARALLEL) as pool:
            # Each notification's duplicates are submitted together, so they run at once.
            jobs = [pool.submit(deliver, url, index) for index in range(LOAD_N) for _ in range(LOAD_DUPLICATES)]
            for job in jobs:
                job.result()
    wall = time.monotonic() - started

    effects = harness.effects()
    keys = {f"PAYMENT_RESULT:paymentId=PAY-{run}-{i}" if i % 2 == 0 else f"REFUND_RESULT:refundId=RF-{run}-{i}"
            for i in range(LOAD_N)}
    assert set(effects) == keys, "an effect was lost or invented"
    assert all(count == 1 for count in effects.values()), [k for k, c in effects.items() if c != 1]
    assert len(fail_once) == len([i for i in range(LOAD_N) if i % 5 == 0])
    assert all(runs[key] == 2 for key in fail_once)  # failed once, then run once
    assert answers["500 CALLBACK_FAILED"] == len(fail_once)
    assert answers["ACK"] == LOAD_N * LOAD_DUPLICATES  # every delivery ends acknowledged
    assert sum(answers.values()) == sum(deliveries.values())
    total = sum(deliveries.values())
    print(f"\n[dedup load {kind}] N={LOAD_N} notifications x {LOAD_DUPLICATES} concurrent deliveries "
          f"(antom trigger, {LOAD_PARALLEL} at a time): {total} deliveries ({total - LOAD_N} duplicates "
          f"and redeliveries), answers {dict(sorted(answers.items()))}; {len(fail_once)} effects failed "
          f"mid-way and were delivered again; effects counted {sum(effects.values())} for {len(keys)} "
          f"keys (each once); wall {wall:.1f} s")


@pytest.mark.parametrize("kind", STORES)
def test_antom_mock_redelivers_after_a_failed_effect(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The real flow: checkouts on `antom mock` (its retry schedule divided by 600: the second
    attempt 0.2 s after the first) notify the FastAPI app; the first run of every other
    handler fails mid-way, the simulator delivers it again, and each effect happens once."""
    import urllib.request

    harness = (SQLiteHarness(tmp_path) if kind == "sqlite" else PostgresHarness(request.getfixturevalue("pg"))
               if kind == "postgres" else RedisHarness(request.getfixturevalue("redis_srv")))
    dispatcher = Dispatcher(CLIENT, store=harness.store)
    runs: "Counter[str]" = Counter()
    orders = [unique("mock") for _ in range(6)]

    @dispatcher.on("PAYMENT_RESULT")
    def paid(delivery: Delivery) -> None:
        assert isinstance(delivery.model, models.NotifyPaymentRequest)
        order = str(delivery.model.payment_request_id)
        runs[order] += 1
        if runs[order] == 1 and orders.index(order) % 2 == 0:
            if harness.transactional:
                harness.record(delivery.tx, order)  # rolled back
            raise RuntimeError("failed mid-way")
        harness.record(delivery.tx, order)

    with serve_fastapi(dispatcher) as url, antom_mock(tmp_path, "--time-scale", "600") as mock:
        merchant = ac.Client(client_id=CLIENT_ID, private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
                             antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"), gateway_url=mock.url)
        for order in orders:
            pay = merchant.send("v1/payments/pay", pay_body(order, notify_url=url + NOTIFY))
            assert pay.outcome is ac.Outcome.PENDING and pay.response is not None
            with urllib.request.urlopen(pay.response.json()["normalUrl"], timeout=10) as page:
                assert page.status == 200
        deadline = time.monotonic() + 30
        while harness.effects() != Counter({order: 1 for order in orders}):
            assert time.monotonic() < deadline, f"effects {harness.effects()}, runs {runs}"
            time.sleep(0.05)
    assert runs == Counter({order: 2 if i % 2 == 0 else 1 for i, order in enumerate(orders)})
