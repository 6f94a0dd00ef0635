"""The danmaku pipeline of one service: every message goes
dedupe -> flood limit -> understand -> clarification? -> resolve -> group -> budget -> cache -> answer.

Questions that resolve to the same thing in one batch are answered once (``reply_to`` lists every
message); answers are cached across batches (``AnswerCache``). Nothing here blocks on I/O except the
optional LLM call inside ``Answerer`` for open questions, which is bounded by its own deadline.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from assistant.danmaku.answering import Answerer, Composed, Question
from assistant.danmaku.cache import AnswerCache, AnswerKey, CachedAnswer
from assistant.danmaku.clarify import answer_to_pending
from assistant.danmaku.dialogue import DialogueStore, ViewerDialogue
from assistant.danmaku.followup import carry_over_intent
from assistant.danmaku.intent import extract_product_reference, understand
from assistant.danmaku.limits import ReplyBudget, SeenIds, ViewerFlood
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.recent import RecentReplies
from assistant.danmaku.replies import BatchResult, Ignored, Joined, Reply, address
from assistant.danmaku.resolve import Resolution, resolve_product
from assistant.danmaku.types import Danmaku, Intent, Triage, Understanding
from assistant.rooms import Room
from knowledge.domain import Catalog

log = logging.getLogger(__name__)

# Purchase questions are answered first when a room is over its reply rate.
PRIORITY: dict[Intent, int] = {
    Intent.PRICE: 0,
    Intent.FLASH_SALE: 0,
    Intent.DISCOUNT: 0,
    Intent.HOW_TO_ORDER: 0,
    Intent.STOCK: 1,
    Intent.PRICE_PROTECTION: 1,
    Intent.SIZE: 1,
    Intent.VARIANT: 1,
    Intent.SHIPPING: 2,
}


@dataclass(frozen=True, slots=True)
class PipelineLimits:
    viewer_messages_per_min: int = 20
    room_replies_per_s: float = 20.0
    seen_ids_per_room: int = 200_000
    join_window_s: float = 10.0  # a repeat within this much room time joins the reply just posted
    open_question_workers: int = 4  # open questions (maybe LLM) answered side by side in a batch


@dataclass(slots=True)
class _RoomGuards:
    seen: SeenIds
    flood: ViewerFlood
    budget: ReplyBudget


AnsweredHook = Callable[[str, Danmaku, str | None, Intent], None]


class DanmakuPipeline:
    """Answers batches of danmaku for any room of the service."""

    def __init__(
        self,
        answerer: Answerer,
        dialogue: DialogueStore,
        cache: AnswerCache,
        limits: PipelineLimits,
        on_answered: AnsweredHook | None = None,
    ) -> None:
        self._answerer = answerer
        self._dialogue = dialogue
        self._cache = cache
        self._limits = limits
        self._on_answered = on_answered
        self._guards: dict[str, _RoomGuards] = {}
        self._matchers: dict[str, ProductMatcher] = {}
        self._lock = threading.Lock()
        self._reply_ids = itertools.count(1)
        self._recent = RecentReplies(limits.join_window_s)
        self._pool = ThreadPoolExecutor(
            max_workers=limits.open_question_workers, thread_name_prefix="answers"
        )

    def handle(self, room: Room, catalog: Catalog, messages: Sequence[Danmaku]) -> BatchResult:
        """Answer one batch; every message ends up in one reply, ``joined`` to a recent one, or
        ``ignored`` with a reason."""
        started = time.perf_counter()
        result = BatchResult()
        guards = self._room_guards(room.room_id)
        matcher = self._matcher(catalog)
        groups: dict[AnswerKey, list[Question]] = {}
        for message in messages:
            question = self._admit(room, catalog, matcher, guards, message, result)
            if question is not None:
                groups.setdefault(question.key, []).append(question)
        ordered = sorted(
            groups.values(), key=lambda g: (PRIORITY.get(g[0].understanding.intent, 3), g[0].message.ts)
        )
        planned: list[list[Question]] = []
        for group in ordered:
            if self._join_recent(room, group, result):
                continue
            if not guards.budget.take(group[0].message.ts):
                result.ignored.extend(Ignored(q.message.msg_id, "room_rate") for q in group)
                continue
            planned.append(group)
        # Open questions may wait on the LLM: answer them side by side, the rest inline.
        pending = {
            i: self._pool.submit(self._compose, room, catalog, group)
            for i, group in enumerate(planned)
            if group[0].understanding.intent is Intent.OTHER
        }
        for i, group in enumerate(planned):
            composed, cached = pending[i].result() if i in pending else self._compose(room, catalog, group)
            result.replies.append(self._reply(room, group, composed, cached, started))
        return result

    # -- stages --------------------------------------------------------------------------------
    def _admit(
        self,
        room: Room,
        catalog: Catalog,
        matcher: ProductMatcher,
        guards: _RoomGuards,
        message: Danmaku,
        result: BatchResult,
    ) -> Question | None:
        if not guards.seen.add(message.msg_id):
            result.ignored.append(Ignored(message.msg_id, "duplicate"))
            return None
        if not guards.flood.allow(message.viewer_id, message.ts):
            result.ignored.append(Ignored(message.msg_id, "viewer_flood"))
            return None
        understanding = understand(message.text)
        dialogue = self._dialogue.get(room.room_id, message.viewer_id, message.ts)
        if dialogue is not None and dialogue.pending is not None:
            picked = answer_to_pending(understanding, dialogue.pending, catalog)
            if picked is not None:
                return self._question(
                    room, catalog, message, picked.understanding, picked.resolution, dialogue
                )
        if understanding.triage is not Triage.QUESTION:
            result.ignored.append(Ignored(message.msg_id, str(understanding.triage)))
            return None
        understanding = carry_over_intent(understanding, dialogue)
        reference = extract_product_reference(understanding.normalized)
        resolution = resolve_product(
            text=understanding.normalized,
            reference=reference.kind if reference is not None else None,
            slots=understanding.slots,
            catalog=catalog,
            matcher=matcher,
            room=room,
            at=message.ts,
            dialogue=dialogue,
            intent=understanding.intent,
        )
        return self._question(room, catalog, message, understanding, resolution, dialogue)

    def _question(
        self,
        room: Room,
        catalog: Catalog,
        message: Danmaku,
        understanding: Understanding,
        resolution: Resolution,
        dialogue: ViewerDialogue | None,
    ) -> Question:
        open_text = understanding.normalized if understanding.intent is Intent.OTHER else ""
        key = AnswerKey(
            catalog_id=catalog.catalog_id,
            catalog_version=catalog.version,
            room_id=room.room_id,
            room_version=room.version,
            product_id=resolution.product_id,
            intent=str(understanding.intent),
            slots=(
                *understanding.slots.key(),
                resolution.how if resolution.product_id is None else "",
                resolution.candidates,
            ),
            language=understanding.language,
            text=open_text,
        )
        return Question(message, understanding, resolution, key, dialogue)

    def _compose(self, room: Room, catalog: Catalog, group: list[Question]) -> tuple[Composed, bool]:
        """The answer for a group, from the cache when fresh (second value: it was cached)."""
        first = group[0]
        at = max(q.message.ts for q in group)
        cached = self._cache.get(first.key, at)
        if cached is not None:
            body, source, product_id, expires = (
                cached.body,
                cached.source,
                cached.product_id,
                cached.expires_at,
            )
            return Composed(body, source, product_id, expires, None, pending=None), True
        composed = self._answerer.answer(room, catalog, first, at)
        if composed.cacheable:
            entry = CachedAnswer(composed.body, composed.source, composed.product_id, at, composed.expires_at)
            self._cache.put(first.key, entry)
        return composed, False

    def _reply(
        self, room: Room, group: list[Question], composed: Composed, cached: bool, started: float
    ) -> Reply:
        first = group[0]
        for question in group:
            self._remember(room, question, composed)
        reply = Reply(
            reply_id=f"r{next(self._reply_ids)}",
            reply_to=tuple(q.message.msg_id for q in group),
            text=address([q.message.nickname for q in group], composed.body, first.understanding.language),
            product_id=composed.product_id,
            intent=str(first.understanding.intent),
            source=composed.source,
            ai_generated=True,
            latency_ms=(time.perf_counter() - started) * 1000,
            viewer_ids=tuple(dict.fromkeys(q.message.viewer_id for q in group)),
            cached=cached,
            llm_called=composed.llm_called,
        )
        if composed.cacheable:
            self._recent.remember(room.room_id, first.key, reply, composed, max(q.message.ts for q in group))
        self._notify(room, group, composed)
        return reply

    def _join_recent(self, room: Room, group: list[Question], result: BatchResult) -> bool:
        """Questions whose answer was posted moments ago join that reply instead of a new one."""
        recent = self._recent.find(room.room_id, group[0].key, group[0].message.ts)
        if recent is None:
            return False
        reply, composed = recent
        for question in group:
            self._remember(room, question, composed)
            result.joined.append(Joined(question.message.msg_id, reply.reply_id))
        self._notify(room, group, composed)
        return True

    def _notify(self, room: Room, group: list[Question], composed: Composed) -> None:
        if self._on_answered is not None:
            for q in group:
                self._on_answered(room.room_id, q.message, composed.product_id, q.understanding.intent)

    def _remember(self, room: Room, question: Question, composed: Composed) -> None:
        previous = question.dialogue
        product_id = composed.product_id or (previous.product_id if previous else None)
        state = ViewerDialogue(
            product_id=product_id,
            sku_id=composed.sku_id,
            intent=question.understanding.intent,
            updated_at=question.message.ts,
            pending=composed.pending,
        )
        self._dialogue.put(room.room_id, question.message.viewer_id, state)

    # -- per-room helpers ----------------------------------------------------------------------
    def _room_guards(self, room_id: str) -> _RoomGuards:
        with self._lock:
            guards = self._guards.get(room_id)
            if guards is None:
                guards = _RoomGuards(
                    SeenIds(self._limits.seen_ids_per_room),
                    ViewerFlood(self._limits.viewer_messages_per_min),
                    ReplyBudget(self._limits.room_replies_per_s),
                )
                self._guards[room_id] = guards
            return guards

    def _matcher(self, catalog: Catalog) -> ProductMatcher:
        with self._lock:
            matcher = self._matchers.get(catalog.catalog_id)
            if matcher is None or matcher.version != catalog.version:
                matcher = ProductMatcher(catalog)
                self._matchers[catalog.catalog_id] = matcher
            return matcher

    def forget_room(self, room_id: str) -> None:
        """Stage or room-promotion change: drop the room's cached and recent answers."""
        self._cache.invalidate_room(room_id)
        self._recent.forget_room(room_id)

    def forget_catalog(self, catalog_id: str) -> None:
        """Any catalog change: drop every answer built from that catalog (recent replies carry the
        catalog version in their key, so none of them can be joined any more)."""
        self._cache.invalidate_catalog(catalog_id)
