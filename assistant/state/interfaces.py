"""One small typed interface per kind of state; memory, sqlite and redis implement each of them.

Times: ``datetime`` arguments are timezone-aware; ``ttl_s`` are seconds. Every value crosses the
interface as a frozen dataclass or JSON-ready data, never as a live object, so a store may hand the
same value to another process. ``RoomStates`` and ``DialogueStates`` are structurally compatible
with ``assistant.rooms.RoomStore`` and ``assistant.danmaku.dialogue.DialogueStore``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from assistant.danmaku.dialogue import DialogueStore, ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.types import Danmaku
from assistant.rooms import Room, RoomStore
from assistant.state.records import (
    AcceptedDanmaku,
    CaptionLog,
    ConsentEvent,
    EnrolledVoice,
    Handoff,
    LoggedDanmaku,
    LoggedEvents,
    RecentReply,
)
from recommender import Event
from speech.domain import Caption

JsonDict = dict[str, Any]


class RoomStates(Protocol):
    """Rooms, their stage timeline and promotions. ``update`` is compare-and-set: ``fn`` may run
    more than once (it must be pure) and the value it returns is stored only if nobody changed the
    room meanwhile; raises ``UnknownRoomError`` / ``RoomExistsError`` / ``ConflictError``."""

    def create(self, room: Room) -> Room: ...
    def get(self, room_id: str) -> Room: ...
    def put(self, room: Room) -> None: ...
    def list(self) -> list[Room]: ...
    def update(self, room_id: str, fn: Callable[[Room], Room]) -> Room: ...


class DialogueStates(Protocol):
    """Per-viewer dialogue memory; ``get`` returns None once ``now`` is past the TTL."""

    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None: ...
    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None: ...
    def clear_room(self, room_id: str) -> None: ...


class MessageGuards(Protocol):
    """Idempotency and rate limits of a room's danmaku."""

    def first_seen(self, room_id: str, msg_id: str, at: datetime) -> bool:
        """Record ``msg_id``; False when it was seen within the TTL (a duplicate: never answer it)."""
        ...

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        """False when the viewer already sent the limit within the 60 s before ``at`` (message time)."""
        ...

    def take_reply(self, room_id: str, at: datetime) -> bool:
        """Spend one reply of the room's token bucket at ``at``, the SERVICE's clock (never a
        client's ts); time never runs backwards for the bucket. False: over the reply rate."""
        ...


class RecentReplies(Protocol):
    """The join window: replies posted moments ago, by answer key (``key``: a stable string, see
    ``codecs.answer_key_text``)."""

    def remember(self, room_id: str, key: str, entry: RecentReply) -> None: ...
    def find(self, room_id: str, key: str, at: datetime) -> RecentReply | None: ...
    def forget_room(self, room_id: str) -> None: ...


class ReplyIds(Protocol):
    """Reply ids unique across every process sharing the store and across restarts."""

    def next_id(self) -> str: ...


class Handoffs(Protocol):
    """Questions queued for the operator, oldest first, bounded per room; one entry per msg_id."""

    def add(self, handoffs: Sequence[Handoff]) -> None: ...
    def list(self, room_id: str) -> list[Handoff]: ...
    def remove(self, room_id: str, msg_id: str) -> bool: ...


class OperatorAnswers(Protocol):
    """Operator-written answers per catalog (matching stays in ``OperatorFaq``); ``put`` raises
    ValueError past ``max_answers_per_catalog``."""

    def put(self, entry: OperatorAnswer) -> None: ...
    def delete(self, catalog_id: str, faq_id: str) -> bool: ...
    def list(self, catalog_id: str) -> list[OperatorAnswer]: ...


class RecommenderStates(Protocol):
    """A room's recommender (``Recommender.to_dict()``: profiles with carts, push caps and fired
    triggers) and its opted-out viewers. Opting out is durable at once and erases the viewer's
    stored profile; ``save`` never stores the profile of an opted-out viewer.

    Every ``save`` and ``set_opt_out`` adds one to the room's change counter in the same atomic
    write and returns the new value; ``version`` reads it (0: never written). A process that
    remembers the version it last loaded or wrote skips reloading an unchanged room."""

    def load(self, room_id: str) -> JsonDict | None: ...
    def save(self, room_id: str, snapshot: JsonDict, viewers: Collection[str] | None = None) -> int:
        """Store the snapshot; returns the room's new version. ``viewers`` None: its profiles
        replace the stored ones; else only these viewers' profiles are written (deleted when
        absent from the snapshot), the others kept: a batch saves just the viewers it touched."""
        ...

    def set_opt_out(self, room_id: str, viewer_id: str, opted_out: bool) -> int:
        """Record the choice; returns the room's new version."""
        ...

    def opted_out(self, room_id: str) -> set[str]: ...
    def version(self, room_id: str) -> int:
        """The room's change counter: one read, O(1)."""
        ...

    def claim_push(self, room_id: str, viewer_id: str, trigger: str, ttl_s: float) -> bool:
        """True once per (viewer, trigger) within ``ttl_s`` over every process: send the push."""
        ...


class CaptionLogs(Protocol):
    """A room's final captions, bounded (the oldest dropped past ``max_captions_per_room``)."""

    def append(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None: ...
    def log(self, room_id: str) -> CaptionLog: ...
    def clear(self, room_id: str) -> None: ...


class Voices(Protocol):
    """Enrolled voices with their consent; ``forget`` deletes the voiceprint and logs the withdrawal."""

    def enrol(self, room_id: str, voice: EnrolledVoice) -> None: ...
    def voices(self, room_id: str) -> list[EnrolledVoice]: ...
    def forget(self, room_id: str, name: str, at: datetime) -> bool: ...
    def consent_log(self, room_id: str) -> list[ConsentEvent]: ...


class AudioLeases(Protocol):
    """Who streams a room's audio: a lease with expiry, renewed while the stream runs.

    ``acquire`` succeeds when the room is free, its lease lapsed, or ``owner`` holds it already
    (then it is extended); ``renew`` / ``release`` succeed only for the current, live holder."""

    def acquire(self, room_id: str, owner: str, ttl_s: float) -> bool: ...
    def renew(self, room_id: str, owner: str, ttl_s: float) -> bool: ...
    def release(self, room_id: str, owner: str) -> bool: ...
    def holder(self, room_id: str) -> str | None: ...


class Subscription(Protocol):
    def close(self) -> None: ...


MessageHandler = Callable[[JsonDict], None]
NoticeHandler = Callable[[str, int], None]  # (catalog_id, version)


class RoomBus(Protocol):
    """Publish/subscribe of JSON messages per room. Handlers run on a bus thread (or, in memory,
    in the publisher's thread): keep them short and thread-safe (``RoomHub.publish`` is)."""

    def publish(self, room_id: str, message: JsonDict) -> None: ...
    def subscribe(self, room_id: str, handler: MessageHandler) -> Subscription: ...


class CatalogNotices(Protocol):
    """ "Catalog X is now at version V": other processes drop what they cached from it."""

    def publish(self, catalog_id: str, version: int) -> None: ...
    def subscribe(self, handler: NoticeHandler) -> Subscription: ...
    def latest(self, catalog_id: str) -> int | None: ...


class DanmakuLog(Protocol):
    """Danmaku recorded durably before they are answered, so a process that dies holding some
    has them answered by another (redis: a Stream per room read through a consumer group).

    ``accept`` records the batch's new msg_ids (a msg_id recorded before is a duplicate: the
    seen-id guard of ``MessageGuards``) and hands their entries to ``consumer`` (an unknown room:
    ``UnknownRoomError``, nothing recorded); ``finish`` marks
    entries answered and returns those ``consumer`` still held (an entry another process claimed
    meanwhile is that process's to answer); ``claim`` takes over entries held longer than
    ``min_idle_s`` by any consumer, per room."""

    def accept(
        self, room_id: str, consumer: str, messages: Sequence[Danmaku], answer_next: bool = False
    ) -> AcceptedDanmaku:
        """``answer_next``: this thread's next ``batch`` answers the entries (read their state now)."""
        ...

    def batch(self, room_id: str, messages: Sequence[Danmaku]) -> AbstractContextManager[None]:
        """Answer ``messages`` inside this: their state is read in one go and written at the end
        (by ``finish`` when it is called inside, in the same round trip)."""
        ...

    def finish(self, room_id: str, consumer: str, entry_ids: Sequence[str]) -> set[str]: ...
    def claim(self, consumer: str, min_idle_s: float, count: int) -> dict[str, list[LoggedDanmaku]]: ...


class EventLog(Protocol):
    """Batches of behaviour events recorded durably before they are applied, so a process that
    dies holding one has it applied by another (redis: a Stream per room, the ``DanmakuLog``
    mechanism).

    ``accept`` records one batch and hands its entry to ``consumer`` (an unknown room:
    ``UnknownRoomError``, nothing recorded; events are not deduplicated here: their ``event_id``
    is the recommender's idempotency key); ``finish`` marks entries applied (call it once their
    effect is stored) and returns those ``consumer`` still held; ``claim`` takes over entries held
    longer than ``min_idle_s`` by any consumer, per room."""

    def accept(self, room_id: str, consumer: str, events: Sequence[Event]) -> LoggedEvents: ...
    def finish(self, room_id: str, consumer: str, entry_ids: Sequence[str]) -> set[str]: ...
    def claim(self, consumer: str, min_idle_s: float, count: int) -> dict[str, list[LoggedEvents]]: ...


def _fits_existing(rooms: RoomStates, dialogue: DialogueStates) -> tuple[RoomStore, DialogueStore]:
    """Static check (mypy): these stores drop in where the product takes its current protocols."""
    return rooms, dialogue
