"""Contract of ``MessageGuards``: seen message ids, per-viewer flood windows, room reply budgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from assistant.state import StateOptions, build_state_stores
from tests.assistant.state.conftest import REDIS_HOST, REDIS_PORT, Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
LIMITS = StateOptions(
    viewer_messages_per_min=3, room_replies_per_s=2.0, room_reply_burst=4.0, seen_ttl_s=3600
)


def test_a_message_id_is_seen_once_per_room(backend: Backend) -> None:
    guards = backend.make(LIMITS).guards
    assert guards.first_seen("room", "m1", T0)
    assert not guards.first_seen("room", "m1", T0 + timedelta(seconds=5))
    assert guards.first_seen("other", "m1", T0)


def test_seen_ids_expire_after_the_ttl(clocked: Backend) -> None:
    guards = clocked.make(LIMITS).guards
    assert guards.first_seen("room", "m1", T0)
    assert not guards.first_seen("room", "m1", T0 + timedelta(seconds=3599))
    assert guards.first_seen("room", "m1", T0 + timedelta(seconds=3600))


def test_redis_seen_ids_carry_the_ttl(redis_backend: Backend) -> None:
    """Redis expires seen ids on its own clock (SET NX PX): the key carries the TTL."""
    stores = redis_backend.make(LIMITS)
    assert stores.guards.first_seen("r", "m", T0)
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    ttl_ms = client.pttl(redis_backend.prefix + "seen:r:m")
    client.close()
    assert 3_500_000 < ttl_ms <= 3_600_000


def test_seen_ids_are_shared_between_instances(shared: Backend) -> None:
    first, second = shared.make(LIMITS).guards, shared.make(LIMITS).guards
    assert first.first_seen("room", "m1", T0)
    assert not second.first_seen("room", "m1", T0)
    assert second.first_seen("room", "m2", T0)
    assert not first.first_seen("room", "m2", T0)


def test_viewer_flood_window_is_sixty_seconds_of_message_time(backend: Backend) -> None:
    guards = backend.make(LIMITS).guards
    times = [T0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=20)]
    assert all(guards.allow_viewer("room", "v1", t) for t in times)
    assert not guards.allow_viewer("room", "v1", T0 + timedelta(seconds=30))
    assert guards.allow_viewer("room", "v2", T0 + timedelta(seconds=30))  # another viewer
    assert guards.allow_viewer("other", "v1", T0 + timedelta(seconds=30))  # another room
    assert guards.allow_viewer("room", "v1", T0 + timedelta(seconds=60))  # the first left the window


def test_reply_budget_is_a_token_bucket(backend: Backend) -> None:
    guards = backend.make(LIMITS).guards
    assert [guards.take_reply("room", T0) for _ in range(5)] == [True] * 4 + [False]
    assert guards.take_reply("other", T0)  # rooms have their own buckets
    assert not guards.take_reply("room", T0 + timedelta(seconds=0.25))  # half a token
    assert guards.take_reply("room", T0 + timedelta(seconds=0.5))
    assert not guards.take_reply("room", T0 + timedelta(seconds=0.5))


def test_reply_budget_time_never_runs_backwards(backend: Backend) -> None:
    guards = backend.make(LIMITS).guards
    later = T0 + timedelta(days=1)
    assert all(guards.take_reply("room", later) for _ in range(4))
    assert not guards.take_reply("room", T0)  # an earlier time refills nothing
    assert not guards.take_reply("room", later)
    assert guards.take_reply("room", later + timedelta(seconds=1))


def test_redis_rate_limits_are_shared_between_instances(redis_backend: Backend) -> None:
    first, second = redis_backend.make(LIMITS).guards, redis_backend.make(LIMITS).guards
    assert [first.take_reply("room", T0) for _ in range(2)] == [True, True]
    assert [second.take_reply("room", T0) for _ in range(3)] == [True, True, False]
    assert first.allow_viewer("room", "v1", T0) and second.allow_viewer("room", "v1", T0)
    assert first.allow_viewer("room", "v1", T0)
    assert not second.allow_viewer("room", "v1", T0)


def test_sqlite_rate_limits_reset_on_restart(tmp_path: Path) -> None:
    """Documented: in sqlite mode the flood windows and reply budgets live in memory."""
    first = build_state_stores("sqlite", sqlite_path=tmp_path / "s.db", options=LIMITS)
    assert [first.guards.take_reply("room", T0) for _ in range(5)][-1] is False
    assert first.guards.first_seen("room", "m1", T0)
    first.close()
    again = build_state_stores("sqlite", sqlite_path=tmp_path / "s.db", options=LIMITS)
    assert again.guards.take_reply("room", T0)  # a fresh bucket
    assert not again.guards.first_seen("room", "m1", T0)  # but seen ids survived
    again.close()
