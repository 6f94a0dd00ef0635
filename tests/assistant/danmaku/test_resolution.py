"""Product resolution, follow-ups, clarification replies and attribute answers on the demo catalog."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from assistant.danmaku.attributes import attribute_answer
from assistant.danmaku.clarify import answer_to_pending
from assistant.danmaku.dialogue import ClarifyOption, PendingClarification, ViewerDialogue
from assistant.danmaku.followup import carry_over_intent, continues_dialogue
from assistant.danmaku.intent import as_question, understand, version_asked
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.resolve import resolve_product, skus_holding, stage_claims
from assistant.danmaku.types import Intent
from assistant.rooms import Room
from knowledge.demo import load_demo_catalog
from knowledge.domain import Catalog

TZ = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 21, 20, 5, tzinfo=TZ)
CATALOG = load_demo_catalog()
MATCHER = ProductMatcher(CATALOG)


def resolve(
    text: str, stage: str | None = None, previous: str | None = None, catalog: Catalog = CATALOG
) -> tuple[str | None, str]:
    room = Room("r", "demo", "", T - timedelta(hours=1))
    if stage:
        room = room.with_stage(stage, T - timedelta(minutes=1))
    dialogue = ViewerDialogue(previous, None, Intent.PRICE, T - timedelta(seconds=5)) if previous else None
    u = understand(text)
    r = resolve_product(
        text=u.normalized,
        reference=None,
        slots=u.slots,
        catalog=catalog,
        matcher=MATCHER if catalog is CATALOG else ProductMatcher(catalog),
        room=room,
        at=T,
        dialogue=dialogue,
        intent=u.intent,
    )
    return r.product_id, r.how


@pytest.mark.parametrize(
    ("text", "product"),
    [("保温悲多少钱", "HJ01"), ("耳几多少钱", "SM01"), ("面摸多少钱", "MZ09"), ("牛扎糖多少钱", "SP06")],
)
def test_homophone_typos_find_the_product_when_nothing_else_does(text: str, product: str) -> None:
    assert resolve(text) == (product, "name")


def test_sound_alike_is_not_used_over_the_stage_product() -> None:
    assert resolve("耳几多少钱", stage="HJ01") == ("HJ01", "stage")


def test_a_name_word_counts_only_as_a_whole_noun() -> None:
    heater = MATCHER.match("暖风机多少钱").exact
    assert heater and MATCHER.match("风机多少钱").partial == heater
    assert MATCHER.match("吹风机多少钱").partial == ()  # a word of the dictionary holds 风机
    assert MATCHER.match("这个风机多少钱").partial == heater  # a demonstrative before it
    assert MATCHER.match("风机链接在哪").partial == heater


def test_one_character_alias_counts_only_at_the_start() -> None:
    assert resolve("锅什么价") == ("HJ07", "name")
    assert MATCHER.match("火锅底料有吗").exact == ()


def test_the_stage_product_claims_words_of_its_own_specs_and_faq() -> None:
    assert resolve("面包款还有吗", stage="HJ06") == ("HJ06", "stage")  # a pillow shape, not bread
    assert resolve("需要卸妆吗", stage="MZ03") == ("MZ03", "stage")  # its FAQ talks about removal
    assert resolve("卸妆油多少钱", stage="MZ03") == ("MZ08", "name")  # buying questions name what they buy
    stage = CATALOG.product("MZ03")
    assert stage is not None and not stage_claims(stage, "", Intent.USAGE)


def test_follow_up_fragments_keep_the_previous_intent_with_the_variant() -> None:
    dialogue = ViewerDialogue("HJ02", None, Intent.PRICE, T)
    follow = carry_over_intent(understand("6斤的呢"), dialogue)
    assert (
        follow.intent is Intent.PRICE
        and follow.slots.variant_hint == "6斤"
        and follow.slots.weight_kg is None
    )
    colour = carry_over_intent(understand("那黑色的呢"), dialogue)
    assert colour.intent is Intent.PRICE and colour.slots.color == "黑色"
    assert carry_over_intent(understand("6斤的呢"), None).intent is Intent.SIZE  # nothing to follow


def test_a_follow_up_carries_what_the_viewer_told_of_themselves() -> None:
    told = understand("孕妇能用吗").slots.about_viewer()
    dialogue = ViewerDialogue("MZ01", None, Intent.SUITABILITY, T, viewer=told)
    this_one = carry_over_intent(understand("这个呢"), dialogue)
    assert this_one.intent is Intent.SUITABILITY and this_one.slots.age == "孕妇"
    assert this_one.slots.variant_hint is None  # "这个" points at the product, names no version
    sized = ViewerDialogue(
        "FS02", None, Intent.SIZE, T, viewer=understand("175 70kg穿什么码").slots.about_viewer()
    )
    colour = carry_over_intent(
        as_question(understand("那白色L")), sized
    )  # after size advice: is that version there
    assert colour.intent is Intent.STOCK and colour.slots.color == "白色" and colour.slots.size == "L"
    assert understand("黑色L 165").slots.about_viewer().color is None  # a version is not about the viewer
    returns = ViewerDialogue("FS05", None, Intent.AFTER_SALES, T)
    version = carry_over_intent(as_question(understand("混色L呢")), returns)
    assert version.intent is Intent.STOCK  # a return question's answer is the same for every version
    priced = ViewerDialogue("FS01", None, Intent.PRICE, T)
    assert carry_over_intent(as_question(understand("那黑色的呢")), priced).intent is Intent.PRICE
    colours = ViewerDialogue("SM06", None, Intent.VARIANT, T)
    own = carry_over_intent(understand("刚刚那个音箱续航多久"), colours)
    assert own.intent is Intent.OTHER  # a question of its own, not the colours again


@pytest.mark.parametrize(
    ("last", "stage", "text", "continues"),
    [
        ("SM05", "SM05", "茶轴呢", True),  # a version of the product in view
        ("HJ01", "HJ01", "那甘肃呢", True),  # a region after a shipping question
        ("MZ01", "MZ02", "这个呢", True),  # the host moved on: the same question of the new product
        ("MZ01", "MZ01", "这个呢", False),  # nothing new to ask it of
        ("FS07", "FS07", "还是换L吧", True),
        ("FS07", "FS07", "算了要黑色的", True),
        ("FS06", "FS06", "65公斤", True),  # the body after size advice
        ("FS07", "FS07", "黑色好看", False),  # an opinion with a detail in it
        ("FS07", "FS07", "哈哈哈哈哈哈主播太逗了吧", False),
        ("FS07", "FS07", "人呢", False),  # chat, not a detail
        ("FS07", "FS07", "真好看呢", False),
        ("FS07", "FS07", "然后呢", False),
        ("FS07", "FS07", "广东", False),  # a region after a question it does not change
        ("FS07", "FS07", "我是四川的", False),
    ],
)
def test_which_lines_continue_the_viewers_last_question(
    last: str, stage: str, text: str, continues: bool
) -> None:
    intents = {"SM05": Intent.STOCK, "HJ01": Intent.SHIPPING, "MZ01": Intent.SUITABILITY, "FS06": Intent.SIZE}
    dialogue = ViewerDialogue(last, None, intents.get(last, Intent.STOCK), T)
    in_view = tuple(p for p in (CATALOG.product(stage), CATALOG.product(last)) if p is not None)
    later = T + timedelta(seconds=30)
    assert continues_dialogue(understand(text), dialogue, later, in_view) is continues
    assert not continues_dialogue(understand(text), None, later, in_view)  # nothing asked before
    assert not continues_dialogue(understand(text), replace(dialogue, intent=None), later, in_view)
    # minutes later a bare detail is chat or an answer to the host, not a follow-up
    assert not continues_dialogue(understand(text), dialogue, T + timedelta(seconds=300), in_view)


def test_the_product_before_is_the_one_presented_before_this_one() -> None:
    room = Room("r", "demo", "", T - timedelta(hours=1))
    room = room.with_stage("MZ01", T - timedelta(minutes=10)).with_stage("MZ02", T - timedelta(minutes=2))
    assert room.stage_before(T) == "MZ01"
    assert room.stage_before(T - timedelta(minutes=5)) is None  # MZ01 is on stage then
    room = room.with_stage(None, T - timedelta(minutes=1)).with_stage("MZ02", T)
    assert room.stage_before(T) == "MZ01"  # a pause and the same product again are not "before"
    u = understand("上一个链接还有货吗")
    resolved = resolve_product(
        text=u.normalized, reference=None, slots=u.slots, catalog=CATALOG, matcher=MATCHER,
        room=room, at=T, dialogue=None, intent=u.intent,
    )  # fmt: skip
    assert (resolved.product_id, resolved.how) == ("MZ01", "previous")
    u = understand("上个月买的还没到")
    resolved = resolve_product(
        text=u.normalized, reference=None, slots=u.slots, catalog=CATALOG, matcher=MATCHER,
        room=room, at=T, dialogue=None, intent=u.intent,
    )  # fmt: skip
    assert resolved.product_id != "MZ01"  # last month is no product before


def test_a_version_asked_for_is_the_thing_before_or_after_you_have() -> None:
    assert [version_asked(understand(t).normalized) for t in ("60包的有吗", "有钢带的吗", "青轴还有吗")] == [
        "60包",
        "钢带",
        "青轴",
    ]
    assert version_asked(understand("这个有吗").normalized) == ""
    nuts = CATALOG.product("SP01")
    candle = CATALOG.product("HJ09")
    assert nuts is not None and candle is not None
    assert [s.spec for s in skus_holding(nuts, "60包")] == ["25g×60包"]
    assert [s.spec for s in skus_holding(candle, "白茶味")] == ["白茶 200g"]  # 味 of a scent sold by name
    assert skus_holding(nuts, "牛奶") == []


def test_clarification_replies_pick_by_skin_words_and_name_pieces() -> None:
    skin = PendingClarification(
        Intent.SUITABILITY,
        understand("这款适合我吗").slots,
        (
            ClarifyOption(("油皮", "控油"), "MZ04", "MZ04-01"),
            ClarifyOption(("干皮", "保湿"), "MZ04", "MZ04-02"),
        ),
        T,
        "这款适合我吗",
    )
    picked = answer_to_pending(understand("干性皮肤"), skin, CATALOG)
    assert picked is not None and picked.understanding.slots.skin_type == "干皮"
    brand = PendingClarification(
        Intent.PRICE,
        understand("澜序多少钱").slots,
        (
            ClarifyOption(("澜序 修护精华液", "小黑瓶"), "MZ01"),
            ClarifyOption(("澜序 玻色因紧致面霜", "紫罐"), "MZ02"),
        ),
        T,
        "澜序多少钱",
    )
    chosen = answer_to_pending(understand("精华"), brand, CATALOG)
    assert chosen is not None and chosen.resolution.product_id == "MZ01"
    assert chosen.understanding.intent is Intent.PRICE
    assert answer_to_pending(understand("哈哈哈"), brand, CATALOG) is None
    assert answer_to_pending(understand("是的"), brand, CATALOG) is None  # yes to which of two?
    sounded = understand("保温悲多少钱")
    cup = (ClarifyOption(("保温杯",), "HJ01"),)
    one = PendingClarification(Intent.PRICE, sounded.slots, cup, T, sounded.normalized)
    for yes in ("是的", "对", "嗯嗯", "是的呢"):
        picked = answer_to_pending(understand(yes), one, CATALOG)
        assert picked is not None and picked.resolution.product_id == "HJ01", yes
    assert answer_to_pending(understand("不是"), one, CATALOG) is None


def test_attribute_answers_quote_the_catalog_and_skip_host_questions() -> None:
    duck = CATALOG.product("SP05")
    cup = CATALOG.product("HJ01")
    assert duck is not None and cup is not None
    assert f"产地：{duck.attributes['产地']}" in (attribute_answer(duck, "哪里产的") or "")
    assert duck.brand in (attribute_answer(duck, "什么牌子") or "")
    assert attribute_answer(duck, "主播穿的什么牌子") is None
    assert attribute_answer(cup, "保温杯能刻字吗") is None  # 保温 is only in its name here
    assert cup.attributes["保温"] in (attribute_answer(cup, "保温多久") or "")


LINK_3 = next(p.product_id for p in CATALOG.products if p.link_no == 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99号链接多少钱", (None, "unknown_link")),  # said as a link: there is no link 99
        ("链接99多少钱", (None, "unknown_link")),
        ("99号那天有活动吗", ("MZ07", "stage")),  # a date, never link 99
        ("60号有活动吗", ("MZ07", "stage")),  # a bare number no link has: a date, not a missing link
        ("3号多少钱", (LINK_3, "link")),  # a bare number the cart has is still its link
    ],
)
def test_a_bare_number_that_names_no_link_is_not_a_missing_link(
    text: str, expected: tuple[str | None, str]
) -> None:
    assert resolve(text, stage="MZ07") == expected


@pytest.mark.parametrize(
    ("text", "stage", "expected"),
    [
        ("苹果耳机多少钱", "SM01", (None, "not_sold")),  # another maker's earphones, not the Air3
        ("airpods pro多少钱", "SM01", (None, "not_sold")),
        ("膳魔师的保温杯有没有", "HJ01", (None, "not_sold")),
        ("华为手表有没有", "SM04", (None, "not_sold")),
        ("蒙牛的牛奶多少钱", "SP08", (None, "not_sold")),
        # the brand as what the product works with, is compared with, or is: the product asked
        ("苹果手机能用吗", "SM03", ("SM03", "stage")),
        ("能连华为手机吗", "SM04", ("SM04", "stage")),
        ("和兰蔻的比呢", "MZ07", ("MZ07", "stage")),
        ("这个是苹果的吗", "SM01", ("SM01", "stage")),
        ("我平时用兰蔻的水 洗面奶多少钱", "MZ07", ("MZ07", "name")),  # the viewer's own things
        ("华为充电宝多少钱", "SM02", (None, "not_sold")),  # 充电宝 is goods, not charging something
    ],
)
def test_another_makers_brand_names_goods_the_room_does_not_sell(
    text: str, stage: str, expected: tuple[str | None, str]
) -> None:
    assert resolve(text, stage=stage) == expected


def test_a_brand_the_catalog_carries_is_the_rooms_own() -> None:
    carrying = replace(
        CATALOG,
        version=CATALOG.version + 1,
        products=tuple(replace(p, brand="华为") if p.product_id == "SM01" else p for p in CATALOG.products),
    )
    assert resolve("华为耳机多少钱", stage="SM01", catalog=carrying)[0] == "SM01"
    assert resolve("华为耳机多少钱", stage="SM01") == (None, "not_sold")  # the demo's Air3 is no 华为
