"""Helpers to build a real service for HTTP tests: real stores, real pipeline, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from assistant.service.app import create_app
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services

SHANGHAI = ZoneInfo("Asia/Shanghai")
API_KEY = "test-key-123"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


class FrozenClock:
    """A settable clock (the service's time source is injectable, like any other dependency)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@contextmanager
def service(
    tmp_path: Path | None = None,
    clock: FrozenClock | None = None,
    **settings: Any,
) -> Iterator[tuple[TestClient, Services, FrozenClock]]:
    """A running app over real components; sqlite under ``tmp_path`` when given, else memory."""
    clock = clock or FrozenClock(datetime(2026, 11, 21, 20, 5, tzinfo=SHANGHAI))
    defaults: dict[str, Any] = {"api_keys": API_KEY, "embeddings": "none"}
    if tmp_path is None:
        defaults["store"] = "memory"
    else:
        defaults["data_dir"] = tmp_path / "data"
    built = build_services(load_settings(**{**defaults, **settings}), clock=clock)
    app = create_app(built.settings, built)
    with TestClient(app) as client:
        yield client, built, clock


REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def redis_services(name: str, count: int = 2) -> Iterator[tuple[list[tuple[TestClient, Services]], str]]:
    """``count`` services (each a process's worth of stores) in redis state on the machine's Redis,
    under a key prefix of their own (deleted afterwards), serving the demo room; claims of stale
    log entries are left to the tests (an idle time of an hour). Yields them and the prefix."""
    import uuid
    from contextlib import ExitStack

    import redis

    from assistant.state.redis_keys import delete_matching

    prefix = f"test-{name}-{uuid.uuid4().hex[:10]}:"
    settings: dict[str, Any] = {
        "state": "redis",
        "redis_url": REDIS_URL,
        "redis_prefix": prefix,
        "redis_claim_idle_s": 3600.0,
    }
    try:
        with ExitStack() as stack:
            nodes = [stack.enter_context(service(demo=True, **settings))[:2] for _ in range(count)]
            yield nodes, prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        delete_matching(client, prefix + "*")
        client.close()
