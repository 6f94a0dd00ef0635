"""Catalog templates for operators, generated from one example catalog so they always parse.

``write_templates(directory)`` writes:
- ``catalog_template.xlsx``: Chinese sheet names and headers, a 说明 sheet, example rows;
- ``csv/<table>.csv``: one UTF-8-BOM CSV per table with English headers and example rows;
- ``catalog_example.json``: the same example in the canonical JSON format;
- ``catalog.schema.json``: the JSON Schema of the canonical format.
The committed copies live in knowledge/templates/.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge.domain import (
    AfterSalesPolicy,
    Catalog,
    Coupon,
    FaqPair,
    FlashSale,
    PriceProtectionRules,
    Product,
    ShippingPolicy,
    Sku,
    SpendDiscount,
)
from knowledge.ingest.export import catalog_tables, catalog_xlsx, export_catalog, table_csv
from knowledge.ingest.schema import catalog_schema

_TZ = ZoneInfo("Asia/Shanghai")
NOTES = (
    "每个工作表一张表：商品（每行一个SKU）、活动、问答、物流、售后、保价规则。本页导入时忽略。",
    "表头可用中文或英文列名；必填列：商品ID、商品名称、SKU编码、售价。",
    "金额最多两位小数（可带¥和千分位逗号）；时间写 2026-11-21 20:00，默认北京时间。",
    "多个值用 | 分隔（别名、搭配、SKU、适用商品、不发货地区）。属性列写成 属性:材质。",
    "同一商品的多行SKU，商品级列（名称、类目、链接号…）必须一致，后续行可留空。",
    "以 = + - @ 开头的内容按文本保存，不会作为公式计算。详见 docs/catalog-format.md。",
)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=_TZ)


def example_catalog() -> Catalog:
    """A small catalog showing every table: variants, all promotion types, policies, FAQ."""
    tee = Product(
        product_id="P1001",
        name="纯棉圆领T恤",
        skus=(
            Sku("P1001-BK-M", "黑色 M", Decimal("79.00"), Decimal("129.00"), 120),
            Sku("P1001-WH-L", "白色 L", Decimal("79.00"), Decimal("129.00"), 0),
        ),
        category="服装",
        brand="棉语",
        link_no=1,
        description="新疆长绒棉，220g重磅，不易变形",
        attributes={"材质": "100%棉", "产地": "广东"},
        aliases=("白T", "短袖"),
        faq=(FaqPair("会缩水吗？", "预缩处理，正常洗涤基本不缩水。"),),
        complements=("P1002",),
        price_protection_days=15,
        shipping_id="SF24",
        after_sales_id="STD7",
    )
    cream = Product(
        product_id="P1002",
        name="保湿面霜",
        skus=(Sku("P1002-50", "50ml", Decimal("199.00"), Decimal("259.00"), 300),),
        category="美妆",
        brand="润泽",
        link_no=2,
        description="敏感肌可用，无香精",
        attributes={"适用肤质": "干皮/敏感肌"},
        price_protection_days=30,
        shipping_id="SF24",
        after_sales_id="BEAUTY",
    )
    return Catalog(
        catalog_id="example",
        products=(tee, cream),
        promotions=(
            FlashSale(
                "F1",
                "T恤限时秒杀",
                _t("2026-11-21T20:00"),
                _t("2026-11-21T20:10"),
                Decimal("59.00"),
                "P1001",
                ("P1001-BK-M",),
                200,
            ),
            Coupon(
                "C1",
                "满200减30券",
                _t("2026-11-21T00:00"),
                _t("2026-11-22T00:00"),
                Decimal("200.00"),
                amount=Decimal("30.00"),
            ),
            SpendDiscount(
                "S1",
                "面霜满300减50",
                _t("2026-11-21T00:00"),
                _t("2026-11-28T00:00"),
                Decimal("300.00"),
                Decimal("50.00"),
                ("P1002",),
            ),
        ),
        shipping=(ShippingPolicy("SF24", "顺丰", 24, Decimal("0"), Decimal("0"), ("新疆", "西藏")),),
        after_sales=(
            AfterSalesPolicy("STD7", 7, True, 0, ""),
            AfterSalesPolicy("BEAUTY", 7, False, 0, "拆封后不支持无理由退货"),
        ),
        price_protection=PriceProtectionRules(),
    )


def write_templates(directory: Path | str) -> list[Path]:
    """Write every template file under ``directory``; returns the paths written."""
    root = Path(directory)
    (root / "csv").mkdir(parents=True, exist_ok=True)
    catalog = example_catalog()
    written: list[Path] = []
    for kind, (header, rows) in catalog_tables(catalog).items():
        path = root / "csv" / f"{kind}.csv"
        path.write_bytes(table_csv(header, rows))
        written.append(path)
    outputs = {
        "catalog_template.xlsx": catalog_xlsx(catalog, chinese=True, notes=NOTES),
        "catalog_example.json": export_catalog(catalog, "json")[0] + b"\n",
        "catalog.schema.json": (json.dumps(catalog_schema(), ensure_ascii=False, indent=2) + "\n").encode(),
    }
    for name, content in outputs.items():
        (root / name).write_bytes(content)
        written.append(root / name)
    return written
