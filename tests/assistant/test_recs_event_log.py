"""Behaviour events in redis mode: two services (two processes' worth of stores) on one Redis. A
posted batch goes through the room's events stream (recorded, applied, then marked done), and a
batch a dead process accepted but never applied is applied by another's recovery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from assistant.recs import RoomRecommenders
from assistant.rooms import UnknownRoomError
from assistant.service.wiring import Services
from recommender import Event
from tests.assistant.conftest_service import AUTH, REDIS_URL, redis_services

Node = tuple[TestClient, Services]


@pytest.fixture
def nodes() -> Iterator[tuple[Node, Node, str]]:
    """Services A and B sharing a Redis prefix of this test (memory catalogs, the demo room)."""
    with redis_services("events") as (both, prefix):
        yield both[0], both[1], prefix


def ev(event_id: str, viewer: str, product: str, at: datetime) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "viewer_id": viewer,
        "type": "click_link",
        "product_id": product,
        "ts": at.isoformat(),
    }


def recommended(client: TestClient, viewer: str) -> dict[str, Any]:
    response = client.get(f"/v1/rooms/demo/viewers/{viewer}/recommendations", headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stream_info(prefix: str, room: str) -> dict[str, Any]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        info: dict[str, Any] = client.xinfo_stream(f"{prefix}events:{room}")
        return info
    finally:
        client.close()


def recs_of(services: Services) -> RoomRecommenders:
    assert isinstance(services.recs, RoomRecommenders)
    return services.recs


def test_events_posted_to_a_go_through_the_stream_and_count_on_b(nodes: tuple[Node, Node, str]) -> None:
    (a_client, a), (b_client, _), prefix = nodes
    now = a.clock()
    assert recommended(b_client, "v1")["personalised"] is False
    batch = {"events": [ev("e1", "v1", "FS07", now), ev("e2", "v1", "FS07", now)]}
    report = a_client.post("/v1/rooms/demo/events", json=batch, headers=AUTH).json()
    assert report["accepted"] == 2
    info = stream_info(prefix, "demo")
    assert info["entries-added"] == 1 and info["length"] == 0  # recorded, then marked applied
    after = recommended(b_client, "v1")
    assert after["personalised"] is True and after["recommendations"][0]["product_id"] == "FS07"
    again = b_client.post("/v1/rooms/demo/events", json={"events": batch["events"][:1]}, headers=AUTH).json()
    assert again["duplicates"] == 1  # event_id: B knows what A applied


def test_a_batch_a_dead_process_accepted_is_applied_by_another(nodes: tuple[Node, Node, str]) -> None:
    (_, a), (b_client, b), prefix = nodes
    log = a.state.event_log
    assert log is not None
    now = a.clock()
    sent = [Event(f"d{i}", "v7", "click_link", "FS07", now.timestamp()) for i in range(2)]
    log.accept("demo", "dead-process", sent)  # recorded and held, then its process died
    assert recommended(b_client, "v7")["personalised"] is False
    assert recs_of(b).recover_events(min_idle_s=60.0) == 0  # the holder may still be working
    time.sleep(0.1)
    assert recs_of(b).recover_events(min_idle_s=0.05) == 1
    after = recommended(b_client, "v7")
    assert after["personalised"] is True and after["recommendations"][0]["product_id"] == "FS07"
    assert stream_info(prefix, "demo")["length"] == 0  # applied once: nothing left to claim
    time.sleep(0.1)
    assert recs_of(a).recover_events(min_idle_s=0.05) == 0


def test_an_unknown_room_is_404_and_records_nothing(nodes: tuple[Node, Node, str]) -> None:
    (a_client, a), _, prefix = nodes
    response = a_client.post(
        "/v1/rooms/nowhere/events", json={"events": [ev("e1", "v1", "FS07", a.clock())]}, headers=AUTH
    )
    assert response.status_code == 404
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert not client.exists(f"{prefix}events:nowhere")
    finally:
        client.close()


def test_a_claimed_batch_of_a_room_that_is_gone_is_dropped(nodes: tuple[Node, Node, str]) -> None:
    (_, a), (_, b), prefix = nodes
    log = a.state.event_log
    assert log is not None
    log.accept("demo", "dead-process", [Event("g1", "v8", "click_link", "FS07", a.clock().timestamp())])
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.delete(f"{prefix}room:demo")  # e.g. deleted by hand: nothing to apply it to
    finally:
        client.close()
    with pytest.raises(UnknownRoomError):
        b.live.get("demo")
    time.sleep(0.1)
    assert recs_of(b).recover_events(min_idle_s=0.05) == 1
    assert stream_info(prefix, "demo")["length"] == 0  # dropped, not retried forever
