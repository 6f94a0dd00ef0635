"""JSON and JSONL uploads.

- JSON object: the canonical catalog document (``knowledge.serialize.catalog_to_dict``). Problems
  point into it: ``products[3].skus[2].price`` is sheet "products", row 3, column "skus[2].price".
- JSON list, or JSONL (one object per line): flat records shaped like CSV rows (one SKU per row);
  a record may carry ``"section"``: product_row (default), promotion, faq, shipping, after_sales,
  settings. Rows are the 1-based list index / line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from knowledge.ingest.columns import ATTR_PREFIX, SKU_COLUMNS, TableKind, canonical_column
from knowledge.ingest.model import ProblemLog, RawRow, RawTable

_SECTIONS: dict[str, TableKind] = {
    "price_protection": TableKind.SETTINGS,
    "shipping": TableKind.SHIPPING,
    "after_sales": TableKind.AFTER_SALES,
    "promotions": TableKind.PROMOTIONS,
}
_IGNORED_KEYS = frozenset({"format", "catalog_id", "version"})  # the store assigns all three
_RECORD_SECTIONS: dict[str, TableKind] = {
    "product_row": TableKind.PRODUCTS,
    "product": TableKind.PRODUCTS,
    "sku": TableKind.PRODUCTS,
    "promotion": TableKind.PROMOTIONS,
    "faq": TableKind.FAQ,
    "shipping": TableKind.SHIPPING,
    "after_sales": TableKind.AFTER_SALES,
    "settings": TableKind.SETTINGS,
    "price_protection": TableKind.SETTINGS,
}
_SKU_FIELDS = frozenset(c.name for c in SKU_COLUMNS)


class _Tables:
    """Tables by kind for one file, created on first use, plus warnings about unknown keys."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log
        self.by_kind: dict[tuple[TableKind, str], RawTable] = {}
        self.unknown: set[tuple[str, str]] = set()

    def table(self, kind: TableKind, sheet: str) -> RawTable:
        return self.by_kind.setdefault((kind, sheet), RawTable(kind, sheet))

    def cells(self, kind: TableKind, sheet: str, record: dict[str, Any]) -> dict[str, object]:
        """A record's fields by canonical column; unknown keys are noted once per sheet."""
        out: dict[str, object] = {}
        for key, value in record.items():
            canonical = canonical_column(kind, str(key))
            if canonical is not None:
                out[canonical] = value
            elif key not in ("section", "attributes") and (sheet, key) not in self.unknown:
                self.unknown.add((sheet, str(key)))
                self.log.warn(f"{sheet}: field {key!r} is not a {kind} field and was ignored")
        return out


def load_json(filename: str, content: bytes, log: ProblemLog) -> Any:
    """The parsed document (floats as Decimal), or None after logging why it is not JSON."""
    try:
        return json.loads(content.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        log.add(None, None, f"the file is not UTF-8 text ({exc}); save it as UTF-8", filename)
    except json.JSONDecodeError as exc:
        log.add(
            exc.lineno, None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", filename
        )
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits; nesting too deep
        log.add(None, None, f"not valid JSON here: {_json_limit(exc)}", filename)
    return None


def _json_limit(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "arrays or objects are nested too deeply"
    return f"a number is too long ({str(exc)[:80]})"


def read_json(filename: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    doc = load_json(filename, content, log)
    if isinstance(doc, dict):
        return _read_document(doc, log, max_rows)
    if isinstance(doc, list):
        return _read_records(filename, enumerate(doc, 1), log, max_rows)
    if doc is not None:
        log.add(None, None, "a JSON catalog is an object (the canonical format) or a list of rows", filename)
    return []


def read_jsonl(filename: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    try:
        lines = content.decode("utf-8-sig").split("\n")  # only \n ends a record: U+2028 may be in text
    except UnicodeDecodeError as exc:
        log.add(None, None, f"the file is not UTF-8 text ({exc}); save it as UTF-8", filename)
        return []
    records: list[tuple[int, object]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append((n, json.loads(line, parse_float=Decimal)))
        except json.JSONDecodeError as exc:
            log.add(n, None, f"not valid JSON: {exc.msg} at column {exc.colno}", filename)
        except (ValueError, RecursionError) as exc:
            log.add(n, None, f"not valid JSON: {_json_limit(exc)}", filename)
    return _read_records(filename, records, log, max_rows)


def _read_records(
    sheet: str, records: Iterable[tuple[int, object]], log: ProblemLog, max_rows: int
) -> list[RawTable]:
    tables = _Tables(log)
    for count, (n, record) in enumerate(records, 1):
        if count > max_rows:
            log.add(None, None, f"more than {max_rows} records; split the file into smaller ones", sheet)
            break
        if not isinstance(record, dict):
            log.add(n, None, "each record must be a JSON object", sheet)
            continue
        section = str(record.get("section") or "product_row")
        kind = _RECORD_SECTIONS.get(section)
        if kind is None:
            known = ", ".join(sorted(_RECORD_SECTIONS))
            log.add(n, "section", f"unknown section {section!r}; use one of {known}", sheet)
            continue
        cells = tables.cells(kind, sheet, record)
        if kind is TableKind.PRODUCTS and isinstance(record.get("attributes"), dict):
            cells.update({ATTR_PREFIX + str(k): v for k, v in record["attributes"].items()})
        tables.table(kind, sheet).rows.append(RawRow(sheet, n, cells))
    return list(tables.by_kind.values())


def _read_document(doc: dict[str, Any], log: ProblemLog, max_rows: int) -> list[RawTable]:
    tables = _Tables(log)
    for key, value in doc.items():
        if key in _IGNORED_KEYS:
            continue
        if key == "products":
            _read_products(value, tables, max_rows)
        elif key in _SECTIONS:
            _read_section(key, _SECTIONS[key], value, tables, max_rows)
        else:
            log.warn(f"catalog field {key!r} is not part of the catalog format and was ignored")
    if "products" not in doc:
        tables.table(TableKind.PRODUCTS, "products")  # reported later as "no products"
    return list(tables.by_kind.values())


def _read_section(section: str, kind: TableKind, value: object, tables: _Tables, max_rows: int) -> None:
    if kind is TableKind.SETTINGS:
        value = [value] if isinstance(value, dict) else value
    if not isinstance(value, list):
        shape = "an object" if kind is TableKind.SETTINGS else "a list of objects"
        tables.log.add(None, None, f"{section} must be {shape}", section)
        return
    table = tables.table(kind, section)
    for n, record in enumerate(value[:max_rows], 1):
        if isinstance(record, dict):
            table.rows.append(RawRow(section, n, tables.cells(kind, section, record)))
        else:
            tables.log.add(n, None, f"{section}[{n}] must be an object", section)
    if len(value) > max_rows:
        tables.log.add(None, None, f"more than {max_rows} {section}; split the catalog", section)


def _read_products(value: object, tables: _Tables, max_rows: int) -> None:
    """Flatten each product object into one raw row per SKU (+ FAQ rows), keeping JSON paths."""
    log = tables.log
    products = tables.table(TableKind.PRODUCTS, "products")
    if not isinstance(value, list):
        log.add(None, None, "products must be a list of objects", "products")
        return
    for i, record in enumerate(value, 1):
        if len(products.rows) >= max_rows:
            log.add(None, None, f"more than {max_rows} SKUs; split the catalog", "products")
            return
        if not isinstance(record, dict):
            log.add(i, None, f"products[{i}] must be an object", "products")
            continue
        product = {k: v for k, v in record.items() if k not in ("skus", "faq", "attributes")}
        cells = tables.cells(TableKind.PRODUCTS, "products", product)
        labels: dict[str, str] = {}
        attributes = record.get("attributes") or {}
        if isinstance(attributes, dict):
            cells.update({ATTR_PREFIX + str(k): v for k, v in attributes.items()})
            labels.update({ATTR_PREFIX + str(k): f"attributes.{k}" for k in attributes})
        else:
            log.add(i, "attributes", "attributes must be an object of name: value", "products")
        _read_faq(i, record.get("faq"), cells.get("product_id"), tables)
        skus = record.get("skus")
        if not isinstance(skus, list) or not skus:
            log.add(i, "skus", "a product needs a non-empty list of skus", "products")
            continue
        for j, sku in enumerate(skus, 1):
            if not isinstance(sku, dict):
                log.add(i, f"skus[{j}]", "each sku must be an object", "products")
                continue
            sku_cells = tables.cells(TableKind.PRODUCTS, "products", sku)
            sku_labels = {k: f"skus[{j}].{k}" for k in _SKU_FIELDS}
            row = RawRow("products", i, cells | sku_cells, labels | sku_labels, group=f"products[{i}]")
            products.rows.append(row)


def _read_faq(i: int, faq: object, product_id: object, tables: _Tables) -> None:
    if faq is None:
        return
    if not isinstance(faq, list):
        tables.log.add(i, "faq", "faq must be a list of {question, answer}", "products")
        return
    table = tables.table(TableKind.FAQ, "products")
    for k, pair in enumerate(faq, 1):
        if not isinstance(pair, dict):
            tables.log.add(i, f"faq[{k}]", "each faq entry must be an object", "products")
            continue
        cells = {"product_id": product_id, "question": pair.get("question"), "answer": pair.get("answer")}
        labels = {"question": f"faq[{k}].question", "answer": f"faq[{k}].answer"}
        table.rows.append(RawRow("products", i, cells, labels))
