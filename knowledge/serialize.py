"""Catalog <-> plain JSON-ready dicts: the canonical catalog JSON format.

This is the format of JSON catalog files (import and export) and of stored snapshots. Amounts are
strings ("199.00") so no float ever touches a price; times are ISO-8601 with an offset.
``catalog_from_dict`` trusts its input (it reads what ``catalog_to_dict`` wrote); operator uploads go
through ``knowledge.ingest``, which validates and reports every problem with its place.

``format`` (``SNAPSHOT_FORMAT``) says how a stored document reads: before format 2 an empty warranty
cell was stored as ``0``, so a ``0`` of an older snapshot is read as "not stated" (``None``: a person
answers), never as "no warranty", which would be said on air.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from knowledge.domain import (
    AfterSalesPolicy,
    Catalog,
    Coupon,
    FaqPair,
    FlashSale,
    PricePoint,
    PriceProtectionRules,
    Product,
    Promotion,
    ShippingPolicy,
    Sku,
    SpendDiscount,
)

SNAPSHOT_FORMAT = 2
# The format from which warranty_months is left out when not stated and a 0 is a stated "no warranty"
# (before it, an empty cell was stored as 0).
_WARRANTY_NONE_STATED_FROM = 2


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def sku_to_dict(sku: Sku) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sku_id": sku.sku_id,
        "spec": sku.spec,
        "price": _money(sku.price),
        "list_price": _money(sku.list_price),
        "stock": sku.stock,
    }
    if sku.price_history:
        out["price_history"] = [
            {"effective_from": p.effective_from.isoformat(), "price": _money(p.price)}
            for p in sku.price_history
        ]
    return out


def sku_from_dict(d: dict[str, Any]) -> Sku:
    return Sku(
        sku_id=str(d["sku_id"]),
        spec=str(d.get("spec", "")),
        price=Decimal(str(d["price"])),
        list_price=_dec(d.get("list_price")),
        stock=int(d.get("stock", 0)),
        price_history=tuple(
            PricePoint(_time(p["effective_from"]), Decimal(str(p["price"])))
            for p in d.get("price_history", ())
        ),
    )


def product_to_dict(p: Product) -> dict[str, Any]:
    return {
        "product_id": p.product_id,
        "name": p.name,
        "category": p.category,
        "brand": p.brand,
        "link_no": p.link_no,
        "description": p.description,
        "attributes": dict(p.attributes),
        "aliases": list(p.aliases),
        "price_protection_days": p.price_protection_days,
        "shipping_id": p.shipping_id,
        "after_sales_id": p.after_sales_id,
        "complements": list(p.complements),
        "faq": [{"question": f.question, "answer": f.answer} for f in p.faq],
        "skus": [sku_to_dict(s) for s in p.skus],
    }


def product_from_dict(d: dict[str, Any]) -> Product:
    return Product(
        product_id=str(d["product_id"]),
        name=str(d["name"]),
        category=str(d.get("category", "")),
        brand=str(d.get("brand", "")),
        link_no=None if d.get("link_no") is None else int(d["link_no"]),
        description=str(d.get("description", "")),
        attributes={str(k): str(v) for k, v in (d.get("attributes") or {}).items()},
        aliases=tuple(str(a) for a in d.get("aliases", ())),
        price_protection_days=int(d.get("price_protection_days", 0)),
        shipping_id=d.get("shipping_id"),
        after_sales_id=d.get("after_sales_id"),
        complements=tuple(str(c) for c in d.get("complements", ())),
        faq=tuple(FaqPair(str(f["question"]), str(f["answer"])) for f in d.get("faq", ())),
        skus=tuple(sku_from_dict(s) for s in d["skus"]),
    )


def promotion_to_dict(p: Promotion) -> dict[str, Any]:
    common: dict[str, Any] = {"promo_id": p.promo_id, "type": str(p.kind), "title": p.title}
    if isinstance(p, FlashSale):
        return common | {
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "price": _money(p.price),
            "product_id": p.product_id,
            "sku_ids": list(p.sku_ids),
            "quantity_cap": p.quantity_cap,
        }
    if isinstance(p, Coupon):
        return common | {
            "start": p.valid_from.isoformat(),
            "end": p.valid_to.isoformat(),
            "threshold": _money(p.threshold),
            "amount": _money(p.amount),
            "rate": None if p.rate is None else str(p.rate),
            "product_ids": list(p.product_ids),
            "per_viewer_limit": p.per_viewer_limit,
            "stackable": p.stackable,
        }
    return common | {
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "threshold": _money(p.threshold),
        "amount": _money(p.amount),
        "product_ids": list(p.product_ids),
        "stackable": p.stackable,
    }


def promotion_from_dict(d: dict[str, Any]) -> Promotion:
    kind = d["type"]
    if kind == "flash_sale":
        return FlashSale(
            promo_id=str(d["promo_id"]),
            title=str(d.get("title", "")),
            start=_time(d["start"]),
            end=_time(d["end"]),
            price=Decimal(str(d["price"])),
            product_id=str(d["product_id"]),
            sku_ids=tuple(str(s) for s in d.get("sku_ids", ())),
            quantity_cap=None if d.get("quantity_cap") is None else int(d["quantity_cap"]),
        )
    if kind == "coupon":
        return Coupon(
            promo_id=str(d["promo_id"]),
            title=str(d.get("title", "")),
            valid_from=_time(d["start"]),
            valid_to=_time(d["end"]),
            threshold=_dec(d.get("threshold")) or Decimal("0"),
            amount=_dec(d.get("amount")),
            rate=_dec(d.get("rate")),
            product_ids=tuple(str(s) for s in d.get("product_ids", ())),
            per_viewer_limit=int(d.get("per_viewer_limit", 1)),
            stackable=bool(d.get("stackable", False)),
        )
    if kind == "spend_discount":
        return SpendDiscount(
            promo_id=str(d["promo_id"]),
            title=str(d.get("title", "")),
            start=_time(d["start"]),
            end=_time(d["end"]),
            threshold=Decimal(str(d["threshold"])),
            amount=Decimal(str(d["amount"])),
            product_ids=tuple(str(s) for s in d.get("product_ids", ())),
            stackable=bool(d.get("stackable", True)),
        )
    raise ValueError(f"unknown promotion type {kind!r}")


def shipping_to_dict(s: ShippingPolicy) -> dict[str, Any]:
    return {
        "shipping_id": s.shipping_id,
        "carrier": s.carrier,
        "dispatch_hours": s.dispatch_hours,
        "free_shipping_threshold": _money(s.free_shipping_threshold),
        "fee": _money(s.fee),
        "excluded_regions": list(s.excluded_regions),
        "presale_dispatch": s.presale_dispatch,
    }


def shipping_from_dict(d: dict[str, Any]) -> ShippingPolicy:
    return ShippingPolicy(
        shipping_id=str(d["shipping_id"]),
        carrier=str(d["carrier"]),
        dispatch_hours=int(d["dispatch_hours"]),
        free_shipping_threshold=_dec(d.get("free_shipping_threshold")),
        fee=_dec(d.get("fee")) or Decimal("0"),
        excluded_regions=tuple(str(r) for r in d.get("excluded_regions", ())),
        presale_dispatch=str(d.get("presale_dispatch", "")),
    )


def after_sales_to_dict(a: AfterSalesPolicy) -> dict[str, Any]:
    """The policy's JSON; ``warranty_months`` is left out when the policy says nothing of a warranty."""
    out: dict[str, Any] = {
        "after_sales_id": a.after_sales_id,
        "no_reason_return_days": a.no_reason_return_days,
        "return_shipping_insurance": a.return_shipping_insurance,
    }
    if a.warranty_months is not None:
        out["warranty_months"] = a.warranty_months
    out["notes"] = a.notes
    return out


def after_sales_from_dict(d: dict[str, Any], snapshot_format: int = SNAPSHOT_FORMAT) -> AfterSalesPolicy:
    """The policy of ``d``; a warranty of 0 months in a snapshot older than format 2 was an empty
    cell as often as a stated "none", so it reads as not stated (module docstring)."""
    months = None if d.get("warranty_months") is None else int(d["warranty_months"])
    if snapshot_format < _WARRANTY_NONE_STATED_FROM and months == 0:
        months = None
    return AfterSalesPolicy(
        after_sales_id=str(d["after_sales_id"]),
        no_reason_return_days=int(d.get("no_reason_return_days", 7)),
        return_shipping_insurance=bool(d.get("return_shipping_insurance", False)),
        warranty_months=months,
        notes=str(d.get("notes", "")),
    )


def catalog_to_dict(c: Catalog) -> dict[str, Any]:
    """The canonical JSON document for a catalog (also the JSON import format)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "catalog_id": c.catalog_id,
        "version": c.version,
        "price_protection": {
            "exclude_flash_sale": c.price_protection.exclude_flash_sale,
            "exclude_coupons": c.price_protection.exclude_coupons,
            "note": c.price_protection.note,
        },
        "shipping": [shipping_to_dict(s) for s in c.shipping],
        "after_sales": [after_sales_to_dict(a) for a in c.after_sales],
        "promotions": [promotion_to_dict(p) for p in c.promotions],
        "products": [product_to_dict(p) for p in c.products],
    }


def catalog_from_dict(d: dict[str, Any]) -> Catalog:
    """The catalog of a document ``catalog_to_dict`` wrote, of any ``format`` (module docstring)."""
    rules = d.get("price_protection") or {}
    snapshot_format = int(d.get("format", 1))
    return Catalog(
        catalog_id=str(d["catalog_id"]),
        version=int(d.get("version", 0)),
        price_protection=PriceProtectionRules(
            exclude_flash_sale=bool(rules.get("exclude_flash_sale", True)),
            exclude_coupons=bool(rules.get("exclude_coupons", True)),
            note=str(rules.get("note", PriceProtectionRules().note)),
        ),
        shipping=tuple(shipping_from_dict(s) for s in d.get("shipping", ())),
        after_sales=tuple(after_sales_from_dict(a, snapshot_format) for a in d.get("after_sales", ())),
        promotions=tuple(promotion_from_dict(p) for p in d.get("promotions", ())),
        products=tuple(product_from_dict(p) for p in d.get("products", ())),
    )
