"""Answer templates: exact amounts from SkuFacts on both sides of promotion boundaries, no banned terms."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.danmaku import answers as A
from assistant.danmaku.answer_templates import format_amount, format_clock, format_duration, format_rate
from assistant.danmaku.compliance import find_banned
from assistant.danmaku.size_chart import answer_usual_size
from knowledge.demo import load_demo_catalog
from knowledge.domain import (
    AfterSalesPolicy,
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
from knowledge.facts import SkuFacts, facts_at, sku_facts
from knowledge.price_protection import protection_for
from knowledge.serialize import catalog_from_dict

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 21, tzinfo=TZ)
FLASH_START, FLASH_END = DAY.replace(hour=20), DAY.replace(hour=20, minute=10)

CUP = Product(
    product_id="P1",
    name="全网最低价 保温杯",  # operator text with a banned claim: must never reach a reply
    skus=(
        Sku("P1-W", "奶白 500ml", Decimal("129.00"), list_price=Decimal("199.00"), stock=50),
        Sku("P1-B", "墨黑 500ml", Decimal("139.90"), stock=3),
        Sku("P1-G", "雾蓝 500ml", Decimal("129.00"), stock=0),
    ),
    link_no=3,
    price_protection_days=15,
)
PROMOS = (
    FlashSale("fs", "秒杀", FLASH_START, FLASH_END, Decimal("89.00"), "P1", ("P1-W",), quantity_cap=100),
    Coupon("cp", "满100减10", DAY.replace(hour=19), DAY.replace(hour=23), Decimal("100"), Decimal("10.00")),
    SpendDiscount(
        "sd", "满300减50", DAY.replace(hour=19), DAY.replace(hour=23), Decimal("300"), Decimal("50")
    ),
)


def facts(at: datetime, product: Product = CUP) -> list[SkuFacts]:
    return [sku_facts(product, sku, PROMOS, at) for sku in product.skus]


def clean(text: str | None) -> str:
    assert text is not None
    assert find_banned(text) == [], text
    assert "最" not in text
    return text


def test_amount_and_time_formats() -> None:
    assert format_amount(Decimal("199.00")) == "¥199"
    assert format_amount(Decimal("129.9")) == "¥129.90"
    assert format_amount(Decimal("134.10")) == "¥134.10"
    assert format_rate(Decimal("0.9")) == "9折"
    assert format_rate(Decimal("0.85")) == "8.5折"
    assert format_rate(Decimal("0.9"), "en") == "10% off"
    utc_end = FLASH_END.astimezone(ZoneInfo("UTC"))
    assert format_clock(utc_end) == "20:10"  # shown in Asia/Shanghai whatever the input zone
    assert format_clock(utc_end, FLASH_END - timedelta(days=1)) == "11月21日 20:10"
    assert format_duration(timedelta(minutes=3, seconds=20)) == "3分20秒"
    assert format_duration(timedelta(minutes=10)) == "10分钟"
    assert format_duration(timedelta(hours=1, minutes=5), "en") == "1 h 5 min"


def test_price_before_flash_sale_is_base_price_with_upcoming_sale() -> None:
    text = clean(A.answer_price(CUP, facts(FLASH_START - timedelta(seconds=1))[0], nickname="小美"))
    assert text.startswith("@小美 ")
    assert "¥129（划线价¥199）" in text
    assert "20:00开抢秒杀价¥89" in text
    assert "用券后¥119（满¥100减¥10券）" in text
    assert "全网" not in text and "保温杯" in text


def test_price_during_flash_sale_shows_sale_price_and_end() -> None:
    text = clean(A.answer_price(CUP, facts(FLASH_START)[0]))
    assert "秒杀价¥89（日常价¥129），20:10结束" in text
    assert "用券后" not in text  # a non-stackable coupon does not combine with the sale price


def test_price_at_flash_end_is_back_to_base() -> None:
    text = clean(A.answer_price(CUP, facts(FLASH_END)[0]))
    assert "秒杀" not in text
    assert "¥129（划线价¥199）" in text


def test_price_range_over_skus_lists_exact_amounts() -> None:
    text = clean(A.answer_price(CUP, facts(FLASH_START + timedelta(minutes=1))))
    assert "¥89-¥139.90" in text
    assert "墨黑 500ml ¥139.90" in text
    assert "秒杀价¥89（奶白 500ml），20:10结束" in text
    assert "用券后¥119起" in text


def test_a_quantity_is_priced_per_sku_at_the_unit_price_now_with_deals_named_not_applied() -> None:
    during = FLASH_START + timedelta(minutes=1)
    text = clean(A.answer_quantity_price(CUP, facts(during), 3))
    assert "买3件" in text
    assert "奶白 500ml ¥89×3=¥267" in text  # the flash-sale unit price while it runs
    assert "墨黑 500ml ¥139.90×3=¥419.70" in text
    assert "未含满¥300减¥50、优惠券，结算时按规则扣减" in text
    after = clean(A.answer_quantity_price(CUP, facts(DAY.replace(hour=23, minute=30))[:1], 10))
    assert "¥129×10=¥1290" in after
    assert "未含" not in after  # no coupon or 满减 runs then
    # 雾蓝 has none to sell: said sold out, never multiplied
    assert "雾蓝 500ml已售罄" in text and "雾蓝 500ml ¥" not in text
    same = Product(
        "P4",
        "杯",
        (Sku("a", "白", Decimal("129"), stock=9), Sku("b", "黑", Decimal("129"), stock=9)),
        link_no=6,
    )
    alike = clean(A.answer_quantity_price(same, [sku_facts(same, k, (), during) for k in same.skus], 3))
    assert "买3件：各规格 ¥129×3=¥387" in alike  # one price for every version: said once


def test_price_in_english() -> None:
    text = clean(A.answer_price(CUP, facts(FLASH_START)[0], lang="en", nickname="amy"))
    assert text.startswith("@amy ")
    assert "flash-sale price ¥89 (regular ¥129) until 20:10" in text


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (FLASH_START - timedelta(minutes=25), "20:00开抢（还有25分钟，20:10结束），秒杀价¥89，限量100件"),
        (FLASH_END - timedelta(minutes=3, seconds=20), "秒杀价¥89，还剩3分20秒（20:10结束），限量100件"),
        (FLASH_END - timedelta(seconds=1), "秒杀价¥89，还剩1秒（20:10结束）"),
        (FLASH_END, "现在没有秒杀活动，现价¥129（划线价¥199）"),
    ],
)
def test_flash_sale_timing(at: datetime, expected: str) -> None:
    assert expected in clean(A.answer_flash_sale(CUP, facts(at)[0]))


def test_a_flash_sale_on_some_versions_names_them() -> None:
    at = FLASH_START - timedelta(minutes=25)
    every = facts(at)
    white, other = every[0], every[1]
    assert "秒杀价¥89（仅限奶白 500ml）" in clean(A.answer_flash_sale(CUP, white, every=every))
    told = clean(A.answer_flash_sale(CUP, other, every=every))
    assert f"{CUP.skus[1].spec}不参加秒杀，秒杀仅限奶白 500ml" in told
    assert "仅限" not in clean(A.answer_flash_sale(CUP, white))  # not told which: no claim of a subset


def test_flash_sale_english_countdown() -> None:
    at = FLASH_END - timedelta(minutes=3, seconds=20)
    assert "3 min 20 s left (ends 20:10), limited to 100" in A.answer_flash_sale(CUP, facts(at)[0], lang="en")


def test_discount_lists_coupon_spend_discount_and_sale() -> None:
    during = clean(A.answer_discount(CUP, facts(FLASH_START)[0]))
    # at the flash price the coupon, which does not stack, is no use (not "需凑单")
    assert "满¥100减¥10券（23:00前有效，秒杀价不可用此券）" in during
    assert "满¥300减¥50" in during
    assert "正在秒杀¥89，20:10结束" in during
    after = clean(A.answer_discount(CUP, facts(DAY.replace(hour=23, minute=30))[0]))
    assert "暂时没有优惠券，现价¥129" in after


def test_discount_before_the_coupons_start_says_when_they_do() -> None:
    # 18:00: no coupon yet, but the coupon, the 满减 and the flash sale of tonight are named with
    # their start, never "暂时没有优惠券" (a viewer asking for a coupon would wait for it)
    before = clean(A.answer_discount(CUP, facts(DAY.replace(hour=18))[0]))
    assert "暂时没有优惠券" not in before
    assert "19:00起可领满¥100减¥10券" in before
    assert "19:00起满¥300减¥50" in before
    assert "20:00开抢秒杀价¥89" in before
    english = A.answer_discount(CUP, facts(DAY.replace(hour=18))[0], lang="en")
    assert "coupon ¥10 off over ¥100 from 19:00" in english


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("一个人能领几张", {"limit"}),
        ("店铺券和满减能一起用吗", {"stacking"}),
        ("这个券几点过期", {"until"}),
        ("有优惠券吗", set()),
    ],
)
def test_the_terms_a_coupon_question_asks(question: str, asked: set[str]) -> None:
    assert A.coupon_terms_asked(question) == asked


def test_a_coupons_terms_asked_are_said_with_each_coupon() -> None:
    during = clean(A.answer_discount(CUP, facts(FLASH_START)[0], asked=frozenset({"limit", "stacking"})))
    # the coupon does not stack, so it goes with neither another coupon nor the 满减
    assert "满¥100减¥10券（23:00前有效，每人限领1张，不与其他券或满减叠加，秒杀价不可用此券）" in during
    assert "满¥300减¥50（与券不叠加）" in during
    before = clean(A.answer_discount(CUP, facts(DAY.replace(hour=18))[0], asked=frozenset({"until"})))
    assert "19:00起可领满¥100减¥10券（23:00前有效）" in before  # an upcoming coupon says its end
    plain = clean(A.answer_discount(CUP, facts(DAY.replace(hour=18))[0]))
    assert "每人限领" not in plain and "叠加" not in plain  # terms nobody asked stay out


def test_price_protection_days_exclusions_and_case() -> None:
    rules = PriceProtectionRules()
    text = clean(A.answer_price_protection(CUP, rules))
    assert "支持15天保价" in text and "秒杀价、优惠券价不参与保价" in text
    dropping = Product(
        "P2",
        "面霜",
        (
            Sku(
                "P2-1",
                "50g",
                Decimal("359.00"),
                price_history=(
                    PricePoint(DAY - timedelta(days=3), Decimal("399.00")),
                    PricePoint(DAY, Decimal("359.00")),
                ),
            ),
        ),
        price_protection_days=30,
    )
    result = protection_for(
        dropping, dropping.skus[0], (), rules, DAY - timedelta(days=2), DAY + timedelta(hours=1)
    )
    assert "可申请退差价¥40" in clean(A.answer_price_protection(dropping, rules, result=result))
    none = Product("P3", "坚果", CUP.skus)
    assert "不支持保价" in clean(A.answer_price_protection(none, rules))
    assert "15-day price protection" in A.answer_price_protection(CUP, rules, lang="en")


def test_stock_answers() -> None:
    assert "墨黑 500ml仅剩3件" in clean(A.answer_stock(CUP, color="黑色"))
    assert "雾蓝 500ml已售罄" in clean(A.answer_stock(CUP, color="蓝色"))
    assert "奶白 500ml有货" in clean(A.answer_stock(CUP, color="白色"))
    missing = clean(A.answer_stock(CUP, color="红色"))
    assert "没有红色这个规格" in missing and "奶白 500ml" in missing
    shirt = Product(
        "T", "T恤", (Sku("T-L", "黑色 L", Decimal("59"), stock=20), Sku("T-XL", "黑色 XL", Decimal("59")))
    )
    assert "黑色 L有货" in A.answer_stock(shirt, size="L") and "XL" not in A.answer_stock(shirt, size="L")
    assert "黑色 XL已售罄" in A.answer_stock(shirt, size="XL")


DOWN = Product(
    "FS01",
    "羽绒服",
    (
        Sku("a", "黑色 M", Decimal("459")),
        Sku("b", "黑色 L", Decimal("459")),
        Sku("c", "米白 M", Decimal("459")),
    ),
    attributes={
        "尺码建议": (
            "M：身高155-163cm 体重45-55kg；L：身高163-170cm 体重55-62kg；XL：身高168-175cm 体重62-70kg"
        ),
        "面料": "锦纶，防泼水涂层",
        "填充物": "90%白鸭绒",
    },
)


@pytest.mark.parametrize(
    ("height", "weight", "size"),
    [
        (160, 50.0, "M"),
        (163, 55.0, "M"),
        (165, 55.0, "L"),
        (166, 58.0, "L"),
        (172, 65.0, "XL"),
        (150, 40.0, "M"),
        (175, None, "XL"),
    ],
)
def test_size_from_chart(height: int, weight: float | None, size: str) -> None:
    assert f"建议选{size}码" in clean(A.answer_size(DOWN, height, weight))


def test_size_chart_parser_is_tolerant() -> None:
    rows = A.parse_size_chart("S:155~160cm/80-90斤 | M: 身高160到165 体重45-52kg\n均码：偏大半码")
    assert [(r.label, r.height_cm, r.weight_kg) for r in rows] == [
        ("S", (155.0, 160.0), (40.0, 45.0)),
        ("M", (160.0, 165.0), (45.0, 52.0)),
    ]
    jeans = A.parse_size_chart("26：腰围66cm 体重45-50kg；27：腰围68cm 体重50-55kg")
    assert A.pick_size(jeans, 160, 52.0) == jeans[1]


def test_size_edge_cases() -> None:
    assert "超出尺码表范围" in clean(A.answer_size(DOWN, 190, 90.0))
    assert "告诉我身高体重帮你选" in clean(A.answer_size(DOWN))
    boots = Product("B", "雪地靴", CUP.skus, attributes={"尺码建议": "偏大半码，平时穿37码建议选36码"})
    assert "偏大半码" in clean(A.answer_size(boots, 165, 50.0))
    assert A.answer_size(CUP, 165, 50.0) is None
    # a chart by waist and weight judges no height: never "out of the chart" for 172cm
    jeans = Product(
        "J", "牛仔裤", CUP.skus, attributes={"尺码建议": "26：腰围66cm 体重45-50kg；27：腰围68cm 体重50-55kg"}
    )
    assert A.answer_size(jeans, 172, None) is None
    assert "建议选27码" in clean(A.answer_size(jeans, 172, 52.0))


def test_size_by_a_body_girth_uses_the_charts_own_column() -> None:
    briefs = Product(
        "U",
        "内裤",
        CUP.skus,
        attributes={"尺码建议": "M：体重45-55kg 臀围85-92cm；L：体重55-65kg 臀围92-98cm"},
    )
    assert "臀围90cm建议选M码" in clean(A.answer_size(briefs, girth=("臀围", 90.0)))
    assert "建议选L码" in clean(A.answer_size(briefs, weight_kg=58.0, girth=("臀围", 95.0)))  # both: L
    assert "建议选M码" in clean(A.answer_size(briefs, weight_kg=50.0, girth=("臀围", 95.0)))  # apart: weight
    assert "建议选M码" in clean(A.answer_size(briefs, girth=("臀围", 70.0)))  # below the chart: the smallest
    assert "超出尺码表范围" in clean(A.answer_size(briefs, girth=("臀围", 120.0)))
    assert A.answer_size(briefs, girth=("腰围", 70.0)) is None  # no waist column: nothing to judge
    assert "建议选M码" in clean(A.answer_size(briefs, weight_kg=50.0, girth=("腰围", 70.0)))
    jeans = A.parse_size_chart("26：腰围66cm 体重45-50kg；27：腰围68cm 体重50-55kg")
    assert jeans[0].girth("腰围") == (66.0, 66.0) and jeans[0].girth("臀围") is None
    assert A.pick_by_girth(jeans, "腰围", 67.0) == jeans[1]  # between two sizes: the larger
    assert A.pick_by_girth(jeans, "腰围", 68.9) == jeans[1]  # the largest's nominal value holds 1 cm more
    assert A.pick_by_girth(jeans, "腰围", 69.5) is None


def test_a_skin_type_the_catalog_does_not_name_gets_no_list_of_others() -> None:
    toner = Product("T", "爽肤水", CUP.skus, attributes={"适用肤质": "混合性及油性肌肤"})
    assert A.answer_suitability(toner, skin_type="敏感肌") is None
    assert "混合性及油性肌肤" in clean(A.answer_suitability(toner, skin_type="油皮"))
    serum = Product("S", "精华", CUP.skus, attributes={"适用肤质": "所有肤质"})
    assert "所有肤质" in clean(A.answer_suitability(serum, skin_type="敏感肌"))


def test_variant_material_usage() -> None:
    stocked = Product(
        "S", "羽绒服", (Sku("a", "黑色 M", Decimal("459"), stock=5), Sku("b", "黑色 L", Decimal("459")))
    )
    # a version with none to sell is named so: "有黑色" must not read as in stock
    assert "有黑色：黑色 M、黑色 L（已售罄）" in clean(A.answer_variant(stocked, color="黑色"))
    assert "有黑色：黑色 M（已售罄）、黑色 L（已售罄）" in clean(A.answer_variant(DOWN, color="黑色"))
    assert "暂时没有红色，可选：黑色、米白；M、L" in clean(A.answer_variant(DOWN, color="红色"))
    assert "面料：锦纶，防泼水涂层；填充物：90%白鸭绒" in clean(A.answer_material(DOWN))
    assert A.answer_usage(DOWN) is None


TONER = Product(
    "MZ04",
    "爽肤水",
    (Sku("o", "控油款 200ml", Decimal("129")), Sku("m", "保湿款 200ml", Decimal("129"))),
    attributes={"适用肤质": "控油款适合油性及混合偏油肌肤；保湿款适合干性及中性肌肤", "适用年龄": "12岁以上"},
    faq=(FaqPair("孕妇能用吗", "不含水杨酸的保湿款孕期可用，建议先咨询医生"),),
)


def test_suitability_clarify_and_skin_variant() -> None:
    assert A.clarify_variant(TONER, nickname="x") == "@x 您是油皮想控油，还是干皮想保湿？"
    assert A.skus_for_skin(TONER, "油皮") == (TONER.skus[0],)
    assert "油皮选控油款" in clean(A.answer_suitability(TONER, skin_type="油皮"))
    assert "孕期可用" in clean(A.answer_suitability(TONER, age="孕妇"))
    assert "12岁以上，8岁不在适用范围" in clean(A.answer_suitability(TONER, age="8岁"))
    assert A.answer_suitability(DOWN, age="老人") is None


def test_the_size_advised_says_which_of_its_versions_are_sold_out() -> None:
    price = Decimal("459")
    coat = Product(
        "FS01",
        "羽绒服",
        (
            Sku("a", "黑色 M", price, stock=5),
            Sku("b", "黑色 L", price, stock=3),
            Sku("c", "米白 L", price),
            Sku("d", "黑色 XL", price),
        ),
        attributes=DOWN.attributes,
    )
    assert "售罄" not in clean(A.answer_size(coat, 160, 50.0))  # every M in stock
    # the versions of the size still in stock are named beside the one gone
    assert "，米白 L已售罄，黑色 L有货" in clean(A.answer_size(coat, 165, 56.0))
    assert "米白 L已售罄，黑色 L有货" in clean(A.answer_size(coat, 165, 56.0, color="米白色"))
    # the one XL there is gone: the sizes next to it in the chart that are in stock
    assert "XL码已售罄，相邻尺码有货：黑色 L" in clean(A.answer_size(coat, 172, 66.0))
    no_xl = Product("FS01", "羽绒服", coat.skus[:3], attributes=DOWN.attributes)
    assert "这款没有XL码" in clean(A.answer_size(no_xl, 172, 66.0))
    boots = Product(
        "B",
        "雪地靴",
        (Sku("a", "栗色 37", price, stock=5), Sku("b", "栗色 38", price)),
        attributes={"尺码建议": "偏大半码，平时穿37码建议选36码"},
    )
    advised = clean(answer_usual_size(boots, 39))
    assert "建议选38码" in advised and "38码已售罄，相邻尺码有货：栗色 37" in advised
    assert "售罄" not in clean(answer_usual_size(boots, 38))


def test_a_childs_age_the_faq_does_not_name_gets_its_answer_about_children_where_it_states_an_age() -> None:
    snack = Product("S", "鸭脖", CUP.skus, faq=(FaqPair("小孩能吃吗", "甜辣味微辣，3岁以下不建议。"),))
    assert "3岁以下不建议" in clean(A.answer_suitability(snack, age="2岁", asked="2岁娃能吃吗"))
    assert "3岁以下不建议" in clean(A.answer_suitability(snack, age="8个月", asked="8个月宝宝能吃吗"))
    assert A.answer_suitability(snack, age="30岁", asked="30岁能吃吗") is None  # no child
    no_age = Product("S", "鸭脖", CUP.skus, faq=(FaqPair("小孩能吃吗", "可以吃。"),))
    assert A.answer_suitability(no_age, age="2岁", asked="2岁能吃吗") is None  # said of no age


def test_an_age_group_faq_answers_only_what_the_viewer_asks() -> None:
    demo = load_demo_catalog()
    snack = demo.product("SP07")  # FAQ "宝宝能吃吗": 孩子 and 宝宝 are one age group
    pods = demo.product("HJ04")  # FAQ "小孩误食怎么办" asks something else than washing
    assert snack is not None and pods is not None
    assert "1岁以上" in clean(A.answer_suitability(snack, age="儿童", asked="孩子三岁能吃吗"))
    assert A.answer_suitability(pods, age="儿童", asked="孩子的衣服能洗吗") is None
    assert A.clarify_variant(DOWN) is None
    assert A.find_faq(TONER, "孕妇可以用吗") == TONER.faq[0]
    assert A.find_faq(TONER, "敏感肌能用吗") is None
    knit = Product(
        "K", "开衫", CUP.skus, faq=(FaqPair("会起球吗", "不易起球"), FaqPair("是充电的吗", "内置电池"))
    )
    assert A.find_faq(knit, "起球不起球") == knit.faq[0]  # A-not-A
    assert A.find_faq(knit, "洗了起球吗") == knit.faq[0]  # a character more, before it
    assert A.find_faq(knit, "这个起球吗") == knit.faq[0]  # the pointer at the product asks nothing
    assert A.find_faq(knit, "充电多久") is None  # a question of its own beside the FAQ's words
    assert A.find_faq(knit, "送充电器吗") is None  # 充电 inside another word
    cream = Product("C", "紫罐", CUP.skus, faq=(FaqPair("早上能用吗", "早晚都可以用"),))
    assert A.find_faq(cream, "面霜早上能用吗") == cream.faq[0]  # the goods named before the question
    assert A.find_faq(cream, "紫罐早上能用吗") == cream.faq[0]  # its own name asks nothing


def test_shipping_after_sales_how_to_order_handoff() -> None:
    zto = ShippingPolicy("z", "中通", 48, Decimal("99.00"), Decimal("8.00"), ("新疆", "西藏"))
    text = clean(A.answer_shipping(zto, "新疆"))
    assert text == "中通快递，付款后48小时内发货，满¥99包邮，不满收运费¥8，新疆属于不发货或不包邮地区"
    assert "新疆、西藏除外" in clean(A.answer_shipping(zto))
    # a shop's terms are the mainland's: Hong Kong or abroad, unlisted, is a person's to answer
    assert A.answer_shipping(zto, "香港") is None and A.answer_shipping(zto, "国外") is None
    listed = ShippingPolicy("z", "中通", 48, Decimal("99.00"), Decimal("8.00"), ("香港",))
    assert "香港属于不发货或不包邮地区" in clean(A.answer_shipping(listed, "香港"))
    presale = ShippingPolicy("p", "顺丰", 24, presale_dispatch="12月5日前发货")
    assert (
        clean(A.answer_shipping(presale, lang="en"))
        == "ships by 顺丰, pre-sale: 12月5日前发货; free shipping"
    )
    assert A.answer_shipping(None) is None
    digital = AfterSalesPolicy("d", 7, True, 12, "保修12个月；激活后无质量问题不支持无理由退货")
    assert clean(A.answer_after_sales(digital)) == (
        "支持7天无理由退货，有运费险，保修12个月，激活后无质量问题不支持无理由退货"
    )
    # a warranty asked leads; that there is none is said only when asked, and never when unsaid
    asked = clean(A.answer_after_sales(digital, warranty_asked=True))
    assert asked.startswith("保修12个月，支持7天无理由退货")
    none = AfterSalesPolicy("n", 7, True, 0, "")
    assert clean(A.answer_after_sales(none, warranty_asked=True)) == "不提供保修，支持7天无理由退货，有运费险"
    assert clean(A.answer_after_sales(none)) == "支持7天无理由退货，有运费险"
    assert clean(A.answer_after_sales(none, lang="en", warranty_asked=True)).startswith("no warranty; ")
    unsaid = AfterSalesPolicy("u", 7, True, None, "")
    assert clean(A.answer_after_sales(unsaid, warranty_asked=True)) == "支持7天无理由退货，有运费险"
    assert "点击下方小黄车3号链接" in clean(A.answer_how_to_order(CUP))
    assert A.handoff() == "已帮你转给主播，请稍等哦"
    assert A.handoff("en", "amy") == "@amy I've passed your question to the host."
    assert "商品" in A.steering_reply()


def test_empty_facts_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one SKU"):
        A.answer_price(CUP, [])


DEMO = Path(__file__).resolve().parents[3] / "knowledge" / "demo" / "demo_catalog.json"
AMOUNT_RE = re.compile(r"¥(\d+(?:\.\d{2})?)")


def _allowed_amounts(items: list[SkuFacts]) -> set[Decimal]:
    allowed: set[Decimal] = set()
    for f in items:
        allowed |= {f.base_price, f.price, f.price_after_coupon, f.price_after_spend_discount}
        allowed |= {f.list_price} if f.list_price is not None else set()
        promos = [*f.coupons, *f.spend_discounts, *f.upcoming]
        promos += [f.flash_sale] if f.flash_sale else []
        for p in promos:
            for name in ("price", "threshold", "amount"):
                value = getattr(p, name, None)
                if value is not None:
                    allowed.add(value)
    return allowed


@pytest.mark.skipif(not DEMO.exists(), reason="demo catalog not present")
@pytest.mark.parametrize(
    "hour_min", [(19, 59), (20, 0), (20, 9), (20, 10), (21, 5), (22, 19), (22, 20), (23, 30)]
)
def test_demo_catalog_answers_use_only_fact_amounts(hour_min: tuple[int, int]) -> None:
    """Every answer over every demo product: no banned term, every ¥ amount taken from the facts."""
    catalog = catalog_from_dict(json.loads(DEMO.read_text(encoding="utf-8")))
    at = DAY.replace(hour=hour_min[0], minute=hour_min[1])
    for product in catalog.products:
        items = [facts_at(catalog, sku.sku_id, at) for sku in product.skus]
        allowed = _allowed_amounts(items)
        money = [
            A.answer_price(product, items),
            A.answer_price(product, items[0], lang="en"),
            A.answer_discount(product, items),
            A.answer_flash_sale(product, items),
        ]
        for text in money:
            assert {Decimal(m) for m in AMOUNT_RE.findall(clean(text))} <= allowed, text
        others = [
            A.answer_price_protection(product, catalog.price_protection),
            A.answer_stock(product),
            A.answer_variant(product),
            A.answer_size(product, 165, 55.0),
            A.answer_material(product),
            A.answer_usage(product),
            A.answer_suitability(product, skin_type="油皮"),
            A.answer_how_to_order(product),
            A.answer_after_sales(catalog.after_sales_policy(product.after_sales_id)),
            A.answer_shipping(catalog.shipping_policy(product.shipping_id), "新疆"),
        ]
        for text in others:
            if text is not None:
                clean(text)


SERUM = Product("P2", "修护精华液", (Sku("P2-30", "30ml", Decimal("329.00"), stock=10),), link_no=4)


def _deals(coupon_stacks: bool) -> tuple[Coupon, SpendDiscount]:
    evening = DAY.replace(hour=19), DAY.replace(hour=23)
    return (
        Coupon("c", "店铺券", *evening, Decimal("200"), Decimal("30.00"), stackable=coupon_stacks),
        SpendDiscount("s", "全店满减", *evening, Decimal("300"), Decimal("50")),
    )


def test_a_spend_discount_one_unit_reaches_below_the_coupon_price_is_said() -> None:
    at = DAY.replace(hour=20)
    alone = [sku_facts(SERUM, s, _deals(False), at) for s in SERUM.skus]
    said = clean(A.answer_price(SERUM, alone))
    # 329 - 30 = 299 with the coupon; 329 reaches 满300: 279, lower still, and not with the coupon
    assert "用券后¥299（满¥200减¥30券），满¥300减¥50后¥279，与券不叠加" in said
    stacking = [sku_facts(SERUM, s, _deals(True), at) for s in SERUM.skus]
    both = clean(A.answer_price(SERUM, stacking))
    # both stack: the combined price is the checkout's to work out, so none is said
    assert "满¥300减¥50后¥279" in both and "不叠加" not in both and "¥249" not in both
    discount = clean(A.answer_discount(SERUM, stacking, asked=frozenset({"stacking"})))
    assert "满¥300减¥50（可与优惠券同享）" in discount
    # a unit below the 满减's threshold: the coupon alone ("¥129": 满300 is not reached)
    cup = clean(A.answer_price(CUP, facts(DAY.replace(hour=20))))
    assert "满¥300减¥50后" not in cup


def test_a_coupon_no_unit_reaches_says_so() -> None:
    at = DAY.replace(hour=20, minute=30)
    balm = Product("P3", "唇釉", (Sku("P3-1", "#01", Decimal("79.00"), stock=5),), link_no=5)
    said = clean(A.answer_discount(balm, [sku_facts(balm, s, PROMOS, at) for s in balm.skus]))
    assert "满¥100减¥10券（23:00前有效，本品单件不满¥100，需凑单）" in said
    cup = clean(A.answer_discount(CUP, facts(at)))  # ¥129 reaches 满100: nothing to add
    assert "需凑单" not in cup


@pytest.mark.parametrize(
    ("question", "asked"),
    [("秒杀价还能叠券不", True), ("秒杀能用券吗", True), ("秒杀价可以用满减吗", False), ("秒杀几点", False)],
)
def test_whether_a_flash_sale_question_asks_for_coupons(question: str, asked: bool) -> None:
    assert A.asks_coupons_with_the_sale(question) is asked


def test_coupons_with_a_flash_sale_price() -> None:
    during = facts(FLASH_START)[:1]
    # the coupon does not stack: it is left out at the flash price
    assert "秒杀价不能再叠加优惠券" in clean(A.answer_flash_sale(CUP, during, with_coupons=True))
    assert "优惠券" not in clean(A.answer_flash_sale(CUP, during))  # not asked: not said
    stacking = Coupon(
        "st",
        "叠加券",
        DAY.replace(hour=19),
        DAY.replace(hour=23),
        Decimal("50"),
        Decimal("5"),
        stackable=True,
    )
    with_stacking = [sku_facts(CUP, CUP.skus[0], (*PROMOS, stacking), FLASH_START)]
    assert "可叠加满¥50减¥5券" in clean(A.answer_flash_sale(CUP, with_stacking, with_coupons=True))


def test_no_spend_discount_price_at_a_flash_sale_price() -> None:
    # the catalog says nothing of a 满减 with a flash-sale price: no price is worked out from both
    big = Product("P5", "羽绒服", (Sku("P5-1", "黑色 M", Decimal("459"), stock=5),), link_no=7)
    flash = FlashSale("f", "秒杀", FLASH_START, FLASH_END, Decimal("359"), "P5")
    during = [sku_facts(big, big.skus[0], (flash, *_deals(False)), FLASH_START)]
    assert during[0].best_spend_discount is None
    said = clean(A.answer_price(big, during))
    assert "满¥300减¥50后" not in said and "秒杀价¥359" in said
    # the coupon that does not stack is said to be no use at the flash price, not "需凑单"
    coupons = clean(A.answer_discount(big, during))
    assert "秒杀价不可用此券" in coupons and "需凑单" not in coupons


def test_a_spend_discount_said_with_its_price_is_not_listed_again() -> None:
    at = DAY.replace(hour=20)
    alone = [sku_facts(SERUM, s, _deals(False), at) for s in SERUM.skus]
    said = clean(A.answer_discount(SERUM, alone, asked=frozenset({"stacking"})))
    assert said.count("满¥300减¥50") == 1 and "满¥300减¥50后¥279，与券不叠加" in said
    english = A.answer_discount(SERUM, alone, lang="en")
    assert english.count("¥50 off") == 1


def test_a_quantity_of_versions_all_sold_out_is_not_multiplied() -> None:
    gone = Product("P6", "精华", (Sku("P6-75", "75ml", Decimal("659")),), link_no=8)  # no stock
    said = clean(A.answer_quantity_price(gone, [sku_facts(gone, gone.skus[0], (), DAY)], 2))
    assert "75ml已售罄" in said and "×2" not in said
    many = Product(
        "P7", "T恤", tuple(Sku(f"t{i}", f"白色 {s}", Decimal("59"), stock=9) for i, s in enumerate("SMLX"))
    )
    alike = clean(A.answer_quantity_price(many, [sku_facts(many, k, (), DAY) for k in many.skus], 3))
    assert "各规格 ¥59×3=¥177" in alike and "另有" not in alike  # more versions than lines, one price


def test_the_sizes_next_to_one_sold_out_go_by_size_not_by_the_charts_order() -> None:
    price = Decimal("59")
    tee = Product(
        "T",
        "T恤",
        (Sku("s", "白色 S", price, stock=5), Sku("m", "白色 M", price), Sku("l", "白色 L", price, stock=5),
         Sku("xl", "灰色 XL", price, stock=5)),
        attributes={"尺码建议": "S：身高150-160cm；XL：身高175-185cm；M：身高160-168cm；L：身高168-175cm"},
    )  # fmt: skip
    said = clean(A.answer_size(tee, 165, None))
    assert "M码已售罄，相邻尺码有货：白色 S、白色 L" in said, said
