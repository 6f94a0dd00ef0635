"""Plain records the state stores keep that have no home in a leaf module of the product.

Every record is a frozen dataclass of JSON-ready values so each backend stores the same thing.
``Handoff`` mirrors ``assistant.live.Handoff`` field for field (live.py may import it from here: the
state package cannot import live.py, which composes the whole room and would import it back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import HANDOFF_OTHER, Danmaku
from recommender import Event
from speech.domain import Caption

if TYPE_CHECKING:
    from assistant.danmaku.answering import Composed


@dataclass(frozen=True, slots=True)
class Handoff:
    """A question the assistant could not answer, queued for the operator.

    ``intent``: the pipeline's intent; ``question_key``: the question's identity (the answer-cache
    key without versions, ``codecs.question_key_text``): handoffs sharing it are one question in
    the queue; ``rank``: ``types.handoff_rank`` (purchase-blocking first). Records stored before
    these fields existed load with the defaults (their own msg_id stands for the key at read time).
    """

    room_id: str
    msg_id: str
    viewer_id: str
    nickname: str
    text: str
    product_id: str | None
    at: datetime
    intent: str = ""
    question_key: str = ""
    rank: int = HANDOFF_OTHER


@dataclass(frozen=True, slots=True)
class RecentReply:
    """A reply posted at ``posted_at`` (room time) that a repeat of its question may join."""

    reply: Reply
    composed: Composed
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class CaptionLog:
    """A room's final live captions and the wall-clock start of the stream they are timed from."""

    started_at: datetime | None
    captions: tuple[Caption, ...]


@dataclass(frozen=True, slots=True)
class Consent:
    """The speaker's consent to keep a voiceprint: when, and what they agreed to, in their words.

    ``recorded_by`` names who collected it (the operator key's owner or the console user)."""

    given_at: datetime
    statement: str
    recorded_by: str = ""


@dataclass(frozen=True, slots=True)
class EnrolledVoice:
    """A named voiceprint of a room (``vector``: the speaker embedding, float32 values)."""

    name: str
    vector: tuple[float, ...]
    enrolled_at: datetime
    consent: Consent


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One line of a room's consent log: ``kind`` is ``given`` or ``withdrawn`` (voice deleted).

    Kept after the voiceprint itself is deleted, so the room can show when consent was given and
    when the voice was erased; it never holds the vector."""

    room_id: str
    name: str
    kind: str
    at: datetime
    statement: str = ""
    recorded_by: str = ""


@dataclass(frozen=True, slots=True)
class LoggedDanmaku:
    """A danmaku recorded in a room's durable log (``entry_id``: its id there, e.g. a Stream id)."""

    entry_id: str
    message: Danmaku


@dataclass(frozen=True, slots=True)
class LoggedEvents:
    """A batch of behaviour events recorded in a room's durable log (``entry_id``: its id there)."""

    entry_id: str
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class AcceptedDanmaku:
    """What recording a batch did: ``entries`` are new and now held by the recording process (to
    answer); ``duplicates`` are msg_ids recorded before (never answered again)."""

    entries: tuple[LoggedDanmaku, ...]
    duplicates: tuple[str, ...]
