"""Import planning: merge (upsert) or swap in (replace) an incoming catalog, validate, diff.

Upsert: products with an incoming ``product_id`` replace the stored product whole (its SKU list as
given; price history carried over by SKU id); promotions, shipping and after-sales policies are
added or replaced by id; everything else stays, in its order, new items are appended. The
price-protection rules are "given" when they differ from ``PriceProtectionRules()`` (what a file
without a rules section parses to): then they replace the stored rules, otherwise the stored rules
stay. Resetting rules to the defaults takes a replace import.
Replace: the catalog becomes exactly the incoming one (rules included); price history of SKUs that
stay is still carried over, so price protection keeps working across a replace.
In both modes the incoming ``catalog_id`` and ``version`` are ignored: the store decides them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from knowledge.domain import Catalog, PriceProtectionRules, Product, Sku
from knowledge.errors import ImportRejected, Problem
from knowledge.store.history import HistoryOrderError, carry_over
from knowledge.store.model import CatalogChange, CatalogVersion, ImportMode, ImportReport, PriceChange
from knowledge.store.plan import Plan, require_aware
from knowledge.store.text_hash import product_text_hash
from knowledge.store.validate import validate_catalog, validate_incoming

T = TypeVar("T")


def merge_by_id(old: tuple[T, ...], new: tuple[T, ...], key: Callable[[T], str]) -> tuple[T, ...]:
    """``old`` with items of ``new`` replacing those with the same key in place, the rest appended."""
    incoming = {key(item): item for item in new}
    merged = [incoming.pop(key(item), item) for item in old]
    merged.extend(item for item in new if key(item) in incoming)
    return tuple(merged)


def _carry_products(
    base: Catalog, incoming: Catalog, now: datetime, since: datetime, problems: list[Problem]
) -> tuple[list[Product], list[PriceChange]]:
    """Incoming products with stored price history carried over by SKU id, and the price changes."""
    old_skus: dict[str, Sku] = {s.sku_id: s for p in base.products for s in p.skus}
    products: list[Product] = []
    changes: list[PriceChange] = []
    for product in incoming.products:
        skus: list[Sku] = []
        for sku in product.skus:
            old = old_skus.get(sku.sku_id)
            try:
                skus.append(carry_over(old, sku, now, since))
            except HistoryOrderError as exc:
                message = f"product {product.product_id!r} SKU {sku.sku_id!r}: {exc}"
                problems.append(Problem(None, "price_history", message, "products"))
                skus.append(sku)
            if old is not None and old.price != sku.price:
                changes.append(PriceChange(product.product_id, sku.sku_id, old.price, sku.price))
        products.append(dataclasses.replace(product, skus=tuple(skus)))
    return products, changes


def _merged_catalog(
    catalog_id: str, base: Catalog, incoming: Catalog, products: list[Product], mode: ImportMode
) -> Catalog:
    version = base.version + 1
    if mode == "replace":
        return Catalog(
            catalog_id,
            tuple(products),
            incoming.promotions,
            incoming.shipping,
            incoming.after_sales,
            incoming.price_protection,
            version,
        )
    given = incoming.price_protection != PriceProtectionRules()
    return Catalog(
        catalog_id,
        merge_by_id(base.products, tuple(products), lambda p: p.product_id),
        merge_by_id(base.promotions, incoming.promotions, lambda p: p.promo_id),
        merge_by_id(base.shipping, incoming.shipping, lambda s: s.shipping_id),
        merge_by_id(base.after_sales, incoming.after_sales, lambda a: a.after_sales_id),
        incoming.price_protection if given else base.price_protection,
        version,
    )


def _diff(base: Catalog, new: Catalog) -> tuple[list[str], list[str], list[str], list[str], set[str]]:
    """(added, updated, unchanged, removed, text_changed) product ids, in catalog order."""
    old = {p.product_id: p for p in base.products}
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    text_changed: set[str] = set()
    for product in new.products:
        before = old.get(product.product_id)
        if before is None:
            added.append(product.product_id)
            text_changed.add(product.product_id)
        elif before is product or before == product:
            unchanged.append(product.product_id)
        else:
            updated.append(product.product_id)
            if product_text_hash(before) != product_text_hash(product):
                text_changed.add(product.product_id)
    kept = {p.product_id for p in new.products}
    removed = [p.product_id for p in base.products if p.product_id not in kept]
    return added, updated, unchanged, removed, text_changed


def plan_import(
    catalog_id: str,
    current: Catalog | None,
    incoming: Catalog,
    mode: ImportMode,
    now: datetime,
    since: datetime,
    source: str = "",
) -> Plan:
    """Plan an import; raises ImportRejected listing every problem of the merged result."""
    require_aware(now)
    if mode not in ("upsert", "replace"):
        raise ValueError(f"import mode must be 'upsert' or 'replace', got {mode!r}")
    base = current if current is not None else Catalog(catalog_id, ())
    problems = validate_incoming(incoming)
    products, price_changes = _carry_products(base, incoming, now, since, problems)
    new = _merged_catalog(catalog_id, base, incoming, products, mode)
    problems.extend(validate_catalog(new))
    if problems:
        raise ImportRejected(problems, source)
    added, updated, unchanged, removed, text_changed = _diff(base, new)
    policies_changed = (new.shipping, new.after_sales, new.price_protection) != (
        base.shipping,
        base.after_sales,
        base.price_protection,
    )
    report = ImportReport(
        catalog_id=catalog_id,
        version=new.version,
        mode=mode,
        added=tuple(added),
        updated=tuple(updated),
        removed=tuple(removed),
        unchanged=tuple(unchanged),
        price_changes=tuple(price_changes),
        promotions_changed=new.promotions != base.promotions,
        policies_changed=policies_changed,
        source=source,
    )
    changed = frozenset(added) | frozenset(updated)
    change = CatalogChange(
        catalog_id=catalog_id,
        version=new.version,
        product_ids_changed=changed,
        text_changed_product_ids=frozenset(text_changed),
        prices_changed=frozenset(c.sku_id for c in price_changes),
        promotions_changed=report.promotions_changed,
        removed_product_ids=frozenset(removed),
        policies_changed=policies_changed,
        catalog=new,
    )
    record = CatalogVersion(new.version, now, mode, source, report.summary())
    written = tuple(p for p in new.products if p.product_id in changed)
    return Plan(
        new, record, change, written, tuple(removed), report.promotions_changed, policies_changed, report
    )
