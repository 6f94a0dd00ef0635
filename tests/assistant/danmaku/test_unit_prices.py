"""Each version per gram, millilitre or piece, read off the specs (``unit_prices``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from assistant.danmaku.unit_prices import Amount, spec_amount, unit_price_note
from knowledge.demo import load_demo_catalog
from knowledge.domain import Product, Sku
from knowledge.facts import sku_facts

AT = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "amount"),
    [
        ("120g", Amount(Decimal(120), "g")),
        ("120g×2 双支装", Amount(Decimal(240), "g")),
        ("25g×30包", Amount(Decimal(750), "g")),
        ("200ml+100ml", Amount(Decimal(300), "ml")),
        ("50g+15g旅行装", Amount(Decimal(65), "g")),
        ("1.5L", Amount(Decimal(1500), "ml")),
        ("1kg", Amount(Decimal(1000), "g")),
        ("5片/盒", Amount(Decimal(5), "片")),
        ("52颗×2盒", Amount(Decimal(104), "颗")),
        ("3层100抽×24包", Amount(Decimal(2400), "抽")),  # 层 is no amount
        ("控油款 400ml", Amount(Decimal(400), "ml")),
    ],
)
def test_a_specs_amount_is_its_number_times_its_packs(spec: str, amount: Amount) -> None:
    assert spec_amount(spec) == amount


@pytest.mark.parametrize(
    "spec", ["6+128G", "曜石黑", "#01 豆沙玫瑰", "原味+黑麦组合", "白色 +1.5m C to C线", "50g+30ml"]
)
def test_a_spec_of_no_amount_or_of_two_units_has_none(spec: str) -> None:
    assert spec_amount(spec) is None


def _note(product_id: str) -> str:
    product = load_demo_catalog().product(product_id)
    assert product is not None
    return unit_price_note(product, [sku_facts(product, sku, (), AT) for sku in product.skus])


def test_versions_are_said_per_unit_lowest_first_without_those_sold_out() -> None:
    # the cleanser: 120g ¥59.90, 120g×2 ¥99, 60g ¥32.90 sold out
    assert _note("MZ07") == "折合每100g（从低到高）：120g×2 双支装 ≈¥41.25/100g，120g ≈¥49.92/100g"


def test_a_piece_keeps_its_own_price_and_a_sheet_of_paper_goes_per_hundred() -> None:
    assert _note("HJ04").startswith("折合每颗（从低到高）：52颗×2盒 ≈¥0.86/颗")
    assert _note("HJ08").startswith("折合每100抽（从低到高）：")


@pytest.mark.parametrize("product_id", ["SM01", "SM08", "HJ01"])  # colours; storage sizes; one volume
def test_versions_that_are_no_amounts_of_one_unit_that_differ_get_no_note(product_id: str) -> None:
    assert _note(product_id) == ""


def test_one_version_in_stock_is_no_comparison() -> None:
    skus = (Sku("a-1", "100g", Decimal(10), stock=5), Sku("a-2", "200g", Decimal(18), stock=0))
    product = Product("A", "坚果", skus)
    assert unit_price_note(product, [sku_facts(product, sku, (), AT) for sku in skus]) == ""
