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
  second Whisper call (its speaker embedding is taken then too). The slowest step, one Whisper
  call, so runs while the VAD is still waiting to be sure the utterance is over; when speech
  resumes, the early result is dropped;
- when another speaker takes over before the first has been silent for ``end_silence_s`` (a quick
  reply, or talking over the end of the turn), the VAD sees one utterance; every
  ``turn_check_interval_s`` of audio, and at once when the speech stops (a pause, before its
  early final, or the end of the region, before its final), the segmentation model looks at the
  last ``turn_window_s`` of the region (:mod:`speech.speaker_change`) and, at a handover, the
  first speaker's part becomes a final at once and the rest goes on from the new speaker's start;
- a final whose Whisper result is empty (every segment dropped as an echo of the prompt, a loop,
  non-speech or an English sentence for Mandarin speech, see :mod:`speech.transcribe`) although
  the VAD heard at least ``retry_min_s`` of speech is transcribed once more with
  ``retry_transcribe`` (another prompt, the neutral sentence: Whisper sometimes repeats or
  paraphrases its prompt instead of a short utterance), so a question is not lost from the
  captions; when that is empty too, a last attempt decodes it as the batch pipeline would, with
  beam search and ``context_retry_s`` of the audio before it (Whisper hears a short utterance
  alone very differently from one inside a longer window; words of the context are discarded).

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from speech.align import CueOptions, build_captions, join_words
from speech.decode import pcm16_to_float
from speech.domain import SAMPLE_RATE, Caption, Word
from speech.embedding import CamPlusEmbedding, normalise
from speech.errors import InvalidFrameError
from speech.speaker_change import SpeakerChangeDetector, TurnChangeOptions
from speech.transcribe import DEFAULT_PROMPT_ZH, NEUTRAL_PROMPT_ZH, TranscribeOptions, Transcriber
from speech.vad import StreamingVad, VadOptions

log = logging.getLogger(__name__)

PARTIAL_MIN_WINDOW_S = 6
"""Encoder window floor (s) of partials: a partial is replaced by the final within seconds, and a
6 s window costs ~0.2 s less per call than the finals' 12 s on 2 cores (fewer partials in flight
when an utterance ends, so finals wait less)."""

RETRY_PROMPT_ZH = NEUTRAL_PROMPT_ZH
"""Prompt of the second attempt at an utterance whose first came back empty: the neutral sentence,
not the first attempt's scene prompt :data:`speech.transcribe.DEFAULT_PROMPT_ZH` (on the test
dialogue it recovered a 5.7 s utterance that the scene prompt lost).

Live utterances keep the scene prompt first although recordings moved to the neutral one
(:data:`speech.transcribe.NEUTRAL_PROMPT_ZH`). Measured with the neutral one first and the scene
one as the retry's: live finals on real read speech improved (3 THCHS-30 sentences CER 0.274 ->
0.242, 5 short AISHELL-3 ones 0.333 -> 0.333, the 55.8 s real-speech stream 0.288 -> 0.232), but
the synthetic live-room dialogue, whose sentences are a host's sales talk like the scene prompt,
got worse (0.557 -> 0.660, over the service test's 0.65 bound); live utterances are at most
``max_utterance_s`` long, so the scene prompt's failure on recordings (ending a 30 s window after
its first sentence) does not arise. The retry must use another prompt than the first attempt:
with the neutral one on all three attempts, the host's turn cut off at the test dialogue's
handover came back as 以下是普通话的句子。 each time (dropped; no caption)."""


def utterance_options(**changes: Any) -> TranscribeOptions:
    """Whisper options for one live utterance (see ``LiveOptions``), with ``changes`` applied."""
    base = TranscribeOptions(
        vad_filter=False, temperatures=(0.0,), max_tokens_per_s=12.0, beam_size=1, fit_encoder_window=True,
        min_avg_logprob=None, detect_other_language=False, default_prompt=DEFAULT_PROMPT_ZH,
    )  # fmt: skip
    return replace(base, **changes)


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
    ``turn_check_interval_s``: how often (seconds of audio) an open region of at least
    ``turn_min_region_s`` is checked for a handover between speakers, besides the checks made
    when the speech stops (0 turns all checks off; each is one segmentation pass over up to
    ``turn_window_s`` of audio, ~0.03-0.1 s of CPU). The checks when the speech stops took the
    benchmark's talked-over host turn from ~3 s to ~1 s (p95 2.73 s -> 2.2-2.4 s). Every 0.4 s
    instead of 0.8 s: on the real phone call, where no handover has a gap, p50 1.69 -> 1.41-1.49 s
    and p95 3.27 -> 2.36-2.39 s (WER 0.27 -> 0.31, Whisper on cuts 0.3 s apart), the synthetic
    dialogue unchanged; the checks then take 10 % of real time on 2 cores instead of 6 %
    (Whisper: 20 %). A minimum region of 1.0 s instead of 2.0 s cut quick replies on the real call
    too early (WER 0.27 -> 0.44).
    ``retry_min_s`` / ``retry_transcribe`` / ``context_retry_s`` / ``context_retry_transcribe``: see
    the module docstring (0 s of context turns the last attempt off). The neutral-prompt retry
    may not repeat any 3 tokens (``no_repeat_ngram_size``): it runs because the first attempt
    looped or echoed the prompt, and unbanned it often loops too, up to the token cap (0.7 s
    instead of 0.35 s a call on the test dialogue; it also recovered 还送一个配套 better).
    ``defer_partial_s``: a due partial waits while the last this-many seconds are quiet (the
    speaker may be pausing, and a Whisper call for the partial would delay the early final behind
    it), but never beyond ``partial_max_gap_s`` after the previous one.
    """

    max_frame_bytes: int = 2 * SAMPLE_RATE
    analysis_interval_s: float = 0.1
    partial_interval_s: float = 0.8
    end_silence_s: float = 0.5
    max_utterance_s: float = 15.0
    pause_s: float = 0.2
    defer_partial_s: float = 0.06
    partial_max_gap_s: float = 1.0
    keep_before_speech_s: float = 0.3
    context_s: float = 0.0
    min_embed_s: float = 1.0
    speaker_threshold: float = 0.5
    naming_threshold: float = 0.5
    vad_threshold: float = 0.5
    turn_check_interval_s: float = 0.4
    turn_min_region_s: float = 2.0
    turn_window_s: float = 4.0
    turn_change: TurnChangeOptions = field(default_factory=TurnChangeOptions)
    retry_min_s: float = 1.0
    transcribe: TranscribeOptions = field(default_factory=lambda: utterance_options())
    retry_transcribe: TranscribeOptions = field(
        default_factory=lambda: utterance_options(initial_prompt=RETRY_PROMPT_ZH, no_repeat_ngram_size=3)
    )
    context_retry_s: float = 6.0
    context_retry_transcribe: TranscribeOptions = field(
        default_factory=lambda: utterance_options(beam_size=5)
    )
    cues: CueOptions = field(default_factory=CueOptions)
    # Partials are re-transcribed often and only shown until the final replaces them: greedy
    # decoding without word timings. They took 82 % of the live worker's CPU with beam 5 (profile
    # of a 40 s stream), delaying finals; finals keep ``transcribe``.
    partial_transcribe: TranscribeOptions = field(
        default_factory=lambda: utterance_options(
            word_timestamps=False, min_encoder_window_s=PARTIAL_MIN_WINDOW_S
        )
    )

    def for_room(self, language: str | None = "zh", prompt: str | None = None) -> LiveOptions:
        """These options for a room speaking ``language`` (``None``: detected per utterance),
        with ``prompt`` (e.g. :func:`speech.transcribe.build_prompt` of the room's catalog, so
        product names come out spelled as in the catalog) as the initial prompt of every attempt
        but the neutral-prompt retry; ``None`` keeps the default prompt (Mandarin) or none. The
        retry's Chinese prompt is dropped for other languages (that retry then differs from the first
        attempt only by its ban on repeated 3-grams; a retry identical to the first is skipped)."""
        mandarin = language in ("zh", None)

        def adapt(options: TranscribeOptions, initial_prompt: str | None) -> TranscribeOptions:
            return replace(options, language=language, initial_prompt=initial_prompt)

        return replace(
            self,
            transcribe=adapt(self.transcribe, prompt),
            partial_transcribe=adapt(self.partial_transcribe, prompt),
            context_retry_transcribe=adapt(self.context_retry_transcribe, prompt),
            retry_transcribe=adapt(
                self.retry_transcribe, self.retry_transcribe.initial_prompt if mandarin else prompt
            ),
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
    voice: np.ndarray | None  # speaker embedding of the same audio (None: too short to embed)

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
        turns: SpeakerChangeDetector | None = None,
        prompt: Callable[[], str | None] | None = None,
    ) -> None:
        """``prompt``, when given, is asked before each Whisper call for the prompt to use now
        (e.g. the names of the product on stage, which change during the stream); ``None`` from
        it keeps the options' own. The neutral-prompt retry keeps its prompt."""
        self.options = options or LiveOptions()
        self._prompt = prompt
        self._transcriber = transcriber
        self._embedding = embedding
        self._turns = turns
        self._last_turn_check = 0
        self._last_cut_s = 0.0  # stream time (s) where the last handover cut ended a final
        self._turn_starts: list[float] = []  # stream times (s) where the last cuts' next speakers start
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
        self._heard: dict[str, int] = {}  # speaker -> number of the last final labelled theirs
        self._early: _EarlyFinal | None = None
        self._finished = False
        self._lock = threading.Lock()
        self.finals: list[Caption] = []
        self._vad = VadOptions(threshold=self.options.vad_threshold, min_silence_s=self.options.end_silence_s)
        self._stream_vad = StreamingVad()
        self._pause_vad = VadOptions(threshold=self.options.vad_threshold, min_silence_s=self.options.pause_s)

    @property
    def audio_s(self) -> float:
        """Seconds of audio fed so far."""
        return self._total / SAMPLE_RATE

    def feed(self, pcm: bytes, *, behind: bool = False) -> list[CaptionEvent]:
        """Add one PCM16 frame; returns the caption events it produced (often none).

        ``behind=True`` (the caller's queue is backing up) skips partial captions; the work that
        brings finals sooner (early finals, speaker-change checks) goes on.
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
        self._stream_vad.update(self._buf)
        regions = self._stream_vad.regions(self._buf.size, self._vad)
        events: list[CaptionEvent] = []
        consumed = 0.0  # seconds of the buffer that are done with
        for i, (start, end) in enumerate(regions):
            is_open = end >= buf_s - 1e-3 and not final
            too_long = end - start >= self.options.max_utterance_s
            if is_open and not too_long:
                if i == len(regions) - 1:
                    cut = self._turn_change(start, end, now=self._new_pause(start, end))
                    if cut is not None:
                        events.extend(self._final(start, cut[0]))
                        consumed = cut[1]
                        break
                    early = self._early_final(start, end, behind)
                    events.extend(early if early is not None else self._partial(start, end, behind))
                break
            events.extend(self._closed_region(start, end))
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
        n = self._stream_vad.drop(min(self._buf.size, int(seconds * SAMPLE_RATE)))
        keep = int(max(self.options.context_s, self.options.context_retry_s) * SAMPLE_RATE)
        self._history = np.concatenate([self._history, self._buf[:n]])[-keep:] if keep else self._history[:0]
        self._buf = self._buf[n:]
        self._buf_start += n

    def _slice(self, start: float, end: float) -> np.ndarray:
        return self._buf[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]

    def _turn_change(self, start: float, end: float, *, now: bool = False) -> tuple[float, float] | None:
        """A handover inside the region [start, end) (buffer seconds): ``(end of the first
        speaker's part, start of the rest)``, or ``None`` (no check due, or no handover).

        While the region is open a check is due every ``turn_check_interval_s`` of audio; ``now``
        (the speaker has just paused, or the region has just closed) makes one at once: a pause
        is where a reply often starts, and a region transcribed as one utterance holds two
        speakers' words under one label, after a Whisper call (often several: Whisper tends to
        drop such a mix) that the next regular check would have made needless."""
        opts = self.options
        if self._turns is None or opts.turn_check_interval_s <= 0:
            return None
        if end - start < opts.turn_min_region_s:
            return None
        since_s = (self._total - self._last_turn_check) / SAMPLE_RATE
        if not now and since_s < opts.turn_check_interval_s:
            return None
        self._last_turn_check = self._total
        low = max(start, end - opts.turn_window_s)
        change = self._turns.find_turn_change(self._slice(low, end), opts.turn_change)
        if change is None:
            return None
        # Where the two overlap, the overlap goes to the new speaker: Whisper, given the end of a
        # turn talked over, often drops the whole turn (seen on the test dialogue).
        pad = self._vad.pad_s
        first_end = min(end, low + min(change.end_s, change.next_start_s) + pad)
        if first_end - start < opts.turn_change.min_turn_s or self._abs(first_end) <= self._last_cut_s + pad:
            return None  # nothing left of the first turn, or the part the last cut already ended
        self._last_cut_s = self._abs(first_end)
        rest = max(start, low + change.next_start_s - pad)
        self._turn_starts = [*self._turn_starts[-1:], self._abs(rest)]
        return first_end, rest

    def _closed_region(self, start: float, end: float) -> list[CaptionEvent]:
        """Finals of the finished region [start, end): one utterance, or two when a handover that
        no check has cut yet is found in it (a reply over the end of a turn, then silence)."""
        early = self._early
        if early is not None and early.matches(self._abs(start), self._abs(end)):
            return self._final(start, end)  # checked for a handover at that pause already
        cut = self._turn_change(start, end, now=True)
        if cut is None:
            return self._final(start, end)
        return self._final(start, cut[0]) + self._final(cut[1], end)

    def _words(
        self,
        start: float,
        end: float,
        options: TranscribeOptions | None = None,
        context_s: float | None = None,
    ) -> list[Word]:
        """Transcribe buffer seconds [start, end) with up to ``context_s`` (default: the options')
        of audio before it; returns the words of [start, end) on the stream clock."""
        keep = int((self.options.context_s if context_s is None else context_s) * SAMPLE_RATE)
        before = np.concatenate([self._history, self._buf[: int(start * SAMPLE_RATE)]])
        context = before[before.size - min(keep, before.size) :]
        audio = np.concatenate([context, self._slice(start, end)])
        utterance_start = self._buf_start / SAMPLE_RATE + start
        offset = utterance_start - context.size / SAMPLE_RATE
        attempt = self._current_prompt(options or self.options.transcribe)
        transcript = self._transcriber.transcribe(audio, attempt)
        words: list[Word] = []
        for seg in transcript.segments:
            seg_words = seg.words or ((Word(seg.start, seg.end, seg.text, 1.0),) if seg.text else ())
            for w in seg_words:
                if w.start + offset + (w.end - w.start) / 2 >= utterance_start:
                    words.append(replace(w, start=w.start + offset, end=w.end + offset))
        return words

    def _current_prompt(self, options: TranscribeOptions) -> TranscribeOptions:
        """``options`` with the caller's current prompt, where it has one (see ``__init__``)."""
        if self._prompt is None or options is self.options.retry_transcribe:
            return options
        prompt = self._prompt()
        return options if prompt is None else replace(options, initial_prompt=prompt)

    def _final_words(self, start: float, end: float) -> list[Word]:
        """Words of a final (or early final) over buffer seconds [start, end); when the first
        attempt is empty on enough speech, tried again with ``retry_transcribe``, then with audio
        context (see the module docstring)."""
        opts = self.options
        words = self._words(start, end)
        if words or end - start < opts.retry_min_s:
            return words
        if opts.retry_transcribe != opts.transcribe:
            words = self._words(start, end, opts.retry_transcribe)
        if not words and opts.context_retry_s > 0:
            words = self._words(start, end, opts.context_retry_transcribe, opts.context_retry_s)
        log.debug("empty transcription of %.2f s of speech retried: %d words", end - start, len(words))
        return words

    def _voice(self, audio: np.ndarray) -> np.ndarray | None:
        """Speaker embedding of an utterance, ``None`` when it is too short to embed reliably."""
        if self._embedding is None or audio.size < self.options.min_embed_s * SAMPLE_RATE:
            return None
        return self._embedding.embed(audio)

    def _partial(self, start: float, end: float, behind: bool) -> list[CaptionEvent]:
        since_s = (self._total - self._last_partial) / SAMPLE_RATE
        if behind or since_s < self.options.partial_interval_s:
            return []
        quiet_s = self._stream_vad.trailing_silence_s(self.options.vad_threshold)
        if quiet_s >= self.options.defer_partial_s and since_s < self.options.partial_max_gap_s:
            return []  # the speaker may be pausing: keep the worker free for the early final
        self._last_partial = self._total
        words = self._words(start, end, self.options.partial_transcribe)
        if not words:
            return []
        caption = Caption(words[0].start, words[-1].end, self._last_speaker, join_words(words), tuple(words))
        return [CaptionEvent("partial", caption, self.audio_s)]

    def _paused_speech_end(self, start: float, end: float) -> float | None:
        """Where the speech of the open region [start, end) stops, in buffer seconds, if the
        speaker has paused (``pause_s`` of silence at its end); ``None`` while they speak on."""
        if self.options.pause_s <= 0:
            return None
        pieces = self._stream_vad.regions(int(end * SAMPLE_RATE), self._pause_vad, int(start * SAMPLE_RATE))
        if not pieces or pieces[-1][1] >= end - start - 1e-3:
            return None
        return start + pieces[-1][1]

    def _new_pause(self, start: float, end: float) -> bool:
        """Whether the speaker has paused in the open region and that pause has not been
        transcribed as an early final yet."""
        speech_end = self._paused_speech_end(start, end)
        if speech_end is None:
            return False
        return self._early is None or not self._early.matches(self._abs(start), self._abs(speech_end))

    def _early_final(self, start: float, end: float, behind: bool) -> list[CaptionEvent] | None:
        """Transcribe the open region now if the speaker has paused; ``None`` if they have not.

        Returns the partial event of the early result (none when it was already shown).
        """
        speech_end = self._paused_speech_end(start, end)
        if speech_end is None:
            return None  # still speaking
        span = (self._abs(start), self._abs(speech_end))
        if self._early is not None and self._early.matches(*span):
            return []  # already transcribed this pause
        # Done even when the worker is behind: it is the final's own Whisper call, made sooner.
        self._last_partial = self._total
        words = self._final_words(start, speech_end)
        voice = self._voice(self._slice(start, speech_end)) if words else None
        self._early = _EarlyFinal(*span, tuple(words), voice)
        if not words or behind:
            return []
        caption = Caption(words[0].start, words[-1].end, self._last_speaker, join_words(words), tuple(words))
        return [CaptionEvent("partial", caption, self.audio_s)]

    def _abs(self, buffer_s: float) -> float:
        """Stream time (s) of a buffer time."""
        return self._buf_start / SAMPLE_RATE + buffer_s

    def _final(self, start: float, end: float) -> list[CaptionEvent]:
        early, self._early = self._early, None
        if early is not None and early.matches(self._abs(start), self._abs(end)):
            words, voice = list(early.words), early.voice
        else:
            words = self._final_words(start, end)
            voice = self._voice(self._slice(start, end)) if words else None
        self._last_partial = self._total
        after_handover = any(
            abs(self._abs(start) - t) <= _EarlyFinal.TOLERANCE_S * 2 for t in self._turn_starts
        )
        if not words:
            return []
        speaker = self._label(voice, after_handover=after_handover)
        cues = build_captions([replace(w, speaker=speaker) for w in words], self.options.cues)
        self.finals.extend(cues)
        return [CaptionEvent("final", c, self.audio_s) for c in cues]

    def _label(self, vec: np.ndarray | None, *, after_handover: bool = False) -> str:
        """Speaker of an utterance from its voice: enrolled name, a known voice, or a new
        SPEAKER_xx; an utterance too short to embed (``None``) takes the previous speaker (the
        first such utterance of a stream gets a label that the next new voice then takes).

        ``after_handover``: the utterance starts where the speaker-change check saw another
        speaker take over, so it is not the previous speaker's: too short to embed, it takes the
        last other speaker heard (a new label when there is none), and a label made without a
        voice that belongs to the previous speaker is not the one its voice adopts."""
        previous = self._last_speaker if after_handover else None
        if vec is None:
            if previous is None:
                return self._last_speaker or self._new_label()
            others = [k for k in self._heard if k != previous]
            if not others:
                return self._new_label()
            return self._mark(max(others, key=self._heard.__getitem__))
        speaker = _best(vec, self._enrolled, self.options.naming_threshold)
        if speaker is None:
            unnamed = {k: v for k, v in self._centroids.items() if k not in self._enrolled}
            # a label made for an utterance too short to embed (the stream's first words) takes
            # the first new voice, rather than staying a speaker nobody else can ever match
            voiceless = next((k for k, v in unnamed.items() if v.size == 0 and k != previous), None)
            speaker = _best(vec, unnamed, self.options.speaker_threshold) or voiceless or self._new_label()
        n = self._counts.get(speaker, 0)
        old = self._centroids.get(speaker)
        if old is None or old.size != vec.size:  # enrolled name, or a label made without a voice
            old, n = np.zeros_like(vec), 0
        self._centroids[speaker] = normalise(old * n + vec)
        self._counts[speaker] = n + 1
        return self._mark(speaker)

    def _mark(self, speaker: str) -> str:
        """Record ``speaker`` as the one heard last; returns it."""
        self._heard[speaker] = max(self._heard.values(), default=0) + 1
        self._last_speaker = speaker
        return speaker

    def _new_label(self) -> str:
        label = f"SPEAKER_{sum(1 for k in self._centroids if k.startswith('SPEAKER_')):02d}"
        self._centroids.setdefault(label, np.zeros(0, np.float32))
        return self._mark(label)


def _best(vec: np.ndarray, refs: Mapping[str, np.ndarray], threshold: float) -> str | None:
    best, best_sim = None, threshold
    for name, ref in refs.items():
        if ref.size != vec.size:
            continue
        sim = float(vec @ ref)
        if sim >= best_sim:
            best, best_sim = name, sim
    return best
