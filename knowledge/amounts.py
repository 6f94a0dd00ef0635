"""The one rule for a CNY amount, wherever it enters: imports, product patches, promotions.

An amount is a plain decimal number of yuan: ASCII digits, at most two decimals (whole fen), at least
0 and at most ``MAX_AMOUNT``. There is no exponent ("1e3"), no digit grouping with underscores
("1_000"), no sign, no NaN or infinity, and no digits of other scripts: ``Decimal`` itself accepts all
of those, and an amount such as ``1e5000`` or a 400-digit price cannot be rounded to fen (``quantize``
fails beyond 28 significant digits), so every answer that mentioned it would fail.

``parse_amount`` reads the canonical spelling ("199", "199.5", "199.00"; an ``int``; a finite
``Decimal``) and is what the HTTP API accepts. Spreadsheet cells are typed by people, so the import
reader (``knowledge.ingest.cells.parse_money``) first removes the currency sign, 元, thousands commas
and spaces and turns full-width digits into ASCII, then applies this same rule.
``amount_problem`` says why an already-typed ``Decimal`` breaks the rule (the store checks every
amount it is asked to save with it, whatever the caller).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")  # under 1亿 yuan: no live-room price or threshold comes near it
_CANONICAL = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?", re.ASCII)
_SHOWN_CHARS = 40


class AmountError(ValueError):
    """A value that is not a valid amount; the message says how to write it."""


def amount_problem(value: Decimal | None) -> str | None:
    """Why ``value`` is not a valid CNY amount (not finite, negative, too large, sub-fen), or None."""
    if value is None:
        return None
    if not value.is_finite():
        return "is not a number"
    if value < 0:
        return "is negative"
    if value > MAX_AMOUNT:
        return f"is larger than {MAX_AMOUNT}"
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        return "has more than two decimals (amounts are in whole fen)"
    return None


def _shown(text: str) -> str:
    return repr(text[:_SHOWN_CHARS] + ("..." if len(text) > _SHOWN_CHARS else ""))


def parse_amount(raw: object) -> Decimal:
    """The amount ``raw`` stands for, quantized to fen; ``AmountError`` names what is wrong.

    Accepts text in the canonical spelling ("199", "19.9", "199.00"), an ``int`` or a finite
    ``Decimal``; a ``bool``, a ``float`` (binary fractions are not amounts) or anything else is refused.
    """
    if isinstance(raw, bool) or raw is None:
        raise AmountError("expected an amount such as '199.00'")
    if isinstance(raw, str):
        if not _CANONICAL.fullmatch(raw):
            raise AmountError(
                f"{_shown(raw)} is not an amount; write yuan with ASCII digits and at most two decimals,"
                f" between 0 and {MAX_AMOUNT}, like '199.00' (no sign, exponent, separators or currency)"
            )
        value = Decimal(raw)
    elif isinstance(raw, int):
        if abs(raw) > MAX_AMOUNT:
            raise AmountError(f"amount {_shown(str(raw))} is larger than {MAX_AMOUNT}")
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    else:
        raise AmountError(f"expected an amount such as '199.00', got a {type(raw).__name__}")
    why = amount_problem(value)
    if why is not None:
        raise AmountError(f"amount {_shown(str(value))} {why}")
    return value.quantize(CENT)
