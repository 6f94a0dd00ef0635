"""Logs on Redis Streams: a room's danmaku, or its batches of behaviour events, are recorded before
they are applied, and what a process that died held is applied by another.

``StreamLog`` is the one definition of the mechanism; ``RedisDanmakuLog`` (danmaku, stream
``danmaku:<room>``) and ``RedisEventLog`` (event batches, stream ``events:<room>``) use it. One
stream per room with one consumer group (``answerers``). ``accept`` runs one Lua script: for each
entry an optional idempotency key ``SET NX PX`` (danmaku: the room's seen-id key, the same key and
TTL as ``RedisGuards.first_seen``, so a msg_id enters the stream at most once; event batches have
none: their events' ``event_id`` is the recommender's idempotency key), ``XADD`` of the new ones,
then ``XREADGROUP >`` of exactly those entries into the accepting consumer's pending list. The
script is atomic and every ``XADD`` is read at once, so the group's last-delivered id is always
the stream's end and ``>`` returns this batch. ``finish`` (Lua) ``XACK``s and ``XDEL``s the
entries the consumer still holds (``XPENDING`` says who holds each one); an entry claimed by
another consumer meanwhile is left to it, so an entry is applied once by a live process.
``claim`` runs ``XAUTOCLAIM`` with a min-idle time on every room stream listed in the log's rooms
set (``danmaku_rooms``, ``events_rooms``); an entry delivered more than ``MAX_DELIVERIES`` times is
dropped there (logged), not applied again.

Entries are deleted once applied, so a stream holds only entries in flight; ``MAXLEN ~`` bounds
it (a backlog past ``max_entries`` loses its oldest unapplied entries, which is logged).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from redis import Redis
from redis.exceptions import ResponseError

from assistant.danmaku.types import Danmaku
from assistant.rooms import Room
from assistant.state import codecs
from assistant.state.errors import StateError
from assistant.state.memory_core import unknown_room
from assistant.state.options import StateOptions
from assistant.state.records import AcceptedDanmaku, LoggedDanmaku, LoggedEvents
from assistant.state.redis_batch import BatchCache, BatchState
from assistant.state.redis_core import FLOOD_FN, RedisDialogue, RedisGuards, RedisRecent
from assistant.state.redis_keys import Keys, ms, text
from recommender import Event

log = logging.getLogger(__name__)

GROUP = "answerers"
MAX_ENTRIES = 100_000  # per room stream: unanswered messages kept at most (MAXLEN ~)
# An entry delivered this often (the accepting process, then each claim) without being applied
# is dropped at its next claim: a poison message must not take down every process in turn.
MAX_DELIVERIES = 5
MAX_ROOMS_HELD = 10_000  # decoded rooms a process keeps to skip unchanged room reads (LRU)

# Record n entries of a room and read them into a consumer's pending list. ``once``: the index in
# KEYS of the first of n idempotency keys (0: none), ``p``: the index in ARGV of the first payload.
# Returns false for an unknown room (nothing recorded), else {duplicate indexes, the ids of the
# entries read: those added, in order (the payloads are the caller's own, not sent back)}.
ACCEPT_FN = """
local function accept(stream, rooms, room, once, p, n, group, consumer, once_ms, max, room_id)
  if redis.call('EXISTS', room) == 0 then return false end
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, group, '$', 'MKSTREAM')
  end
  local dups, added = {}, 0
  for i = 0, n - 1 do
    if once == 0 or redis.call('SET', KEYS[once + i], '1', 'NX', 'PX', once_ms) then
      redis.call('XADD', stream, 'MAXLEN', '~', max, '*', 'm', ARGV[p + i])
      added = added + 1
    else
      dups[#dups + 1] = i
    end
  end
  if added == 0 then return {dups, {}} end
  redis.call('SADD', rooms, room_id)
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', added, 'STREAMS', stream, '>')
  local ids = {}
  for i, entry in ipairs(read[1][2]) do ids[i] = entry[1] end
  return {dups, ids}
end"""
# KEYS: stream, rooms set, the room, then one idempotency key per entry (or none at all).
# ARGV: group, consumer, key TTL ms, max entries, room id, then one encoded entry each.
ACCEPT = (
    ACCEPT_FN
    + """
local once = 0
if #KEYS > 3 then once = 4 end
return accept(KEYS[1], KEYS[2], KEYS[3], once, 6, #ARGV - 5, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])"""
)
# KEYS: stream, then W keys to write first. ARGV: group, consumer, W, the writes' TTL ms, W values,
# then entry ids. Returns the ids the consumer held (now acked). The writes (a batch's dialogue)
# go in the same round trip, before the acknowledgement, and only while the consumer still holds
# some of the entries: a batch whose entries were all claimed by another process (it stalled past
# the claim time) is answered there, and its stale dialogue must not overwrite that answer's.
FINISH = """
local w = tonumber(ARGV[3])
local owned = {}
for i = 5 + w, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then owned[#owned + 1] = ARGV[i] end
end
if #owned > 0 or #ARGV < 5 + w then
  for i = 1, w do redis.call('SET', KEYS[1 + i], ARGV[4 + i], 'PX', ARGV[4]) end
end
for _, id in ipairs(owned) do
  redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
end
return owned"""


# A batch's reads. KEYS[k]: the room, KEYS[k + 1]: the catalogs' announced versions, KEYS[k + 2]:
# the room's review policy, KEYS[k + 3]: the catalogs' operator-answer versions, then V dialogue
# keys; KEYS[f + i]: the flood key of message i, ARGV[a + 2i], ARGV[a + 2i + 1] its (time ms,
# member), for i in ``msgs`` (0-based, in order). ``held``: the room text this process holds (''
# if none). Returns {room (0: the one held), dialogues, verdicts, the room's catalog version, the
# review policy, the catalog's operator-answer version}.
PREFETCH_FN = (
    FLOOD_FN
    + """
local function prefetch(k, v, f, a, msgs, limit, held)
  local dialogue, verdicts = {}, {}
  for i = 1, v do dialogue[i] = redis.call('GET', KEYS[k + 3 + i]) end
  for _, i in ipairs(msgs) do
    verdicts[#verdicts + 1] = flood(KEYS[f + i], tonumber(ARGV[a + 2 * i]), limit, ARGV[a + 2 * i + 1])
  end
  local room = redis.call('GET', KEYS[k])
  local version, answers = false, false
  if room then
    local catalog_id = cjson.decode(room)['catalog_id']
    version = redis.call('HGET', KEYS[k + 1], catalog_id)
    answers = redis.call('HGET', KEYS[k + 3], catalog_id)
  end
  if room == held then room = 0 end
  return {room, dialogue, verdicts, version, redis.call('GET', KEYS[k + 2]), answers}
end"""
)
# KEYS: the room, the catalogs' versions, the review policy, the operator-answer versions, V
# dialogue keys, one flood key per message.
# ARGV: V, the flood limit, the room text held, then (time ms, member) per message.
PREFETCH = (
    PREFETCH_FN
    + """
local v = tonumber(ARGV[1])
local msgs = {}
for i = 0, #KEYS - 5 - v do msgs[#msgs + 1] = i end
return prefetch(1, v, 5 + v, 4, msgs, tonumber(ARGV[2]), ARGV[3])"""
)
# ACCEPT then PREFETCH of the entries added (the caller answers them next): one round trip.
# KEYS: stream, rooms set, the room, n seen-id keys, the room again, the catalogs' versions, the
# review policy, the operator-answer versions, V dialogue keys, n flood keys. ARGV: group,
# consumer, seen TTL ms, max entries, room id, n, V, the flood limit, the room text held, n
# payloads, then n (time ms, member). Returns false
# (unknown room) or {duplicate indexes, entries read, then PREFETCH's six}.
ACCEPT_PREFETCH = (
    ACCEPT_FN
    + PREFETCH_FN
    + """
local n, v = tonumber(ARGV[6]), tonumber(ARGV[7])
local accepted = accept(KEYS[1], KEYS[2], KEYS[3], 4, 10, n, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
if not accepted then return false end
local dup, msgs = {}, {}
for _, i in ipairs(accepted[1]) do dup[i] = true end
for i = 0, n - 1 do if not dup[i] then msgs[#msgs + 1] = i end end
if #msgs == 0 then return accepted end
local read = prefetch(4 + n, v, 8 + n + v, 10 + n, msgs, tonumber(ARGV[8]), ARGV[9])
return {accepted[1], accepted[2], read[1], read[2], read[3], read[4], read[5], read[6]}"""
)


def danmaku_to_text(m: Danmaku) -> str:
    return codecs.dumps([m.msg_id, m.viewer_id, m.text, m.ts.isoformat(), m.nickname])


def danmaku_from_text(raw: str | bytes) -> Danmaku:
    msg_id, viewer_id, body, ts, nickname = codecs.loads(raw)
    return Danmaku(msg_id, viewer_id, body, datetime.fromisoformat(ts), nickname)


def _entry(raw: Any, kind: str) -> tuple[str, str | bytes]:
    """``[id, [field, value, ...]]`` (Lua) or ``(id, {field: value})`` (redis-py) to (id, value)."""
    entry_id, fields = raw
    if not isinstance(fields, dict):
        fields = dict(zip(fields[::2], fields[1::2], strict=True))
    value = fields.get(b"m", fields.get("m"))
    if value is None:
        raise ValueError(f"{kind} log entry {text(entry_id)} has no payload")
    return text(entry_id), value


class _Next(threading.local):
    """(room, msg_ids, state) read on acceptance for the thread's next batch, or None."""

    state: tuple[str, list[str], BatchState] | None = None


class StreamLog:
    """One stream per room (``<kind>:<room>``, rooms listed in ``<kind>_rooms``) read through the
    ``answerers`` group: the mechanism ``RedisDanmakuLog`` and ``RedisEventLog`` share. Payloads
    are text; each log encodes its own entries."""

    def __init__(self, client: Redis, keys: Keys, kind: str, max_entries: int = MAX_ENTRIES) -> None:
        self._r, self._k, self.kind = client, keys, kind
        self.max_entries = max_entries
        self.rooms = keys.key(kind + "_rooms")
        self._accept = client.register_script(ACCEPT)
        self._finish = client.register_script(FINISH)

    def stream(self, room_id: str) -> str:
        return self._k.key(self.kind, room_id)

    def accept(
        self,
        room_id: str,
        consumer: str,
        payloads: Sequence[str],
        once_keys: Sequence[str] = (),
        once_ms: int = 1,
    ) -> tuple[list[tuple[str, str | bytes]], list[int]]:
        """Record ``payloads`` and hand them to ``consumer``: (entries as (id, payload), indexes
        of the payloads whose ``once_keys`` entry (one per payload, or none) was set before).
        Raises UnknownRoomError for a room that does not exist (nothing recorded)."""
        if once_keys and len(once_keys) != len(payloads):
            raise ValueError(f"{len(once_keys)} idempotency keys for {len(payloads)} {self.kind} entries")
        keys = [self.stream(room_id), self.rooms, self._k.key("room", room_id), *once_keys]
        args: list[str | int] = [GROUP, consumer, once_ms, self.max_entries, room_id, *payloads]
        reply = self._accept(keys=keys, args=args)
        if reply is None:
            raise unknown_room(room_id)
        return self.entries(payloads, reply[0], reply[1])

    def entries(
        self, payloads: Sequence[str], dups: Sequence[Any], ids: Sequence[Any]
    ) -> tuple[list[tuple[str, str | bytes]], list[int]]:
        """ACCEPT's reply as (entries as (id, payload), duplicate indexes): the ids read are
        those of the payloads added, in order (one atomic script adds and reads them)."""
        skipped = [int(i) for i in dups]
        dup = set(skipped)
        added = [p for i, p in enumerate(payloads) if i not in dup]
        if len(added) != len(ids):
            raise StateError(f"{self.kind} log: {len(ids)} entries read for {len(added)} added")
        return [(text(i), p) for i, p in zip(ids, added, strict=True)], skipped

    def finish(
        self,
        room_id: str,
        consumer: str,
        entry_ids: Sequence[str],
        writes: Sequence[tuple[str, str]] = (),
        write_ms: int = 1,
    ) -> set[str]:
        """Mark entries applied; returns those ``consumer`` still held (the others are another's).
        ``writes`` (key, value; ``SET PX write_ms``) are made first, in the same round trip."""
        if not entry_ids and not writes:
            return set()
        keys = [self.stream(room_id), *(k for k, _ in writes)]
        args: list[str | int] = [GROUP, consumer, len(writes), write_ms, *(v for _, v in writes), *entry_ids]
        owned = self._finish(keys=keys, args=args)
        return {text(i) for i in owned}

    def claim(self, consumer: str, min_idle_s: float, count: int) -> dict[str, list[tuple[str, str | bytes]]]:
        """One page (``count`` entries at most) of each room's entries idle past ``min_idle_s``:
        one ``XAUTOCLAIM`` per room, all in one pipeline (one round trip however many rooms)."""
        rooms = sorted(text(r) for r in self._r.smembers(self.rooms))
        if not rooms:
            return {}
        with self._r.pipeline(transaction=False) as pipe:
            for room_id in rooms:
                pipe.xautoclaim(self.stream(room_id), GROUP, consumer, ms(min_idle_s), "0-0", count)
            replies = pipe.execute(raise_on_error=False)
        claimed: dict[str, list[tuple[str, str | bytes]]] = {}
        for room_id, reply in zip(rooms, replies, strict=True):
            if isinstance(reply, ResponseError):  # the room's stream or group is gone
                continue
            entries = [_entry(raw, self.kind) for raw in reply[1] if raw is not None and raw[1]]
            if len(reply) > 2 and reply[2]:
                log.warning(
                    "room %s: %d unapplied %s entries were trimmed from the log before anyone applied them",
                    room_id,
                    len(reply[2]),
                    self.kind,
                )
            if entries:
                claimed[room_id] = entries
        if claimed:
            self._drop_undeliverable(consumer, claimed)
        return claimed

    def _drop_undeliverable(self, consumer: str, claimed: dict[str, list[tuple[str, str | bytes]]]) -> None:
        """Take out of ``claimed`` (and off the log, acknowledged) the entries delivered more than
        ``MAX_DELIVERIES`` times: applying them failed or killed every process that tried, and
        claiming them again would only repeat that. Logged as an error with their ids. One
        ``XPENDING`` per room with claims, in one pipeline."""
        rooms = list(claimed)
        with self._r.pipeline(transaction=False) as pipe:
            for room_id in rooms:
                ids = [entry_id for entry_id, _ in claimed[room_id]]
                pipe.xpending_range(self.stream(room_id), GROUP, min(ids), max(ids), len(ids), consumer)
            pendings = pipe.execute(raise_on_error=False)
        dead: dict[str, list[str]] = {}
        for room_id, pending in zip(rooms, pendings, strict=True):
            if isinstance(pending, ResponseError):
                continue
            over = {text(p["message_id"]) for p in pending if int(p["times_delivered"]) > MAX_DELIVERIES}
            if over:
                dead[room_id] = sorted(over)
                claimed[room_id] = [e for e in claimed[room_id] if e[0] not in over]
                if not claimed[room_id]:
                    del claimed[room_id]
        if not dead:
            return
        with self._r.pipeline(transaction=False) as pipe:
            for room_id, ids in dead.items():
                pipe.xack(self.stream(room_id), GROUP, *ids)
                pipe.xdel(self.stream(room_id), *ids)
            pipe.execute()
        for room_id, ids in dead.items():
            log.error(
                "room %s: dropped %d %s entries that failed %d deliveries (every attempt to apply"
                " them failed or its process died): %s",
                room_id,
                len(ids),
                self.kind,
                MAX_DELIVERIES,
                ", ".join(ids[:20]),
            )


class RedisDanmakuLog:
    """``guards``, ``dialogue`` and ``cache``: the stores whose reads ``batch`` prefetches (they
    share ``cache``, one per ``StateStores``)."""

    def __init__(
        self,
        client: Redis,
        keys: Keys,
        options: StateOptions,
        guards: RedisGuards,
        dialogue: RedisDialogue,
        recent: RedisRecent,
        cache: BatchCache,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self._r, self._k = client, keys
        self._recent = recent
        self._seen_ms = ms(options.seen_ttl_s)
        self._log = StreamLog(client, keys, "danmaku", max_entries)
        self._guards, self._dialogue, self._cache = guards, dialogue, cache
        self._prefetch = client.register_script(PREFETCH)
        self._accept_prefetch = client.register_script(ACCEPT_PREFETCH)
        self._next = _Next()  # per thread: a batch's state read by ``accept(answer_next=True)``
        # per room, the last room text read and its decoded Room (immutable): an unchanged room
        # is neither sent back by Redis nor decoded again (the ``MAX_ROOMS_HELD`` last used)
        self._rooms: OrderedDict[str, tuple[str, Room]] = OrderedDict()
        self._rooms_lock = threading.Lock()

    def accept(
        self, room_id: str, consumer: str, messages: Sequence[Danmaku], answer_next: bool = False
    ) -> AcceptedDanmaku:
        """``answer_next``: this thread's next ``batch`` answers the entries accepted, so their
        state (``batch``'s reads) is read in the same round trip and kept for it."""
        self._next.state = None
        if not messages:
            return AcceptedDanmaku((), ())
        seen = [self._k.key("seen", room_id, m.msg_id) for m in messages]
        payloads = [danmaku_to_text(m) for m in messages]
        if not answer_next:
            read, dups = self._log.accept(room_id, consumer, payloads, seen, self._seen_ms)
            return self._accepted(messages, read, dups)
        viewers = list(dict.fromkeys(m.viewer_id for m in messages))
        room_key = self._k.key("room", room_id)
        keys = [
            self._log.stream(room_id),
            self._log.rooms,
            room_key,
            *seen,
            *self._keys(room_id, viewers, messages),
        ]
        args: list[str | int] = [GROUP, consumer, self._seen_ms, self._log.max_entries, room_id]
        reads = self._args(room_id, viewers, messages)
        args += [len(messages), *reads[:3], *payloads, *reads[3:]]
        reply = self._accept_prefetch(keys=keys, args=args)
        if reply is None:
            raise unknown_room(room_id)
        accepted = self._accepted(messages, *self._log.entries(payloads, reply[0], reply[1]))
        if accepted.entries:
            answered = [e.message for e in accepted.entries]
            state = self._state(room_id, viewers, answered, *reply[2:])
            self._next.state = (room_id, [e.message.msg_id for e in accepted.entries], state)
        return accepted

    def _accepted(
        self, messages: Sequence[Danmaku], read: Sequence[tuple[str, str | bytes]], dups: Sequence[int]
    ) -> AcceptedDanmaku:
        """The entries are the messages added, in order (``StreamLog.entries``): not decoded again."""
        skipped = set(dups)
        added = [m for i, m in enumerate(messages) if i not in skipped]
        return AcceptedDanmaku(
            entries=tuple(LoggedDanmaku(i, m) for (i, _), m in zip(read, added, strict=True)),
            duplicates=tuple(messages[i].msg_id for i in dups),
        )

    def _held_room(self, room_id: str) -> tuple[str, Room] | None:
        with self._rooms_lock:
            held = self._rooms.get(room_id)
            if held is not None:
                self._rooms.move_to_end(room_id)
            return held

    def _keys(self, room_id: str, viewers: Sequence[str], messages: Sequence[Danmaku]) -> list[str]:
        """PREFETCH's keys: the room, the catalogs' versions, the review policy, the operator-answer
        versions, the dialogues, the flood windows."""
        keys = [
            self._k.key("room", room_id),
            self._k.key("catalog_versions"),
            self._k.key("review_policy", room_id),
            self._k.key("faq_versions"),
        ]
        keys += [self._dialogue.key(room_id, v) for v in viewers]
        return keys + [self._guards.flood_key(room_id, m.viewer_id) for m in messages]

    def _args(self, room_id: str, viewers: Sequence[str], messages: Sequence[Danmaku]) -> list[str | int]:
        """PREFETCH's arguments: V, the flood limit, the room text held, (time ms, member) each."""
        held = self._held_room(room_id)
        args: list[str | int] = [len(viewers), self._guards.flood_limit, held[0] if held else ""]
        for m in messages:
            args += self._guards.flood_args(m.ts, m.msg_id)
        return args

    def _state(
        self,
        room_id: str,
        viewers: Sequence[str],
        messages: Sequence[Danmaku],
        raw_room: Any,
        dialogues: Sequence[Any],
        verdicts: Sequence[Any],
        version: Any,
        policy: Any,
        answers_version: Any,
    ) -> BatchState:
        """A batch's state from PREFETCH's reply."""
        state = BatchState()
        held = self._held_room(room_id)
        if raw_room == 0 and held is not None:  # unchanged since the last batch read it
            state.rooms[room_id] = held[1]
        elif raw_room is not None and raw_room != 0:
            room = codecs.room_from_text(raw_room)
            with self._rooms_lock:
                self._rooms[room_id] = (text(raw_room), room)
                while len(self._rooms) > MAX_ROOMS_HELD:
                    self._rooms.popitem(last=False)
            state.rooms[room_id] = room
        if room_id in state.rooms:
            catalog_id = state.rooms[room_id].catalog_id
            state.latest[catalog_id] = None if version is None else int(text(version))
            state.answers_version[catalog_id] = 0 if answers_version is None else int(text(answers_version))
        state.policy[room_id] = policy
        for viewer_id, raw in zip(viewers, dialogues, strict=True):
            key = self._dialogue.key(room_id, viewer_id)
            state.dialogue[(room_id, viewer_id)] = None if raw is None else self._dialogue.decode(key, raw)
        for m, verdict in zip(messages, verdicts, strict=True):
            state.flood.setdefault((room_id, m.viewer_id, m.ts.timestamp()), deque()).append(bool(verdict))
        return state

    @contextmanager
    def batch(self, room_id: str, messages: Sequence[Danmaku]) -> Iterator[None]:
        """Answer ``messages`` inside: the room, the viewers' dialogue and every message's flood
        verdict are read in one round trip now (or were, by ``accept(answer_next=True)`` of these
        very messages on this thread), dialogue writes go out in one when it ends and the replies
        it posted become joinable (see ``redis_batch``). Nested or empty: no prefetch."""
        ready, self._next.state = self._next.state, None
        if self._cache.state is not None or not messages:
            yield
            return
        if ready is not None and ready[0] == room_id and ready[1] == [m.msg_id for m in messages]:
            state = ready[2]
        else:
            viewers = list(dict.fromkeys(m.viewer_id for m in messages))
            keys, args = self._keys(room_id, viewers, messages), self._args(room_id, viewers, messages)
            state = self._state(room_id, viewers, messages, *self._prefetch(keys=keys, args=args))
        self._cache.state = state
        try:
            yield
        finally:
            self._cache.state = None
        # Only a batch that ended normally writes: a failed one is not finished, so another
        # process claims and answers it again, and its dialogue must not be applied twice.
        if state.dirty:  # not sent by a ``finish`` inside the scope
            with self._r.pipeline(transaction=False) as pipe:
                for key, value in self._writes(state):
                    pipe.set(key, value, px=self._dialogue.ttl_ms)
                pipe.execute()
        self._recent.keep(state.recent)  # the replies posted, joinable from now on

    def _writes(self, state: BatchState) -> list[tuple[str, str]]:
        """The batch's dialogue writes as (key, text), taken off the batch (sent once)."""
        writes = [
            (key, self._dialogue.encode(key, dialogue))
            for key, dialogue in ((self._dialogue.key(r, v), d) for (r, v), d in state.dirty.items())
        ]
        state.dirty.clear()
        return writes

    def finish(self, room_id: str, consumer: str, entry_ids: Sequence[str]) -> set[str]:
        """Inside a ``batch`` scope the batch's dialogue writes go in the same script, first."""
        state = self._cache.state
        writes = self._writes(state) if state is not None else []
        owned = self._log.finish(room_id, consumer, entry_ids, writes, self._dialogue.ttl_ms)
        if state is not None and entry_ids and not owned:  # all claimed: answered elsewhere
            state.recent.clear()
        return owned

    def claim(self, consumer: str, min_idle_s: float, count: int) -> dict[str, list[LoggedDanmaku]]:
        claimed = self._log.claim(consumer, min_idle_s, count)
        return {
            room_id: [LoggedDanmaku(i, danmaku_from_text(v)) for i, v in entries]
            for room_id, entries in claimed.items()
        }


def events_to_text(events: Sequence[Event]) -> str:
    return codecs.dumps([[e.event_id, e.viewer_id, e.type, e.product_id, e.ts, e.value] for e in events])


def events_from_text(raw: str | bytes) -> tuple[Event, ...]:
    return tuple(Event(*fields) for fields in codecs.loads(raw))


class RedisEventLog:
    """Batches of behaviour events (one stream entry per batch a platform posted) recorded before
    they are applied to a room's recommender; see ``EventLog``."""

    def __init__(self, client: Redis, keys: Keys, max_entries: int = MAX_ENTRIES) -> None:
        self._log = StreamLog(client, keys, "events", max_entries)

    def accept(self, room_id: str, consumer: str, events: Sequence[Event]) -> LoggedEvents:
        read, _ = self._log.accept(room_id, consumer, [events_to_text(events)])
        entry_id, value = read[0]
        return LoggedEvents(entry_id, events_from_text(value))

    def finish(self, room_id: str, consumer: str, entry_ids: Sequence[str]) -> set[str]:
        return self._log.finish(room_id, consumer, entry_ids)

    def claim(self, consumer: str, min_idle_s: float, count: int) -> dict[str, list[LoggedEvents]]:
        claimed = self._log.claim(consumer, min_idle_s, count)
        return {
            room_id: [LoggedEvents(i, events_from_text(v)) for i, v in entries]
            for room_id, entries in claimed.items()
        }
