"""Speech recognition with faster-whisper (CTranslate2 Whisper, int8 on CPU by default).

Output is Simplified Chinese: Whisper often answers Mandarin in Traditional characters, so the
prompt is written in Simplified characters (which steers the decoder) and every segment and word
is also passed through OpenCC ``t2s`` (which guarantees it). Product and brand names from the
room's catalog go into the prompt (:func:`build_prompt`) so they come out spelled as in the
catalog.

Whisper invents text on silence and noise; guards keep that out of captions: the caller runs VAD
first (and ``vad_filter`` stays on), a segment whose decode failed (a mean log-probability under
Whisper's threshold even after the temperature fallback: silence, noise, or text invented after
the speech ended) is dropped, so are loops, a segment that merely repeats or paraphrases the
prompt (:func:`echoes_prompt`), and, when the language is fixed to Chinese, a sentence written
in Latin letters (Whisper base answers speech it cannot make out with an English sentence:
有没有黑色的 -> "You may you may suffer."), unless its words are in the prompt (catalog names
such as "iPhone 15 Pro"). A room where English is spoken too (a foreign guest) sets the
language to auto (``None``), which leaves the guard off.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from speech.domain import SAMPLE_RATE, Segment, Word
from speech.errors import ModelLoadError, UnsupportedLanguageError
from speech.fallback import FallbackDecoder, decoding

log = logging.getLogger(__name__)

NEUTRAL_PROMPT_ZH = "以下是普通话的句子。"
"""Neutral Simplified-Chinese prompt ("what follows are Mandarin sentences"): the default
(``TranscribeOptions.default_prompt``) of recordings, and the prompt of the live retry of a lost
utterance (live utterances keep :data:`DEFAULT_PROMPT_ZH` first, see
:data:`speech.live.RETRY_PROMPT_ZH`).

Measured against the scene prompt :data:`DEFAULT_PROMPT_ZH`, the default of recordings before it
(2 cores, Whisper base int8, the same guards). On the 55.8 s real-speech stream of
``benchmarks/bench_captions.py`` (8 read sentences) the scene prompt made Whisper end its first
30 s window after one sentence (22 s lost, CER 0.463); the neutral prompt hears it all (CER
0.186, as raw faster-whisper). On the 41 single-sentence clips of ``evals/captions_real.py``:
CER 0.212 -> 0.206 on the corpus transcripts, 0.243 -> 0.232 on all, inserted characters 4 -> 5
of 1635 (a deletion re-aligned as an insertion, no invented word). Whisper echoes this prompt on
silence as a paraphrase (这就是普通话的句子。), which :func:`echoes_prompt` drops."""

DEFAULT_PROMPT_ZH = "直播间里，主播正在介绍商品。"
"""Scene prompt (a live-room sentence): the first prompt of live utterances
(:func:`speech.live.utterance_options`; why there, :data:`speech.live.RETRY_PROMPT_ZH`) and
:func:`build_prompt`'s for a catalog without names. Not for recordings: on a recording of
several sentences Whisper ended its first 30 s window after the first (:data:`NEUTRAL_PROMPT_ZH`)."""

ENCODER_MARGIN_S = 1.0
"""Audio-free seconds kept after a clip in a fitted encoder window (the window is whole seconds)."""
ENCODER_MIN_WINDOW_S = 12
"""Shortest fitted encoder window, seconds. Live finals of the test dialogue, by floor: 8 s CER
0.62, 12 s 0.59, 16 s 0.58, 20 s 0.64, the full 30 s 0.57 (all within that clip's noise); the
12 s window costs 0.15 s of encoder time instead of 0.85 s."""
_FULL_WINDOW_FRAMES = 3000  # Whisper's 30 s window in 10 ms mel frames

_PROMPT_MAX_CHARS = 120  # Whisper keeps at most ~224 prompt tokens; a Chinese char is 1-2 tokens


@dataclass(frozen=True)
class TranscribeOptions:
    """Decoding options (see faster-whisper ``WhisperModel.transcribe``).

    ``language``: ``"zh"`` (default) or another ISO code; ``None`` detects the language.
    ``initial_prompt``: ``None`` uses ``default_prompt`` for Mandarin/auto (no prompt otherwise).
    ``default_prompt``: :data:`NEUTRAL_PROMPT_ZH` (recordings; live utterances use the scene
    prompt :data:`DEFAULT_PROMPT_ZH`, see both).
    ``hotwords``: extra words to favour (faster-whisper ``hotwords``). Rooms do not use it: on
    10 real read sentences that name no product, four catalog names as hotwords put them into
    the captions of 5 clips (inserted characters 0.37 of the reference, CER 0.22 -> 0.58), while
    the same names in the prompt (:func:`build_prompt`) leaked none (CER 0.22).
    ``simplified``: convert the output to Simplified Chinese with OpenCC.
    ``no_speech_threshold``: faster-whisper skips a window whose no-speech probability is above
    it (and whose decode fails ``log_prob_threshold``). ``log_prob_threshold``: Whisper's mark of
    a failed decode; a window below it is decoded again at the next fallback temperature.
    ``min_avg_logprob``: a segment whose mean log-probability is still below this after the
    fallback is dropped (``None`` keeps it); Whisper's own -1.0 by default. With word timestamps,
    faster-whisper decodes the half second after the last word again; on short real clips that remnant came
    back as a sentence nobody said ("..." + 看不清楚), always at a mean log-probability of -1.5 to
    -1.8 with a no-speech probability of 0.45-0.57 (under the 0.6 that Whisper's own silence
    rule asks for), while every real segment of the 41 development clips scored above -1.0 but
    one, a child's barely-recognised reading (``evals/captions_real.py``).
    ``compression_ratio_threshold``: segments more repetitive than this are dropped (loops).
    ``temperatures``: decoding temperatures tried in turn when a result looks like a loop or has
    a low log-probability (Whisper's fallback); ``(0.0,)`` disables the fallback, which bounds
    the time per call (live captions use that).
    ``best_of``: candidates sampled at each fallback temperature (the best by log-probability is
    kept). faster-whisper's default is 5; on the test dialogue 1 ran at Whisper RTF 0.21 instead
    of 0.35 with CER 0.32-0.40 instead of 0.47-0.61 (three seeds each; 2: RTF 0.22-0.30, CER
    0.38-0.44), so 1 is the default. Audio that never falls back is not affected, nor is a
    ``repeatable`` call (its fallback rungs are beam searches, not samples).
    ``max_tokens_per_s``: for clips shorter than Whisper's 30 s window, caps the tokens decoded
    at this many per second of audio (+8), so a hallucinated loop ends quickly; ``None`` = no cap.
    ``detect_other_language``: when the language is fixed and nothing of the audio came out in
    it, ask Whisper which language is spoken; if another one, with a probability of at least
    :data:`OTHER_LANGUAGE_CONFIDENCE`, and the audio decodes in it, return that and say so
    (``Transcript.language`` and ``Transcript.warnings``), rather than return nothing (English
    speech with ``zh`` fixed came out as nothing: the wrong-script guard drops it). Live
    utterances leave it off (a silent utterance is common there and must stay cheap).
    ``repeatable``: decode the fallback temperatures without sampling
    (:func:`speech.fallback.repeatable_fallback`), so the same audio and options give the same
    text on every call, whatever ran before in the process; ``False`` samples as Whisper does
    (the result then depends on the random state the earlier calls left, see :class:`Transcriber`).
    ``no_repeat_ngram_size``: forbids repeating any n-gram of this many tokens (0: off); a
    hallucinated loop then cannot form (live retries use 3; real speech repeats phrases, so the
    first attempt leaves it off).
    ``fit_encoder_window``: for clips shorter than 30 s, run Whisper's encoder over a window fitted
    to the clip (:func:`fitted_encoder_frames`) instead of the zero-padded 30 s window. The
    encoder's cost grows faster than linearly with its window (0.85 s for 30 s, 0.11 s for 10 s on
    2 cores with Whisper base int8), so short live utterances are captioned several times faster.
    Whisper was trained on 30 s windows: much shorter ones made it drop or mishear more of the
    test dialogue, hence a floor of ``min_encoder_window_s`` (:data:`ENCODER_MIN_WINDOW_S` by
    default); it is off for recordings.
    """

    language: str | None = "zh"
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = True
    initial_prompt: str | None = None
    default_prompt: str = NEUTRAL_PROMPT_ZH
    hotwords: str | None = None
    simplified: bool = True
    condition_on_previous_text: bool = False
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    min_avg_logprob: float | None = -1.0
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    best_of: int = 1
    max_tokens_per_s: float | None = None
    fit_encoder_window: bool = False
    min_encoder_window_s: int = ENCODER_MIN_WINDOW_S
    no_repeat_ngram_size: int = 0
    repeatable: bool = True
    detect_other_language: bool = True

    def __post_init__(self) -> None:
        check_language(self.language)


@lru_cache(maxsize=1)
def whisper_languages() -> frozenset[str]:
    """The language codes Whisper knows (ISO 639-1 plus ``yue``, ``haw``, ...)."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def check_language(language: str | None) -> None:
    """Raise :class:`UnsupportedLanguageError` unless ``language`` is ``None`` (detect) or a code
    Whisper knows (faster-whisper would fail deep inside the first transcription instead)."""
    if language is not None and language not in whisper_languages():
        raise UnsupportedLanguageError(
            f"unknown language {language!r}: use a code Whisper knows (zh, en, ja, ko, yue, ...) or auto"
        )


OTHER_LANGUAGE_CONFIDENCE = 0.7
"""Whisper's language probability above which speech is taken to be in another language than the
requested one (see ``TranscribeOptions.detect_other_language``)."""


@dataclass(frozen=True)
class Transcript:
    """Segments of one transcription, the language they are in, the audio duration (seconds),
    and warnings for the caller (e.g. the speech was in another language than requested)."""

    segments: tuple[Segment, ...]
    language: str | None
    duration_s: float
    warnings: tuple[str, ...] = ()


def build_prompt(product_names: Sequence[str], *, lead: str = "直播间商品：") -> str:
    """A Simplified-Chinese prompt listing catalog names, so Whisper spells them the same way.

    Names are de-duplicated in order and cut to fit Whisper's prompt budget (~120 characters).
    """
    seen: dict[str, None] = {}
    for name in product_names:
        clean = " ".join(name.split())
        if clean:
            seen.setdefault(clean, None)
    prompt = lead
    for name in seen:
        piece = name if prompt == lead else "、" + name
        if len(prompt) + len(piece) + 1 > _PROMPT_MAX_CHARS:
            break
        prompt += piece
    return prompt + "。" if prompt != lead else DEFAULT_PROMPT_ZH


_window = threading.local()  # the fitted encoder window (mel frames) of this thread's call


def fitted_encoder_frames(duration_s: float, min_window_s: int = ENCODER_MIN_WINDOW_S) -> int | None:
    """Mel frames of the fitted encoder window for a clip of ``duration_s`` seconds: the clip plus
    :data:`ENCODER_MARGIN_S`, rounded up to whole seconds, at least ``min_window_s``;
    ``None`` where that is the full window."""
    frames = max(min_window_s, math.ceil(duration_s + ENCODER_MARGIN_S)) * 100
    return frames if frames < _FULL_WINDOW_FRAMES else None


@lru_cache(maxsize=1)
def _windowed_model_class() -> type:
    """faster-whisper's ``WhisperModel``, whose encoder honours the calling thread's window and
    whose fallback decodes are repeatable when the call asks (:class:`speech.fallback.FallbackDecoder`).

    faster-whisper always pads a clip's features to the 30 s window; CTranslate2's encoder takes
    fewer frames, so the padding is cut off here, where the features reach the encoder.
    """
    from faster_whisper import WhisperModel

    class WindowedWhisperModel(WhisperModel):  # type: ignore[misc]  # faster-whisper is untyped
        model: Any  # CTranslate2's Whisper (set by WhisperModel.__init__), then wrapped

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.model = FallbackDecoder(self.model)

        def encode(self, features: np.ndarray) -> Any:
            frames = getattr(_window, "frames", None)
            if frames is not None:
                features = features[..., :frames]
            return super().encode(features)

    return WindowedWhisperModel


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (OpenCC ``t2s``); other scripts pass through."""
    return str(_t2s().convert(text))


class Transcriber:
    """A faster-whisper model loaded once (lazily, thread-safe) and reused for every call.

    ``num_workers`` > 1 lets that many threads transcribe in parallel (CTranslate2 workers).
    ``seed`` seeds the sampling of calls with ``repeatable=False`` (Whisper's own temperature
    fallback samples; repeatable calls, the default, never do). CTranslate2 seeds each decoding
    thread once, from the seed in force when that thread first samples, so it is set just before
    the model loads: a freshly loaded model then gives the same captions for the same *sequence*
    of sampled calls, but each sampled call moves the state on (:mod:`speech.fallback`).
    ``None`` leaves the sampling unseeded.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 0,
        num_workers: int = 1,
        seed: int | None = 0,
    ) -> None:
        self.model_dir = model_dir
        self.seed = seed
        self._kwargs = {
            "device": device,
            "compute_type": compute_type,
            "cpu_threads": cpu_threads,
            "num_workers": num_workers,
        }
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        """Load the model now (it is otherwise loaded on first use); returns the WhisperModel."""
        with self._lock:
            if self._model is None:
                path = Path(self.model_dir)
                if (path.is_absolute() or path.exists()) and not (path / "model.bin").is_file():
                    raise ModelLoadError(
                        f"no Whisper model at {path} (model.bin missing); install the models first"
                    )
                if self.seed is not None:
                    import ctranslate2

                    ctranslate2.set_random_seed(self.seed)
                try:
                    self._model = _windowed_model_class()(str(self.model_dir), **self._kwargs)
                except (OSError, RuntimeError, ValueError) as exc:
                    raise ModelLoadError(f"cannot load the Whisper model {self.model_dir}: {exc}") from exc
                log.info("loaded Whisper model from %s", self.model_dir)
            return self._model

    def transcribe(
        self,
        audio: np.ndarray,
        options: TranscribeOptions | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe a 16 kHz mono float32 waveform; ``progress(fraction)`` follows the audio.

        Consumes faster-whisper's lazy segment generator here, so all the work happens in the
        calling thread (run it off any event loop).
        """
        opts = options or TranscribeOptions()
        model = self.load()
        duration = audio.size / SAMPLE_RATE
        prompt = opts.initial_prompt
        if prompt is None and opts.language in (None, "zh"):
            prompt = opts.default_prompt
        if audio.size == 0:
            return Transcript((), opts.language, 0.0)
        max_new_tokens = None
        if opts.max_tokens_per_s is not None and duration < 30.0:
            max_new_tokens = int(duration * opts.max_tokens_per_s) + 8
        if opts.fit_encoder_window:
            _window.frames = fitted_encoder_frames(duration, opts.min_encoder_window_s)
        decoding.repeatable, decoding.beam_size = opts.repeatable, opts.beam_size
        try:
            transcript = self._decode(model, audio, opts, prompt, max_new_tokens, progress)
            if transcript.segments or opts.language is None or not opts.detect_other_language:
                return transcript
            return self._other_language(model, audio, opts, max_new_tokens) or transcript
        finally:
            _window.frames = None
            decoding.repeatable = False

    def _other_language(
        self, model: Any, audio: np.ndarray, opts: TranscribeOptions, max_new_tokens: int | None
    ) -> Transcript | None:
        """The audio transcribed in the language Whisper hears, when that confidently differs
        from ``opts.language``; ``None`` otherwise. The caller's prompt is not used (it is in the
        requested language). Audio without speech (by the VAD) is not asked about."""
        from speech.vad import speech_regions

        if not speech_regions(audio):
            return None
        spoken, probability, _ = model.detect_language(audio, vad_filter=True)
        if spoken == opts.language or probability < OTHER_LANGUAGE_CONFIDENCE:
            return None
        other = replace(opts, language=spoken, initial_prompt=None, hotwords=None)
        prompt = opts.default_prompt if spoken == "zh" else None
        found = self._decode(model, audio, other, prompt, max_new_tokens, None)
        if not found.segments:  # not that language either (a child's Mandarin read as 'en' at 0.85)
            log.info("no %s speech either (detected at %.2f): no captions", spoken, probability)
            return None
        warning = (
            f"the speech is in {spoken!r} (probability {probability:.2f}), not the requested "
            f"{opts.language!r}: transcribed in {spoken!r}; use language=auto for a room where "
            "several languages are spoken"
        )
        log.warning(warning)
        return Transcript(found.segments, spoken, found.duration_s, (warning,))

    def _decode(
        self,
        model: Any,
        audio: np.ndarray,
        opts: TranscribeOptions,
        prompt: str | None,
        max_new_tokens: int | None,
        progress: Callable[[float], None] | None,
    ) -> Transcript:
        """Run faster-whisper and consume its lazy segments (the decoding happens here)."""
        duration = audio.size / SAMPLE_RATE
        raw_segments, info = model.transcribe(
            np.ascontiguousarray(audio, dtype=np.float32),
            language=opts.language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad_filter,
            word_timestamps=opts.word_timestamps,
            initial_prompt=prompt,
            hotwords=opts.hotwords,
            condition_on_previous_text=opts.condition_on_previous_text,
            no_speech_threshold=opts.no_speech_threshold,
            log_prob_threshold=opts.log_prob_threshold,
            compression_ratio_threshold=opts.compression_ratio_threshold,
            temperature=list(opts.temperatures),
            best_of=opts.best_of,
            max_new_tokens=max_new_tokens,
            no_repeat_ngram_size=opts.no_repeat_ngram_size,
        )
        segments: list[Segment] = []
        for raw in raw_segments:  # the generator does the decoding as it is consumed
            if progress is not None and duration > 0:
                progress(min(1.0, raw.end / duration))
            if _is_hallucination(raw, prompt, opts):
                log.debug("dropped segment %.2f-%.2f %r", raw.start, raw.end, raw.text)
                continue
            segments.append(_to_segment(raw, opts.simplified))
        return Transcript(tuple(segments), info.language, duration)


def _is_hallucination(raw: Any, prompt: str | None, opts: TranscribeOptions) -> bool:
    """A failed decode (by Whisper's own log-probability threshold, after its fallback), a
    repetition loop, an echo of the prompt, or a sentence in the wrong script."""
    if opts.min_avg_logprob is not None and raw.avg_logprob < opts.min_avg_logprob:
        return True
    if raw.compression_ratio > opts.compression_ratio_threshold or _is_loop(raw.text):
        return True
    if opts.language in HAN_LANGUAGES and is_wrong_script(raw.text, prompt):
        return True
    return bool(prompt) and echoes_prompt(raw.text, prompt or "")


HAN_LANGUAGES = frozenset({"zh", "yue"})
"""Languages written in Chinese characters: a segment of theirs in Latin letters is suspect."""
WRONG_SCRIPT_MIN_WORDS = 3
"""Latin words (not in the prompt) that make a segment without Chinese characters a sentence in
the wrong script: "OK", "yes" or "SK-II" alone are fine."""
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def is_wrong_script(text: str, prompt: str | None) -> bool:
    """Whether ``text``, transcribed as Chinese, is a sentence in Latin letters: no Chinese
    character and at least :data:`WRONG_SCRIPT_MIN_WORDS` Latin words that the prompt does not
    hold (a catalog prompt names the brands and models the host may say in English)."""
    if _HAN.search(text):
        return False
    known = {w.lower() for w in _LATIN_WORD.findall(prompt or "")}
    foreign = [w for w in _LATIN_WORD.findall(text) if w.lower() not in known]
    return len(foreign) >= WRONG_SCRIPT_MIN_WORDS


_LOOP = re.compile(r"(.{1,4}?)\1{3,}")


def _is_loop(text: str) -> bool:
    """One unit of 1-4 characters repeated 4+ times covering most of a segment (short segments
    escape the compression-ratio test: "鞋 鞋 鞋 鞋 鞋")."""
    bare = _bare(text)
    match = _LOOP.search(bare)
    return match is not None and len(match.group(0)) >= 0.6 * len(bare)


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CLAUSE = re.compile(r"[，。！？；：、,.!?;:\s]+")
_SENTENCE_END = re.compile(r"[。！？!?]+")


PARAPHRASE_SHARE = 0.75
"""Share of a segment's characters, and of the prompt's, that must be one sequence in the same
order (their longest common subsequence) for the segment to be a paraphrase of the prompt.

Whisper, given a prompt and no speech it can make out, answers with the prompt or a variant of it
with a word or two swapped (以下是普通话的句子。 -> 这就是普通话的句子。: 7 of 9 characters on
each side). A real sentence that names a catalog product shares the name with the prompt but
carries words of its own and leaves the rest of the prompt out; asking both sides for three
quarters keeps it (这个兰蔻小黑瓶精华肌底液 against 直播间商品：兰蔻小黑瓶精华肌底液。: 10 of its
12 characters, but only 10 of the prompt's 15)."""
_PARAPHRASE_MIN_CHARS = 4  # shorter texts are left to the exact-piece rule of _only_prompt


def echoes_prompt(text: str, prompt: str) -> bool:
    """Whether ``text`` is an echo of ``prompt``: made only of pieces of it (:func:`_only_prompt`),
    or it or each of its clauses a paraphrase of the whole prompt or of one of its sentences
    (:func:`paraphrases_prompt`: Whisper repeats its echo at times, a first time cut short, and a
    prompt joined from several, such as the neutral sentence and a room's product names, is echoed
    a sentence at a time)."""
    if _only_prompt(text, prompt):
        return True
    clauses = [c for c in _CLAUSE.split(text) if _bare(c)]
    if not clauses:
        return False
    sentences = [s for s in _SENTENCE_END.split(prompt) if _bare(s)]
    return any(
        paraphrases_prompt(text, whole) or _each_clause_echoes(clauses, whole)
        for whole in dict.fromkeys([prompt, *sentences])
    )


def _each_clause_echoes(clauses: list[str], prompt: str) -> bool:
    """Whether every clause paraphrases ``prompt`` or is a start of the echo that another clause
    completes (这就是普通话。这就是普通话的句子。: the first is part of the second)."""
    paraphrased = [paraphrases_prompt(c, prompt) for c in clauses]
    echoes = [_bare(c) for c, echo in zip(clauses, paraphrased, strict=True) if echo]
    return bool(echoes) and all(
        echo or any(_bare(c) in whole for whole in echoes)
        for c, echo in zip(clauses, paraphrased, strict=True)
    )


def paraphrases_prompt(text: str, prompt: str) -> bool:
    """Whether ``text`` is the prompt with at most a quarter of it changed: their longest common
    subsequence of characters (punctuation and spaces left out, Traditional read as Simplified)
    is at least :data:`PARAPHRASE_SHARE` of both."""
    a, b = _bare(text), _bare(prompt)
    if len(a) < _PARAPHRASE_MIN_CHARS or not b:
        return False
    if min(len(a), len(b)) < PARAPHRASE_SHARE * max(len(a), len(b)):
        return False  # the common part cannot reach the share of the longer one
    return _common_subsequence(a.lower(), b.lower()) >= PARAPHRASE_SHARE * max(len(a), len(b))


def _common_subsequence(a: str, b: str) -> int:
    """Length of the longest common subsequence of ``a`` and ``b`` (characters in order)."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _only_prompt(text: str, prompt: str) -> bool:
    """True when ``text`` is made only of pieces of the prompt (an echo, possibly repeated)."""
    original = rest = _bare(text)
    if not rest:
        return False
    pieces = sorted({_bare(p) for p in _CLAUSE.split(prompt) if _bare(p)}, key=len, reverse=True)
    for piece in pieces:
        rest = rest.replace(piece, "")
    whole = _bare(prompt)
    if rest != original:  # whole clauses of the prompt, maybe with a stray character or two
        return len(rest) <= 2 and rest in whole
    return len(original) >= 4 and original in whole  # a part of a clause, long enough to be an echo


def _bare(text: str) -> str:
    return _NON_WORD.sub("", to_simplified(text))


def _to_segment(raw: Any, simplified: bool) -> Segment:
    def conv(text: str) -> str:
        return to_simplified(text) if simplified else text

    words = tuple(
        Word(start=float(w.start), end=float(w.end), text=conv(w.word), probability=float(w.probability))
        for w in (raw.words or ())
    )
    return Segment(
        start=float(raw.start),
        end=float(raw.end),
        text=conv(raw.text).strip(),
        words=words,
        avg_logprob=float(raw.avg_logprob),
        no_speech_prob=float(raw.no_speech_prob),
        compression_ratio=float(raw.compression_ratio),
        temperature=float(raw.temperature or 0.0),
    )
