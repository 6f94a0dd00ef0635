"""facts_at and price protection on both sides of every time boundary, with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from knowledge.domain import (
    Catalog,
    Coupon,
    FlashSale,
    PricePoint,
    PriceProtectionRules,
    Product,
    Sku,
    SpendDiscount,
)
from knowledge.errors import UnknownSkuError
from knowledge.facts import base_price_at, coupon_price, facts_at, sku_facts
from knowledge.price_protection import ProtectionOutcome, price_protection

TZ = ZoneInfo("Asia/Shanghai")
D = Decimal
EPS = timedelta(microseconds=1)


def at(h: int, m: int = 0, s: int = 0, day: int = 21) -> datetime:
    return datetime(2026, 11, day, h, m, s, tzinfo=TZ)


FLASH = FlashSale("fs", "秒杀", at(20), at(20, 10), D("89.00"), "P1", ("S1",), quantity_cap=100)
COUPON = Coupon("c30", "满200减30", at(19), at(21), threshold=D("200"), amount=D("30"))
RATE = Coupon("c9", "9折券", at(20, 30), at(22), rate=D("0.9"), product_ids=("P1",))
STACKABLE = Coupon("c5", "满50减5", at(20), at(23), threshold=D("50"), amount=D("5"), stackable=True)
SPEND = SpendDiscount("s50", "满300减50", at(20), at(23), threshold=D("300"), amount=D("50"))
LATER_FLASH = FlashSale("fs2", "秒杀2", at(22), at(22, 15), D("99.00"), "P1")

HISTORY = (PricePoint(at(0, day=1), D("249.00")), PricePoint(at(12, day=20), D("229.00")))
P1 = Product(
    "P1",
    "保温杯",
    (
        Sku("S1", "白", D("229.00"), D("299.00"), stock=10, price_history=HISTORY),
        Sku("S2", "黑", D("239.00"), stock=0),
    ),
    link_no=1,
    price_protection_days=15,
)
P2 = Product("P2", "无保价商品", (Sku("S3", "均码", D("59.00"), stock=3),))
CATALOG = Catalog("c", (P1, P2), promotions=(FLASH, COUPON, RATE, STACKABLE, SPEND, LATER_FLASH))


@pytest.mark.parametrize(
    ("when", "price", "flash"),
    [
        (at(20) - EPS, D("229.00"), False),  # just before the flash sale
        (at(20), D("89.00"), True),  # the first instant of it
        (at(20, 10) - EPS, D("89.00"), True),  # its last instant
        (at(20, 10), D("229.00"), False),  # over at its end (half-open window)
    ],
)
def test_flash_sale_window_is_half_open(when: datetime, price: Decimal, flash: bool) -> None:
    facts = facts_at(CATALOG, "S1", when)
    assert facts.price == price
    assert (facts.flash_sale is not None) is flash
    assert facts.base_price == D("229.00")


def test_flash_sale_applies_only_to_its_skus() -> None:
    assert facts_at(CATALOG, "S2", at(20, 5)).price == D("239.00")


def test_coupon_validity_on_both_sides_of_its_end() -> None:
    before = facts_at(CATALOG, "S2", at(21) - EPS)
    after = facts_at(CATALOG, "S2", at(21))
    assert COUPON in before.coupons and COUPON not in after.coupons
    assert before.best_coupon == COUPON and before.price_after_coupon == D("209.00")
    # From 21:00 the 9折 coupon (valid since 20:30) is the best one: 239 x 0.9 = 215.10.
    assert after.best_coupon == RATE and after.price_after_coupon == D("215.10")


def test_non_stackable_coupons_do_not_combine_with_a_flash_sale_price() -> None:
    facts = facts_at(CATALOG, "S1", at(20, 5))
    assert facts.price == D("89.00")
    assert facts.best_coupon == STACKABLE  # the only stackable one; 满200 is not reached anyway
    assert facts.price_after_coupon == D("84.00")


def test_rate_coupon_rounds_half_up_to_the_fen() -> None:
    assert coupon_price(D("99.95"), RATE) == D("89.96")  # 89.955 -> 89.96
    assert coupon_price(D("199.99"), COUPON) is None  # below the 200 threshold


def test_spend_discount_and_upcoming_promotions() -> None:
    facts = facts_at(CATALOG, "S1", at(21, 30))
    assert facts.spend_discounts == (SPEND,)
    assert LATER_FLASH in facts.upcoming
    assert facts_at(CATALOG, "S1", at(22)).flash_sale == LATER_FLASH
    assert LATER_FLASH not in facts_at(CATALOG, "S1", at(22)).upcoming


def test_valid_until_is_the_next_boundary() -> None:
    assert facts_at(CATALOG, "S1", at(20, 5)).valid_until == at(20, 10)
    assert facts_at(CATALOG, "S1", at(20, 10)).valid_until == at(20, 30)  # the 9折 coupon starts
    assert facts_at(CATALOG, "S3", at(20, 5)).valid_until == at(21)  # P2: only shop-wide coupons apply
    assert facts_at(CATALOG, "S3", at(23, 30)).valid_until is None


def test_price_history_gives_the_base_price_at_any_time() -> None:
    sku = P1.skus[0]
    assert base_price_at(sku, at(12, day=20) - EPS) == D("249.00")
    assert base_price_at(sku, at(12, day=20)) == D("229.00")
    assert base_price_at(sku, at(0, day=1) - timedelta(days=3)) == D("249.00")  # before known history


def test_unknown_sku_and_naive_time_are_errors() -> None:
    with pytest.raises(UnknownSkuError, match="NOPE"):
        facts_at(CATALOG, "NOPE", at(20))
    with pytest.raises(ValueError, match="timezone"):
        facts_at(CATALOG, "S1", datetime(2026, 11, 21, 20))


def test_price_protection_refunds_a_drop_inside_the_window() -> None:
    bought = at(10, day=15)  # at 249.00
    result = price_protection(CATALOG, "S1", bought, at(12, day=20))
    assert result.outcome is ProtectionOutcome.REFUND
    assert (result.paid_price, result.comparable_price, result.refund) == (
        D("249.00"),
        D("229.00"),
        D("20.00"),
    )
    assert result.deadline == bought + timedelta(days=15)


def test_price_protection_window_boundary() -> None:
    bought = at(10, day=15)
    deadline = bought + timedelta(days=15)
    assert price_protection(CATALOG, "S1", bought, deadline - EPS).outcome is ProtectionOutcome.REFUND
    assert price_protection(CATALOG, "S1", bought, deadline).outcome is ProtectionOutcome.EXPIRED


def test_price_protection_price_change_boundary() -> None:
    bought = at(10, day=15)
    drop = at(12, day=20)
    assert price_protection(CATALOG, "S1", bought, drop - EPS).outcome is ProtectionOutcome.NO_PRICE_DROP
    assert price_protection(CATALOG, "S1", bought, drop).outcome is ProtectionOutcome.REFUND


def test_flash_sale_prices_are_excluded_both_ways() -> None:
    during = price_protection(CATALOG, "S1", at(12, day=20), at(20, 5))  # bought at 229, now a 89 flash sale
    assert during.outcome is ProtectionOutcome.NO_PRICE_DROP and during.comparable_price == D("229.00")
    bought_in_flash = price_protection(CATALOG, "S1", at(20, 5), at(21))
    assert bought_in_flash.outcome is ProtectionOutcome.FLASH_SALE_PURCHASE and bought_in_flash.refund == 0


def test_rules_can_count_flash_and_coupon_prices() -> None:
    generous = Catalog(
        "c",
        CATALOG.products,
        CATALOG.promotions,
        price_protection=PriceProtectionRules(exclude_flash_sale=False, exclude_coupons=False),
    )
    result = price_protection(generous, "S1", at(12, day=20), at(20, 5))
    assert result.outcome is ProtectionOutcome.REFUND
    assert result.refund == D("229.00") - D("84.00")  # the flash price with the stackable coupon


def test_products_without_protection_and_bad_times() -> None:
    assert price_protection(CATALOG, "S3", at(10), at(11)).outcome is ProtectionOutcome.NOT_PROTECTED
    with pytest.raises(ValueError, match="before the purchase"):
        price_protection(CATALOG, "S1", at(11), at(10))


def test_the_spend_discount_one_unit_reaches() -> None:
    evening = (at(20), at(23))
    product = Product("P", "精华", (Sku("P-1", "30ml", D("329.00")), Sku("P-2", "15ml", D("199.00"))))
    deals = (
        SpendDiscount("big", "满300减50", *evening, D("300"), D("50")),
        SpendDiscount("small", "满150减20", *evening, D("150"), D("20")),
    )
    big = sku_facts(product, product.skus[0], deals, at(20, 30))
    assert big.best_spend_discount == deals[0] and big.price_after_spend_discount == D("279.00")
    small = sku_facts(product, product.skus[1], deals, at(20, 30))  # 199 reaches only 满150
    assert small.best_spend_discount == deals[1] and small.price_after_spend_discount == D("179.00")
    before = sku_facts(product, product.skus[0], deals, at(19, 59))  # none running yet
    assert before.best_spend_discount is None and before.price_after_spend_discount == D("329.00")
