"""Per-room fan-out of live messages (replies, captions, pushes) to WebSocket subscribers.

Each subscriber has a bounded queue: a slow client loses its oldest messages (counted per
subscription, and reported to the optional ``on_drop`` callback with the dropped message's type)
instead of slowing the room or growing memory. Publishing is thread-safe: workers publish from their
threads and the event loop delivers.

With a ``bus`` (``assistant.state`` room bus on Redis pub/sub: several processes serve one room)
every message goes through the bus only, and each process delivers what the bus brings to its own
subscribers: a reply made on one process reaches sockets on every other, exactly once each. The
process subscribes to a room's bus channel when its first local socket joins the room and lets go
when the last one leaves. The sender's socket is skipped by its id, carried in the bus message.
The bus is at-most-once (live messages only; durable state lives in the state stores).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.state.interfaces import RoomBus
    from assistant.state.interfaces import Subscription as BusSubscription

SUBSCRIBER_QUEUE = 1000
log = logging.getLogger(__name__)

DropHook = Callable[[dict[str, Any]], None]  # called with each message a slow subscriber lost


class Subscription:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, maxsize: int, on_drop: DropHook | None = None
    ) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize)
        self.dropped = 0
        self.id = uuid.uuid4().hex  # names the socket across processes (skip the sender)
        self._on_drop = on_drop

    def offer(self, message: dict[str, Any]) -> None:
        """Called on the event loop: enqueue, dropping the oldest message when full."""
        if self.queue.full():
            lost = self.queue.get_nowait()
            self.dropped += 1
            if self._on_drop is not None:
                self._on_drop(lost)
        self.queue.put_nowait(message)


class RoomHub:
    """Subscribers per room; ``publish`` may be called from any thread."""

    def __init__(
        self,
        queue_size: int = SUBSCRIBER_QUEUE,
        on_drop: DropHook | None = None,
        bus: RoomBus | None = None,
    ) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._lock = threading.Lock()
        self._queue_size = queue_size
        self._on_drop = on_drop
        self._bus = bus
        self._bus_subs: dict[str, BusSubscription] = {}
        self._bus_lock = threading.Lock()  # serialises bus (un)subscribing; never held to deliver

    def subscribe(self, room_id: str) -> Subscription:
        """A new local subscriber. With a bus, the room's first one subscribes this process to
        the room's bus channel (one Redis round trip, confirmed before returning)."""
        sub = Subscription(asyncio.get_running_loop(), self._queue_size, self._on_drop)
        with self._lock:
            self._subs[room_id].add(sub)
        if self._bus is not None:
            with self._bus_lock:
                if room_id not in self._bus_subs:
                    self._bus_subs[room_id] = self._bus.subscribe(
                        room_id, lambda envelope: self._deliver(room_id, envelope)
                    )
        return sub

    def unsubscribe(self, room_id: str, sub: Subscription) -> None:
        with self._lock:
            self._subs[room_id].discard(sub)
            last = not self._subs[room_id]
            if last:
                del self._subs[room_id]
        if last and self._bus is not None:
            with self._bus_lock:
                with self._lock:
                    if room_id in self._subs:  # someone joined again meanwhile
                        return
                bus_sub = self._bus_subs.pop(room_id, None)
            if bus_sub is not None:  # closing joins the listener thread: not on the event loop
                threading.Thread(target=bus_sub.close, name="bus close", daemon=True).start()

    def publish(self, room_id: str, message: dict[str, Any], exclude: Subscription | None = None) -> int:
        """Send ``message`` to every subscriber of the room but ``exclude`` (the socket that sent the
        question gets its own outcome frames directly); returns how many local subscribers got it.

        With a bus, the message goes to every process through the bus (also back to this one,
        which delivers it when the bus brings it): the return value is then this process's count."""
        if self._bus is not None:
            self._bus.publish(room_id, {"skip": exclude.id if exclude else None, "message": message})
            with self._lock:
                return sum(1 for s in self._subs.get(room_id, ()) if s is not exclude)
        return self._offer(room_id, message, exclude.id if exclude else None)

    def listened(self, room_id: str) -> bool:
        """Whether a message for the room may reach anyone (with a bus: subscribers of other
        processes are not counted here, so always True)."""
        return self._bus is not None or self.subscribers(room_id) > 0

    def close(self) -> None:
        """Let go of every bus subscription (shutdown)."""
        with self._bus_lock:
            subs, self._bus_subs = list(self._bus_subs.values()), {}
        for bus_sub in subs:
            bus_sub.close()

    def _deliver(self, room_id: str, envelope: dict[str, Any]) -> None:
        """Bus thread: hand a bus message to this process's subscribers of the room."""
        message = envelope.get("message")
        if not isinstance(message, dict):
            log.warning("room %s: a bus message without a body was dropped", room_id)
            return
        skip = envelope.get("skip")
        self._offer(room_id, message, skip if isinstance(skip, str) else None)

    def _offer(self, room_id: str, message: dict[str, Any], skip: str | None) -> int:
        with self._lock:
            subs = [s for s in self._subs.get(room_id, ()) if s.id != skip]
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

    def total_subscribers(self) -> int:
        """Subscribers over every room (the ``liveshop_websocket_subscribers`` gauge)."""
        with self._lock:
            return sum(len(subs) for subs in self._subs.values())
