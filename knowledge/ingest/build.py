"""Raw tables -> one validated ``Catalog``; every problem is logged, none stops the others.

Order: missing required columns, policies (shipping, after-sales, settings), products and FAQ,
promotions (they need the products), then cross-references: complements, shipping_id,
after_sales_id, and link numbers unique across products.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import tzinfo

from knowledge.domain import Catalog, Product
from knowledge.ingest.build_policies import read_after_sales, read_promotions, read_settings, read_shipping
from knowledge.ingest.build_products import ProductDraft, read_faq, read_products
from knowledge.ingest.columns import TableKind, column_label, required_columns
from knowledge.ingest.model import ProblemLog, RawRow, RawTable


def build_catalog(tables: list[RawTable], catalog_id: str, log: ProblemLog, tz: tzinfo) -> Catalog:
    """The catalog the tables describe; check ``log.failed`` before using it."""
    by_kind: dict[TableKind, list[RawTable]] = defaultdict(list)
    for table in tables:
        by_kind[table.kind].append(table)
        _check_header(table, log)
    if len(by_kind[TableKind.SETTINGS]) > 1:
        log.add(None, None, "more than one settings table was uploaded; keep one", None)
    shipping = read_shipping(by_kind[TableKind.SHIPPING], log, tz)
    after_sales = read_after_sales(by_kind[TableKind.AFTER_SALES], log, tz)
    rules = read_settings(by_kind[TableKind.SETTINGS], log, tz)
    drafts = read_products(by_kind[TableKind.PRODUCTS], log, tz)
    if not drafts and not log.failed:
        log.add(None, None, _no_products(log))
    read_faq(by_kind[TableKind.FAQ], drafts, log, tz)
    _check_references(drafts, set(shipping), set(after_sales), log)
    sku_ids = {pid: frozenset(s.sku_id for s in d.skus) for pid, d in drafts.items()}
    promotions = read_promotions(by_kind[TableKind.PROMOTIONS], sku_ids, log, tz)
    products: tuple[Product, ...] = tuple(d.build() for d in drafts.values())
    return Catalog(
        catalog_id=catalog_id,
        products=products,
        promotions=tuple(promotions),
        shipping=tuple(shipping.values()),
        after_sales=tuple(after_sales.values()),
        price_protection=rules,
    )


def _no_products(log: ProblemLog) -> str:
    """Why the catalog has no products: no products table, or sheets that were not recognised."""
    message = "the catalog has no products; add a products table (products.csv / sheet 商品)"
    if log.unrecognised:
        sheets = ", ".join(repr(s) for s in log.unrecognised)
        message += (
            f"; sheet(s) {sheets} were skipped because no table header was found in their first rows: "
            "name the sheet 商品 or put the template's header (商品ID, 商品名称, SKU编码, 售价) in it"
        )
    return message


def _check_header(table: RawTable, log: ProblemLog) -> None:
    if table.columns is None:
        return
    for column in required_columns(table.kind):
        if column not in table.columns:
            label = column_label(table.kind, column)
            log.add(None, column, f"missing required column {label}; add it to the header", table.sheet)


def _check_references(
    drafts: dict[str, ProductDraft], shipping: set[str], after_sales: set[str], log: ProblemLog
) -> None:
    """Complements, shipping and after-sales ids must exist; link numbers must be unique."""
    links: dict[int, tuple[str, RawRow]] = {}
    for draft in drafts.values():
        fields, sources = draft.fields, draft.sources
        for other in fields.get("complements", ()):  # type: ignore[attr-defined]  # tuple of ids
            if other not in drafts:
                log.at(sources["complements"], "complements", f"unknown complement product {other!r}")
        shipping_id = fields.get("shipping_id")
        if shipping_id is not None and shipping_id not in shipping:
            message = f"unknown shipping_id {shipping_id!r}; add it to the shipping table"
            log.at(sources["shipping_id"], "shipping_id", message)
        after_sales_id = fields.get("after_sales_id")
        if after_sales_id is not None and after_sales_id not in after_sales:
            message = f"unknown after_sales_id {after_sales_id!r}; add it to the after_sales table"
            log.at(sources["after_sales_id"], "after_sales_id", message)
        link_no = fields.get("link_no")
        if isinstance(link_no, int):
            row = sources["link_no"]
            earlier = links.setdefault(link_no, (draft.product_id, row))
            if earlier[0] != draft.product_id:
                where = earlier[1].where("link_no")
                message = f"link_no {link_no} is also used by product {earlier[0]!r} at {where}"
                log.at(row, "link_no", message)
