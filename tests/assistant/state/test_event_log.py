"""Contract of ``EventLog`` (redis: a Stream per room, the danmaku log's mechanism): a batch of
behaviour events recorded before it is applied, and one a dead consumer held claimed by another."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import redis

from assistant.rooms import Room, UnknownRoomError
from assistant.state import build_state_stores
from assistant.state.interfaces import EventLog
from assistant.state.redis_keys import Keys
from assistant.state.redis_stream import StreamLog
from recommender import Event
from tests.assistant.state.conftest import REDIS_HOST, REDIS_PORT, Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def events(*ids: str) -> list[Event]:
    """Events of every field shape: no product, a value, a fractional time, non-ASCII ids."""
    return [
        Event(
            i,
            f"观众-{i}",
            "gift" if n % 2 else "enter",
            None if n % 2 else f"p{n}",
            T0.timestamp() + n / 3,
            1.5 * n or None,
        )
        for n, i in enumerate(ids)
    ]


def log_of(backend: Backend) -> EventLog:
    """The log of another store instance (another process) on rooms "room" and "hall"."""
    stores = backend.make()
    for room_id in ("room", "hall"):
        stores.rooms.put(Room(room_id, "cat", room_id, T0))
    assert stores.event_log is not None
    return stores.event_log


def stream_length(backend: Backend, room_id: str) -> int:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        return int(client.xlen(backend.prefix + "events:" + room_id))
    finally:
        client.close()


def test_one_process_backends_keep_no_event_log(clocked: Backend) -> None:
    """memory and sqlite serve every room from one process: events are applied as they come."""
    assert clocked.make().event_log is None


def test_an_accepted_batch_comes_back_whole_held_and_recorded(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    sent = events("e1", "e2", "e3")
    entry = log.accept("room", "proc-a", sent)
    assert entry.events == tuple(sent)
    assert stream_length(redis_backend, "room") == 1
    again = log.accept("room", "proc-a", sent)  # a resend is recorded again: event_id dedupes on apply
    assert again.entry_id != entry.entry_id
    assert log.finish("room", "proc-a", [entry.entry_id, again.entry_id]) == {entry.entry_id, again.entry_id}
    assert stream_length(redis_backend, "room") == 0
    assert log.claim("proc-b", 0.0, 10) == {}


def test_an_unknown_room_records_nothing(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    with pytest.raises(UnknownRoomError):
        log.accept("nowhere", "proc-a", events("e1"))
    assert stream_length(redis_backend, "nowhere") == 0


def test_a_batch_a_dead_consumer_held_is_claimed_by_another_after_the_idle_time(
    redis_backend: Backend,
) -> None:
    dead, alive = log_of(redis_backend), log_of(redis_backend)  # two processes on one Redis
    held = dead.accept("room", "proc-a", events("e1", "e2"))
    other = dead.accept("hall", "proc-a", events("h1"))
    assert alive.claim("proc-b", 30.0, 10) == {}  # not idle long enough: proc-a may be working
    time.sleep(0.15)
    claimed = alive.claim("proc-b", 0.1, 10)
    assert claimed == {"room": [held], "hall": [other]}
    assert dead.finish("room", "proc-a", [held.entry_id]) == set()  # too late: proc-b applies it
    assert alive.finish("room", "proc-b", [held.entry_id]) == {held.entry_id}
    assert stream_length(redis_backend, "room") == 0 and stream_length(redis_backend, "hall") == 1


def test_the_danmaku_and_event_logs_are_separate_streams_of_one_mechanism(redis_backend: Backend) -> None:
    stores = redis_backend.make()
    stores.rooms.put(Room("room", "cat", "room", T0))
    assert stores.event_log is not None and stores.danmaku_log is not None
    stores.event_log.accept("room", "proc-a", events("e1"))
    time.sleep(0.05)
    assert stores.danmaku_log.claim("proc-b", 0.01, 10) == {}  # an event batch is no danmaku
    assert list(stores.event_log.claim("proc-b", 0.01, 10)) == ["room"]


def test_idempotency_keys_must_match_the_entries_one_to_one() -> None:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        log = StreamLog(client, Keys("test:unused:"), "events")
        with pytest.raises(ValueError, match="2 idempotency keys for 1 events entries"):
            log.accept("room", "proc-a", ["payload"], ["k1", "k2"])
    finally:
        client.close()


def test_memory_backend_factory_builds_no_log() -> None:
    assert build_state_stores("memory").event_log is None
