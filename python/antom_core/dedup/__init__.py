"""Exactly-once processing of verified notifications.

Antom delivers a notification until it is acknowledged (up to 8 times in about a day), and two
deliveries of the same one can arrive at the same time, on two workers. :func:`process_once`
runs your effect at most once per :attr:`Notification.dedup_key <antom_core.Notification.dedup_key>`
and gives the answer the core's decision table gives (``antom_core::dedup``):

===========================================  =======================================  ==========
the store's claim / the effect               the effect                               the answer
===========================================  =======================================  ==========
``CLAIMED``, effect and completion committed  ran once                                 200 ACK
``ALREADY_DONE``                             not run                                  200 ACK
``IN_PROGRESS`` (another worker's claim)     not run                                  500
``STORE_UNAVAILABLE`` (down, slow, error)    not run                                  500
``CLAIMED``, the effect raised               rolled back (SQL stores), claim released 500
``CLAIMED``, the completion failed           rolled back (SQL stores), claim released 500
===========================================  =======================================  ==========

A 500 makes Antom deliver the notification again; its body is the reason code only
(``IN_PROGRESS``, ``STORE_UNAVAILABLE``, ``CALLBACK_FAILED``, ``COMPLETION_FAILED``).

A claim has a lease (default 60 s, 1 s to 1 h, see :func:`lease_bounds`): the claim of a
worker that crashed expires and the next delivery takes it over. Every store fences its
completion with the claim's token, so a worker whose claim was taken over cannot record a
completion too. Choose a lease longer than your effect can take.

Concurrency is the database's: a unique key (SQLite, PostgreSQL) or ``SET NX`` (Redis), never
a lock in this process. The stores (each imports its client library only when built; this
package depends on none):

* :class:`SQLiteStore` (stdlib ``sqlite3``, the embedded default) and :class:`PostgresStore`
  (psycopg 3): your effect runs **in the same transaction** as the completion record, on the
  connection it is given: both commit, or neither does.
* :class:`RedisStore` (redis-py): Redis cannot share a transaction with your effect. The
  effect runs, then the completion is recorded; if that fails (or the process dies in
  between), the redelivery runs the effect again. Make the effect idempotent by key on its
  own side (a unique constraint on the ``dedup_key`` where it writes), or use an SQL store.

::

    from antom_core.dedup import SQLiteStore, process_once

    store = SQLiteStore("antom-dedup.sqlite3")
    store.create_table()

    def effect(notification, tx):          # tx: the store's connection, in its transaction
        tx.execute("UPDATE orders SET paid = 1 WHERE id = ?", (order_id_of(notification),))

    status, body = process_once(store, notification, effect)

Never a key, a signature or a body in a log line of this package: the effect's exception is
logged (type and traceback) to the ``antom_core.webhooks`` logger, a store's by its type only.
"""

from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Callable, List, NamedTuple, Optional, Protocol, TypeVar

from .._api import Notification
from .._errors import _call
from .._ffi import antom_core as _ffi
from ..webhooks import WebhookAnswer

__all__ = [
    "Claim",
    "ClaimLostError",
    "ClaimOutcome",
    "DedupStore",
    "Effect",
    "LeaseBounds",
    "PostgresStore",
    "RedisStore",
    "SQLiteStore",
    "lease_bounds",
    "lease_ms",
    "new_token",
    "process_once",
]

T = TypeVar("T")

_log = logging.getLogger("antom_core.webhooks")


class ClaimOutcome(str, enum.Enum):
    """What a store reports when asked to claim a key."""

    #: This worker holds the claim now: a new key, or an expired claim taken over.
    CLAIMED = "CLAIMED"
    #: The key's effect completed before: acknowledge without running it again.
    ALREADY_DONE = "ALREADY_DONE"
    #: Another worker holds an unexpired claim on the key.
    IN_PROGRESS = "IN_PROGRESS"
    #: The store could not answer (unreachable, too slow, an error).
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"

    def _native(self) -> "_ffi.ClaimOutcome":
        return getattr(_ffi.ClaimOutcome, self.value)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Claim:
    """A store's answer to :meth:`DedupStore.claim`. ``repr()`` shows neither key nor token."""

    #: The ``dedup_key`` claimed.
    key: str
    #: What the store reported.
    outcome: ClaimOutcome
    #: The claim's fencing token when ``CLAIMED`` (what :meth:`DedupStore.complete` and
    #: :meth:`DedupStore.release` check), else ``None``.
    token: Optional[str] = None

    def __repr__(self) -> str:
        return f"Claim(outcome={self.outcome.value!r})"


class ClaimLostError(RuntimeError):
    """Raised by a store's ``complete`` when the claim is no longer this worker's (its lease
    expired and another delivery took it over): the completion is not recorded, and an SQL
    store rolls the effect back."""


class DedupStore(Protocol):
    """Where claims and completions live. Concurrency is the database's job (a unique key,
    ``SET NX``); a store never takes a lock in this process."""

    def claim(self, key: str, lease_ms: int) -> Claim:
        """Claims ``key`` for ``lease_ms`` ms in one atomic operation: ``CLAIMED`` (new, or an
        expired claim taken over), ``ALREADY_DONE`` or ``IN_PROGRESS``. Raises when the store
        cannot answer (``process_once`` then answers 500 without the effect)."""
        ...

    def complete(self, claim: Claim, effect: Callable[[Any], T]) -> T:
        """Runs ``effect(tx)`` and records the claim's completion, in the same transaction
        where the store allows it (``tx`` is then the transaction's connection; else
        ``None``). Raises :class:`ClaimLostError` when the claim is no longer held, and
        whatever ``effect`` or the store raised (nothing recorded, an SQL store rolls back)."""
        ...

    def release(self, claim: Claim) -> None:
        """Deletes the claim if it is still this one (after a failed effect), so the next
        delivery claims at once instead of waiting for the lease."""
        ...


#: Your processing of a verified notification: ``effect(notification, tx)``, ``tx`` being the
#: store's connection in the transaction the completion is recorded in (``None`` for Redis).
#: Its return value is ignored.
Effect = Callable[[Notification, Any], Any]


class LeaseBounds(NamedTuple):
    """The core's lease bounds, in ms."""

    #: The lease used when none is given.
    default_ms: int
    #: The shortest lease accepted.
    min_ms: int
    #: The longest lease accepted.
    max_ms: int


def lease_bounds() -> LeaseBounds:
    """The lease bounds: used when none is given (60 s), the shortest (1 s), the longest (1 h)."""
    bounds = _ffi.dedup_lease_bounds()
    return LeaseBounds(bounds.default_ms, bounds.min_ms, bounds.max_ms)


def lease_ms(requested: Optional[int] = None) -> int:
    """The lease to claim with: ``requested`` ms, or the default. Raises
    :class:`antom_core.InvalidInputError` when it is out of bounds (or not an int)."""
    if requested is not None and (isinstance(requested, bool) or not isinstance(requested, int)):
        raise TypeError("lease_ms must be an int (milliseconds) or None")
    if requested is not None and requested < 0:
        requested = 0  # out of bounds either way; the core names the bounds
    if requested is not None and requested >= 1 << 64:
        requested = (1 << 64) - 1
    return int(_call(_ffi.dedup_lease_ms, requested))


def new_token() -> str:
    """A fresh claim token (128 random bits, hex)."""
    return secrets.token_hex(16)


def _answer(native: "_ffi.DedupAnswer") -> WebhookAnswer:
    return WebhookAnswer(native.status, native.body)


def process_once(
    store: DedupStore,
    notification: Notification,
    effect: Effect,
    *,
    lease_ms: Optional[int] = None,
) -> WebhookAnswer:
    """Runs ``effect(notification, tx)`` at most once per ``notification.dedup_key`` through
    ``store``, and returns the answer to give Antom (see the module's table): ``200`` +
    :data:`antom_core.NOTIFICATION_ACK` only after the effect and its completion record
    committed, or for a key already done; ``500`` + the reason code otherwise (Antom delivers
    again). Pass only a notification :meth:`Client.verify_notification
    <antom_core.Client.verify_notification>` returned.

    ``lease_ms``: how long the claim holds (default 60 s; 1 s to 1 h). Raises
    :class:`antom_core.InvalidInputError` for a lease out of bounds, ``TypeError`` when
    ``effect`` returns an awaitable (stores are synchronous: from async code, run this in a
    thread, as :func:`antom_core.webhooks.fastapi.dispatch` does)."""
    lease = _lease(lease_ms)
    key = notification.dedup_key
    try:
        claim = store.claim(key, lease)
        if not isinstance(claim, Claim) or claim.key != key:
            raise TypeError("DedupStore.claim must return a Claim for the key it was given")
        outcome = claim.outcome
    except Exception as error:
        _log.error(
            "the dedup store could not claim the notification (%s); answering 500 without "
            "the effect so that Antom delivers it again",
            type(error).__name__,
        )
        claim, outcome = Claim(key, ClaimOutcome.STORE_UNAVAILABLE), ClaimOutcome.STORE_UNAVAILABLE
    step = _ffi.dedup_on_claim(ClaimOutcome(outcome)._native())
    if not step.run_effect:
        assert step.answer is not None
        return _answer(step.answer)

    effect_errors: List[BaseException] = []

    def run(tx: Any) -> Any:
        try:
            result = effect(notification, tx)
        except Exception as error:
            effect_errors.append(error)
            raise
        if _awaitable(result):
            refused = _AwaitableEffect("the effect returned an awaitable: stores are synchronous")
            effect_errors.append(refused)
            raise refused
        return result

    try:
        store.complete(claim, run)
        result = _ffi.EffectResult.COMMITTED
    except Exception as error:
        if effect_errors:
            if isinstance(effect_errors[0], _AwaitableEffect):
                _release(store, claim)
                raise effect_errors[0] from None
            _log.error(
                "the notification effect raised %s; answering 500 so that Antom delivers it again",
                type(effect_errors[0]).__name__,
                exc_info=effect_errors[0],
            )
            result = _ffi.EffectResult.EFFECT_FAILED
        else:
            _log.error(
                "the dedup store could not record the completion (%s); answering 500 so that "
                "Antom delivers it again",
                type(error).__name__,
            )
            result = _ffi.EffectResult.COMPLETION_FAILED
    answer = _ffi.dedup_after_effect(result)
    if answer.release:
        _release(store, claim)
    return _answer(answer)


class _AwaitableEffect(TypeError):
    """An effect returned an awaitable: a programming error, raised, not answered."""


def _lease(requested: Optional[int]) -> int:
    return lease_ms(requested)


def _release(store: DedupStore, claim: Claim) -> None:
    try:
        store.release(claim)
    except Exception as error:  # best effort: the lease expires anyway
        _log.warning(
            "the dedup store could not release a claim (%s): the next delivery waits for its lease",
            type(error).__name__,
        )


def _awaitable(value: Any) -> bool:
    import inspect

    if inspect.isawaitable(value):
        close = getattr(value, "close", None)
        if callable(close):
            close()  # never awaited: closed instead of left behind with a warning
        return True
    return False


from ._postgres import PostgresStore  # noqa: E402
from ._redis import RedisStore  # noqa: E402
from ._sqlite import SQLiteStore  # noqa: E402
