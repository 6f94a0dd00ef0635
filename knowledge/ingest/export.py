"""Catalog -> CSV (a zip of tables), XLSX (one sheet per table) or canonical JSON.

Every export parses back to the same catalog. CSV files are UTF-8 with BOM so Excel shows Chinese
correctly; text that could start a formula gets a leading apostrophe (OWASP CSV injection advice)
in CSV and XLSX, never in JSON. ``chinese=True`` (the XLSX template) writes Chinese sheet names and
headers (the first alias of each column).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion, Sku
from knowledge.ingest.cells import escape_formula
from knowledge.ingest.columns import ATTR_PREFIX, CHINESE_TABLE_NAMES, TABLES, TableKind, column_names
from knowledge.serialize import catalog_to_dict

Cell = str | int | Decimal | bool | None
Table = tuple[list[str], list[list[Cell]]]

MEDIA_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_catalog(catalog: Catalog, fmt: Literal["csv", "xlsx", "json"]) -> tuple[bytes, str]:
    """The catalog as file bytes in ``fmt`` and the media type to send with them."""
    if fmt == "json":
        text = json.dumps(catalog_to_dict(catalog), ensure_ascii=False, indent=2)
        return text.encode("utf-8"), MEDIA_TYPES["json"]
    if fmt == "csv":
        return catalog_csv_zip(catalog), MEDIA_TYPES["csv"]
    if fmt == "xlsx":
        return catalog_xlsx(catalog), MEDIA_TYPES["xlsx"]
    raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or json")


def catalog_tables(catalog: Catalog) -> dict[TableKind, Table]:
    """Header and rows of every table (empty tables keep their header)."""
    attributes = list(dict.fromkeys(k for p in catalog.products for k in p.attributes))
    product_header = [*column_names(TableKind.PRODUCTS), *(ATTR_PREFIX + a for a in attributes)]
    return {
        TableKind.PRODUCTS: (
            product_header,
            [_product_row(p, s, attributes) for p in catalog.products for s in p.skus],
        ),
        TableKind.PROMOTIONS: (
            list(column_names(TableKind.PROMOTIONS)),
            [_promo_row(p) for p in catalog.promotions],
        ),
        TableKind.FAQ: (
            list(column_names(TableKind.FAQ)),
            [[p.product_id, f.question, f.answer] for p in catalog.products for f in p.faq],
        ),
        TableKind.SHIPPING: (
            list(column_names(TableKind.SHIPPING)),
            [
                [
                    s.shipping_id,
                    s.carrier,
                    s.dispatch_hours,
                    s.free_shipping_threshold,
                    s.fee,
                    _join(s.excluded_regions),
                    s.presale_dispatch,
                ]
                for s in catalog.shipping
            ],
        ),
        TableKind.AFTER_SALES: (
            list(column_names(TableKind.AFTER_SALES)),
            [
                [
                    a.after_sales_id,
                    a.no_reason_return_days,
                    a.return_shipping_insurance,
                    a.warranty_months,
                    a.notes,
                ]
                for a in catalog.after_sales
            ],
        ),
        TableKind.SETTINGS: (
            list(column_names(TableKind.SETTINGS)),
            [
                [
                    catalog.price_protection.exclude_flash_sale,
                    catalog.price_protection.exclude_coupons,
                    catalog.price_protection.note,
                ]
            ],
        ),
    }


def _join(items: Sequence[str]) -> str:
    return "|".join(items)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _product_row(p: Product, s: Sku, attributes: list[str]) -> list[Cell]:
    history = _join([f"{pt.price:.2f}@{pt.effective_from.isoformat()}" for pt in s.price_history])
    return [
        p.product_id, p.name, p.category, p.brand, p.link_no, p.description, p.price_protection_days,
        _join(p.aliases), _join(p.complements), p.shipping_id, p.after_sales_id,
        s.sku_id, s.spec, _money(s.price), _money(s.list_price), s.stock, history,
        *(p.attributes.get(a) for a in attributes),
    ]  # fmt: skip


def _promo_row(p: Promotion) -> list[Cell]:
    start, end = p.start.isoformat(), p.end.isoformat()
    if isinstance(p, FlashSale):
        return [p.promo_id, str(p.kind), p.title, start, end, _money(p.price), p.product_id,
                _join(p.sku_ids), p.quantity_cap, None, None, None, "", None, None]  # fmt: skip
    rate = None if not isinstance(p, Coupon) or p.rate is None else format(p.rate, "f")
    amount = _money(p.amount)
    limit = p.per_viewer_limit if isinstance(p, Coupon) else None
    return [p.promo_id, str(p.kind), p.title, start, end, None, None, "", None,
            _money(p.threshold), amount, rate, _join(p.product_ids), limit, p.stackable]  # fmt: skip


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)


def catalog_csv_zip(catalog: Catalog) -> bytes:
    """A zip holding one UTF-8-BOM CSV per table (products.csv, promotions.csv, ...)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, (header, rows) in catalog_tables(catalog).items():
            archive.writestr(f"{kind}.csv", table_csv(header, rows))
    return buffer.getvalue()


def table_csv(header: list[str], rows: list[list[Cell]]) -> bytes:
    """One table as CSV bytes, UTF-8 with BOM, CRLF line ends (what Excel writes)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def catalog_xlsx(catalog: Catalog, *, chinese: bool = False, notes: Sequence[str] = ()) -> bytes:
    """A workbook with one sheet per table; ``notes`` become a 说明 sheet (skipped on import)."""
    import openpyxl  # only needed for XLSX exports

    workbook = openpyxl.Workbook(write_only=True)
    if notes:
        info = workbook.create_sheet("说明")
        for line in notes:
            info.append([line])
    for kind, (header, rows) in catalog_tables(catalog).items():
        sheet = workbook.create_sheet(CHINESE_TABLE_NAMES[kind] if chinese else str(kind))
        sheet.append([_chinese_header(kind, h) for h in header] if chinese else header)
        for row in rows:
            sheet.append([escape_formula(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _chinese_header(kind: TableKind, name: str) -> str:
    if name.startswith(ATTR_PREFIX):
        return "属性:" + name[len(ATTR_PREFIX) :]
    column = next(c for c in TABLES[kind] if c.name == name)
    return column.aliases[0] if column.aliases else name
