"""The SQLite store (stdlib ``sqlite3``): the embedded default."""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Optional, TypeVar

from . import Claim, ClaimLostError, ClaimOutcome, new_token

__all__ = ["SQLiteStore"]

T = TypeVar("T")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _table_name(table: str) -> str:
    if not isinstance(table, str) or not _IDENTIFIER.match(table):
        raise ValueError("table must be an SQL identifier: letters, digits, _ (at most 63)")
    return table


class SQLiteStore:
    """Claims and completions in an SQLite table (one row per ``dedup_key``, the primary key).

    * ``claim``: one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` (SQLite >= 3.24) inside
      ``BEGIN IMMEDIATE``: a new key is inserted; an existing claim whose lease expired
      (``expires_at_ms <= now``) is taken over with a new token; anything else is left alone
      and its state read in the same transaction.
    * ``complete``: ``BEGIN IMMEDIATE``, the fenced ``UPDATE ... SET state = 'done' WHERE
      token = ?`` (0 rows: :class:`ClaimLostError`), then your ``effect(connection)`` on the
      same connection, then ``COMMIT``; anything raised rolls both back. The effect must not
      commit or roll back itself.
    * ``release``: deletes the claim if it still carries this token.

    ``path``: the database file (every worker process on the host opens the same file; not on
    a network file system). ``timeout_s``: how long to wait for the database lock (SQLite's
    busy timeout) before the store counts as unavailable. Each call opens its own connection,
    so a store is safe to share between threads. The lease clock is this host's wall clock.
    """

    def __init__(self, path: str, *, table: str = "antom_dedup", timeout_s: float = 5.0) -> None:
        import sqlite3

        self._sqlite3 = sqlite3
        self.path = str(path)
        self.table = _table_name(table)
        if not timeout_s > 0:
            raise ValueError("timeout_s must be > 0")
        self.timeout_s = float(timeout_s)

    def __repr__(self) -> str:
        return f"SQLiteStore(path={self.path!r}, table={self.table!r})"

    def connect(self) -> Any:
        """A new connection in autocommit mode (transactions are explicit)."""
        conn = self._sqlite3.connect(
            self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False
        )
        return conn

    def create_table(self) -> None:
        """Creates the table if it does not exist, and turns on WAL (readers do not block the
        writer). Run once at start-up (or in a migration)."""
        conn = self.connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                " dedup_key TEXT PRIMARY KEY,"
                " state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),"
                " token TEXT,"
                " expires_at_ms INTEGER,"
                " done_at_ms INTEGER)"
            )
        finally:
            conn.close()

    def claim(self, key: str, lease_ms: int) -> Claim:
        token = new_token()
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                now = int(time.time() * 1000)
                cursor = conn.execute(
                    f"INSERT INTO {self.table} (dedup_key, state, token, expires_at_ms)"
                    " VALUES (?, 'claimed', ?, ?)"
                    " ON CONFLICT (dedup_key) DO UPDATE SET"
                    " token = excluded.token, expires_at_ms = excluded.expires_at_ms"
                    f" WHERE {self.table}.state = 'claimed' AND {self.table}.expires_at_ms <= ?",
                    (key, token, now + lease_ms, now),
                )
                claimed = cursor.rowcount == 1
                state = None
                if not claimed:
                    row = conn.execute(
                        f"SELECT state FROM {self.table} WHERE dedup_key = ?", (key,)
                    ).fetchone()
                    state = row[0] if row else None
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        if claimed:
            return Claim(key, ClaimOutcome.CLAIMED, token)
        if state == "done":
            return Claim(key, ClaimOutcome.ALREADY_DONE)
        return Claim(key, ClaimOutcome.IN_PROGRESS)

    def complete(self, claim: Claim, effect: Callable[[Any], T]) -> T:
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(
                    f"UPDATE {self.table} SET state = 'done', token = NULL, expires_at_ms = NULL,"
                    " done_at_ms = ? WHERE dedup_key = ? AND state = 'claimed' AND token = ?",
                    (int(time.time() * 1000), claim.key, claim.token),
                )
                if cursor.rowcount != 1:
                    raise ClaimLostError("the claim was taken over: its lease expired")
                result = effect(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        return result

    def release(self, claim: Claim) -> None:
        conn = self.connect()
        try:
            conn.execute(
                f"DELETE FROM {self.table} WHERE dedup_key = ? AND state = 'claimed' AND token = ?",
                (claim.key, claim.token),
            )
        finally:
            conn.close()

    def state(self, key: str) -> Optional[str]:
        """``"claimed"``, ``"done"`` or ``None``: what the table holds for ``key`` (for tests
        and operations)."""
        conn = self.connect()
        try:
            row = conn.execute(
                f"SELECT state FROM {self.table} WHERE dedup_key = ?", (key,)
            ).fetchone()
        finally:
            conn.close()
        return None if row is None else str(row[0])
