"""Numbers in reply text, classified by what they claim: money, a discount rate, a duration, a
clock time, a date, or a plain number.

The scorer checks each class against a different set of facts (see ``grounding``), so the class
matters more than the exact value format: ``89``, ``89.00``, ``¥89``, ``89元`` and ``89块`` are all
the money amount 89. A number is money when it carries a currency mark (``¥``/``￥`` before it, or
``元``/``块``/``yuan``/``RMB``/``CNY`` after it, ``减`` right before it), sits in ``满X减Y``, or
continues a money range
(``¥59.90-75.90``). The reply's leading ``@昵称`` address is skipped: nicknames are not claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    MONEY = "money"  # ¥89, 89元, 满200减30
    RATE = "rate"  # 9折 (value 9), 10% off (value 10, kind RATE_OFF)
    RATE_OFF = "rate_off"
    DURATION = "duration"  # 15天, 24小时, 12个月, 7 days: promises the business is held to
    COUNTDOWN = "countdown"  # 5分钟, 20秒, 3 min: computed from the clock
    TIME = "time"  # 20:10, 21点
    DATE = "date"  # 12月5日
    NUMBER = "number"  # anything else: 50ml, 316, 3号链接


@dataclass(frozen=True, slots=True)
class Mention:
    """One number in a reply: its value, its class and the text it was read from."""

    kind: Kind
    value: Decimal  # for TIME: hours*100 + minutes (20:10 -> 2010); for DATE: month*100 + day
    text: str


_ADDRESS_RE = re.compile(r"^\s*(?:@\S+\s*)+(?:等\d+位\s*|and \d+ more\s*)?")
_TIME_RE = re.compile(
    r"(?<![\d.])([01]?\d|2[0-4])\s*[:：]\s*([0-5]\d)(?!\d)|(?<![\d.])([01]?\d|2[0-4])\s*点\s*(半|[0-5]?\d\s*分?)?"
)
_DATE_RE = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\s*月\s*([0-3]?\d)\s*[日号]")
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
_MONEY_AFTER_RE = re.compile(r"^\s*(?:元|块|圆|yuan\b|rmb\b|cny\b)", re.IGNORECASE)
_MONEY_BEFORE_RE = re.compile(r"(?:[¥￥]|rmb|cny)\s*$|减$", re.IGNORECASE)
_SPEND_BEFORE_RE = re.compile(r"满$")  # 满200减30: "满" right before the number ...
_SPEND_AFTER_RE = re.compile(r"^\s*(?:元|块)?\s*减")  # ... and "减" right after it
_RATE_AFTER_RE = re.compile(r"^\s*折")
_RATE_OFF_AFTER_RE = re.compile(r"^\s*%\s*off", re.IGNORECASE)
_DURATION_AFTER_RE = re.compile(
    r"^\s*(?:天|日(?!\d)|个?小时|个月|周|年|days?\b|hours?\b|h\b|months?\b|weeks?\b|years?\b)", re.IGNORECASE
)
_COUNTDOWN_AFTER_RE = re.compile(r"^\s*(?:分钟|分|秒|min\b|mins\b|minutes?\b|s\b|seconds?\b)", re.IGNORECASE)
_RANGE_BEFORE_RE = re.compile(r"[-~～至到]\s*$")


def to_decimal(text: str) -> Decimal | None:
    """``text`` as a Decimal, or None when it is not a plain number ("89", "89.00", "0.9")."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def strip_address(text: str) -> str:
    """The reply without its leading ``@昵称`` address (nicknames may contain digits)."""
    return _ADDRESS_RE.sub("", text, count=1)


def _times(text: str) -> tuple[list[Mention], list[tuple[int, int]]]:
    found: list[Mention] = []
    spans: list[tuple[int, int]] = []
    for m in _TIME_RE.finditer(text):
        if m.group(1) is not None:
            hour, minute = int(m.group(1)), int(m.group(2))
        else:
            hour = int(m.group(3))
            tail = (m.group(4) or "").replace("分", "").strip()
            minute = 30 if tail == "半" else int(tail) if tail else 0
        found.append(Mention(Kind.TIME, Decimal(hour * 100 + minute), m.group(0)))
        spans.append(m.span())
    for m in _DATE_RE.finditer(text):
        found.append(Mention(Kind.DATE, Decimal(int(m.group(1)) * 100 + int(m.group(2))), m.group(0)))
        spans.append(m.span())
    return found, spans


def _classify(text: str, start: int, end: int, previous: Mention | None, gap: str) -> Kind:
    before, after = text[max(0, start - 4) : start], text[end : end + 12]
    if _MONEY_BEFORE_RE.search(before) or _MONEY_AFTER_RE.match(after):
        return Kind.MONEY
    if _SPEND_BEFORE_RE.search(before) and _SPEND_AFTER_RE.match(after):
        return Kind.MONEY
    if _RATE_AFTER_RE.match(after):
        return Kind.RATE
    if _RATE_OFF_AFTER_RE.match(after):
        return Kind.RATE_OFF
    if previous is not None and previous.kind is Kind.MONEY and _RANGE_BEFORE_RE.search(gap):
        return Kind.MONEY  # "¥59.90-75.90": the second end of a money range
    if _DURATION_AFTER_RE.match(after):
        return Kind.DURATION
    if _COUNTDOWN_AFTER_RE.match(after):
        return Kind.COUNTDOWN
    return Kind.NUMBER


def extract(reply: str) -> list[Mention]:
    """Every number in ``reply`` (address stripped), classified: clock times and dates first, then
    the other numbers in reading order (see module doc)."""
    text = strip_address(reply)
    found, taken = _times(text)
    previous: Mention | None = None
    previous_end = 0
    for m in _NUM_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = to_decimal(m.group(0))
        if value is None:
            continue
        kind = _classify(text, m.start(), m.end(), previous, text[previous_end : m.start()])
        previous = Mention(kind, value, m.group(0))
        previous_end = m.end()
        found.append(previous)
    return found


def numbers_in(text: str) -> set[Decimal]:
    """Every plain number in ``text`` (catalog text, a question): the values, unclassified."""
    out = set()
    for m in _NUM_RE.finditer(text):
        value = to_decimal(m.group(0))
        if value is not None:
            out.add(value)
    return out


def time_value(hour: int, minute: int) -> Decimal:
    """The ``Mention.value`` of a clock time (20:10 -> 2010)."""
    return Decimal(hour * 100 + minute)
