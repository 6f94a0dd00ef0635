"""SQLite stores of recommender state, caption logs, enrolled voices and audio-stream leases.

The recommender snapshot is split: the room's signals in ``rec_rooms``, one row per viewer profile
in ``rec_profiles``, so an opt-out deletes exactly that viewer's row in the same transaction that
records it (and ``save`` skips opted-out viewers inside its own transaction). Both bump the room's
change counter in ``rec_versions`` in that same transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Collection
from datetime import datetime

from assistant.state import codecs
from assistant.state.interfaces import JsonDict
from assistant.state.options import StateOptions
from assistant.state.records import CaptionLog, ConsentEvent, EnrolledVoice
from assistant.state.sqlite_db import SqliteDb
from speech.domain import Caption

Clock = Callable[[], float]  # Unix seconds
BUMP_VERSION = (
    "INSERT INTO rec_versions VALUES (?, 1) ON CONFLICT (room_id)"
    " DO UPDATE SET version = version + 1 RETURNING version"
)


class SqliteRecommender:
    def __init__(self, db: SqliteDb, clock: Clock = time.time) -> None:
        self._db, self._clock = db, clock

    def load(self, room_id: str) -> JsonDict | None:
        row = self._db.one("SELECT body FROM rec_rooms WHERE room_id = ?", (room_id,))
        if row is None:
            return None
        snapshot: JsonDict = codecs.loads(row[0])
        rows = self._db.rows(
            "SELECT viewer_id, body FROM rec_profiles WHERE room_id = ? ORDER BY viewer_id", (room_id,)
        )
        snapshot["profiles"] = {viewer: codecs.loads(body) for viewer, body in rows}
        return snapshot

    def save(self, room_id: str, snapshot: JsonDict, viewers: Collection[str] | None = None) -> int:
        signals = {k: v for k, v in snapshot.items() if k != "profiles"}
        profiles: JsonDict = snapshot.get("profiles", {})
        written = list(profiles) if viewers is None else [v for v in viewers if v in profiles]
        with self._db.write() as conn:
            out = {
                r[0] for r in conn.execute("SELECT viewer_id FROM rec_optout WHERE room_id = ?", (room_id,))
            }
            conn.execute("INSERT OR REPLACE INTO rec_rooms VALUES (?, ?)", (room_id, codecs.dumps(signals)))
            if viewers is None:
                conn.execute("DELETE FROM rec_profiles WHERE room_id = ?", (room_id,))
            else:
                stale = [(room_id, v) for v in viewers]
                conn.executemany("DELETE FROM rec_profiles WHERE room_id = ? AND viewer_id = ?", stale)
            conn.executemany(
                "INSERT INTO rec_profiles VALUES (?, ?, ?)",
                [(room_id, v, codecs.dumps(profiles[v])) for v in written if v not in out],
            )
            version: int = conn.execute(BUMP_VERSION, (room_id,)).fetchall()[0][0]
        return version

    def set_opt_out(self, room_id: str, viewer_id: str, opted_out: bool) -> int:
        with self._db.write() as conn:
            if not opted_out:
                conn.execute(
                    "DELETE FROM rec_optout WHERE room_id = ? AND viewer_id = ?", (room_id, viewer_id)
                )
            else:
                conn.execute(
                    "INSERT OR IGNORE INTO rec_optout VALUES (?, ?, ?)", (room_id, viewer_id, self._clock())
                )
                conn.execute(
                    "DELETE FROM rec_profiles WHERE room_id = ? AND viewer_id = ?", (room_id, viewer_id)
                )
            version: int = conn.execute(BUMP_VERSION, (room_id,)).fetchall()[0][0]
        return version

    def version(self, room_id: str) -> int:
        row = self._db.one("SELECT version FROM rec_versions WHERE room_id = ?", (room_id,))
        return 0 if row is None else int(row[0])

    def opted_out(self, room_id: str) -> set[str]:
        return {r[0] for r in self._db.rows("SELECT viewer_id FROM rec_optout WHERE room_id = ?", (room_id,))}

    def claim_push(self, room_id: str, viewer_id: str, trigger: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._db.write() as conn:
            cur = conn.execute(
                "INSERT INTO push_claims VALUES (?, ?, ?, ?) ON CONFLICT (room_id, viewer_id, trigger)"
                " DO UPDATE SET expires = excluded.expires WHERE push_claims.expires <= ?",
                (room_id, viewer_id, trigger, now + ttl_s, now),
            )
        return cur.rowcount == 1


class SqliteCaptionLogs:
    def __init__(self, db: SqliteDb, options: StateOptions) -> None:
        self._db, self._max = db, options.max_captions_per_room

    def append(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO caption_logs VALUES (?, ?)", (room_id, stream_started_at.isoformat())
            )
            cur = conn.execute(
                "INSERT INTO captions (room_id, body) VALUES (?, ?)",
                (room_id, codecs.caption_to_text(caption)),
            )
            if cur.lastrowid is not None and cur.lastrowid % 64 == 0:  # trim now and then, not every line
                self._trim(conn, room_id)

    def _trim(self, conn: sqlite3.Connection, room_id: str) -> None:
        conn.execute(
            "DELETE FROM captions WHERE room_id = ? AND seq <= (SELECT seq FROM captions WHERE room_id = ?"
            " ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (room_id, room_id, self._max),
        )

    def log(self, room_id: str) -> CaptionLog:
        started = self._db.one("SELECT started_at FROM caption_logs WHERE room_id = ?", (room_id,))
        rows = self._db.rows(
            "SELECT body FROM (SELECT seq, body FROM captions WHERE room_id = ? ORDER BY seq DESC LIMIT ?)"
            " ORDER BY seq",
            (room_id, self._max),
        )
        return CaptionLog(
            None if started is None else datetime.fromisoformat(started[0]),
            tuple(codecs.caption_from_text(r[0]) for r in rows),
        )

    def clear(self, room_id: str) -> None:
        with self._db.write() as conn:
            conn.execute("DELETE FROM captions WHERE room_id = ?", (room_id,))
            conn.execute("DELETE FROM caption_logs WHERE room_id = ?", (room_id,))


class SqliteVoices:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    def enrol(self, room_id: str, voice: EnrolledVoice) -> None:
        with self._db.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO voices VALUES (?, ?, ?)",
                (room_id, voice.name, codecs.voice_to_text(voice)),
            )
            conn.execute(
                "INSERT INTO consent_log (room_id, body) VALUES (?, ?)",
                (room_id, codecs.consent_event_to_text(codecs.given(room_id, voice))),
            )

    def voices(self, room_id: str) -> list[EnrolledVoice]:
        rows = self._db.rows("SELECT body FROM voices WHERE room_id = ? ORDER BY name", (room_id,))
        return [codecs.voice_from_text(r[0]) for r in rows]

    def forget(self, room_id: str, name: str, at: datetime) -> bool:
        with self._db.write() as conn:
            cur = conn.execute("DELETE FROM voices WHERE room_id = ? AND name = ?", (room_id, name))
            if cur.rowcount == 0:
                return False
            event = ConsentEvent(room_id, name, "withdrawn", at)
            conn.execute(
                "INSERT INTO consent_log (room_id, body) VALUES (?, ?)",
                (room_id, codecs.consent_event_to_text(event)),
            )
        return True

    def consent_log(self, room_id: str) -> list[ConsentEvent]:
        rows = self._db.rows("SELECT body FROM consent_log WHERE room_id = ? ORDER BY seq", (room_id,))
        return [codecs.consent_event_from_text(r[0]) for r in rows]


class SqliteAudioLeases:
    """Leases on disk with an expiry on ``clock``: processes sharing the file see one holder; the
    lease of a killed process lapses after its TTL."""

    def __init__(self, db: SqliteDb, clock: Clock = time.time) -> None:
        self._db, self._clock = db, clock

    def acquire(self, room_id: str, owner: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._db.write() as conn:
            cur = conn.execute(
                "INSERT INTO audio_leases VALUES (?, ?, ?) ON CONFLICT (room_id) DO UPDATE"
                " SET owner = excluded.owner, expires = excluded.expires"
                " WHERE audio_leases.expires <= ? OR audio_leases.owner = excluded.owner",
                (room_id, owner, now + ttl_s, now),
            )
        return cur.rowcount == 1

    def renew(self, room_id: str, owner: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._db.write() as conn:
            cur = conn.execute(
                "UPDATE audio_leases SET expires = ? WHERE room_id = ? AND owner = ? AND expires > ?",
                (now + ttl_s, room_id, owner, now),
            )
        return cur.rowcount == 1

    def release(self, room_id: str, owner: str) -> bool:
        with self._db.write() as conn:
            row = conn.execute(
                "DELETE FROM audio_leases WHERE room_id = ? AND owner = ? RETURNING expires", (room_id, owner)
            ).fetchone()
        return row is not None and float(row[0]) > self._clock()

    def holder(self, room_id: str) -> str | None:
        row = self._db.one(
            "SELECT owner FROM audio_leases WHERE room_id = ? AND expires > ?", (room_id, self._clock())
        )
        return None if row is None else str(row[0])
