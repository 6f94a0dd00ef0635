"""Backends for the state contract tests: every suite runs against memory, sqlite and redis.

``backend.make()`` opens another store instance on the same data: for sqlite the same file, for
redis the same key prefix (a second process, or the same process after a restart); for memory a
fresh, unrelated instance. Redis is the real server at 127.0.0.1:6379: the tests fail (they are not
skipped) when it is absent. Each test gets its own random key prefix, deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from assistant.state import StateOptions, StateStores, build_state_stores
from assistant.state.factory import StateKind
from assistant.state.redis_keys import delete_matching

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


@dataclass
class FakeClock:
    """Unix seconds that move only when a test says so (leases and push claims)."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Backend:
    kind: StateKind
    make: Callable[..., StateStores]
    clock: FakeClock
    prefix: str


def _backend(kind: StateKind, tmp_path: Path) -> Iterator[Backend]:
    clock = FakeClock()
    opened: list[StateStores] = []
    client = None
    prefix = f"test:{uuid.uuid4().hex}:"
    if kind == "redis":
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=10)
        client.ping()  # no server: the test fails here, by design

    def make(options: StateOptions | None = None) -> StateStores:
        stores = build_state_stores(
            kind,
            sqlite_path=tmp_path / "state.db",
            redis=client,
            prefix=prefix,
            options=options,
            clock=clock,
        )
        opened.append(stores)
        return stores

    yield Backend(kind, make, clock, prefix)
    for stores in opened:
        stores.close()
    if client is not None:
        delete_matching(client, prefix.replace("*", r"\*") + "*")
        assert not list(client.scan_iter(match=prefix + "*")), "test keys left behind"
        client.close()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from _backend(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "redis"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Only the backends whose instances share data (several processes, restarts)."""
    yield from _backend(request.param, tmp_path)


@pytest.fixture(params=["memory", "sqlite"])
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The backends whose expiries follow the given clock (redis expires keys on its own clock)."""
    yield from _backend(request.param, tmp_path)


@pytest.fixture
def redis_backend(tmp_path: Path) -> Iterator[Backend]:
    yield from _backend("redis", tmp_path)
