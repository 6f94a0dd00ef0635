"""A batch caption result in each response format of ``POST /v1/audio/transcriptions``.

``json``/``verbose_json`` follow OpenAI's shapes (:mod:`assistant.service.schemas.captions`);
``text``, ``srt``, ``vtt`` and ``rttm`` come from the speech library's renderers; ``stream=true``
sends OpenAI's server-sent transcription events, one ``transcript.text.delta`` per caption cue
and then ``transcript.text.done``, once the file is transcribed (a recording is captioned as a
whole: speakers are only known when diarization has seen all of it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Literal

from fastapi import Response

from assistant.service.schemas.captions import (
    TranscriptionOut,
    TranscriptionSegmentOut,
    TranscriptionVerboseOut,
    TranscriptionWordOut,
    UsageDuration,
)
from speech.domain import Caption, CaptionResult, Segment
from speech.render import to_rttm, to_srt, to_text, to_vtt
from speech.text import join_texts

ResponseFormat = Literal["json", "text", "srt", "vtt", "verbose_json", "rttm"]
Granularity = Literal["word", "segment"]
STREAM_FORMATS = ("json", "text")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "verbose_json": "application/json",
    "text": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "rttm": "text/plain; charset=utf-8",
}


def render(
    result: CaptionResult, response_format: ResponseFormat, granularities: Sequence[Granularity], uri: str
) -> Response:
    """The response for ``result`` in ``response_format`` (``uri``: the RTTM file id)."""
    media_type = MEDIA_TYPES[response_format]
    if response_format == "json":
        body = TranscriptionOut(text=result.text, usage=_usage(result))
        return Response(body.model_dump_json(), media_type=media_type)
    if response_format == "verbose_json":
        verbose = verbose_json(result, granularities)
        return Response(verbose.model_dump_json(exclude_none=True), media_type=media_type)
    if response_format == "srt":
        return Response(to_srt(result.captions), media_type=media_type)
    if response_format == "vtt":
        return Response(to_vtt(result.captions), media_type=media_type)
    if response_format == "rttm":
        turns = result.diarization.turns if result.diarization is not None else ()
        return Response(to_rttm(turns, uri=uri), media_type=media_type)
    return Response(to_text(result.captions, speakers=True), media_type=media_type)


def _usage(result: CaptionResult) -> UsageDuration:
    return UsageDuration(seconds=round(result.duration_s, 3))


def verbose_json(result: CaptionResult, granularities: Sequence[Granularity]) -> TranscriptionVerboseOut:
    """OpenAI's ``verbose_json``: segments (the caption cues, with the scores of the Whisper segment
    each came from) unless only ``word`` was asked for, and words when ``word`` was. ``language``
    is the language of the captions (the one heard when it differed from the requested one, or
    detected for ``auto``); ``warnings`` say why it differs."""
    speakers: dict[str, None] = {}
    for cue in result.captions:
        if cue.speaker:
            speakers.setdefault(cue.speaker, None)
    want = set(granularities) or {"segment"}
    segments = None
    if "segment" in want:
        segments = [_segment(i, cue, result.segments) for i, cue in enumerate(result.captions)]
    words = None
    if "word" in want:
        words = [
            TranscriptionWordOut(word=w.text, start=round(w.start, 3), end=round(w.end, 3), speaker=w.speaker)
            for cue in result.captions
            for w in cue.words
        ]
    return TranscriptionVerboseOut(
        language=result.language,
        duration=round(result.duration_s, 3),
        text=result.text,
        segments=segments,
        words=words,
        speakers=list(speakers),
        warnings=list(result.warnings),
        usage=_usage(result),
    )


def _segment(index: int, cue: Caption, sources: Sequence[Segment]) -> TranscriptionSegmentOut:
    source = _source_segment(cue, sources)
    return TranscriptionSegmentOut(
        id=index,
        seek=round(cue.start * 100),
        start=round(cue.start, 3),
        end=round(cue.end, 3),
        text=cue.text,
        temperature=source.temperature if source else 0.0,
        avg_logprob=round(source.avg_logprob, 4) if source else 0.0,
        compression_ratio=round(source.compression_ratio, 4) if source else 0.0,
        no_speech_prob=round(source.no_speech_prob, 4) if source else 0.0,
        speaker=cue.speaker,
    )


def _source_segment(cue: Caption, sources: Sequence[Segment]) -> Segment | None:
    """The Whisper segment overlapping ``cue`` the most (a cue never spans two segments' words
    without overlapping one of them)."""
    best, most = None, -1.0
    for seg in sources:
        overlap = min(cue.end, seg.end) - max(cue.start, seg.start)
        if overlap > most:
            best, most = seg, overlap
    return best


def stream_events(result: CaptionResult) -> Iterator[str]:
    """OpenAI's transcription events as server-sent events: the deltas add up to the done text."""
    texts: list[str] = []
    sent = ""
    for cue in result.captions:
        texts.append(cue.text)
        so_far = join_texts(texts)
        delta, sent = so_far[len(sent) :], so_far
        if delta:
            yield _sse({"type": "transcript.text.delta", "delta": delta})
    yield _sse({"type": "transcript.text.done", "text": sent})


def _sse(event: dict[str, str]) -> str:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"


def openai_error(message: str, param: str | None, code: str | None) -> dict[str, object]:
    """The project's ``{"detail": ...}`` error body, with OpenAI's ``error`` object beside it so
    OpenAI clients show the message too."""
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return {"detail": message, "error": error}
