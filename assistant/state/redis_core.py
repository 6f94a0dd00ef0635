"""Redis stores of rooms, dialogue, message guards, recent replies, reply ids, handoffs and operator
answers: for several processes serving the same rooms.

Rooms: compare-and-set with WATCH/MULTI. Seen ids: ``SET NX PX``. Flood windows: a sorted set per
viewer trimmed in a Lua script; reply budgets: a Lua token bucket (both on the times the caller
passes, so they agree with the memory backend). Reply ids: ``INCR``. Everything expires or is bounded.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from redis import Redis, WatchError

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.rooms import Room, RoomExistsError
from assistant.state import codecs
from assistant.state.errors import ConflictError
from assistant.state.memory_core import joinable, too_many_answers, unknown_room
from assistant.state.options import StateOptions
from assistant.state.records import Handoff, RecentReply
from assistant.state.redis_keys import Keys, delete_matching, ms, text

CREATE_ROOM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then redis.call('SADD', KEYS[2], ARGV[2]) return 1 end
return 0"""
FLOOD = """
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 120000)
return 1"""
BUCKET = """
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens, last = tonumber(v[1]) or burst, tonumber(v[2]) or now
if now > last then tokens = math.min(burst, tokens + (now - last) * rate); last = now end
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(last))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return ok"""
ADD_HANDOFF = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
end
return 1"""
PUT_ANSWER = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1"""


class RedisRooms:
    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._attempts = client, keys, options.cas_attempts
        self._create = client.register_script(CREATE_ROOM)

    def create(self, room: Room) -> Room:
        keys = [self._k.key("room", room.room_id), self._k.key("rooms")]
        if not self._create(keys=keys, args=[codecs.room_to_text(room), room.room_id]):
            raise RoomExistsError(f"room {room.room_id!r} already exists")
        return room

    def get(self, room_id: str) -> Room:
        raw = self._r.get(self._k.key("room", room_id))
        if raw is None:
            raise unknown_room(room_id)
        return codecs.room_from_text(raw)

    def put(self, room: Room) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(self._k.key("room", room.room_id), codecs.room_to_text(room))
            pipe.sadd(self._k.key("rooms"), room.room_id)
            pipe.execute()

    def list(self) -> list[Room]:
        ids = sorted(text(i) for i in self._r.smembers(self._k.key("rooms")))
        if not ids:
            return []
        raws = self._r.mget([self._k.key("room", i) for i in ids])
        return [codecs.room_from_text(raw) for raw in raws if raw is not None]

    def update(self, room_id: str, fn: Callable[[Room], Room]) -> Room:
        """WATCH the room, apply ``fn``, MULTI/EXEC the new value; a concurrent write retries."""
        key = self._k.key("room", room_id)
        with self._r.pipeline(transaction=True) as pipe:
            for attempt in range(self._attempts):
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]  # unannotated in redis-py
                    raw = pipe.get(key)
                    if raw is None:
                        raise unknown_room(room_id)
                    updated = fn(codecs.room_from_text(raw))
                    pipe.multi()
                    pipe.set(key, codecs.room_to_text(updated))
                    pipe.execute()
                    return updated
                except WatchError:
                    time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))  # back off under contention
        raise ConflictError(f"room {room_id!r} changed under {self._attempts} tries in a row; retry")


class RedisDialogue:
    """One key per viewer with the TTL as PX (renewed by every put) and checked on message time."""

    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k = client, keys
        self._ttl = timedelta(seconds=options.dialogue_ttl_s)

    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None:
        raw = self._r.get(self._k.key("dialogue", room_id, viewer_id))
        if raw is None:
            return None
        state = codecs.dialogue_from_text(raw)
        return None if now - state.updated_at > self._ttl else state

    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None:
        key = self._k.key("dialogue", room_id, viewer_id)
        self._r.set(key, codecs.dialogue_to_text(state), px=ms(self._ttl.total_seconds()))

    def clear_room(self, room_id: str) -> None:
        delete_matching(self._r, self._k.pattern("dialogue", room_id))


class RedisGuards:
    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._o = client, keys, options
        self._flood = client.register_script(FLOOD)
        self._bucket = client.register_script(BUCKET)
        # a bucket left alone this long is full again: its key may go
        self._bucket_ttl_ms = ms(options.burst / max(options.room_replies_per_s, 1e-9) + 60.0)

    def first_seen(self, room_id: str, msg_id: str, at: datetime) -> bool:
        key = self._k.key("seen", room_id, msg_id)
        return bool(self._r.set(key, "1", nx=True, px=ms(self._o.seen_ttl_s)))

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        args: list[str | int] = [
            repr(at.timestamp() * 1000),
            self._o.viewer_messages_per_min,
            uuid.uuid4().hex,
        ]
        return bool(self._flood(keys=[self._k.key("flood", room_id, viewer_id)], args=args))

    def take_reply(self, room_id: str, at: datetime) -> bool:
        o = self._o
        args: list[str | int] = [
            repr(o.room_replies_per_s),
            repr(o.burst),
            repr(at.timestamp()),
            self._bucket_ttl_ms,
        ]
        return bool(self._bucket(keys=[self._k.key("budget", room_id)], args=args))


class RedisRecent:
    """A hash per room (answer key -> entry), expiring a minute after the room's last reply."""

    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k = client, keys
        self._window = timedelta(seconds=options.join_window_s)
        self._max = options.recent_per_room

    def remember(self, room_id: str, key: str, entry: RecentReply) -> None:
        hkey = self._k.key("recent", room_id)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(hkey, key, codecs.recent_to_text(entry))
            pipe.pexpire(hkey, ms(self._window.total_seconds() + 60.0))
            pipe.hlen(hkey)
            size = int(pipe.execute()[-1])
        if size > self._max:
            self._prune(hkey, entry.posted_at)

    def _prune(self, hkey: str, at: datetime) -> None:
        entries = {text(f): codecs.recent_from_text(v) for f, v in self._r.hgetall(hkey).items()}
        by_age = sorted(entries, key=lambda f: entries[f].posted_at)
        stale = {f for f in by_age if entries[f].posted_at + self._window <= at}
        rest = [f for f in by_age if f not in stale]
        drop = [*stale, *rest[: max(0, len(rest) - self._max)]]
        if drop:
            self._r.hdel(hkey, *drop)

    def find(self, room_id: str, key: str, at: datetime) -> RecentReply | None:
        raw = self._r.hget(self._k.key("recent", room_id), key)
        if raw is None:
            return None
        entry = codecs.recent_from_text(raw)
        return entry if joinable(entry, at, self._window) else None

    def forget_room(self, room_id: str) -> None:
        self._r.delete(self._k.key("recent", room_id))


class RedisReplyIds:
    def __init__(self, client: Redis, keys: Keys) -> None:
        self._r, self._key = client, keys.key("reply_id")

    def next_id(self) -> str:
        return f"r{int(self._r.incr(self._key))}"


class RedisHandoffs:
    """Entries in a hash by msg_id, their order in a sorted set; trimmed to the bound in Lua."""

    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._max = client, keys, options.max_handoffs_per_room
        self._add = client.register_script(ADD_HANDOFF)

    def add(self, handoffs: Sequence[Handoff]) -> None:
        for h in handoffs:
            keys = [
                self._k.key("handoffs", h.room_id),
                self._k.key("handoff_order", h.room_id),
                self._k.key("handoff_seq"),
            ]
            self._add(keys=keys, args=[h.msg_id, codecs.handoff_to_text(h), self._max])

    def list(self, room_id: str) -> list[Handoff]:
        ids = self._r.zrange(self._k.key("handoff_order", room_id), 0, -1)
        if not ids:
            return []
        raws = self._r.hmget(self._k.key("handoffs", room_id), [text(i) for i in ids])
        return [codecs.handoff_from_text(raw) for raw in raws if raw is not None]

    def remove(self, room_id: str, msg_id: str) -> bool:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hdel(self._k.key("handoffs", room_id), msg_id)
            pipe.zrem(self._k.key("handoff_order", room_id), msg_id)
            return bool(pipe.execute()[0])


class RedisOperatorAnswers:
    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._max = client, keys, options.max_answers_per_catalog
        self._put = client.register_script(PUT_ANSWER)

    def put(self, entry: OperatorAnswer) -> None:
        args: list[str | int] = [entry.faq_id, codecs.answer_to_text(entry), self._max]
        if not self._put(keys=[self._k.key("faq", entry.catalog_id)], args=args):
            raise ValueError(too_many_answers(self._max))

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        return bool(self._r.hdel(self._k.key("faq", catalog_id), faq_id))

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        entries = [codecs.answer_from_text(v) for v in self._r.hvals(self._k.key("faq", catalog_id))]
        return sorted(entries, key=lambda e: e.faq_id)
