"""``StateStores``: one store of each kind, and the factory that builds them for one backend.

The factory takes built things, never URLs or settings: a path for sqlite, a ``redis.Redis`` client
for redis (the wiring reads the settings and builds the client). Redis modules are imported only
when ``kind="redis"``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.danmaku.operator_faq import HitCounts, MemoryHits
from assistant.review import ReviewQueue, ReviewStore
from assistant.state import memory_core as mc
from assistant.state import memory_live as ml
from assistant.state.errors import StateConfigError
from assistant.state.interfaces import (
    AudioLeases,
    CaptionLogs,
    CatalogNotices,
    DanmakuLog,
    DialogueStates,
    EventLog,
    Handoffs,
    MessageGuards,
    OperatorAnswers,
    RecentReplies,
    RecommenderStates,
    ReplyIds,
    RoomBus,
    RoomStates,
    Voices,
)
from assistant.state.options import StateOptions

if TYPE_CHECKING:
    from redis import Redis

StateKind = Literal["memory", "sqlite", "redis"]
DEFAULT_PREFIX = "liveshop:"


@dataclass
class StateStores:
    """Every kind of state the service keeps, each behind its interface (``kind`` says which backend)."""

    kind: StateKind
    rooms: RoomStates
    dialogue: DialogueStates
    guards: MessageGuards
    recent: RecentReplies
    reply_ids: ReplyIds
    handoffs: Handoffs
    operator_answers: OperatorAnswers
    recommender: RecommenderStates
    captions: CaptionLogs
    voices: Voices
    audio_leases: AudioLeases
    bus: RoomBus
    catalog_notices: CatalogNotices
    review: ReviewStore  # review policies and held replies (assistant.review)
    faq_hits: HitCounts  # how many questions each operator answer answered
    # danmaku recorded before they are answered (redis only: several processes; None: one process)
    danmaku_log: DanmakuLog | None = None
    # behaviour events recorded before they are applied (redis only, as ``danmaku_log``)
    event_log: EventLog | None = None
    _close: Callable[[], None] = field(default=lambda: None, repr=False)

    def close(self) -> None:
        """Release the backend's connection (the sqlite file; a redis client stays the caller's)."""
        self._close()


def build_state_stores(
    kind: StateKind,
    *,
    sqlite_path: Path | None = None,
    redis: Redis | None = None,
    prefix: str = DEFAULT_PREFIX,
    options: StateOptions | None = None,
    clock: Callable[[], float] = time.time,
) -> StateStores:
    """The stores of one backend. ``clock`` (Unix seconds) times leases and push claims in the
    memory and sqlite backends; redis times them on its own clock (PX)."""
    opts = options or StateOptions()
    if kind == "memory":
        return _memory(opts, clock)
    if kind == "sqlite":
        if sqlite_path is None:
            raise StateConfigError("the sqlite state backend needs sqlite_path (the state file to open)")
        return _sqlite(Path(sqlite_path), opts, clock)
    if kind == "redis":
        if redis is None:
            raise StateConfigError("the redis state backend needs a redis client (redis.Redis(...))")
        return _redis(redis, prefix, opts)
    raise StateConfigError(f"unknown state backend {kind!r}; use memory, sqlite or redis")


def _memory(opts: StateOptions, clock: Callable[[], float]) -> StateStores:
    return StateStores(
        kind="memory",
        rooms=mc.MemoryRooms(),
        dialogue=mc.MemoryDialogue(opts),
        guards=mc.MemoryGuards(opts),
        recent=mc.MemoryRecent(opts),
        reply_ids=mc.MemoryReplyIds(),
        handoffs=mc.MemoryHandoffs(opts),
        operator_answers=mc.MemoryOperatorAnswers(opts),
        recommender=ml.MemoryRecommender(clock),
        captions=ml.MemoryCaptionLogs(opts),
        voices=ml.MemoryVoices(),
        audio_leases=ml.MemoryAudioLeases(clock),
        bus=ml.MemoryRoomBus(),
        catalog_notices=ml.MemoryCatalogNotices(),
        review=ReviewQueue(),
        faq_hits=MemoryHits(),
    )


def _sqlite(path: Path, opts: StateOptions, clock: Callable[[], float]) -> StateStores:
    from assistant.state import sqlite_core as sc
    from assistant.state import sqlite_live as sl
    from assistant.state import sqlite_review as sr
    from assistant.state.sqlite_db import SqliteDb

    db = SqliteDb(path)
    return StateStores(
        kind="sqlite",
        rooms=sc.SqliteRooms(db, opts),
        dialogue=sc.SqliteDialogue(db, opts),
        guards=sc.SqliteGuards(db, opts),
        recent=mc.MemoryRecent(opts),  # the join window spans seconds: memory only
        reply_ids=sc.SqliteReplyIds(db, opts),
        handoffs=sc.SqliteHandoffs(db, opts),
        operator_answers=sc.SqliteOperatorAnswers(db, opts),
        recommender=sl.SqliteRecommender(db, clock),
        captions=sl.SqliteCaptionLogs(db, opts),
        voices=sl.SqliteVoices(db),
        audio_leases=sl.SqliteAudioLeases(db, clock),
        bus=ml.MemoryRoomBus(),  # one process serves every room in sqlite mode
        catalog_notices=ml.MemoryCatalogNotices(),
        review=sr.SqliteReview(db),
        faq_hits=sr.SqliteFaqHits(db),
        _close=db.close,
    )


def _redis(client: Redis, prefix: str, opts: StateOptions) -> StateStores:
    from assistant.state import redis_bus as rb
    from assistant.state import redis_core as rc
    from assistant.state import redis_live as rl
    from assistant.state import redis_review as rr
    from assistant.state import redis_stream as rs
    from assistant.state.redis_batch import BatchCache
    from assistant.state.redis_keys import Keys

    keys = Keys(prefix)
    cache = BatchCache()  # a danmaku batch's reads in one round trip (redis_batch)
    dialogue = rc.RedisDialogue(client, keys, opts, cache)
    guards = rc.RedisGuards(client, keys, opts, cache)
    recent = rc.RedisRecent(client, keys, opts, cache)
    return StateStores(
        kind="redis",
        rooms=rc.RedisRooms(client, keys, opts, cache),
        dialogue=dialogue,
        guards=guards,
        recent=recent,
        reply_ids=rc.RedisReplyIds(client, keys, opts),
        handoffs=rc.RedisHandoffs(client, keys, opts),
        operator_answers=rc.RedisOperatorAnswers(client, keys, opts, cache),
        recommender=rl.RedisRecommender(client, keys, opts),
        captions=rl.RedisCaptionLogs(client, keys, opts),
        voices=rl.RedisVoices(client, keys),
        audio_leases=rl.RedisAudioLeases(client, keys),
        bus=rb.RedisRoomBus(client, keys),
        catalog_notices=rb.RedisCatalogNotices(client, keys, cache),
        review=rr.RedisReview(client, keys, cache=cache),
        faq_hits=rr.RedisFaqHits(client, keys),
        danmaku_log=rs.RedisDanmakuLog(client, keys, opts, guards, dialogue, recent, cache),
        event_log=rs.RedisEventLog(client, keys),
    )
