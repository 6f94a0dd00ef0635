"""The one SQLite file of the embedded state: WAL, one connection per store instance, explicit
transactions.

WAL with ``synchronous=NORMAL``: a committed transaction survives the process being killed (kill -9);
only a power cut may lose the last few commits. Several processes may open the same file: writers
take SQLite's write lock (``BEGIN IMMEDIATE``) and wait up to ``BUSY_TIMEOUT_S`` for each other.
Within one instance a lock serialises the connection's use between threads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.state.errors import StateConfigError

BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY, rev INTEGER NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS dialogue (room_id TEXT NOT NULL, viewer_id TEXT NOT NULL,"
    " updated_at REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (room_id, viewer_id)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS seen (room_id TEXT NOT NULL, msg_id TEXT NOT NULL, expires REAL NOT NULL,"
    " PRIMARY KEY (room_id, msg_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS seen_expires ON seen (expires)",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS handoffs (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL,"
    " msg_id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (room_id, msg_id))",
    "CREATE TABLE IF NOT EXISTS faq (catalog_id TEXT NOT NULL, faq_id TEXT NOT NULL, body TEXT NOT NULL,"
    " PRIMARY KEY (catalog_id, faq_id))",
    "CREATE TABLE IF NOT EXISTS rec_rooms (room_id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rec_profiles (room_id TEXT NOT NULL, viewer_id TEXT NOT NULL,"
    " body TEXT NOT NULL, PRIMARY KEY (room_id, viewer_id))",
    "CREATE TABLE IF NOT EXISTS rec_optout (room_id TEXT NOT NULL, viewer_id TEXT NOT NULL,"
    " at REAL NOT NULL, PRIMARY KEY (room_id, viewer_id))",
    "CREATE TABLE IF NOT EXISTS rec_versions (room_id TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS push_claims (room_id TEXT NOT NULL, viewer_id TEXT NOT NULL,"
    " trigger TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (room_id, viewer_id, trigger))",
    "CREATE TABLE IF NOT EXISTS captions (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL,"
    " body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS captions_room ON captions (room_id, seq)",
    "CREATE TABLE IF NOT EXISTS caption_logs (room_id TEXT PRIMARY KEY, started_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS voices (room_id TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,"
    " PRIMARY KEY (room_id, name))",
    "CREATE TABLE IF NOT EXISTS consent_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL,"
    " body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audio_leases (room_id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " expires REAL NOT NULL)",
)

Row = tuple[Any, ...]


class SqliteDb:
    """One connection to the state file; ``write()`` is one IMMEDIATE transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # isolation_level=None: transactions are explicit. check_same_thread=False: every use of
        # the connection holds self._lock, so threads never use it at the same time.
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
        )
        self._lock = threading.RLock()
        try:
            self._create_schema()
        except BaseException:
            self._conn.close()
            raise

    def _create_schema(self) -> None:
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        with self.write() as conn:
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found not in (0, SCHEMA_VERSION):
                raise StateConfigError(
                    f"{self.path} holds state schema {found}, this version reads {SCHEMA_VERSION}; "
                    "point the state path at a new file or upgrade the service"
                )
            for statement in SCHEMA:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back when it raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def close(self) -> None:
        with self._lock:
            self._conn.close()
