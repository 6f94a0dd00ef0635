"""Export then import gives the same catalog back, in every format; exports are injection-safe."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest

from knowledge.demo import DEMO_CATALOG_PATH, load_demo_catalog
from knowledge.domain import (
    AfterSalesPolicy,
    Catalog,
    Coupon,
    FaqPair,
    FlashSale,
    PricePoint,
    PriceProtectionRules,
    Product,
    ShippingPolicy,
    Sku,
    SpendDiscount,
)
from knowledge.ingest import UploadedFile, export_catalog, parse_catalog
from knowledge.serialize import SNAPSHOT_FORMAT, catalog_from_dict, catalog_to_dict

CST = timezone(timedelta(hours=8))
FILENAMES = {"csv": "catalog.zip", "xlsx": "catalog.xlsx", "json": "catalog.json"}


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CST)


def full_catalog() -> Catalog:
    """3 products with variants, every promotion type, policies, FAQ, complements, attributes."""
    dress = Product(
        product_id="D-01",
        name="真丝连衣裙",
        skus=(
            Sku(
                "D-01-S",
                "藕粉 S",
                Decimal("399.00"),
                Decimal("599.00"),
                12,
                (PricePoint(t(1, 0), Decimal("459.00")), PricePoint(t(10, 0), Decimal("399.00"))),
            ),
            Sku("D-01-M", "藕粉 M", Decimal("399.00"), None, 0),
            Sku("D-01-L", "-黑色 L", Decimal("419.50"), Decimal("399.00"), 3),  # list < price is allowed
        ),
        category="女装",
        brand="丝语",
        link_no=1,
        description="=SUM(A1)",  # looks like a formula: must stay text
        attributes={"材质": "100%桑蚕丝", "产地": "浙江杭州"},
        aliases=("连衣裙", "真丝裙"),
        faq=(FaqPair("能机洗吗？", "建议手洗，冷水。"), FaqPair("+86 客服电话？", "@客服 在线")),
        complements=("B-02", "S-03"),
        price_protection_days=15,
        shipping_id="SF24",
        after_sales_id="STD",
    )
    belt = Product(
        product_id="B-02",
        name="编织腰带",
        skus=(Sku("B-02-F", "均码", Decimal("59.90"), None, 500),),
        category="配饰",
        attributes={"材质": "牛皮"},
        link_no=2,
        shipping_id="ZT48",
    )
    scarf = Product(
        product_id="S-03",
        name="羊绒围巾",
        skus=(Sku("S-03-G", "灰", Decimal("1299.00"), Decimal("1599.00"), 7),),
        description="含绒量95%，\n双面可用",
        price_protection_days=30,
        after_sales_id="WARRANTY",
    )
    return Catalog(
        catalog_id="rt",
        products=(dress, belt, scarf),
        promotions=(
            FlashSale(
                "F1",
                "连衣裙秒杀",
                t(21, 20),
                t(21, 20, 10),
                Decimal("299.00"),
                "D-01",
                ("D-01-S", "D-01-M"),
                50,
            ),
            FlashSale("F2", "", t(21, 21), t(21, 21, 5), Decimal("49.00"), "B-02"),
            Coupon("C1", "满300减40", t(21, 0), t(22, 0), Decimal("300.00"), amount=Decimal("40.00")),
            Coupon(
                "C2",
                "围巾9折",
                t(21, 0),
                t(22, 0),
                rate=Decimal("0.9"),
                product_ids=("S-03",),
                per_viewer_limit=2,
                stackable=True,
            ),
            SpendDiscount(
                "M1",
                "满500减60",
                t(21, 0),
                t(28, 0),
                Decimal("500.00"),
                Decimal("60.00"),
                ("D-01", "B-02"),
                stackable=False,
            ),
        ),
        shipping=(
            ShippingPolicy("SF24", "顺丰", 24, Decimal("0.00"), Decimal("0.00"), ("新疆", "西藏")),
            ShippingPolicy("ZT48", "中通", 48, None, Decimal("8.00"), (), "12月5日前发货"),
        ),
        after_sales=(
            AfterSalesPolicy("STD", 7, True, 0, ""),
            AfterSalesPolicy("WARRANTY", 0, False, 12, "定制款不支持无理由退货"),
            # a warranty left unsaid (an empty cell) is no warranty of 0 months, in every format
            AfterSalesPolicy("UNSAID", 7, False, None, ""),
        ),
        price_protection=PriceProtectionRules(
            exclude_flash_sale=True, exclude_coupons=False, note="秒杀价不保价"
        ),
    )


def roundtrip(catalog: Catalog, fmt: str) -> Catalog:
    content, _ = export_catalog(catalog, fmt)  # type: ignore[arg-type]
    return parse_catalog([UploadedFile(FILENAMES[fmt], content)], catalog.catalog_id).catalog


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_parse_gives_the_same_catalog(fmt: str) -> None:
    catalog = full_catalog()
    assert roundtrip(catalog, fmt) == catalog


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_demo_catalog_round_trips(fmt: str) -> None:
    demo = dataclasses.replace(load_demo_catalog(), version=0)  # the store assigns versions
    assert roundtrip(demo, fmt) == demo


def test_demo_json_file_parses_to_the_demo_catalog() -> None:
    parsed = parse_catalog([UploadedFile("demo_catalog.json", DEMO_CATALOG_PATH.read_bytes())], "demo")
    assert parsed.catalog == dataclasses.replace(load_demo_catalog(), version=0)
    assert parsed.warnings == []


def test_csv_export_is_a_zip_of_bom_csvs_with_escaped_formulas() -> None:
    content, media_type = export_catalog(full_catalog(), "csv")
    assert media_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert names == {
        f"{n}.csv" for n in ("products", "promotions", "faq", "shipping", "after_sales", "settings")
    }
    raw = archive.read("products.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["description"] == "'=SUM(A1)"
    assert rows[2]["spec"] == "'-黑色 L"
    assert rows[0]["attr:材质"] == "100%桑蚕丝"
    faq = list(csv.DictReader(io.StringIO(archive.read("faq.csv").decode("utf-8-sig"))))
    assert [f["question"] for f in faq][1] == "'+86 客服电话？"
    assert faq[1]["answer"] == "'@客服 在线"


def test_xlsx_export_stores_formula_text_as_escaped_strings() -> None:
    content, media_type = export_catalog(full_catalog(), "xlsx")
    assert media_type.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    sheet = book["products"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("description") + 1)
    assert cell.value == "'=SUM(A1)"
    assert cell.data_type == "s"  # a string, not a formula


def test_json_export_keeps_raw_text() -> None:
    content, media_type = export_catalog(full_catalog(), "json")
    assert media_type == "application/json"
    doc = json.loads(content)
    assert doc["products"][0]["description"] == "=SUM(A1)"
    assert doc["products"][0]["skus"][0]["price"] == "399.00"


def test_unknown_export_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_catalog(full_catalog(), "pdf")  # type: ignore[arg-type]


def test_a_stored_warranty_of_0_reads_by_the_snapshots_format() -> None:
    """Before format 2 an empty warranty cell was stored as 0: such a 0 reads as not stated (a person
    answers), never as "no warranty" said on air; a format-2 snapshot keeps 0 as stated and leaves an
    unstated warranty out."""
    catalog = full_catalog()
    stored = catalog_to_dict(catalog)
    assert stored["format"] == SNAPSHOT_FORMAT == 2
    assert catalog_from_dict(stored) == catalog
    by_id = {a["after_sales_id"]: a for a in stored["after_sales"]}
    assert by_id["STD"]["warranty_months"] == 0 and "warranty_months" not in by_id["UNSAID"]
    legacy = {k: v for k, v in stored.items() if k != "format"}
    read = {a.after_sales_id: a.warranty_months for a in catalog_from_dict(legacy).after_sales}
    assert read == {"STD": None, "WARRANTY": 12, "UNSAID": None}
