"""Running live rooms: create rooms, move the stage, answer danmaku, queue handoffs, fan out replies.

This composes the room store, the catalog service and the danmaku pipeline. Every change that can
alter an answer (stage, room promotions, any catalog change) invalidates the affected cached answers
at once.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from assistant.catalogs import CatalogService
from assistant.danmaku.answer_templates import handoff_busy
from assistant.danmaku.intent import about_own_order
from assistant.danmaku.normalize import detect_language, normalize
from assistant.danmaku.pipeline import DanmakuPipeline
from assistant.danmaku.replies import BatchResult, Ignored, Reply, address
from assistant.danmaku.types import Danmaku, ReplySource, handoff_rank
from assistant.handoff_queue import (
    DEFAULT_HANDOFF_GROUPS_PER_MIN,
    HandoffsTakenError,
    NoQueuedHandoffError,
    group_key,
    over_cap,
    queued_among,
)
from assistant.hub import RoomHub, Subscription
from assistant.recovery import AcceptedBatch, drop_claimed
from assistant.review import (
    HeldQuestion,
    HeldReply,
    ReviewQueue,
    ReviewStore,
    catalog_grounding,
    check_edit,
    reply_grounding,
)
from assistant.rooms import Room, RoomStore, UnknownRoomError
from assistant.state.interfaces import DanmakuLog, Handoffs
from assistant.state.memory_core import MemoryHandoffs
from assistant.state.options import StateOptions
from assistant.state.records import Handoff
from knowledge.domain import Promotion
from knowledge.errors import UnknownProductError
from knowledge.store import CatalogChange

MAX_HANDOFFS_PER_ROOM = StateOptions().max_handoffs_per_room
log = logging.getLogger(__name__)
CAP_LOCK_STRIPES = 64
FEED_SUFFIX = "\x00feed"  # hub channel of a room's operator feed (no room id holds a NUL)


def feed_channel(room_id: str) -> str:
    """The hub channel that carries every danmaku of the room with its outcome (operator feed)."""
    return room_id + FEED_SUFFIX


StageListener = Callable[[Room, str | None, datetime], None]
CappedListener = Callable[[str, int], None]  # (room_id, handed-off messages turned away)


@dataclass(frozen=True, slots=True)
class HandoffReplyPlan:
    """An operator's reply to queued handoffs, checked and not yet sent: the queued handoffs it
    answers (oldest first) and the text as it will be sent (before the viewers' mentions)."""

    room_id: str
    handoffs: tuple[Handoff, ...]
    text: str


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
        danmaku_log: DanmakuLog | None = None,
        consumer: str = "",
        handoff_groups_per_min: int = DEFAULT_HANDOFF_GROUPS_PER_MIN,
        on_handoffs_capped: CappedListener | None = None,
    ) -> None:
        """``danmaku_log``: record danmaku before answering them (several processes on Redis);
        ``consumer`` names this process there (unique per process); ``handoff_groups_per_min``: new
        handoff questions a room may queue per minute (``handoff_queue``); ``on_handoffs_capped``
        is told each time messages of a room are turned away at that cap (metrics)."""
        self.rooms = rooms
        self.catalogs = catalogs
        self.pipeline = pipeline
        self.hub = hub
        self._clock = clock
        self._handoffs = handoffs or MemoryHandoffs(StateOptions())  # the state store in the service
        self._log, self._consumer = danmaku_log, consumer
        self._handoff_cap = handoff_groups_per_min
        self._on_capped = on_handoffs_capped
        self._capped: dict[str, int] = {}  # room_id -> handed-off messages over the cap
        # the cap check and the add, one batch of a room at a time (rooms striped over the locks)
        self._cap_locks = [threading.Lock() for _ in range(CAP_LOCK_STRIPES)]
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
        return self.answer_danmaku(self.accept_danmaku(room_id, messages, answer_next=True), origin)

    def accept_danmaku(
        self, room_id: str, messages: Sequence[Danmaku], answer_next: bool = False
    ) -> AcceptedBatch:
        """Take a batch in. With a danmaku log its new messages are recorded and held by this
        process before anything is answered (if it dies, another answers them); without one
        (one process) nothing is recorded here. An unknown room records nothing.
        ``answer_next``: this thread answers the batch right after (its state is read with it)."""
        batch = tuple(messages)
        if self._log is None:
            return AcceptedBatch(room_id, batch)
        accepted = self._log.accept(room_id, self._consumer, batch, answer_next=answer_next)
        return AcceptedBatch(
            room_id, batch, accepted.entries, accepted.duplicates, self._consumer, durable=True
        )

    def recover_danmaku(self, min_idle_s: float, count: int = 500) -> int:
        """Claim the danmaku held unanswered longer than ``min_idle_s`` by any process (one that
        died or stalled) and answer them here, replies published to the room; how many were claimed."""
        if self._log is None:
            return 0
        consumer = self._consumer + "/claims"  # never this process's own batches in flight
        claimed = self._log.claim(consumer, min_idle_s, count)
        for room_id, entries in claimed.items():
            batch = AcceptedBatch(
                room_id, tuple(e.message for e in entries), tuple(entries), (), consumer, durable=True
            )
            try:
                self.answer_danmaku(batch)
            except UnknownRoomError:  # nothing to answer them in: let them go
                self._log.finish(room_id, consumer, [e.entry_id for e in entries])
            except Exception:  # still pending: claimed again after the idle time; other rooms go on
                log.exception("answering %d claimed danmaku of room %s failed", len(entries), room_id)
        return sum(len(e) for e in claimed.values())

    def answer_danmaku(self, batch: AcceptedBatch, origin: Subscription | None = None) -> BatchResult:
        """Answer a batch taken in by ``accept_danmaku`` (see ``handle_danmaku``). What the answer
        leaves for the operator (handoffs queued, replies held for review) is stored before a
        durable batch is marked answered in the log, so a process that dies in between leaves the
        batch to another, which stores the same (idempotent by msg_id); only then do replies go
        out. Messages another process claimed meanwhile are left to it (``duplicate`` here)."""
        room_id, messages = batch.room_id, batch.messages
        now = self._clock()
        by_id = {m.msg_id: m for m in messages}
        if self._log is not None and batch.durable:
            result, policy = self._answer_logged(self._log, batch, by_id, now)
        else:
            room = self.rooms.get(room_id)
            result = self.pipeline.handle(room, self.catalogs.catalog(room.catalog_id), messages, now)
            policy = self._keep_for_operator(room_id, result, by_id, now)
        for reply in result.replies:
            if not reply.held:
                self.hub.publish(room_id, {"type": "reply", **reply_to_dict(reply)}, exclude=origin)
        if policy:  # a room without review holds nothing a question could join
            self._mark_joined_to_held(room_id, result)
        self._publish_feed(room_id, messages, result)
        return result

    def _answer_logged(
        self, log: DanmakuLog, batch: AcceptedBatch, by_id: dict[str, Danmaku], now: datetime
    ) -> tuple[BatchResult, frozenset[ReplySource]]:
        """Answer a recorded batch (its state read in one go), store what it leaves for the
        operator, then mark it answered in the log; the outcome and the room's review policy."""
        entries = batch.entries
        messages = [e.message for e in entries]
        with log.batch(batch.room_id, messages):
            room = self.rooms.get(batch.room_id)
            catalog = self.catalogs.catalog(room.catalog_id)
            result = self.pipeline.handle(room, catalog, messages, now, deduped=True)
            policy = self._keep_for_operator(batch.room_id, result, by_id, now)
            # inside the batch: its state writes go with the acknowledgement (one round trip)
            held = log.finish(batch.room_id, batch.consumer, [e.entry_id for e in entries])
        lost = {e.message.msg_id for e in entries if e.entry_id not in held}
        result = drop_claimed(result, lost, by_id) if lost else result
        result.ignored.extend(Ignored(msg_id, "duplicate") for msg_id in batch.duplicates)
        return result, policy

    def _keep_for_operator(
        self, room_id: str, result: BatchResult, by_id: dict[str, Danmaku], now: datetime
    ) -> frozenset[ReplySource]:
        """Queue the batch's handoffs and hold the replies the room's review policy holds (marked
        ``held`` in ``result``). The policy is read once per batch, the held replies only when one
        is to be held: a reply whose messages are all held already (the same batch answered again
        after a process died before acknowledging it) is not held twice. Returns the policy."""
        policy = self.review.policy(room_id)
        if not result.replies:
            return policy
        already: set[str] | None = None
        for i, reply in enumerate(result.replies):
            if reply.source is ReplySource.HANDOFF:
                reply = result.replies[i] = self._queue_handoffs(room_id, reply, by_id)
            if reply.source not in policy:
                continue
            result.replies[i] = reply = replace(reply, held=True)
            if already is None:
                already = {m for h in self.review.held(room_id) for m in h.reply.reply_to}
            if set(reply.reply_to) <= already:
                continue
            questions = [_question(by_id[m]) for m in reply.reply_to if m in by_id]
            self.review.hold(room_id, reply, questions, now)
        return policy

    def _mark_joined_to_held(self, room_id: str, result: BatchResult) -> None:
        """A question joined to a reply still held is told so (``reply.held``): that text is not on
        screen and may never be. Called for rooms with a review policy (a reply held under a policy
        the operator has just cleared is not looked up)."""
        if not result.joined:
            return
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

    def prepare_handoff_reply(self, room_id: str, msg_ids: Sequence[str], text: str) -> HandoffReplyPlan:
        """Check an operator's reply to queued handoffs before anything is sent or saved:
        ``NoQueuedHandoffError`` when none of ``msg_ids`` is queued, ``EditRefusedError`` when the
        text breaks the compliance or amount rules of a reviewed edit (the grounding is the catalog
        facts of the group's product now, with the room's promotions)."""
        room = self.rooms.get(room_id)
        handoffs = queued_among(self._handoffs.list(room_id), msg_ids)
        if not handoffs:
            raise NoQueuedHandoffError(
                f"none of the messages {list(msg_ids)!r} is in the handoff queue of room {room_id!r}"
                " (answered already, or never handed off)"
            )
        catalog = self.catalogs.catalog(room.catalog_id)
        grounding = catalog_grounding(handoffs[0].product_id, catalog, room.promotions, self._clock())
        return HandoffReplyPlan(room_id, tuple(handoffs), check_edit(text, grounding))

    def send_handoff_reply(self, plan: HandoffReplyPlan) -> Reply:
        """Take the plan's handoffs off the queue and publish one reply addressed to those viewers
        (source ``faq``: an operator's answer, ``ai_generated`` false) to the room and its operator
        feed. Only the handoffs this call removed are answered, so two operators (or processes)
        answering one group at once send it once; ``HandoffsTakenError`` when none was left."""
        room_id = plan.room_id
        taken = [h for h in plan.handoffs if self._handoffs.remove(room_id, h.msg_id)]
        if not taken:
            raise HandoffsTakenError(f"the messages were answered meanwhile in room {room_id!r}")
        first = taken[0]
        lang = detect_language(plan.text)
        reply = Reply(
            reply_id=f"op-{secrets.token_hex(8)}",
            reply_to=tuple(h.msg_id for h in taken),
            text=address([h.nickname for h in taken], plan.text, lang),
            product_id=first.product_id,
            intent=first.intent,
            source=ReplySource.FAQ,
            ai_generated=False,
            # the viewers' wait: from the first question to the operator's reply, in ms
            latency_ms=max(0.0, (self._clock() - first.at).total_seconds() * 1000),
            viewer_ids=tuple(dict.fromkeys(h.viewer_id for h in taken)),
            question_key=first.question_key,
        )
        self.hub.publish(room_id, {"type": "reply", **reply_to_dict(reply)})
        self.hub.publish(
            feed_channel(room_id), {"type": "feed", "messages": [], "replies": [reply_to_dict(reply)]}
        )
        return reply

    def handoffs_capped(self, room_id: str) -> int:
        """Handed-off messages of the room this process turned away at the per-minute cap."""
        return self._capped.get(room_id, 0)

    def _queue_handoffs(self, room_id: str, reply: Reply, by_id: dict[str, Danmaku]) -> Reply:
        """Queue a handed-off reply's messages as one question (``handoff_queue``). A question that
        would open a group past the room's per-minute cap is not queued: its viewers get the
        ``handoff_busy`` holding reply instead and the messages are counted (``handoffs_capped``).
        The check reads the shared queue, so the cap holds over processes too (two processes
        opening a question in the same instant may each pass it once)."""
        asked = [by_id[msg_id] for msg_id in reply.reply_to]
        handoffs = [
            Handoff(
                room_id,
                m.msg_id,
                m.viewer_id,
                m.nickname,
                m.text,
                reply.product_id,
                m.ts,
                reply.intent,
                reply.question_key,
                handoff_rank(reply.intent, about_own_order(normalize(m.text))),
            )
            for m in asked
        ]
        if not handoffs:
            return reply
        at = min(m.ts for m in asked)
        with self._cap_locks[hash(room_id) % CAP_LOCK_STRIPES]:
            queued = self._handoffs.list(room_id)
            if not over_cap(queued, group_key(handoffs[0]), at, self._handoff_cap):
                self._handoffs.add(handoffs)
                return reply
            self._capped[room_id] = self._capped.get(room_id, 0) + len(asked)
        if self._on_capped is not None:
            self._on_capped(room_id, len(asked))
        log.info("room %s: %d handed-off messages over the per-minute cap", room_id, len(asked))
        lang = detect_language(asked[0].text)
        return replace(reply, text=address([m.nickname for m in asked], handoff_busy(lang), lang))

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
