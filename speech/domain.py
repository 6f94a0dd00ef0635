"""Plain result types of the speech package (frozen dataclasses; times in seconds from clip start).

They carry no model objects, so they can be serialised, compared in tests and passed between
threads freely. Speaker labels are strings: ``SPEAKER_00``-style labels from diarization, or an
enrolled name (主播, 嘉宾, ...) once speakers are named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from speech.text import join_texts

SAMPLE_RATE = 16000
"""Sample rate (Hz) of every waveform the package handles internally: float32 mono."""

ProgressHook = Callable[[str, float], None]
"""``hook(stage, fraction)``: ``stage`` is a pipeline stage name, ``fraction`` in [0, 1]."""


@dataclass(frozen=True)
class Word:
    """One recognised word (for Chinese: usually one or two characters, punctuation attached)."""

    start: float
    end: float
    text: str
    probability: float
    speaker: str | None = None


@dataclass(frozen=True)
class Segment:
    """One recognised segment of speech (a Whisper segment) with its words.

    Whisper's own scores of the segment: ``avg_logprob`` (mean token log-probability),
    ``no_speech_prob``, ``compression_ratio`` (gzip ratio of the text; loops score high) and the
    fallback ``temperature`` it was decoded at (0: the first, plain beam search).
    """

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    temperature: float = 0.0


@dataclass(frozen=True)
class Turn:
    """A speaker turn: ``speaker`` talks from ``start`` to ``end`` (seconds)."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class Diarization:
    """Who spoke when.

    ``turns`` may overlap (two people talking at once); ``exclusive_turns`` never overlap and are
    the ones to align words on. ``centroids`` maps each speaker label to its mean speaker
    embedding (L2-normalised), used to name speakers against enrolled voices.
    """

    turns: tuple[Turn, ...]
    exclusive_turns: tuple[Turn, ...]
    centroids: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in sorted(self.turns, key=lambda t: t.start):
            seen.setdefault(turn.speaker, None)
        return list(seen)

    def renamed(self, mapping: Mapping[str, str]) -> Diarization:
        """The same diarization with labels replaced through ``mapping`` (others kept)."""
        return Diarization(
            turns=tuple(replace(t, speaker=mapping.get(t.speaker, t.speaker)) for t in self.turns),
            exclusive_turns=tuple(
                replace(t, speaker=mapping.get(t.speaker, t.speaker)) for t in self.exclusive_turns
            ),
            centroids={mapping.get(k, k): v for k, v in self.centroids.items()},
        )


@dataclass(frozen=True)
class Caption:
    """One caption cue: a single speaker's text shown from ``start`` to ``end``."""

    start: float
    end: float
    speaker: str | None
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class CaptionResult:
    """Everything one batch pipeline run produced.

    ``timings_s`` holds the wall-clock seconds spent per stage (decode, vad, transcribe,
    diarize, align); ``rtf`` is their sum divided by the audio duration (real-time factor).
    ``speaker_names`` maps diarization labels to enrolled names that matched. ``language``: the
    language of the captions; ``warnings``: what the caller should be told (e.g. the speech was in
    another language than the one requested, see ``speech.transcribe.TranscribeOptions``).
    """

    captions: tuple[Caption, ...]
    segments: tuple[Segment, ...]
    diarization: Diarization | None
    duration_s: float
    language: str | None
    speaker_names: Mapping[str, str] = field(default_factory=dict)
    timings_s: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def rtf(self) -> float:
        """Real-time factor: processing seconds per second of audio (0 for empty audio)."""
        if self.duration_s <= 0:
            return 0.0
        return sum(self.timings_s.values()) / self.duration_s

    @property
    def text(self) -> str:
        """The whole transcript as one string (captions joined, spaced where the script needs it)."""
        return join_texts(c.text for c in self.captions)
