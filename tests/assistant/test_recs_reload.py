"""Shared mode (two services on one Redis): a process reloads a room's recommender state only
when another process changed it. Its own saves and opt-outs (the room's change counter moved by
exactly its write) cost no reload; a change made on the other service is seen on the next call."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from assistant.recs import ORIGIN_DANMAKU, RoomRecommenders
from assistant.service.wiring import Services
from assistant.state.interfaces import JsonDict
from assistant.state.redis_keys import delete_matching
from recommender import Event
from tests.assistant.conftest_service import AUTH, service

REDIS_URL = "redis://127.0.0.1:6379/0"
Node = tuple[TestClient, Services]


@pytest.fixture
def nodes() -> Iterator[tuple[Node, Node]]:
    """Services A and B sharing a Redis prefix of this test (memory catalogs, the demo room)."""
    prefix = f"test-reload-{uuid.uuid4().hex[:10]}:"
    settings: dict[str, Any] = {"state": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix}
    try:
        with ExitStack() as stack:
            a_client, a, _ = stack.enter_context(service(demo=True, **settings))
            b_client, b, _ = stack.enter_context(service(demo=True, **settings))
            yield (a_client, a), (b_client, b)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        delete_matching(client, prefix + "*")
        client.close()


def count_loads(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rooms the service's recommender store loads from now on (the real load still runs)."""
    store = services.state.recommender
    loads: list[str] = []
    real: Callable[[str], JsonDict | None] = store.load

    def load(room_id: str) -> JsonDict | None:
        loads.append(room_id)
        return real(room_id)

    monkeypatch.setattr(store, "load", load)
    return loads


def post_events(client: TestClient, viewer: str, at: datetime, tag: str) -> None:
    events = [
        {
            "event_id": f"{tag}{i}",
            "viewer_id": viewer,
            "type": "click_link",
            "product_id": "FS07",
            "ts": at.isoformat(),
        }
        for i in range(2)
    ]
    response = client.post("/v1/rooms/demo/events", json={"events": events}, headers=AUTH)
    assert response.status_code == 200 and response.json()["accepted"] == 2, response.text


def personalised(client: TestClient, viewer: str) -> bool:
    response = client.get(f"/v1/rooms/demo/viewers/{viewer}/recommendations", headers=AUTH)
    assert response.status_code == 200, response.text
    return bool(response.json()["personalised"])


def test_own_writes_are_not_reloaded_and_another_process_write_is(
    nodes: tuple[Node, Node], monkeypatch: pytest.MonkeyPatch
) -> None:
    (a_client, a), (b_client, _) = nodes
    assert personalised(a_client, "v1") is False  # A has the room now
    loads = count_loads(a, monkeypatch)
    now = a.clock()
    post_events(a_client, "v1", now, "a")  # A's own writes: a save each, no reload
    assert personalised(a_client, "v1") is True
    opt = a_client.put("/v1/rooms/demo/viewers/v2/personalisation", json={"enabled": False}, headers=AUTH)
    assert opt.status_code == 200, opt.text
    recs = a.recs
    assert isinstance(recs, RoomRecommenders)
    question = Event("question:m1", "v4", "question", "FS07", now.timestamp())
    recs.ingest("demo", [question], origin=ORIGIN_DANMAKU)  # saved later by the writer
    recs.flush()
    assert personalised(a_client, "v4") is True
    assert loads == []

    post_events(b_client, "v3", now, "b")  # B's write: A's next call loads it
    assert personalised(a_client, "v3") is True
    assert loads == ["demo"]
    assert personalised(a_client, "v3") is True
    assert loads == ["demo"]  # and only once

    b_opt = b_client.put("/v1/rooms/demo/viewers/v1/personalisation", json={"enabled": False}, headers=AUTH)
    assert b_opt.status_code == 200, b_opt.text
    assert personalised(a_client, "v1") is False  # B's opt-out is seen on A
    assert loads == ["demo", "demo"]
