"""Questions of the whole room, goods named beside the product on stage, and lines to other viewers.
Through the whole pipeline in-process (demo catalog, the shipped understanding model, no LLM), at
room clock times on the demo's promotion evening (2026-11-21, Beijing time): the shop coupon
满200减30 and the product coupons run 20:00-23:00 (the snack coupon until 21:00), 满300减50 until
midnight, the flash sales at 20:00 (cup), 21:00 (earbuds) and 22:00 (down jacket)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from assistant.danmaku.product_questions import sizes_said_as_numbers
from assistant.danmaku.slot_rules import one_unit_priced
from assistant.service.settings import Settings
from evals.answers.protocol import AskResult
from evals.answers.system import PipelineSystem
from knowledge.demo import load_demo_catalog


@pytest.fixture(scope="module")
def system() -> Iterator[PipelineSystem]:
    yield PipelineSystem(Settings(store="memory", embeddings="none", demo=False))


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-21T{clock}:00+08:00")


def ask_in_turn(system: PipelineSystem, stage: str | None, clock: str, *lines: str) -> list[AskResult]:
    """One viewer's lines 15 s apart in a fresh room, ``stage`` on stage from ``clock``."""
    system.reset()
    start = at(clock)
    system.set_stage(stage, start)
    return [
        system.ask("viewer", text, start + timedelta(seconds=15 * (i + 1))) for i, text in enumerate(lines)
    ]


def ask(system: PipelineSystem, stage: str | None, clock: str, text: str) -> AskResult:
    return ask_in_turn(system, stage, clock, text)[0]


def test_coupons_asked_of_no_product_are_the_rooms_running_ones(system: PipelineSystem) -> None:
    result = ask(system, None, "20:40", "现在有啥券可以领")
    assert result.source == "catalog" and result.intent == "discount" and result.product_id is None
    text = result.text
    # the whole shop's first, each with its end; a product's own with the links it is for
    assert text.startswith("满¥200减¥30券（全店），23:00前有效")
    assert "满¥99减¥10券（限1、2、4号链接），23:00前有效" in text
    assert "满¥59减¥5券（限28、32、33、34号链接），21:00前有效" in text


def test_coupons_asked_before_any_runs_are_those_starting_later(system: PipelineSystem) -> None:
    result = ask(system, None, "18:30", "有优惠吗")
    assert result.source == "catalog" and result.text.startswith("今天稍后：满¥200减¥30券（全店），20:00起")


def test_coupons_asked_after_they_end_leave_what_still_runs(system: PipelineSystem) -> None:
    result = ask(system, None, "23:30", "还有券吗")
    assert result.source == "catalog" and "满¥300减¥50（全店）" in result.text and "券（" not in result.text


@pytest.mark.parametrize("text", ["今晚有啥秒杀 蹲一个", "几点秒杀"])
def test_flash_sales_asked_of_no_product_are_todays_not_over(system: PipelineSystem, text: str) -> None:
    result = ask(system, None, "20:40", text)
    assert result.source == "catalog" and result.intent == "flash_sale"
    assert "21:00-21:15 19号链接 声屿 Air3 主动降噪蓝牙耳机 ¥199，限量300件" in result.text
    assert "22:00-22:20 10号链接" in result.text and "保温杯" not in result.text  # the 20:00 one is over


def test_flash_sales_asked_after_the_last_are_over(system: PipelineSystem) -> None:
    result = ask(system, None, "23:30", "还有秒杀吗")
    assert result.source == "catalog" and result.text == "今天的秒杀已经结束了"


@pytest.mark.parametrize(
    ("stage", "clock", "text", "said"),
    [
        ("MZ03", "20:40", "防晒能用护肤券吗", "护肤专享券不适用于本品；"),  # named in the middle of the line
        ("SM04", "21:05", "手表能用数码券吗", "数码9折券不适用于本品；"),
        ("SP01", "21:05", "零食券还能用吗", "零食券已于21:00结束；"),  # over at 21:00
    ],
)
def test_a_coupon_named_that_does_not_apply_is_said_so_first(
    system: PipelineSystem, stage: str, clock: str, text: str, said: str
) -> None:
    result = ask(system, stage, clock, text)
    assert result.source == "catalog" and result.text.startswith(said), result


def test_it_after_a_link_is_that_links_product_not_the_stage(system: PipelineSystem) -> None:
    linked, it = ask_in_turn(system, "SP01", "20:40", "34号多少钱", "它保质期多久")
    assert linked.product_id == "SP07" and it.product_id == "SP07" and "12个月" in it.text
    alone = ask(system, "SP01", "20:40", "它保质期多久")  # no product of the viewer's before: the stage
    assert alone.product_id == "SP01" and "180天" in alone.text


@pytest.mark.parametrize(
    ("stage", "text", "asked_of"),
    [
        ("HJ07", "这个口红显白吗", "5号链接 花汐 柔雾丝绒唇釉"),  # the lip glaze's alias, a wok on stage
        ("MZ07", "这个面霜多少钱", "2号链接 澜序 玻色因紧致面霜"),  # a cream, the cleanser on stage
    ],
)
def test_goods_of_another_product_named_with_this_are_asked_about(
    system: PipelineSystem, stage: str, text: str, asked_of: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.source == "clarify" and asked_of in result.text, result


@pytest.mark.parametrize(("stage", "text"), [("HJ07", "这个手机多少钱"), ("HJ01", "这个平底锅多少钱")])
def test_goods_no_product_is_called_named_with_this_never_get_the_stages_answer(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.product_id is None and "¥" not in result.text, result


def test_goods_of_the_stage_products_kind_named_with_this_are_it(system: PipelineSystem) -> None:
    result = ask(system, "FS08", "20:40", "这个鞋子多少钱")  # snow boots are shoes
    assert result.product_id == "FS08" and "¥259" in result.text


def test_a_line_to_another_viewer_stays_silent_and_one_to_the_host_is_answered(
    system: PipelineSystem,
) -> None:
    assert not ask(system, "MZ05", "20:40", "@小鹿 你上次买的是哪个色").replied
    to_host = ask(system, "MZ05", "20:40", "@主播 多少钱")
    assert to_host.source == "catalog" and to_host.product_id == "MZ05" and "¥79" in to_host.text


@pytest.mark.parametrize("text", ["拍了两单能合并发吗", "分开拍能合并发货吗"])
def test_orders_merged_are_a_persons(system: PipelineSystem, text: str) -> None:
    result = ask(system, "FS02", "20:40", text)
    assert result.source == "handoff"  # not the shipping terms


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("签收第9天了还能退吗", "已过签收后7天无理由退货期"),  # the day of receipt is the first
        ("收到第5天了能退吗", "在签收后7天无理由退货期内"),
    ],
)
def test_the_nth_day_since_receipt_is_held_against_the_return_window(
    system: PipelineSystem, text: str, said: str
) -> None:
    result = ask(system, "HJ02", "22:05", text)
    assert result.source == "catalog" and said in result.text, result


def test_it_with_a_word_its_product_speaks_of_stays_that_product(system: PipelineSystem) -> None:
    # 卸妆 is the 卸妆油's alias, but the sunscreen just asked about answers 需要卸妆吗 in its FAQ
    _, it = ask_in_turn(system, "MZ08", "20:05", "3号链接多少", "它要卸妆吗")
    assert it.product_id == "MZ03" and it.source == "faq" and "卸妆" in it.text and "¥" not in it.text


def test_a_yes_no_question_of_its_own_does_not_repeat_the_last_one(system: PipelineSystem) -> None:
    _, it = ask_in_turn(system, "SM01", "20:05", "耳机多少钱", "它防水吗")
    assert it.intent != "price" and "IPX4" in it.text


@pytest.mark.parametrize(
    ("stage", "text", "product"),
    [
        (None, "简川的裤子多少", "FS03"),  # of 简川's jeans and cardigan, the one called 裤
        (None, "澜序的面霜多少钱", "MZ02"),  # of 澜序's serum and cream, the cream
    ],
)
def test_the_words_after_a_maker_pick_the_product(
    system: PipelineSystem, stage: str | None, text: str, product: str
) -> None:
    result = ask(system, stage, "20:05", text)
    assert result.source == "catalog" and result.product_id == product, result


def test_that_one_with_goods_the_stage_product_is_not_asks_about_them(system: PipelineSystem) -> None:
    result = ask(system, "HJ03", "22:05", "那个锅多少")  # a chopping board on stage, a wok in the cart
    assert result.source == "clarify" and "厨匠 麦饭石色不粘炒锅" in result.text and "砧板" not in result.text


def test_the_room_coupons_terms_asked_are_said_with_each(system: PipelineSystem) -> None:
    stacking = ask(system, None, "20:40", "你们家的优惠券能叠加吗")
    assert stacking.text.startswith("满¥200减¥30券（全店），23:00前有效，不与其他券或满减叠加；")
    limit = ask(system, None, "20:40", "店铺券怎么用 能用几张")
    assert limit.text.startswith("满¥200减¥30券（全店），23:00前有效，每人限领1张；")


def test_this_with_nothing_on_stage_asks_which_product_not_the_room(system: PipelineSystem) -> None:
    result = ask(system, None, "20:40", "这个能用数码券吗")
    assert result.source == "clarify" and "¥" not in result.text


@pytest.mark.parametrize(
    ("stage", "text", "product"),
    [
        ("MZ07", "您好 请问这个敏感肌能用吗", "MZ07"),  # 您好 is a greeting, no name of goods
        ("MZ01", "您好 我是混油皮 冬天用这个会不会干啊 还有我有点敏感肌 能用吗", "MZ01"),
    ],
)
def test_a_greeting_before_the_question_is_no_products_name(
    system: PipelineSystem, stage: str, text: str, product: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.source in ("catalog", "faq") and result.product_id == product, result


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        ("HJ05", "遥控款白色有吗", "白色 遥控款已售罄"),  # the spec's words in another order
        ("SM05", "青轴黑色有吗", "黑色 青轴已售罄"),
    ],
)
def test_a_version_named_in_another_order_is_that_version(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.source == "catalog" and result.product_id == stage and said in result.text, result


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("HJ01", "有没有保温饭盒 上班带饭用的"),  # a lunch box is no cup: never the cup's 保温 line
        ("FS07", "有没有同款的毛衣裙"),  # a sweater dress is no cardigan: never its versions
        ("SM01", "有iPhone17吗"),  # a phone model: never the earbuds' 支持iOS
    ],
)
def test_goods_asked_for_that_no_product_is_are_no_stage_answer(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.product_id is None and result.source == "handoff", result


def test_an_ingredient_asked_for_is_answered_by_the_products_words(system: PipelineSystem) -> None:
    result = ask(system, "MZ04", "20:40", "有没有酒精啊 我酒精过敏")
    assert result.product_id == "MZ04" and "无酒精" in result.text


def test_two_goods_named_keep_the_one_on_stage(system: PipelineSystem) -> None:
    # the words after 的 narrow a maker's products, never two goods the line names
    result = ask(system, "SP05", "20:40", "买鸭脖两袋再加一箱12盒的牛奶 能参加满减吗")
    assert result.product_id == "SP05"


def test_other_said_with_its_is_no_pronoun(system: PipelineSystem) -> None:
    # 其它颜色 after the host moved on asks the product now on stage, not the viewer's last one
    system.reset()
    start = at("20:40")
    system.set_stage("FS01", start)
    system.ask("viewer", "这个多少钱", start + timedelta(seconds=10))
    system.set_stage("FS02", start + timedelta(seconds=20))
    result = system.ask("viewer", "有其它颜色吗", start + timedelta(seconds=30))
    assert result.product_id == "FS02", result


@pytest.mark.parametrize("text", ["澜序的修护霜多少钱", "简川的牛仔外套多少钱"])
def test_words_after_a_maker_that_name_none_of_its_goods_ask_which(system: PipelineSystem, text: str) -> None:
    result = ask(system, None, "20:40", text)
    assert result.source == "clarify", result  # 修护 is no 霜 of the serum, 牛仔 no 外套 of the jeans


def test_a_flash_sale_of_some_versions_says_which(system: PipelineSystem) -> None:
    result = ask(system, None, "21:30", "几点秒杀")
    assert "¥359（仅限黑色 M、黑色 L），限量50件" in result.text


@pytest.mark.parametrize("text", ["秒杀能用券吗", "秒杀和满减能一起用吗"])
def test_a_flash_sale_and_coupons_asked_of_no_product_ask_which(system: PipelineSystem, text: str) -> None:
    result = ask(system, None, "20:40", text)
    assert result.source == "clarify", result


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [("小黑瓶多少钱", "50ml也一样吗", "50ml ¥499"), ("防晒多少钱", "双支装也是这个价吗", "双支装 ¥269")],
)
def test_the_same_again_of_another_version_repeats_the_last_question(
    system: PipelineSystem, first: str, second: str, said: str
) -> None:
    _, again = ask_in_turn(system, None, "20:40", first, second)
    assert again.intent == "price" and said in again.text, again


def test_the_nth_day_when_something_happened_is_no_day_since_receipt(system: PipelineSystem) -> None:
    result = ask(system, "MZ07", "20:40", "收到第2天就不想要了 现在还能退吗")
    assert "收到1天" not in result.text and "昨天" not in result.text


@pytest.mark.parametrize(
    ("text", "replied"),
    [("@小助手 这个多少钱", True), ("@店长 这个多少钱", True), ("@ 小鹿 你买的哪个色", False)],
)
def test_the_shops_people_addressed_are_answered_another_viewer_is_not(
    system: PipelineSystem, text: str, replied: bool
) -> None:
    result = ask(system, "MZ05", "20:40", text)
    assert (result.source == "catalog") is replied, result


def test_that_one_named_after_a_question_asks_it_again_of_that_product(system: PipelineSystem) -> None:
    _, again = ask_in_turn(system, None, "20:40", "简川的裤子多少", "那件开衫呢")
    assert again.product_id == "FS07" and again.intent == "price" and "¥239" in again.text


def test_a_version_asked_yes_or_no_after_a_question_asks_it_of_that_version(system: PipelineSystem) -> None:
    _, again = ask_in_turn(system, "SM01", "21:05", "耳机秒杀多少", "黑色能秒吗")
    assert again.intent == "flash_sale" and again.source == "catalog", again


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        ("FS08", "37号还有吗", "栗色 37有货，黑色 37有货"),  # link 37 is a cup: the boots' size wins
        ("FS08", "栗色37号有吗", "栗色 37有货"),
        ("FS03", "27号还有吗", "浅蓝 27有货，深蓝 27有货"),  # link 27 is a power bank
    ],
)
def test_a_number_with_hao_that_is_a_size_of_the_product_in_view_is_that_size(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.product_id == stage and result.intent == "stock" and said in result.text, result


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("FS08", "37号链接多少钱"),  # written as a link
        ("MZ07", "37号多少钱"),  # the cleanser has no size 37
        ("FS08", "37号多少钱"),  # a price: the link's (a size is read only where stock is asked)
        ("FS08", "37号杯子还有吗"),  # the cup named
        ("FS08", "37号还有吗 就是那个杯子"),
        ("FS08", "37号商品还有吗"),  # a listing's word
        ("FS08", "小黄车37号还有吗"),
    ],
)
def test_a_number_with_hao_no_product_in_view_is_sold_in_stays_a_link(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.product_id == "HJ01" and result.intent in ("price", "stock"), result


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("37号还有吗", "37码还有吗"),
        ("36号和37号有货吗", "36码和37码有货吗"),
        ("36号和37号哪个大", "36号和37号哪个大"),  # no stock asked
        ("37号商品还有吗", "37号商品还有吗"),  # a listing's word
        ("37号链接多少钱", "37号链接多少钱"),
        ("37号的链接呢", "37号的链接呢"),
        ("链接37号呢", "链接37号呢"),
        ("第37号", "第37号"),
        ("10月37号", "10月37号"),
        ("40号有吗", "40号有吗"),  # sold in 36-39 only: link 40 it may be
        ("栗色37号有吗", "栗色37码有吗"),
        ("37号黑的还有吗", "37码黑的还有吗"),
        ("37号的鞋还有货吗", "37码的鞋还有货吗"),
        ("37号有没有秒杀", "37号有没有秒杀"),  # another question
        ("37号水杯还有货吗", "37号水杯还有货吗"),  # other goods
        ("37号奶白还有吗", "37号奶白还有吗"),  # a colour the boots are not sold in
        ("明天37号还有吗", "明天37号还有吗"),  # a day
    ],
)
def test_sizes_said_as_numbers_rewrites_only_a_size_of_the_product(text: str, read: str) -> None:
    boots = load_demo_catalog().product("FS08")
    assert boots is not None
    assert sizes_said_as_numbers(text, boots, frozenset({17})) == read
    assert sizes_said_as_numbers(text, None, frozenset()) == text
    assert sizes_said_as_numbers(text, boots, frozenset({36, 37})) == text  # links of products in view


def test_a_size_of_the_stage_is_not_read_for_a_viewer_asking_of_another_product(
    system: PipelineSystem,
) -> None:
    # the sunscreen (link 3) asked of before: "37号" is no size of it, so it stays link 37
    _, again = ask_in_turn(system, "FS08", "20:40", "3号多少钱", "37号还有吗")
    assert again.product_id == "HJ01", again


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("MZ07", "买哪个划算"),
        ("MZ07", "单支和双支哪个划算"),
        ("MZ07", "双支装划算吗"),
        ("MZ07", "单支便宜还是双支便宜"),
        ("MZ07", "哪个规格便宜"),
    ],
)
def test_which_version_is_the_better_buy_gets_each_price_and_each_per_unit(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.source == "catalog" and result.intent == "price", result
    assert "120g ¥59.90、120g×2 双支装 ¥99" in result.text  # every version, not the one named
    assert result.text.endswith("折合每100g（从低到高）：120g×2 双支装 ≈¥41.25/100g，120g ≈¥49.92/100g")
    assert "最" not in result.text  # the order says which costs least; no absolute


def test_every_versions_price_asked_lists_them_with_no_arithmetic(system: PipelineSystem) -> None:
    result = ask(system, "MZ07", "20:40", "规格价格都说下")
    assert result.intent == "price" and "60g 便携装 ¥32.90" in result.text and "折合" not in result.text


def test_the_better_buy_and_the_price_never_share_a_reply(system: PipelineSystem) -> None:
    price, value = ask_in_turn(system, "MZ07", "20:40", "多少钱", "哪个划算")
    assert "折合" not in price.text and "折合" in value.text


@pytest.mark.parametrize("text", ["哪个更好", "太划算了", "好划算啊", "还是觉得贵 能便宜点吗"])
def test_which_is_better_or_praise_of_the_price_gets_no_arithmetic(system: PipelineSystem, text: str) -> None:
    result = ask(system, "MZ07", "20:40", text)
    assert "折合" not in (result.text or ""), result


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        ("FS02", "黑色和白色有货吗", "白色 S有货，白色 M有货，白色 L有货，黑色 M有货，黑色 L已售罄"),
        ("FS02", "M和L有货吗", "白色 M有货，白色 L有货，黑色 M有货，黑色 L已售罄"),
        ("FS02", "黑色M和白色L有吗", "白色 L有货，黑色 M有货"),  # each colour with its own size
        ("FS03", "27码和28码还有吗", "浅蓝 27有货，浅蓝 28已售罄，深蓝 27有货"),
        ("FS08", "37号和38号有货吗", "栗色 37有货，栗色 38已售罄，黑色 37有货"),
        # two of each, not in turn: every colour in every size named
        ("FS02", "黑色和白色M和L有货吗", "白色 M有货，白色 L有货，黑色 M有货，黑色 L已售罄"),
        # colours in the product's own words
        ("FS08", "栗色和黑色有货吗", "栗色 36有货，栗色 37有货，栗色 38已售罄，黑色 37有货，黑色 39有货"),
        ("HJ01", "奶白和墨黑有货吗", "奶白 500ml有货，墨黑 500ml已售罄"),
        ("FS08", "黑色和白色有货吗", "黑色 37有货，黑色 39有货；没有白色"),  # no white boots
        # a size the product is sold in, said as a bare number beside each colour
        ("FS08", "栗色37和黑色37有吗", "栗色 37有货，黑色 37有货"),  # before: the black ones only
        ("FS03", "浅蓝27和深蓝27有吗", "浅蓝 27有货，深蓝 27有货"),  # before: every light blue
        ("FS08", "黑色37和栗色39有吗", "黑色 37有货；没有栗色 39"),
    ],
)
def test_two_versions_asked_in_one_line_are_each_answered(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.intent == "stock" and result.text.endswith(said), result


def test_two_colours_priced_in_one_line_are_both_priced(system: PipelineSystem) -> None:
    result = ask(system, "SM03", "20:40", "白色和黑色多少钱")
    assert result.intent == "price", result
    assert "（白色 单头 ¥119、白色 +1.5m C to C线 ¥139、黑色 单头 ¥119）" in result.text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("红色和白色有吗", "白色 L有货；没有红色"),
        ("黑色和灰色XL有吗", "灰色 XL有货；没有黑色 XL"),
        ("黑色S和白色S有吗", "白色 S有货；没有黑色 S"),
        ("黑色和粉色有货吗", "黑色 M有货，黑色 L已售罄；没有粉色"),
    ],
)
def test_a_version_not_sold_among_two_is_said_absent(system: PipelineSystem, text: str, said: str) -> None:
    result = ask(system, "FS02", "20:40", text)
    assert said in result.text, result


def test_a_colour_and_its_size_named_in_turn_each_get_theirs_or_are_said_absent(
    system: PipelineSystem,
) -> None:
    result = ask(system, "FS01", "20:40", "黑色L和米白XL有吗")
    assert result.text.endswith("黑色 L有货；没有米白 XL"), result


def two_viewers_in_one_window(system: PipelineSystem, stage: str, first: str, second: str) -> list[AskResult]:
    """Two viewers' lines 1 s apart in a fresh room: within the window a repeat joins the reply."""
    system.reset()
    start = at("20:40")
    system.set_stage(stage, start)
    return [
        system.ask(v, text, start + timedelta(seconds=5 + i))
        for i, (v, text) in enumerate((("a", first), ("b", second)))
    ]


def test_two_viewers_asking_of_different_colours_absent_never_share_a_reply(system: PipelineSystem) -> None:
    pink, blue = two_viewers_in_one_window(system, "FS02", "黑色和粉色有货吗", "黑色和蓝色有货吗")
    assert pink.text.endswith("没有粉色") and blue.text.endswith("没有蓝色"), (pink, blue)


def test_one_colour_and_two_colours_asked_never_share_a_reply(system: PipelineSystem) -> None:
    one, two = two_viewers_in_one_window(system, "FS02", "黑色有货吗", "黑色和白色有货吗")
    assert "白色" not in one.text and "白色 S有货" in two.text


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        ("MZ07", "两支装多少钱一支", "120g×2 双支装 ¥99（2支，合每支¥49.50）"),
        ("MZ07", "一支多少钱", "120g ¥59.90；120g×2 双支装 ¥99（2支，合每支¥49.50）"),
        ("HJ04", "一颗多少钱", "52颗×2盒 ¥89.90（104颗，合每颗¥0.86）"),  # 52 a box times 2 boxes
        ("SP08", "牛奶一盒多少钱", "250ml×12盒 ¥49.90（12盒，合每盒¥4.16）"),
    ],
)
def test_the_price_of_one_piece_of_a_pack_is_worked_out(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert result.intent == "price" and said in result.text, result


def test_a_quantity_of_pieces_counts_every_piece_a_pack_of_packs_holds(system: PipelineSystem) -> None:
    result = ask(system, "HJ04", "20:40", "买104颗多少钱")
    assert "52颗×2盒 ¥89.90；" in result.text and "¥179.80" not in result.text, result


def test_the_price_and_the_price_of_one_piece_never_share_a_reply(system: PipelineSystem) -> None:
    price, piece = ask_in_turn(system, "MZ07", "20:40", "多少钱", "多少钱一支")
    assert "合每支" not in price.text and "合每支¥49.50" in piece.text


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("两支装多少钱1支", "支"),
        ("1包多少钱", "包"),
        ("多少钱一片", "片"),
        ("11包多少钱", None),
        ("多少钱", None),
    ],
)
def test_one_unit_priced_reads_the_unit_of_one(text: str, unit: str | None) -> None:
    assert one_unit_priced(text) == unit


def test_the_link_number_of_the_product_on_stage_is_never_read_as_a_size(system: PipelineSystem) -> None:
    # the cup (link 37) on stage, the boots asked of before: "37号" is the cup's link
    _, again = ask_in_turn(system, "HJ01", "20:40", "雪地靴多少钱", "37号还有吗")
    assert again.product_id == "HJ01", again


@pytest.mark.parametrize("text", ["27号还有直播吗", "26号下的单什么时候发"])
def test_a_date_is_no_size_where_no_stock_is_asked(system: PipelineSystem, text: str) -> None:
    result = ask(system, "FS03", "20:40", text)
    assert "浅蓝 27" not in (result.text or "") and "浅蓝 26" not in (result.text or ""), result


def test_a_better_buy_of_counts_compares_the_versions_and_works_out_no_total(system: PipelineSystem) -> None:
    result = ask(system, "MZ07", "20:40", "买两个单支还是一个双支划算")
    assert "折合每100g" in result.text and "×2=" not in result.text, result


@pytest.mark.parametrize(
    ("stage", "text", "per_unit"),
    [
        # before: "买2个：…双支装 ¥269×2=¥538", two double packs priced
        ("MZ03", "两支装比买两个单支便宜多少钱", "折合每ml"),
        ("MZ07", "双支装能省多少", "折合每100g"),
        ("SP01", "60包的比30包的便宜多少", "折合每100g"),
    ],
)
def test_what_one_version_saves_against_another_is_compared_per_unit(
    system: PipelineSystem, stage: str, text: str, per_unit: str
) -> None:
    result = ask(system, stage, "20:40", text)
    assert per_unit in result.text and "×2=" not in result.text, result


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("还是拼多多便宜", None),  # another shop: no arithmetic
        ("买哪个省运费", "shipping"),
        ("用券划算吗", "discount"),
        ("哪个省发的货", None),
        ("没什么性价比", None),  # a complaint
        ("今天买还是等两天便宜", None),  # another day
        ("这里买还是去大超市买便宜", None),  # another shop
        ("比别家便宜多少", None),
        ("比昨天便宜多少", None),  # another day
    ],
)
def test_value_words_of_another_question_get_no_arithmetic(
    system: PipelineSystem, text: str, intent: str | None
) -> None:
    result = ask(system, "MZ07", "20:40", text)
    assert "折合" not in (result.text or ""), result
    if intent is not None:
        assert result.intent == intent, result
