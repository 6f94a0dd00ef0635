"""Replies posted moments ago, so a repeat of the same resolved question joins them.

In a busy room the same question arrives again within seconds; posting the same answer again
only floods the room (and spends its reply budget). A repeat within ``window_s`` of room time is
answered by the reply already on screen. Bounded: ``max_per_room`` keys per room, oldest dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from assistant.danmaku.cache import AnswerKey

if TYPE_CHECKING:
    from assistant.danmaku.answering import Composed
    from assistant.danmaku.replies import Reply


class RecentReplies:
    def __init__(self, window_s: float, max_per_room: int = 5000) -> None:
        self._window = timedelta(seconds=window_s)
        self._max = max_per_room
        self._rooms: dict[str, OrderedDict[AnswerKey, tuple[Reply, Composed, datetime]]] = {}
        self._lock = threading.Lock()

    def remember(self, room_id: str, key: AnswerKey, reply: Reply, composed: Composed, at: datetime) -> None:
        with self._lock:
            entries = self._rooms.setdefault(room_id, OrderedDict())
            entries[key] = (reply, composed, at)
            entries.move_to_end(key)
            while len(entries) > self._max:
                entries.popitem(last=False)

    def find(self, room_id: str, key: AnswerKey, at: datetime) -> tuple[Reply, Composed] | None:
        """The reply for ``key`` posted within the window before ``at`` that is still valid."""
        with self._lock:
            room = self._rooms.get(room_id)
            entry = room.get(key) if room is not None else None
        if entry is None:
            return None
        reply, composed, posted_at = entry
        if not posted_at <= at < posted_at + self._window:
            return None
        if composed.expires_at is not None and at >= composed.expires_at:
            return None  # the facts changed since (a flash sale ended): answer afresh
        return reply, composed

    def forget_room(self, room_id: str) -> None:
        with self._lock:
            self._rooms.pop(room_id, None)
