"""Caption routes: OpenAI-compatible file transcription, models, enrolled speakers, room captions.

``POST /v1/audio/transcriptions`` takes OpenAI's form fields (so the official SDK works unchanged)
plus our diarization extension (``diarize``, ``num_speakers``, ``room_id``, ``response_format=rttm``).
``POST /v1/transcriptions`` is its deprecated alias (hidden from the schema).
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.captions import SERVED_MODELS, TranscriptionRequest, UnknownModelError, resolve_model
from assistant.service.deps import ServicesDep
from assistant.service.routes.audio_ws import stage_prompt
from assistant.service.routes.catalogs import read_limited
from assistant.service.schemas.captions import (
    ROOM_CAPTION_CONTENT,
    ModelList,
    ModelOut,
    SpeakerDeleted,
    SpeakerList,
    SpeakerOut,
    TranscriptionOut,
    TranscriptionVerboseOut,
)
from assistant.service.schemas.common import error_responses
from assistant.service.transcription_formats import (
    MEDIA_TYPES,
    STREAM_FORMATS,
    Granularity,
    ResponseFormat,
    openai_error,
    render,
    stream_events,
)
from speech.render import to_json, to_srt, to_vtt

router = APIRouter(tags=["captions"])

MAX_ENROL_BYTES = 20 * 1024 * 1024
NAME_PATTERN = r"^[\w\u4e00-\u9fff .\-]{1,32}$"

TRANSCRIPTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The transcript: JSON for `json` (this schema) and `verbose_json` "
        "(`TranscriptionVerboseOut`), `text/plain` for `text` and `rttm`, `application/x-subrip` "
        "for `srt`, `text/vtt` for `vtt`, `text/event-stream` of `transcript.text.delta` / "
        "`transcript.text.done` events for `stream=true`",
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/x-subrip": {"schema": {"type": "string"}},
            "text/vtt": {"schema": {"type": "string"}},
            "text/event-stream": {"schema": {"type": "string"}},
        },
    },
    **error_responses(400, 404, 413, 415, 422, 503),
}


def _bad_request(message: str, param: str, code: str) -> JSONResponse:
    return JSONResponse(status_code=400, content=openai_error(message, param, code))


@router.get("/models", response_model=ModelList)
def list_models() -> ModelList:
    """The speech models this server transcribes with (OpenAI's list shape); ``whisper-1`` is
    also accepted as the default model's alias."""
    return ModelList(data=[ModelOut(id=m.id, created=m.created, owned_by=m.owned_by) for m in SERVED_MODELS])


@router.post(
    "/audio/transcriptions",
    response_model=TranscriptionOut | TranscriptionVerboseOut,
    responses=TRANSCRIPTION_RESPONSES,
)
@router.post("/transcriptions", include_in_schema=False, deprecated=True)
async def create_transcription(
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="WAV, FLAC, MP3, M4A or MP4")],
    model: Annotated[str | None, Form(description="a served model (GET /v1/models) or whisper-1")] = None,
    response_format: Annotated[ResponseFormat, Form()] = "json",
    language: Annotated[str, Form(description="'zh' (default), another ISO code, or 'auto'")] = "zh",
    prompt: Annotated[str | None, Form(max_length=1000, description="Whisper's initial prompt")] = None,
    temperature: Annotated[
        float, Form(ge=0.0, le=1.0, description="0: repeatable decoding; above 0: sampled")
    ] = 0.0,
    timestamp_granularities: Annotated[
        list[Granularity] | None,
        Form(alias="timestamp_granularities[]", description="word and/or segment (verbose_json)"),
    ] = None,
    stream: Annotated[bool, Form(description="server-sent transcript.text events (json/text)")] = False,
    diarize: Annotated[bool, Form(description="extension: label speakers")] = False,
    num_speakers: Annotated[int | None, Form(ge=1, le=10, description="extension")] = None,
    min_speakers: Annotated[int | None, Form(ge=1, le=10, description="extension: at least")] = None,
    max_speakers: Annotated[int | None, Form(ge=1, le=10, description="extension: at most")] = None,
    room_id: Annotated[
        str | None,
        Form(
            description="extension: name speakers after the room's enrolled voices; the product "
            "on stage joins the prompt"
        ),
    ] = None,
) -> Response:
    """Transcribe a recording (OpenAI's transcription API, plus speaker diarization).

    The same file and options give the same captions on every request (``temperature`` 0);
    ``room_id`` changes only the speaker labels, never the text or the cues."""
    try:
        resolve_model(model)
    except UnknownModelError as exc:
        return _bad_request(str(exc), "model", "model_not_found")
    granularities = list(dict.fromkeys(timestamp_granularities or []))
    if granularities and response_format != "verbose_json":
        return _bad_request(
            "timestamp_granularities[] needs response_format=verbose_json",
            "timestamp_granularities",
            "invalid_value",
        )
    if stream and response_format not in STREAM_FORMATS:
        return _bad_request(
            f"stream=true sends transcript.text events for response_format json or text, "
            f"not {response_format}",
            "stream",
            "invalid_value",
        )
    if min_speakers is not None and max_speakers is not None and min_speakers > max_speakers:
        return _bad_request(
            f"min_speakers ({min_speakers}) is above max_speakers ({max_speakers})",
            "min_speakers",
            "invalid_value",
        )
    content = await read_limited(file, services.settings.limits.max_audio_bytes)
    request = TranscriptionRequest(
        language=None if language == "auto" else language,
        prompt=prompt,
        room_prompt=_room_prompt(services, room_id),
        temperature=temperature,
        diarize=diarize or response_format == "rttm",
        num_speakers=num_speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        room_id=room_id,
    )
    captions = services.captions
    result = await asyncio.wrap_future(captions.submit(lambda: captions.transcribe(content, request)))
    if stream:
        return StreamingResponse(stream_events(result), media_type="text/event-stream")
    uri = PurePath(file.filename or "audio").stem or "audio"
    return render(result, response_format, granularities, uri)


def _room_prompt(services: ServicesDep, room_id: str | None) -> str | None:
    """The room's part of Whisper's prompt (the product on stage, as in its live captions); an
    unknown room is a 404."""
    if room_id is None:
        return None
    services.live.get(room_id)
    return stage_prompt(services, room_id)()


@router.post(
    "/rooms/{room_id}/speakers",
    status_code=status.HTTP_201_CREATED,
    response_model=SpeakerOut,
    responses=error_responses(400, 404, 413, 415, 422, 503),
)
async def enrol_speaker(
    room_id: str,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="10-30 s of one person speaking")],
    name: Annotated[str, Form(pattern=NAME_PATTERN, description="主播, 助播, 嘉宾 or a person's name")],
    consent: Annotated[bool, Form(description="the speaker agreed to have a voiceprint stored")] = False,
) -> SpeakerOut:
    services.live.get(room_id)
    content = await read_limited(file, MAX_ENROL_BYTES)
    captions = services.captions
    voice = await asyncio.wrap_future(
        captions.submit(lambda: captions.enrol(room_id, name, content, consent))
    )
    return SpeakerOut(name=voice.name, enrolled_at=voice.enrolled_at)


@router.get("/rooms/{room_id}/speakers", response_model=SpeakerList, responses=error_responses(404))
def list_speakers(room_id: str, services: ServicesDep) -> SpeakerList:
    services.live.get(room_id)
    speakers = services.captions.speakers(room_id)
    return SpeakerList(speakers=[SpeakerOut(name=v.name, enrolled_at=v.enrolled_at) for v in speakers])


@router.delete(
    "/rooms/{room_id}/speakers/{name}", response_model=SpeakerDeleted, responses=error_responses(404)
)
def delete_speaker(room_id: str, name: str, services: ServicesDep) -> SpeakerDeleted:
    services.live.get(room_id)
    services.captions.forget(room_id, name)
    return SpeakerDeleted(deleted=name)


@router.get(
    "/rooms/{room_id}/captions",
    response_class=Response,
    responses={
        200: {
            "description": "the room's final captions in the asked format",
            "content": ROOM_CAPTION_CONTENT,
        },
        **error_responses(404, 422),
    },
)
def room_captions(
    room_id: str,
    services: ServicesDep,
    format: Annotated[Literal["srt", "vtt", "json"], Query()] = "json",
) -> Response:
    """The room's final live captions so far."""
    services.live.get(room_id)
    captions = services.captions.captions(room_id)
    if format == "srt":
        return Response(to_srt(captions), media_type=MEDIA_TYPES["srt"])
    if format == "vtt":
        return Response(to_vtt(captions), media_type=MEDIA_TYPES["vtt"])
    return Response(to_json(captions), media_type="application/json; charset=utf-8")
