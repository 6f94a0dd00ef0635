"""What an LLM answer may contain: only numbers that the grounding facts contain.

Every amount, percentage and count of days or hours in an answer must appear in the grounding text,
else the answer is refused and the caller sends a grounded fallback. Numbers are compared as values
(199 == 199.00 == 一百九十九), including Chinese numerals and 折 rates.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_ARABIC = re.compile(r"\d+(?:[.,]\d+)*")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Words in which a Chinese numeral is not a quantity ("一起", "一下", "万一" ...).
_CN_IDIOMS = (
    "一起",
    "一下",
    "一点",
    "一些",
    "一样",
    "一定",
    "一直",
    "一般",
    "万一",
    "一款",
    "一个",
    "统一",
    "唯一",
    "之一",
    "一直",
)


def cn_to_int(text: str) -> int | None:
    """Chinese numeral to int: 十五 -> 15, 一百九十九 -> 199, 三 -> 3; None if not a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total = (total + section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> set[Decimal]:
    """Every numeric value in ``text`` (Arabic and Chinese numerals), normalised."""
    out: set[Decimal] = set()
    for match in _ARABIC.finditer(text):
        raw = match.group().replace(",", "")
        try:
            out.add(Decimal(raw).normalize())
        except InvalidOperation:
            continue
    cleaned = text
    for idiom in _CN_IDIOMS:
        cleaned = cleaned.replace(idiom, " ")
    for match in _CN_NUMBER.finditer(cleaned):
        value = cn_to_int(match.group())
        if value is not None:
            out.add(Decimal(value).normalize())
    return out


_FOLD = re.compile(r"(\d+(?:\.\d+)?)\s*折")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _rate_equivalents(grounding: str) -> set[Decimal]:
    """The other ways to write the rates in ``grounding``: 9折 = 0.9 = 90%; 85% = 0.85 = 8.5折."""
    out: set[Decimal] = set()
    for match in _FOLD.finditer(grounding):
        fold = Decimal(match.group(1))
        out |= {(fold / 10).normalize(), (fold * 10).normalize(), (100 - fold * 10).normalize()}
    for match in _PERCENT.finditer(grounding):
        pct = Decimal(match.group(1))
        out |= {(pct / 100).normalize(), (pct / 10).normalize()}
    for value in numbers_in(grounding):
        if 0 < value < 1:  # a stored rate such as 0.9
            out |= {(value * 10).normalize(), (value * 100).normalize()}
    return out


def unsupported_numbers(answer: str, grounding: str) -> set[Decimal]:
    """Numbers in ``answer`` that ``grounding`` does not contain (empty set: the answer is safe).

    Rates count in every notation: "9折" in the grounding supports 0.9 and 90%, and a stored rate
    0.9 supports 9折; no other scaling is allowed, so 30 never supports 300.
    """
    allowed = numbers_in(grounding) | _rate_equivalents(grounding)
    return {n for n in numbers_in(answer) if n not in allowed}
