"""Review before sending: per room and per reply source, send at once or hold for the operator.

A room's review policy names the reply sources (``catalog``, ``faq``, ``llm``, ``fallback``,
``clarify``, ``handoff``) whose replies wait for approval. A held reply is not published to the
room's subscribers; the operator approves it as written, edits it (the edit is sent instead) or
rejects it (nothing is sent). An edited text passes the same checks as the assistant's own text:
no banned advertising term (``assistant.danmaku.compliance``) and no number that the grounding
(the catalog facts of the reply's product now, and the reply as the assistant wrote it) lacks
(``assistant.llm.guard.unsupported_numbers``).

Policies and held replies are room state behind the small ``ReviewStore`` interface: in memory
(``ReviewQueue``, tests and pipelines outside the service) or in the service's state stores
(``assistant.state``: SQLite or Redis), so a restart keeps them and several processes share them.
``take`` is atomic in every backend: a held reply approved on two processes at once is sent once.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from assistant.danmaku.compliance import find_banned
from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.llm.guard import unsupported_numbers
from knowledge.domain import Catalog, Product, Promotion
from knowledge.facts import sku_facts
from knowledge.serialize import product_to_dict, promotion_to_dict

MAX_HELD_PER_ROOM = 1000  # the oldest held reply is dropped (never sent) beyond this


class ReviewError(Exception):
    """Base class of review errors."""


class UnknownHeldReplyError(ReviewError):
    """No held reply with this id in the room (approved, rejected, dropped or never held)."""


class EditRefusedError(ReviewError):
    """An operator's edit that breaks the compliance or amount rules; ``problems`` names each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class HeldQuestion:
    """A message a held reply answers (shown to the operator beside the reply)."""

    msg_id: str
    nickname: str
    text: str


@dataclass(frozen=True, slots=True)
class HeldReply:
    room_id: str
    reply: Reply
    questions: tuple[HeldQuestion, ...]
    held_at: datetime


class ReviewStore(Protocol):
    """Where review policies and held replies live (``ReviewQueue``: in memory; SQLite and Redis in
    ``assistant.state``). ``hold`` drops the oldest held reply past the room's bound and counts it
    in ``dropped``; ``take`` removes and returns a held reply to exactly one caller."""

    def policy(self, room_id: str) -> frozenset[ReplySource]: ...
    def set_policy(self, room_id: str, sources: Iterable[ReplySource]) -> frozenset[ReplySource]: ...
    def hold(
        self, room_id: str, reply: Reply, questions: Sequence[HeldQuestion], at: datetime
    ) -> HeldReply: ...
    def held(self, room_id: str) -> list[HeldReply]: ...
    def dropped(self, room_id: str) -> int: ...
    def get(self, room_id: str, reply_id: str) -> HeldReply: ...
    def take(self, room_id: str, reply_id: str) -> HeldReply: ...


class ReviewQueue:
    """Review policies and held replies of every room, in memory, thread-safe (``ReviewStore``)."""

    def __init__(self, max_held: int = MAX_HELD_PER_ROOM) -> None:
        self._policies: dict[str, frozenset[ReplySource]] = {}
        self._held: dict[str, OrderedDict[str, HeldReply]] = {}
        self._dropped: dict[str, int] = {}
        self._max_held = max_held
        self._lock = threading.Lock()

    def policy(self, room_id: str) -> frozenset[ReplySource]:
        """The sources held for approval in the room (empty: everything is sent at once)."""
        with self._lock:
            return self._policies.get(room_id, frozenset())

    def set_policy(self, room_id: str, sources: Iterable[ReplySource]) -> frozenset[ReplySource]:
        """Hold replies of ``sources`` from now on; replies already held stay held."""
        policy = frozenset(sources)
        with self._lock:
            self._policies[room_id] = policy
        return policy

    def hold(self, room_id: str, reply: Reply, questions: Sequence[HeldQuestion], at: datetime) -> HeldReply:
        """Queue ``reply`` for the operator (the oldest is dropped past ``max_held``)."""
        entry = HeldReply(room_id, reply, tuple(questions), at)
        with self._lock:
            queue = self._held.setdefault(room_id, OrderedDict())
            queue[reply.reply_id] = entry
            while len(queue) > self._max_held:
                queue.popitem(last=False)
                self._dropped[room_id] = self._dropped.get(room_id, 0) + 1
        return entry

    def held(self, room_id: str) -> list[HeldReply]:
        """The room's held replies, oldest first."""
        with self._lock:
            queue = self._held.get(room_id)
            return list(queue.values()) if queue is not None else []

    def dropped(self, room_id: str) -> int:
        """How many held replies were dropped unsent because the queue was full."""
        with self._lock:
            return self._dropped.get(room_id, 0)

    def get(self, room_id: str, reply_id: str) -> HeldReply:
        with self._lock:
            queue = self._held.get(room_id)
            entry = queue.get(reply_id) if queue is not None else None
        if entry is None:
            raise UnknownHeldReplyError(f"no held reply {reply_id!r} in room {room_id!r}")
        return entry

    def take(self, room_id: str, reply_id: str) -> HeldReply:
        """Remove and return a held reply (to send or to drop); only one caller gets it."""
        with self._lock:
            queue = self._held.get(room_id)
            entry = queue.pop(reply_id, None) if queue is not None else None
        if entry is None:
            raise UnknownHeldReplyError(f"no held reply {reply_id!r} in room {room_id!r}")
        return entry


def edit_problems(text: str, grounding: str) -> list[str]:
    """What stops ``text`` from being sent: banned terms and amounts the grounding lacks."""
    problems = [f"contains the banned term {term!r} (advertising law)" for term in find_banned(text)]
    numbers = sorted(unsupported_numbers(text, grounding))
    problems += [f"the amount {n} is not in the catalog facts or the reply" for n in numbers]
    return problems


def check_edit(text: str, grounding: str) -> str:
    """``text`` stripped when it may be sent, else ``EditRefusedError`` naming every problem."""
    cleaned = text.strip()
    if not cleaned:
        raise EditRefusedError(["the text is empty"])
    problems = edit_problems(cleaned, grounding)
    if problems:
        raise EditRefusedError(problems)
    return cleaned


def reply_grounding(
    reply: Reply, catalog: Catalog, room_promotions: Sequence[Promotion], at: datetime
) -> str:
    """What an edit of ``reply`` may state: the reply as written plus the catalog facts at ``at``
    (with the room's promotions) of its product, or of every product when it names none."""
    return "\n".join([reply.text, catalog_grounding(reply.product_id, catalog, room_promotions, at)])


def catalog_grounding(
    product_id: str | None, catalog: Catalog, room_promotions: Sequence[Promotion], at: datetime
) -> str:
    """What an operator may state about ``product_id``: its catalog facts at ``at`` (with the room's
    promotions), or every product's when it names none (or one no longer in the catalog)."""
    product = catalog.product(product_id) if product_id else None
    products = [product] if product is not None else list(catalog.products)
    promotions = (*catalog.promotions, *room_promotions)
    return "\n".join(_product_facts(p, promotions, at) for p in products)


def _product_facts(product: Product, promotions: Sequence[Promotion], at: datetime) -> str:
    lines = [json.dumps(product_to_dict(product), ensure_ascii=False)]
    for sku in product.skus:
        facts = sku_facts(product, sku, tuple(promotions), at)
        lines.append(
            f"{facts.sku_id} base {facts.base_price} price {facts.price}"
            f" after coupon {facts.price_after_coupon} stock {facts.stock}"
        )
        running = [facts.flash_sale, *facts.coupons, *facts.spend_discounts, *facts.upcoming]
        lines += [json.dumps(promotion_to_dict(p), ensure_ascii=False) for p in running if p]
    return "\n".join(lines)
