"""The operator's handoff queue through the real server process: one line per question with every
viewer who asked it, purchase-blocking questions first, and a per-room cap on new questions per
minute past which viewers get a holding reply (counted, never lost, and in ``/metrics``), and the
operator's reply to a question: sent once to every viewer who asked, off the queue, kept as an
operator answer for the next asker, refused whole when it breaks the compliance or amount rules.

Every line here is invented. The server is started with a cap of 3 new questions per minute.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.e2e.harness import LiveServer

CAP = 3
BUSY = "现在提问的人有点多"  # the start of the holding reply past the cap
INVOICE = "可以开发票吗"
ANSWER = "可以开发票，下单时备注抬头即可"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[LiveServer]:
    """One server for the module (rooms keep the tests apart), cap of ``CAP`` new questions/min."""
    live = LiveServer(
        tmp_path_factory.mktemp("handoffs") / "data",
        api_key="e2e-test-key-0123456789",
        env={"LIVESHOP_LIMITS__HANDOFF_GROUPS_PER_MIN": str(CAP)},
    )
    live.start()
    try:
        yield live
    finally:
        live.stop()


def _say(client: httpx.Client, room_id: str, msg_id: str, text: str, nickname: str = "") -> dict[str, Any]:
    message = {
        "msg_id": msg_id,
        "viewer_id": f"v-{msg_id}",
        "nickname": nickname,
        "text": text,
        "ts": datetime.now(UTC).isoformat(),
    }
    response = client.post(f"/v1/rooms/{room_id}/danmaku", json={"messages": [message]})
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    assert len(replies) == 1, response.text
    return replies[0]


def _capped_metric(client: httpx.Client, room_id: str) -> float | None:
    """``liveshop_handoffs_capped_total`` of the room in ``/metrics`` (None: no series yet)."""
    text = client.get("/metrics").text
    found = re.search(rf'^liveshop_handoffs_capped_total\{{room="{re.escape(room_id)}"\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else None


def test_handoffs_grouped_ranked_and_capped(server: LiveServer) -> None:
    with server.client() as client:
        created = client.post("/v1/rooms", json={"room_id": "ho", "catalog_id": "demo", "title": "q"})
        assert created.status_code == 201, created.text
        stage = client.put("/v1/rooms/ho/stage", json={"product_id": "MZ07"})
        assert stage.status_code == 200, stage.text

        complaint = _say(client, "ho", "c1", "我的快递怎么还没到")  # the viewer's own order
        invoices = [_say(client, "ho", f"i{n}", "可以开发票吗") for n in range(3)]
        purchase = _say(client, "ho", "p1", "这个月饼多少钱")  # price before buying
        for reply in (complaint, *invoices, purchase):
            assert reply["source"] == "handoff" and BUSY not in reply["text"], reply

        assert _capped_metric(client, "ho") is None  # nothing turned away yet
        over = _say(client, "ho", "x1", "差评，我的东西坏了怎么办")  # a 4th question: past the cap
        assert over["source"] == "handoff" and BUSY in over["text"], over
        assert _capped_metric(client, "ho") == 1.0
        again = _say(client, "ho", "i3", "可以开发票吗")  # joins an open question: not capped
        assert BUSY not in again["text"], again

        queue = client.get("/v1/rooms/ho/handoffs")
        assert queue.status_code == 200, queue.text
        body = queue.json()
    groups = body["groups"]
    assert [g["msg_ids"] for g in groups] == [["p1"], ["c1"], ["i0", "i1", "i2", "i3"]], groups
    assert [g["rank"] for g in groups] == [0, 1, 2]  # purchase-blocking, after-sales, the rest
    invoice = groups[2]
    assert (invoice["count"], invoice["text"]) == (4, "可以开发票吗")
    assert invoice["first_at"] < invoice["last_at"]
    assert body["capped"] == 1  # the message past the cap is counted, not lost
    assert "x1" not in {h["msg_id"] for h in body["handoffs"]}
    assert {h["msg_id"] for h in body["handoffs"]} == {"c1", "i0", "i1", "i2", "i3", "p1"}


def _next_reply(ws: Any) -> dict[str, Any]:
    """The next reply frame a room subscriber gets (stage frames skipped)."""
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=30))
        if frame["type"] == "reply":
            return frame


def _state(client: httpx.Client, room_id: str) -> tuple[Any, Any]:
    """The room's handoff queue and the demo catalog's operator answers, to compare before/after."""
    return client.get(f"/v1/rooms/{room_id}/handoffs").json(), client.get("/v1/catalogs/demo/faq").json()


def test_operator_reply_reaches_every_asker_once_and_answers_the_next(server: LiveServer) -> None:
    room = "hr"
    with server.client() as client:
        assert client.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo"}).status_code == 201
        assert client.put(f"/v1/rooms/{room}/stage", json={"product_id": "MZ07"}).status_code == 200
        asked = [_say(client, room, m, INVOICE, name) for m, name in (("a1", "小王"), ("a2", "小李"))]
        assert [r["source"] for r in asked] == ["handoff", "handoff"], asked
        groups = client.get(f"/v1/rooms/{room}/handoffs").json()["groups"]
        assert [g["msg_ids"] for g in groups] == [["a1", "a2"]], groups  # two viewers, one question
        url = f"/v1/rooms/{room}/handoffs/reply"

        # refused whole: a banned term, an amount the catalog lacks; nothing sent, nothing saved
        before = _state(client, room)
        for text, named in (("全网最低价，可以开发票", "全网最低价"), ("可以开发票，手续费9.99元", "9.99")):
            refused = client.post(url, json={"msg_ids": ["a1", "a2"], "text": text})
            assert refused.status_code == 422 and named in refused.text, refused.text
        assert _state(client, room) == before

        with connect(
            f"{server.ws_url}/v1/rooms/{room}/ws", additional_headers=server.auth, open_timeout=30
        ) as viewer:
            sent = client.post(url, json={"msg_ids": ["a1", "a2"], "text": f"  {ANSWER} "})
            assert sent.status_code == 200, sent.text
            reply = sent.json()["reply"]
            assert (reply["reply_to"], reply["source"], reply["ai_generated"]) == (["a1", "a2"], "faq", False)
            assert reply["text"] == f"@小王 @小李 {ANSWER}"  # addressed like any grouped reply
            seen = _next_reply(viewer)
            assert (seen["reply_id"], seen["reply_to"], seen["text"]) == (
                reply["reply_id"],
                ["a1", "a2"],
                reply["text"],
            )

            again = client.post(url, json={"msg_ids": ["a1", "a2"], "text": ANSWER})
            assert again.status_code == 404 and "a1" in again.text, again.text  # sends nothing

            queue, faq = _state(client, room)
            assert queue["groups"] == [] and queue["handoffs"] == []
            saved = {e["faq_id"]: e for e in faq["faq"]}[f"handoff-{room}-a1"]
            assert (saved["question"], saved["answer"]) == (INVOICE, ANSWER)
            assert saved["product_id"] == asked[0]["product_id"]  # the product asked about, if any

            later = _say(client, room, "a3", INVOICE, "小张")  # the next asker gets the answer at once
            assert (later["source"], later["reply_to"]) == ("faq", ["a3"]), later
            assert ANSWER in later["text"]
            # the viewer's next reply is that one: the refused and repeated calls sent nothing
            assert _next_reply(viewer)["reply_id"] == later["reply_id"]
        assert client.get(f"/v1/rooms/{room}/handoffs").json()["groups"] == []
        assert client.delete(f"/v1/catalogs/demo/faq/handoff-{room}-a1").status_code == 200


def test_two_operators_answering_one_question_send_once_and_save_only_the_sent_answer(
    server: LiveServer,
) -> None:
    """Two operators reply to the same group at the same moment: one reply is sent; the other call
    gets 409 (or 404 when the first had finished) and leaves nothing behind: its answer is not
    saved. Raced in several rooms so that both calls often pass the queue check before either
    sends (the case 409 is for)."""
    rooms = [f"race{n}" for n in range(6)]
    with server.client() as client:
        for room in rooms:
            assert client.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo"}).status_code == 201
            assert client.put(f"/v1/rooms/{room}/stage", json={"product_id": "MZ07"}).status_code == 200
            assert _say(client, room, f"{room}-q", INVOICE, "小王")["source"] == "handoff"

    def reply(room: str, operator: str, barrier: threading.Barrier) -> tuple[str, int]:
        body = {"msg_ids": [f"{room}-q"], "text": ANSWER, "faq_id": f"{room}-{operator}"}
        with server.client() as own:  # one connection per operator
            barrier.wait(timeout=30)
            return operator, own.post(f"/v1/rooms/{room}/handoffs/reply", json=body).status_code

    outcomes: dict[str, dict[str, int]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for room in rooms:
            barrier = threading.Barrier(2)
            calls = [pool.submit(reply, room, op, barrier) for op in ("a", "b")]
            outcomes[room] = dict(c.result(timeout=60) for c in calls)
    with server.client() as client:
        saved = {e["faq_id"] for e in client.get("/v1/catalogs/demo/faq").json()["faq"]}
        for room, codes in outcomes.items():
            assert sorted(codes.values()) in ([200, 404], [200, 409]), (room, codes)
            winner = next(op for op, code in codes.items() if code == 200)
            loser = "b" if winner == "a" else "a"
            assert f"{room}-{winner}" in saved, (room, codes)
            assert f"{room}-{loser}" not in saved, (room, codes)  # a refused reply saved nothing
            assert client.get(f"/v1/rooms/{room}/handoffs").json()["groups"] == []
            assert client.delete(f"/v1/catalogs/demo/faq/{room}-{winner}").status_code == 200
