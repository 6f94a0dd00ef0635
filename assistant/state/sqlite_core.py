"""SQLite stores of rooms, dialogue, message guards, reply ids, handoffs and operator answers.

Kept on disk: rooms (compare-and-set on a revision column), dialogue, seen message ids (so a
message replayed after a restart is still a duplicate), the reply-id counter, handoffs and operator
answers. In memory only (reset by a restart): the per-viewer flood windows and the room reply
budgets (``FloodWindows``, ``TokenBuckets``): they span seconds and would cost a write per message.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.rooms import Room, RoomExistsError
from assistant.state import codecs
from assistant.state.errors import ConflictError
from assistant.state.memory_core import FloodWindows, TokenBuckets, too_many_answers, unknown_room
from assistant.state.options import StateOptions
from assistant.state.records import Handoff
from assistant.state.sqlite_db import SqliteDb

PRUNE_EVERY = 1000  # writes between two deletions of expired rows


class SqliteRooms:
    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._attempts = db, options.cas_attempts

    def create(self, room: Room) -> Room:
        try:
            with self._db.write() as conn:
                conn.execute("INSERT INTO rooms VALUES (?, 0, ?)", (room.room_id, codecs.room_to_text(room)))
        except sqlite3.IntegrityError:
            raise RoomExistsError(f"room {room.room_id!r} already exists") from None
        return room

    def get(self, room_id: str) -> Room:
        row = self._db.one("SELECT body FROM rooms WHERE room_id = ?", (room_id,))
        if row is None:
            raise unknown_room(room_id)
        return codecs.room_from_text(row[0])

    def put(self, room: Room) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO rooms VALUES (?, 0, ?) ON CONFLICT (room_id) DO UPDATE"
                " SET rev = rev + 1, body = excluded.body",
                (room.room_id, codecs.room_to_text(room)),
            )

    def list(self) -> list[Room]:
        return [codecs.room_from_text(r[0]) for r in self._db.rows("SELECT body FROM rooms ORDER BY room_id")]

    def update(self, room_id: str, fn: Callable[[Room], Room]) -> Room:
        """Read, apply ``fn`` outside any lock, write only if the revision is unchanged; else retry."""
        for attempt in range(self._attempts):
            row = self._db.one("SELECT rev, body FROM rooms WHERE room_id = ?", (room_id,))
            if row is None:
                raise unknown_room(room_id)
            updated = fn(codecs.room_from_text(row[1]))
            with self._db.write() as conn:
                cur = conn.execute(
                    "UPDATE rooms SET rev = rev + 1, body = ? WHERE room_id = ? AND rev = ?",
                    (codecs.room_to_text(updated), room_id, row[0]),
                )
            if cur.rowcount == 1:
                return updated
            time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))  # back off a little under contention
        raise ConflictError(f"room {room_id!r} changed under {self._attempts} tries in a row; retry")


class SqliteDialogue:
    """Dialogue rows; expired ones (by message time) are skipped on read and pruned every so often."""

    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._ttl = db, options.dialogue_ttl_s
        self._puts = 0

    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None:
        row = self._db.one(
            "SELECT body FROM dialogue WHERE room_id = ? AND viewer_id = ? AND updated_at >= ?",
            (room_id, viewer_id, now.timestamp() - self._ttl),
        )
        return None if row is None else codecs.dialogue_from_text(row[0])

    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None:
        at = state.updated_at.timestamp()
        with self._db.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO dialogue VALUES (?, ?, ?, ?)",
                (room_id, viewer_id, at, codecs.dialogue_to_text(state)),
            )
            self._puts += 1
            if self._puts % PRUNE_EVERY == 0:
                conn.execute("DELETE FROM dialogue WHERE updated_at < ?", (at - self._ttl,))

    def clear_room(self, room_id: str) -> None:
        with self._db.write() as conn:
            conn.execute("DELETE FROM dialogue WHERE room_id = ?", (room_id,))


class SqliteGuards:
    """Seen ids on disk with a TTL; the flood windows and reply budgets in memory (see module doc)."""

    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._ttl = db, options.seen_ttl_s
        self._inserts = 0
        self._flood = FloodWindows(options.viewer_messages_per_min, options.viewer_flood_max_viewers)
        self._budget = TokenBuckets(options.room_replies_per_s, options.burst)

    def first_seen(self, room_id: str, msg_id: str, at: datetime) -> bool:
        now = at.timestamp()
        with self._db.write() as conn:
            cur = conn.execute(
                "INSERT INTO seen VALUES (?, ?, ?) ON CONFLICT (room_id, msg_id) DO UPDATE"
                " SET expires = excluded.expires WHERE seen.expires <= ?",
                (room_id, msg_id, now + self._ttl, now),
            )
            self._inserts += 1
            if self._inserts % PRUNE_EVERY == 0:
                conn.execute("DELETE FROM seen WHERE expires <= ?", (now,))
        return cur.rowcount == 1

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        return self._flood.allow_viewer(room_id, viewer_id, at)

    def take_reply(self, room_id: str, at: datetime) -> bool:
        return self._budget.take_reply(room_id, at)


class SqliteReplyIds:
    """``r<n>`` from a counter on disk, reserved ``reply_id_block`` at a time per instance."""

    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._block = db, max(1, options.reply_id_block)
        self._next, self._end = 0, 0  # ids in [next, end) are reserved for this instance
        self._lock = threading.Lock()

    def next_id(self) -> str:
        with self._lock:
            if self._next >= self._end:
                with self._db.write() as conn:
                    conn.execute("INSERT OR IGNORE INTO counters VALUES ('reply_id', 0)")
                    row = conn.execute(
                        "UPDATE counters SET value = value + ? WHERE name = 'reply_id' RETURNING value",
                        (self._block,),
                    ).fetchone()
                self._end = int(row[0]) + 1
                self._next = self._end - self._block
            n, self._next = self._next, self._next + 1
            return f"r{n}"


class SqliteHandoffs:
    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._max = db, options.max_handoffs_per_room

    def add(self, handoffs: Sequence[Handoff]) -> None:
        with self._db.write() as conn:
            for h in handoffs:
                conn.execute(
                    "INSERT OR IGNORE INTO handoffs (room_id, msg_id, body) VALUES (?, ?, ?)",
                    (h.room_id, h.msg_id, codecs.handoff_to_text(h)),
                )
            for room_id in {h.room_id for h in handoffs}:
                conn.execute(
                    "DELETE FROM handoffs WHERE room_id = ? AND seq NOT IN"
                    " (SELECT seq FROM handoffs WHERE room_id = ? ORDER BY seq DESC LIMIT ?)",
                    (room_id, room_id, self._max),
                )

    def list(self, room_id: str) -> list[Handoff]:
        rows = self._db.rows("SELECT body FROM handoffs WHERE room_id = ? ORDER BY seq", (room_id,))
        return [codecs.handoff_from_text(r[0]) for r in rows]

    def remove(self, room_id: str, msg_id: str) -> bool:
        with self._db.write() as conn:
            cur = conn.execute("DELETE FROM handoffs WHERE room_id = ? AND msg_id = ?", (room_id, msg_id))
        return cur.rowcount > 0


class SqliteOperatorAnswers:
    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._max = db, options.max_answers_per_catalog

    def put(self, entry: OperatorAnswer) -> None:
        with self._db.write() as conn:
            exists = conn.execute(
                "SELECT 1 FROM faq WHERE catalog_id = ? AND faq_id = ?", (entry.catalog_id, entry.faq_id)
            ).fetchone()
            count = conn.execute(
                "SELECT COUNT(*) FROM faq WHERE catalog_id = ?", (entry.catalog_id,)
            ).fetchone()
            if exists is None and count[0] >= self._max:
                raise ValueError(too_many_answers(self._max))
            conn.execute(
                "INSERT OR REPLACE INTO faq VALUES (?, ?, ?)",
                (entry.catalog_id, entry.faq_id, codecs.answer_to_text(entry)),
            )

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        with self._db.write() as conn:
            cur = conn.execute("DELETE FROM faq WHERE catalog_id = ? AND faq_id = ?", (catalog_id, faq_id))
        return cur.rowcount > 0

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        rows = self._db.rows("SELECT body FROM faq WHERE catalog_id = ? ORDER BY faq_id", (catalog_id,))
        return [codecs.answer_from_text(r[0]) for r in rows]
