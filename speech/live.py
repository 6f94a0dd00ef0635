"""Live captions from a stream of 16 kHz mono PCM16 frames.

A :class:`LiveCaptionSession` keeps the audio of the utterance in progress. Every
``analysis_interval_s`` of new audio it runs Silero VAD over that buffer:

- a speech region followed by ``end_silence_s`` of silence is a finished utterance: it is
  transcribed, labelled with a speaker and emitted as *final* captions (cut into cues);
- an unfinished region is re-transcribed at most every ``partial_interval_s`` of audio and
  emitted as one *partial* caption (skipped when the caller says it is behind: partials may be
  dropped, finals never are);
- a region longer than ``max_utterance_s`` is closed where it stands;
- when the speaker pauses (``pause_s`` of silence, shorter than ``end_silence_s``), the region
  so far is transcribed at once with the final's options, as an *early final*: it is shown as a
  partial and, when the utterance then ends with no more speech, becomes the final without a
  second Whisper call. The slowest step, one Whisper call, so runs while the VAD is still waiting
  to be sure the utterance is over; when speech resumes, the early result is dropped.

Speakers are labelled online, because running full diarization per utterance is too slow: each
utterance's CAM++ embedding is compared with enrolled voiceprints (a match above
``naming_threshold`` takes the enrolled name) and then with running centroids of the voices heard
so far (above ``speaker_threshold`` joins that speaker, otherwise a new ``SPEAKER_xx``). Utterances
too short to embed reliably take the previous speaker.

The session is synchronous and not tied to any event loop: drive it from a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from speech.align import CueOptions, build_captions, join_words
from speech.decode import pcm16_to_float
from speech.domain import SAMPLE_RATE, Caption, Word
from speech.embedding import CamPlusEmbedding, normalise
from speech.errors import InvalidFrameError
from speech.transcribe import TranscribeOptions, Transcriber
from speech.vad import VadOptions, speech_regions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveOptions:
    """Live session settings (seconds of audio unless said otherwise).

    ``max_frame_bytes``: largest accepted frame (default 1 s of PCM16). ``analysis_interval_s``:
    how often the VAD looks at the buffer (0.1 s: p50 latency 1.11 s on the benchmark's stream,
    0.2 s: 1.13-1.23 s). ``partial_interval_s``: 0.8 s of audio, so a partial shows at least every
    second (median gap 0.84 s; 1.0 gave 1.03-1.06 s). ``pause_s``: silence after
    which an unfinished utterance is transcribed early (0 turns early finals off). ``context_s``: audio
    before an utterance that is transcribed with it (words in the context are discarded); off by
    default: on the synthetic test dialogue 2-8 s of context raised the CER of live finals from
    0.57 to 0.65-0.78 (re-check on real speech). ``transcribe``: Whisper
    options for utterances (VAD already done, so ``vad_filter`` is off; no temperature fallback,
    which can multiply the time of one call by six on a half-spoken word; decoding capped at 12
    tokens per second of audio, so a hallucinated loop stops early; the encoder runs over a window
    fitted to the utterance, not Whisper's padded 30 s, see ``TranscribeOptions``; greedy
    decoding: with early finals it gave a p50 latency of 1.17 s at a CER of 0.57 on the benchmark's
    stream, beam 5 2.0 s at 0.58, and beam 5 without early finals 1.72 s at 0.52).
    """

    max_frame_bytes: int = 2 * SAMPLE_RATE
    analysis_interval_s: float = 0.1
    partial_interval_s: float = 0.8
    end_silence_s: float = 0.5
    max_utterance_s: float = 15.0
    pause_s: float = 0.2
    keep_before_speech_s: float = 0.3
    context_s: float = 0.0
    min_embed_s: float = 1.0
    speaker_threshold: float = 0.5
    naming_threshold: float = 0.5
    vad_threshold: float = 0.5
    transcribe: TranscribeOptions = field(
        default_factory=lambda: TranscribeOptions(
            vad_filter=False,
            temperatures=(0.0,),
            max_tokens_per_s=12.0,
            beam_size=1,
            fit_encoder_window=True,
        )
    )
    cues: CueOptions = field(default_factory=CueOptions)
    # Partials are re-transcribed often and only shown until the final replaces them: greedy
    # decoding without word timings. They took 82 % of the live worker's CPU with beam 5 (profile
    # of a 40 s stream), delaying finals; finals keep ``transcribe``.
    partial_transcribe: TranscribeOptions = field(
        default_factory=lambda: TranscribeOptions(
            vad_filter=False,
            temperatures=(0.0,),
            max_tokens_per_s=12.0,
            beam_size=1,
            word_timestamps=False,
            fit_encoder_window=True,
        )
    )


@dataclass(frozen=True)
class CaptionEvent:
    """A caption pushed to listeners; ``emitted_at_audio_s`` is the stream position (seconds of
    audio fed so far) when it was produced."""

    kind: Literal["partial", "final"]
    caption: Caption
    emitted_at_audio_s: float


@dataclass(frozen=True)
class _EarlyFinal:
    """Words of an utterance transcribed at a pause, on the stream clock (seconds)."""

    start_s: float
    end_s: float
    words: tuple[Word, ...]

    TOLERANCE_S = 0.15  # VAD edges of the same speech move by a frame or two between analyses

    def matches(self, start_s: float, end_s: float) -> bool:
        """Whether the region [start_s, end_s) is the same speech as this early transcription."""
        return abs(start_s - self.start_s) <= self.TOLERANCE_S and abs(end_s - self.end_s) <= self.TOLERANCE_S


class LiveCaptionSession:
    """One live audio stream (one room); models are shared, the session state is its own."""

    def __init__(
        self,
        transcriber: Transcriber,
        embedding: CamPlusEmbedding | None,
        options: LiveOptions | None = None,
        enrolled: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.options = options or LiveOptions()
        self._transcriber = transcriber
        self._embedding = embedding
        self._enrolled = {k: normalise(np.asarray(v, np.float32)) for k, v in (enrolled or {}).items()}
        self._centroids: dict[str, np.ndarray] = {}
        self._counts: dict[str, int] = {}
        self._buf = np.zeros(0, dtype=np.float32)
        self._history = np.zeros(0, dtype=np.float32)  # audio just before self._buf (context)
        self._buf_start = 0  # stream sample index of self._buf[0]
        self._total = 0  # samples fed so far
        self._last_analysis = 0
        self._last_partial = 0
        self._last_speaker: str | None = None
        self._early: _EarlyFinal | None = None
        self._finished = False
        self._lock = threading.Lock()
        self.finals: list[Caption] = []
        self._vad = VadOptions(threshold=self.options.vad_threshold, min_silence_s=self.options.end_silence_s)
        self._pause_vad = VadOptions(threshold=self.options.vad_threshold, min_silence_s=self.options.pause_s)

    @property
    def audio_s(self) -> float:
        """Seconds of audio fed so far."""
        return self._total / SAMPLE_RATE

    def feed(self, pcm: bytes, *, behind: bool = False) -> list[CaptionEvent]:
        """Add one PCM16 frame; returns the caption events it produced (often none).

        ``behind=True`` (the caller's queue is backing up) skips partial captions.
        """
        with self._lock:
            self._check_frame(pcm)
            if pcm:
                self._buf = np.concatenate([self._buf, pcm16_to_float(pcm)])
                self._total += len(pcm) // 2
            if (self._total - self._last_analysis) / SAMPLE_RATE < self.options.analysis_interval_s:
                return []
            self._last_analysis = self._total
            return self._analyse(final=False, behind=behind)

    def finish(self) -> list[CaptionEvent]:
        """End of stream: finalise whatever speech is pending. Later frames are refused."""
        with self._lock:
            if self._finished:
                return []
            events = self._analyse(final=True, behind=True)
            self._finished = True
            return events

    def _check_frame(self, pcm: bytes) -> None:
        if self._finished:
            raise InvalidFrameError("the live session has ended; open a new one to send more audio")
        if len(pcm) % 2:
            raise InvalidFrameError(
                f"frame of {len(pcm)} bytes is not whole 16-bit samples; send 16 kHz mono PCM16 (even length)"
            )
        if len(pcm) > self.options.max_frame_bytes:
            raise InvalidFrameError(
                f"frame of {len(pcm)} bytes is over the {self.options.max_frame_bytes}-byte limit; "
                "send smaller frames (20-100 ms is typical)"
            )

    def _analyse(self, *, final: bool, behind: bool) -> list[CaptionEvent]:
        buf_s = self._buf.size / SAMPLE_RATE
        regions = speech_regions(self._buf, self._vad)
        events: list[CaptionEvent] = []
        consumed = 0.0  # seconds of the buffer that are done with
        for i, (start, end) in enumerate(regions):
            is_open = end >= buf_s - 1e-3 and not final
            too_long = end - start >= self.options.max_utterance_s
            if is_open and not too_long:
                if i == len(regions) - 1:
                    early = self._early_final(start, end, behind)
                    events.extend(early if early is not None else self._partial(start, end, behind))
                break
            events.extend(self._final(start, end))
            consumed = end
        if not regions or consumed > 0 or final:
            keep_from = consumed if consumed > 0 else max(0.0, buf_s - self.options.keep_before_speech_s)
            if final:
                keep_from = buf_s
            self._drop_before(keep_from)
        elif regions and regions[0][0] > self.options.keep_before_speech_s:
            self._drop_before(regions[0][0] - self.options.keep_before_speech_s)
        return events

    def _drop_before(self, seconds: float) -> None:
        n = min(self._buf.size, int(seconds * SAMPLE_RATE))
        keep = int(self.options.context_s * SAMPLE_RATE)
        self._history = np.concatenate([self._history, self._buf[:n]])[-keep:] if keep else self._history[:0]
        self._buf = self._buf[n:]
        self._buf_start += n

    def _slice(self, start: float, end: float) -> np.ndarray:
        return self._buf[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]

    def _words(self, start: float, end: float, options: TranscribeOptions | None = None) -> list[Word]:
        """Transcribe buffer seconds [start, end) with up to ``context_s`` of audio before it;
        returns the words of [start, end) on the stream clock."""
        keep = int(self.options.context_s * SAMPLE_RATE)
        before = np.concatenate([self._history, self._buf[: int(start * SAMPLE_RATE)]])
        context = before[before.size - min(keep, before.size) :]
        audio = np.concatenate([context, self._slice(start, end)])
        utterance_start = self._buf_start / SAMPLE_RATE + start
        offset = utterance_start - context.size / SAMPLE_RATE
        transcript = self._transcriber.transcribe(audio, options or self.options.transcribe)
        words: list[Word] = []
        for seg in transcript.segments:
            seg_words = seg.words or ((Word(seg.start, seg.end, seg.text, 1.0),) if seg.text else ())
            for w in seg_words:
                if w.start + offset + (w.end - w.start) / 2 >= utterance_start:
                    words.append(replace(w, start=w.start + offset, end=w.end + offset))
        return words

    def _partial(self, start: float, end: float, behind: bool) -> list[CaptionEvent]:
        if behind or (self._total - self._last_partial) / SAMPLE_RATE < self.options.partial_interval_s:
            return []
        self._last_partial = self._total
        words = self._words(start, end, self.options.partial_transcribe)
        if not words:
            return []
        caption = Caption(words[0].start, words[-1].end, self._last_speaker, join_words(words), tuple(words))
        return [CaptionEvent("partial", caption, self.audio_s)]

    def _early_final(self, start: float, end: float, behind: bool) -> list[CaptionEvent] | None:
        """Transcribe the open region now if the speaker has paused; ``None`` if they have not.

        Returns the partial event of the early result (none when it was already shown).
        """
        if self.options.pause_s <= 0:
            return None
        pieces = speech_regions(self._slice(start, end), self._pause_vad)
        if not pieces or pieces[-1][1] >= end - start - 1e-3:
            return None  # still speaking
        span = (self._abs(start), self._abs(start + pieces[-1][1]))
        if self._early is not None and self._early.matches(*span):
            return []  # already transcribed this pause
        if behind:
            return []
        self._last_partial = self._total
        words = self._words(start, start + pieces[-1][1])
        self._early = _EarlyFinal(*span, tuple(words))
        if not words:
            return []
        caption = Caption(words[0].start, words[-1].end, self._last_speaker, join_words(words), tuple(words))
        return [CaptionEvent("partial", caption, self.audio_s)]

    def _abs(self, buffer_s: float) -> float:
        """Stream time (s) of a buffer time."""
        return self._buf_start / SAMPLE_RATE + buffer_s

    def _final(self, start: float, end: float) -> list[CaptionEvent]:
        early, self._early = self._early, None
        if early is not None and early.matches(self._abs(start), self._abs(end)):
            words = list(early.words)
        else:
            words = self._words(start, end)
        self._last_partial = self._total
        if not words:
            return []
        speaker = self._label(self._slice(start, end))
        cues = build_captions([replace(w, speaker=speaker) for w in words], self.options.cues)
        self.finals.extend(cues)
        return [CaptionEvent("final", c, self.audio_s) for c in cues]

    def _label(self, audio: np.ndarray) -> str:
        """Speaker of an utterance: enrolled name, a known voice, or a new SPEAKER_xx."""
        if self._embedding is None or audio.size < self.options.min_embed_s * SAMPLE_RATE:
            return self._last_speaker or self._new_label()
        vec = self._embedding.embed(audio)
        speaker = _best(vec, self._enrolled, self.options.naming_threshold)
        if speaker is None:
            unnamed = {k: v for k, v in self._centroids.items() if k not in self._enrolled}
            speaker = _best(vec, unnamed, self.options.speaker_threshold) or self._new_label()
        n = self._counts.get(speaker, 0)
        old = self._centroids.get(speaker)
        if old is None or old.size != vec.size:  # enrolled name, or a label made without a voice
            old, n = np.zeros_like(vec), 0
        self._centroids[speaker] = normalise(old * n + vec)
        self._counts[speaker] = n + 1
        self._last_speaker = speaker
        return speaker

    def _new_label(self) -> str:
        label = f"SPEAKER_{sum(1 for k in self._centroids if k.startswith('SPEAKER_')):02d}"
        self._centroids.setdefault(label, np.zeros(0, np.float32))
        self._last_speaker = label
        return label


def _best(vec: np.ndarray, refs: Mapping[str, np.ndarray], threshold: float) -> str | None:
    best, best_sim = None, threshold
    for name, ref in refs.items():
        if ref.size != vec.size:
            continue
        sim = float(vec @ ref)
        if sim >= best_sim:
            best, best_sim = name, sim
    return best
