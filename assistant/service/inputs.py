"""Validation of what clients send: clean text, amounts, times and promotions.

Every request model that takes free text from a client derives from ``CleanModel``: JSON may carry
lone UTF-16 surrogates ("\\ud800", half of an emoji cut by a platform), which Python keeps in a
``str`` but which no response, log line or store can encode; they become U+FFFD (the replacement
character) before anything reads the text, so the message is still answered.

Amounts follow ``knowledge.amounts`` (the rule of imports): ``ApiAmount`` takes the canonical
spelling ("199.00" or a JSON integer) and a 422 names the field otherwise. Promotions are read by
``promotion_from_body`` through ``PromotionIn``, so a negative ``quantity_cap``, a float amount or a
start in year 9999 is a 422, never a stored promotion that breaks answers later.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from assistant.service.errors import UnprocessableError
from knowledge.amounts import AmountError, parse_amount
from knowledge.domain import Promotion
from knowledge.serialize import promotion_from_dict

_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_COUNT = 1_000_000_000  # stock, quantity caps, per-viewer limits
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # promotion times; beyond them date arithmetic may overflow
_RATE = re.compile(r"0\.[0-9]{1,4}", re.ASCII)


def scrub_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (valid pairs never reach Python apart)."""
    return _SURROGATE.sub("\ufffd", text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


class CleanModel(BaseModel):
    """A request model whose incoming strings (keys and values, nested) have no lone surrogates."""

    @model_validator(mode="before")
    @classmethod
    def _scrub_strings(cls, data: Any) -> Any:
        return _scrub(data)


def _amount(value: object) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise ValueError(str(exc)) from None


def _rate(value: object) -> Decimal:
    if isinstance(value, str) and _RATE.fullmatch(value):
        rate = Decimal(value)
        if rate > 0:
            return rate
    raise ValueError("rate is the share paid, a string between 0 and 1 with up to 4 decimals ('0.9' is 9折)")


def _in_years(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year < LATEST_YEAR:
        raise ValueError(f"time must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


ApiAmount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    Field(description="CNY amount as a string with at most 2 decimals, e.g. '199.00' (0 to 99999999.99)"),
]
ApiRate = Annotated[Decimal, BeforeValidator(_rate)]
ApiTime = Annotated[AwareDatetime, AfterValidator(_in_years)]
BoundedTime = Annotated[datetime, AfterValidator(_in_years)]  # the route says what a naive time lacks
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
ShortId = Annotated[str, Field(min_length=1, max_length=128)]


class PromotionIn(CleanModel):
    """The body of ``PUT .../promotions/{promo_id}`` (the canonical promotion JSON; amounts as strings)."""

    type: Literal["flash_sale", "coupon", "spend_discount"]
    title: str = Field("", max_length=200)
    start: ApiTime
    end: ApiTime
    price: ApiAmount | None = None
    threshold: ApiAmount | None = None
    amount: ApiAmount | None = None
    rate: ApiRate | None = None
    product_id: ShortId | None = None
    sku_ids: list[ShortId] = Field(default_factory=list, max_length=1000)
    product_ids: list[ShortId] = Field(default_factory=list, max_length=10_000)
    quantity_cap: Count | None = None
    per_viewer_limit: Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)] = 1
    stackable: StrictBool | None = None

    def missing(self) -> list[str]:
        """Fields this promotion type needs but the body lacks (or that exclude each other)."""
        if self.type == "flash_sale":
            return [f for f in ("price", "product_id") if getattr(self, f) is None]
        if self.type == "spend_discount":
            return [f for f in ("threshold", "amount") if getattr(self, f) is None]
        if (self.amount is None) == (self.rate is None):
            return ["amount or rate (exactly one)"]
        return []

    def canonical(self, promo_id: str) -> dict[str, Any]:
        """The promotion as ``knowledge.serialize`` reads it (amounts as fen strings)."""
        out = self.model_dump(exclude_none=True)
        for name in ("price", "threshold", "amount"):
            if name in out:
                out[name] = f"{out[name]:.2f}"
        if "rate" in out:
            out["rate"] = str(out["rate"])
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        return {**out, "promo_id": promo_id}


def _problems(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{field}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def promotion_from_body(promo_id: str, body: dict[str, Any]) -> Promotion:
    """The promotion a PUT body describes; ``UnprocessableError`` (422) names every bad field."""
    try:
        parsed = PromotionIn.model_validate(body)
    except ValidationError as exc:
        raise UnprocessableError(f"promotion {promo_id!r} is not valid: {_problems(exc)}") from None
    missing = parsed.missing()
    if missing:
        raise UnprocessableError(f"promotion {promo_id!r} ({parsed.type}) needs {', '.join(missing)}")
    if parsed.end <= parsed.start:
        raise UnprocessableError(f"promotion {promo_id!r}: end must be after start")
    return promotion_from_dict(parsed.canonical(promo_id))
