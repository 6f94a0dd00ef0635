"""What every room WebSocket does before it serves: accept, then check the API key and the room.

A socket is always accepted first and then closed with a documented code and a reason (4401 key,
4404 room, ...): a refusal at the handshake would reach the client as a bare HTTP 403 with no
reason. Browsers cannot set headers on a WebSocket, so besides ``Authorization: Bearer <key>`` the
key may come as the subprotocol pair ``["bearer", "<key>"]`` (``new WebSocket(url, ["bearer",
key])``), which no access log records; ``?token=<key>`` is still accepted for old clients and is
redacted from the logs.
"""

from __future__ import annotations

from fastapi import WebSocket

from assistant.rooms import RoomError
from assistant.service.auth import BEARER_SUBPROTOCOL, websocket_key_ok
from assistant.service.wiring import Services

CLOSE_UNAUTHORIZED = 4401
CLOSE_UNKNOWN_ROOM = 4404
MAX_CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's reason fits in 123 bytes of UTF-8


def close_reason(text: str) -> str:
    """``text`` cut to what a close frame can carry, at a character boundary."""
    data = text.encode("utf-8")[:MAX_CLOSE_REASON_BYTES]
    return data.decode("utf-8", errors="ignore")


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Close an accepted socket with ``code`` and a reason the client can read."""
    await websocket.close(code=code, reason=close_reason(reason))


async def accept_room_socket(websocket: WebSocket, room_id: str) -> Services | None:
    """Accept the socket; the services when the key is valid and the room exists, else the socket
    is closed (4401 bad key, 4404 unknown room) and None is returned."""
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None)
    services: Services = websocket.app.state.services
    if not websocket_key_ok(websocket):
        await refuse(websocket, CLOSE_UNAUTHORIZED, "missing or invalid API key")
        return None
    try:
        services.live.get(room_id)
    except RoomError as exc:
        await refuse(websocket, CLOSE_UNKNOWN_ROOM, str(exc))
        return None
    return services
