"""Bodies of the transcription API, in OpenAI's shapes (``/v1/audio/transcriptions``, ``/v1/models``).

The official ``openai`` SDK parses them unchanged; our extensions (``speaker`` on segments and
words, ``speakers``, ``warnings``) are extra fields that OpenAI clients ignore.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class UsageDuration(BaseModel):
    """Billing-style usage as OpenAI reports it for Whisper: the audio's length."""

    type: Literal["duration"] = "duration"
    seconds: float = Field(description="audio duration, seconds")


class TranscriptionOut(BaseModel):
    """``response_format=json`` (the default): the whole transcript."""

    text: str
    usage: UsageDuration | None = None


class TranscriptionWordOut(BaseModel):
    """One word with its times (``timestamp_granularities[]=word``)."""

    word: str
    start: float = Field(description="seconds from the start of the file")
    end: float
    speaker: str | None = Field(None, description="extension: the speaker, when diarized")


class TranscriptionSegmentOut(BaseModel):
    """One caption cue (one speaker's line) with Whisper's scores of the segment it came from."""

    id: int
    seek: int = Field(description="start of the cue in 10 ms frames")
    start: float
    end: float
    text: str
    tokens: list[int] = Field(default_factory=list, description="not reported (always empty)")
    temperature: float = Field(description="fallback temperature the segment was decoded at")
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    speaker: str | None = Field(None, description="extension: the speaker, when diarized")


class TranscriptionVerboseOut(BaseModel):
    """``response_format=verbose_json``: segments unless only word timestamps were asked for,
    ``words`` when they were."""

    task: Literal["transcribe"] = "transcribe"
    language: str | None = Field(description="ISO code of the language used or detected")
    duration: float
    text: str
    segments: list[TranscriptionSegmentOut] | None = None
    words: list[TranscriptionWordOut] | None = None
    speakers: list[str] = Field(default_factory=list, description="extension: speakers in order")
    warnings: list[str] = Field(
        default_factory=list,
        description="extension: what the caller should know about the result, e.g. the speech was "
        "in another language than the one requested (then `language` is the one heard)",
    )
    usage: UsageDuration | None = None


class ModelOut(BaseModel):
    """A model this server serves (``GET /v1/models``)."""

    id: str
    object: Literal["model"] = "model"
    created: int = Field(description="Unix time of the model's release")
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


class SpeakerOut(BaseModel):
    """An enrolled voice of a room (the voiceprint itself never leaves the service)."""

    name: str
    enrolled_at: datetime


class SpeakerList(BaseModel):
    speakers: list[SpeakerOut]


class SpeakerDeleted(BaseModel):
    deleted: str = Field(description="the name whose voiceprint was deleted")


#: ``GET /v1/rooms/{room_id}/captions``: one body per ``format``.
ROOM_CAPTION_CONTENT = {
    "application/json": {"schema": {"type": "object"}},
    "application/x-subrip": {"schema": {"type": "string"}},
    "text/vtt": {"schema": {"type": "string"}},
}
