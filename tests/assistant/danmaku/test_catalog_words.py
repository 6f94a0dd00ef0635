"""Answers in the catalog's own words, what a question asks for (the answer key), a viewer's own
order, and made-up negatives. Every product and line here is invented."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from assistant.danmaku.answers_product import answer_variant
from assistant.danmaku.catalog_words import asks_about_a_thing, names_aspect, question_terms, quote_answer
from assistant.danmaku.intent import about_own_order, understand
from assistant.danmaku.normalize import normalize
from assistant.danmaku.types import Danmaku, Intent
from assistant.service.settings import Settings
from assistant.service.wiring import build_services
from knowledge.demo import load_demo_catalog
from knowledge.domain import FaqPair, Product, Sku
from knowledge.retrieval.chunks import sentences

EARPHONES = Product(
    "E1",
    "轻语 无线耳机",
    (Sku("E1-1", "黑色", Decimal("199")),),
    description="主动降噪，续航32小时，支持双设备连接",
)
CLEANSER = Product(
    "C1", "清源 洁面乳", (Sku("C1-1", "100g", Decimal("49")),), description="温和清洁，敏感肌可用"
)
FOAM = Product(
    "F1",
    "青禾 洁面慕斯",
    (Sku("F1-1", "150ml", Decimal("69")),),
    description="洗完脸不紧绷。弱酸性配方",
    faq=(FaqPair("男生可以用吗", "男女都能用。"), FaqPair("卸妆吗", "能洗掉淡妆。")),
)
KETTLE = Product(
    "K1",
    "暖壶 电热水壶",
    (Sku("K1-1", "1.5L", Decimal("89")),),
    attributes={"材质": "304不锈钢内胆"},
    faq=(FaqPair("能烧牛奶吗", "不建议，只适合烧水。"),),
)
JEANS = Product("J1", "简 牛仔裤", (Sku("J1-1", "27", Decimal("169")),), description="水洗做旧工艺，颜色耐看")
PAN = Product(
    "P1",
    "铁匠 不粘煎锅",
    (Sku("P1-1", "28cm 带盖", Decimal("129")),),
    description="煎蛋不粘锅，少油更清爽",
    attributes={"涂层": "陶瓷涂层，不含特氟龙"},
)


def quoted(product: Product, text: str) -> str | None:
    return quote_answer(product, normalize(text))


@pytest.mark.parametrize(
    ("product", "text", "sentence"),
    [
        (EARPHONES, "续航多久", "续航32小时"),
        (EARPHONES, "能用多久", "续航32小时"),
        (EARPHONES, "能连两个手机吗", "支持双设备连接"),
        (EARPHONES, "降噪效果怎么样", "主动降噪"),
        (CLEANSER, "敏感肌能用吗", "敏感肌可用"),
        (KETTLE, "内胆是什么不锈钢", "材质：304不锈钢内胆"),
        # the words of a cleanser's facts, asked in other words
        (CLEANSER, "洗得干净吗", "温和清洁"),
        (FOAM, "用后会紧绷吗", "洗完脸不紧绷"),  # "after use", said another way
        (FOAM, "需要另外卸妆吗", "能洗掉淡妆"),
        (FOAM, "能卸淡妆吗", "能洗掉淡妆"),
        (FOAM, "有什么成分", "弱酸性配方"),
        (FOAM, "男士能用吗", "男女都能用"),
        # 有 of "有X吗", where ("里面"), an A-not-A question: what is asked about is X, A
        (KETTLE, "里面有不锈钢吗", "材质：304不锈钢内胆"),
        (PAN, "煎蛋粘不粘", "煎蛋不粘锅"),
        (PAN, "涂层里有特氟龙吗", "涂层：不含特氟龙"),
        (JEANS, "是水洗的吗", "水洗做旧工艺"),  # the finish asked about
    ],
)
def test_a_question_the_catalog_text_answers_is_quoted(product: Product, text: str, sentence: str) -> None:
    answer = quoted(product, text)
    assert answer == f"{product.name}：{sentence}"


@pytest.mark.parametrize(
    ("product", "text"),
    [
        (EARPHONES, "防水吗"),  # nothing says: no answer rather than a guess
        (EARPHONES, "什么颜色"),
        (EARPHONES, "多少钱"),
        (EARPHONES, "主播用的什么耳机"),  # about the host
        (CLEANSER, "油皮能用吗"),  # the text speaks of sensitive skin only
        (CLEANSER, "孕妇能用吗"),
        (CLEANSER, "能用吗"),  # nothing topical asked
        (KETTLE, "能带上飞机吗"),
        (FOAM, "会长痘吗"),  # nothing says
        (PAN, "带盖吗"),  # the versions are the variant template's to say, never a quote of a SKU
        (PAN, "重不重"),  # nothing says
        (JEANS, "能机洗吗"),  # a washed finish is no washing instruction
    ],
)
def test_no_quote_without_a_sentence_that_answers(product: Product, text: str) -> None:
    assert quoted(product, text) is None


def test_a_quote_is_the_operators_sentence_and_never_another_products() -> None:
    answer = quoted(EARPHONES, "续航多久")
    assert answer is not None and "32" in answer and "洁面" not in answer
    assert quoted(CLEANSER, "续航多久") is None


def test_aspects_are_not_product_names() -> None:
    assert names_aspect("续航") and names_aspect("保质期") and names_aspect("连两个手机")
    assert names_aspect("效期", "有效期多久")  # the span left once 有 is read as a filler
    assert not names_aspect("月饼") and not names_aspect("手机") and not names_aspect("羽毛球拍")


def test_question_terms_tell_apart_what_is_asked_and_join_paraphrases() -> None:
    assert question_terms(normalize("有带吸管的吗")) != question_terms(normalize("有烂的吗"))
    assert question_terms(normalize("续航多久")) == question_terms(normalize("能用多久"))
    assert question_terms(normalize("敏感肌能用吗")) != question_terms(normalize("孕妇能用吗"))


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("上个月20号买的怎么还没到", True),
        ("我昨天拍的怎么还没发", True),
        ("能退我20块吗", True),
        ("我要求给我保价", True),
        ("订单显示签收了但我没收到", True),
        ("收到的瓶子是漏的", True),
        ("我的快递到哪了", True),
        ("我的皮肤适合吗", False),
        ("我买两支多少钱", False),
        ("买了降价能退差价吗", False),
        ("敏感肌能用吗", False),
        # an order just placed, the line going on to its parcel; not how long after ordering
        ("拍了三天了什么时候发", True),
        ("付款了什么时候发货", True),
        ("拍了 几天到", True),
        ("拍了多久发", False),
        ("下单了几天能到", False),
        ("买了能换码吗", False),  # a condition
        ("拍了不合适可以退吗", False),
        ("拍了吗", False),
        # whether it was sent, asked with 没; not sent yet; the viewer's own without a noun
        ("发货没", True),
        ("怎么还不发货啊", True),
        ("还不到一百块", False),
        ("我的几天能到", True),
        ("啥时候发我的", True),
        # a price difference demanded or chased, a price paid too high; the policy asked stays
        ("退差价", True),
        ("主播退一下差价", True),
        ("差价什么时候退", True),
        ("差价退了吗", True),
        ("我要保价", True),
        ("我买贵了能退差价吗", True),
        ("能退差价吗", False),
        ("降价了会退差价吗", False),
        # a coupon of theirs not taken off; a parcel refused
        ("领了券怎么没减", True),
        ("我的券怎么用不了", True),
        ("优惠券怎么用", False),
        ("拒收运费谁出", True),
    ],
)
def test_about_own_order(text: str, own: bool) -> None:
    assert about_own_order(normalize(text)) is own


@pytest.mark.parametrize("text", ["多少票能上榜", "多少粉丝了", "多少票", "主播多少平的房子"])
def test_a_bare_duoshao_before_a_noun_is_not_a_price_question(text: str) -> None:
    assert understand(text).intent is not Intent.PRICE


@pytest.mark.parametrize("text", ["这个多少", "多少？", "这个卖多少啦", "多少呀"])
def test_a_bare_duoshao_closing_the_question_is_the_price(text: str) -> None:
    assert understand(text).intent is Intent.PRICE


def test_no_made_up_negative_for_a_variant_no_spec_speaks_of() -> None:
    cup = Product("P", "保温杯", (Sku("P-1", "黑色", Decimal("59")), Sku("P-2", "白色", Decimal("59"))))
    assert answer_variant(cup, None, "带吸管") is None  # neither "没有" nor the colours: not asked
    assert "有黑色" in (answer_variant(cup, "黑色") or "")
    assert "暂时没有红色" in answer_variant(cup, "红色")  # colours are what the specs name: a fact


T0 = datetime.fromisoformat("2026-11-21T18:00:00+08:00")


def test_two_questions_of_one_intent_never_share_a_reply_and_paraphrases_do() -> None:
    services = build_services(Settings(store="memory", embeddings="none", demo=False), clock=lambda: T0)
    try:
        catalog = load_demo_catalog()
        services.catalogs.load_catalog(catalog)
        live = services.live
        live.create("key", catalog.catalog_id, "answer key")
        live.set_stage("key", "MZ07", T0)

        def ask(n: int, text: str) -> tuple[str, bool, str]:
            at = T0 + timedelta(seconds=60 + 30 * n)  # past the join window, within the cache age
            reply = live.handle_danmaku("key", [Danmaku(f"m{n}", f"v{n}", text, at)]).replies[0]
            return reply.text, reply.cached, reply.intent

        _, straw_cached, straw_intent = ask(0, "有带吸管的吗")
        other, other_cached, other_intent = ask(1, "有烂的吗")
        price, _, _ = ask(2, "多少钱")
        again, again_cached, _ = ask(3, "这个什么价")
    finally:
        services.close()
    assert straw_intent == other_intent == "variant"
    assert not straw_cached and not other_cached  # one intent, two questions: two answers
    assert "带吸管" not in other
    assert again_cached and again == price  # the same question in other words: one answer


def test_catalog_sentences_are_the_clauses_of_the_shared_splitter() -> None:
    """One sentence splitter (``knowledge.retrieval.chunks.sentences``): its clauses, without their
    marks, are what the answerer quotes; kept whole, they give the text back."""
    text = "主动降噪，续航32小时！？ 支持双设备连接。防水"
    assert sentences(text, clauses=True, keep_marks=False) == [
        "主动降噪",
        "续航32小时",
        "支持双设备连接",
        "防水",
    ]
    assert "".join(sentences(text)) == text
    assert sentences(text) == ["主动降噪，续航32小时！", "？", " 支持双设备连接。", "防水"]
    assert sentences("甲。\n乙") == ["甲。", "乙"]  # a piece of only whitespace is left out


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("转接头能用吗", True),  # a thing, not who: the skin-type answer does not answer it
        ("夏天能用吗", True),
        ("这个能用吗", False),
        ("敏感肌能用吗", False),
        ("孕妇可以用吗", False),
        ("男生能用吗", False),
        ("12岁能用吗", False),
        ("适合什么肤质", False),
    ],
)
def test_a_suitability_question_about_a_thing_is_not_about_who(text: str, thing: bool) -> None:
    product = load_demo_catalog().product("MZ07")
    assert product is not None
    assert asks_about_a_thing(normalize(text), product) is thing


def test_a_suitability_question_about_a_thing_gets_no_skin_type_answer() -> None:
    services = build_services(Settings(store="memory", embeddings="none", demo=False))
    try:
        catalog = load_demo_catalog()
        services.catalogs.load_catalog(catalog)
        services.live.create("r", catalog.catalog_id, "t")
        at = datetime(2026, 11, 21, 20, 0).astimezone()
        services.live.set_stage("r", "MZ07", at)
        asked = [
            Danmaku(f"m{i}", f"v{i}", text, at + timedelta(seconds=20 * (i + 1)))
            for i, text in enumerate(("敏感肌能用吗", "用普通的洗脸巾能用吗"))
        ]
        who, thing = (services.live.handle_danmaku("r", [m]).replies for m in asked)
        assert "敏感肌" in who[0].text  # about who: the catalog's answer
        assert all("肤质" not in r.text and r.source != "catalog" for r in thing), thing
    finally:
        services.close()


def test_a_numeral_after_digits_stays_apart() -> None:
    # "栗色37两双" was "栗色372双": 372 pairs priced
    assert "372" not in normalize("栗色37两双多少钱")
