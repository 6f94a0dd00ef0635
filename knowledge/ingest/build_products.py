"""Product rows (one per SKU) and FAQ rows -> products, with every problem at its cell.

Rows are grouped by product_id in order of first appearance. Product-level cells may be left empty
on later SKU rows (they inherit); a non-empty value that differs from an earlier row is a conflict
naming both rows. sku_id is unique across the whole catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from knowledge.domain import FaqPair, Product, Sku
from knowledge.ingest.cells import LIST_SEPARATORS, is_empty
from knowledge.ingest.columns import ATTR_PREFIX
from knowledge.ingest.fields import RowReader
from knowledge.ingest.model import ProblemLog, RawRow, RawTable

_FIELDS: dict[str, Callable[[RowReader, str], object]] = {
    "name": lambda r, c: r.text(c),
    "category": lambda r, c: r.text(c),
    "brand": lambda r, c: r.text(c),
    "link_no": lambda r, c: r.integer(c),
    "description": lambda r, c: r.text(c),
    "price_protection_days": lambda r, c: r.integer(c),
    "aliases": lambda r, c: r.items(c, LIST_SEPARATORS),
    "complements": lambda r, c: r.items(c),
    "shipping_id": lambda r, c: r.optional_text(c),
    "after_sales_id": lambda r, c: r.optional_text(c),
}


@dataclass(slots=True)
class ProductDraft:
    """A product being assembled: its fields, the row each came from, its SKUs and FAQ."""

    product_id: str
    first: RawRow
    fields: dict[str, object] = field(default_factory=dict)
    sources: dict[str, RawRow] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # columns given on some row (valid or not)
    raw: dict[str, object] = field(default_factory=dict)  # the raw cell each field was taken from
    skus: list[Sku] = field(default_factory=list)
    faq: list[FaqPair] = field(default_factory=list)

    def merge(self, row: RawRow, values: dict[str, object], log: ProblemLog) -> None:
        """Add the non-empty product-level values of ``row``; report conflicts with earlier rows."""
        for column, value in values.items():
            if column not in self.fields:
                self.fields[column] = value
                self.sources[column] = row
                self.raw[column] = row.cells[column]
            elif self.fields[column] != value:
                earlier = self.sources[column]
                log.at(
                    row,
                    column,
                    f"product {self.product_id}: {column} is {_show(value)} here but "
                    f"{_show(self.fields[column])} at {earlier.where(column)}; "
                    "product columns must agree on every SKU row",
                )

    def build(self) -> Product:
        f = self.fields
        attributes = {k[len(ATTR_PREFIX) :]: str(v) for k, v in f.items() if k.startswith(ATTR_PREFIX)}
        return Product(
            product_id=self.product_id,
            name=str(f.get("name", "")),
            skus=tuple(self.skus),
            category=str(f.get("category", "")),
            brand=str(f.get("brand", "")),
            link_no=f.get("link_no"),  # type: ignore[arg-type]  # int from _FIELDS
            description=str(f.get("description", "")),
            attributes=attributes,
            aliases=f.get("aliases", ()),  # type: ignore[arg-type]  # tuple[str, ...] from _FIELDS
            faq=tuple(self.faq),
            complements=f.get("complements", ()),  # type: ignore[arg-type]
            price_protection_days=f.get("price_protection_days") or 0,  # type: ignore[arg-type]
            shipping_id=f.get("shipping_id"),  # type: ignore[arg-type]
            after_sales_id=f.get("after_sales_id"),  # type: ignore[arg-type]
        )


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return repr("|".join(value))
    return repr(value)


def _quiet(table: RawTable, required: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c for c in required if table.columns is not None and c not in table.columns)


def read_products(tables: list[RawTable], log: ProblemLog, tz: tzinfo) -> dict[str, ProductDraft]:
    """Drafts by product_id, in order of first appearance."""
    drafts: dict[str, ProductDraft] = {}
    sku_rows: dict[str, RawRow] = {}
    for table in tables:
        quiet = _quiet(table, ("product_id", "sku_id", "price"))
        for row in table.rows:
            _read_row(RowReader(row, log, tz, quiet), drafts, sku_rows)
    for draft in drafts.values():
        if "name" not in draft.present:
            log.at(draft.first, "name", f"product {draft.product_id} has no name; fill in name (商品名称)")
    return drafts


def _read_row(r: RowReader, drafts: dict[str, ProductDraft], sku_rows: dict[str, RawRow]) -> None:
    row, log = r.row, r.log
    product_id = r.text("product_id", required=True)
    values = _product_values(r, drafts.get(product_id))
    sku = _read_sku(r)
    if sku is not None:
        earlier = sku_rows.setdefault(sku.sku_id, row)
        if earlier is not row:
            r.fail("sku_id", f"duplicate sku_id {sku.sku_id!r}: also at {earlier.where('sku_id')}")
    if not product_id:
        return
    draft = drafts.get(product_id)
    if draft is None:
        draft = drafts[product_id] = ProductDraft(product_id, row)
    elif row.group is not None and row.group != draft.first.group:
        r.fail("product_id", f"duplicate product_id {product_id!r}: also at {draft.first.where()}")
        return
    draft.present.update(values)
    draft.merge(row, {k: v for k, v in values.items() if v is not None}, log)
    if sku is not None and r.ok:
        draft.skus.append(sku)


def _product_values(r: RowReader, draft: ProductDraft | None) -> dict[str, object]:
    """The row's non-empty product-level cells, parsed (None when invalid). A cell identical to the
    one the product already took is skipped: repeated product columns are parsed once."""
    accepted = draft.raw if draft is not None else {}
    values: dict[str, object] = {}
    for column, raw in r.row.cells.items():
        parse = _FIELDS.get(column) or (_text if column.startswith(ATTR_PREFIX) else None)
        if parse is None or is_empty(raw) or (column in accepted and accepted[column] == raw):
            continue
        values[column] = parse(r, column)
    return values


def _text(r: RowReader, column: str) -> object:
    return r.text(column)


def _read_sku(r: RowReader) -> Sku | None:
    sku_id = r.text("sku_id", required=True)
    price = r.money("price", required=True)
    list_price = r.money("list_price")
    stock = r.integer("stock")
    history = r.price_history("price_history")
    if history and price is not None and history[-1].price != price:
        r.fail(
            "price_history", f"the last price_history point ({history[-1].price}) must equal price ({price})"
        )
    if not sku_id or price is None:
        return None
    spec = r.text("spec")
    return Sku(sku_id, spec, price, list_price, stock or 0, history)


def read_faq(tables: list[RawTable], drafts: dict[str, ProductDraft], log: ProblemLog, tz: tzinfo) -> None:
    """Attach FAQ rows to their products; a FAQ for an unknown product is a problem."""
    for table in tables:
        quiet = _quiet(table, ("product_id", "question", "answer"))
        for row in table.rows:
            r = RowReader(row, log, tz, quiet)
            product_id = r.text("product_id", required=True)
            question = r.text("question", required=True)
            answer = r.text("answer", required=True)
            if not r.ok:
                continue
            draft = drafts.get(product_id)
            if draft is None:
                r.fail("product_id", f"FAQ for unknown product {product_id!r}; add the product first")
            else:
                draft.faq.append(FaqPair(question, answer))
