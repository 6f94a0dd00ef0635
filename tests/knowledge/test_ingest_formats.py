"""Reading every upload shape: GBK / BOM CSV, XLSX with Chinese sheets, zip, multi-file, JSON(L)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl

from knowledge.domain import Coupon, FlashSale, SpendDiscount
from knowledge.ingest import UploadedFile, parse_catalog

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
CST = timezone(timedelta(hours=8))


def upload(*paths: Path) -> list[UploadedFile]:
    return [UploadedFile(p.name, p.read_bytes()) for p in paths]


def test_gbk_csv_with_chinese_headers() -> None:
    raw = (DATA / "products_gbk.csv").read_bytes()
    raw.decode("gbk")  # really GBK, and not UTF-8:
    assert not _is_utf8(raw)
    parsed = parse_catalog(upload(DATA / "products_gbk.csv"), "c1")
    scarf, mask = parsed.catalog.products
    assert scarf.name == "羊毛围巾"
    assert [s.price for s in scarf.skus] == [Decimal("1299.00"), Decimal("1299.00")]  # "￥1,299.00"
    assert scarf.skus[0].list_price == Decimal("1599.00")
    assert scarf.attributes == {"材质": "羊毛"}
    assert scarf.aliases == ("围脖", "披肩")
    assert scarf.link_no == 3
    assert mask.skus[0].list_price is None
    assert parsed.row_count == 3


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_utf8_bom_csv_and_unknown_column_warning() -> None:
    assert (DATA / "products_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    parsed = parse_catalog(upload(DATA / "products_bom.csv"), "c1")
    (cup,) = parsed.catalog.products
    assert cup.product_id == "A1"  # no BOM glued to the first header
    assert [s.sku_id for s in cup.skus] == ["A1-500", "A1-750"]
    assert parsed.warnings == ["products_bom.csv: column '备注X' is not a products column and was ignored"]


def test_xlsx_with_chinese_sheet_names_and_a_formula_cell() -> None:
    book = openpyxl.load_workbook(DATA / "catalog_zh.xlsx")
    assert book["商品"]["G2"].data_type == "f"  # a real formula cell in the file
    parsed = parse_catalog(upload(DATA / "catalog_zh.xlsx"), "c1")
    (buds,) = parsed.catalog.products
    assert buds.description == "=SUM(A1)"  # the formula text, not evaluated
    assert [s.price for s in buds.skus] == [Decimal("199.00"), Decimal("199.90")]
    assert [s.stock for s in buds.skus] == [20, 5]  # 5.0 in the sheet
    assert buds.attributes == {"产地": "深圳"}
    (sale,) = parsed.catalog.promotions
    assert isinstance(sale, FlashSale)
    assert sale.start == datetime(2026, 11, 21, 20, 0, tzinfo=CST)
    assert parsed.warnings == []  # 说明 and the empty Sheet3 are skipped silently


def test_multi_file_csv_upload_with_chinese_file_names() -> None:
    parsed = parse_catalog(upload(*sorted((DATA / "multi").iterdir())), "c1")
    _check_multi(parsed.catalog)


def test_zip_of_csv_files() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((DATA / "multi").iterdir()):
            archive.writestr(f"导出/{path.name}", path.read_bytes())
        archive.writestr("__MACOSX/._products.csv", b"\x00junk")
    parsed = parse_catalog([UploadedFile("catalog.zip", buffer.getvalue())], "c1")
    _check_multi(parsed.catalog)


def _check_multi(catalog: object) -> None:
    from knowledge.domain import Catalog

    assert isinstance(catalog, Catalog)
    tee, _cap = catalog.products
    assert tee.complements == ("C1",)
    assert tee.faq[0].question == "会缩水吗"
    flash, coupon, spend = catalog.promotions
    assert isinstance(flash, FlashSale) and flash.sku_ids == ("T1-M",) and flash.quantity_cap == 100
    assert flash.end == datetime(2026, 11, 21, 20, 10, tzinfo=CST)  # "2026/11/21 20:10" in Asia/Shanghai
    assert isinstance(coupon, Coupon) and coupon.rate == Decimal("0.9") and coupon.amount is None
    assert coupon.product_ids == ("T1", "C1")
    assert isinstance(spend, SpendDiscount) and spend.amount == Decimal("30") and spend.stackable
    (ship,) = catalog.shipping
    assert ship.excluded_regions == ("新疆", "西藏") and ship.dispatch_hours == 48
    assert catalog.after_sales[0].return_shipping_insurance is True
    assert catalog.price_protection.exclude_flash_sale and not catalog.price_protection.exclude_coupons


def test_timezone_argument_applies_to_naive_times_only() -> None:
    files = upload(*sorted((DATA / "multi").iterdir()))
    catalog = parse_catalog(files, "c1", timezone="UTC").catalog
    flash, _, spend = catalog.promotions
    assert flash.start == datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
    assert spend.start == datetime(2026, 11, 21, 0, 0, tzinfo=CST)  # had an explicit +08:00


def test_jsonl_flat_rows_and_sections() -> None:
    lines = [
        {"product_id": "J1", "name": "茶杯", "sku_id": "J1-A", "price": "19.90", "attr:材质": "陶瓷"},
        {"section": "product_row", "商品ID": "J1", "SKU编码": "J1-B", "售价": 21, "库存": 3},
        {"section": "faq", "product_id": "J1", "question": "能进洗碗机吗", "answer": "可以"},
        {"section": "shipping", "shipping_id": "YD", "carrier": "韵达", "dispatch_hours": 72},
        {"section": "after_sales", "after_sales_id": "A", "no_reason_return_days": 7},
        {
            "section": "promotion",
            "promo_id": "Q",
            "type": "coupon",
            "start": "2026-11-21 00:00",
            "end": "2026-11-22 00:00",
            "amount": "5",
            "threshold": "50",
            "product_ids": ["J1"],
        },
    ]
    content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    parsed = parse_catalog([UploadedFile("rows.jsonl", content + b"\n\n")], "c1")
    (cup,) = parsed.catalog.products
    assert [s.price for s in cup.skus] == [Decimal("19.90"), Decimal("21.00")]
    assert cup.attributes == {"材质": "陶瓷"} and cup.faq[0].answer == "可以"
    assert parsed.catalog.shipping[0].carrier == "韵达"
    coupon = parsed.catalog.promotions[0]
    assert isinstance(coupon, Coupon) and coupon.product_ids == ("J1",) and coupon.amount == Decimal("5")
    assert parsed.row_count == 6


def test_flat_json_list_of_sku_rows() -> None:
    rows = [
        {"product_id": "L1", "name": "台灯", "sku_id": "L1-W", "price": 129.5, "stock": 4},
        {"product_id": "L1", "sku_id": "L1-B", "price": "¥139", "spec": "黑"},
    ]
    parsed = parse_catalog([UploadedFile("rows.json", json.dumps(rows).encode())], "c1")
    (lamp,) = parsed.catalog.products
    assert [(s.sku_id, s.price, s.stock) for s in lamp.skus] == [
        ("L1-W", Decimal("129.50"), 4),
        ("L1-B", Decimal("139.00"), 0),
    ]


def test_tab_separated_utf16_text_as_excel_saves_it() -> None:
    text = "商品ID\t商品名称\tSKU编码\t售价\nU1\t毛巾\tU1-1\t9.9\n"
    parsed = parse_catalog([UploadedFile("商品.txt", text.encode("utf-16"))], "c1")
    assert parsed.catalog.products[0].skus[0].price == Decimal("9.90")


def test_table_recognised_by_header_when_the_name_says_nothing() -> None:
    products = "product_id,name,sku_id,price\nH1,围裙,H1-1,29\n"
    faq = "商品ID,问题,回答\nH1,防水吗,防水\n"
    files = [UploadedFile("export_a.csv", products.encode()), UploadedFile("export_b.csv", faq.encode())]
    catalog = parse_catalog(files, "c1").catalog
    assert catalog.products[0].faq[0].answer == "防水"
