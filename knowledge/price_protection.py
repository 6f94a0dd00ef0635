"""Price protection (价格保护 / 保价): is a buyer owed the difference after a price drop, and how much.

Rules (documented in the catalog template and README):
- The protection window is ``product.price_protection_days`` days from the purchase, half-open:
  a claim exactly N×24 h after purchase is too late.
- The price paid is the unit price before coupons at the purchase time (``SkuFacts.price``), or the
  amount the caller passes.
- With ``exclude_flash_sale`` a purchase made at a flash-sale price is not protected, and a flash-sale
  price now does not count as a drop. With ``exclude_coupons`` a coupon price never counts as a drop.
- The refund is the paid price minus the comparable price now, when positive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from knowledge.domain import Catalog, PriceProtectionRules, Product, Promotion, Sku
from knowledge.facts import find_sku, sku_facts


class ProtectionOutcome(StrEnum):
    REFUND = "refund"  # eligible and owed ``refund``
    NO_PRICE_DROP = "no_price_drop"  # eligible, but the comparable price is not lower
    EXPIRED = "expired"  # the window is over
    NOT_PROTECTED = "not_protected"  # the product has no price protection
    FLASH_SALE_PURCHASE = "flash_sale_purchase"  # bought at a flash-sale price (excluded)


@dataclass(frozen=True, slots=True)
class ProtectionResult:
    outcome: ProtectionOutcome
    refund: Decimal  # 0 unless outcome is REFUND
    paid_price: Decimal
    comparable_price: Decimal  # the price now that counts for protection
    days: int
    deadline: datetime | None  # the first instant at which a claim is too late

    @property
    def eligible(self) -> bool:
        """Whether the purchase is inside an active protection window (refund owed or not)."""
        return self.outcome in (ProtectionOutcome.REFUND, ProtectionOutcome.NO_PRICE_DROP)


def protection_for(
    product: Product,
    sku: Sku,
    promotions: Iterable[Promotion],
    rules: PriceProtectionRules,
    purchased_at: datetime,
    now: datetime,
    paid_price: Decimal | None = None,
) -> ProtectionResult:
    """Price-protection outcome for one unit of ``sku`` bought at ``purchased_at``, asked at ``now``."""
    if now < purchased_at:
        raise ValueError("the claim time is before the purchase time")
    promos = tuple(promotions)
    at_purchase = sku_facts(product, sku, promos, purchased_at)
    facts_now = sku_facts(product, sku, promos, now)
    paid = at_purchase.price if paid_price is None else paid_price
    comparable = facts_now.base_price if rules.exclude_flash_sale else facts_now.price
    if not rules.exclude_coupons:
        comparable = min(comparable, facts_now.price_after_coupon)
    days = product.price_protection_days

    def result(outcome: ProtectionOutcome, refund: Decimal = Decimal("0")) -> ProtectionResult:
        deadline = purchased_at + timedelta(days=days) if days > 0 else None
        return ProtectionResult(outcome, refund, paid, comparable, days, deadline)

    if days <= 0:
        return result(ProtectionOutcome.NOT_PROTECTED)
    if now >= purchased_at + timedelta(days=days):
        return result(ProtectionOutcome.EXPIRED)
    flash_then = at_purchase.flash_sale
    if rules.exclude_flash_sale and flash_then is not None and paid <= flash_then.price:
        return result(ProtectionOutcome.FLASH_SALE_PURCHASE)
    if comparable < paid:
        return result(ProtectionOutcome.REFUND, paid - comparable)
    return result(ProtectionOutcome.NO_PRICE_DROP)


def price_protection(
    catalog: Catalog,
    sku_id: str,
    purchased_at: datetime,
    now: datetime,
    paid_price: Decimal | None = None,
    room_promotions: Iterable[Promotion] = (),
) -> ProtectionResult:
    """Price-protection outcome for ``sku_id`` in ``catalog`` (see module rules)."""
    product, sku = find_sku(catalog, sku_id)
    return protection_for(
        product,
        sku,
        (*catalog.promotions, *room_promotions),
        catalog.price_protection,
        purchased_at,
        now,
        paid_price,
    )
