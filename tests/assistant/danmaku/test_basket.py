"""A price asked of several products bought together: read from the line (``basket.basket_asked``),
summed from the catalog (``answers.answer_basket_price``) and answered through the whole pipeline
in-process (demo catalog, the shipped understanding model, no LLM) on the demo's promotion evening
(2026-11-21, Beijing time: 满300减50 and the shop coupon run from 20:00)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from assistant.danmaku.basket import BasketItem, asks_a_total, basket_asked
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.normalize import normalize
from assistant.service.settings import Settings
from evals.answers.protocol import AskResult
from evals.answers.system import PipelineSystem
from knowledge.demo import load_demo_catalog

CATALOG = load_demo_catalog()
MATCHER = ProductMatcher(CATALOG)


def read(text: str, in_view: str | None) -> tuple[BasketItem, ...]:
    product = CATALOG.product(in_view) if in_view is not None else None
    return basket_asked(normalize(text), MATCHER, CATALOG, product)


@pytest.mark.parametrize(
    ("text", "in_view", "expected"),
    [
        # one product named beside the one in view: both
        ("那和12号牛仔裤一起买多少钱", "FS07", [("FS07", 1, ()), ("FS03", 1, ())]),
        # a version of the product in view named by its words, a count of the other's own name no count
        ("6斤的加一个42号面包枕多少钱", "HJ02", [("HJ02", 1, ("6斤",)), ("HJ06", 1, ("面包款",))]),
        ("6号粉底液和5号唇釉三支套装一起买一共多少钱", "MZ06", [("MZ06", 1, ()), ("MZ05", 1, ("三支套装",))]),
        # a count of the first, three products joined by +
        ("买两箱30包的加一袋32号鸭脖多少钱", "SP01", [("SP01", 2, ("30包",)), ("SP05", 1, ())]),
        ("卸妆油+3号防晒+7号洗面奶一起多少", "MZ08", [("MZ08", 1, ()), ("MZ03", 1, ()), ("MZ07", 1, ())]),
    ],
)
def test_the_products_of_a_basket_are_read_with_their_counts_and_versions(
    text: str, in_view: str, expected: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    items = read(text, in_view)
    assert [(i.product_id, i.quantity) for i in items] == [(p, q) for p, q, _ in expected]
    for item, (_, _, versions) in zip(items, expected, strict=True):
        product = CATALOG.product(item.product_id)
        assert product is not None
        skus = {s.sku_id for s in product.skus}
        # the versions named are the product's own, by the words the line gives; none named: ()
        named = [s.spec for s in product.skus if s.sku_id in item.sku_ids]
        assert set(item.sku_ids) <= skus and all(any(v in spec for spec in named) for v in versions), item
        assert bool(item.sku_ids) == bool(versions), item


@pytest.mark.parametrize(
    ("text", "in_view"),
    [
        ("7号和4号多少钱", "MZ07"),  # no total asked: each price (``further_asks``)
        ("跟闺蜜一起买多少钱", "MZ07"),  # one product, bought with a friend
        ("两个一起买多少钱", "MZ07"),  # a quantity of one product
        ("我买的7号和4号一共多少钱", "MZ07"),  # the viewer's own order
        ("和那个一起买多少钱", "MZ07"),  # nothing named beside the one in view
    ],
)
def test_a_line_that_asks_no_total_of_several_products_is_no_basket(text: str, in_view: str) -> None:
    assert read(text, in_view) == ()


def test_a_total_is_asked_only_with_a_price() -> None:
    assert asks_a_total(normalize("和12号一起买多少钱"))
    assert not asks_a_total(normalize("和12号一起买能满减吗"))  # the 满减 asked, not a sum


@pytest.fixture(scope="module")
def system() -> Iterator[PipelineSystem]:
    yield PipelineSystem(Settings(store="memory", embeddings="none", demo=False))


def ask(system: PipelineSystem, stage: str, clock: str, text: str) -> AskResult:
    system.reset()
    start = datetime.fromisoformat(f"2026-11-21T{clock}:00+08:00")
    system.set_stage(stage, start)
    return system.ask("viewer", text, start + timedelta(seconds=15))


@pytest.mark.parametrize(
    ("stage", "clock", "text", "expected"),
    [
        # before the evening's promotions: the sum alone
        (
            "FS07",
            "18:40",
            "那和12号牛仔裤一起买多少钱？",
            "简川 珍珠扣针织开衫 ¥239 + 简川 高腰阔腿牛仔裤 ¥169 = ¥408",
        ),
        (
            "MZ06",
            "19:44",
            "6号粉底液和5号唇釉三支套装一起买，一共多少钱？",
            "花汐 持妆柔焦粉底液 ¥169 + 花汐 柔雾丝绒唇釉 三支套装（#01+#03+#07） ¥199 = ¥368",
        ),
        # a count times its price, the promotions named, not applied
        (
            "SP01",
            "20:27",
            "买两箱30包的加一袋32号鸭脖多少钱",
            "山禾记 每日坚果 25g×30包 ¥129×2 + 卤味坊 麻辣鸭脖 ¥59.90 = ¥317.90（未含满¥300减¥50、",
        ),
        # products of several prices add their lowest in stock, and say so
        (
            "MZ08",
            "22:57",
            "卸妆油+3号防晒+7号洗面奶一起多少",
            "雾屿 清润卸妆油 ¥139起 + 雾屿 轻透防晒霜 SPF50+ ¥149起 + 植萃集 氨基酸洗面奶 ¥59.90起 "
            "= ¥347.90起",
        ),
    ],
)
def test_a_basket_gets_its_sum_from_the_catalog(
    system: PipelineSystem, stage: str, clock: str, text: str, expected: str
) -> None:
    result = ask(system, stage, clock, text)
    assert result.source == "catalog" and result.intent == "price", result
    assert expected in result.text, result.text


def test_a_basket_and_one_of_its_products_never_share_a_reply(system: PipelineSystem) -> None:
    one = ask(system, "FS07", "18:40", "多少钱")
    system.set_stage("FS07", datetime.fromisoformat("2026-11-21T18:40:00+08:00"))
    both = system.ask("v2", "和12号牛仔裤一起买多少钱", datetime.fromisoformat("2026-11-21T18:40:30+08:00"))
    assert "牛仔裤" not in one.text and "= ¥408" in both.text, (one.text, both.text)


def test_two_versions_of_one_product_are_two_items_each_with_its_count() -> None:
    items = read("我想买麻辣味3份、甜辣味2份，再加一份原味牛轧糖，一共多少钱", "SP05")
    assert [(i.product_id, i.quantity) for i in items] == [("SP05", 3), ("SP05", 2), ("SP06", 1)]


def test_a_basket_of_two_versions_of_one_product_is_summed(system: PipelineSystem) -> None:
    result = ask(system, "SP05", "20:50", "我想买麻辣味3份、甜辣味2份，再加一份原味牛轧糖，一共多少钱")
    assert "¥59.90×3" in result.text and "¥59.90×2" in result.text and "= ¥358.50" in result.text, result


def test_a_product_named_bare_then_by_its_versions_is_counted_once(system: PipelineSystem) -> None:
    # 3个 are the versions' 两个 and 一个; the shipping asked after the total is joined to it
    result = ask(
        system,
        "HJ01",
        "20:03",
        "我想秒杀3个保温杯给家里人，奶白两个、雾蓝一个，一共多少钱？寄到乌鲁木齐可以吗？",
    )
    assert "奶白 500ml ¥89×2" in result.text and "= ¥267" in result.text, result.text
    assert "乌鲁木齐（新疆）属于不发货或不包邮地区" in result.text, result.text


def test_a_versions_own_count_is_no_quantity(system: PipelineSystem) -> None:
    result = ask(system, "SP01", "20:32", "坚果30包多少")
    assert "25g×30包 ¥129" in result.text and "¥129×30" not in result.text, result.text


def test_a_size_in_letters_picks_the_version_of_a_basket(system: PipelineSystem) -> None:
    result = ask(system, "FS03", "22:32", "我想买一条12号牛仔裤浅蓝26码，再加一件11号白色T恤M码，一共多少钱")
    assert "浅蓝 26 ¥169" in result.text and "白色 M ¥59" in result.text and "= ¥228" in result.text, result


@pytest.mark.parametrize(
    ("text", "in_view"),
    [
        ("牛仔裤一共有多少个颜色", "FS07"),  # a count asked, no price
        ("开衫和牛仔裤加起来有多少库存", "FS07"),
        ("主播今天一共卖了多少件 开衫和牛仔裤卖爆了吧", "FS07"),
        ("12号两条一共多少钱", "FS07"),  # one product named: the one in view is not added
        ("羽绒服一共多少钱", "FS07"),
        ("充电宝加一根数据线一共多少钱", "SM01"),
    ],
)
def test_a_count_or_one_product_with_a_total_word_is_no_basket(text: str, in_view: str) -> None:
    assert read(text, in_view) == ()


@pytest.mark.parametrize(
    ("text", "in_view", "expected"),
    [
        # a + inside a version's spec is no join of two products
        ("卸妆油200ml+100ml的加一个洗面奶多少钱", "MZ08", [("MZ08", 1), ("MZ07", 1)]),
        # a 加 between two names joins them, and each keeps its count
        ("防晒两支加卸妆油一起多少钱", "MZ03", [("MZ03", 2), ("MZ08", 1)]),
        # 各 gives each its count
        ("白色M、黑色M各两件一共多少钱", "FS02", [("FS02", 2), ("FS02", 2)]),
        # two versions of the one in view joined by 加
        ("白色T恤M码加黑色L一共多少钱", "FS02", [("FS02", 1), ("FS02", 1)]),
    ],
)
def test_the_pieces_of_a_basket_are_cut_where_products_are_joined(
    text: str, in_view: str, expected: list[tuple[str, int]]
) -> None:
    assert [(i.product_id, i.quantity) for i in read(text, in_view)] == expected


def test_a_basket_with_a_version_sold_out_says_so_and_gives_no_sum(system: PipelineSystem) -> None:
    result = ask(system, "HJ01", "20:40", "墨黑加一个中号砧板多少钱")
    assert "墨黑 500ml已售罄" in result.text and "中号 38×26cm ¥89" in result.text, result.text
    assert "=" not in result.text, result.text


@pytest.mark.parametrize(
    ("text", "in_view", "expected"),
    [
        # each version with its own count, no word of a total: what they come to together
        ("白色M两件黑色M一件多少钱", "FS02", [("FS02", 2), ("FS02", 1)]),
        ("白色M两件 黑色M一件多少钱", "FS02", [("FS02", 2), ("FS02", 1)]),
        ("奶白两个雾蓝一个多少钱", "HJ01", [("HJ01", 2), ("HJ01", 1)]),
        ("两件白色M一件黑色M多少钱", "FS02", [("FS02", 2), ("FS02", 1)]),  # each count before its thing
        ("卸妆油两瓶7号洗面奶一支多少钱", "MZ08", [("MZ08", 2), ("MZ07", 1)]),
        ("麻辣味3份、甜辣味2份多少钱", "SP05", [("SP05", 3), ("SP05", 2)]),
        # 各 with a count, no word of a total
        ("白色M和黑色M各一件多少钱", "FS02", [("FS02", 1), ("FS02", 1)]),
    ],
)
def test_versions_each_said_with_its_count_are_a_basket(
    text: str, in_view: str, expected: list[tuple[str, int]]
) -> None:
    assert [(i.product_id, i.quantity) for i in read(text, in_view)] == expected


@pytest.mark.parametrize(
    ("text", "in_view"),
    [
        ("两支多少钱", "MZ07"),  # one count: a quantity of one product
        ("这一个多少钱", "MZ07"),  # "这一个" counts nothing
        ("一个多少钱两个多少钱", "MZ07"),  # counts of no version named: the quantity reply
        ("肤色3条M两件多少钱", "FS05"),  # "3条" is part of the version's name, not a count of it
    ],
)
def test_a_count_in_a_versions_name_or_of_nothing_named_is_no_basket(text: str, in_view: str) -> None:
    assert read(text, in_view) == ()


def test_versions_each_with_its_count_are_summed(system: PipelineSystem) -> None:
    # before: "买2件：白色 M ¥59×2=¥118", the black one left out of what was asked
    result = ask(system, "FS02", "18:50", "白色M两件黑色M一件多少钱")
    assert "白色 M ¥59×2" in result.text and "黑色 M ¥59" in result.text and "= ¥177" in result.text, result


def test_two_products_joined_by_jia_are_a_basket_without_a_word_of_a_total(system: PipelineSystem) -> None:
    # before: "买耳机加充电宝多少钱" got the power bank's price alone
    result = ask(system, "SM01", "18:50", "买耳机加充电宝多少钱")
    assert "声屿 Air3" in result.text and "充电宝" in result.text and "= ¥448" in result.text, result.text


@pytest.mark.parametrize(("text", "in_view"), [("加绒的多少钱", "FS06"), ("加一支多少钱", "MZ07")])
def test_jia_of_one_product_is_no_basket(text: str, in_view: str) -> None:
    assert read(text, in_view) == ()
