"""Pure write planning shared by every backend: from the current snapshot to the next one.

A ``Plan`` holds the validated next snapshot and everything a backend needs to persist it (which
products to write or delete) and to tell listeners what changed. Nothing here touches storage, so
both backends behave the same by construction. Product patches and promotion changes are planned
here; imports in ``knowledge.store.merge``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from knowledge.domain import Catalog, Product, Promotion, Sku
from knowledge.errors import InvalidUpdateError, NotFoundError, UnknownProductError
from knowledge.store.history import HistoryOrderError, with_price
from knowledge.store.model import (
    CatalogChange,
    CatalogVersion,
    ChangeKind,
    ImportReport,
    PriceChange,
    ProductPatch,
)
from knowledge.store.validate import amount_problem, promotion_problems


class UnknownPromotionError(NotFoundError):
    """A promotion id that is not in the catalog."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The next snapshot of one catalog and what to persist for it."""

    catalog: Catalog  # the validated next snapshot, version already bumped
    record: CatalogVersion
    change: CatalogChange
    written: tuple[Product, ...]  # products added or changed (to insert or replace)
    removed: tuple[str, ...]  # product ids to delete
    promotions_changed: bool
    policies_changed: bool  # shipping, after-sales or price-protection rules
    report: ImportReport | None = None


def require_aware(now: datetime) -> None:
    """Reject naive times: every stored time (versions, price history) is timezone-aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("store writes need a timezone-aware `now`, e.g. datetime.now(UTC)")


def _small_plan(
    current: Catalog,
    kind: ChangeKind,
    now: datetime,
    summary: dict[str, Any],
    *,
    products: tuple[Product, ...] | None = None,
    promotions: tuple[Promotion, ...] | None = None,
    written: tuple[Product, ...] = (),
    prices_changed: frozenset[str] = frozenset(),
) -> Plan:
    version = current.version + 1
    catalog = dataclasses.replace(
        current,
        products=current.products if products is None else products,
        promotions=current.promotions if promotions is None else promotions,
        version=version,
    )
    change = CatalogChange(
        catalog_id=current.catalog_id,
        version=version,
        product_ids_changed=frozenset(p.product_id for p in written),
        text_changed_product_ids=frozenset(),
        prices_changed=prices_changed,
        promotions_changed=promotions is not None,
        removed_product_ids=frozenset(),
        catalog=catalog,
    )
    record = CatalogVersion(version, now, kind, "", summary)
    return Plan(catalog, record, change, written, (), promotions is not None, False)


def _patched_sku(sku: Sku, patch: ProductPatch, now: datetime, since: datetime) -> Sku:
    new = sku
    if patch.stock and sku.sku_id in patch.stock:
        new = dataclasses.replace(new, stock=patch.stock[sku.sku_id])
    if patch.list_price and sku.sku_id in patch.list_price:
        new = dataclasses.replace(new, list_price=patch.list_price[sku.sku_id])
    if patch.price and sku.sku_id in patch.price:
        new = with_price(sku, dataclasses.replace(new, price=patch.price[sku.sku_id]), now, since)
    return new


def _patch_problems(product: Product, patch: ProductPatch) -> list[str]:
    known = {s.sku_id for s in product.skus}
    problems: list[str] = []
    fields: list[tuple[str, dict[str, Any] | None]] = [
        ("price", patch.price),
        ("stock", patch.stock),
        ("list_price", patch.list_price),
    ]
    for name, values in fields:
        for sku_id, value in (values or {}).items():
            if sku_id not in known:
                problems.append(f"{name}: SKU {sku_id!r} is not a SKU of product {product.product_id!r}")
            elif name == "stock" and (not isinstance(value, int) or value < 0):
                problems.append(f"stock of SKU {sku_id!r} must be a whole number >= 0, got {value!r}")
            elif name != "stock" and (why := amount_problem(value)):
                problems.append(f"{name} of SKU {sku_id!r} {value} {why}")
    if patch.is_empty():
        problems.append("the patch changes nothing; give price, stock or list_price per SKU id")
    return problems


def plan_patch(
    current: Catalog, product_id: str, patch: ProductPatch, now: datetime, since: datetime
) -> Plan:
    """Apply ``patch`` to one product's SKUs; every problem is reported in one InvalidUpdateError."""
    require_aware(now)
    index = next((i for i, p in enumerate(current.products) if p.product_id == product_id), None)
    if index is None:
        raise UnknownProductError(f"product {product_id!r} is not in catalog {current.catalog_id!r}")
    old = current.products[index]
    problems = _patch_problems(old, patch)
    if problems:
        raise InvalidUpdateError(f"update of product {product_id!r} rejected: " + "; ".join(problems))
    try:
        skus = tuple(_patched_sku(s, patch, now, since) for s in old.skus)
    except HistoryOrderError as exc:
        raise InvalidUpdateError(f"update of product {product_id!r} rejected: {exc}") from exc
    new = dataclasses.replace(old, skus=skus)
    changes = tuple(
        PriceChange(product_id, n.sku_id, o.price, n.price)
        for o, n in zip(old.skus, skus, strict=True)
        if o.price != n.price
    )
    summary = {
        "product_id": product_id,
        "price_changes": len(changes),
        "price_changed_skus": [c.as_dict() for c in changes],
        "stock_changes": sum(o.stock != n.stock for o, n in zip(old.skus, skus, strict=True)),
    }
    products = (*current.products[:index], new, *current.products[index + 1 :])
    written = (new,) if new != old else ()
    prices = frozenset(c.sku_id for c in changes)
    return _small_plan(
        current, "patch", now, summary, products=products, written=written, prices_changed=prices
    )


def plan_put_promotion(current: Catalog, promotion: Promotion, now: datetime) -> Plan:
    """Add ``promotion``, or replace the one with the same ``promo_id`` in place."""
    require_aware(now)
    problems = promotion_problems(promotion, {p.product_id: p for p in current.products})
    if problems:
        raise InvalidUpdateError("promotion rejected: " + "; ".join(p.message for p in problems))
    ids = [p.promo_id for p in current.promotions]
    if promotion.promo_id in ids:
        i = ids.index(promotion.promo_id)
        promotions = (*current.promotions[:i], promotion, *current.promotions[i + 1 :])
        action = "replaced"
    else:
        promotions = (*current.promotions, promotion)
        action = "added"
    summary = {"promo_id": promotion.promo_id, "action": action}
    return _small_plan(current, "put_promotion", now, summary, promotions=promotions)


def plan_delete_promotion(current: Catalog, promo_id: str, now: datetime) -> Plan:
    """Remove the promotion ``promo_id``; UnknownPromotionError when there is none."""
    require_aware(now)
    promotions = tuple(p for p in current.promotions if p.promo_id != promo_id)
    if len(promotions) == len(current.promotions):
        raise UnknownPromotionError(f"promotion {promo_id!r} is not in catalog {current.catalog_id!r}")
    summary = {"promo_id": promo_id, "action": "deleted"}
    return _small_plan(current, "delete_promotion", now, summary, promotions=promotions)
