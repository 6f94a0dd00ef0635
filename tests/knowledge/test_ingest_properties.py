"""Property-based tests of the catalog parsers: whatever the bytes, ``parse_catalog`` returns a
catalog or raises ``ImportRejected`` listing its problems, never anything else.

Bounded so the suite stays fast: at most 100 examples per property, and a generous per-example
deadline that only catches a runaway parse (it is not a speed test).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.errors import ImportRejected
from knowledge.ingest import UploadedFile, parse_catalog
from knowledge.store import SqliteCatalogStore

BOUNDED = settings(
    max_examples=100,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow],
)

NOW = datetime(2026, 11, 11, 12, tzinfo=UTC)
_HEADERS = [
    "product_id",
    "name",
    "sku_id",
    "price",
    "商品ID",
    "SKU编码",
    "SKU ID",
    "售价",
    "stock",
    "库存",
    "promo_id",
    "type",
    "start",
    "end",
    "question",
    "answer",
    "attr:颜色",
    "price_history",
    "link_no",
]
_CELLS = [
    "P1",
    "S1",
    "199.00",
    "￥1,299",
    "-1",
    "1e5",
    "1.23457E+18",
    "=SUM(A1)",
    "'=x",
    "双十一",
    "",
    "2026-11-11 20:00",
    "flash_sale",
    "coupon",
    "9折",
    "是",
    "NaN",
    "\u202e",
    "a\x00b",
    '"',
    "\r",
]
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5", "shift_jis", "latin-1"]


@functools.cache
def _store() -> SqliteCatalogStore:
    return SqliteCatalogStore(Path(tempfile.mkdtemp(prefix="liveshop-props-")) / "catalog.sqlite3")


def parses_or_rejects(name: str, content: bytes) -> None:
    """The one property: a ParsedCatalog that the SQLite store accepts as it is, or ImportRejected
    with problems that all say something."""
    try:
        parsed = parse_catalog([UploadedFile(name, content)], "c1")
    except ImportRejected as exc:
        assert exc.problems
        assert all(isinstance(p.message, str) and p.message for p in exc.problems)
    else:
        assert parsed.catalog.products
        _store().apply_import("c1", parsed.catalog, "replace", NOW)


@BOUNDED
@given(content=st.binary(max_size=4096), name=st.sampled_from(["products.csv", "x.tsv", "商品.txt"]))
def test_arbitrary_bytes_as_csv(content: bytes, name: str) -> None:
    parses_or_rejects(name, content)


@BOUNDED
@given(
    header=st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(st.sampled_from(_CELLS) | st.text(max_size=12), max_size=9), max_size=8),
    delimiter=st.sampled_from([",", "\t", ";"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(_ENCODINGS),
)
def test_csv_shaped_text_in_any_encoding(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str, encoding: str
) -> None:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    content = newline.join(lines).encode(encoding, "replace")
    parses_or_rejects("products.csv", content)


@BOUNDED
@given(content=st.binary(max_size=4096), name=st.sampled_from(["catalog.json", "rows.jsonl", "x.ndjson"]))
def test_arbitrary_bytes_as_json(content: bytes, name: str) -> None:
    parses_or_rejects(name, content)


_KEYS = [*_HEADERS, "skus", "faq", "products", "promotions", "shipping", "after_sales", "price_protection"]
_KEYS += ["attributes", "section"]
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
_JSON = st.recursive(
    _SCALARS | st.sampled_from(_CELLS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6),
    max_leaves=30,
)


@BOUNDED
@given(doc=_JSON)
def test_json_documents_of_any_shape(doc: object) -> None:
    content = json.dumps(doc, ensure_ascii=False).encode()
    parses_or_rejects("catalog.json", content)
    lines = doc if isinstance(doc, list) else [doc]
    jsonl = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    parses_or_rejects("rows.jsonl", jsonl)


@BOUNDED
@given(content=st.binary(max_size=2048), name=st.sampled_from(["catalog.zip", "catalog.xlsx"]))
def test_arbitrary_bytes_as_zip_or_xlsx(content: bytes, name: str) -> None:
    parses_or_rejects(name, b"PK\x03\x04" + content)


@BOUNDED
@given(
    depth=st.integers(min_value=1, max_value=50_000),
    opener=st.sampled_from(["[", '{"products":[', '{"a":']),
    name=st.sampled_from(["catalog.json", "rows.jsonl"]),
)
def test_deeply_nested_json(depth: int, opener: str, name: str) -> None:
    closer = {"[": "]", '{"products":[': "]}", '{"a":': "}"}[opener]
    parses_or_rejects(name, (opener * depth + "1" + closer * depth).encode())


@BOUNDED
@given(
    digits=st.integers(min_value=1, max_value=20_000),
    where=st.sampled_from(["json", "csv_stock", "csv_price", "jsonl_stock"]),
    sign=st.sampled_from(["", "-"]),
)
def test_numbers_of_any_length(digits: int, where: str, sign: str) -> None:
    number = sign + "9" * digits
    record = f'{{"product_id":"P1","name":"a","sku_id":"S1","price":1,"stock":{number}}}'
    content = {
        "json": f"[{record}]",
        "jsonl_stock": record,
        "csv_stock": f"product_id,name,sku_id,price,stock\nP1,a,S1,1,{number}\n",
        "csv_price": f"product_id,name,sku_id,price\nP1,a,S1,{number}\n",
    }[where]
    name = {"json": "rows.json", "jsonl_stock": "rows.jsonl"}.get(where, "products.csv")
    parses_or_rejects(name, content.encode())


_IDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=10)


@BOUNDED
@given(
    rows=st.lists(
        st.tuples(
            _IDS,
            st.text(min_size=1, max_size=30),
            _IDS,
            st.sampled_from(["1", "9.90", "￥1,299"]),
            st.text(max_size=30),
            st.text(max_size=10),
        ),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_catalogs_with_any_text_in_their_cells(
    rows: list[tuple[str, str, str, str, str, str]], encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["product_id", "name", "sku_id", "price", "description", "attr:颜色"])
    writer.writerows(rows)
    parses_or_rejects("products.csv", buffer.getvalue().encode(encoding))
