"""Follow-up questions keep the viewer's previous intent ("那黑色的呢", "6斤的呢", "它保价吗")."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.intent import is_followup_reference
from assistant.danmaku.types import Intent, Slots, Understanding

_FRAGMENT_RE = re.compile(r"^(?:那|那个|那种|那款)?(.{1,6}?)的?(?:呢|咧)[?]?$")


def carry_over_intent(understanding: Understanding, dialogue: ViewerDialogue | None) -> Understanding:
    """A follow-up fragment keeps the viewer's previous intent: "那黑色的呢" after a price question
    asks the black variant's price; "6斤的呢" after a price question about a quilt asks the price of
    the 6斤 variant (not a size question)."""
    if dialogue is None or dialogue.intent is None:
        return understanding
    fragment = _FRAGMENT_RE.match(understanding.normalized)
    if fragment is not None and understanding.intent in (Intent.OTHER, Intent.SIZE):
        slots = understanding.slots
        if slots.color is None and slots.size is None:
            slots = replace(slots, variant_hint=fragment.group(1), weight_kg=None, height_cm=None)
        return replace(understanding, intent=dialogue.intent, slots=slots)
    if understanding.intent is not Intent.OTHER:
        return understanding
    if understanding.slots == Slots() and not is_followup_reference(understanding.normalized):
        return understanding
    return replace(understanding, intent=dialogue.intent)
