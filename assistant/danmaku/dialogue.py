"""Per-viewer dialogue memory with a TTL: the product a viewer asked about, pending clarifications.

Bounded: at most ``max_viewers`` states per store (least recently used evicted) and each expires
``ttl_s`` seconds after the viewer's last message. State is plain data (serialisable) so a shared
store (Redis hashes with TTLs) can replace the in-process one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from assistant.danmaku.types import Intent, Slots

DEFAULT_TTL_S = 600.0


@dataclass(frozen=True, slots=True)
class ClarifyOption:
    """One answer to a clarifying question: the words that pick it and what it resolves to.

    For a variant option (``sku_id`` set) ``keywords[0]`` is the skin type it suits ("油皮").
    """

    keywords: tuple[str, ...]
    product_id: str
    sku_id: str | None = None


@dataclass(frozen=True, slots=True)
class PendingClarification:
    """A question the assistant asked back; the viewer's next message may answer it."""

    intent: Intent
    slots: Slots
    options: tuple[ClarifyOption, ...]
    asked_at: datetime
    original_text: str = ""


@dataclass(frozen=True, slots=True)
class ViewerDialogue:
    product_id: str | None
    sku_id: str | None
    intent: Intent | None
    updated_at: datetime
    pending: PendingClarification | None = None


class DialogueStore(Protocol):
    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None: ...
    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None: ...
    def clear_room(self, room_id: str) -> None: ...


class MemoryDialogueStore:
    """In-process dialogue memory, LRU-bounded, with expiry by message time."""

    def __init__(self, ttl_s: float = DEFAULT_TTL_S, max_viewers: int = 200_000) -> None:
        self._ttl = timedelta(seconds=ttl_s)
        self._max = max_viewers
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
        key = (room_id, viewer_id)
        with self._lock:
            self._states[key] = state
            self._states.move_to_end(key)
            while len(self._states) > self._max:
                self._states.popitem(last=False)

    def clear_room(self, room_id: str) -> None:
        with self._lock:
            for key in [k for k in self._states if k[0] == room_id]:
                del self._states[key]

    def __len__(self) -> int:
        return len(self._states)
