"""The operator's handoff queue as questions: grouping, ranking and the per-room cap on new ones.

A host reads one line per *question*, not per viewer: handoffs with the same ``question_key`` (the
answer-cache key without versions) are one ``HandoffGroup`` with every viewer who asked it. Groups
are ordered by rank (``types.handoff_rank``: purchase-blocking first, then after-sales, then the
rest) and then by age (oldest first), so the question that loses a sale soonest is on top.

A room may open at most ``max_new_per_min`` new groups per minute of message time: past that the
host cannot keep up, and more lines only bury the ones already there. A question that joins an
open group is never capped (it costs the host nothing).

The operator answers a group in one reply addressed to every viewer in it; the answered handoffs
leave the queue (``LiveRooms.prepare_handoff_reply`` / ``send_handoff_reply``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.state.records import Handoff
from knowledge.ids import MAX_ID_CHARS

CAP_WINDOW = timedelta(minutes=1)
# New handoff questions a room may queue per minute by default: a host reads and answers a few a
# minute on air; past that, more lines only bury the ones waiting (setting
# ``limits.handoff_groups_per_min``, env ``LIVESHOP_LIMITS__HANDOFF_GROUPS_PER_MIN``).
DEFAULT_HANDOFF_GROUPS_PER_MIN = 12


@dataclass(frozen=True, slots=True)
class HandoffGroup:
    """One question in the queue: its first wording, rank, intent and every viewer who asked it."""

    question_key: str
    rank: int
    intent: str
    text: str  # the first viewer's wording
    product_id: str | None
    handoffs: tuple[Handoff, ...]  # oldest first

    @property
    def count(self) -> int:
        return len(self.handoffs)

    @property
    def msg_ids(self) -> tuple[str, ...]:
        return tuple(h.msg_id for h in self.handoffs)

    @property
    def first_at(self) -> datetime:
        return self.handoffs[0].at

    @property
    def last_at(self) -> datetime:
        return self.handoffs[-1].at


class HandoffReplyError(Exception):
    """Base class of errors answering queued handoffs."""


class NoQueuedHandoffError(HandoffReplyError):
    """None of the messages named is in the room's queue (answered already, or never handed off)."""


class HandoffsTakenError(HandoffReplyError):
    """The messages left the queue between the check and the send (answered at the same moment)."""


def group_key(h: Handoff) -> str:
    """The group a handoff belongs to; a record stored without a key is a question of its own."""
    return h.question_key or f"msg:{h.msg_id}"


def group_handoffs(handoffs: Iterable[Handoff]) -> list[HandoffGroup]:
    """The handoffs as questions, ranked (lowest rank first), then oldest first."""
    by_key: dict[str, list[Handoff]] = {}
    for h in handoffs:
        by_key.setdefault(group_key(h), []).append(h)
    groups = []
    for key, members in by_key.items():
        members.sort(key=lambda h: h.at)
        first = members[0]
        rank = min(h.rank for h in members)
        groups.append(HandoffGroup(key, rank, first.intent, first.text, first.product_id, tuple(members)))
    groups.sort(key=lambda g: (g.rank, g.first_at))
    return groups


def over_cap(queued: Sequence[Handoff], question_key: str, at: datetime, max_new_per_min: int) -> bool:
    """Whether a handoff of ``question_key`` at message time ``at`` would open a group past the
    room's cap: its question is not queued yet and ``max_new_per_min`` groups already opened in the
    minute before ``at``."""
    firsts: dict[str, datetime] = {}
    for h in queued:
        key = group_key(h)
        firsts[key] = min(firsts.get(key, h.at), h.at)
    if question_key in firsts:
        return False
    recent = sum(1 for first in firsts.values() if at - CAP_WINDOW < first <= at)
    return recent >= max_new_per_min


def queued_among(queued: Iterable[Handoff], msg_ids: Iterable[str]) -> list[Handoff]:
    """The handoffs of ``queued`` whose message is one of ``msg_ids``, oldest first (each once)."""
    wanted = set(msg_ids)
    return sorted((h for h in queued if h.msg_id in wanted), key=lambda h: h.at)


def handoff_faq_id(room_id: str, msg_id: str) -> str:
    """The id of the operator answer saved from a group's reply, named by its first message:
    ``handoff-<room_id>-<msg_id>`` with every character the id rule refuses (``knowledge.ids``)
    made ``_``, cut to the rule's length (the console names it the same way)."""
    raw = f"handoff-{room_id}-{msg_id}"
    safe = "".join(c if c in "_-." or unicodedata.category(c)[0] in "LMN" else "_" for c in raw)
    return safe[:MAX_ID_CHARS]
