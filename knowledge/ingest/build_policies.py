"""Promotion, shipping, after-sales and price-protection rows -> domain objects.

Promotions are checked against the products read before them: a flash sale must name a known
product (and known SKUs of it); coupons and 满减 may only name known products.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TypeVar

from knowledge.domain import (
    AfterSalesPolicy,
    Coupon,
    FlashSale,
    PriceProtectionRules,
    Promotion,
    PromotionKind,
    ShippingPolicy,
    SpendDiscount,
)
from knowledge.ingest.cells import REGION_SEPARATORS
from knowledge.ingest.columns import normalize
from knowledge.ingest.fields import RowReader
from knowledge.ingest.model import ProblemLog, RawRow, RawTable

T = TypeVar("T")
ZERO = Decimal("0")

_KINDS: dict[str, PromotionKind] = {
    normalize(alias): kind
    for kind, aliases in {
        PromotionKind.FLASH_SALE: ("flash_sale", "flash sale", "秒杀", "限时秒杀"),
        PromotionKind.COUPON: ("coupon", "优惠券", "券", "店铺券", "直播间专属券"),
        PromotionKind.SPEND_DISCOUNT: ("spend_discount", "满减", "满减活动"),
    }.items()
    for alias in aliases
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "promotions": ("promo_id", "type", "start", "end"),
    "shipping": ("shipping_id", "carrier", "dispatch_hours"),
    "after_sales": ("after_sales_id",),
}


def _each(
    tables: list[RawTable],
    log: ProblemLog,
    tz: tzinfo,
    id_column: str,
    read: Callable[[RowReader], T | None],
) -> dict[str, T]:
    """Read every row with ``read``; results by their id, duplicates reported with both rows."""
    out: dict[str, T] = {}
    first: dict[str, RawRow] = {}
    for table in tables:
        required = _REQUIRED.get(str(table.kind), ())
        quiet = frozenset(c for c in required if table.columns is not None and c not in table.columns)
        for row in table.rows:
            r = RowReader(row, log, tz, quiet)
            item = read(r)
            key = r.text(id_column)
            if key and key in first:
                r.fail(id_column, f"duplicate {id_column} {key!r}: also at {first[key].where(id_column)}")
            elif key:
                first[key] = row
                if item is not None and r.ok:
                    out[key] = item
    return out


def read_shipping(tables: list[RawTable], log: ProblemLog, tz: tzinfo) -> dict[str, ShippingPolicy]:
    def read(r: RowReader) -> ShippingPolicy | None:
        shipping_id = r.text("shipping_id", required=True)
        carrier = r.text("carrier", required=True)
        hours = r.integer("dispatch_hours", required=True)
        threshold = r.money("free_shipping_threshold")
        fee = r.money("fee")
        regions = r.items("excluded_regions", REGION_SEPARATORS)
        presale = r.text("presale_dispatch")
        if hours is None:
            return None
        return ShippingPolicy(
            shipping_id, carrier, hours, threshold, ZERO if fee is None else fee, regions, presale
        )

    return _each(tables, log, tz, "shipping_id", read)


def read_after_sales(tables: list[RawTable], log: ProblemLog, tz: tzinfo) -> dict[str, AfterSalesPolicy]:
    def read(r: RowReader) -> AfterSalesPolicy | None:
        days = r.integer("no_reason_return_days")
        insurance = r.boolean("return_shipping_insurance")
        warranty = r.integer("warranty_months")
        return AfterSalesPolicy(
            r.text("after_sales_id", required=True),
            no_reason_return_days=7 if days is None else days,
            return_shipping_insurance=bool(insurance),
            warranty_months=warranty,
            notes=r.text("notes"),
        )

    return _each(tables, log, tz, "after_sales_id", read)


def read_settings(tables: list[RawTable], log: ProblemLog, tz: tzinfo) -> PriceProtectionRules:
    """The one settings row (defaults when there is none)."""
    rows = [row for table in tables for row in table.rows]
    for extra in rows[1:]:
        log.at(extra, None, "the settings table has one row only; delete the extra rows")
    if not rows:
        return PriceProtectionRules()
    r = RowReader(rows[0], log, tz)
    flash, coupons = r.boolean("exclude_flash_sale"), r.boolean("exclude_coupons")
    return PriceProtectionRules(
        exclude_flash_sale=True if flash is None else flash,
        exclude_coupons=True if coupons is None else coupons,
        note=r.text("note") or PriceProtectionRules().note,
    )


def read_promotions(
    tables: list[RawTable], products: Mapping[str, frozenset[str]], log: ProblemLog, tz: tzinfo
) -> list[Promotion]:
    """Promotions in file order; ``products`` maps each known product_id to its SKU ids."""

    def read(r: RowReader) -> Promotion | None:
        promo_id = r.text("promo_id", required=True)
        title = r.text("title")
        start, end = r.time("start", required=True), r.time("end", required=True)
        if start is not None and end is not None and end <= start:
            r.fail("end", f"end ({end.isoformat()}) must be after start ({start.isoformat()})")
        kind = _kind(r)
        if kind is None or start is None or end is None:
            return None
        if kind is PromotionKind.FLASH_SALE:
            return _flash_sale(r, promo_id, title, start, end, products)
        product_ids = _known_products(r, products)
        if kind is PromotionKind.COUPON:
            return _coupon(r, promo_id, title, start, end, product_ids)
        threshold = r.money("threshold", required=True)
        amount = r.money("amount", required=True)
        stackable = r.boolean("stackable")
        if threshold is None or amount is None:
            return None
        return SpendDiscount(
            promo_id,
            title,
            start,
            end,
            threshold,
            amount,
            product_ids,
            True if stackable is None else stackable,
        )

    promotions: dict[str, Promotion] = _each(tables, log, tz, "promo_id", read)
    return list(promotions.values())


def _kind(r: RowReader) -> PromotionKind | None:
    text = r.text("type", required=True)
    kind = _KINDS.get(normalize(text))
    if text and kind is None:
        r.fail(
            "type",
            f"unknown promotion type {text!r}; "
            "use flash_sale (秒杀), coupon (优惠券) or spend_discount (满减)",
        )
    return kind


def _known_products(r: RowReader, products: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    product_ids = r.items("product_ids")
    for unknown in (p for p in product_ids if p not in products):
        r.fail("product_ids", f"unknown product {unknown!r}")
    return product_ids


def _flash_sale(
    r: RowReader,
    promo_id: str,
    title: str,
    start: datetime,
    end: datetime,
    products: Mapping[str, frozenset[str]],
) -> FlashSale | None:
    price = r.money("price", required=True)
    product_id = r.text("product_id", required=True)
    sku_ids = r.items("sku_ids")
    cap = r.integer("quantity_cap")
    known = products.get(product_id)
    if product_id and known is None:
        r.fail("product_id", f"flash sale for unknown product {product_id!r}")
    for unknown in (s for s in sku_ids if known is not None and s not in known):
        r.fail("sku_ids", f"flash sale for unknown SKU {unknown!r} of product {product_id!r}")
    if price is None or not product_id:
        return None
    return FlashSale(promo_id, title, start, end, price, product_id, sku_ids, cap)


def _coupon(
    r: RowReader, promo_id: str, title: str, start: datetime, end: datetime, product_ids: tuple[str, ...]
) -> Coupon:
    threshold = r.money("threshold")
    amount, rate = r.money("amount"), r.rate("rate")
    if r.has("amount") == r.has("rate"):
        given = "both are given" if r.has("amount") else "neither is given"
        r.fail("amount", f"a coupon needs exactly one of amount or rate; {given}")
    limit = r.integer("per_viewer_limit")
    if limit == 0:
        r.fail("per_viewer_limit", "per_viewer_limit must be at least 1")
    stackable = r.boolean("stackable")
    return Coupon(
        promo_id,
        title,
        start,
        end,
        ZERO if threshold is None else threshold,
        amount,
        rate,
        product_ids,
        1 if limit is None else limit,
        bool(stackable),
    )
