"""The batch caption pipeline: decode -> vad -> transcribe -> diarize -> align.

Rendering is left to the caller (:mod:`speech.render`), which picks the format. Models load once,
lazily and thread-safely, and are shared by every call; a call may run in any worker thread.
Each stage's wall-clock time is recorded in ``CaptionResult.timings_s`` (for the real-time factor).

Diarization runs in a thread of its own beside transcription (they share nothing until
alignment). On 2 cores that took the 2.3-minute benchmark clip from RTF 0.46-0.63 in sequence to
0.18-0.29 (``benchmarks/README.md``); ``timings_s["diarize"]`` is then the wall time diarization
added after transcription ended, so the stage times still sum to the wall time of the call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from speech.align import CueOptions, align
from speech.decode import AudioSource, decode_audio
from speech.diarize import Diarizer, DiarizerOptions, check_speaker_counts
from speech.domain import SAMPLE_RATE, CaptionResult, Diarization, ProgressHook
from speech.errors import AudioTooLongError, EmptyAudioError, EnrolmentError
from speech.live import LiveCaptionSession, LiveOptions
from speech.speaker_change import SpeakerChangeDetector
from speech.transcribe import TranscribeOptions, Transcriber
from speech.vad import VadOptions, speech_regions, speech_seconds

log = logging.getLogger(__name__)

STAGES = ("decode", "vad", "transcribe", "diarize", "align")


@dataclass(frozen=True)
class PipelineOptions:
    """Options of the whole pipeline (each part has its own options dataclass).

    ``max_duration_s``: longest audio accepted (decode stops and raises past it).
    ``naming_threshold``: least cosine similarity between a diarized speaker and an enrolled
    voiceprint for the speaker to take that name.
    ``whisper_*``: how the Whisper model is loaded (CTranslate2 device, quantisation, threads,
    parallel workers, the seed of the temperature fallback's sampling; see ``Transcriber``).
    ``diarize_beside_transcription``: run diarization in its own thread while Whisper transcribes
    (``False``: one after the other, in the calling thread).
    """

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    diarizer: DiarizerOptions = field(default_factory=DiarizerOptions)
    cues: CueOptions = field(default_factory=CueOptions)
    vad: VadOptions = field(default_factory=VadOptions)
    max_duration_s: float = 4 * 3600.0
    naming_threshold: float = 0.5
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_cpu_threads: int = 0
    whisper_num_workers: int = 1
    whisper_seed: int | None = 0
    diarize_beside_transcription: bool = True


class CaptionPipeline:
    """Speaker-labelled captions for a recording, with optional enrolled speaker names."""

    def __init__(
        self,
        asr_model_dir: str | Path,
        segmentation_dir: str | Path,
        embedding_path: str | Path,
        options: PipelineOptions | None = None,
    ) -> None:
        self.options = options or PipelineOptions()
        o = self.options
        self.transcriber = Transcriber(
            asr_model_dir,
            device=o.whisper_device,
            compute_type=o.whisper_compute_type,
            cpu_threads=o.whisper_cpu_threads,
            num_workers=o.whisper_num_workers,
            seed=o.whisper_seed,
        )
        self.diarizer = Diarizer(segmentation_dir, embedding_path, o.diarizer)
        self._turns: SpeakerChangeDetector | None = None
        self._turns_lock = threading.Lock()

    def load(self) -> None:
        """Load every model now (e.g. at service start), instead of on the first request."""
        self.transcriber.load()
        self.diarizer.load()

    def run(
        self,
        audio: AudioSource | np.ndarray,
        *,
        diarize: bool = True,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        enrolled: Mapping[str, np.ndarray] | None = None,
        transcribe_options: TranscribeOptions | None = None,
        progress: ProgressHook | None = None,
    ) -> CaptionResult:
        """Captions for ``audio`` (a path, bytes, file object, or a 16 kHz mono float32 array).

        ``num_speakers`` fixes the speaker count; ``min_speakers``/``max_speakers`` bound it;
        none of them lets clustering decide. ``enrolled`` maps names to voiceprints from
        :meth:`enrol_voice`; matching speakers are renamed. ``transcribe_options`` overrides the
        pipeline's (e.g. a per-room prompt or a per-request language).
        ``progress(stage, fraction)`` is called as stages advance. Raises
        :class:`speech.errors.SpeakerCountError` at once for counts that cannot hold.
        """
        if diarize:  # a bad count fails now, not after the transcription
            check_speaker_counts(num_speakers, min_speakers, max_speakers)
        report = progress or _no_progress
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def done(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = now - clock
            clock = now
            report(stage, 1.0)

        samples = self._decode(audio)
        done("decode")
        duration = samples.size / SAMPLE_RATE
        regions = speech_regions(samples, self.options.vad)
        done("vad")
        if speech_seconds(regions) == 0.0:
            log.info("no speech in %.1f s of audio: no captions", duration)
            return CaptionResult((), (), None, duration, None, {}, timings)
        opts = transcribe_options or self.options.transcribe
        diarization: Diarization | None = None
        names: dict[str, str] = {}
        with ThreadPoolExecutor(1, thread_name_prefix="diarize") as beside:
            diarizing = None
            speakers = (num_speakers, min_speakers, max_speakers)
            held = _HeldProgress(report, "diarize")
            if diarize and self.options.diarize_beside_transcription:
                diarizing = beside.submit(self._diarize_and_name, samples, speakers, enrolled, held)
            transcript = self.transcriber.transcribe(samples, opts, lambda f: report("transcribe", f))
            done("transcribe")
            held.release()
            if diarizing is not None:
                diarization, names = diarizing.result()
                done("diarize")
            elif diarize:
                diarization, names = self._diarize_and_name(samples, speakers, enrolled, held)
                done("diarize")
        captions = align(transcript.segments, diarization, self.options.cues)
        done("align")
        return CaptionResult(
            captions=tuple(captions),
            segments=transcript.segments,
            diarization=diarization,
            duration_s=duration,
            language=transcript.language,
            speaker_names=names,
            timings_s=timings,
            warnings=transcript.warnings,
        )

    def _diarize_and_name(
        self,
        samples: np.ndarray,
        speakers: tuple[int | None, int | None, int | None],
        enrolled: Mapping[str, np.ndarray] | None,
        progress: Callable[[float], None],
    ) -> tuple[Diarization, dict[str, str]]:
        """Diarize (speaker count fixed / min / max), then rename speakers matching enrolled voices."""
        fixed, low, high = speakers
        diarization = self.diarizer.diarize(
            samples, num_speakers=fixed, min_speakers=low, max_speakers=high, progress=progress
        )
        names: dict[str, str] = {}
        if enrolled:
            names = self.diarizer.name_speakers(diarization, samples, enrolled, self.options.naming_threshold)
            diarization = diarization.renamed(names)
        return diarization, names

    def enrol_voice(self, audio: AudioSource | np.ndarray, *, min_speech_s: float = 5.0) -> np.ndarray:
        """Voiceprint (L2-normalised CAM++ embedding) of a sample of one person speaking.

        Only the speech regions are embedded; fewer than ``min_speech_s`` seconds of speech
        raises :class:`EnrolmentError`. The caller stores the vector (with the speaker's consent).
        """
        samples = self._decode(audio)
        regions = speech_regions(samples, self.options.vad)
        if speech_seconds(regions) < min_speech_s:
            raise EnrolmentError(
                f"the voice sample holds {speech_seconds(regions):.1f} s of speech; "
                f"record at least {min_speech_s:g} s (10-30 s is best) of one person speaking"
            )
        speech = np.concatenate([samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in regions])
        return self.diarizer.embed_voice(speech)

    def live_session(
        self,
        options: LiveOptions | None = None,
        enrolled: Mapping[str, np.ndarray] | None = None,
        prompt: Callable[[], str | None] | None = None,
    ) -> LiveCaptionSession:
        """A new live caption session sharing this pipeline's models (one per audio stream);
        ``prompt``: see :class:`LiveCaptionSession`."""
        return LiveCaptionSession(
            self.transcriber,
            self.diarizer.embedding,
            options,
            enrolled,
            turns=self.speaker_changes(),
            prompt=prompt,
        )

    def speaker_changes(self) -> SpeakerChangeDetector:
        """The speaker-change detector of live sessions (the diarizer's segmentation model)."""
        with self._turns_lock:
            if self._turns is None:
                self._turns = SpeakerChangeDetector(self.diarizer.segmentation_model())
            return self._turns

    def _decode(self, audio: AudioSource | np.ndarray) -> np.ndarray:
        if not isinstance(audio, np.ndarray):
            return decode_audio(audio, max_duration_s=self.options.max_duration_s)
        samples = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
        if samples.size == 0:
            raise EmptyAudioError("the waveform holds no samples; send a non-empty recording")
        if samples.size > self.options.max_duration_s * SAMPLE_RATE:
            raise AudioTooLongError(
                f"the waveform is longer than the {self.options.max_duration_s:g} s limit; cut it"
            )
        return samples


def _no_progress(stage: str, fraction: float) -> None:
    """Default progress hook: ignore."""


class _HeldProgress:
    """Progress of a stage that runs beside an earlier one: held back until :meth:`release` (when
    the earlier stage ends), then passed on, so the stages a caller sees never go back."""

    def __init__(self, report: ProgressHook, stage: str) -> None:
        self._report = report
        self._stage = stage
        self._lock = threading.Lock()
        self._held: float | None = None
        self._released = False

    def __call__(self, fraction: float) -> None:
        with self._lock:
            if self._released:
                self._report(self._stage, fraction)
            else:
                self._held = fraction

    def release(self) -> None:
        with self._lock:
            self._released = True
            if self._held is not None:
                self._report(self._stage, self._held)
