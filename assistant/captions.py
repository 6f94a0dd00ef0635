"""Captions of the room: recorded files, enrolled voices, and each room's caption log.

Speech models are loaded on first use (they take seconds and ~1 GB), and inference runs in one
bounded worker so it never blocks the event loop; when ``max_pending`` jobs already wait, a new one
is refused (``CaptionsBusyError`` -> 503) instead of queueing without bound.
Voiceprints are kept only with the speaker's explicit consent, per room, and can be listed and
deleted; they are never written to disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from speech.domain import Caption, CaptionResult
from speech.transcribe import TranscribeOptions, build_prompt

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


class CaptionService:
    def __init__(
        self, pipeline_factory: PipelineFactory, clock: Callable[[], datetime], max_pending: int = 4
    ):
        self._factory = pipeline_factory
        self._pipeline: Any = None
        self._load_lock = threading.Lock()
        self._clock = clock
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captions")
        self._slots = threading.BoundedSemaphore(max_pending)
        self._voices: dict[str, dict[str, Voiceprint]] = {}
        self._rooms: dict[str, RoomCaptions] = {}
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
        *,
        language: str | None,
        diarize: bool,
        num_speakers: int | None = None,
        room_id: str | None = None,
        product_names: Sequence[str] = (),
        progress: Callable[[str, float], None] | None = None,
    ) -> CaptionResult:
        """Captions of a recording (runs in the caller's thread; use ``submit`` from async code)."""
        options = TranscribeOptions(
            language=language, initial_prompt=build_prompt(product_names) if product_names else None
        )
        enrolled = self.voiceprints(room_id) if room_id else {}
        return self.pipeline().run(  # type: ignore[no-any-return]
            audio,
            diarize=diarize,
            num_speakers=num_speakers,
            enrolled=enrolled or None,
            transcribe_options=options,
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
        with self._lock:
            return self._rooms.setdefault(room_id, RoomCaptions())

    def add_final(self, room_id: str, caption: Caption, stream_started_at: datetime) -> None:
        """Keep a final caption of the room (bounded: the oldest are dropped past the limit)."""
        with self._lock:
            log = self._rooms.setdefault(room_id, RoomCaptions())
            log.started_at = log.started_at or stream_started_at
            log.captions.append(caption)
            del log.captions[: max(0, len(log.captions) - MAX_CAPTIONS_PER_ROOM)]

    def captions(self, room_id: str) -> list[Caption]:
        with self._lock:
            return list(self._rooms.get(room_id, RoomCaptions()).captions)
