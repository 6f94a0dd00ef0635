"""Time-aware facts: what a SKU costs at time T, with which promotions, until when.

Every answer the assistant gives about money is built from ``SkuFacts``; nothing else computes
prices. All windows are half-open ``[start, end)``: a flash sale ending at 20:10 is over at 20:10:00.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion, Sku, SpendDiscount
from knowledge.errors import UnknownSkuError

CENT = Decimal("0.01")
UPCOMING_HORIZON = timedelta(hours=24)


def to_cents(amount: Decimal) -> Decimal:
    """Round to whole fen, half up (how checkout rounds a 9折 price)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class SkuFacts:
    """Everything true about one SKU's price and promotions at one instant."""

    product_id: str
    sku_id: str
    at: datetime
    base_price: Decimal  # the shop's own price at ``at`` (no promotion)
    list_price: Decimal | None
    stock: int
    price: Decimal  # unit price before coupons: the flash-sale price while one runs
    flash_sale: FlashSale | None
    coupons: tuple[Coupon, ...]  # valid at ``at`` and applicable to this product
    best_coupon: Coupon | None  # the coupon giving the lowest single-unit price, if any applies
    price_after_coupon: Decimal  # single-unit price with ``best_coupon`` (== price without one)
    spend_discounts: tuple[SpendDiscount, ...]  # 满减 running at ``at`` for this product
    upcoming: tuple[Promotion, ...]  # starting within UPCOMING_HORIZON after ``at``, soonest first
    valid_until: datetime | None  # next instant at which any fact above changes; None: no change known
    # the 满减 giving the lowest single-unit price on its own (one unit reaching its threshold), and
    # that price (== price without one); never combined with a coupon (which one combines is the
    # checkout's rule) nor with a flash-sale price (None while one runs: no rule says they combine)
    best_spend_discount: SpendDiscount | None
    price_after_spend_discount: Decimal

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def base_price_at(sku: Sku, at: datetime) -> Decimal:
    """The SKU's base price at ``at`` from its price history.

    Before the first recorded point the earliest known price is assumed (the catalog knows nothing
    older); with no history the current price holds.
    """
    if not sku.price_history:
        return sku.price
    price = sku.price_history[0].price
    for point in sku.price_history:
        if point.effective_from <= at:
            price = point.price
        else:
            break
    return price


def coupon_price(price: Decimal, coupon: Coupon) -> Decimal | None:
    """Single-unit price after ``coupon``, or None when the unit price does not reach its threshold."""
    if price < coupon.threshold:
        return None
    if coupon.amount is not None:
        return max(Decimal("0"), to_cents(price - coupon.amount))
    if coupon.rate is not None:
        return to_cents(price * coupon.rate)
    return None


def _best_coupon(
    price: Decimal, coupons: Iterable[Coupon], flash_sale_active: bool
) -> tuple[Coupon | None, Decimal]:
    best: Coupon | None = None
    best_price = price
    for coupon in coupons:
        if flash_sale_active and not coupon.stackable:
            continue  # a non-stackable coupon does not combine with a flash-sale price
        candidate = coupon_price(price, coupon)
        if candidate is not None and candidate < best_price:
            best, best_price = coupon, candidate
    return best, best_price


def _best_spend_discount(
    price: Decimal, discounts: Iterable[SpendDiscount]
) -> tuple[SpendDiscount | None, Decimal]:
    """The 满减 one unit at ``price`` reaches that takes the most off, and the price after it."""
    best: SpendDiscount | None = None
    best_price = price
    for spend in discounts:
        if (
            price >= spend.threshold
            and (candidate := max(Decimal("0"), to_cents(price - spend.amount))) < best_price
        ):
            best, best_price = spend, candidate
    return best, best_price


def _next_boundary(sku: Sku, promotions: Iterable[Promotion], at: datetime) -> datetime | None:
    times = [p.effective_from for p in sku.price_history if p.effective_from > at]
    for promo in promotions:
        times.extend(t for t in (promo.start, promo.end) if t > at)
    return min(times) if times else None


def sku_facts(product: Product, sku: Sku, promotions: Iterable[Promotion], at: datetime) -> SkuFacts:
    """Facts for one SKU of ``product`` at ``at`` given every promotion that may apply."""
    if at.tzinfo is None:
        raise ValueError("facts need a timezone-aware time")
    relevant = [p for p in promotions if p.applies_to(product.product_id, sku.sku_id)]
    base = base_price_at(sku, at)
    flash = min(
        (p for p in relevant if isinstance(p, FlashSale) and p.active_at(at)),
        key=lambda p: p.price,
        default=None,
    )
    price = min(base, flash.price) if flash else base
    coupons = tuple(p for p in relevant if isinstance(p, Coupon) and p.active_at(at))
    best, after_coupon = _best_coupon(price, coupons, flash is not None)
    spend = tuple(p for p in relevant if isinstance(p, SpendDiscount) and p.active_at(at))
    # at a flash-sale price no 满减 price is worked out: the catalog says nothing of the two together
    best_spend, after_spend = _best_spend_discount(price, () if flash else spend)
    upcoming = tuple(
        sorted(
            (p for p in relevant if at < p.start <= at + UPCOMING_HORIZON),
            key=lambda p: p.start,
        )
    )
    return SkuFacts(
        product_id=product.product_id,
        sku_id=sku.sku_id,
        at=at,
        base_price=base,
        list_price=sku.list_price,
        stock=sku.stock,
        price=price,
        flash_sale=flash,
        coupons=coupons,
        best_coupon=best,
        price_after_coupon=after_coupon,
        spend_discounts=spend,
        upcoming=upcoming,
        valid_until=_next_boundary(sku, relevant, at),
        best_spend_discount=best_spend,
        price_after_spend_discount=after_spend,
    )


def find_sku(catalog: Catalog, sku_id: str) -> tuple[Product, Sku]:
    """The product and SKU for ``sku_id``; raises UnknownSkuError naming the catalog."""
    for product in catalog.products:
        sku = product.sku(sku_id)
        if sku is not None:
            return product, sku
    raise UnknownSkuError(f"SKU {sku_id!r} is not in catalog {catalog.catalog_id!r}")


def facts_at(
    catalog: Catalog, sku_id: str, at: datetime, room_promotions: Iterable[Promotion] = ()
) -> SkuFacts:
    """Facts for ``sku_id`` at ``at`` with the catalog's promotions plus any started in the room."""
    product, sku = find_sku(catalog, sku_id)
    return sku_facts(product, sku, (*catalog.promotions, *room_promotions), at)
