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
