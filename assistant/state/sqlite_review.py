"""SQLite stores of review policies, held replies and operator-answer hit counts.

Their tables are created here (``CREATE TABLE IF NOT EXISTS`` on the shared state file), beside the
others. ``take`` is one ``DELETE ... RETURNING`` in a write transaction: when two processes approve
the same held reply, exactly one of them gets it (and sends it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.review import MAX_HELD_PER_ROOM, HeldQuestion, HeldReply, UnknownHeldReplyError
from assistant.state import codecs
from assistant.state.sqlite_db import SqliteDb

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS review_policy (room_id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS held_replies (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " room_id TEXT NOT NULL, reply_id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (room_id, reply_id))",
    "CREATE TABLE IF NOT EXISTS held_dropped (room_id TEXT PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS faq_hits (catalog_id TEXT NOT NULL, faq_id TEXT NOT NULL,"
    " hits INTEGER NOT NULL, PRIMARY KEY (catalog_id, faq_id))",
)


def create_tables(db: SqliteDb) -> None:
    with db.write() as conn:
        for statement in SCHEMA:
            conn.execute(statement)


def _unknown(room_id: str, reply_id: str) -> UnknownHeldReplyError:
    return UnknownHeldReplyError(f"no held reply {reply_id!r} in room {room_id!r}")


class SqliteReview:
    """``assistant.review.ReviewStore`` on the state file."""

    def __init__(self, db: SqliteDb, max_held: int = MAX_HELD_PER_ROOM) -> None:
        self._db, self._max = db, max_held
        create_tables(db)

    def policy(self, room_id: str) -> frozenset[ReplySource]:
        row = self._db.one("SELECT body FROM review_policy WHERE room_id = ?", (room_id,))
        return frozenset() if row is None else frozenset(ReplySource(s) for s in codecs.loads(row[0]))

    def set_policy(self, room_id: str, sources: Iterable[ReplySource]) -> frozenset[ReplySource]:
        policy = frozenset(sources)
        body = codecs.dumps(sorted(str(s) for s in policy))
        with self._db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO review_policy VALUES (?, ?)", (room_id, body))
        return policy

    def hold(self, room_id: str, reply: Reply, questions: Sequence[HeldQuestion], at: datetime) -> HeldReply:
        entry = HeldReply(room_id, reply, tuple(questions), at)
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO held_replies (room_id, reply_id, body) VALUES (?, ?, ?)"
                " ON CONFLICT (room_id, reply_id) DO UPDATE SET body = excluded.body",
                (room_id, reply.reply_id, codecs.held_to_text(entry)),
            )
            count = conn.execute("SELECT COUNT(*) FROM held_replies WHERE room_id = ?", (room_id,)).fetchone()
            extra = int(count[0]) - self._max
            if extra > 0:
                conn.execute(
                    "DELETE FROM held_replies WHERE seq IN (SELECT seq FROM held_replies"
                    " WHERE room_id = ? ORDER BY seq LIMIT ?)",
                    (room_id, extra),
                )
                conn.execute(
                    "INSERT INTO held_dropped VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET n = n + ?",
                    (room_id, extra, extra),
                )
        return entry

    def held(self, room_id: str) -> list[HeldReply]:
        rows = self._db.rows("SELECT body FROM held_replies WHERE room_id = ? ORDER BY seq", (room_id,))
        return [codecs.held_from_text(r[0]) for r in rows]

    def dropped(self, room_id: str) -> int:
        row = self._db.one("SELECT n FROM held_dropped WHERE room_id = ?", (room_id,))
        return 0 if row is None else int(row[0])

    def get(self, room_id: str, reply_id: str) -> HeldReply:
        row = self._db.one(
            "SELECT body FROM held_replies WHERE room_id = ? AND reply_id = ?", (room_id, reply_id)
        )
        if row is None:
            raise _unknown(room_id, reply_id)
        return codecs.held_from_text(row[0])

    def take(self, room_id: str, reply_id: str) -> HeldReply:
        with self._db.write() as conn:
            row = conn.execute(
                "DELETE FROM held_replies WHERE room_id = ? AND reply_id = ? RETURNING body",
                (room_id, reply_id),
            ).fetchone()
        if row is None:
            raise _unknown(room_id, reply_id)
        return codecs.held_from_text(row[0])


class SqliteFaqHits:
    """``assistant.danmaku.operator_faq.HitCounts`` on the state file."""

    def __init__(self, db: SqliteDb) -> None:
        self._db = db
        create_tables(db)

    def add(self, catalog_id: str, faq_id: str, n: int = 1) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO faq_hits VALUES (?, ?, ?)"
                " ON CONFLICT (catalog_id, faq_id) DO UPDATE SET hits = hits + excluded.hits",
                (catalog_id, faq_id, n),
            )

    def counts(self, catalog_id: str) -> dict[str, int]:
        rows = self._db.rows("SELECT faq_id, hits FROM faq_hits WHERE catalog_id = ?", (catalog_id,))
        return {str(f): int(n) for f, n in rows}

    def reset(self, catalog_id: str, faq_id: str) -> None:
        with self._db.write() as conn:
            conn.execute("DELETE FROM faq_hits WHERE catalog_id = ? AND faq_id = ?", (catalog_id, faq_id))
