"""The live audio WebSocket ``/v1/rooms/{room_id}/audio``.

Framing (documented for encoders):
- binary frames: raw 16 kHz mono PCM16 little-endian audio, an even number of bytes, at most 1 s
  (32,000 bytes) per frame; 20-100 ms frames are typical;
- text frames (JSON): ``{"type": "start", "sample_rate": 16000, "channels": 1, "format": "pcm_s16le"}``
  (optional, checked when sent), ``{"type": "ping"}`` (heartbeat, answered ``{"type": "pong"}``),
  ``{"type": "end"}`` (end of stream: pending speech is finalised, then ``{"type": "end"}`` and a
  normal close).
Server -> client: ``{"type": "caption", "kind": "partial"|"final", "speaker", "text", "start", "end",
"at"}``; the same captions go to the room's ``/ws`` subscribers. Query: ``language`` (``zh`` by
default, another Whisper language code, or ``auto``). While a product is on stage, its name and
Chinese aliases are Whisper's prompt, so the product the host presents comes out spelled as in the
catalog (the whole catalog's names, most of them not on stage, made Whisper echo them into
captions). Close codes: 4401 bad key, 4404 unknown room, 4400 bad frame, wrong audio format or
unknown language (the reason says which), 4409 a stream is already open for the room (on any process
sharing the state: a lease in the state store, renewed while the stream runs), 4503 the
speech worker cannot keep up (queue full), 1011 internal error; the socket is always accepted
first, then closed with the code and a reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, MutableMapping
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from assistant.live_audio import CaptionMessage, LiveAudioStream
from assistant.rooms import RoomError
from assistant.service.routes.sockets import accept_room_socket, refuse
from assistant.service.wiring import Services
from assistant.state.interfaces import AudioLeases
from knowledge.errors import KnowledgeError
from speech.domain import SAMPLE_RATE
from speech.errors import UnsupportedLanguageError
from speech.live import CaptionEvent, LiveOptions
from speech.text import is_wide
from speech.transcribe import build_prompt

router = APIRouter(tags=["captions"])

CLOSE_BAD_FRAME = 4400
CLOSE_BUSY_ROOM = 4409
CLOSE_NORMAL = 1000
CLOSE_OVERLOADED = 4503
MAX_FRAME_BYTES = 2 * SAMPLE_RATE  # 1 s of PCM16
AUDIO_LEASE_S = 15.0  # a crashed process's stream blocks the room at most this long
AUDIO_RENEW_S = 5.0  # the lease is renewed this often while the stream runs
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}"

log = logging.getLogger(__name__)


@router.websocket("/v1/rooms/{room_id}/audio")
async def room_audio(websocket: WebSocket, room_id: str) -> None:
    services = await accept_room_socket(websocket, room_id)
    if services is None:
        return
    try:
        options = _live_options(services, room_id, websocket.query_params.get("language", "zh"))
    except UnsupportedLanguageError as exc:
        await refuse(websocket, CLOSE_BAD_FRAME, str(exc))
        return
    leases = services.state.audio_leases
    owner = f"{PROCESS_ID}:{secrets.token_hex(4)}"
    if not await asyncio.to_thread(leases.acquire, room_id, owner, AUDIO_LEASE_S):
        await refuse(websocket, CLOSE_BUSY_ROOM, "an audio stream is already open for this room")
        return
    renewer = asyncio.create_task(_keep_lease(leases, room_id, owner))
    try:
        close = await _serve(websocket, services, room_id, options)
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        await asyncio.to_thread(leases.release, room_id, owner)
    # Closed only once the lease is released: a client that reconnects as soon as it sees the
    # close (after a bad frame, or to stream again) must not find its own old stream holding it.
    if close is not None:
        await refuse(websocket, *close)


async def _keep_lease(leases: AudioLeases, room_id: str, owner: str) -> None:
    """Renew the room's audio lease every ``AUDIO_RENEW_S`` while the stream runs."""
    while True:
        await asyncio.sleep(AUDIO_RENEW_S)
        try:
            renewed = await asyncio.to_thread(leases.renew, room_id, owner, AUDIO_LEASE_S)
        except Exception:  # the state store hiccuped: try again at the next beat
            log.warning("renewing the audio lease of room %s failed", room_id, exc_info=True)
            continue
        if not renewed:
            log.warning("the audio lease of room %s lapsed; another stream may open", room_id)


def _live_options(services: Services, room_id: str, language: str) -> LiveOptions:
    """Live options for the room's language (``auto``: detected per utterance)."""
    services.live.get(room_id)  # an unknown room fails here, before the socket is accepted
    return LiveOptions().for_room(None if language == "auto" else language)


def stage_prompt(services: Services, room_id: str) -> Callable[[], str | None]:
    """A prompt provider for the room's live captions: the name and Chinese aliases of the product
    on stage now (built once per product), ``None`` while nothing is on stage."""
    built: dict[str, str] = {}

    def prompt() -> str | None:
        try:
            room = services.live.get(room_id)
            product_id = room.stage_at(services.clock())
            if product_id is None:
                return None
            if product_id not in built:
                product = services.catalogs.product(room.catalog_id, product_id)
                names = [product.name, *(a for a in product.aliases if any(is_wide(c) for c in a))]
                built[product_id] = build_prompt(names)
            return built[product_id]
        except (RoomError, KnowledgeError):
            return None  # the room or the product went away mid-stream: the default prompt

    return prompt


async def _serve(
    websocket: WebSocket, services: Services, room_id: str, options: LiveOptions
) -> tuple[int, str] | None:
    """Caption the stream until it ends; the close (code, reason) to send, None if the client left."""
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    stream = await asyncio.to_thread(_open_stream, services, room_id, options, loop, outbox)
    sender = asyncio.create_task(_send_all(websocket, outbox))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                stream.end()
                return None
            problem = await _handle(message, stream, websocket)
            if problem == "end":
                await asyncio.to_thread(stream.done.wait)
                await outbox.join()
                await websocket.send_json(
                    {"type": "end", "captions": len(services.captions.captions(room_id))}
                )
                return (CLOSE_NORMAL, "")
            if problem:
                stream.end()
                return (problem[0], problem[1])
            if stream.error is not None:
                return (CLOSE_BAD_FRAME, str(stream.error))
    except WebSocketDisconnect:
        stream.end()
        return None
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender


async def _handle(message: MutableMapping[str, Any], stream: LiveAudioStream, websocket: WebSocket) -> Any:
    """None to go on, "end" at end of stream, or (close code, reason) for a bad frame."""
    frame = message.get("bytes")
    if frame is not None:
        if len(frame) > MAX_FRAME_BYTES or len(frame) % 2:
            return (
                CLOSE_BAD_FRAME,
                f"audio frames must be PCM16 (even length) of at most {MAX_FRAME_BYTES} bytes",
            )
        if not stream.put(frame):
            return (CLOSE_OVERLOADED, "audio arrives faster than it can be captioned; send in real time")
        return None
    try:
        control = json.loads(message.get("text") or "")
    except json.JSONDecodeError:
        return (CLOSE_BAD_FRAME, "text frames must be JSON control messages")
    kind = control.get("type") if isinstance(control, dict) else None
    if kind == "ping":
        await websocket.send_json({"type": "pong"})
        return None
    if kind == "start":
        if control.get("sample_rate", SAMPLE_RATE) != SAMPLE_RATE or control.get("channels", 1) != 1:
            return (CLOSE_BAD_FRAME, "audio must be 16000 Hz mono PCM16 (pcm_s16le)")
        if control.get("format", "pcm_s16le") != "pcm_s16le":
            return (CLOSE_BAD_FRAME, "audio must be 16000 Hz mono PCM16 (pcm_s16le)")
        return None
    if kind == "end":
        stream.end()
        return "end"
    return (CLOSE_BAD_FRAME, "unknown control message; expected start, ping or end")


def _open_stream(
    services: Services,
    room_id: str,
    options: LiveOptions,
    loop: asyncio.AbstractEventLoop,
    outbox: asyncio.Queue[dict[str, Any]],
) -> LiveAudioStream:
    """Load the models (first use), then start the room's stream worker."""
    pipeline = services.captions.pipeline()
    session = pipeline.live_session(
        options, enrolled=services.captions.voiceprints(room_id), prompt=stage_prompt(services, room_id)
    )
    started = services.clock()
    metrics = services.metrics

    def emit(message: CaptionMessage) -> None:
        payload = message.as_dict()
        services.live.hub.publish(room_id, payload)
        loop.call_soon_threadsafe(outbox.put_nowait, payload)

    def on_final(event: CaptionEvent) -> None:
        services.captions.add_final(room_id, event.caption, started)

    def on_lag(lag_s: float, behind: bool) -> None:
        metrics.caption_lag.labels(room_id).set(lag_s)
        if behind:
            metrics.caption_frames_behind.inc()

    return LiveAudioStream(session, started, emit, on_final, on_lag)


async def _send_all(websocket: WebSocket, outbox: asyncio.Queue[dict[str, Any]]) -> None:
    while True:
        payload = await outbox.get()
        try:
            await websocket.send_json(payload)
        except (RuntimeError, WebSocketDisconnect):
            pass  # the client left; keep draining so the end handshake never waits forever
        finally:
            outbox.task_done()
