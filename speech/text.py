"""Script-aware text helpers for captions: joining cue texts and measuring a cue's width.

Captions hold Chinese (no spaces between words) and space-separated languages (English product
names, English speech). Cue texts are stored without edge spaces, so joining them needs a space
exactly where both sides are narrow characters (``"didn't" + "know"``), never next to a Chinese
character (``"大家好，" + "欢迎"``). Widths are measured in Chinese characters: a wide (CJK,
full-width) character counts 1, a narrow one (Latin letters, digits, ASCII punctuation, spaces)
1/2, as on screen, so one limit suits both scripts (20 -> 20 Chinese characters or 40 Latin).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def is_wide(char: str) -> bool:
    """Whether ``char`` takes a full cell: East Asian Wide or Fullwidth (CJK, kana, CJK punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str) -> float:
    """Width of ``text`` in Chinese characters (a narrow character counts 0.5)."""
    return sum(1.0 if is_wide(c) else 0.5 for c in text)


def join_texts(pieces: Iterable[str]) -> str:
    """Concatenate caption texts, with one space between two narrow characters."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and not is_wide(out[-1]) and not is_wide(piece[0]):
            out += " "
        out += piece
    return out
