"""Running live rooms: create rooms, move the stage, answer danmaku, queue handoffs, fan out replies.

This composes the room store, the catalog service and the danmaku pipeline. Every change that can
alter an answer (stage, room promotions, any catalog change) invalidates the affected cached answers
at once.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.catalogs import CatalogService
from assistant.danmaku.pipeline import DanmakuPipeline
from assistant.danmaku.replies import BatchResult, Reply
from assistant.danmaku.types import Danmaku, ReplySource
from assistant.hub import RoomHub
from assistant.rooms import Room, RoomStore
from knowledge.domain import Promotion
from knowledge.errors import UnknownProductError
from knowledge.store import CatalogChange

MAX_HANDOFFS_PER_ROOM = 1000


@dataclass(frozen=True, slots=True)
class Handoff:
    """A question the assistant could not answer, queued for the operator."""

    room_id: str
    msg_id: str
    viewer_id: str
    nickname: str
    text: str
    product_id: str | None
    at: datetime


StageListener = Callable[[Room, str | None, datetime], None]


class LiveRooms:
    def __init__(
        self,
        rooms: RoomStore,
        catalogs: CatalogService,
        pipeline: DanmakuPipeline,
        hub: RoomHub,
        clock: Callable[[], datetime],
    ) -> None:
        self.rooms = rooms
        self.catalogs = catalogs
        self.pipeline = pipeline
        self.hub = hub
        self._clock = clock
        self._handoffs: dict[str, deque[Handoff]] = {}
        self._lock = threading.Lock()
        self._stage_listeners: list[StageListener] = []
        catalogs.subscribe(self._on_catalog_change)

    # -- rooms ---------------------------------------------------------------------------------
    def create(self, room_id: str, catalog_id: str, title: str) -> Room:
        self.catalogs.catalog(catalog_id)  # 404 for an unknown catalog
        return self.rooms.create(Room(room_id, catalog_id, title, self._clock()))

    def get(self, room_id: str) -> Room:
        return self.rooms.get(room_id)

    def set_stage(self, room_id: str, product_id: str | None, at: datetime | None = None) -> Room:
        """Put ``product_id`` on stage from ``at`` (default now); None clears the stage."""
        room = self.rooms.get(room_id)
        if product_id is not None and self.catalogs.catalog(room.catalog_id).product(product_id) is None:
            raise UnknownProductError(f"product {product_id!r} is not in catalog {room.catalog_id!r}")
        when = at or self._clock()
        updated = room.with_stage(product_id, when)
        self.rooms.put(updated)
        self.pipeline.forget_room(room_id)
        for listener in self._stage_listeners:
            listener(updated, product_id, when)
        self.hub.publish(room_id, {"type": "stage", "product_id": product_id, "at": when.isoformat()})
        return updated

    def on_stage_change(self, listener: StageListener) -> None:
        self._stage_listeners.append(listener)

    def put_promotion(self, room_id: str, promotion: Promotion) -> Room:
        room = self.rooms.get(room_id).with_promotion(promotion)
        self.rooms.put(room)
        self.pipeline.forget_room(room_id)
        return room

    def delete_promotion(self, room_id: str, promo_id: str) -> Room:
        room = self.rooms.get(room_id).without_promotion(promo_id)
        self.rooms.put(room)
        self.pipeline.forget_room(room_id)
        return room

    # -- danmaku -------------------------------------------------------------------------------
    def handle_danmaku(self, room_id: str, messages: Sequence[Danmaku]) -> BatchResult:
        """Answer a batch (runs in a worker thread: may wait on the LLM within its deadline)."""
        room = self.rooms.get(room_id)
        catalog = self.catalogs.catalog(room.catalog_id)
        result = self.pipeline.handle(room, catalog, messages)
        by_id = {m.msg_id: m for m in messages}
        for reply in result.replies:
            if reply.source is ReplySource.HANDOFF:
                self._queue_handoffs(room_id, reply, by_id)
            self.hub.publish(room_id, {"type": "reply", **reply_to_dict(reply)})
        return result

    def handoffs(self, room_id: str) -> list[Handoff]:
        self.rooms.get(room_id)
        with self._lock:
            return list(self._handoffs.get(room_id, ()))

    def _queue_handoffs(self, room_id: str, reply: Reply, by_id: dict[str, Danmaku]) -> None:
        with self._lock:
            queue = self._handoffs.setdefault(room_id, deque(maxlen=MAX_HANDOFFS_PER_ROOM))
            for msg_id in reply.reply_to:
                m = by_id[msg_id]
                queue.append(
                    Handoff(room_id, msg_id, m.viewer_id, m.nickname, m.text, reply.product_id, m.ts)
                )

    def _on_catalog_change(self, change: CatalogChange) -> None:
        self.pipeline.forget_catalog(change.catalog_id)


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply in the API's shape."""
    return {
        "reply_id": reply.reply_id,
        "reply_to": list(reply.reply_to),
        "text": reply.text,
        "product_id": reply.product_id,
        "intent": reply.intent,
        "source": str(reply.source),
        "ai_generated": reply.ai_generated,
        "latency_ms": round(reply.latency_ms, 3),
        "cached": reply.cached,
    }
