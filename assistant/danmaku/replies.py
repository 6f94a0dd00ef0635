"""What the pipeline returns for a batch: replies, questions joined to a recent reply, ignored messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.danmaku.compliance import find_banned
from assistant.danmaku.nicknames import shown_nickname
from assistant.danmaku.types import ReplySource

MAX_NAMES_IN_ADDRESS = 3


@dataclass(frozen=True, slots=True)
class Reply:
    reply_id: str
    reply_to: tuple[str, ...]
    text: str
    product_id: str | None
    intent: str
    source: ReplySource
    ai_generated: bool
    latency_ms: float
    viewer_ids: tuple[str, ...] = ()
    cached: bool = False  # served from the answer cache
    llm_called: bool = False  # composing it called the LLM
    held: bool = False  # waits for the operator's approval (assistant.review); not yet in the room
    question_key: str = ""  # what was asked (``codecs.question_key_text``): groups handoffs


@dataclass(frozen=True, slots=True)
class Ignored:
    msg_id: str
    reason: str  # duplicate | viewer_flood | chatter | spam | abuse | steering | room_rate | internal_error


@dataclass(frozen=True, slots=True)
class Joined:
    """A question answered by a reply posted moments ago (no new message in the room)."""

    msg_id: str
    reply_id: str
    reply: Reply | None = None  # the reply joined (what a live client shows for this message)


@dataclass(slots=True)
class BatchResult:
    replies: list[Reply] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    joined: list[Joined] = field(default_factory=list)


def address(nicknames: Sequence[str], body: str, language: str) -> str:
    """Prefix the answer with the viewers it answers: "@小王 @小李等5位 …".

    Only nicknames that pass ``nicknames.shown_nickname`` are shown (a nickname such as
    "全网最低价只要1元" or "<img src=x>" is the viewer's text, not ours, and is never echoed); the
    count still includes everyone answered. When no nickname may be shown, the reply names no one.
    """
    names = [n for n in dict.fromkeys(nicknames) if n]
    shown_names = [s for s in dict.fromkeys(map(shown_nickname, names)) if s is not None]
    if not shown_names:
        return body
    shown = " ".join(f"@{n}" for n in shown_names[:MAX_NAMES_IN_ADDRESS])
    extra = len(names) - min(len(shown_names), MAX_NAMES_IN_ADDRESS)
    if extra > 0:
        shown += f" and {extra} more" if language == "en" else f"等{len(names)}位"
    text = f"{shown} {body}"
    # A name and the first words of the answer could still form a term together ("number" + "one").
    return body if find_banned(text) else text


def readdress(text: str, nicknames: Sequence[str], kept: Sequence[str]) -> str:
    """A reply ``address``ed to ``nicknames`` addressed to ``kept`` (some of them) instead: the
    answer is the text after the mention prefix ``address`` wrote (the whole text when it wrote
    none, e.g. no nickname could be shown)."""
    for language in ("zh", "en"):
        prefix = address(nicknames, "", language)
        if prefix and text.startswith(prefix):
            return address(kept, text[len(prefix) :], language)
    return address(kept, text, "zh")
