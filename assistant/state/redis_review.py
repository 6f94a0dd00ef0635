"""Redis stores of review policies, held replies and operator-answer hit counts.

A room's held replies: a hash by reply id, their order in a sorted set (scores from one counter),
trimmed to the bound in Lua, where the dropped ones are counted too. ``take`` reads and deletes in
one Lua script: when several processes approve the same held reply, exactly one gets it. Hit
counts: a hash per catalog, ``HINCRBY``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from redis import Redis

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.review import MAX_HELD_PER_ROOM, HeldQuestion, HeldReply, UnknownHeldReplyError
from assistant.state import codecs
from assistant.state.redis_batch import BatchCache
from assistant.state.redis_keys import Keys, text

HOLD = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) == false then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('INCRBY', KEYS[4], extra)
end
return 1"""
TAKE = """
local body = redis.call('HGET', KEYS[1], ARGV[1])
if body == false then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return body"""


class RedisReview:
    """``assistant.review.ReviewStore`` on Redis (several processes serving the same rooms)."""

    def __init__(
        self,
        client: Redis,
        keys: Keys,
        max_held: int = MAX_HELD_PER_ROOM,
        cache: BatchCache | None = None,
    ) -> None:
        self._r, self._k, self._max = client, keys, max_held
        self._hold = client.register_script(HOLD)
        self._take = client.register_script(TAKE)
        self._cache = cache or BatchCache()

    def _held_keys(self, room_id: str) -> list[str]:
        return [self._k.key("held", room_id), self._k.key("held_order", room_id)]

    def policy(self, room_id: str) -> frozenset[ReplySource]:
        """Inside a danmaku batch, as read with the batch (``redis_batch``)."""
        batch = self._cache.state
        if batch is not None and room_id in batch.policy:
            raw = batch.policy[room_id]
        else:
            raw = self._r.get(self._k.key("review_policy", room_id))
        return frozenset() if raw is None else frozenset(ReplySource(s) for s in codecs.loads(raw))

    def set_policy(self, room_id: str, sources: Iterable[ReplySource]) -> frozenset[ReplySource]:
        policy = frozenset(sources)
        self._r.set(self._k.key("review_policy", room_id), codecs.dumps(sorted(str(s) for s in policy)))
        return policy

    def hold(self, room_id: str, reply: Reply, questions: Sequence[HeldQuestion], at: datetime) -> HeldReply:
        entry = HeldReply(room_id, reply, tuple(questions), at)
        keys = [*self._held_keys(room_id), self._k.key("held_seq"), self._k.key("held_dropped", room_id)]
        self._hold(keys=keys, args=[reply.reply_id, codecs.held_to_text(entry), self._max])
        return entry

    def held(self, room_id: str) -> list[HeldReply]:
        held_key, order_key = self._held_keys(room_id)
        ids = self._r.zrange(order_key, 0, -1)
        if not ids:
            return []
        raws = self._r.hmget(held_key, [text(i) for i in ids])
        return [codecs.held_from_text(raw) for raw in raws if raw is not None]

    def dropped(self, room_id: str) -> int:
        raw = self._r.get(self._k.key("held_dropped", room_id))
        return 0 if raw is None else int(text(raw))

    def get(self, room_id: str, reply_id: str) -> HeldReply:
        raw = self._r.hget(self._k.key("held", room_id), reply_id)
        if raw is None:
            raise UnknownHeldReplyError(f"no held reply {reply_id!r} in room {room_id!r}")
        return codecs.held_from_text(raw)

    def take(self, room_id: str, reply_id: str) -> HeldReply:
        raw = self._take(keys=self._held_keys(room_id), args=[reply_id])
        if raw is None:
            raise UnknownHeldReplyError(f"no held reply {reply_id!r} in room {room_id!r}")
        return codecs.held_from_text(raw)


class RedisFaqHits:
    """``assistant.danmaku.operator_faq.HitCounts`` on Redis: one hash per catalog."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._r, self._k = client, keys

    def add(self, catalog_id: str, faq_id: str, n: int = 1) -> None:
        self._r.hincrby(self._k.key("faq_hits", catalog_id), faq_id, n)

    def counts(self, catalog_id: str) -> dict[str, int]:
        raw = self._r.hgetall(self._k.key("faq_hits", catalog_id))
        return {text(f): int(text(n)) for f, n in raw.items()}

    def reset(self, catalog_id: str, faq_id: str) -> None:
        self._r.hdel(self._k.key("faq_hits", catalog_id), faq_id)
