"""Parsing one cell: text, amounts, whole numbers, booleans, times, lists, rates, price histories.

Each ``parse_*`` function takes the raw value a reader produced (``str`` from CSV/JSONL, ``int`` /
``float`` / ``bool`` / ``datetime`` from XLSX, ``Decimal`` / ``list`` / ``dict`` from JSON) and
returns the typed value or raises ``CellError`` with a message that says what is wrong and how to
write it instead. Amounts never go through float arithmetic: text is parsed as ``Decimal``, and an
XLSX float becomes ``Decimal(str(value))`` rounded to whole fen.

Formula injection (OWASP "CSV injection"): text is never evaluated. Cells starting with
``= + - @`` (or tab / carriage return) are kept as text and, on CSV/XLSX export, written with a
leading apostrophe; on import a leading apostrophe in front of one of those characters is removed
again, so export -> import gives back the same text.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

from knowledge.amounts import CENT, MAX_AMOUNT, amount_problem
from knowledge.domain import PricePoint

MAX_CELL_CHARS = 10_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FLOAT_NOISE = Decimal("1e-9")

_AMOUNT_JUNK = re.compile(r"[¥,\s元]")
_AMOUNT = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$", re.ASCII)  # after NFKC: no other scripts' digits
_INTEGER = re.compile(r"^-?\d+(?:\.0+)?$")
_TIME = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "对", "√"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "不", "×"})

LIST_SEPARATORS = r"[|;；]"  # aliases
ID_SEPARATORS = r"[|,，;；]"  # product ids, SKU ids
REGION_SEPARATORS = r"[|,，、;；]"  # excluded regions


class CellError(ValueError):
    """A cell whose value cannot be used; the message names the fix."""


def escape_formula(text: str) -> str:
    """Text safe to put in a CSV/XLSX cell: a leading apostrophe if it could start a formula.

    Text that already starts with apostrophes before such a character gets one more, so that
    ``unescape_formula`` always gives the original back.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_PREFIXES) else text


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula``: drop one apostrophe that protects a formula-looking start."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def is_empty(raw: object) -> bool:
    """True for a missing cell: None, blank text, an empty list."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list) and not raw


def to_text(raw: object) -> str:
    """The cell as plain text (stripped; formula-looking text kept as text, never evaluated)."""
    if isinstance(raw, str):
        if len(raw) > MAX_CELL_CHARS:
            raise CellError(f"cell has {len(raw)} characters; the limit is {MAX_CELL_CHARS}")
        return unescape_formula(raw.strip())
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, Decimal):
        return format(raw, "f")
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if raw is None:
        return ""
    raise CellError(f"expected text, got a {type(raw).__name__}")


def _shown(raw: str) -> str:
    """A cell's text for a message, cut to 40 characters."""
    return repr(raw.strip()[:40])


def _formula_hint(raw: str) -> str:
    return "; formulas are not evaluated, enter the value itself" if raw.strip().startswith("=") else ""


def _number_text(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw.strip())


def parse_money(raw: object) -> Decimal:
    """A CNY amount >= 0 with at most 2 decimals ("¥1,299.00", "199", 19.9), at most ``MAX_AMOUNT``.

    People's spellings are accepted here (currency sign, 元, thousands commas, spaces, full-width
    digits); the value then obeys the one amount rule of ``knowledge.amounts``.
    """
    if isinstance(raw, bool) or raw is None:
        raise CellError("expected an amount such as 199.00")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError("amount is not a number")
        if abs(raw) > MAX_AMOUNT:
            raise CellError(f"amount {raw} is larger than {MAX_AMOUNT}")
        raw = Decimal(str(raw))
        rounded = raw.quantize(CENT)
        if abs(raw - rounded) > _FLOAT_NOISE:
            raise CellError(f"amount {raw} has more than 2 decimals")
        raw = rounded
    if isinstance(raw, int):
        raw = Decimal(raw)
    if isinstance(raw, str):
        text = _AMOUNT_JUNK.sub("", _number_text(raw))
        if not _AMOUNT.match(text):
            raise CellError(f"{_shown(raw)} is not an amount; write it like 199.00{_formula_hint(raw)}")
        raw = Decimal(text)
    if not isinstance(raw, Decimal) or not raw.is_finite():
        raise CellError("expected an amount such as 199.00")
    if raw < 0:
        raise CellError(f"amount {raw} is negative; amounts must be >= 0")
    if raw > MAX_AMOUNT:
        raise CellError(f"amount {_shown(str(raw))} is larger than {MAX_AMOUNT}")
    if amount_problem(raw) is not None:
        raise CellError(f"amount {raw} has more than 2 decimals; round it to fen (0.01)")
    return raw.quantize(CENT)


def parse_int(raw: object) -> int:
    """A whole number >= 0 ("1,200", 12, 12.0)."""
    if isinstance(raw, bool):
        raise CellError("expected a whole number")
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise CellError(f"{raw} is not a whole number")
        raw = int(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite() or raw != raw.to_integral_value():
            raise CellError(f"{raw} is not a whole number")
        raw = int(raw)
    if isinstance(raw, str):
        text = re.sub(r"[,\s]", "", _number_text(raw))
        if not _INTEGER.match(text):
            raise CellError(f"{_shown(raw)} is not a whole number{_formula_hint(raw)}")
        raw = int(Decimal(text))
    if not isinstance(raw, int):
        raise CellError("expected a whole number")
    if raw < 0:
        raise CellError(f"{raw} is negative; it must be >= 0")
    return raw


def parse_bool(raw: object) -> bool:
    """true/false, 是/否, 1/0, Y/N (any case)."""
    if isinstance(raw, bool):
        return raw
    text = to_text(raw).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{text[:40]!r} is not a yes/no value; write true/false, 是/否, 1/0 or Y/N")


def parse_time(raw: object, tz: tzinfo) -> datetime:
    """ISO-8601 or "2026-11-21 20:00[:00]" (also with /); naive times are taken in ``tz``."""
    if isinstance(raw, datetime):
        return raw if raw.tzinfo is not None else raw.replace(tzinfo=tz)
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day, tzinfo=tz)
    if not isinstance(raw, str):
        raise CellError("expected a time such as 2026-11-21 20:00")
    text = unicodedata.normalize("NFKC", raw.strip())
    text = text.replace("年", "-").replace("月", "-").replace("日", " ").strip()
    match = _TIME.match(text)
    if not match:
        raise CellError(f"{raw.strip()[:40]!r} is not a time; write 2026-11-21 20:00 or ISO-8601")
    year, month, day, hour, minute, second, micro, offset = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((micro or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise CellError(f"{raw.strip()!r} is not a valid time: {exc}") from None
    return moment.replace(tzinfo=_offset(offset) if offset else tz)


def _offset(text: str) -> tzinfo:
    if text.upper() == "Z":
        return UTC
    digits = text.replace(":", "")
    minutes = int(digits[1:3]) * 60 + int(digits[3:5])
    return timezone(timedelta(minutes=minutes if digits[0] == "+" else -minutes))


def parse_rate(raw: object) -> Decimal:
    """The share paid under a discount, strictly between 0 and 1: 0.9, "9折", "8.5折", "90%"."""
    if isinstance(raw, bool):
        raise CellError("expected a rate such as 0.9")
    if isinstance(raw, float | int):
        value = Decimal(str(raw))
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = _number_text(to_text(raw))
        try:
            if text.endswith("折"):
                number = Decimal(text[:-1])
                value = number / (10 if number < 10 else 100)
            elif text.endswith("%"):
                value = Decimal(text[:-1]) / 100
            else:
                value = Decimal(text)
        except InvalidOperation:
            raise CellError(f"{text[:40]!r} is not a rate; write 0.9, 9折 or 90%") from None
    if not value.is_finite() or not Decimal(0) < value < Decimal(1):
        raise CellError(f"rate {value} must be between 0 and 1 (0.9 means 9折, 10% off)")
    return value


def split_list(raw: object, separators: str = ID_SEPARATORS) -> tuple[str, ...]:
    """A list cell: a JSON list, or text split on ``separators``; blanks dropped, order kept."""
    items = raw if isinstance(raw, list) else re.split(separators, to_text(raw))
    out = [to_text(item) for item in items]
    return tuple(item for item in out if item)


def parse_price_history(raw: object, tz: tzinfo) -> tuple[PricePoint, ...]:
    """Price points, oldest first: "199.00@2026-11-01 00:00|179.00@2026-11-10 00:00" or JSON
    ``[{"effective_from": ..., "price": ...}]``."""
    points: list[PricePoint] = []
    entries = raw if isinstance(raw, list) else split_list(raw, r"\|")
    for n, entry in enumerate(entries, 1):
        if isinstance(entry, dict):
            when, price = entry.get("effective_from"), entry.get("price")
        else:
            price, _, when = to_text(entry).partition("@")
        if is_empty(when) or is_empty(price):
            raise CellError(f"price history entry {n} needs a price and a time (199.00@2026-11-01 00:00)")
        try:
            points.append(PricePoint(parse_time(when, tz), parse_money(price)))
        except CellError as exc:
            raise CellError(f"price history entry {n}: {exc}") from None
    if any(a.effective_from >= b.effective_from for a, b in itertools.pairwise(points)):
        raise CellError("price history must be in time order, oldest first, without repeated times")
    return tuple(points)
