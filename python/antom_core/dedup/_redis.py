"""The Redis store (redis-py, imported when the store is built)."""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from . import Claim, ClaimLostError, ClaimOutcome, new_token

__all__ = ["RedisStore"]

T = TypeVar("T")

# KEYS[1] the key; ARGV[1] the claim value, ARGV[2] the lease in ms. One atomic step: claim
# with SET NX PX (an expired claim is gone, so it is taken over), else say what is there.
_CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'CLAIMED' end
local value = redis.call('GET', KEYS[1])
if value == 'done' then return 'ALREADY_DONE' end
return 'IN_PROGRESS'
"""

# KEYS[1] the key; ARGV[1] this claim's value, ARGV[2] the done marker's lifetime in ms (0: none).
_COMPLETE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
else redis.call('SET', KEYS[1], 'done') end
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore:
    """Claims and done markers in Redis: one string per ``dedup_key`` under ``prefix``.

    * ``claim``: ``SET key claimed:<token> NX PX lease`` (in a script that also reads what is
      there when the key exists: ``done`` or another claim). An expired claim has vanished,
      so the next ``SET NX`` takes it over.
    * ``complete``: your ``effect(None)`` runs, **then** a script replaces this claim (and
      only this one: :class:`ClaimLostError` otherwise) with ``done``.
    * ``release``: deletes the claim if it is still this one.

    **Redis cannot share a transaction with your effect.** If the completion cannot be
    recorded after the effect ran (Redis went away, the process died in between, the lease
    expired first), the redelivery runs the effect again. Make the effect idempotent by key on
    its own side (e.g. a unique constraint on the ``dedup_key`` in the database it writes to),
    or use :class:`SQLiteStore` / :class:`PostgresStore`, where effect and completion commit
    together.

    ``url``: ``redis://host:port/db`` (its password is never logged by this package).
    ``timeout_s``: the connect and socket timeouts (a slow server counts as unavailable).
    ``done_ttl_ms``: how long a done marker is kept (default: forever; at least a day, as
    Antom redelivers for about a day). ``client``: an existing ``redis.Redis`` instead.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        prefix: str = "antom:dedup:",
        timeout_s: float = 5.0,
        done_ttl_ms: Optional[int] = None,
        client: Optional[Any] = None,
    ) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        if not timeout_s > 0:
            raise ValueError("timeout_s must be > 0")
        if done_ttl_ms is not None and done_ttl_ms < 86_400_000:
            raise ValueError("done_ttl_ms must be at least one day (86400000), or None")
        self.prefix = prefix
        self.timeout_s = float(timeout_s)
        self.done_ttl_ms = done_ttl_ms
        self._redis = client if client is not None else redis.Redis.from_url(
            url,
            socket_timeout=self.timeout_s,
            socket_connect_timeout=self.timeout_s,
            # No retries inside a call: a store that is down answers 500 at once, and Antom
            # delivers again (redis-py retries 3 times with backoff by default).
            retry=Retry(NoBackoff(), 0),
        )
        self._claim = self._redis.register_script(_CLAIM)
        self._complete = self._redis.register_script(_COMPLETE)
        self._release = self._redis.register_script(_RELEASE)

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self.prefix!r})"

    def create_table(self) -> None:
        """Nothing to create: checks that the server answers (``PING``)."""
        self._redis.ping()

    def _key(self, key: str) -> str:
        return self.prefix + key

    def claim(self, key: str, lease_ms: int) -> Claim:
        token = new_token()
        answer = self._claim(keys=[self._key(key)], args=["claimed:" + token, int(lease_ms)])
        if isinstance(answer, bytes):
            answer = answer.decode()
        if answer == "CLAIMED":
            return Claim(key, ClaimOutcome.CLAIMED, token)
        if answer == "ALREADY_DONE":
            return Claim(key, ClaimOutcome.ALREADY_DONE)
        if answer == "IN_PROGRESS":
            return Claim(key, ClaimOutcome.IN_PROGRESS)
        raise RuntimeError("unexpected answer from the claim script")

    def complete(self, claim: Claim, effect: Callable[[Any], T]) -> T:
        result = effect(None)
        recorded = self._complete(
            keys=[self._key(claim.key)], args=["claimed:" + str(claim.token), self.done_ttl_ms or 0]
        )
        if int(recorded) != 1:
            raise ClaimLostError("the claim was taken over: its lease expired")
        return result

    def release(self, claim: Claim) -> None:
        self._release(keys=[self._key(claim.key)], args=["claimed:" + str(claim.token)])

    def state(self, key: str) -> Optional[str]:
        """``"claimed"``, ``"done"`` or ``None``: what Redis holds for ``key``."""
        value = self._redis.get(self._key(key))
        if value is None:
            return None
        text = value.decode() if isinstance(value, bytes) else str(value)
        return "done" if text == "done" else "claimed"
