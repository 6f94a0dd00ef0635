"""Redis stores of rooms, dialogue, message guards, recent replies, reply ids, handoffs and operator
answers: for several processes serving the same rooms.

Rooms: compare-and-set with WATCH/MULTI. Seen ids: ``SET NX PX``. Flood windows: a sorted set per
viewer trimmed in a Lua script; reply budgets: a Lua token bucket (both on the times the caller
passes, so they agree with the memory backend). Reply ids: ``INCR``. Everything expires or is bounded.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from redis import Redis, WatchError
from redis.client import Pipeline

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.rooms import Room, RoomExistsError
from assistant.state import codecs
from assistant.state.errors import ConflictError
from assistant.state.memory_core import MemoryRecent, joinable, too_many_answers, unknown_room
from assistant.state.options import StateOptions
from assistant.state.records import Handoff, RecentReply
from assistant.state.redis_batch import BatchCache
from assistant.state.redis_keys import Keys, delete_matching, ms, text

MAX_TEXTS = 20_000  # dialogue or handoff texts (with their decoded values) a process holds, ~1 KB each

CREATE_ROOM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then redis.call('SADD', KEYS[2], ARGV[2]) return 1 end
return 0"""
# One viewer's 60 s window of message times (ms): 1 and the message counted, or 0 (over the limit).
# A member counted already (a message answered again after its process died) is allowed, not
# counted twice.
FLOOD_FN = """
local function flood(key, now, limit, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 60000)
  if redis.call('ZSCORE', key, member) then return 1 end
  if redis.call('ZCARD', key) >= limit then return 0 end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, 120000)
  return 1
end"""
FLOOD = (
    FLOOD_FN
    + """
return flood(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])"""
)
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
# KEYS: a room's entries hash, its order sorted set, the sequence. ARGV: the bound, then
# (msg_id, entry) pairs, added in order (one round trip for a reply's handoffs).
ADD_HANDOFFS = """
local added = 0
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[i])
    added = added + 1
  end
end
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[1])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
end
return added"""
# KEYS: a room's entries hash, its order sorted set. Returns the entries in order (one round trip).
LIST_HANDOFFS = """
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ids))"""
# KEYS: a catalog's answers hash, the answer versions hash. ARGV: faq id, entry, bound, catalog id.
PUT_ANSWER = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
return 1"""


class RedisRooms:
    def __init__(
        self, client: Redis, keys: Keys, options: StateOptions, cache: BatchCache | None = None
    ) -> None:
        self._r, self._k, self._attempts = client, keys, options.cas_attempts
        self._create = client.register_script(CREATE_ROOM)
        self._cache = cache or BatchCache()

    def create(self, room: Room) -> Room:
        keys = [self._k.key("room", room.room_id), self._k.key("rooms")]
        if not self._create(keys=keys, args=[codecs.room_to_text(room), room.room_id]):
            raise RoomExistsError(f"room {room.room_id!r} already exists")
        return room

    def get(self, room_id: str) -> Room:
        batch = self._cache.state
        room = batch.rooms.get(room_id) if batch is not None else None
        if room is not None:  # the room as the batch being answered on this thread started
            return room
        raw = self._r.get(self._k.key("room", room_id))
        if raw is None:
            raise unknown_room(room_id)
        return codecs.room_from_text(raw)

    def put(self, room: Room) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(self._k.key("room", room.room_id), codecs.room_to_text(room))
            pipe.sadd(self._k.key("rooms"), room.room_id)
            pipe.execute()
        self._forget(room.room_id)

    def _forget(self, room_id: str) -> None:
        """A write on this thread inside a batch scope: later reads of the batch see it."""
        batch = self._cache.state
        if batch is not None:
            batch.rooms.pop(room_id, None)

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
                    self._forget(room_id)
                    return updated
                except WatchError:
                    time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))  # back off under contention
        raise ConflictError(f"room {room_id!r} changed under {self._attempts} tries in a row; retry")


class RedisDialogue:
    """One key per viewer with the TTL as PX (renewed by every put) and checked on message time.
    Inside a batch scope (``redis_batch``) reads come from the batch's prefetch and writes are
    kept until the scope ends."""

    def __init__(
        self, client: Redis, keys: Keys, options: StateOptions, cache: BatchCache | None = None
    ) -> None:
        self._r, self._k = client, keys
        self._ttl = timedelta(seconds=options.dialogue_ttl_s)
        self._cache = cache or BatchCache()
        # per key, the text this process last wrote or read and its decoded state (immutable): a
        # batch that reads back what the last one wrote decodes nothing (LRU, ``MAX_TEXTS`` keys)
        self._texts: OrderedDict[str, tuple[str, ViewerDialogue]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, room_id: str, viewer_id: str) -> str:
        return self._k.key("dialogue", room_id, viewer_id)

    def decode(self, key: str, raw: str | bytes) -> ViewerDialogue:
        """``raw`` read from ``key`` as a state (the one held when the text is the same)."""
        value = text(raw)
        with self._lock:
            held = self._texts.get(key)
        if held is not None and held[0] == value:
            return held[1]
        state = codecs.dialogue_from_text(value)
        self._hold(key, value, state)
        return state

    def encode(self, key: str, state: ViewerDialogue) -> str:
        """``state`` as the text to write to ``key`` (held, so reading it back decodes nothing)."""
        value = codecs.dialogue_to_text(state)
        self._hold(key, value, state)
        return value

    def _hold(self, key: str, value: str, state: ViewerDialogue) -> None:
        with self._lock:
            self._texts[key] = (value, state)
            self._texts.move_to_end(key)
            while len(self._texts) > MAX_TEXTS:
                self._texts.popitem(last=False)

    def get(self, room_id: str, viewer_id: str, now: datetime) -> ViewerDialogue | None:
        batch = self._cache.state
        if batch is not None and (room_id, viewer_id) in batch.dialogue:
            state = batch.dialogue[(room_id, viewer_id)]
        else:
            key = self.key(room_id, viewer_id)
            raw = self._r.get(key)
            state = None if raw is None else self.decode(key, raw)
        return None if state is None or now - state.updated_at > self._ttl else state

    def put(self, room_id: str, viewer_id: str, state: ViewerDialogue) -> None:
        batch = self._cache.state
        if batch is not None:
            batch.dialogue[(room_id, viewer_id)] = batch.dirty[(room_id, viewer_id)] = state
            return
        key = self.key(room_id, viewer_id)
        self._r.set(key, self.encode(key, state), px=self.ttl_ms)

    @property
    def ttl_ms(self) -> int:
        return ms(self._ttl.total_seconds())

    def clear_room(self, room_id: str) -> None:
        delete_matching(self._r, self._k.pattern("dialogue", room_id))


class RedisGuards:
    def __init__(
        self, client: Redis, keys: Keys, options: StateOptions, cache: BatchCache | None = None
    ) -> None:
        self._r, self._k, self._o = client, keys, options
        self._cache = cache or BatchCache()
        self._flood = client.register_script(FLOOD)
        self._bucket = client.register_script(BUCKET)
        # a bucket left alone this long is full again: its key may go
        self._bucket_ttl_ms = ms(options.burst / max(options.room_replies_per_s, 1e-9) + 60.0)

    def first_seen(self, room_id: str, msg_id: str, at: datetime) -> bool:
        key = self._k.key("seen", room_id, msg_id)
        return bool(self._r.set(key, "1", nx=True, px=ms(self._o.seen_ttl_s)))

    def allow_viewer(self, room_id: str, viewer_id: str, at: datetime) -> bool:
        batch = self._cache.state
        verdicts = batch.flood.get((room_id, viewer_id, at.timestamp())) if batch is not None else None
        if verdicts:  # computed for this message when its batch started
            return verdicts.popleft()
        return bool(self.queue_flood(self._r, room_id, viewer_id, at))

    def queue_flood(self, client: Redis | Pipeline, room_id: str, viewer_id: str, at: datetime) -> Any:
        """Run the flood check on ``client`` (a pipeline queues it; its result is then 0 or 1)."""
        time_ms, member = self.flood_args(at)
        args: list[str | int] = [time_ms, self._o.viewer_messages_per_min, member]
        return self._flood(keys=[self.flood_key(room_id, viewer_id)], args=args, client=client)

    def flood_key(self, room_id: str, viewer_id: str) -> str:
        return self._k.key("flood", room_id, viewer_id)

    def flood_args(self, at: datetime, msg_id: str | None = None) -> tuple[str, str]:
        """A message's time in ms and its member in the window (``FLOOD_FN`` arguments): the
        msg_id where known (a message answered again is not counted twice), else a unique one."""
        return repr(at.timestamp() * 1000), "m:" + msg_id if msg_id is not None else uuid.uuid4().hex

    @property
    def flood_limit(self) -> int:
        return self._o.viewer_messages_per_min

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
    """A hash per room (answer key -> entry), expiring a minute after the room's last reply.

    Each process also keeps the entries it wrote or read in memory (``MemoryRecent``) and asks
    Redis only when it has no joinable one: safe because an answer key carries the catalog and
    room versions (a price or stage change makes new keys) and every hit is checked for the join
    window and the facts' expiry, as a Redis hit is. Inside a batch scope (``redis_batch``) an
    entry stays in the batch until ``keep`` writes it, after the batch is marked answered."""

    def __init__(
        self, client: Redis, keys: Keys, options: StateOptions, cache: BatchCache | None = None
    ) -> None:
        self._r, self._k = client, keys
        self._window = timedelta(seconds=options.join_window_s)
        self._max = options.recent_per_room
        self._local = MemoryRecent(options)
        self._cache = cache or BatchCache()

    def remember(self, room_id: str, key: str, entry: RecentReply) -> None:
        batch = self._cache.state
        if batch is not None:
            batch.recent[(room_id, key)] = entry
            return
        self.keep({(room_id, key): entry})

    def keep(self, entries: dict[tuple[str, str], RecentReply]) -> None:
        """Write entries (a finished batch's) here and to Redis: one round trip, then a prune of
        each room past its bound."""
        if not entries:
            return
        rooms: dict[str, datetime] = {}
        with self._r.pipeline(transaction=True) as pipe:
            for (room_id, key), entry in entries.items():
                self._local.remember(room_id, key, entry)
                pipe.hset(self._k.key("recent", room_id), key, codecs.recent_to_text(entry))
                rooms[room_id] = max(rooms.get(room_id, entry.posted_at), entry.posted_at)
            for room_id in rooms:
                hkey = self._k.key("recent", room_id)
                pipe.pexpire(hkey, ms(self._window.total_seconds() + 60.0))
                pipe.hlen(hkey)
            results = pipe.execute()
        sizes = results[len(entries) + 1 :: 2]  # after the HSETs: (PEXPIRE, HLEN) per room
        for (room_id, latest), size in zip(rooms.items(), sizes, strict=True):
            if int(size) > self._max:
                self._prune(self._k.key("recent", room_id), latest)

    def _prune(self, hkey: str, at: datetime) -> None:
        entries = {text(f): codecs.recent_from_text(v) for f, v in self._r.hgetall(hkey).items()}
        by_age = sorted(entries, key=lambda f: entries[f].posted_at)
        stale = {f for f in by_age if entries[f].posted_at + self._window <= at}
        rest = [f for f in by_age if f not in stale]
        drop = [*stale, *rest[: max(0, len(rest) - self._max)]]
        if drop:
            self._r.hdel(hkey, *drop)

    def find(self, room_id: str, key: str, at: datetime) -> RecentReply | None:
        batch = self._cache.state
        pending = None if batch is None else batch.recent.get((room_id, key))
        if pending is not None and joinable(pending, at, self._window):
            return pending
        local = self._local.find(room_id, key, at)
        if local is not None:
            return local
        raw = self._r.hget(self._k.key("recent", room_id), key)
        if raw is None:
            return None
        entry = codecs.recent_from_text(raw)
        if not joinable(entry, at, self._window):
            return None
        self._local.remember(room_id, key, entry)
        return entry

    def forget_room(self, room_id: str) -> None:
        batch = self._cache.state
        if batch is not None:
            for pending in [k for k in batch.recent if k[0] == room_id]:
                del batch.recent[pending]
        self._local.forget_room(room_id)
        self._r.delete(self._k.key("recent", room_id))


class RedisReplyIds:
    """``r<n>`` from one counter, reserved ``reply_id_block`` at a time per instance (``INCRBY``):
    one round trip per block instead of per reply; unique across processes, gaps after a restart."""

    def __init__(self, client: Redis, keys: Keys, options: StateOptions | None = None) -> None:
        self._r, self._key = client, keys.key("reply_id")
        self._block = max(1, (options or StateOptions()).reply_id_block)
        self._next, self._end = 0, 0  # ids in [next, end) are reserved for this instance
        self._lock = threading.Lock()

    def next_id(self) -> str:
        with self._lock:
            if self._next >= self._end:
                self._end = int(self._r.incrby(self._key, self._block)) + 1
                self._next = self._end - self._block
            n, self._next = self._next, self._next + 1
            return f"r{n}"


class RedisHandoffs:
    """Entries in a hash by msg_id, their order in a sorted set; trimmed to the bound in Lua."""

    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._max = client, keys, options.max_handoffs_per_room
        self._add = client.register_script(ADD_HANDOFFS)
        self._list = client.register_script(LIST_HANDOFFS)
        self._texts: OrderedDict[str | bytes, Handoff] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, handoffs: Sequence[Handoff]) -> None:
        """One script call per room (a reply's handoffs share one), entries added in order."""
        by_room: dict[str, list[Handoff]] = {}
        for h in handoffs:
            by_room.setdefault(h.room_id, []).append(h)
        for room_id, entries in by_room.items():
            keys = [
                self._k.key("handoffs", room_id),
                self._k.key("handoff_order", room_id),
                self._k.key("handoff_seq"),
            ]
            args: list[str | int] = [self._max]
            for h in entries:
                args += [h.msg_id, codecs.handoff_to_text(h)]
            self._add(keys=keys, args=args)

    def list(self, room_id: str) -> list[Handoff]:
        keys = [self._k.key("handoffs", room_id), self._k.key("handoff_order", room_id)]
        raws = self._list(keys=keys)
        return [self._decode(raw) for raw in raws if raw is not None]

    def _decode(self, raw: str | bytes) -> Handoff:
        """An entry's text as a ``Handoff`` (immutable, and a msg_id's text never changes while
        queued: each text is decoded once per process, LRU of ``MAX_TEXTS``)."""
        with self._lock:
            held = self._texts.get(raw)
            if held is not None:
                self._texts.move_to_end(raw)
                return held
        handoff = codecs.handoff_from_text(raw)
        with self._lock:
            self._texts[raw] = handoff
            while len(self._texts) > MAX_TEXTS:
                self._texts.popitem(last=False)
        return handoff

    def remove(self, room_id: str, msg_id: str) -> bool:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hdel(self._k.key("handoffs", room_id), msg_id)
            pipe.zrem(self._k.key("handoff_order", room_id), msg_id)
            return bool(pipe.execute()[0])


class RedisOperatorAnswers:
    """A hash per catalog (faq id -> entry) and a version per catalog, moved by every write. Inside
    a danmaku batch the version comes with the batch's reads (``redis_batch``) and the entries
    a process read under it are used again: the answers go over the wire only after a change."""

    def __init__(
        self, client: Redis, keys: Keys, options: StateOptions, cache: BatchCache | None = None
    ) -> None:
        self._r, self._k, self._max = client, keys, options.max_answers_per_catalog
        self._put = client.register_script(PUT_ANSWER)
        self._cache = cache or BatchCache()
        self._read: dict[str, tuple[int, list[OperatorAnswer]]] = {}  # catalog -> (version, entries)
        self._lock = threading.Lock()

    def put(self, entry: OperatorAnswer) -> None:
        keys = [self._k.key("faq", entry.catalog_id), self._k.key("faq_versions")]
        args: list[str | int] = [entry.faq_id, codecs.answer_to_text(entry), self._max, entry.catalog_id]
        if not self._put(keys=keys, args=args):
            raise ValueError(too_many_answers(self._max))

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hdel(self._k.key("faq", catalog_id), faq_id)
            pipe.hincrby(self._k.key("faq_versions"), catalog_id, 1)
            return bool(pipe.execute()[0])

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        batch = self._cache.state
        version = None if batch is None else batch.answers_version.get(catalog_id)
        if version is not None:
            with self._lock:
                read = self._read.get(catalog_id)
            if read is not None and read[0] == version:
                return list(read[1])
        entries = [codecs.answer_from_text(v) for v in self._r.hvals(self._k.key("faq", catalog_id))]
        entries.sort(key=lambda e: e.faq_id)
        if version is not None:  # read at or after that version: a later write moves it on
            with self._lock:
                self._read[catalog_id] = (version, entries)
        return list(entries)
