"""Word-to-speaker alignment and caption cue building (pure functions, no models).

Words get the speaker of the exclusive (non-overlapping) diarization turn they overlap most; a
word that overlaps no turn (diarization and ASR disagree about where speech is) gets the nearest
turn's speaker. Cues are then cut at speaker changes, sentence punctuation, pauses, and before
they grow past a maximum length or duration, so each cue is one speaker's readable line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from speech.domain import Caption, Diarization, Segment, Turn, Word
from speech.text import text_width

SENTENCE_END = frozenset("。！？!?…；;.")
CLAUSE_END = frozenset("，、,：:")


@dataclass(frozen=True)
class CueOptions:
    """How captions are cut.

    Lengths are in Chinese characters (:func:`speech.text.text_width`: a Latin letter, digit or
    space counts half), so the same limits suit Chinese and English captions.
    ``max_chars``: most characters on a cue (a line of Chinese subtitles holds ~15-20; 20 is 40
    Latin characters, about the 37-42 of English subtitle guidelines).
    ``max_duration_s``: longest time a cue stays on screen.
    ``pause_s``: a silence between words at least this long starts a new cue.
    ``min_chars_at_comma``: a comma ends the cue once it holds at least this many characters.
    """

    max_chars: int = 20
    max_duration_s: float = 6.0
    pause_s: float = 0.6
    min_chars_at_comma: int = 8


def segment_words(segments: Sequence[Segment]) -> list[Word]:
    """All words of ``segments`` in time order; a segment without word timings counts as one word."""
    words: list[Word] = []
    for seg in segments:
        if seg.words:
            words.extend(seg.words)
        elif seg.text.strip():
            words.append(Word(seg.start, seg.end, seg.text.strip(), 1.0))
    return sorted(words, key=lambda w: (w.start, w.end))


def assign_speakers(words: Sequence[Word], turns: Sequence[Turn]) -> list[Word]:
    """Copy of ``words`` with ``speaker`` set from ``turns`` (max overlap, else nearest turn)."""
    if not turns:
        return list(words)
    return [replace(w, speaker=_speaker_of(w, turns)) for w in words]


def _speaker_of(word: Word, turns: Sequence[Turn]) -> str:
    overlap: dict[str, float] = {}
    for t in turns:
        amount = min(word.end, t.end) - max(word.start, t.start)
        if amount > 0:
            overlap[t.speaker] = overlap.get(t.speaker, 0.0) + amount
    if overlap:
        return max(overlap, key=lambda s: overlap[s])
    mid = (word.start + word.end) / 2
    nearest = min(turns, key=lambda t: max(t.start - mid, mid - t.end, 0.0))
    return nearest.speaker


def build_captions(words: Sequence[Word], options: CueOptions | None = None) -> list[Caption]:
    """Group consecutive words into caption cues (see :class:`CueOptions`)."""
    opts = options or CueOptions()
    cues: list[Caption] = []
    current: list[Word] = []
    for word in words:
        if current and _must_cut(current, word, opts):
            cues.append(_cue(current))
            current = []
        current.append(word)
    if current:
        cues.append(_cue(current))
    return [c for c in cues if c.text]


def _must_cut(current: list[Word], word: Word, opts: CueOptions) -> bool:
    prev = current[-1]
    tail = prev.text.rstrip()[-1:]
    return (
        word.speaker != prev.speaker
        or word.start - prev.end >= opts.pause_s
        or tail in SENTENCE_END
        or (tail in CLAUSE_END and text_width(join_words(current)) >= opts.min_chars_at_comma)
        or text_width(join_words([*current, word])) > opts.max_chars
        or word.end - current[0].start > opts.max_duration_s
    )


def join_words(words: Sequence[Word]) -> str:
    """Text of consecutive words (Whisper words carry their own leading spaces where needed)."""
    return "".join(w.text for w in words).strip()


def _cue(words: list[Word]) -> Caption:
    return Caption(
        start=words[0].start,
        end=max(w.end for w in words),
        speaker=words[0].speaker,
        text=join_words(words),
        words=tuple(words),
    )


def align(
    segments: Sequence[Segment], diarization: Diarization | None, options: CueOptions | None = None
) -> list[Caption]:
    """Segments (+ optional diarization) -> speaker-labelled caption cues."""
    words = segment_words(segments)
    if diarization is not None:
        words = assign_speakers(words, diarization.exclusive_turns or diarization.turns)
    return build_captions(words, options)
