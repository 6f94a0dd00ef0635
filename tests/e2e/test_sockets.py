"""Both WebSockets through the real server with the ``websockets`` client library."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.e2e.harness import FRAME_S, LiveServer, pcm16_frames

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"
RECV_TIMEOUT_S = 60.0


def new_room(server: LiveServer, prefix: str) -> str:
    room_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    with server.client() as http:
        response = http.post("/v1/rooms", json={"room_id": room_id, "catalog_id": "demo", "title": prefix})
        assert response.status_code == 201, response.text
        assert http.put(f"/v1/rooms/{room_id}/stage", json={"product_id": "MZ07"}).status_code == 200
    return room_id


def open_socket(server: LiveServer, path: str, **kwargs: Any) -> ClientConnection:
    headers = kwargs.pop("additional_headers", server.auth)
    # No client keepalive: a socket read only at the end (a watcher) would have its own pings time
    # out behind the unread frames; the server's pings are still answered.
    kwargs.setdefault("ping_interval", None)
    socket: ClientConnection = connect(
        f"{server.ws_url}{path}", additional_headers=headers, open_timeout=30, **kwargs
    )
    return socket


def frames_until_ack(ws: ClientConnection) -> list[dict[str, Any]]:
    """Every frame up to and including the batch's ack."""
    frames: list[dict[str, Any]] = []
    while True:
        frame = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
        frames.append(frame)
        if frame["type"] == "ack":
            return frames


def close_of(ws: ClientConnection) -> tuple[int, str]:
    """The close code and reason the server sent (the socket was accepted first)."""
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=RECV_TIMEOUT_S)
    assert closed.value.rcvd is not None, "the server closed without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


def danmaku(msg_id: str, text: str, viewer: str = "v1", nickname: str = "小王") -> dict[str, Any]:
    return {"msg_id": msg_id, "viewer_id": viewer, "nickname": nickname, "text": text}


def outcomes(frames: list[dict[str, Any]]) -> dict[str, list[str]]:
    """msg_id -> the outcome frames that name it."""
    seen: dict[str, list[str]] = {}
    for frame in frames:
        if frame["type"] == "reply":
            for msg_id in frame["reply_to"]:
                seen.setdefault(msg_id, []).append("reply")
        elif frame["type"] in ("joined", "ignored"):
            seen.setdefault(frame["msg_id"], []).append(frame["type"])
    return seen


def test_every_danmaku_gets_exactly_one_outcome_frame(demo_server: LiveServer) -> None:
    room = new_room(demo_server, "ws-outcome")
    with open_socket(demo_server, f"/v1/rooms/{room}/ws") as ws:
        batch = [
            danmaku("a1", "这个多少钱", "v1"),
            danmaku("a2", "这个多少钱", "v2", "小李"),  # the same question: one reply for both
            danmaku("a3", "主播好美666", "v3"),  # chatter: ignored with its reason
        ]
        ws.send(json.dumps({"type": "danmaku", "messages": batch}))
        first = frames_until_ack(ws)
        ws.send(
            json.dumps(
                {
                    "type": "danmaku",
                    "messages": [danmaku("a1", "这个多少钱"), danmaku("a4", "这个多少钱", "v4")],
                }
            )
        )
        second = frames_until_ack(ws)

    seen = outcomes(first)
    assert seen == {"a1": ["reply"], "a2": ["reply"], "a3": ["ignored"]}, first
    ignored = next(f for f in first if f["type"] == "ignored")
    assert ignored["reason"] == "chatter"
    ack = first[-1]
    assert ack == {"type": "ack", "received": 3, "replies": 1, "joined": 0, "ignored": 1}

    seen = outcomes(second)
    assert seen == {"a1": ["ignored"], "a4": ["joined"]}, second  # a repeat id; a repeat question
    joined = next(f for f in second if f["type"] == "joined")
    reply = next(f for f in first if f["type"] == "reply")
    assert joined["reply_id"] == reply["reply_id"] and joined["reply"]["text"] == reply["text"]
    assert next(f for f in second if f["type"] == "ignored")["reason"] == "duplicate"


def test_a_subscriber_sees_replies_to_other_clients(demo_server: LiveServer) -> None:
    room = new_room(demo_server, "ws-fanout")
    with open_socket(demo_server, f"/v1/rooms/{room}/ws") as watcher:
        watcher.send(json.dumps({"type": "ping"}))
        assert json.loads(watcher.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
        with demo_server.client() as http:
            posted = http.post(
                f"/v1/rooms/{room}/danmaku", json={"messages": [danmaku("h1", "1号链接多少钱")]}
            )
        assert posted.status_code == 200
        reply = posted.json()["replies"][0]
        frame = json.loads(watcher.recv(timeout=RECV_TIMEOUT_S))
    assert frame["type"] == "reply" and frame["reply_id"] == reply["reply_id"] and frame["reply_to"] == ["h1"]


def test_bad_frames_get_an_error_and_the_socket_serves_on(demo_server: LiveServer) -> None:
    room = new_room(demo_server, "ws-bad")
    with open_socket(demo_server, f"/v1/rooms/{room}/ws") as ws:
        for bad in (
            b"\x00\x01binary",
            "{not json",
            json.dumps({"type": "shout"}),
            json.dumps([1, 2]),
            json.dumps({"type": "danmaku", "messages": [{"msg_id": "x"}]}),
        ):
            ws.send(bad)
            frame = json.loads(ws.recv(timeout=RECV_TIMEOUT_S))
            assert frame["type"] == "error" and frame["detail"], frame
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}


@pytest.mark.parametrize("path", ["ws", "audio"])
def test_refusals_are_documented_close_codes_with_reasons(demo_server: LiveServer, path: str) -> None:
    room = new_room(demo_server, "ws-refuse")
    with open_socket(
        demo_server, f"/v1/rooms/{room}/{path}", additional_headers={"Authorization": "Bearer wrong"}
    ) as ws:
        code, reason = close_of(ws)
    assert code == 4401 and "key" in reason
    with open_socket(demo_server, f"/v1/rooms/{room}/{path}", additional_headers={}) as ws:
        assert close_of(ws)[0] == 4401
    with open_socket(demo_server, f"/v1/rooms/no-such-room/{path}") as ws:
        code, reason = close_of(ws)
    assert code == 4404 and "no-such-room" in reason


def test_a_second_audio_stream_for_a_room_is_closed_4409(demo_server: LiveServer) -> None:
    room = new_room(demo_server, "ws-busy")
    with open_socket(demo_server, f"/v1/rooms/{room}/audio") as first:
        first.send(json.dumps({"type": "ping"}))
        assert json.loads(first.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
        with open_socket(demo_server, f"/v1/rooms/{room}/audio") as second:
            code, reason = close_of(second)
        assert code == 4409 and "already open" in reason
    with open_socket(demo_server, f"/v1/rooms/{room}/audio?language=xx-klingon") as ws:
        assert close_of(ws)[0] == 4400


def test_keys_in_the_subprotocol_or_query_work_and_never_reach_the_log(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    room = new_room(server, "ws-keys")
    with open_socket(
        server, f"/v1/rooms/{room}/ws", additional_headers={}, subprotocols=["bearer", server.key]
    ) as ws:
        assert ws.subprotocol == "bearer"
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
    with open_socket(server, f"/v1/rooms/{room}/ws?token={server.key}", additional_headers={}) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=RECV_TIMEOUT_S)) == {"type": "pong"}
    with server.client() as http:
        assert http.get(f"/v1/rooms/{room}?token={server.key}").status_code == 200
    server.stop()
    log = server.log()
    assert "token=***" in log  # the request lines are logged, with the key masked
    assert server.key not in log


def test_live_audio_streams_partial_and_final_captions(demo_server: LiveServer) -> None:
    """A recording streamed at real-time pace: partial and final captions arrive while it plays,
    at the sender and at a room subscriber, and the finals are kept for the captions route."""
    room = new_room(demo_server, "ws-audio")
    received: list[dict[str, Any]] = []
    with (
        open_socket(demo_server, f"/v1/rooms/{room}/ws", max_queue=None) as watcher,
        open_socket(demo_server, f"/v1/rooms/{room}/audio") as audio,
    ):
        audio.send(json.dumps({"type": "start", "sample_rate": 16000, "channels": 1, "format": "pcm_s16le"}))

        def collect() -> None:
            try:
                while True:
                    received.append(json.loads(audio.recv(timeout=RECV_TIMEOUT_S)))
                    if received[-1]["type"] == "end":
                        return
            except (ConnectionClosed, TimeoutError):
                return

        reader = threading.Thread(target=collect)
        reader.start()
        started = time.monotonic()
        sent = 0
        for sent, frame in enumerate(pcm16_frames(AUDIO / "dialogue.flac"), start=1):
            audio.send(frame)
            time.sleep(max(0.0, started + sent * FRAME_S - time.monotonic()))  # real-time pace
        during_playback = [dict(m) for m in received]
        audio.send(json.dumps({"type": "end"}))
        reader.join(RECV_TIMEOUT_S * 2)
        watched = []
        while True:
            try:
                watched.append(json.loads(watcher.recv(timeout=2)))
            except TimeoutError:
                break

    captions = [m for m in received if m["type"] == "caption"]
    kinds = {m["kind"] for m in captions}
    assert {"partial", "final"} <= kinds, captions
    assert any(m["type"] == "caption" and m["kind"] == "final" for m in during_playback), (
        "no final while playing"
    )
    assert received[-1]["type"] == "end"
    finals = [m for m in captions if m["kind"] == "final"]
    assert all(m["text"] and m["end"] >= m["start"] >= 0 for m in finals)
    assert [m for m in watched if m["type"] == "caption" and m["kind"] == "final"] == finals
    with demo_server.client() as http:
        kept = http.get(f"/v1/rooms/{room}/captions", params={"format": "json"}).json()
    assert [c["text"] for c in kept["segments"]] == [m["text"] for m in finals]
