"""Caption renderers (pure functions): SRT, WebVTT with voice spans, JSON, RTTM and plain text.

Times are seconds in the domain types and are written with millisecond precision. Speaker labels
go where each format expects them: a ``名字：`` prefix in SRT and text, ``<v 名字>`` spans in
WebVTT, a ``speaker`` field in JSON, the speaker column in RTTM.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from speech.domain import Caption, Turn
from speech.text import join_texts

FORMATS = ("srt", "vtt", "json", "rttm", "text")


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_srt(captions: Sequence[Caption], *, speakers: bool = True) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm`` times, ``speaker：`` prefix when labelled."""
    blocks = []
    for i, cue in enumerate(captions, start=1):
        text = _one_line(cue.text)
        if speakers and cue.speaker:
            text = f"{cue.speaker}：{text}"
        blocks.append(f"{i}\n{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(captions: Sequence[Caption]) -> str:
    """WebVTT: ``HH:MM:SS.mmm`` times, each labelled cue wrapped in a ``<v speaker>`` voice span."""
    out = ["WEBVTT\n"]
    for cue in captions:
        text = _vtt_escape(_one_line(cue.text))
        if cue.speaker:
            text = f"<v {_vtt_escape(_one_line(cue.speaker))}>{text}</v>"
        out.append(f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}\n{text}\n")
    return "\n".join(out)


def caption_dicts(captions: Sequence[Caption]) -> list[dict[str, Any]]:
    """JSON-ready segments: ``{id, start, end, speaker, text, words: [{start, end, word,
    probability, speaker}]}`` (times in seconds, 3 decimals)."""
    return [
        {
            "id": i,
            "start": round(cue.start, 3),
            "end": round(cue.end, 3),
            "speaker": cue.speaker,
            "text": cue.text,
            "words": [
                {
                    "start": round(w.start, 3),
                    "end": round(w.end, 3),
                    "word": w.text,
                    "probability": round(w.probability, 3),
                    "speaker": w.speaker,
                }
                for w in cue.words
            ],
        }
        for i, cue in enumerate(captions)
    ]


def to_json(
    captions: Sequence[Caption], *, language: str | None = None, duration_s: float | None = None
) -> str:
    """Verbose JSON (OpenAI ``verbose_json``-like, plus speakers): text, language, duration, segments."""
    speakers: dict[str, None] = {}
    for cue in captions:
        if cue.speaker:
            speakers.setdefault(cue.speaker, None)
    doc = {
        "text": join_texts(c.text for c in captions),
        "language": language,
        "duration": None if duration_s is None else round(duration_s, 3),
        "speakers": list(speakers),
        "segments": caption_dicts(captions),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_RTTM_UNSAFE = re.compile(r"\s+")


def to_rttm(turns: Sequence[Turn], *, uri: str = "audio") -> str:
    """RTTM (NIST): one ``SPEAKER uri 1 start duration <NA> <NA> speaker <NA> <NA>`` line per turn."""
    uri = _RTTM_UNSAFE.sub("_", uri) or "audio"
    return "".join(
        f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> "
        f"{_RTTM_UNSAFE.sub('_', t.speaker)} <NA> <NA>\n"
        for t in sorted(turns, key=lambda t: (t.start, t.end))
    )


def to_text(captions: Sequence[Caption], *, speakers: bool = False) -> str:
    """Plain text, one cue a line; with ``speakers``, consecutive cues of one speaker share a line
    starting ``speaker：``."""
    if not speakers:
        return "".join(_one_line(c.text) + "\n" for c in captions)
    lines: list[tuple[str | None, str]] = []
    for cue in captions:
        if lines and lines[-1][0] == cue.speaker:
            lines[-1] = (cue.speaker, join_texts([lines[-1][1], _one_line(cue.text)]))
        else:
            lines.append((cue.speaker, _one_line(cue.text)))
    return "".join((f"{spk}：{text}" if spk else text) + "\n" for spk, text in lines)
