"""SKU price history kept by the store, so price protection knows which price held when.

Rules:
- A SKU stored for the first time gets ``[PricePoint(now, price)]``, unless it arrives with a history
  (a re-imported export), which is kept; if that history does not end at the SKU's price, a point
  ``(now, price)`` is appended.
- When a stored SKU's base price changes, ``(now, new_price)`` is appended. A stored SKU without
  history first gets ``(since, old_price)``, ``since`` being the earliest time the store can vouch for
  that price (the catalog's first version), so the old price is known to have held until ``now``.
- An unchanged price adds nothing. Two changes at the same instant keep the later one.
- At most ``MAX_PRICE_POINTS`` points are kept; the oldest are dropped.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from knowledge.domain import PricePoint, Sku
from knowledge.store.model import MAX_PRICE_POINTS


class HistoryOrderError(ValueError):
    """A price change dated before the SKU's last recorded change (the clock went backwards)."""


def _append(points: tuple[PricePoint, ...], price: Decimal, now: datetime) -> tuple[PricePoint, ...]:
    if points and now < points[-1].effective_from:
        raise HistoryOrderError(
            f"price change at {now.isoformat()} is before the last recorded change "
            f"at {points[-1].effective_from.isoformat()}; check the clock or the price_history"
        )
    if points and now == points[-1].effective_from:
        points = points[:-1]
    return (*points, PricePoint(now, price))[-MAX_PRICE_POINTS:]


def first_stored(sku: Sku, now: datetime) -> Sku:
    """``sku`` as stored the first time (or with the history it carries), see module rules."""
    points = sku.price_history
    if not points:
        return dataclasses.replace(sku, price_history=(PricePoint(now, sku.price),))
    if points[-1].price != sku.price:
        points = _append(points, sku.price, now)
    return dataclasses.replace(sku, price_history=points[-MAX_PRICE_POINTS:])


def with_price(old: Sku, new: Sku, now: datetime, since: datetime) -> Sku:
    """``new`` (an incoming or patched SKU without history) replacing the stored ``old``."""
    if new.price == old.price:
        return dataclasses.replace(new, price_history=old.price_history)
    points = old.price_history or (PricePoint(min(since, now), old.price),)
    return dataclasses.replace(new, price_history=_append(points, new.price, now))


def carry_over(old: Sku | None, incoming: Sku, now: datetime, since: datetime) -> Sku:
    """The SKU to store for ``incoming`` given the stored SKU with the same id (or None)."""
    if old is None or incoming.price_history:
        return first_stored(incoming, now)
    return with_price(old, incoming, now, since)
