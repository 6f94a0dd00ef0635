"""Contract of ``RoomStates``: create/get/put/list and compare-and-set ``update``."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.rooms import Room, RoomExistsError, UnknownRoomError
from assistant.state.interfaces import RoomStates
from knowledge.domain import FlashSale
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
THREADS, UPDATES = 8, 200
REPO = Path(__file__).resolve().parents[3]


def _room(room_id: str = "r1") -> Room:
    return Room(room_id, "cat", "直播间", T0)


def _bump(room: Room) -> Room:
    return replace(room, version=room.version + 1)


def test_create_get_list_put(backend: Backend) -> None:
    rooms = backend.make().rooms
    rooms.create(_room("b"))
    rooms.create(_room("a"))
    with pytest.raises(RoomExistsError):
        rooms.create(_room("a"))
    with pytest.raises(UnknownRoomError, match="POST /v1/rooms"):
        rooms.get("nope")
    sale = FlashSale("fs1", "秒杀", T0, T0 + timedelta(hours=1), Decimal("9.90"), "p1", ("s1",), 100)
    staged = _room("a").with_stage("p1", T0 + timedelta(minutes=5)).with_promotion(sale)
    rooms.put(staged)
    assert rooms.get("a") == staged
    assert rooms.get("a").stage_at(T0 + timedelta(minutes=6)) == "p1"
    assert [r.room_id for r in rooms.list()] == ["a", "b"]


def test_update_applies_fn_and_unknown_room_fails(backend: Backend) -> None:
    rooms = backend.make().rooms
    rooms.create(_room())
    updated = rooms.update("r1", lambda r: r.with_stage("p2", T0))
    assert updated.version == 1 and rooms.get("r1") == updated
    with pytest.raises(UnknownRoomError):
        rooms.update("nope", _bump)


def test_update_that_raises_changes_nothing(backend: Backend) -> None:
    rooms = backend.make().rooms
    rooms.create(_room())

    def broken(room: Room) -> Room:
        raise ValueError("no")

    with pytest.raises(ValueError):
        rooms.update("r1", broken)
    assert rooms.get("r1") == _room()


def _hammer(stores: list[RoomStates]) -> None:
    """THREADS threads (spread over ``stores``) each apply UPDATES increments."""
    errors: list[BaseException] = []

    def run(store: RoomStates) -> None:
        try:
            for _ in range(UPDATES):
                store.update("r1", _bump)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(stores[i % len(stores)],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_concurrent_updates_lose_nothing(backend: Backend) -> None:
    rooms = backend.make().rooms
    rooms.create(_room())
    _hammer([rooms])
    assert rooms.get("r1").version == THREADS * UPDATES


def test_concurrent_updates_from_two_instances_lose_nothing(shared: Backend) -> None:
    first, second = shared.make().rooms, shared.make().rooms
    first.create(_room())
    _hammer([first, second])
    assert first.get("r1").version == second.get("r1").version == THREADS * UPDATES


def test_put_between_read_and_write_makes_update_retry(shared: Backend) -> None:
    """A write by another instance while ``fn`` runs is a conflict: ``fn`` runs again on the new value."""
    first, second = shared.make().rooms, shared.make().rooms
    first.create(_room())
    seen: list[str] = []

    def retitle(room: Room) -> Room:
        seen.append(room.title)
        if len(seen) == 1:
            second.put(replace(room, title="changed meanwhile"))
        return replace(room, version=room.version + 1)

    result = first.update("r1", retitle)
    assert seen == ["直播间", "changed meanwhile"]
    assert result.title == "changed meanwhile" and first.get("r1") == result


HAMMER = """
import sys, threading, uuid
from dataclasses import replace
from pathlib import Path
import redis
from assistant.state import build_state_stores
kind, where, threads, updates = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if kind == "sqlite":
    stores = build_state_stores("sqlite", sqlite_path=Path(where))
else:
    stores = build_state_stores("redis", redis=redis.Redis(host="127.0.0.1", port=6379), prefix=where)
def run():
    for _ in range(updates):
        stores.rooms.update("r1", lambda r: replace(r, version=r.version + 1))
workers = [threading.Thread(target=run) for _ in range(threads)]
for w in workers: w.start()
for w in workers: w.join()
stores.close()
"""


def test_concurrent_updates_from_two_os_processes_lose_nothing(shared: Backend, tmp_path: Path) -> None:
    """Two real processes, four threads each, hammer one room: every increment lands."""
    stores = shared.make()
    stores.rooms.create(_room())
    where = str(tmp_path / "state.db") if shared.kind == "sqlite" else shared.prefix
    args = [sys.executable, "-c", HAMMER, shared.kind, where, str(THREADS // 2), str(UPDATES)]
    procs = [subprocess.Popen(args, cwd=REPO, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert stores.rooms.get("r1").version == THREADS * UPDATES
