"""The catalog tables and their columns: canonical names, Chinese aliases, required flags.

One table per kind of record. A CSV file or an XLSX sheet holds one table; it is recognised by its
name (``products.csv``, sheet ``商品``) or, failing that, by its header. Headers are matched after
normalisation (NFKC, case-folded, spaces/underscores/hyphens/``*`` removed), so ``SKU 编码``,
``sku_id`` and ``SKU-ID`` all mean ``sku_id``. Attribute columns are ``attr:<name>`` or
``属性:<name>`` and land in ``Product.attributes[<name>]``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class TableKind(StrEnum):
    PRODUCTS = "products"
    PROMOTIONS = "promotions"
    FAQ = "faq"
    SHIPPING = "shipping"
    AFTER_SALES = "after_sales"
    SETTINGS = "settings"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its canonical name, accepted aliases and whether it is required."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""


ATTR_PREFIX = "attr:"
_ATTR_HEADER = re.compile(r"^\s*(?:attr|属性)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)

# Product-level columns: repeated on every SKU row of a product, they must agree.
PRODUCT_COLUMNS: tuple[Column, ...] = (
    Column("product_id", ("商品ID", "商品编号", "商品编码"), True, "groups SKU rows into one product"),
    Column("name", ("商品名称", "名称", "品名"), True),
    Column("category", ("类目", "分类")),
    Column("brand", ("品牌",)),
    Column("link_no", ("链接号", "链接序号", "N号链接"), doc="cart-panel link number, unique per catalog"),
    Column("description", ("商品描述", "卖点", "描述")),
    Column("price_protection_days", ("保价天数", "保价"), doc="0 or empty: no price protection"),
    Column("aliases", ("别名",), doc="separated by | or ；"),
    Column("complements", ("搭配", "搭配商品"), doc="product ids, separated by |"),
    Column("shipping_id", ("物流模板", "运费模板"), doc="a shipping_id of the shipping table"),
    Column("after_sales_id", ("售后政策", "售后模板"), doc="an after_sales_id of the after_sales table"),
)
# SKU-level columns: one value per row.
SKU_COLUMNS: tuple[Column, ...] = (
    Column("sku_id", ("SKU编码", "SKU ID", "SKU", "规格编码"), True, "unique in the catalog"),
    Column("spec", ("规格", "颜色尺码", "款式")),
    Column("price", ("售价", "价格", "现价"), True, "CNY, at most 2 decimals"),
    Column("list_price", ("原价", "划线价"), doc="CNY; may be below price"),
    Column("stock", ("库存",), doc="whole number >= 0; empty: 0"),
    Column("price_history", ("历史价格", "价格历史"), doc="price@time entries separated by |, oldest first"),
)

TABLES: dict[TableKind, tuple[Column, ...]] = {
    TableKind.PRODUCTS: PRODUCT_COLUMNS + SKU_COLUMNS,
    TableKind.PROMOTIONS: (
        Column("promo_id", ("活动ID", "活动编号", "优惠ID"), True),
        Column("type", ("类型", "活动类型"), True, "flash_sale|coupon|spend_discount (秒杀/优惠券/满减)"),
        Column("title", ("标题", "活动名称", "名称")),
        Column("start", ("开始时间", "生效时间", "valid_from"), True),
        Column("end", ("结束时间", "失效时间", "valid_to"), True, "exclusive"),
        Column("price", ("秒杀价",), doc="flash_sale: required"),
        Column("product_id", ("商品ID",), doc="flash_sale: required"),
        Column("sku_ids", ("SKU编码", "适用SKU"), doc="flash_sale: SKUs on sale, | separated; empty: all"),
        Column("quantity_cap", ("限量", "限购总量"), doc="flash_sale: units on sale"),
        Column("threshold", ("门槛", "满"), doc="coupon / spend_discount: order amount needed"),
        Column("amount", ("减免金额", "减", "面额"), doc="coupon (or rate) / spend_discount"),
        Column("rate", ("折扣",), doc="coupon: share paid, 0 < rate < 1 (0.9, 9折, 90%)"),
        Column("product_ids", ("适用商品",), doc="coupon / spend_discount: | separated; empty: shop-wide"),
        Column("per_viewer_limit", ("每人限领",), doc="coupon; default 1"),
        Column("stackable", ("可叠加",), doc="coupon default false, spend_discount default true"),
    ),
    TableKind.FAQ: (
        Column("product_id", ("商品ID",), True),
        Column("question", ("问题",), True),
        Column("answer", ("回答", "答案"), True),
    ),
    TableKind.SHIPPING: (
        Column("shipping_id", ("物流模板", "运费模板", "模板ID"), True),
        Column("carrier", ("快递", "快递公司", "物流公司"), True),
        Column("dispatch_hours", ("发货时效(小时)", "发货时效", "发货小时"), True),
        Column("free_shipping_threshold", ("包邮门槛",), doc="0: always free; empty: never free"),
        Column("fee", ("运费",), doc="below the threshold; empty: 0"),
        Column("excluded_regions", ("不发货地区", "偏远地区"), doc="separated by | 、 or ,"),
        Column("presale_dispatch", ("预售发货", "预售发货时间")),
    ),
    TableKind.AFTER_SALES: (
        Column("after_sales_id", ("售后政策", "售后模板", "政策ID"), True),
        Column("no_reason_return_days", ("无理由退货天数", "无理由退货"), doc="empty: 7; 0: none"),
        Column("return_shipping_insurance", ("运费险",), doc="boolean; empty: false"),
        Column("warranty_months", ("保修月数", "保修"), doc="empty: not stated; 0: none"),
        Column("notes", ("备注", "说明")),
    ),
    TableKind.SETTINGS: (
        Column("exclude_flash_sale", ("秒杀价不保价",), doc="boolean; empty: true"),
        Column("exclude_coupons", ("优惠券价不保价", "券后价不保价"), doc="boolean; empty: true"),
        Column("note", ("保价说明",), doc="empty: the default note"),
    ),
}

# File stems / sheet names per table (matched after header normalisation).
TABLE_NAMES: dict[TableKind, tuple[str, ...]] = {
    TableKind.PRODUCTS: ("products", "product", "skus", "sku", "商品", "商品表", "商品列表"),
    TableKind.PROMOTIONS: ("promotions", "promotion", "promos", "活动", "促销", "优惠", "优惠活动"),
    TableKind.FAQ: ("faq", "faqs", "问答", "常见问题"),
    TableKind.SHIPPING: ("shipping", "物流", "物流模板", "运费模板"),
    TableKind.AFTER_SALES: ("after_sales", "aftersales", "售后", "售后政策"),
    TableKind.SETTINGS: ("settings", "price_protection", "设置", "保价", "保价规则"),
}
# Sheet names of the Chinese XLSX template.
CHINESE_TABLE_NAMES: dict[TableKind, str] = {
    TableKind.PRODUCTS: "商品",
    TableKind.PROMOTIONS: "活动",
    TableKind.FAQ: "问答",
    TableKind.SHIPPING: "物流",
    TableKind.AFTER_SALES: "售后",
    TableKind.SETTINGS: "保价规则",
}
# Sheets that are documentation, skipped without a warning.
INFO_SHEETS = frozenset({"readme", "说明", "填写说明", "instructions"})

# A header that contains this column identifies the table when the name does not.
_SIGNATURE: tuple[tuple[str, TableKind], ...] = (
    ("promo_id", TableKind.PROMOTIONS),
    ("sku_id", TableKind.PRODUCTS),
    ("question", TableKind.FAQ),
    ("carrier", TableKind.SHIPPING),
    ("no_reason_return_days", TableKind.AFTER_SALES),
    ("exclude_flash_sale", TableKind.SETTINGS),
    # Weaker evidence, checked last: a product table that lacks its sku_id column is still a
    # product table, so the missing column can be reported by name.
    ("name", TableKind.PRODUCTS),
    ("price", TableKind.PRODUCTS),
)


def normalize(text: str) -> str:
    """Header/name normal form: NFKC (full-width -> ASCII), case-folded, no spaces, _ - or *."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-*]+", "", folded)


def _alias_map(columns: Iterable[Column]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in columns:
        for alias in (column.name, *column.aliases):
            out.setdefault(normalize(alias), column.name)
    return out


_ALIASES: dict[TableKind, dict[str, str]] = {kind: _alias_map(cols) for kind, cols in TABLES.items()}
_NAMES: dict[str, TableKind] = {normalize(n): kind for kind, names in TABLE_NAMES.items() for n in names}


@functools.lru_cache(maxsize=4096)
def canonical_column(kind: TableKind, header: str) -> str | None:
    """The canonical column for a header cell of a ``kind`` table, or None when unknown."""
    if kind is TableKind.PRODUCTS:
        match = _ATTR_HEADER.match(unicodedata.normalize("NFKC", header))
        if match:
            return ATTR_PREFIX + match.group(1)
    return _ALIASES[kind].get(normalize(header))


def table_from_name(name: str) -> TableKind | None:
    """The table a file stem or sheet name stands for, or None."""
    return _NAMES.get(normalize(name))


def is_info_sheet(name: str) -> bool:
    return normalize(name) in INFO_SHEETS


def table_from_header(header: Iterable[str]) -> TableKind | None:
    """Guess the table from its header cells (the first signature column found wins)."""
    cells = [h for h in header if h]
    for column, kind in _SIGNATURE:
        if any(canonical_column(kind, h) == column for h in cells):
            return kind
    return None


def required_columns(kind: TableKind) -> tuple[str, ...]:
    return tuple(c.name for c in TABLES[kind] if c.required)


def column_label(kind: TableKind, name: str) -> str:
    """``name`` with its first Chinese alias, for messages: ``price (售价)``."""
    for column in TABLES[kind]:
        if column.name == name and column.aliases:
            return f"{name} ({column.aliases[0]})"
    return name


def column_names(kind: TableKind) -> tuple[str, ...]:
    return tuple(c.name for c in TABLES[kind])
