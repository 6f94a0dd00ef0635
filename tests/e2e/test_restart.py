"""Nothing an operator or a viewer did is lost when ``liveshop serve`` is killed (-9) and restarted
on the same data folder (the embedded default: SQLite state in ``<data_dir>/state.db``)."""

from __future__ import annotations

import json
import signal
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.harness import LiveServer
from tests.e2e.test_sockets import open_socket, pcm16_frames
from tests.speech.real_speech import real_clip

CAPTION_TIMEOUT_S = 600.0  # a busy shared CPU captions a 6 s clip slowly; this bounds a hang only
# One real read sentence (5.5 s): the caption log needs a caption, and what Whisper base makes of
# the synthetic voices of tests/data/audio differs by CPU (on some, nothing at all).
CLIP = "aishell3_SSB17110468"


def snapshot(http: httpx.Client, room: str) -> dict[str, Any]:
    """Everything the test changed, read back through the public API."""

    def get(path: str, **params: Any) -> Any:
        response = http.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    recs_v1 = get(f"/v1/rooms/{room}/viewers/v1/recommendations", k=5)
    recs_v2 = get(f"/v1/rooms/{room}/viewers/v2/recommendations", k=5)
    recs_v5 = get(f"/v1/rooms/{room}/viewers/v5/recommendations", k=5)
    room_body = get(f"/v1/rooms/{room}")
    room_body.pop("on_stage", None)  # "now" moves on; the stored timeline is compared
    return {
        "room": room_body,
        "faq": get("/v1/catalogs/demo/faq"),
        "handoffs": get(f"/v1/rooms/{room}/handoffs"),
        "v1": recs_v1["personalised"],
        "v2": recs_v2["personalised"],
        "v5": recs_v5["personalised"],  # a profile built only from an answered question
        "captions": get(f"/v1/rooms/{room}/captions", format="json"),
    }


def post_danmaku(http: httpx.Client, room: str, *messages: tuple[str, str, str]) -> dict[str, Any]:
    body = {
        "messages": [{"msg_id": m, "viewer_id": v, "nickname": "小王", "text": t} for m, v, t in messages]
    }
    response = http.post(f"/v1/rooms/{room}/danmaku", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def stream_short_clip(server: LiveServer, room: str) -> None:
    """Stream a short real recording to the room's audio socket and wait for the end of the stream."""
    with open_socket(server, f"/v1/rooms/{room}/audio") as audio:
        for frame in pcm16_frames(real_clip(CLIP).path):
            audio.send(frame)
        audio.send(json.dumps({"type": "end"}))
        while True:
            message = json.loads(audio.recv(timeout=CAPTION_TIMEOUT_S))
            if message["type"] == "end":
                return


def test_kill_9_and_restart_loses_nothing(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    room = f"restart-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    with server.client() as http:
        assert (
            http.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo", "title": "重启"}).status_code
            == 201
        )
        assert http.put(f"/v1/rooms/{room}/stage", json={"product_id": "MZ07"}).status_code == 200
        flash = {
            "type": "flash_sale",
            "title": "直播间秒杀",
            "start": now.isoformat(),
            "end": (now + timedelta(hours=2)).isoformat(),
            "price": "9.90",
            "product_id": "MZ07",
        }
        assert http.put(f"/v1/rooms/{room}/promotions/fs-restart", json=flash).status_code == 200
        faq = {"question": "明天还播吗", "answer": "每晚8点开播，明天见～"}
        assert http.put("/v1/catalogs/demo/faq/schedule", json=faq).status_code == 200
        first = post_danmaku(
            http,
            room,
            ("m1", "v1", "这个多少钱"),
            ("m2", "v3", "我要投诉，上次的货到现在没收到"),
            ("m3", "v4", "帮我改一下收货地址"),
            ("m4", "v5", "这个有货吗"),
        )
        answered = {m for r in first["replies"] for m in r["reply_to"]}
        assert {"m1", "m4"} <= answered
        events = [
            {
                "event_id": "e1",
                "viewer_id": "v1",
                "type": "view_card",
                "product_id": "MZ03",
                "ts": now.isoformat(),
            },
            {
                "event_id": "e2",
                "viewer_id": "v1",
                "type": "add_to_cart",
                "product_id": "MZ03",
                "ts": now.isoformat(),
            },
            {
                "event_id": "e3",
                "viewer_id": "v2",
                "type": "view_card",
                "product_id": "MZ01",
                "ts": now.isoformat(),
            },
        ]
        assert http.post(f"/v1/rooms/{room}/events", json={"events": events}).status_code == 200
        opt_out = http.put(f"/v1/rooms/{room}/viewers/v2/personalisation", json={"enabled": False})
        assert opt_out.status_code == 200
    stream_short_clip(server, room)
    with server.client() as http:
        before = snapshot(http, room)
    assert before["room"]["promotions"] and before["room"]["stage"]
    assert before["faq"]["faq"] and before["handoffs"]["handoffs"], before
    assert before["v1"] is True and before["v2"] is False  # v2 opted out: no profile kept
    assert before["v5"] is True
    assert before["captions"]["segments"], "the clip should have left captions in the room's log"

    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()

    with server.client() as http:
        after = snapshot(http, room)
        assert after == before
        again = post_danmaku(http, room, ("m1", "v1", "这个多少钱"))  # the same msg_id after the crash
        assert again["replies"] == [] and [i["reason"] for i in again["ignored"]] == ["duplicate"]
        events = {
            "events": [
                {
                    "event_id": "e1",
                    "viewer_id": "v1",
                    "type": "view_card",
                    "product_id": "MZ03",
                    "ts": now.isoformat(),
                }
            ]
        }
        replayed = http.post(f"/v1/rooms/{room}/events", json=events).json()
        assert replayed["duplicates"] == 1, replayed  # the event id was remembered across the crash
        v2_event = {**events["events"][0], "event_id": "e4", "viewer_id": "v2"}
        assert http.post(f"/v1/rooms/{room}/events", json={"events": [v2_event]}).status_code == 200
        v2 = http.get(f"/v1/rooms/{room}/viewers/v2/recommendations").json()
        assert v2["personalised"] is False  # still opted out: the new event built no profile
