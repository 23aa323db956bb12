"""The PostgreSQL store (psycopg 3, imported when the store is built)."""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from . import Claim, ClaimLostError, ClaimOutcome, new_token
from ._sqlite import _table_name

__all__ = ["PostgresStore"]

T = TypeVar("T")


class PostgresStore:
    """Claims and completions in a PostgreSQL table (one row per ``dedup_key``, the primary
    key), with the database server's clock for leases.

    * ``claim``: one ``INSERT ... ON CONFLICT (dedup_key) DO UPDATE ... WHERE state =
      'claimed' AND expires_at <= clock_timestamp() RETURNING``: a new key, or an expired
      claim taken over with a new token; a concurrent claim of the same key waits for the
      first to commit (the unique index), then finds it. Otherwise the row's state is read.
    * ``complete``: one transaction: the fenced ``UPDATE ... SET state = 'done' WHERE token =
      %s`` first (0 rows: :class:`ClaimLostError`; the row stays locked until the commit, so
      no other worker can take the claim over meanwhile), your ``effect(connection)`` on the
      same connection, ``COMMIT``. Anything raised rolls both back. The effect must not commit
      or roll back itself (``connection.transaction()`` nests as a savepoint).
    * ``release``: deletes the claim if it still carries this token.

    ``conninfo``: a libpq connection string or URL (its password is never logged by this
    package). ``timeout_s`` bounds the connection (``connect_timeout``) and every statement
    and lock wait (``statement_timeout``, ``lock_timeout``): a slow server counts as
    unavailable. ``connect``: instead of a new connection per call, a function returning a
    context manager that yields a psycopg connection in autocommit mode (e.g.
    ``psycopg_pool.ConnectionPool(...).connection``).
    """

    def __init__(
        self,
        conninfo: str = "",
        *,
        table: str = "antom_dedup",
        timeout_s: float = 5.0,
        connect: Optional[Callable[[], Any]] = None,
    ) -> None:
        import psycopg

        self._psycopg = psycopg
        self.table = _table_name(table)
        if not timeout_s > 0:
            raise ValueError("timeout_s must be > 0")
        self.timeout_s = float(timeout_s)
        self._conninfo = conninfo
        self._connect = connect

    def __repr__(self) -> str:
        return f"PostgresStore(table={self.table!r})"

    def connect(self) -> Any:
        """A context manager yielding a connection in autocommit mode, with the timeouts set."""
        if self._connect is not None:
            return self._connect()
        ms = max(1, int(self.timeout_s * 1000))
        options = f"-c statement_timeout={ms} -c lock_timeout={ms}"
        conninfo = self._psycopg.conninfo
        given = conninfo.conninfo_to_dict(self._conninfo)
        if given.get("options"):
            options = f"{given['options']} {options}"
        timeout = given.get("connect_timeout") or max(1, int(round(self.timeout_s)))
        return self._psycopg.connect(
            conninfo.make_conninfo(self._conninfo, options=options, connect_timeout=timeout),
            autocommit=True,
        )

    def create_table(self) -> None:
        """Creates the table if it does not exist. Run once at start-up (or in a migration)."""
        with self.connect() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                " dedup_key text PRIMARY KEY,"
                " state text NOT NULL CHECK (state IN ('claimed', 'done')),"
                " token text,"
                " expires_at timestamptz,"
                " done_at timestamptz)"
            )

    def claim(self, key: str, lease_ms: int) -> Claim:
        token = new_token()
        with self.connect() as conn:
            row = conn.execute(
                f"INSERT INTO {self.table} AS d (dedup_key, state, token, expires_at)"
                " VALUES (%s, 'claimed', %s, clock_timestamp() + %s * interval '1 millisecond')"
                " ON CONFLICT (dedup_key) DO UPDATE SET"
                " token = EXCLUDED.token, expires_at = EXCLUDED.expires_at"
                " WHERE d.state = 'claimed' AND d.expires_at <= clock_timestamp()"
                " RETURNING d.token",
                (key, token, lease_ms),
            ).fetchone()
            if row is not None:
                return Claim(key, ClaimOutcome.CLAIMED, token)
            row = conn.execute(
                f"SELECT state FROM {self.table} WHERE dedup_key = %s", (key,)
            ).fetchone()
        if row is not None and row[0] == "done":
            return Claim(key, ClaimOutcome.ALREADY_DONE)
        return Claim(key, ClaimOutcome.IN_PROGRESS)

    def complete(self, claim: Claim, effect: Callable[[Any], T]) -> T:
        with self.connect() as conn:
            with conn.transaction():
                cursor = conn.execute(
                    f"UPDATE {self.table} SET state = 'done', token = NULL, expires_at = NULL,"
                    " done_at = clock_timestamp()"
                    " WHERE dedup_key = %s AND state = 'claimed' AND token = %s",
                    (claim.key, claim.token),
                )
                if cursor.rowcount != 1:
                    raise ClaimLostError("the claim was taken over: its lease expired")
                result = effect(conn)
        return result

    def release(self, claim: Claim) -> None:
        with self.connect() as conn:
            conn.execute(
                f"DELETE FROM {self.table} WHERE dedup_key = %s AND state = 'claimed' AND token = %s",
                (claim.key, claim.token),
            )

    def state(self, key: str) -> Optional[str]:
        """``"claimed"``, ``"done"`` or ``None``: what the table holds for ``key``."""
        with self.connect() as conn:
            row = conn.execute(
                f"SELECT state FROM {self.table} WHERE dedup_key = %s", (key,)
            ).fetchone()
        return None if row is None else str(row[0])
