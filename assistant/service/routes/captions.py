"""Caption routes: OpenAI-style file transcription, enrolled speakers, the room's captions."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from assistant.service.deps import ServicesDep
from assistant.service.routes.catalogs import read_limited
from speech.domain import CaptionResult
from speech.render import to_json, to_srt, to_text, to_vtt

router = APIRouter(tags=["captions"])

ResponseFormat = Literal["json", "text", "srt", "vtt", "verbose_json"]
MAX_ENROL_BYTES = 20 * 1024 * 1024
NAME_PATTERN = r"^[\w\u4e00-\u9fff .\-]{1,32}$"


def render_result(result: CaptionResult, response_format: ResponseFormat) -> Response:
    """A CaptionResult in the requested OpenAI-style response format."""
    captions = result.captions
    if response_format == "json":
        body = json.dumps({"text": result.text}, ensure_ascii=False)
        return Response(body, media_type="application/json; charset=utf-8")
    if response_format == "verbose_json":
        body = to_json(captions, language=result.language, duration_s=result.duration_s)
        return Response(body, media_type="application/json; charset=utf-8")
    if response_format == "srt":
        return Response(to_srt(captions), media_type="application/x-subrip; charset=utf-8")
    if response_format == "vtt":
        return Response(to_vtt(captions), media_type="text/vtt; charset=utf-8")
    return Response(to_text(captions, speakers=True), media_type="text/plain; charset=utf-8")


@router.post("/transcriptions")
async def create_transcription(
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="WAV, FLAC, MP3, M4A or MP4")],
    response_format: Annotated[ResponseFormat, Form()] = "json",
    language: Annotated[str, Form(description="'zh' (default), another ISO code, or 'auto'")] = "zh",
    diarize: Annotated[bool, Form()] = False,
    num_speakers: Annotated[int | None, Form(ge=1, le=10)] = None,
    room_id: Annotated[
        str | None, Form(description="use the room's enrolled voices and catalog names")
    ] = None,
) -> Response:
    """Transcribe a recording (OpenAI-compatible form fields plus ``diarize``)."""
    content = await read_limited(file, services.settings.limits.max_audio_bytes)
    names: list[str] = []
    if room_id is not None:
        room = services.live.get(room_id)
        catalog = services.catalogs.catalog(room.catalog_id)
        names = [p.name for p in catalog.products]
    captions = services.captions
    future = captions.submit(
        lambda: captions.transcribe(
            content,
            language=None if language == "auto" else language,
            diarize=diarize,
            num_speakers=num_speakers,
            room_id=room_id,
            product_names=names,
        )
    )
    result = await asyncio.wrap_future(future)
    return render_result(result, response_format)


@router.post("/rooms/{room_id}/speakers", status_code=status.HTTP_201_CREATED)
async def enrol_speaker(
    room_id: str,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="10-30 s of one person speaking")],
    name: Annotated[str, Form(pattern=NAME_PATTERN, description="主播, 助播, 嘉宾 or a person's name")],
    consent: Annotated[bool, Form(description="the speaker agreed to have a voiceprint stored")] = False,
) -> dict[str, Any]:
    services.live.get(room_id)
    content = await read_limited(file, MAX_ENROL_BYTES)
    captions = services.captions
    voice = await asyncio.wrap_future(
        captions.submit(lambda: captions.enrol(room_id, name, content, consent))
    )
    return {"name": voice.name, "enrolled_at": voice.enrolled_at.isoformat()}


@router.get("/rooms/{room_id}/speakers")
def list_speakers(room_id: str, services: ServicesDep) -> dict[str, Any]:
    services.live.get(room_id)
    return {
        "speakers": [
            {"name": v.name, "enrolled_at": v.enrolled_at.isoformat()}
            for v in services.captions.speakers(room_id)
        ]
    }


@router.delete("/rooms/{room_id}/speakers/{name}")
def delete_speaker(room_id: str, name: str, services: ServicesDep) -> dict[str, Any]:
    services.live.get(room_id)
    services.captions.forget(room_id, name)
    return {"deleted": name}


@router.get("/rooms/{room_id}/captions")
def room_captions(
    room_id: str,
    services: ServicesDep,
    format: Annotated[Literal["srt", "vtt", "json"], Query()] = "json",
) -> Response:
    """The room's final live captions so far."""
    services.live.get(room_id)
    captions = services.captions.captions(room_id)
    if format == "srt":
        return Response(to_srt(captions), media_type="application/x-subrip; charset=utf-8")
    if format == "vtt":
        return Response(to_vtt(captions), media_type="text/vtt; charset=utf-8")
    return Response(to_json(captions), media_type="application/json; charset=utf-8")
