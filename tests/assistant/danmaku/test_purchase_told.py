"""What a viewer tells of their own purchase or receipt, and the case worked out from it: price
protection against the catalog's price history (``purchase_told``, ``answers.answer_protection_told``),
a return against the no-reason window from receipt (``answers_policy.return_case``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assistant.danmaku import answers as A
from assistant.danmaku.answers_policy import answer_after_sales, return_case, states_the_goods_state
from assistant.danmaku.normalize import normalize
from assistant.danmaku.purchase_told import (
    days_since_receipt,
    purchase_told,
    tells_a_purchase,
    tells_a_receipt,
)
from knowledge.domain import AfterSalesPolicy, PricePoint, PriceProtectionRules, Product, Sku

NOW = datetime(2026, 11, 21, 18, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "days", "paid"),
    [
        ("我5天前买的防晒现在降价了能保吗", 5, None),
        ("买了十天了还能保价吗", 10, None),  # 十 reads as 10
        ("买了快40天了还能补差价吗", 39, None),  # 快: not yet 40 whole days (see below)
        ("我一周前买的黑色M", 7, None),
        ("2周前下的单", 14, None),
        ("两周之前买的", 14, None),
        ("今天降价了 我前天买的能保价吗", 2, None),  # the day word nearest the buying
        ("昨天买的 30天保价怎么算", 1, None),  # a term of the policy is no time since buying
        ("昨天买了一周的量", 1, None),  # nor a quantity
        ("11.1号买的", 20, None),
        ("前天买的降价了能保价吗", 2, None),
        ("我前天原价299买的耳机", 2, Decimal("299")),
        ("学习机我11天前1399买的", 11, Decimal("1399")),
        ("我买的时候549 买了40天了", 40, Decimal("549")),
        ("我11月1号买的1399", 20, Decimal("1399")),
        ("12月25号买的", 331, None),  # a date still to come this year is last year's
        ("5天前买的50ml", 5, None),  # a size, no price paid
        ("3天前买的2盒", 3, None),
        ("3天前买的12套", 3, None),
        ("昨天10:30买的", 1, None),  # a clock time, no price
        # a day of the month: this month's (the 21st today), the last's when still to come or said so
        ("我10号买的耳机299", 11, None),
        ("25号买的", 27, None),
        ("上个月15号买的", 37, None),
        ("我上个月20号买的防晒", 32, None),
        ("上个月31号买的", 21, None),  # October 31st
    ],
)
def test_the_day_and_price_of_a_purchase_told(text: str, days: int, paid: Decimal | None) -> None:
    told = purchase_told(normalize(text), NOW)
    assert told is not None and (told.days_ago, told.paid) == (days, paid)
    assert tells_a_purchase(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "上周买的 能保价吗",
        "前几天买的",
        "保价多少天",
        "7天内买的能保价吗",
        "买了东西能保价吗",
        "2月30号买的",
        "9.9买的降价了能保价吗",  # a price as often as a date: no date without 号
        "10.15买的50ml",
        "这个月25号买的",  # a day of this month still to come
    ],
)
def test_no_day_to_the_day_is_no_purchase_told(text: str) -> None:
    assert purchase_told(normalize(text), NOW) is None


TABLET = Product(
    "T",
    "学习平板",
    (
        Sku(
            "T-1",
            "4+64G",
            Decimal("1299.00"),
            stock=5,
            price_history=(
                PricePoint(NOW - timedelta(days=60), Decimal("1399.00")),
                PricePoint(NOW - timedelta(days=3), Decimal("1299.00")),
            ),
        ),
        Sku("T-2", "6+128G", Decimal("1599.00"), stock=5),
    ),
    price_protection_days=30,
)
RULES = PriceProtectionRules()


def told(text: str, product: Product = TABLET, versions: tuple[Sku, ...] | None = None) -> str:
    purchase = purchase_told(normalize(text), NOW)
    assert purchase is not None
    chosen = product.skus if versions is None else versions
    return A.answer_protection_told(product, RULES, (), purchase, chosen, NOW)


def test_the_refund_the_price_history_gives_for_the_version_bought() -> None:
    # the price told picks the version: 1399 eleven days ago is the 4+64G, now 1299
    reply = told("11天前1399买的 现在降价了能保价吗")
    assert "支持30天保价" in reply and "11天前买的4+64G当时¥1399，现价¥1299，可申请退差价¥100" in reply
    # bought after the drop: nothing to claim
    assert "按保价规则现价¥1299，没有降价" in told("2天前买的能保价吗", versions=TABLET.skus[:1])


def test_a_version_not_settled_gets_the_window_only() -> None:
    # five days ago the 4+64G was 1399 (a refund now), the 6+128G 1599 (no drop): not one case
    assert "5天前买的在保价期内，现价低于买时价格可申请退差价" in told("5天前买的能保价吗")
    assert "¥" not in told("5天前买的能保价吗")  # no amount for a version not known
    assert "5天前买的在保价期内" in told("5天前888买的能保价吗")  # no version was 888 then
    # no drop for any version: said so, whatever the viewer saw
    flat = Product(
        "F", "洗面奶", (Sku("F-1", "120g", Decimal("59.90"), stock=5),) * 1, price_protection_days=7
    )
    assert "前天买的120g当时¥59.90，按保价规则现价¥59.90，没有降价" in told(
        "前天买的降价了能保吗", product=flat
    )


def test_a_purchase_past_or_at_the_end_of_the_window() -> None:
    assert "40天前买的已过30天保价期" in told("买了40天了还能保吗")
    assert "买了快40天已过30天保价期" in told("买了快40天了还能保吗")  # in the viewer's own measure
    assert "30天前买的正好满30天，以下单时间为准" in told("30天前买的能保价吗")
    none = Product("N", "砧板", TABLET.skus)  # no protection at all
    assert "不支持保价" in told("2天前买的能保价吗", product=none)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("收到5天了还能退吗", 5),
        ("收到货10天了能退吗", 10),
        ("前天收到的能退吗", 2),
        ("签收一周了还能退吗", 7),
        ("11月18号收到的能退吗", 3),
        ("收到快7天了能退吗", 6),  # not yet 7 whole days
        ("到货3天能换吗", 3),
    ],
)
def test_the_day_the_goods_were_received(text: str, days: int) -> None:
    assert days_since_receipt(normalize(text), NOW) == days
    assert tells_a_receipt(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "7天无理由是收到后算吗",
        "收到后7天内能退吗",
        "刚收到能退吗",
        "收到了能退吗",
        "5天前买的能退吗",
    ],
)
def test_no_day_of_receipt_told(text: str) -> None:
    # a term of the policy ("收到后7天内") and a receipt without its day are no day told; a purchase
    # is told as one (``purchase_told``)
    assert days_since_receipt(normalize(text), NOW) is None
    assert not tells_a_receipt(normalize(text))


def test_a_day_of_receipt_still_to_come_is_none() -> None:
    # a delivery awaited ("到货的话"), never a receipt of last year's
    assert days_since_receipt(normalize("11月25号到货的话还能退吗"), NOW) is None


STANDARD = AfterSalesPolicy("std", no_reason_return_days=7, return_shipping_insurance=True)


@pytest.mark.parametrize(
    ("received", "bought", "said", "past"),
    [
        (5, None, "收到5天，在签收后7天无理由退货期内", False),
        (1, None, "昨天收到的，在签收后7天无理由退货期内", False),
        (10, None, "收到10天，已过签收后7天无理由退货期", True),
        (7, None, "收到7天，正好满签收后7天，以订单页能否申请为准", False),  # the last day: the order's time
        (None, 3, "3天前买的，签收后7天内都在无理由退货期内", False),  # received later still
        (None, 0, "今天买的，签收后7天内都在无理由退货期内", False),
        (None, 10, "支持签收后7天无理由退货，按签收时间算", False),  # received when is not known
    ],
)
def test_the_return_case_told_against_the_window_from_receipt(
    received: int | None, bought: int | None, said: str, past: bool
) -> None:
    case = return_case(STANDARD, received, bought)
    assert case is not None and (case.text, case.past) == (said, past)


def test_a_return_case_said_with_the_terms_it_keeps() -> None:
    inside = answer_after_sales(STANDARD, told=return_case(STANDARD, 5, None))
    assert inside is not None and inside.startswith("收到5天，在签收后7天无理由退货期内，有运费险")
    # past the window the insurance of a return says nothing to this viewer
    past = answer_after_sales(STANDARD, told=return_case(STANDARD, 10, None))
    assert past is not None and "运费险" not in past
    # the operator's conditions follow the case: opened food is not returned whatever the days
    food = AfterSalesPolicy("food", 7, False, notes="食品拆封后不支持无理由退货，未拆封7天内可退")
    said = answer_after_sales(food, told=return_case(food, 3, None))
    assert (
        said is not None
        and "收到3天，在签收后7天无理由退货期内" in said
        and "食品拆封后不支持无理由退货" in said
    )
    # no no-reason window at all: no case, the terms as they are
    assert return_case(AfterSalesPolicy("underwear", 0, False), 2, None) is None


def test_the_condition_on_the_state_asked_comes_first() -> None:
    digital = AfterSalesPolicy("digital", 7, True, 12, "保修12个月；激活或拆封后无质量问题不支持无理由退货")
    said = answer_after_sales(
        digital, told=return_case(digital, 3, None), asked=normalize("拆了没用过能退吗 收到3天")
    )
    # the condition decides: neither the window nor the bare terms follow it
    assert said is not None and said.startswith("激活或拆封后无质量问题不支持无理由退货，有运费险"), said
    assert "期内" not in said and "支持7天无理由退货" not in said
    # a state denied is none named ("没用过"), so no condition is moved and nothing is left out
    plain = answer_after_sales(digital, asked=normalize("没拆封能退吗"))
    assert plain is not None and plain.startswith("支持7天无理由退货") and "激活或拆封后" in plain
    assert states_the_goods_state(digital, normalize("拆了没用过能退吗"))
    assert not states_the_goods_state(STANDARD, normalize("用过了还能退吗"))
    assert states_the_goods_state(STANDARD, normalize("没用过能退吗"))
