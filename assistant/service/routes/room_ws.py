"""The room WebSocket ``/v1/rooms/{room_id}/ws``: danmaku in, replies / pushes / captions out.

Client -> server (JSON text frames):
  ``{"type": "danmaku", "messages": [{msg_id, viewer_id, nickname, text, ts}]}`` (as the POST body)
  ``{"type": "ping"}``
Server -> client:
  every danmaku this client sends gets exactly one outcome frame:
  ``{"type": "reply", ...reply}`` (its ``reply_to`` lists the message), or
  ``{"type": "joined", "msg_id", "reply_id", "reply": {...}}`` (answered by a reply already on screen), or
  ``{"type": "ignored", "msg_id", "reason"}``;
  then ``{"type": "ack", "received", "replies", "joined", "ignored"}`` closes the batch.
  With several processes on Redis, ``{"type": "accepted", "msg_ids", "duplicates"}`` comes first,
  once the batch's new messages are recorded durably: each of ``msg_ids`` will be answered, by this
  process or, should it die, by another (its reply then reaches the room's subscribers, not this
  socket); ``duplicates`` were recorded before and are not answered again.
  Replies to other clients' danmaku, ``{"type": "push", ...}``, ``{"type": "caption", ...}`` and
  ``{"type": "stage", ...}`` arrive as they happen; ``{"type": "pong"}``; ``{"type": "error",
  "detail"}`` for a bad frame (the socket stays open; its messages were not accepted).
Auth: ``Authorization: Bearer <key>``, the subprotocols ``["bearer", "<key>"]``, or ``?token=<key>``.
The socket is accepted, then closed with 4401 for a missing or invalid key, 4404 for an unknown room,
1009 for a frame over the size limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import MutableMapping
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from assistant.danmaku.replies import BatchResult
from assistant.hub import Subscription
from assistant.live import reply_to_dict
from assistant.recovery import AcceptedBatch
from assistant.service.errors import error_body, status_for
from assistant.service.routes.rooms import DanmakuBatch, to_danmaku
from assistant.service.routes.sockets import accept_room_socket, refuse
from assistant.service.wiring import Services

router = APIRouter(tags=["rooms"])
log = logging.getLogger(__name__)

MAX_FRAME_CHARS = 1_000_000
CLOSE_TOO_BIG = 1009


class RoomSocket:
    """One client's connection: frames in, every frame out through one lock (no interleaving)."""

    def __init__(self, websocket: WebSocket, services: Services, room_id: str, sub: Subscription) -> None:
        self.websocket = websocket
        self.services = services
        self.room_id = room_id
        self.sub = sub
        self._send_lock = asyncio.Lock()

    async def send(self, frames: list[dict[str, Any]]) -> None:
        async with self._send_lock:
            for frame in frames:
                await self.websocket.send_json(frame)

    async def forward(self) -> None:
        """Deliver the room's messages (other clients' replies, pushes, captions, stage changes)."""
        while True:
            message = await self.sub.queue.get()
            await self.send([message])

    async def handle(self, message: MutableMapping[str, Any]) -> bool:
        """Answer one received frame; False when the socket was closed for it."""
        if message.get("bytes") is not None:
            await self.send([_error("binary frames are not accepted; send JSON text frames")])
            return True
        frame = message.get("text") or ""
        if len(frame) > MAX_FRAME_CHARS:
            await refuse(self.websocket, CLOSE_TOO_BIG, f"frame larger than {MAX_FRAME_CHARS} characters")
            return False
        await self.send(await self._answer(frame))
        return True

    async def _answer(self, frame: str) -> list[dict[str, Any]]:
        try:
            data = json.loads(frame)
        except json.JSONDecodeError as exc:
            return [_error(f"invalid JSON: {exc.msg} at position {exc.pos}")]
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "ping":
            return [{"type": "pong"}]
        if kind != "danmaku":
            return [_error("unknown frame type; expected 'danmaku' or 'ping'")]
        try:
            batch = DanmakuBatch.model_validate({"messages": data.get("messages")})
            messages = to_danmaku(batch, self.services)
            live = self.services.live
            accepted = await run_in_threadpool(live.accept_danmaku, self.room_id, messages)
            if accepted.durable:
                await self.send([accepted_frame(accepted)])
            result = await run_in_threadpool(live.answer_danmaku, accepted, self.sub)
        except ValidationError as exc:
            return [_error(exc.errors(include_url=False, include_context=False, include_input=False))]
        except Exception as exc:  # every failure is an error frame: the socket serves on
            status = status_for(exc)
            if status >= 500:
                log.error("danmaku frame failed in room %s", self.room_id, exc_info=exc)
                return [_error("the batch could not be answered (internal error); it was logged")]
            return [_error(error_body(exc)["detail"])]
        return outcome_frames(result)


def outcome_frames(result: BatchResult) -> list[dict[str, Any]]:
    """One frame per message of the batch (a reply covers every message it answers), then the ack."""
    frames: list[dict[str, Any]] = [{"type": "reply", **reply_to_dict(r)} for r in result.replies]
    for joined in result.joined:
        reply = reply_to_dict(joined.reply) if joined.reply is not None else None
        frames.append(
            {"type": "joined", "msg_id": joined.msg_id, "reply_id": joined.reply_id, "reply": reply}
        )
    frames.extend({"type": "ignored", "msg_id": i.msg_id, "reason": i.reason} for i in result.ignored)
    frames.append(
        {
            "type": "ack",
            "received": sum(len(r.reply_to) for r in result.replies)
            + len(result.joined)
            + len(result.ignored),
            "replies": len(result.replies),
            "joined": len(result.joined),
            "ignored": len(result.ignored),
        }
    )
    return frames


def accepted_frame(accepted: AcceptedBatch) -> dict[str, Any]:
    """The batch's messages recorded durably (to be answered) and those recorded before."""
    return {
        "type": "accepted",
        "msg_ids": [e.message.msg_id for e in accepted.entries],
        "duplicates": list(accepted.duplicates),
    }


def _error(detail: Any) -> dict[str, Any]:
    return {"type": "error", "detail": detail}


@router.websocket("/v1/rooms/{room_id}/ws")
async def room_socket(websocket: WebSocket, room_id: str) -> None:
    services = await accept_room_socket(websocket, room_id)
    if services is None:
        return
    sub = services.live.hub.subscribe(room_id)
    connection = RoomSocket(websocket, services, room_id, sub)
    sender = asyncio.create_task(connection.forward())
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect" or not await connection.handle(message):
                break
    except WebSocketDisconnect:
        pass
    finally:
        services.live.hub.unsubscribe(room_id, sub)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
