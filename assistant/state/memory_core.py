"""In-process stores of the danmaku path: the test default, and the per-second guards of sqlite mode.

Each store is thread-safe (one lock) and bounded; nothing survives the process. ``FloodWindows`` and
``TokenBuckets`` are also what the sqlite backend uses: rate windows of seconds are not worth a disk
write per message (a restart forgets them, which only lets a viewer or room start afresh).
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.limits import ReplyBudget, ViewerFlood
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.rooms import Room, RoomExistsError, UnknownRoomError
from assistant.state.options import StateOptions
from assistant.state.records import Handoff, RecentReply


def unknown_room(room_id: str) -> UnknownRoomError:
    return UnknownRoomError(f"room {room_id!r} does not exist; create it with POST /v1/rooms")


class MemoryRooms:
    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}
        self._lock = threading.RLock()  # reentrant: an update's fn may read the store

    def create(self, room: Room) -> Room:
        with self._lock:
            if room.room_id in self._rooms:
                raise RoomExistsError(f"room {room.room_id!r} already exists")
            self._rooms[room.room_id] = room
            return room

    def get(self, room_id: str) -> Room:
        with self._lock:
            room = self._rooms.get(room_id)
        if room is None:
            raise unknown_room(room_id)
        return room

    def put(self, room: Room) -> None:
        with self._lock:
            self._rooms[room.room_id] = room

    def list(self) -> list[Room]:
        with self._lock:
            return sorted(self._rooms.values(), key=lambda r: r.room_id)

    def update(self, room_id: str, fn: Callable[[Room], Room]) -> Room:
        """One process: ``fn`` runs under the lock, so it never conflicts (and runs once)."""
        with self._lock:
            room = self._rooms.get(room_id)
            if room is None:
                raise unknown_room(room_id)
            updated = fn(room)
            self._rooms[room_id] = updated
            return updated


class MemoryDialogue:
    """LRU-bounded dialogue memory; expiry by message time (``now`` - ``updated_at`` > TTL)."""

    def __init__(self, options: StateOptions) -> None:
        self._ttl = timedelta(seconds=options.dialogue_ttl_s)
        self._max = options.dialogue_max_viewers
        self._states: OrderedDict[tuple[str, str], ViewerDialogue] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None:
        key = (room_id, viewer_id)
        with self._lock:
            state = self._states.get(key)
            if state is None:
                return None
            if now - state.updated_at > self._ttl:
                del self._states[key]
                return None
            self._states.move_to_end(key)
            return state

    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None:
        with self._lock:
            self._states[(room_id, viewer_id)] = state
            self._states.move_to_end((room_id, viewer_id))
            while len(self._states) > self._max:
                self._states.popitem(last=False)

    def clear_room(self, room_id: str) -> None:
        with self._lock:
            for key in [k for k in self._states if k[0] == room_id]:
                del self._states[key]


class TokenBuckets:
    """A ``limits.ReplyBudget`` per room (refilled on the service's clock; time never runs back)."""

    def __init__(self, rate_per_s: float, burst: float) -> None:
        self._rate, self._burst = rate_per_s, burst
        self._buckets: dict[str, ReplyBudget] = {}
        self._lock = threading.Lock()

    def take_reply(self, room_id: str, at: datetime) -> bool:
        with self._lock:
            bucket = self._buckets.get(room_id)
            if bucket is None:
                bucket = self._buckets[room_id] = ReplyBudget(self._rate, self._burst)
        return bucket.take(at)


class FloodWindows:
    """Per-viewer sliding 60 s windows of message time (``limits.ViewerFlood`` keyed by room and
    viewer), LRU-bounded in viewers."""

    def __init__(self, per_minute: int, max_viewers: int) -> None:
        self._windows = ViewerFlood(per_minute, max_viewers)

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        return self._windows.allow((room_id, viewer_id), at)


class MemoryGuards:
    def __init__(self, options: StateOptions) -> None:
        self._ttl = timedelta(seconds=options.seen_ttl_s)
        self._cap = options.seen_per_room
        self._seen: dict[str, OrderedDict[str, datetime]] = {}
        self._lock = threading.Lock()
        self._flood = FloodWindows(options.viewer_messages_per_min, options.viewer_flood_max_viewers)
        self._budget = TokenBuckets(options.room_replies_per_s, options.burst)

    def first_seen(self, room_id: str, msg_id: str, at: datetime) -> bool:
        with self._lock:
            ids = self._seen.setdefault(room_id, OrderedDict())
            expires = ids.get(msg_id)
            if expires is not None and at < expires:
                return False
            ids[msg_id] = at + self._ttl
            ids.move_to_end(msg_id)
            while len(ids) > self._cap:
                ids.popitem(last=False)
            return True

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        return self._flood.allow_viewer(room_id, viewer_id, at)

    def take_reply(self, room_id: str, at: datetime) -> bool:
        return self._budget.take_reply(room_id, at)


class MemoryRecent:
    def __init__(self, options: StateOptions) -> None:
        self._window = timedelta(seconds=options.join_window_s)
        self._max = options.recent_per_room
        self._rooms: dict[str, OrderedDict[str, RecentReply]] = {}
        self._lock = threading.Lock()

    def remember(self, room_id: str, key: str, entry: RecentReply) -> None:
        with self._lock:
            entries = self._rooms.setdefault(room_id, OrderedDict())
            entries[key] = entry
            entries.move_to_end(key)
            while len(entries) > self._max:
                entries.popitem(last=False)

    def find(self, room_id: str, key: str, at: datetime) -> RecentReply | None:
        with self._lock:
            room = self._rooms.get(room_id)
            entry = None if room is None else room.get(key)
        return entry if entry is not None and joinable(entry, at, self._window) else None

    def forget_room(self, room_id: str) -> None:
        with self._lock:
            self._rooms.pop(room_id, None)


def joinable(entry: RecentReply, at: datetime, window: timedelta) -> bool:
    """Posted within ``window`` before ``at`` and its facts still valid at ``at``."""
    if not entry.posted_at <= at < entry.posted_at + window:
        return False
    expires = entry.composed.expires_at
    return expires is None or at < expires


class MemoryReplyIds:
    """``r<run>-<n>``: a random run token keeps ids of a restarted process apart from the old ones."""

    def __init__(self) -> None:
        self._run = secrets.token_hex(4)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next_id(self) -> str:
        with self._lock:
            return f"r{self._run}-{next(self._counter)}"


class MemoryHandoffs:
    def __init__(self, options: StateOptions) -> None:
        self._max = options.max_handoffs_per_room
        self._rooms: dict[str, OrderedDict[str, Handoff]] = {}
        self._lock = threading.Lock()

    def add(self, handoffs: Sequence[Handoff]) -> None:
        with self._lock:
            for h in handoffs:
                queue = self._rooms.setdefault(h.room_id, OrderedDict())
                queue.setdefault(h.msg_id, h)
                while len(queue) > self._max:
                    queue.popitem(last=False)

    def list(self, room_id: str) -> list[Handoff]:
        with self._lock:
            return list(self._rooms.get(room_id, {}).values())

    def remove(self, room_id: str, msg_id: str) -> bool:
        with self._lock:
            queue = self._rooms.get(room_id)
            return queue is not None and queue.pop(msg_id, None) is not None


class MemoryOperatorAnswers:
    def __init__(self, options: StateOptions) -> None:
        self._max = options.max_answers_per_catalog
        self._entries: dict[str, dict[str, OperatorAnswer]] = {}
        self._lock = threading.Lock()

    def put(self, entry: OperatorAnswer) -> None:
        with self._lock:
            entries = self._entries.setdefault(entry.catalog_id, {})
            if entry.faq_id not in entries and len(entries) >= self._max:
                raise ValueError(too_many_answers(self._max))
            entries[entry.faq_id] = entry

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        with self._lock:
            return self._entries.get(catalog_id, {}).pop(faq_id, None) is not None

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        with self._lock:
            return sorted(self._entries.get(catalog_id, {}).values(), key=lambda e: e.faq_id)


def too_many_answers(limit: int) -> str:
    return f"at most {limit} operator answers per catalog; delete unused ones first"
