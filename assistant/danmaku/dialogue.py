"""Per-viewer dialogue memory: the product a viewer asked about, pending clarifications.

The records and the store protocol; the stores themselves are ``assistant.state``
``DialogueStates`` (memory: LRU-bounded; sqlite and redis: durable), each expiring a state
``StateOptions.dialogue_ttl_s`` seconds after the viewer's last message. State is plain data
(serialisable) so every backend stores the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from assistant.danmaku.types import Intent, Slots


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
    """A viewer's last question: its product, SKU and intent (and its words when the intent says
    too little), a clarification pending, and what the viewer told of themselves so far
    (``Slots.about_viewer``: "孕妇", "160 100斤", "新疆"), which a follow-up about another product
    still means ("这个呢" after "孕妇能用吗")."""

    product_id: str | None
    sku_id: str | None
    intent: Intent | None
    updated_at: datetime
    pending: PendingClarification | None = None
    viewer: Slots = field(default_factory=Slots)
    # the words of a last question of no known kind (``Intent.OTHER``: "续航多久", answered from an
    # attribute or a sentence), which "这个呢" about the next product asks again, or of an after-sales
    # question (a return's, a warranty's or the viewer's own, which tells what "运费谁出" after it
    # means); "" otherwise
    asked: str = ""


class DialogueStore(Protocol):
    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None: ...
    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None: ...
    def clear_room(self, room_id: str) -> None: ...
