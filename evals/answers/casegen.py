"""Helpers for writing eval cases: the demo catalog, its facts at a time, and case builders.

Every expected amount is computed here from ``knowledge.facts.facts_at`` (never typed by hand), so
the set stays right when the demo catalog changes: regenerate with ``python -m
evals.answers.make_dataset``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from knowledge.demo import load_demo_catalog
from knowledge.domain import Coupon, Product, Sku
from knowledge.facts import SkuFacts, facts_at

CAT = load_demo_catalog()
DAY = "2026-11-21"
STRUCT = ("catalog", "faq")  # a grounded answer from catalog facts or the curated FAQ
HANDOFF = ("handoff",)
KEEP = object()  # a turn that leaves the stage as it is


def at(hms: str) -> str:
    """An ISO time on the demo evening: ``at("20:09:59")`` -> ``2026-11-21T20:09:59+08:00``."""
    return f"{DAY}T{hms}+08:00"


EVENING = at("20:05:00")  # every promotion but the later flash sales is running
BEFORE_SHOW = at("19:30:00")  # no promotion has started yet


def when(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def product(pid: str) -> Product:
    p = CAT.product(pid)
    if p is None:
        raise KeyError(f"{pid} is not in the demo catalog")
    return p


def sku(pid: str, *spec_parts: str) -> Sku:
    """The one SKU of ``pid`` whose spec has every part as a word ("黑色", "L"), else contains it."""
    skus = product(pid).skus
    found = [s for s in skus if all(part in s.spec.split() for part in spec_parts)]
    if len(found) != 1:
        found = [s for s in skus if all(part in s.spec for part in spec_parts)]
    if len(found) != 1:
        raise KeyError(f"{pid} {spec_parts}: {len(found)} SKUs match")
    return found[0]


def facts(pid: str, iso: str) -> list[SkuFacts]:
    return [facts_at(CAT, s.sku_id, when(iso)) for s in product(pid).skus]


def sku_fact(pid: str, iso: str, *spec_parts: str) -> SkuFacts:
    return facts_at(CAT, sku(pid, *spec_parts).sku_id, when(iso))


def amount(value: Decimal) -> str:
    """The Decimal string stored in ``required`` ("89.00"); replies match it by value."""
    return f"{value:.2f}"


def min_price(pid: str, iso: str) -> str:
    """The lowest unit price (flash-sale price while one runs) over the in-stock SKUs."""
    items = [f for f in facts(pid, iso) if f.in_stock] or facts(pid, iso)
    return amount(min(f.price for f in items))


def best_after_coupon(pid: str, iso: str) -> str:
    """The lowest single-unit price after the best coupon, over all SKUs (what "用券后" quotes)."""
    return amount(min(f.price_after_coupon for f in facts(pid, iso)))


def product_coupons(pid: str, iso: str) -> list[Coupon]:
    """Coupons valid at ``iso`` that name ``pid`` itself (not shop-wide ones)."""
    seen: dict[str, Coupon] = {}
    for f in facts(pid, iso):
        for c in f.coupons:
            if c.product_ids:
                seen[c.promo_id] = c
    return list(seen.values())


def link(pid: str) -> str:
    """Required text for a link number: "37号" or "#37"."""
    n = product(pid).link_no
    return f"{n}号|#{n}"


def days(pid: str) -> int:
    return product(pid).price_protection_days


def expect(
    pid: str | object | None = KEEP,
    intent: str | None = None,
    required: tuple[str, ...] | list[str] = (),
    forbidden: tuple[str, ...] | list[str] = (),
    source: tuple[str, ...] | None = STRUCT,
    reply: bool | None = True,
    clarify: bool = False,
    handoff: bool = False,
) -> dict[str, Any]:
    """An ``expect`` object; ``pid`` left out means the product is not checked."""
    out: dict[str, Any] = {"reply": reply}
    if pid is not KEEP:
        out["product_id"] = pid
    if intent is not None:
        out["intent"] = intent
    if source:
        out["source_in"] = list(source)
    if required:
        out["required"] = list(required)
    if forbidden:
        out["forbidden"] = list(forbidden)
    out["clarify"] = clarify
    out["handoff"] = handoff
    return out


def turn(
    text: str, exp: dict[str, Any], viewer: str = "v1", iso: str | None = None, stage: object = KEEP
) -> dict[str, Any]:
    """One turn; ``stage`` (a product id or None) changes the stage just before it."""
    out: dict[str, Any] = {"viewer": viewer, "text": text}
    if iso is not None:
        out["at"] = iso
    if stage is not KEEP:
        out["stage"] = stage
    out["expect"] = exp
    return out


def case(
    case_id: str, tags: list[str], iso: str, stage: str | None, *turns: dict[str, Any]
) -> dict[str, Any]:
    return {"id": case_id, "tags": tags, "at": iso, "stage": stage, "turns": list(turns)}


def ask(
    case_id: str,
    tags: list[str],
    text: str,
    exp: dict[str, Any],
    iso: str = EVENING,
    stage: str | None = None,
) -> dict[str, Any]:
    """A single-turn case."""
    return case(case_id, tags, iso, stage, turn(text, exp))


NO_REPLY = expect(reply=False, source=None)
