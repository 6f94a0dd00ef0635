"""Consistency checks of a whole catalog, run on the merged result before anything is stored.

Each problem is a ``knowledge.errors.Problem`` with ``row=None`` (the store sees no file rows),
``column`` naming the field and ``sheet`` the section ("products", "promotions", ...); the message
names the product / promotion ids and the fix. Row-level checks with file positions belong to ingest.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from knowledge.amounts import amount_problem
from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion
from knowledge.errors import Problem

__all__ = ["amount_problem", "promotion_problems", "validate_catalog", "validate_incoming"]


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for item in ids:
        if item in seen and item not in dupes:
            dupes.append(item)
        seen.add(item)
    return dupes


def validate_incoming(incoming: Catalog) -> list[Problem]:
    """Ids repeated inside one import (the merge keys on them, so they must be unique)."""
    problems: list[Problem] = []
    sections: list[tuple[str, str, Iterable[str]]] = [
        ("products", "product_id", (p.product_id for p in incoming.products)),
        ("promotions", "promo_id", (p.promo_id for p in incoming.promotions)),
        ("shipping", "shipping_id", (s.shipping_id for s in incoming.shipping)),
        ("after_sales", "after_sales_id", (a.after_sales_id for a in incoming.after_sales)),
    ]
    for sheet, column, ids in sections:
        for dupe in _duplicates(ids):
            problems.append(
                Problem(None, column, f"{column} {dupe!r} appears more than once; keep one", sheet)
            )
    return problems


def _product_problems(product: Product, catalog: Catalog, product_ids: dict[str, Product]) -> list[Problem]:
    pid = product.product_id
    out: list[Problem] = []

    def add(column: str, message: str) -> None:
        out.append(Problem(None, column, f"product {pid!r}: {message}", "products"))

    if not product.skus:
        add("sku_id", "has no SKU; add at least one")
    for complement in product.complements:
        if complement not in product_ids:
            add("complements", f"complement {complement!r} is not in the catalog; add it or remove it")
    if product.shipping_id is not None and catalog.shipping_policy(product.shipping_id) is None:
        add("shipping_id", f"shipping policy {product.shipping_id!r} is not in the catalog; add it")
    if product.after_sales_id is not None and catalog.after_sales_policy(product.after_sales_id) is None:
        add("after_sales_id", f"after-sales policy {product.after_sales_id!r} is not in the catalog; add it")
    for sku in product.skus:
        for column, value in (("price", sku.price), ("list_price", sku.list_price)):
            why = amount_problem(value)
            if why:
                add(column, f"SKU {sku.sku_id!r} {column} {value} {why}")
        if sku.stock < 0:
            add("stock", f"SKU {sku.sku_id!r} stock {sku.stock} is negative")
    return out


def promotion_problems(promo: Promotion, products: dict[str, Product]) -> list[Problem]:
    """Problems of one promotion against the catalog's ``products`` by id (window, amounts, references)."""
    out: list[Problem] = []

    def add(column: str, message: str) -> None:
        out.append(Problem(None, column, f"promotion {promo.promo_id!r}: {message}", "promotions"))

    if promo.end <= promo.start:
        add("end", f"ends ({promo.end.isoformat()}) before it starts ({promo.start.isoformat()})")
    if isinstance(promo, FlashSale):
        product = products.get(promo.product_id)
        if product is None:
            add("product_id", f"product {promo.product_id!r} is not in the catalog")
        else:
            for sku_id in promo.sku_ids:
                if product.sku(sku_id) is None:
                    add("sku_ids", f"SKU {sku_id!r} is not a SKU of product {promo.product_id!r}")
        amounts: list[tuple[str, Decimal | None]] = [("price", promo.price)]
        if promo.quantity_cap is not None and promo.quantity_cap < 0:
            add("quantity_cap", f"quantity_cap {promo.quantity_cap} is negative; it must be >= 0")
    else:
        for pid in promo.product_ids:
            if pid not in products:
                add("product_ids", f"product {pid!r} is not in the catalog")
        amounts = [("threshold", promo.threshold), ("amount", promo.amount)]
        if isinstance(promo, Coupon) and promo.rate is not None and not (0 < promo.rate < 1):
            add("rate", f"rate {promo.rate} must be between 0 and 1 (0.9 is 9折)")
    for column, value in amounts:
        why = amount_problem(value)
        if why:
            add(column, f"{column} {value} {why}")
    return out


def _link_and_sku_problems(catalog: Catalog) -> list[Problem]:
    out: list[Problem] = []
    link_owner: dict[int, str] = {}
    sku_owner: dict[str, str] = {}
    for product in catalog.products:
        pid = product.product_id
        if product.link_no is not None:
            other = link_owner.setdefault(product.link_no, pid)
            if other != pid:
                message = f"link_no {product.link_no} is used by products {other!r} and {pid!r}; renumber one"
                out.append(Problem(None, "link_no", message, "products"))
        for dupe in _duplicates(s.sku_id for s in product.skus):
            message = f"sku_id {dupe!r} appears more than once in product {pid!r}; keep one"
            out.append(Problem(None, "sku_id", message, "products"))
        for sku_id in dict.fromkeys(s.sku_id for s in product.skus):
            owner = sku_owner.setdefault(sku_id, pid)
            if owner != pid:
                message = (
                    f"sku_id {sku_id!r} is used by products {owner!r} and {pid!r}; SKU ids must be unique"
                )
                out.append(Problem(None, "sku_id", message, "products"))
    return out


def validate_catalog(catalog: Catalog) -> list[Problem]:
    """Every consistency problem of ``catalog`` (empty when it may be stored)."""
    products = {p.product_id: p for p in catalog.products}
    problems: list[Problem] = []
    for product in catalog.products:
        problems.extend(_product_problems(product, catalog, products))
    problems.extend(_link_and_sku_problems(catalog))
    for promo in catalog.promotions:
        problems.extend(promotion_problems(promo, products))
    return problems
