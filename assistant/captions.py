"""Captions of the room: recorded files, enrolled voices, and each room's caption log.

Speech models are loaded on first use (they take seconds and ~1 GB), and inference runs in one
bounded worker so it never blocks the event loop; when ``max_pending`` jobs already wait, a new one
is refused (``CaptionsBusyError`` -> 503) instead of queueing without bound.
Voiceprints are kept only with the speaker's explicit consent, per room, and can be listed and
deleted; they are never written to disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assistant.state.interfaces import CaptionLogs
from speech.domain import Caption, CaptionResult
from speech.text import join_texts
from speech.transcribe import NEUTRAL_PROMPT_ZH, TranscribeOptions

T = TypeVar("T")
MAX_CAPTIONS_PER_ROOM = 20_000


class CaptionsError(Exception):
    """Base class of the captions service's own errors."""


class CaptionsBusyError(CaptionsError):
    """Too many transcription jobs are waiting; try again shortly."""


class ConsentRequiredError(CaptionsError):
    """A voice is enrolled only with the speaker's explicit consent."""


class UnknownSpeakerError(CaptionsError):
    pass


@dataclass(frozen=True, slots=True)
class Voiceprint:
    name: str
    vector: np.ndarray
    enrolled_at: datetime


@dataclass(slots=True)
class RoomCaptions:
    """Final captions of a room's live audio, with their wall-clock start (for the assistant)."""

    started_at: datetime | None = None
    captions: list[Caption] = field(default_factory=list)


PipelineFactory = Callable[[], Any]  # returns a speech.pipeline.CaptionPipeline


@dataclass(frozen=True, slots=True)
class ServedModel:
    """A speech model this service transcribes with, as ``GET /v1/models`` lists it."""

    id: str
    created: int  # Unix time of the model's release
    owned_by: str


DEFAULT_MODEL = ServedModel("whisper-base", 1663718400, "liveshop")  # Whisper, 2022-09-21
SERVED_MODELS: tuple[ServedModel, ...] = (DEFAULT_MODEL,)
MODEL_ALIASES = {"whisper-1": DEFAULT_MODEL.id}
"""Names OpenAI clients send by habit, answered by our default model (as OpenAI-compatible servers
do): ``whisper-1`` is OpenAI's name for its hosted Whisper."""


class UnknownModelError(CaptionsError):
    """A transcription asked for a model this service does not serve."""


def resolve_model(name: str | None) -> ServedModel:
    """The served model called ``name`` (an id, an alias, or ``None`` for the default)."""
    wanted = MODEL_ALIASES.get(name or "", name or DEFAULT_MODEL.id)
    for model in SERVED_MODELS:
        if model.id == wanted:
            return model
    served = ", ".join(m.id for m in SERVED_MODELS)
    aliases = ", ".join(f"{alias} (= {target})" for alias, target in MODEL_ALIASES.items())
    raise UnknownModelError(f"unknown model {name!r}: available models are {served}; aliases: {aliases}")


FALLBACK_TEMPERATURES = TranscribeOptions().temperatures


@dataclass(frozen=True, slots=True)
class TranscriptionRequest:
    """What one file transcription asks for.

    ``language``: a Whisper code, ``None`` to detect it. ``prompt``: the caller's Whisper prompt;
    ``room_prompt``: the room's (the product on stage), put before it. ``temperature``: 0 decodes
    repeatably (beam search, with Whisper's fallback rungs decoded without sampling); above 0,
    decoding samples at that temperature and the rungs above it, as OpenAI's Whisper does (the
    text may then differ between requests). ``room_id``: name speakers after the room's enrolled
    voices (labels only: the text and the cues are those of the same request without voices).
    ``num_speakers`` fixes the speaker count of diarization; ``min_speakers``/``max_speakers``
    bound it (e.g. a host and at most two guests); none lets clustering decide.
    """

    language: str | None = "zh"
    prompt: str | None = None
    room_prompt: str | None = None
    temperature: float = 0.0
    diarize: bool = False
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    room_id: str | None = None

    def transcribe_options(self) -> TranscribeOptions:
        """The speech library's decoding options for this request. A room's prompt follows the
        neutral sentence (``NEUTRAL_PROMPT_ZH``, the recordings' default) in Mandarin or auto:
        alone, a product-name prompt made Whisper base end its first 30 s window after one
        sentence on a 56 s real recording (CER 0.469; 0.181 with the neutral sentence before it)."""
        lead = NEUTRAL_PROMPT_ZH if self.room_prompt and self.language in ("zh", None) else None
        prompt = join_texts(p for p in (lead, self.room_prompt, self.prompt) if p) or None
        if self.temperature <= 0.0:
            return TranscribeOptions(language=self.language, initial_prompt=prompt)
        rungs = (self.temperature, *(t for t in FALLBACK_TEMPERATURES if t > self.temperature))
        return TranscribeOptions(
            language=self.language, initial_prompt=prompt, temperatures=rungs, repeatable=False
        )


class CaptionService:
    def __init__(
        self,
        pipeline_factory: PipelineFactory,
        clock: Callable[[], datetime],
        max_pending: int = 4,
        logs: CaptionLogs | None = None,
    ):
        """``logs``: where the rooms' final captions are kept (the service's state store: they
        survive a restart); None keeps them in process."""
        self._factory = pipeline_factory
        self._pipeline: Any = None
        self._load_lock = threading.Lock()
        self._clock = clock
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captions")
        self._slots = threading.BoundedSemaphore(max_pending)
        self._voices: dict[str, dict[str, Voiceprint]] = {}
        self._logs = logs or _memory_logs()
        self._lock = threading.Lock()

    # -- models and the worker ------------------------------------------------------------------
    def pipeline(self) -> Any:
        """The caption pipeline, built (models loaded) on first use."""
        with self._load_lock:
            if self._pipeline is None:
                pipeline = self._factory()
                pipeline.load()
                self._pipeline = pipeline
            return self._pipeline

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Run ``job`` on the speech worker; refuses when ``max_pending`` jobs are already waiting."""
        if not self._slots.acquire(blocking=False):
            raise CaptionsBusyError("the speech worker is busy with other audio; retry in a few seconds")
        try:
            future = self._worker.submit(job)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    # -- files ----------------------------------------------------------------------------------
    def transcribe(
        self,
        audio: bytes | Path,
        request: TranscriptionRequest,
        progress: Callable[[str, float], None] | None = None,
    ) -> CaptionResult:
        """Captions of a recording (runs in the caller's thread; use ``submit`` from async code).

        The same audio and request give the same captions on every call (see
        :class:`TranscriptionRequest` for the one exception, ``temperature`` above 0)."""
        enrolled = self.voiceprints(request.room_id) if request.room_id else {}
        return self.pipeline().run(  # type: ignore[no-any-return]
            audio,
            diarize=request.diarize,
            num_speakers=request.num_speakers,
            min_speakers=request.min_speakers,
            max_speakers=request.max_speakers,
            enrolled=enrolled or None,
            transcribe_options=request.transcribe_options(),
            progress=progress,
        )

    # -- voices ---------------------------------------------------------------------------------
    def enrol(self, room_id: str, name: str, audio: bytes, consent: bool) -> Voiceprint:
        """Enrol a named voice for a room (10-30 s of one person speaking); consent is required."""
        if not consent:
            raise ConsentRequiredError(
                "the speaker's consent is required to store a voiceprint: send consent=true only after "
                "the speaker agreed"
            )
        vector = self.pipeline().enrol_voice(audio)
        voice = Voiceprint(name, vector, self._clock())
        with self._lock:
            self._voices.setdefault(room_id, {})[name] = voice
        return voice

    def voiceprints(self, room_id: str | None) -> Mapping[str, np.ndarray]:
        with self._lock:
            return {v.name: v.vector for v in self._voices.get(room_id or "", {}).values()}

    def speakers(self, room_id: str) -> list[Voiceprint]:
        with self._lock:
            return sorted(self._voices.get(room_id, {}).values(), key=lambda v: v.name)

    def forget(self, room_id: str, name: str) -> None:
        with self._lock:
            if self._voices.get(room_id, {}).pop(name, None) is None:
                raise UnknownSpeakerError(f"no enrolled voice named {name!r} in room {room_id!r}")

    # -- the room's caption log -----------------------------------------------------------------
    def room_log(self, room_id: str) -> RoomCaptions:
        log = self._logs.log(room_id)
        return RoomCaptions(log.started_at, list(log.captions))

    def add_final(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None:
        """Keep a final caption of the room (bounded: the oldest are dropped past the limit)."""
        self._logs.append(room_id, caption, stream_started_at)

    def captions(self, room_id: str) -> list[Caption]:
        return list(self._logs.log(room_id).captions)


def _memory_logs() -> CaptionLogs:
    from assistant.state.memory_live import MemoryCaptionLogs
    from assistant.state.options import StateOptions

    return MemoryCaptionLogs(StateOptions(max_captions_per_room=MAX_CAPTIONS_PER_ROOM))
