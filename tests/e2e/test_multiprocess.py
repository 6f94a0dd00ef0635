"""Three ``liveshop serve`` processes share every room through one Redis (``LIVESHOP_STATE=redis``).

They share one data folder too: the catalog store is SQLite (WAL), which several processes may
open; operator and viewer state lives in Redis under a key prefix of this test's own. Danmaku go to
random processes, as behind a load balancer without sticky sessions. A process killed with -9 while
answering a batch it acknowledged as ``accepted`` (recorded in the room's Redis Stream) leaves
those messages to the others, which claim them after ``CLAIM_IDLE_S`` and answer each once; a
batch of behaviour events it recorded (the room's events stream) is applied by the others likewise.
"""

from __future__ import annotations

import json
import random
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.exceptions import ConnectionClosed

from tests.e2e.harness import REDIS_URL, LiveServer, delete_redis_keys
from tests.e2e.test_sockets import RECV_TIMEOUT_S, close_of, open_socket

KEY = "e2e-multiprocess-key-0123456789"
QUESTIONS = ("这个多少钱", "这个有货吗", "什么时候发货", "这个怎么用")
HOST_QUESTION = "你们公司在哪"  # the catalog cannot answer it: handed off to the host
CLAIM_IDLE_S = 2.0  # danmaku held unanswered this long by a process are answered by another
HELD = 1000  # one batch of the most messages a frame may carry: seconds of work to die in
EVENTS_HELD = 5000  # one batch of the most events a POST may carry: time to die in


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[list[LiveServer]]:
    """Servers A, B, C on one Redis (a key prefix of their own) and one catalog store."""
    prefix = f"e2e-{uuid.uuid4().hex[:10]}:"
    env = {
        "LIVESHOP_STATE": "redis",
        "LIVESHOP_REDIS_URL": REDIS_URL,
        "LIVESHOP_REDIS_PREFIX": prefix,
        "LIVESHOP_EMBEDDINGS": "none",  # BM25 retrieval: three processes start faster
        "LIVESHOP_REDIS_CLAIM_IDLE_S": str(CLAIM_IDLE_S),
    }
    data = tmp_path_factory.mktemp("cluster") / "data"
    servers = [LiveServer(data, api_key=KEY, env=env) for _ in range(3)]
    try:
        servers[0].start()  # loads the demo catalog into the shared store first
        for server in servers[1:]:
            server.start(wait=False)
        for server in servers[1:]:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()
        delete_redis_keys(prefix)


def new_room(server: LiveServer, product_id: str) -> str:
    room = f"mp-{uuid.uuid4().hex[:8]}"
    with server.client() as http:
        created = http.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo", "title": "多进程"})
        assert created.status_code == 201, created.text
        assert http.put(f"/v1/rooms/{room}/stage", json={"product_id": product_id}).status_code == 200
    return room


def ask(server: LiveServer, room: str, msg_id: str, text: str, viewer: str) -> dict[str, Any]:
    message = {"msg_id": msg_id, "viewer_id": viewer, "nickname": viewer, "text": text}
    with server.client() as http:
        response = http.post(f"/v1/rooms/{room}/danmaku", json={"messages": [message]})
    assert response.status_code == 200, (server.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def only_reply(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body["replies"]) == 1, body
    reply: dict[str, Any] = body["replies"][0]
    return reply


def test_every_message_is_answered_exactly_once_wherever_it_lands(cluster: list[LiveServer]) -> None:
    room = new_room(cluster[0], "MZ07")
    rng = random.Random(7)
    sends = []
    for i in range(24):
        msg_id, viewer, text = f"m{i}", f"v{i % 12}", QUESTIONS[i % len(QUESTIONS)]
        first, second = rng.sample(cluster, 2)  # the platform delivers it twice, to two processes
        sends += [(first, msg_id, text, viewer), (second, msg_id, text, viewer)]
    rng.shuffle(sends)
    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(lambda s: ask(s[0], room, s[1], s[2], s[3]), sends))
    answered: Counter[str] = Counter()
    duplicates: Counter[str] = Counter()
    reply_ids = []
    for body in bodies:
        for reply in body["replies"]:
            reply_ids.append(reply["reply_id"])
            answered.update(reply["reply_to"])
        answered.update(j["msg_id"] for j in body["joined"])
        duplicates.update(i["msg_id"] for i in body["ignored"] if i["reason"] == "duplicate")
        others = [i for i in body["ignored"] if i["reason"] != "duplicate"]
        assert not others, others
    assert answered == Counter({f"m{i}": 1 for i in range(24)})
    assert duplicates == Counter({f"m{i}": 1 for i in range(24)})
    assert len(reply_ids) == len(set(reply_ids)), "reply ids must be unique across processes"


def test_a_subscriber_on_c_receives_replies_made_on_a(cluster: list[LiveServer]) -> None:
    a, _, c = cluster
    room = new_room(a, "MZ07")
    with open_socket(c, f"/v1/rooms/{room}/ws") as ws:
        ws.send(json.dumps({"type": "ping"}))  # answered once C's socket is subscribed to the room
        assert json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
        reply = only_reply(ask(a, room, "sub-1", "这个多少钱", "v1"))
        while True:
            frame = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
            if frame["type"] == "reply":
                break
        assert frame["reply_id"] == reply["reply_id"] and frame["reply_to"] == ["sub-1"]


def test_a_stage_change_on_a_governs_the_next_answer_on_b(cluster: list[LiveServer]) -> None:
    a, b, _ = cluster
    room = new_room(a, "MZ07")
    assert only_reply(ask(b, room, "st-1", "这个多少钱", "v1"))["product_id"] == "MZ07"
    with a.client() as http:
        assert http.put(f"/v1/rooms/{room}/stage", json={"product_id": "MZ03"}).status_code == 200
    assert only_reply(ask(b, room, "st-2", "这个多少钱", "v2"))["product_id"] == "MZ03"


def set_price(server: LiveServer, product_id: str, skus: list[str], price: str) -> None:
    with server.client() as http:
        patched = http.patch(
            f"/v1/catalogs/demo/products/{product_id}", json={"prices": dict.fromkeys(skus, price)}
        )
    assert patched.status_code == 200, patched.text


def test_a_price_changed_on_a_is_never_quoted_stale_on_b_or_c(cluster: list[LiveServer]) -> None:
    a, b, c = cluster
    room = new_room(a, "MZ06")
    with b.client() as http:
        skus = [s["sku_id"] for s in http.get("/v1/catalogs/demo/products/MZ06").json()["product"]["skus"]]
    assert "169" in only_reply(ask(b, room, "p-1", "这个多少钱", "v1"))["text"]  # B caches this version
    set_price(a, "MZ06", skus, "173.00")
    assert "173" in only_reply(ask(b, room, "p-2", "这个多少钱", "v2"))["text"]
    set_price(a, "MZ06", skus, "181.00")
    on_c = only_reply(ask(c, room, "p-3", "这个多少钱", "v3"))
    assert "181" in on_c["text"]
    # The same question on B moments later joins C's reply (same catalog version), never 173's.
    assert ask(b, room, "p-4", "这个多少钱", "v4")["joined"] == [
        {"msg_id": "p-4", "reply_id": on_c["reply_id"]}
    ]


def test_one_audio_stream_per_room_over_every_process(cluster: list[LiveServer]) -> None:
    a, b, c = cluster
    room = new_room(a, "MZ07")
    with open_socket(a, f"/v1/rooms/{room}/audio") as first:
        first.send(json.dumps({"type": "ping"}))  # answered once A holds the room's audio lease
        assert json.loads(first.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
        with open_socket(b, f"/v1/rooms/{room}/audio") as second:
            code, reason = close_of(second)
        assert code == 4409 and "already open" in reason
        first.send(json.dumps({"type": "end"}))
        while json.loads(first.recv(timeout=RECV_TIMEOUT_S))["type"] != "end":
            pass
    assert opens_audio(c, room), "A's lease should be released when its stream ends"


def opens_audio(server: LiveServer, room: str, tries: int = 20) -> bool:
    """Whether an audio stream opens (A releases its lease just after sending its "end" frame)."""
    for _ in range(tries):
        with open_socket(server, f"/v1/rooms/{room}/audio") as ws:
            ws.send(json.dumps({"type": "ping"}))
            try:
                if json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}:
                    return True
            except ConnectionClosed:
                time.sleep(0.5)  # refused 4409: the release has not landed yet
    return False


def test_events_and_opt_outs_recorded_on_one_process_count_on_the_others(cluster: list[LiveServer]) -> None:
    a, b, c = cluster
    room = new_room(a, "MZ07")
    now = datetime.now(UTC).isoformat()
    events = [
        {"event_id": "e1", "viewer_id": "v1", "type": "view_card", "product_id": "MZ03", "ts": now},
        {"event_id": "e2", "viewer_id": "v2", "type": "add_to_cart", "product_id": "MZ01", "ts": now},
    ]
    with a.client() as http:
        assert http.post(f"/v1/rooms/{room}/events", json={"events": events}).status_code == 200
    with b.client() as http:
        assert http.get(f"/v1/rooms/{room}/viewers/v1/recommendations").json()["personalised"] is True
        replayed = http.post(f"/v1/rooms/{room}/events", json={"events": events[:1]}).json()
        assert replayed["duplicates"] == 1, replayed  # B knows the event ids A recorded
        assert (
            http.put(f"/v1/rooms/{room}/viewers/v2/personalisation", json={"enabled": False}).status_code
            == 200
        )
    with c.client() as http:
        assert http.get(f"/v1/rooms/{room}/viewers/v2/recommendations").json()["personalised"] is False
        assert http.get(f"/v1/rooms/{room}/viewers/v1/recommendations").json()["personalised"] is True


def pending_of(prefix: str, room: str, pid: int, log: str = "danmaku") -> int:
    """How many of the room's recorded danmaku (``log="events"``: event batches) the process
    ``pid`` holds unapplied (its consumer in the stream's group is named ``<host>:<pid>:<token>``)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        if not client.exists(f"{prefix}{log}:{room}"):
            return 0
        summary = client.xpending(f"{prefix}{log}:{room}", "answerers")
    finally:
        client.close()
    return sum(int(c["pending"]) for c in summary["consumers"] if f":{pid}:" in c["name"].decode("utf-8"))


def feed_outcomes(feed: Any, ids: set[str], deadline_s: float) -> Counter[tuple[str, str]]:
    """(msg_id, outcome) of every message in ``ids`` the operator feed shows, read until each has
    one or ``deadline_s`` passes."""
    seen: Counter[tuple[str, str]] = Counter()
    deadline = time.monotonic() + deadline_s
    while {m for m, _ in seen} != ids and time.monotonic() < deadline:
        try:
            frame = json.loads(feed.recv(timeout=max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            break
        for m in frame.get("messages", []):
            if m["msg_id"] in ids:
                seen[(m["msg_id"], m.get("reason") or m["outcome"])] += 1
    return seen


def test_events_a_killed_process_recorded_are_applied_by_the_others(cluster: list[LiveServer]) -> None:
    """B records a batch of events (its POST in flight), is killed with -9 while applying it, and
    A or C applies the batch: C's recommendations reflect it. B is started again afterwards."""
    a, b, c = cluster
    room = new_room(a, "MZ07")
    prefix = a.environment()["LIVESHOP_REDIS_PREFIX"]
    now = datetime.now(UTC).isoformat()
    events = [
        {"event_id": f"k{i}", "viewer_id": f"kv{i}", "type": "click_link", "product_id": "FS07", "ts": now}
        for i in range(EVENTS_HELD)
    ]

    def post() -> None:
        try:
            with b.client() as http:
                http.post(f"/v1/rooms/{room}/events", json={"events": events})
        except httpx.TransportError:
            pass  # killed before it answered: the batch is the others' to apply

    pid = b.pid
    poster = threading.Thread(target=post)
    poster.start()
    deadline = time.monotonic() + RECV_TIMEOUT_S
    while not pending_of(prefix, room, pid, "events") and time.monotonic() < deadline:
        time.sleep(0.002)
    b.stop(signal.SIGKILL)
    poster.join()
    assert pending_of(prefix, room, pid, "events") == 1, "B applied the batch before the kill"
    deadline = time.monotonic() + RECV_TIMEOUT_S + 10 * CLAIM_IDLE_S
    with c.client() as http:
        while not all(
            http.get(f"/v1/rooms/{room}/viewers/kv{i}/recommendations").json()["personalised"]
            for i in (0, EVENTS_HELD - 1)
        ):
            assert time.monotonic() < deadline, "the batch B recorded was never applied"
            time.sleep(0.25)
        replayed = http.post(f"/v1/rooms/{room}/events", json={"events": events[:1]}).json()
        assert replayed["duplicates"] == 1, replayed
    assert pending_of(prefix, room, pid, "events") == 0
    b.start()


def test_messages_a_killed_process_accepted_are_answered_once_by_the_others(
    cluster: list[LiveServer],
) -> None:
    """B acknowledges a batch as accepted (durably recorded), is killed with -9 while answering
    it, and A and C answer every one of those messages exactly once (seen on the operator feed);
    the questions among them that only the host can answer are queued for the host once each."""
    a, b, c = cluster
    room = new_room(a, "MZ07")
    prefix = a.environment()["LIVESHOP_REDIS_PREFIX"]
    ids = [f"held-{i}" for i in range(HELD)]
    texts = [HOST_QUESTION if i % 10 == 0 else QUESTIONS[i % len(QUESTIONS)] for i in range(HELD)]
    batch = [
        {"msg_id": m, "viewer_id": f"hv{i}", "nickname": f"hv{i}", "text": texts[i]}
        for i, m in enumerate(ids)
    ]
    with open_socket(c, f"/v1/rooms/{room}/feed") as feed:
        only_reply(ask(a, room, "feed-ready", "这个多少钱", "v0"))
        assert feed_outcomes(feed, {"feed-ready"}, RECV_TIMEOUT_S)  # C's feed is subscribed
        pid = b.pid
        with open_socket(b, f"/v1/rooms/{room}/ws") as ws:
            ws.send(json.dumps({"type": "danmaku", "messages": batch}))
            accepted = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
            b.stop(signal.SIGKILL)
        assert accepted == {"type": "accepted", "msg_ids": ids, "duplicates": []}
        held = pending_of(prefix, room, pid)  # a batch is marked answered all at once, at its end
        assert held == HELD, f"B held {held} of the batch when killed (it finished before the kill?)"
        seen = feed_outcomes(feed, set(ids), RECV_TIMEOUT_S + 10 * CLAIM_IDLE_S)
    by_id = Counter(m for m, _ in seen)
    assert set(by_id) == set(ids), f"{len(set(ids) - set(by_id))} accepted messages never answered"
    assert set(by_id.values()) == {1}, "a message was answered more than once"
    assert not [o for o in seen if o[1] in ("duplicate", "pending", "internal_error")], seen
    assert pending_of(prefix, room, pid) == 0
    with c.client() as http:
        queued = [h["msg_id"] for h in http.get(f"/v1/rooms/{room}/handoffs").json()["handoffs"]]
    for_host = {m for m, t in zip(ids, texts, strict=True) if t == HOST_QUESTION}
    assert for_host <= set(queued), f"{len(for_host - set(queued))} handoffs lost"
    assert len(queued) == len(set(queued)), "a message was queued for the host twice"
    retried = ask(a, room, ids[0], QUESTIONS[0], "hv0")  # the platform resends one to A
    assert retried["ignored"] == [{"msg_id": ids[0], "reason": "duplicate"}]


def test_the_others_go_on_when_one_process_is_killed(cluster: list[LiveServer]) -> None:
    a, b, c = cluster
    room = new_room(a, "MZ07")
    b.stop(signal.SIGKILL)
    with open_socket(c, f"/v1/rooms/{room}/ws") as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
        reply = only_reply(ask(a, room, "k-1", "这个多少钱", "v1"))
        frame = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
        while frame["type"] != "reply":
            frame = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
        assert frame["reply_id"] == reply["reply_id"]
    assert only_reply(ask(c, room, "k-2", "这个有货吗", "v2"))["product_id"] == "MZ07"
    assert ask(a, room, "k-2", "这个有货吗", "v2")["ignored"][0]["reason"] == "duplicate"
    with httpx.Client(base_url=a.url, headers=a.auth, timeout=30.0) as http:
        assert http.get(f"/v1/rooms/{room}").json()["on_stage"] == "MZ07"
