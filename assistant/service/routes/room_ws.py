"""The room WebSocket ``/v1/rooms/{room_id}/ws``: danmaku in, replies / pushes / captions out.

Client -> server (JSON text frames):
  ``{"type": "danmaku", "messages": [{msg_id, viewer_id, nickname, text, ts}]}`` (as the POST body)
  ``{"type": "ping"}``
Server -> client:
  ``{"type": "reply", ...reply}`` for every reply in the room (from any client),
  ``{"type": "ack", "ignored": [{msg_id, reason}]}`` after each danmaku batch of this client,
  ``{"type": "push", ...}``, ``{"type": "caption", ...}``, ``{"type": "stage", ...}``,
  ``{"type": "pong"}``, ``{"type": "error", "detail": str}`` (bad frame; the socket stays open).
Auth: ``Authorization: Bearer <key>`` or ``?token=<key>``; close code 4401 when missing/invalid,
4404 for an unknown room.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from assistant.service.errors import ServiceError
from assistant.service.routes.rooms import DanmakuBatch, to_danmaku
from assistant.service.routes.sockets import room_socket_services
from assistant.service.wiring import Services

router = APIRouter(tags=["rooms"])

MAX_FRAME_CHARS = 1_000_000


@router.websocket("/v1/rooms/{room_id}/ws")
async def room_socket(websocket: WebSocket, room_id: str) -> None:
    services = await room_socket_services(websocket, room_id)
    if services is None:
        return
    await websocket.accept()
    sub = services.live.hub.subscribe(room_id)
    sender = asyncio.create_task(_forward(websocket, sub.queue))
    try:
        while True:
            frame = await websocket.receive_text()
            reply = await _handle_frame(services, room_id, frame)
            if reply is not None:
                await websocket.send_json(reply)
    except WebSocketDisconnect:
        pass
    finally:
        services.live.hub.unsubscribe(room_id, sub)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender


async def _forward(websocket: WebSocket, queue: asyncio.Queue[dict[str, Any]]) -> None:
    while True:
        message = await queue.get()
        await websocket.send_json(message)


async def _handle_frame(services: Services, room_id: str, frame: str) -> dict[str, Any] | None:
    if len(frame) > MAX_FRAME_CHARS:
        return {"type": "error", "detail": f"frame larger than {MAX_FRAME_CHARS} characters"}
    try:
        data = json.loads(frame)
    except json.JSONDecodeError as exc:
        return {"type": "error", "detail": f"invalid JSON: {exc.msg} at position {exc.pos}"}
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "ping":
        return {"type": "pong"}
    if kind != "danmaku":
        return {"type": "error", "detail": "unknown frame type; expected 'danmaku' or 'ping'"}
    try:
        batch = DanmakuBatch.model_validate({"messages": data.get("messages")})
        messages = to_danmaku(batch, services)
        result = await run_in_threadpool(services.live.handle_danmaku, room_id, messages)
    except ValidationError as exc:
        return {"type": "error", "detail": exc.errors(include_url=False, include_context=False)}
    except ServiceError as exc:
        return {"type": "error", "detail": exc.detail}
    return {"type": "ack", "ignored": [{"msg_id": i.msg_id, "reason": i.reason} for i in result.ignored]}
