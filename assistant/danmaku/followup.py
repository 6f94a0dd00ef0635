"""Follow-up questions keep the viewer's previous intent ("那黑色的呢", "6斤的呢", "它保价吗")."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.intent import is_followup_reference
from assistant.danmaku.slot_rules import says_only_details
from assistant.danmaku.types import Intent, Slots, Understanding

_FRAGMENT_RE = re.compile(r"^(?:那|那个|那种|那款)?(.{1,6}?)的?(?:呢|咧)[?]?$")
# A fragment that points at the product in view rather than naming a version ("这个呢"): no variant.
_POINTS_AT_PRODUCT_RE = re.compile(r"^(?:这|那)(?:个|款|件|条|双|套|瓶|支|只|盒|种|把|台)?$|^它$")
FOLLOWUP_MAX_CHARS = 12  # a longer line says more than a follow-up


def continues_dialogue(understanding: Understanding, dialogue: ViewerDialogue | None) -> bool:
    """Whether a line the rules took for chatter continues the viewer's last question, still
    remembered (the dialogue store's TTL): a fragment ("茶轴呢", "那甘肃呢", "这个呢" after the host
    moved on) or nothing but the details that question turns on ("还是换L吧", "算了要黑色的", "65公斤",
    "我155 45kg"). An opinion with a detail in it ("黑色好看") says more, and stays chat."""
    if dialogue is None or dialogue.intent is None:
        return False
    text = understanding.normalized.strip()
    if not text or len(text) > FOLLOWUP_MAX_CHARS:
        return False
    if _FRAGMENT_RE.match(text):
        return True
    return says_only_details(text)


def carry_over_intent(understanding: Understanding, dialogue: ViewerDialogue | None) -> Understanding:
    """A follow-up fragment keeps the viewer's previous intent: "那黑色的呢" after a price question
    asks the black variant's price; "6斤的呢" after a price question about a quilt asks the price of
    the 6斤 variant (not a size question)."""
    if dialogue is None or dialogue.intent is None:
        return understanding
    fragment = _FRAGMENT_RE.match(understanding.normalized)
    if fragment is not None and understanding.intent in (Intent.OTHER, Intent.SIZE):
        slots = understanding.slots
        if slots.color is None and slots.size is None and not _POINTS_AT_PRODUCT_RE.match(fragment.group(1)):
            slots = replace(slots, variant_hint=fragment.group(1), weight_kg=None, height_cm=None, girth=None)
        return _continued(understanding, dialogue, slots)
    if understanding.intent is not Intent.OTHER:
        return understanding
    if understanding.slots == Slots() and not is_followup_reference(understanding.normalized):
        return understanding
    return _continued(understanding, dialogue, understanding.slots)


def _continued(understanding: Understanding, dialogue: ViewerDialogue, slots: Slots) -> Understanding:
    """The follow-up asking the previous question again with its own slots and what the viewer told
    of themselves before ("这个呢" after "孕妇能用吗" asks for a pregnant viewer). After size advice a
    colour or size alone ("要黑色的", "那白色L") asks whether that version is there."""
    intent = dialogue.intent or understanding.intent
    measured = slots.height_cm or slots.weight_kg or slots.girth
    if intent is Intent.SIZE and (slots.color or slots.size) and not measured:
        intent = Intent.STOCK
    return replace(understanding, intent=intent, slots=slots.filled_from(dialogue.viewer))
