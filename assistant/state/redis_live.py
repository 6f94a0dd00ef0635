"""Redis stores of recommender state, caption logs, enrolled voices and audio-stream leases.

Recommender: the room's signals in one key, profiles in a hash by viewer, opted-out viewers in a
set; ``save`` WATCHes the opt-out set so an opt-out racing a save is never undone by it. Both
``INCR`` the room's change counter (``rec_version``) inside their MULTI. Leases:
``SET NX PX``; renewing and releasing check the owner inside a Lua script.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from redis import Redis, WatchError
from redis.typing import EncodableT, FieldT

from assistant.state import codecs
from assistant.state.errors import ConflictError
from assistant.state.interfaces import JsonDict
from assistant.state.options import StateOptions
from assistant.state.records import CaptionLog, ConsentEvent, EnrolledVoice
from assistant.state.redis_keys import Keys, ms, text
from speech.domain import Caption

FORGET_VOICE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) return 1 end
return 0"""
ACQUIRE = """
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0"""
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0"""


class RedisRecommender:
    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._attempts = client, keys, options.cas_attempts

    def load(self, room_id: str) -> JsonDict | None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.get(self._k.key("rec", room_id))
            pipe.hgetall(self._k.key("rec_profiles", room_id))
            raw, profiles = pipe.execute()
        if raw is None:
            return None
        snapshot: JsonDict = codecs.loads(raw)
        snapshot["profiles"] = {text(v): codecs.loads(p) for v, p in sorted(profiles.items())}
        return snapshot

    def save(self, room_id: str, snapshot: JsonDict, viewers: Collection[str] | None = None) -> int:
        signals = codecs.dumps({k: v for k, v in snapshot.items() if k != "profiles"})
        profiles: JsonDict = snapshot.get("profiles", {})
        written = list(profiles) if viewers is None else [v for v in viewers if v in profiles]
        out_key, prof_key = self._k.key("rec_optout", room_id), self._k.key("rec_profiles", room_id)
        with self._r.pipeline(transaction=True) as pipe:
            for _ in range(self._attempts):
                try:
                    pipe.watch(out_key)  # type: ignore[no-untyped-call]  # unannotated in redis-py
                    out = {text(v) for v in pipe.smembers(out_key)}
                    pipe.multi()
                    pipe.set(self._k.key("rec", room_id), signals)
                    if viewers is None:
                        pipe.delete(prof_key)
                    elif viewers:
                        pipe.hdel(prof_key, *viewers)
                    kept: dict[FieldT, EncodableT] = {
                        v: codecs.dumps(profiles[v]) for v in written if v not in out
                    }
                    if kept:
                        pipe.hset(prof_key, mapping=kept)
                    pipe.incr(self._k.key("rec_version", room_id))
                    return int(pipe.execute()[-1])
                except WatchError:
                    continue
        raise ConflictError(f"opt-outs of room {room_id!r} kept changing during the save; retry")

    def set_opt_out(self, room_id: str, viewer_id: str, opted_out: bool) -> int:
        out_key = self._k.key("rec_optout", room_id)
        with self._r.pipeline(transaction=True) as pipe:
            if opted_out:
                pipe.sadd(out_key, viewer_id)
                pipe.hdel(self._k.key("rec_profiles", room_id), viewer_id)
            else:
                pipe.srem(out_key, viewer_id)
            pipe.incr(self._k.key("rec_version", room_id))
            return int(pipe.execute()[-1])

    def opted_out(self, room_id: str) -> set[str]:
        return {text(v) for v in self._r.smembers(self._k.key("rec_optout", room_id))}

    def version(self, room_id: str) -> int:
        raw = self._r.get(self._k.key("rec_version", room_id))
        return 0 if raw is None else int(text(raw))

    def claim_push(self, room_id: str, viewer_id: str, trigger: str, ttl_s: float) -> bool:
        key = self._k.key("push", room_id, viewer_id, trigger)
        return bool(self._r.set(key, "1", nx=True, px=ms(ttl_s)))


class RedisCaptionLogs:
    def __init__(self, client: Redis, keys: Keys, options: StateOptions) -> None:
        self._r, self._k, self._max = client, keys, options.max_captions_per_room

    def append(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None:
        key = self._k.key("captions", room_id)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(self._k.key("caption_start", room_id), stream_started_at.isoformat(), nx=True)
            pipe.rpush(key, codecs.caption_to_text(caption))
            pipe.ltrim(key, -self._max, -1)
            pipe.execute()

    def log(self, room_id: str) -> CaptionLog:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.get(self._k.key("caption_start", room_id))
            pipe.lrange(self._k.key("captions", room_id), 0, -1)
            started, lines = pipe.execute()
        return CaptionLog(
            None if started is None else datetime.fromisoformat(text(started)),
            tuple(codecs.caption_from_text(line) for line in lines),
        )

    def clear(self, room_id: str) -> None:
        self._r.delete(self._k.key("captions", room_id), self._k.key("caption_start", room_id))


class RedisVoices:
    def __init__(self, client: Redis, keys: Keys) -> None:
        self._r, self._k = client, keys
        self._forget = client.register_script(FORGET_VOICE)

    def enrol(self, room_id: str, voice: EnrolledVoice) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(self._k.key("voices", room_id), voice.name, codecs.voice_to_text(voice))
            pipe.rpush(
                self._k.key("consents", room_id), codecs.consent_event_to_text(codecs.given(room_id, voice))
            )
            pipe.execute()

    def voices(self, room_id: str) -> list[EnrolledVoice]:
        voices = [codecs.voice_from_text(v) for v in self._r.hvals(self._k.key("voices", room_id))]
        return sorted(voices, key=lambda v: v.name)

    def forget(self, room_id: str, name: str, at: datetime) -> bool:
        event = codecs.consent_event_to_text(ConsentEvent(room_id, name, "withdrawn", at))
        keys = [self._k.key("voices", room_id), self._k.key("consents", room_id)]
        return bool(self._forget(keys=keys, args=[name, event]))

    def consent_log(self, room_id: str) -> list[ConsentEvent]:
        lines = self._r.lrange(self._k.key("consents", room_id), 0, -1)
        return [codecs.consent_event_from_text(line) for line in lines]


class RedisAudioLeases:
    def __init__(self, client: Redis, keys: Keys) -> None:
        self._r, self._k = client, keys
        self._acquire = client.register_script(ACQUIRE)
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)

    def acquire(self, room_id: str, owner: str, ttl_s: float) -> bool:
        key = self._k.key("audio_lease", room_id)
        if self._r.set(key, owner, nx=True, px=ms(ttl_s)):
            return True
        return bool(self._acquire(keys=[key], args=[owner, ms(ttl_s)]))  # the owner itself again

    def renew(self, room_id: str, owner: str, ttl_s: float) -> bool:
        return bool(self._renew(keys=[self._k.key("audio_lease", room_id)], args=[owner, ms(ttl_s)]))

    def release(self, room_id: str, owner: str) -> bool:
        return bool(self._release(keys=[self._k.key("audio_lease", room_id)], args=[owner]))

    def holder(self, room_id: str) -> str | None:
        raw = self._r.get(self._k.key("audio_lease", room_id))
        return None if raw is None else text(raw)
