"""Running live rooms: create rooms, move the stage, answer danmaku, queue handoffs, fan out replies.

This composes the room store, the catalog service and the danmaku pipeline. Every change that can
alter an answer (stage, room promotions, any catalog change) invalidates the affected cached answers
at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from assistant.catalogs import CatalogService
from assistant.danmaku.pipeline import DanmakuPipeline
from assistant.danmaku.replies import BatchResult, Reply
from assistant.danmaku.types import Danmaku, ReplySource
from assistant.hub import RoomHub, Subscription
from assistant.review import (
    HeldQuestion,
    HeldReply,
    ReviewQueue,
    ReviewStore,
    check_edit,
    reply_grounding,
)
from assistant.rooms import Room, RoomStore
from assistant.state.interfaces import Handoffs
from assistant.state.memory_core import MemoryHandoffs
from assistant.state.options import StateOptions
from assistant.state.records import Handoff
from knowledge.domain import Promotion
from knowledge.errors import UnknownProductError
from knowledge.store import CatalogChange

MAX_HANDOFFS_PER_ROOM = StateOptions().max_handoffs_per_room
FEED_SUFFIX = "\x00feed"  # hub channel of a room's operator feed (no room id holds a NUL)


def feed_channel(room_id: str) -> str:
    """The hub channel that carries every danmaku of the room with its outcome (operator feed)."""
    return room_id + FEED_SUFFIX


StageListener = Callable[[Room, str | None, datetime], None]


class LiveRooms:
    def __init__(
        self,
        rooms: RoomStore,
        catalogs: CatalogService,
        pipeline: DanmakuPipeline,
        hub: RoomHub,
        clock: Callable[[], datetime],
        review: ReviewStore | None = None,
        handoffs: Handoffs | None = None,
    ) -> None:
        self.rooms = rooms
        self.catalogs = catalogs
        self.pipeline = pipeline
        self.hub = hub
        self._clock = clock
        self._handoffs = handoffs or MemoryHandoffs(StateOptions())  # the state store in the service
        self._stage_listeners: list[StageListener] = []
        self.review: ReviewStore = review or ReviewQueue()  # in memory: policies, held replies
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
        updated = self.rooms.update(room_id, lambda r: r.with_stage(product_id, when))
        self.pipeline.forget_room(room_id)
        for listener in self._stage_listeners:
            listener(updated, product_id, when)
        self.hub.publish(room_id, {"type": "stage", "product_id": product_id, "at": when.isoformat()})
        return updated

    def on_stage_change(self, listener: StageListener) -> None:
        self._stage_listeners.append(listener)

    def put_promotion(self, room_id: str, promotion: Promotion) -> Room:
        room = self.rooms.update(room_id, lambda r: r.with_promotion(promotion))
        self.pipeline.forget_room(room_id)
        return room

    def delete_promotion(self, room_id: str, promo_id: str) -> Room:
        room = self.rooms.update(room_id, lambda r: r.without_promotion(promo_id))
        self.pipeline.forget_room(room_id)
        return room

    # -- danmaku -------------------------------------------------------------------------------
    def handle_danmaku(
        self, room_id: str, messages: Sequence[Danmaku], origin: Subscription | None = None
    ) -> BatchResult:
        """Answer a batch (runs in a worker thread: may wait on the LLM within its deadline).

        Replies go to every subscriber of the room but ``origin``, the socket that sent the batch
        (it sends its own outcome for every message). A reply whose source the room's review policy
        holds is queued for the operator instead (``held`` in the result) and published only once
        approved. The batch with every outcome goes to the room's operator feed."""
        room = self.rooms.get(room_id)
        catalog = self.catalogs.catalog(room.catalog_id)
        now = self._clock()
        result = self.pipeline.handle(room, catalog, messages, now)
        by_id = {m.msg_id: m for m in messages}
        for i, reply in enumerate(result.replies):
            if reply.source is ReplySource.HANDOFF:
                self._queue_handoffs(room_id, reply, by_id)
            if self.review.holds(room_id, reply.source):
                result.replies[i] = replace(reply, held=True)
                questions = [_question(by_id[m]) for m in reply.reply_to if m in by_id]
                self.review.hold(room_id, result.replies[i], questions, now)
                continue
            self.hub.publish(room_id, {"type": "reply", **reply_to_dict(reply)}, exclude=origin)
        self._mark_joined_to_held(room_id, result)
        self._publish_feed(room_id, messages, result)
        return result

    def _mark_joined_to_held(self, room_id: str, result: BatchResult) -> None:
        """A question joined to a reply still held is told so (``reply.held``): that text is not on
        screen and may never be."""
        held = {h.reply.reply_id: h.reply for h in self.review.held(room_id)}
        if not held:
            return
        for i, joined in enumerate(result.joined):
            if joined.reply_id in held:
                result.joined[i] = replace(joined, reply=held[joined.reply_id])

    def _publish_feed(self, room_id: str, messages: Sequence[Danmaku], result: BatchResult) -> None:
        """One frame per batch to the operator feed (only built when someone listens)."""
        channel = feed_channel(room_id)
        if not self.hub.listened(channel):
            return
        self.hub.publish(channel, feed_frame(messages, result))

    # -- review --------------------------------------------------------------------------------
    def held(self, room_id: str) -> list[HeldReply]:
        self.rooms.get(room_id)
        return self.review.held(room_id)

    def approve(self, room_id: str, reply_id: str, text: str | None = None) -> Reply:
        """Send a held reply to the room, as written or with the operator's ``text`` (which must
        pass the compliance and amount checks, else ``EditRefusedError`` and it stays held)."""
        room = self.rooms.get(room_id)
        entry = self.review.get(room_id, reply_id)
        reply = replace(entry.reply, held=False)
        if text is not None:
            catalog = self.catalogs.catalog(room.catalog_id)
            grounding = reply_grounding(entry.reply, catalog, room.promotions, self._clock())
            reply = replace(reply, text=check_edit(text, grounding))
        self.review.take(room_id, reply_id)
        frame = {"type": "reply", **reply_to_dict(reply)}
        self.hub.publish(room_id, frame)
        self.hub.publish(feed_channel(room_id), {"type": "review", "action": "approved", "reply": frame})
        return reply

    def reject(self, room_id: str, reply_id: str) -> Reply:
        """Drop a held reply: nothing is sent to the room."""
        self.rooms.get(room_id)
        entry = self.review.take(room_id, reply_id)
        frame = {"type": "reply", **reply_to_dict(entry.reply)}
        self.hub.publish(feed_channel(room_id), {"type": "review", "action": "rejected", "reply": frame})
        return entry.reply

    def handoffs(self, room_id: str) -> list[Handoff]:
        self.rooms.get(room_id)
        return self._handoffs.list(room_id)

    def _queue_handoffs(self, room_id: str, reply: Reply, by_id: dict[str, Danmaku]) -> None:
        self._handoffs.add(
            [
                Handoff(room_id, m.msg_id, m.viewer_id, m.nickname, m.text, reply.product_id, m.ts)
                for m in (by_id[msg_id] for msg_id in reply.reply_to)
            ]
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
        "held": reply.held,
    }


def _question(m: Danmaku) -> HeldQuestion:
    return HeldQuestion(m.msg_id, m.nickname, m.text)


def feed_frame(messages: Sequence[Danmaku], result: BatchResult) -> dict[str, Any]:
    """A batch for the operator feed: each message with its outcome (reply, held, joined, ignored)."""
    # A msg_id repeated within the batch has one outcome per copy: the first copy's, then
    # "duplicate" for the others; outcomes are handed out to the copies in that order.
    first: dict[str, list[dict[str, Any]]] = {}
    later: dict[str, list[dict[str, Any]]] = {}
    for reply in result.replies:
        kind = "held" if reply.held else "reply"
        for msg_id in reply.reply_to:
            first.setdefault(msg_id, []).append({"outcome": kind, "reply_id": reply.reply_id})
    for joined in result.joined:
        first.setdefault(joined.msg_id, []).append({"outcome": "joined", "reply_id": joined.reply_id})
    for ignored in result.ignored:
        into = later if ignored.reason == "duplicate" else first
        into.setdefault(ignored.msg_id, []).append({"outcome": "ignored", "reason": ignored.reason})
    for msg_id, dups in later.items():
        first.setdefault(msg_id, []).extend(dups)
    out = []
    for m in messages:
        queue = first.get(m.msg_id) or [{"outcome": "pending"}]
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        out.append(
            {
                "msg_id": m.msg_id,
                "viewer_id": m.viewer_id,
                "nickname": m.nickname,
                "text": m.text,
                "ts": m.ts.isoformat(),
                **outcome,
            }
        )
    return {"type": "feed", "messages": out, "replies": [reply_to_dict(r) for r in result.replies]}
