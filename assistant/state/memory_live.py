"""In-process stores of recommendations, captions, voices, audio leases, the room bus and catalog
notices. The bus and the notices reach only this process: they are also what sqlite mode (one
process serves every room) uses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import datetime

from assistant.state.codecs import dumps, given, loads
from assistant.state.interfaces import JsonDict, MessageHandler, NoticeHandler, Subscription
from assistant.state.options import StateOptions
from assistant.state.records import CaptionLog, ConsentEvent, EnrolledVoice
from speech.domain import Caption

log = logging.getLogger(__name__)
Clock = Callable[[], float]  # Unix seconds


def json_copy(value: JsonDict) -> JsonDict:
    """``value`` through JSON, as the other backends store it (a value JSON cannot hold fails here too)."""
    copied: JsonDict = loads(dumps(value))
    return copied


def strip_profiles(snapshot: JsonDict, opted_out: set[str]) -> JsonDict:
    """A copy of a recommender snapshot without the profiles of opted-out viewers."""
    kept = {v: p for v, p in snapshot.get("profiles", {}).items() if v not in opted_out}
    return json_copy({**snapshot, "profiles": kept})


class MemoryRecommender:
    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._snapshots: dict[str, JsonDict] = {}
        self._opted_out: dict[str, set[str]] = defaultdict(set)
        self._claims: dict[tuple[str, str, str], float] = {}  # -> expiry, Unix s
        self._versions: dict[str, int] = defaultdict(int)  # room -> change counter
        self._lock = threading.Lock()

    def load(self, room_id: str) -> JsonDict | None:
        with self._lock:
            snapshot = self._snapshots.get(room_id)
            return None if snapshot is None else strip_profiles(snapshot, self._opted_out[room_id])

    def save(self, room_id: str, snapshot: JsonDict, viewers: Collection[str] | None = None) -> int:
        with self._lock:
            fresh = strip_profiles(snapshot, self._opted_out[room_id])
            if viewers is not None:
                kept = dict(self._snapshots.get(room_id, {}).get("profiles", {}))
                for viewer in viewers:
                    kept.pop(viewer, None)
                    if viewer in fresh["profiles"]:
                        kept[viewer] = fresh["profiles"][viewer]
                fresh["profiles"] = kept
            self._snapshots[room_id] = fresh
            self._versions[room_id] += 1
            return self._versions[room_id]

    def set_opt_out(self, room_id: str, viewer_id: str, opted_out: bool) -> int:
        with self._lock:
            if not opted_out:
                self._opted_out[room_id].discard(viewer_id)
            else:
                self._opted_out[room_id].add(viewer_id)
                self._snapshots.get(room_id, {}).get("profiles", {}).pop(viewer_id, None)
            self._versions[room_id] += 1
            return self._versions[room_id]

    def version(self, room_id: str) -> int:
        with self._lock:
            return self._versions.get(room_id, 0)

    def opted_out(self, room_id: str) -> set[str]:
        with self._lock:
            return set(self._opted_out.get(room_id, ()))

    def claim_push(self, room_id: str, viewer_id: str, trigger: str, ttl_s: float) -> bool:
        now, key = self._clock(), (room_id, viewer_id, trigger)
        with self._lock:
            if self._claims.get(key, 0.0) > now:
                return False
            if len(self._claims) > 100_000:  # drop expired claims now and then (bounded)
                self._claims = {k: t for k, t in self._claims.items() if t > now}
            self._claims[key] = now + ttl_s
            return True


class MemoryCaptionLogs:
    def __init__(self, options: StateOptions) -> None:
        self._max = options.max_captions_per_room
        self._logs: dict[str, CaptionLog] = {}
        self._lock = threading.Lock()

    def append(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None:
        with self._lock:
            old = self._logs.get(room_id, CaptionLog(None, ()))
            captions = (*old.captions, caption)[-self._max :]
            self._logs[room_id] = CaptionLog(old.started_at or stream_started_at, captions)

    def log(self, room_id: str) -> CaptionLog:
        with self._lock:
            return self._logs.get(room_id, CaptionLog(None, ()))

    def clear(self, room_id: str) -> None:
        with self._lock:
            self._logs.pop(room_id, None)


class MemoryVoices:
    def __init__(self) -> None:
        self._voices: dict[str, dict[str, EnrolledVoice]] = defaultdict(dict)
        self._log: dict[str, list[ConsentEvent]] = defaultdict(list)
        self._lock = threading.Lock()

    def enrol(self, room_id: str, voice: EnrolledVoice) -> None:
        with self._lock:
            self._voices[room_id][voice.name] = voice
            self._log[room_id].append(given(room_id, voice))

    def voices(self, room_id: str) -> list[EnrolledVoice]:
        with self._lock:
            return sorted(self._voices.get(room_id, {}).values(), key=lambda v: v.name)

    def forget(self, room_id: str, name: str, at: datetime) -> bool:
        with self._lock:
            if self._voices.get(room_id, {}).pop(name, None) is None:
                return False
            self._log[room_id].append(ConsentEvent(room_id, name, "withdrawn", at))
            return True

    def consent_log(self, room_id: str) -> list[ConsentEvent]:
        with self._lock:
            return list(self._log.get(room_id, ()))


class MemoryAudioLeases:
    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._leases: dict[str, tuple[str, float]] = {}  # room -> (owner, expiry Unix s)
        self._lock = threading.Lock()

    def acquire(self, room_id: str, owner: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._lock:
            held = self._leases.get(room_id)
            if held is not None and held[1] > now and held[0] != owner:
                return False
            self._leases[room_id] = (owner, now + ttl_s)
            return True

    def renew(self, room_id: str, owner: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._lock:
            held = self._leases.get(room_id)
            if held is None or held[0] != owner or held[1] <= now:
                return False
            self._leases[room_id] = (owner, now + ttl_s)
            return True

    def release(self, room_id: str, owner: str) -> bool:
        with self._lock:
            held = self._leases.get(room_id)
            if held is None or held[0] != owner:
                return False
            del self._leases[room_id]
            return held[1] > self._clock()

    def holder(self, room_id: str) -> str | None:
        with self._lock:
            held = self._leases.get(room_id)
        return held[0] if held is not None and held[1] > self._clock() else None


class _Handle:
    def __init__(self, on_close: Callable[[], None]) -> None:
        self._on_close = on_close

    def close(self) -> None:
        self._on_close()


class _Fanout:
    """Handlers per topic, called in the publisher's thread; one failing handler is logged."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, topic: str, handler: Callable[..., None]) -> Subscription:
        with self._lock:
            self._handlers[topic].append(handler)

        def remove() -> None:
            with self._lock:
                if handler in self._handlers.get(topic, []):
                    self._handlers[topic].remove(handler)

        return _Handle(remove)

    def send(self, topic: str, *args: object) -> None:
        with self._lock:
            handlers = list(self._handlers.get(topic, ()))
        for handler in handlers:
            try:
                handler(*args)
            except Exception:
                log.exception("a %s handler failed", topic)


class MemoryRoomBus:
    def __init__(self) -> None:
        self._fanout = _Fanout()

    def publish(self, room_id: str, message: JsonDict) -> None:
        self._fanout.send(f"room:{room_id}", json_copy(message))

    def subscribe(self, room_id: str, handler: MessageHandler) -> Subscription:
        return self._fanout.add(f"room:{room_id}", handler)


class MemoryCatalogNotices:
    def __init__(self) -> None:
        self._fanout = _Fanout()
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def publish(self, catalog_id: str, version: int) -> None:
        with self._lock:
            self._latest[catalog_id] = max(version, self._latest.get(catalog_id, version))
        self._fanout.send("catalog", catalog_id, version)

    def subscribe(self, handler: NoticeHandler) -> Subscription:
        return self._fanout.add("catalog", handler)

    def latest(self, catalog_id: str) -> int | None:
        with self._lock:
            return self._latest.get(catalog_id)
