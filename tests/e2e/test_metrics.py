"""``/metrics`` through the real server: the counters move with the traffic that should move them.

Each test reads ``/metrics`` (parsed with prometheus_client's own text parser), sends traffic over
HTTP (and the WebSockets) into a room of its own, reads ``/metrics`` again and checks the exact
deltas of labelled series. The demo server is shared by the session's tests, which run one at a
time, so deltas (not absolute values) are this test's own. Message times (``ts``) place danmaku in
time: a repeat 5 s later joins the reply on screen, 30 s later it is answered from the cache (README,
"How a danmaku is answered"). Messages are dated a few minutes back so that every question event
they produce is in the past for the recommender too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from tests.e2e.harness import LiveServer

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
DANMAKU_ROUTE = "/v1/rooms/{room_id}/danmaku"
PUSH_WAIT_S = 60.0  # the push ticker runs every 5 s; generous for a loaded machine


# -- helpers --------------------------------------------------------------------------------------
def scrape(server: LiveServer) -> Samples:
    """Every sample of ``/metrics`` by (sample name, labels)."""
    response = httpx.get(f"{server.url}/metrics", timeout=30.0)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


class Deltas:
    """``after - before`` of one series, by sample name and labels."""

    def __init__(self, before: Samples, after: Samples) -> None:
        self.before, self.after = before, after

    def __call__(self, name: str, **labels: str) -> float:
        return value(self.after, name, **labels) - value(self.before, name, **labels)


def new_room(server: LiveServer) -> str:
    room_id = f"metrics-{uuid.uuid4().hex[:8]}"
    with server.client() as http:
        response = http.post("/v1/rooms", json={"room_id": room_id, "catalog_id": "demo", "title": "metrics"})
    assert response.status_code == 201, response.text
    return room_id


def put_stage(server: LiveServer, room_id: str, product_id: str, at: datetime | None = None) -> None:
    body: dict[str, Any] = {"product_id": product_id}
    if at is not None:
        body["at"] = at.isoformat()
    with server.client() as http:
        response = http.put(f"/v1/rooms/{room_id}/stage", json=body)
    assert response.status_code == 200, response.text


def msg(msg_id: str, viewer: str, text: str, ts: datetime) -> dict[str, Any]:
    return {"msg_id": msg_id, "viewer_id": viewer, "nickname": viewer, "text": text, "ts": ts.isoformat()}


def post_danmaku(server: LiveServer, room_id: str, *messages: dict[str, Any]) -> dict[str, Any]:
    with server.client() as http:
        response = http.post(f"/v1/rooms/{room_id}/danmaku", json={"messages": list(messages)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post_events(server: LiveServer, room_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    with server.client() as http:
        response = http.post(f"/v1/rooms/{room_id}/events", json={"events": events})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def event(event_id: str, viewer: str, type_: str, product: str | None, ts: datetime) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "viewer_id": viewer,
        "type": type_,
        "product_id": product,
        "ts": ts.isoformat(),
    }


def wait_for(server: LiveServer, name: str, above: float, timeout_s: float, **labels: str) -> Samples:
    """Scrape until the series exceeds ``above`` (a background task moves it), or fail."""
    deadline = time.monotonic() + timeout_s
    while True:
        samples = scrape(server)
        if value(samples, name, **labels) > above or time.monotonic() > deadline:
            return samples
        time.sleep(0.5)


# -- danmaku -------------------------------------------------------------------------------------
def test_danmaku_outcomes_latency_and_cache_move_their_counters(demo_server: LiveServer) -> None:
    room = new_room(demo_server)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    put_stage(demo_server, room, "HJ01", t0 - timedelta(minutes=1))
    before = scrape(demo_server)

    first = post_danmaku(
        demo_server,
        room,
        msg("a", "va", "这个多少钱", t0),
        msg("b", "vb", "多少钱", t0),  # the same resolved question: one reply for both
        msg("c", "vc", "666", t0),  # chatter
        msg("d", "vd", "可以刻字吗", t0),  # open question, no LLM configured: handed to the host
    )
    assert [(r["source"], r["reply_to"]) for r in first["replies"]] == [
        ("catalog", ["a", "b"]),
        ("handoff", ["d"]),
    ]
    assert first["ignored"] == [{"msg_id": "c", "reason": "chatter"}]
    again = post_danmaku(
        demo_server,
        room,
        msg("a", "va", "这个多少钱", t0),  # the same msg_id again: never answered twice
        msg("e", "ve", "多少钱", t0 + timedelta(seconds=5)),  # within the join window
    )
    assert again["ignored"] == [{"msg_id": "a", "reason": "duplicate"}], again
    # the whole outcome of both batches in the message: a miss of the join says what came instead
    assert [j["msg_id"] for j in again["joined"]] == ["e"] and again["replies"] == [], (first, again)
    later = post_danmaku(demo_server, room, msg("f", "vf", "多少钱", t0 + timedelta(seconds=30)))
    assert [(r["source"], r["cached"]) for r in later["replies"]] == [("catalog", True)]
    flood_at = t0 + timedelta(seconds=40)
    flood = post_danmaku(
        demo_server,
        room,
        *(msg(f"flood{i}", "flooder", "666", flood_at + timedelta(milliseconds=i)) for i in range(22)),
    )
    reasons = [i["reason"] for i in flood["ignored"]]
    assert reasons == ["chatter"] * 20 + ["viewer_flood"] * 2  # 20 messages a minute per viewer
    put_stage(demo_server, room, "HJ01", t0 + timedelta(seconds=50))  # drops the room's cached answers
    after_stage = post_danmaku(demo_server, room, msg("g", "vg", "多少钱", t0 + timedelta(seconds=60)))
    assert [(r["source"], r["cached"]) for r in after_stage["replies"]] == [("catalog", False)]

    d = Deltas(before, scrape(demo_server))
    assert d("liveshop_danmaku_received_total") == 4 + 2 + 1 + 22 + 1
    assert d("liveshop_danmaku_answered_total", source="catalog") == 2 + 1 + 1  # a+b, f, g
    assert d("liveshop_danmaku_answered_total", source="handoff") == 1
    assert d("liveshop_danmaku_answered_total", source="llm") == 0
    assert d("liveshop_danmaku_joined_total") == 1
    assert d("liveshop_danmaku_ignored_total", reason="chatter") == 1 + 20
    assert d("liveshop_danmaku_ignored_total", reason="duplicate") == 1
    assert d("liveshop_danmaku_ignored_total", reason="viewer_flood") == 2
    assert d("liveshop_danmaku_ignored_total", reason="room_rate") == 0
    assert d("liveshop_replies_total", source="catalog") == 3
    assert d("liveshop_replies_total", source="handoff") == 1
    assert d("liveshop_reply_latency_seconds_count", source="catalog") == 3
    assert d("liveshop_reply_latency_seconds_count", source="handoff") == 1
    assert d("liveshop_reply_latency_seconds_bucket", source="catalog", le="+Inf") == 3
    assert d("liveshop_reply_latency_seconds_sum", source="catalog") > 0
    # lookups: the price and the open question (misses), f (hit), g after the stage change (miss)
    assert d("liveshop_answer_cache_lookups_total", result="hit") == 1
    assert d("liveshop_answer_cache_lookups_total", result="miss") == 3
    assert d("liveshop_answer_cache_lookups_total", result="semantic_hit") == 0
    # answered questions about a product become question events for recommendations
    assert d("liveshop_events_total", origin="danmaku", outcome="accepted") == 6  # a b d e f g
    assert d("liveshop_http_requests_total", method="POST", route=DANMAKU_ROUTE, status="200") == 5
    assert d("liveshop_http_request_duration_seconds_count", route=DANMAKU_ROUTE) == 5
    assert d("liveshop_llm_requests_total", outcome="ok") == 0  # no LLM configured


def test_label_values_are_bounded(demo_server: LiveServer) -> None:
    """No raw path, viewer id or message text ever becomes a label value."""
    room = new_room(demo_server)
    with demo_server.client() as http:
        assert http.get(f"/v1/rooms/{room}").status_code == 200
        assert http.get("/v1/no/such/path/v-secret-viewer").status_code == 404
    post_danmaku(demo_server, room, msg("x1", "v-secret-viewer", "独特的弹幕文字", datetime.now(UTC)))
    text = httpx.get(f"{demo_server.url}/metrics", timeout=30.0).text
    assert room not in text and "v-secret-viewer" not in text and "独特的弹幕文字" not in text
    samples = scrape(demo_server)
    routes = {dict(labels).get("route") for name, labels in samples if name == "liveshop_http_requests_total"}
    assert "/v1/rooms/{room_id}" in routes and "unmatched" in routes
    assert all(r == "unmatched" or r is None or r.startswith("/") for r in routes)


# -- events, WebSocket subscribers, caption lag -----------------------------------------------------
def test_behaviour_events_count_by_origin_and_outcome(demo_server: LiveServer) -> None:
    room = new_room(demo_server)
    now = datetime.now(UTC)
    before = scrape(demo_server)
    report = post_events(
        demo_server,
        room,
        [
            event("e1", "v1", "enter", None, now),
            event("e2", "v1", "view_card", "HJ03", now),
            event("e3", "v1", "click_link", "HJ03", now),
            event("e2", "v1", "view_card", "HJ03", now),  # the same event_id: a no-op
            event("e4", "v1", "dance", None, now),  # an unknown type: rejected
        ],
    )
    assert (report["accepted"], report["duplicates"], len(report["rejected"])) == (3, 1, 1)
    d = Deltas(before, scrape(demo_server))
    assert d("liveshop_events_total", origin="api", outcome="accepted") == 3
    assert d("liveshop_events_total", origin="api", outcome="duplicate") == 1
    assert d("liveshop_events_total", origin="api", outcome="rejected") == 1
    assert d("liveshop_events_total", origin="danmaku", outcome="accepted") == 0


def test_websocket_subscribers_gauge_follows_open_sockets(demo_server: LiveServer) -> None:
    room = new_room(demo_server)
    before = value(scrape(demo_server), "liveshop_websocket_subscribers")
    url = f"{demo_server.ws_url}/v1/rooms/{room}/ws"
    with connect(
        url, additional_headers=demo_server.auth, open_timeout=30, ping_interval=None, max_queue=None
    ) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "pong"  # subscribed by now
        assert value(scrape(demo_server), "liveshop_websocket_subscribers") == before + 1
    deadline = time.monotonic() + 30
    while value(scrape(demo_server), "liveshop_websocket_subscribers") != before:
        assert time.monotonic() < deadline, "the closed socket is still counted"
        time.sleep(0.2)


def test_caption_lag_is_exported_per_stream_and_reset_when_it_ends(demo_server: LiveServer) -> None:
    room = new_room(demo_server)
    silence = bytes(640)  # 20 ms of 16 kHz PCM16
    url = f"{demo_server.ws_url}/v1/rooms/{room}/audio"
    with connect(
        url, additional_headers=demo_server.auth, open_timeout=60, ping_interval=None, max_queue=None
    ) as ws:
        for _ in range(50):
            ws.send(silence)
        ws.send(json.dumps({"type": "end"}))
        while json.loads(ws.recv(timeout=120))["type"] != "end":
            pass
    samples = scrape(demo_server)
    assert ("liveshop_caption_lag_seconds", frozenset({("room", room)})) in samples
    assert value(samples, "liveshop_caption_lag_seconds", room=room) == 0.0  # the stream ended


# -- LLM outcomes and pushes on a server of their own --------------------------------------------------
@pytest.fixture
def fake_llm() -> Iterator[str]:
    """tests/fakes/openai_server.py as its own process (a protocol-level OpenAI stand-in)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("LISTENING"), line
    try:
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def llm_server(tmp_path: Path, model_dir: Path, fake_llm: str) -> Iterator[LiveServer]:
    env = {
        "LIVESHOP_LLM__BASE_URL": f"{fake_llm}/v1",
        "LIVESHOP_LLM__MODEL": "scripted",
        "LIVESHOP_LLM__TIMEOUT_S": "1.0",
    }
    server = LiveServer(tmp_path / "data", api_key="e2e-test-key-0123456789", env=env)
    server.start()
    yield server
    server.stop()


def test_llm_calls_timeouts_fallbacks_and_pushes(llm_server: LiveServer, fake_llm: str) -> None:
    room = new_room(llm_server)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    put_stage(llm_server, room, "HJ01", t0 - timedelta(minutes=1))
    steps = [
        {"text": "嗯嗯嗯嗯嗯嗯嗯嗯", "stall_s": 3},  # stalls past the 1 s deadline: timeout
        {"text": "今天下单只要1元"},  # an amount the catalog never said: refused by the guard
        {"text": "可以装热茶，保温效果好"},
    ]
    httpx.post(f"{fake_llm}/_script", json={"responses": steps}, timeout=5).raise_for_status()
    before = scrape(llm_server)
    sources: list[str] = []
    # one question per batch, in the scripted order (the answered one last: it is cached)
    for i, text in enumerate(["能放洗碗机吗", "可以刻字吗", "这个杯子能装热茶吗"]):
        body = post_danmaku(llm_server, room, msg(f"l{i}", f"lv{i}", text, t0 + timedelta(seconds=i)))
        sources.extend(r["source"] for r in body["replies"])
    assert sources == ["fallback", "fallback", "llm"]
    d = Deltas(before, scrape(llm_server))
    assert d("liveshop_llm_requests_total", outcome="timeout") == 1
    assert d("liveshop_llm_requests_total", outcome="ok") == 2
    assert d("liveshop_llm_request_duration_seconds_count") == 3
    assert d("liveshop_llm_fallbacks_total", reason="timeout") == 1
    assert d("liveshop_llm_fallbacks_total", reason="guard") == 1
    assert d("liveshop_replies_total", source="fallback") == 2
    assert d("liveshop_replies_total", source="llm") == 1
    assert d("liveshop_reply_latency_seconds_count", source="llm") == 1

    # a viewer present and interested in HJ03 gets an on-stage push when HJ03 goes on stage
    now = datetime.now(UTC)
    post_events(
        llm_server,
        room,
        [
            event("p1", "pv", "enter", None, now),
            event("p2", "pv", "view_card", "HJ03", now),
            event("p3", "pv", "click_link", "HJ03", now),
        ],
    )
    pushes_before = value(scrape(llm_server), "liveshop_pushes_total", trigger="on_stage_match")
    put_stage(llm_server, room, "HJ03")
    after = wait_for(
        llm_server, "liveshop_pushes_total", pushes_before, PUSH_WAIT_S, trigger="on_stage_match"
    )
    assert value(after, "liveshop_pushes_total", trigger="on_stage_match") == pushes_before + 1
    assert value(after, "liveshop_pushes_total", trigger="dwell_offer") == 0


def test_an_unsure_line_read_by_the_llm_is_answered_from_the_catalog(
    llm_server: LiveServer, fake_llm: str
) -> None:
    """The served process with an LLM configured: a line the understanding model is unsure of
    ("这个买了不合适可以退不": policy question or claim?) is read by the LLM (validated JSON, no answer
    text) and answered with the catalog's own after-sales answer; an unusable reading leaves the
    next one to a person (tests/assistant/test_llm_reading.py has the cases)."""
    room = new_room(llm_server)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    put_stage(llm_server, room, "MZ07", t0 - timedelta(minutes=1))
    plain = post_danmaku(llm_server, room, msg("u0", "uv0", "支持退换吗", t0))["replies"][0]
    assert plain["source"] == "catalog"
    reading = {"kind": "product_question", "intent": "after_sales", "product": "stage"}
    steps = [{"text": json.dumps(reading)}, {"text": "可以退，今天下单只要1元"}]
    httpx.post(f"{fake_llm}/_reset", timeout=5).raise_for_status()
    httpx.post(f"{fake_llm}/_script", json={"responses": steps}, timeout=5).raise_for_status()
    before = scrape(llm_server)
    unsure = "这个买了不合适可以退不"
    read = post_danmaku(llm_server, room, msg("u1", "uv1", unsure, t0 + timedelta(seconds=20)))
    unusable = post_danmaku(llm_server, room, msg("u2", "uv2", "过敏了能不能退", t0 + timedelta(seconds=40)))
    assert read["replies"][0]["source"] == "catalog"
    assert read["replies"][0]["text"].endswith(plain["text"].split(" ", 1)[-1])
    assert unusable["replies"][0]["source"] == "handoff" and "1元" not in unusable["replies"][0]["text"]
    d = Deltas(before, scrape(llm_server))
    assert d("liveshop_llm_requests_total", outcome="ok") == 2
    sent = httpx.get(f"{fake_llm}/_requests", timeout=5).json()["requests"]
    assert [r["messages"][1]["content"].endswith("</弹幕>") for r in sent] == [True, True]
