"""Per-room fan-out of live messages (replies, captions, pushes) to WebSocket subscribers.

Each subscriber has a bounded queue: a slow client loses its oldest messages (counted) instead of
slowing the room or growing memory. Publishing is thread-safe: workers publish from their threads
and the event loop delivers.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import Any

SUBSCRIBER_QUEUE = 1000


class Subscription:
    def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: int) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, message: dict[str, Any]) -> None:
        """Called on the event loop: enqueue, dropping the oldest message when full."""
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)


class RoomHub:
    """Subscribers per room; ``publish`` may be called from any thread."""

    def __init__(self, queue_size: int = SUBSCRIBER_QUEUE) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._lock = threading.Lock()
        self._queue_size = queue_size

    def subscribe(self, room_id: str) -> Subscription:
        sub = Subscription(asyncio.get_running_loop(), self._queue_size)
        with self._lock:
            self._subs[room_id].add(sub)
        return sub

    def unsubscribe(self, room_id: str, sub: Subscription) -> None:
        with self._lock:
            self._subs[room_id].discard(sub)
            if not self._subs[room_id]:
                del self._subs[room_id]

    def publish(self, room_id: str, message: dict[str, Any]) -> int:
        """Send ``message`` to every subscriber of the room; returns how many there were."""
        with self._lock:
            subs = list(self._subs.get(room_id, ()))
        for sub in subs:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is sub.loop:
                sub.offer(message)
            else:
                sub.loop.call_soon_threadsafe(sub.offer, message)
        return len(subs)

    def subscribers(self, room_id: str) -> int:
        with self._lock:
            return len(self._subs.get(room_id, ()))
