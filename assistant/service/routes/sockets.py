"""What every room WebSocket checks before it accepts: the API key and the room."""

from __future__ import annotations

from fastapi import WebSocket

from assistant.rooms import RoomError
from assistant.service.auth import websocket_key_ok
from assistant.service.wiring import Services

CLOSE_UNAUTHORIZED = 4401
CLOSE_UNKNOWN_ROOM = 4404


async def room_socket_services(websocket: WebSocket, room_id: str) -> Services | None:
    """The services when the key is valid and the room exists; otherwise the socket is closed
    (4401 bad key, 4404 unknown room) and None is returned."""
    services: Services = websocket.app.state.services
    if not websocket_key_ok(websocket):
        await websocket.close(code=CLOSE_UNAUTHORIZED, reason="missing or invalid API key")
        return None
    try:
        services.live.get(room_id)
    except RoomError as exc:
        await websocket.close(code=CLOSE_UNKNOWN_ROOM, reason=str(exc)[:120])
        return None
    return services
