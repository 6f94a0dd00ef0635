"""The room bus and catalog notices on Redis pub/sub, across every process sharing the server.

Each subscription owns a pub/sub connection and a daemon thread that calls the handler for every
message (so a handler must be quick and thread-safe: ``RoomHub.publish`` is). ``subscribe`` returns
only once Redis confirmed the subscription: a message published afterwards is delivered. Pub/sub
is at-most-once: a subscriber that is down or reconnecting misses what was sent meanwhile (the room
socket shows live messages; durable state lives in the stores, not on the bus).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError

from assistant.state import codecs
from assistant.state.errors import StateError
from assistant.state.interfaces import JsonDict, MessageHandler, NoticeHandler, Subscription
from assistant.state.redis_batch import BatchCache
from assistant.state.redis_keys import Keys, text

log = logging.getLogger(__name__)

SUBSCRIBE_TIMEOUT_S = 10.0
POLL_S = 0.2  # how long the listener waits for a message before checking whether it was closed
PUBLISH_NOTICE = """
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('PUBLISH', ARGV[3], ARGV[4])"""


class _Listener:
    """One channel's subscription: a pub/sub connection read by a daemon thread."""

    def __init__(self, client: Redis, channel: str, on_text: Callable[[str], None]) -> None:
        self._on_text = on_text
        self._pubsub = client.pubsub()
        self._pubsub.subscribe(channel)
        deadline = time.monotonic() + SUBSCRIBE_TIMEOUT_S
        while True:  # wait for Redis to confirm, so that later publishes reach this subscriber
            msg = self._pubsub.get_message(timeout=POLL_S)
            if msg is not None and msg.get("type") == "subscribe":
                break
            if time.monotonic() > deadline:
                self._pubsub.close()
                raise StateError(f"Redis did not confirm the subscription to {channel!r} in time")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"bus {channel}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_S)
            except (RedisError, OSError, ValueError):
                if self._stop.is_set():
                    return
                log.warning("bus connection lost; reconnecting", exc_info=True)
                time.sleep(1.0)
                continue
            if msg is None or msg.get("type") != "message":
                continue
            try:
                self._on_text(text(msg["data"]))
            except Exception:
                log.exception("a bus handler failed")

    def close(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=SUBSCRIBE_TIMEOUT_S)
        self._pubsub.close()


class RedisRoomBus:
    def __init__(self, client: Redis, keys: Keys) -> None:
        self._r, self._k = client, keys

    def publish(self, room_id: str, message: JsonDict) -> None:
        self._r.publish(self._k.key("bus", room_id), codecs.dumps(message))

    def subscribe(self, room_id: str, handler: MessageHandler) -> Subscription:
        return _Listener(self._r, self._k.key("bus", room_id), lambda raw: handler(codecs.loads(raw)))


class RedisCatalogNotices:
    def __init__(self, client: Redis, keys: Keys, cache: BatchCache | None = None) -> None:
        self._r, self._k = client, keys
        self._publish = client.register_script(PUBLISH_NOTICE)
        self._cache = cache or BatchCache()

    def publish(self, catalog_id: str, version: int) -> None:
        payload = codecs.dumps({"catalog_id": catalog_id, "version": version})
        args: list[str | int] = [catalog_id, version, self._k.key("catalog_notices"), payload]
        self._publish(keys=[self._k.key("catalog_versions")], args=args)

    def subscribe(self, handler: NoticeHandler) -> Subscription:
        def on_text(raw: str) -> None:
            notice = codecs.loads(raw)
            handler(str(notice["catalog_id"]), int(notice["version"]))

        return _Listener(self._r, self._k.key("catalog_notices"), on_text)

    def latest(self, catalog_id: str) -> int | None:
        """The announced version; read once per batch inside a batch scope (``redis_batch``)."""
        batch = self._cache.state
        if batch is not None and catalog_id in batch.latest:
            return batch.latest[catalog_id]
        raw = self._r.hget(self._k.key("catalog_versions"), catalog_id)
        version = None if raw is None else int(text(raw))
        if batch is not None:
            batch.latest[catalog_id] = version
        return version
