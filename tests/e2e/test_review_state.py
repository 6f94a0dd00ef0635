"""Review settings, held replies and operator-answer hit counts are room state: they survive
``kill -9`` and a restart of ``liveshop serve`` (SQLite in the data folder), and with several
processes on one Redis a held reply approved on two processes at once reaches the room once."""

from __future__ import annotations

import json
import signal
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.harness import REDIS_URL, LiveServer, delete_redis_keys
from tests.e2e.test_sockets import open_socket

KEY = "e2e-review-key-0123456789"
SCHEDULE_FAQ = {"question": "明天还播吗", "answer": "每晚8点开播，明天见～"}


def new_room(http: httpx.Client, product_id: str = "MZ01") -> str:
    room = f"review-{uuid.uuid4().hex[:8]}"
    created = http.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo", "title": "审核"})
    assert created.status_code == 201, created.text
    assert http.put(f"/v1/rooms/{room}/stage", json={"product_id": product_id}).status_code == 200
    return room


def send(http: httpx.Client, room: str, msg_id: str, text: str, viewer: str = "v1") -> dict[str, Any]:
    message = {"msg_id": msg_id, "viewer_id": viewer, "nickname": "小王", "text": text}
    response = http.post(f"/v1/rooms/{room}/danmaku", json={"messages": [message]})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def hits(http: httpx.Client, faq_id: str) -> int | None:
    listed = http.get("/v1/catalogs/demo/faq")
    assert listed.status_code == 200, listed.text
    return next((f["hits"] for f in listed.json()["faq"] if f["faq_id"] == faq_id), None)


def test_held_replies_review_settings_and_hit_counts_survive_kill_9(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    faq_id = f"schedule-{uuid.uuid4().hex[:6]}"
    with server.client() as http:
        room = new_room(http)
        policy = http.put(f"/v1/rooms/{room}/review", json={"hold": ["catalog", "faq"]})
        assert policy.status_code == 200 and sorted(policy.json()["hold"]) == ["catalog", "faq"]
        held = send(http, room, "m1", "这个多少钱")["replies"]
        assert len(held) == 1 and held[0]["held"] is True, held
        reply_id = held[0]["reply_id"]
        assert http.put(f"/v1/catalogs/demo/faq/{faq_id}", json=SCHEDULE_FAQ).json()["hits"] == 0
        assert http.put(f"/v1/rooms/{room}/review", json={"hold": ["catalog"]}).status_code == 200
        first = send(http, room, "m2", "明天还播吗", "v2")["replies"]
        assert [r["source"] for r in first] == ["faq"] and first[0]["held"] is False, first
        send(http, room, "m3", "明天还播吗?", "v3")  # the same question again: cached or joined
        assert hits(http, faq_id) == 2

    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()

    with server.client() as http:
        assert http.get(f"/v1/rooms/{room}/review").json() == {"hold": ["catalog"]}
        listed = http.get(f"/v1/rooms/{room}/held").json()
        assert [h["reply"]["reply_id"] for h in listed["held"]] == [reply_id], listed
        assert listed["held"][0]["questions"][0]["msg_id"] == "m1"
        assert hits(http, faq_id) == 2
        approved = http.post(f"/v1/rooms/{room}/held/{reply_id}/approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["reply"]["held"] is False
        assert http.post(f"/v1/rooms/{room}/held/{reply_id}/approve").status_code == 404
        assert http.get(f"/v1/rooms/{room}/held").json()["held"] == []
        send(http, room, "m4", "明天还播不播", "v4")
        assert hits(http, faq_id) == 3
        assert http.delete(f"/v1/catalogs/demo/faq/{faq_id}").status_code == 200
        assert hits(http, faq_id) is None
        assert http.put(f"/v1/catalogs/demo/faq/{faq_id}", json=SCHEDULE_FAQ).json()["hits"] == 0


@pytest.fixture
def pair(tmp_path: Path, model_dir: Path) -> Iterator[list[LiveServer]]:
    """Two processes on one Redis (a key prefix of this test's own) and one catalog store."""
    prefix = f"e2e-review-{uuid.uuid4().hex[:10]}:"
    env = {
        "LIVESHOP_STATE": "redis",
        "LIVESHOP_REDIS_URL": REDIS_URL,
        "LIVESHOP_REDIS_PREFIX": prefix,
        "LIVESHOP_EMBEDDINGS": "none",
    }
    servers = [LiveServer(tmp_path / "data", api_key=KEY, env=env) for _ in range(2)]
    try:
        servers[0].start()
        servers[1].start()
        yield servers
    finally:
        for server in servers:
            server.stop()
        delete_redis_keys(prefix)


def test_a_held_reply_approved_on_two_processes_at_once_is_sent_once(pair: list[LiveServer]) -> None:
    a, b = pair
    with a.client() as http:
        room = new_room(http)
        assert http.put(f"/v1/rooms/{room}/review", json={"hold": ["catalog"]}).status_code == 200
    with b.client() as http:  # the other process sees the setting and holds the reply
        held = send(http, room, "m1", "这个多少钱")["replies"]
    assert len(held) == 1 and held[0]["held"] is True, held
    reply_id = held[0]["reply_id"]
    with open_socket(a, f"/v1/rooms/{room}/ws") as viewer:

        def approve(server: LiveServer) -> int:
            with server.client() as http:
                return http.post(f"/v1/rooms/{room}/held/{reply_id}/approve").status_code

        with ThreadPoolExecutor(4) as pool:
            codes = sorted(pool.map(approve, [a, b, a, b]))
        assert codes == [200, 404, 404, 404]
        sent = []
        try:
            while True:
                frame = json.loads(viewer.recv(timeout=2.0))
                if frame.get("type") == "reply":
                    sent.append(frame["reply_id"])
        except (TimeoutError, ConnectionClosed):
            pass
    assert sent == [reply_id]
    with b.client() as http:
        assert http.get(f"/v1/rooms/{room}/held").json()["held"] == []
