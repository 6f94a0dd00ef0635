"""The understanding model: loading its weights, its abstention, and its decisions in the pipeline.

Every line here is invented for the tests. The hand-built models (zero weights, chosen biases)
pin the decision rules exactly; the shipped model is checked on lines of the failure classes it was
trained for (chat that looks like a price question, order problems with dates, 能否/是否 requests,
products the room does not sell).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from assistant.danmaku.intent import extract_product_reference, goods_head, names_another_day, understand
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.resolve import Resolution, names_unknown_product, resolve_product
from assistant.danmaku.slot_rules import extract_slots
from assistant.danmaku.types import Intent, Triage
from assistant.danmaku.understanding import (
    INTENTS,
    QUIET_RATIO,
    ROUTES,
    WEIGHTS_PATH,
    Decision,
    UnderstandingModel,
    UnderstandingModelError,
    features,
    silences,
    stays_quiet,
    takes_up,
)
from assistant.rooms import Room
from evals.answers.system import START, PipelineSystem
from knowledge.demo import load_demo_catalog

DIM = 64


def biased_model(
    route_logits: tuple[float, float, float], intent: Intent, intent_logit: float
) -> UnderstandingModel:
    """A model whose features do nothing: its probabilities are the softmax of the biases."""
    intent_b = np.zeros(len(INTENTS))
    intent_b[INTENTS.index(intent)] = intent_logit
    return UnderstandingModel(
        np.zeros((DIM, 3)), np.array(route_logits), np.zeros((DIM, len(INTENTS))), intent_b
    )


def _decide(model: UnderstandingModel, text: str):  # type: ignore[no-untyped-def]
    u = understand(text)
    ref = extract_product_reference(u.normalized)
    return model.decide(u, ref.kind if ref else None)


def test_a_sure_answer_is_answered_with_the_models_intent() -> None:
    decision = _decide(biased_model((4.0, 0.0, 0.0), Intent.PRICE, 6.0), "这个怎么卖")
    assert decision.route == "answer"
    assert decision.p_answer > 0.9
    assert decision.intent is Intent.PRICE


def test_below_the_answer_threshold_it_abstains_to_a_person_or_silence() -> None:
    # P = (0.05, 0.93, 0.02): a person's job
    handoff = _decide(biased_model((0.0, 3.0, -1.0), Intent.PRICE, 0.0), "这个怎么卖")
    assert handoff.route == "handoff"
    # P = (0.25, 0.09, 0.67): silence is likeliest
    silent = _decide(biased_model((0.0, -1.0, 1.0), Intent.PRICE, 0.0), "这个怎么卖")
    assert silent.route == "silent" and silences(silent)
    # P = (0.44, 0.40, 0.16): unsure; only a grounded source may answer, never a template
    unsure = _decide(biased_model((1.0, 0.9, 0.0), Intent.PRICE, 0.0), "这个怎么卖")
    assert unsure.route == "open" and not silences(unsure)


def test_an_unsure_structured_question_is_never_answered_from_a_template() -> None:
    """Route "open" with a structured intent (price) hands off; with an open wording the product's
    own FAQ may still answer."""
    unsure = biased_model((1.0, 0.9, 0.0), Intent.PRICE, 0.0)
    system = PipelineSystem(understanding=unsure)
    system.reset()
    system.set_stage("MZ07", START)
    price = system.ask("v1", "这个多少钱", START + timedelta(seconds=60))
    assert price.replied and price.source == "handoff"
    faq = system.ask("v2", "能卸妆吗", START + timedelta(seconds=75))  # MZ07's FAQ holds it
    assert faq.replied and faq.source == "faq"


def test_an_unsure_intent_leaves_the_rule_intent_alone() -> None:
    decision = _decide(biased_model((4.0, 0.0, 0.0), Intent.STOCK, 0.5), "这个怎么卖")
    assert decision.intent is None  # one class at 0.5 logit out of 14 is far below 0.75


def test_chatter_and_steering_are_taken_up_only_when_sure() -> None:
    sure_request = _decide(biased_model((0.0, 5.0, 0.0), Intent.OTHER, 0.0), "哈哈")
    unsure = _decide(biased_model((0.0, 1.0, 0.5), Intent.OTHER, 0.0), "哈哈")
    assert takes_up(sure_request, Triage.CHATTER)
    assert takes_up(sure_request, Triage.STEERING)
    assert not takes_up(unsure, Triage.CHATTER)
    assert not takes_up(sure_request, Triage.ABUSE)
    assert not takes_up(sure_request, Triage.SPAM)


def test_features_fold_digits_and_carry_the_rule_reading() -> None:
    names = features(understand("3号链接多少钱"), "link")
    assert "g:0号链" in names
    assert "t:question" in names and "i:price" in names and "r:link" in names and "s:link_no" in names


def test_weights_round_trip_and_bad_files_fail_clearly(tmp_path: Path) -> None:
    model = biased_model((1.0, 2.0, 3.0), Intent.USAGE, 2.0)
    path = tmp_path / "m.npz"
    model.save(path)
    again = UnderstandingModel.load(path)
    u = understand("怎么用")
    assert np.allclose(model.probabilities(u)[0], again.probabilities(u)[0], atol=1e-3)
    with pytest.raises(UnderstandingModelError, match="train_understanding"):
        UnderstandingModel.load(tmp_path / "absent.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(UnderstandingModelError, match="not an understanding weights file"):
        UnderstandingModel.load(tmp_path / "junk.npz")
    with pytest.raises(UnderstandingModelError, match="route weights"):
        UnderstandingModel(
            np.zeros((DIM, 2)), np.zeros(2), np.zeros((DIM, len(INTENTS))), np.zeros(len(INTENTS))
        )


def test_the_shipped_weights_load_and_are_small() -> None:
    model = UnderstandingModel.load()
    assert model.dim >= 1 << 12
    assert WEIGHTS_PATH.stat().st_size < 2_000_000
    assert len(ROUTES) == 3


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("主播多少粉丝了", "silent"),
        ("主播唱首歌吧", "silent"),
        ("晚上好呀", "silent"),
        ("上个月20号买的怎么还没到", "handoff"),
        ("能否开发票", "handoff"),
        ("我要退货", "handoff"),
        ("有卖羽毛球拍吗", "handoff"),
        ("我买过一次 真的很好用", "silent"),  # a past purchase told as praise: no page
        ("这个多少钱", "answer"),
        ("是否包邮", "answer"),
        ("敏感肌能用吗", "answer"),
    ],
)
def test_the_shipped_model_routes_the_failure_classes(text: str, route: str) -> None:
    assert _decide(UnderstandingModel.load(), text).route == route


def test_dates_quantities_and_ordinals_are_not_link_numbers() -> None:
    for text in (
        "上个月20号买的怎么还没到",
        "我12号下的单",
        "5号会发货吗",
        "8号那天签收的",
        "买3个多少钱",
        "15号的活动还有吗",  # a date's sale
        "12号还是这个价吗",  # a date's price
    ):
        assert extract_slots(understand(text).normalized).link_no is None, text
    for text in ("15号的活动还有吗", "12号还是这个价吗", "哪天买有优惠"):  # and not today's facts either
        assert names_another_day(understand(text).normalized), text
    for text, link in (
        ("3号多少钱", 3),
        ("2号链接", 2),
        ("第4个链接", 4),
        ("3号还有吗", 3),
        ("2号有优惠吗", 2),
        ("3号价格多少", 3),
    ):
        assert extract_slots(understand(text).normalized).link_no == link, text


def _resolve_with_stage(text: str, stage: str) -> Resolution:
    """Which product the demo catalog's room, with ``stage`` on stage, takes ``text`` to mean."""
    catalog = load_demo_catalog()
    at = datetime(2026, 11, 21, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    room = Room("r", catalog.catalog_id, "", at - timedelta(hours=1)).with_stage(
        stage, at - timedelta(minutes=1)
    )
    u = understand(text)
    ref = extract_product_reference(u.normalized)
    return resolve_product(
        text=u.normalized,
        reference=ref.kind if ref else None,
        slots=u.slots,
        catalog=catalog,
        matcher=ProductMatcher(catalog),
        room=room,
        at=at,
        dialogue=None,
        intent=u.intent,
        name_span=ref.text if ref else "",
        goods_head=goods_head(u.normalized),
    )


def test_a_product_the_catalog_does_not_know_is_not_the_stage_product() -> None:
    catalog = load_demo_catalog()
    assert names_unknown_product("月饼", catalog)
    assert not names_unknown_product("洗面奶", catalog)  # MZ07 is one
    assert not names_unknown_product("效果", catalog)  # an aspect, not a product
    assert not names_unknown_product("上个月", catalog)
    assert not names_unknown_product("如果", catalog, "要是m码也不合适,还能换吗?")  # a conjunction
    ref = extract_product_reference(understand("这个月饼多少钱").normalized)
    assert ref is not None and ref.text == "月饼"
    resolution = _resolve_with_stage("这个月饼多少钱", "MZ07")
    assert resolution.product_id is None and resolution.how == "not_sold"


def test_a_thing_only_another_products_words_mention_is_not_the_stage_product() -> None:
    """The demo charger's description says it charges a 笔记本; the room sells no 笔记本, so with the
    cleanser on stage a buying question about one is no question about the cleanser."""
    catalog = load_demo_catalog()
    assert not names_unknown_product("笔记本", catalog)  # the charger's description holds it
    assert names_unknown_product("笔记本", catalog, within="MZ07")
    assert not names_unknown_product("两年", catalog, within="MZ07")  # a span of time
    for text in ("笔记本多少钱", "请问笔记本有货吗"):
        assert _resolve_with_stage(text, "MZ07").how == "not_sold", text
    assert _resolve_with_stage("洗面奶多少钱", "MZ07").product_id == "MZ07"
    assert _resolve_with_stage("两年保修吗", "MZ07").product_id == "MZ07"
    # goods whose names hold a character of doing or a concept word, or stand after 你们的
    for text in ("洗发水多少钱", "发膜多少钱", "保温壶多少钱", "请问你们的化妆包多少钱", "拖鞋有没有"):
        assert _resolve_with_stage(text, "MZ07").how == "not_sold", text
    for text in ("发货快吗", "先用什么", "黑色有没有"):  # no goods named: the cleanser
        assert _resolve_with_stage(text, "MZ07").product_id == "MZ07", text
    # a name word inside another noun: 吹风机 is no 暖风机
    assert _resolve_with_stage("吹风机多少钱", "MZ07").how == "not_sold"
    heater = _resolve_with_stage("暖风机多少钱", "MZ07")
    assert heater.how == "name" and heater.product_id != "MZ07"
    # a name typed by sound, while another product is on stage: asked, never the stage product
    for text in ("保温悲多少钱", "蓝牙音响多少钱"):
        sounded = _resolve_with_stage(text, "MZ07")
        assert sounded.how == "choice" and len(sounded.candidates) == 1, text
    # ordinary words, packs, the viewer's device and praise of the host are no names of goods
    for text in (
        "便携装多少钱",  # the cleanser's own size
        "东北包邮吗",  # sounds like 冬被, but a word
        "超过七天还能退吗",
        "套装多少钱",
        "手机怎么下单",
        "用手机怎么领券",
        "主播真棒 这个多少钱",
        "主播皮肤好好 这个多少钱",
        "保湿补水多少钱",  # a property ending in 水, not goods
        "一对多少钱",
    ):
        assert _resolve_with_stage(text, "MZ07").product_id == "MZ07", text
    tablet = _resolve_with_stage("学生平板多少钱", "MZ07")  # 生平板 is no word: the tablet
    assert tablet.how == "name" and tablet.product_id != "MZ07"
    charger = _resolve_with_stage("充电器能充笔记本吗", "MZ07")  # the charger, named
    assert charger.how == "name" and charger.product_id != "MZ07"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("手机多少钱", "MZ07"),
        ("手机能保价吗", "MZ07"),
        ("手机多少钱", "SM01"),  # the earphones connect to a 手机, which they are not
        ("iphone多少钱", "SM09"),  # the power bank works with an iPhone
        ("电磁炉多少钱", "HJ07"),  # the wok: "燃气灶、电磁炉通用"
        ("燃气灶有货吗", "HJ07"),
        ("笔记本多少钱", "SM03"),  # the charger charges one
        ("洗衣机多少钱", "HJ04"),  # the laundry pods go into one
        ("乳液多少钱", "MZ02"),  # a lotion, which a face cream is not
    ],
)
def test_a_thing_the_product_on_stage_works_with_is_not_it(text: str, stage: str) -> None:
    """A buying question's goods are what the product presented is called (its names, brand,
    category, specs), never what its description, attributes or FAQ mention it working with. The
    viewer's phone is still what they order with ("用手机怎么领券")."""
    assert _resolve_with_stage(text, stage).how == "not_sold", text
    assert _resolve_with_stage("用手机怎么领券", stage).product_id == stage
    assert _resolve_with_stage("平板多少钱", "SM08").product_id == "SM08"  # the tablet is one
    for line, presented in (
        *(("不粘锅多少钱", "HJ07"), ("炒锅有货吗", "HJ07"), ("氮化镓多少钱", "SM03")),  # what they are called
        # goods of its kind by another word: the noun they end in is the product's own, or its kind's
        *(("乳霜多少钱", "MZ02"), ("铝合金锅多少钱", "HJ07")),
        *(("牛乳多少钱", "SP08"), ("牛反绒鞋多少钱", "FS08")),
    ):
        assert _resolve_with_stage(line, presented).product_id == presented, line


def test_one_character_goods_that_the_product_in_view_is_not_are_not_the_product_in_view() -> None:
    """ "这个锅多少钱" while the cleanser is presented: a name span needs two characters, so 锅 was
    read as no name and the stage word gave the cleanser's price. One character (or it with 子) is
    the kind of goods meant: the product called so (the pan's alias 锅; a name ending in it: 手表,
    雪地靴 for 鞋) is asked about, goods nobody in the room is called by are not sold here, and the
    product in view called so is the one meant. A cosmetic's form (霜, 乳) names no other product."""
    assert goods_head(understand("这个锅多少钱").normalized) == "锅"
    assert goods_head(understand("鞋多少钱").normalized) == "鞋"
    assert goods_head(understand("这双鞋是真皮吗").normalized) == "鞋"
    assert goods_head(understand("这条裙子多少钱").normalized) == "裙"
    for text in (
        "这个包邮吗",
        "包不包邮",
        "这个多少钱",
        "这个杯垫多少钱",
        "线多长",
        "衣长多少",
        "这个霜多少钱",
    ):
        assert goods_head(understand(text).normalized) == "", text
    pan = _resolve_with_stage("这个锅多少钱", "MZ07")
    assert pan.how == "choice" and pan.candidates == ("HJ07",)
    watch = _resolve_with_stage("这个表多少钱", "SM01")  # the earphones are no 表: 智趣 S2 运动智能手表
    assert watch.how == "choice" and watch.candidates == ("SM04",)
    boots = _resolve_with_stage("这双鞋多少钱", "MZ07")
    assert boots.how == "choice" and boots.candidates == ("FS08",)
    trousers = _resolve_with_stage("这条裤多少钱", "MZ07")  # jeans and briefs: which one
    assert trousers.how == "choice" and set(trousers.candidates) == {"FS03", "FS05"}
    for text in ("这条裙子多少钱", "这个伞多少钱"):
        assert _resolve_with_stage(text, "MZ07").how == "not_sold", text
    assert _resolve_with_stage("这个锅多少钱", "HJ07").product_id == "HJ07"
    assert _resolve_with_stage("这双鞋多少钱", "FS08").product_id == "FS08"  # 雪地靴 is a 鞋
    assert _resolve_with_stage("这条裤多少钱", "FS03").product_id == "FS03"
    for text in ("这个包邮吗", "这个多少钱", "包不包邮", "这个霜多少钱", "这个乳多少钱"):
        assert _resolve_with_stage(text, "MZ07").product_id == "MZ07", text
    for text, stage in (("这块表多少钱", "SM04"), ("这口锅多少钱", "HJ07"), ("鞋子多少钱", "FS08")):
        assert _resolve_with_stage(text, stage).product_id == stage, text


def test_whether_the_room_sells_a_thing_is_answered_with_its_link_or_a_person() -> None:
    """ "有卖砧板吗" with the pan on stage: the chopping board's link, never the pan's; a thing the
    room does not sell goes to a person."""
    system = PipelineSystem()
    system.reset()
    system.set_stage("HJ07", START)
    board = system.ask("v1", "有卖砧板吗", START + timedelta(seconds=60))
    assert board.source == "catalog" and "砧板" in board.text and "炒锅" not in board.text
    for i, text in enumerate(("你们卖不卖空调", "有卖iPad吗")):  # named by no product: a person
        unsold = system.ask(f"v{i + 2}", text, START + timedelta(seconds=75 + 15 * i))
        assert unsold.source == "handoff", text
    assert _resolve_with_stage("有卖iPad吗", "SM01").how == "not_sold"  # never the earphones' link
    for text in ("L码还有卖吗", "黑色还有卖吗", "还有卖吗"):  # nothing else named: the jeans in view
        assert _resolve_with_stage(text, "FS03").product_id == "FS03", text
    assert understand("你们卖什么").intent is not Intent.HOW_TO_ORDER  # what is sold: no link asked


def test_through_the_pipeline_nothing_unasked_is_answered() -> None:
    """The real pipeline, as the service wires it, with the shipped model and MZ07 on stage."""
    system = PipelineSystem()
    system.reset()
    system.set_stage("MZ07", START)
    expected = {
        "主播多少粉丝了": None,  # chat: silent, never a price
        "这个月饼多少钱": "handoff",  # not sold here: never the cleanser's price
        "上个月20号买的怎么还没到": "handoff",
        "能否开发票": "handoff",
        "这个多少钱": "catalog",
        "是否包邮": "catalog",
    }
    for i, (text, source) in enumerate(expected.items()):
        result = system.ask(f"v{i}", text, START + timedelta(seconds=60 + 15 * i))
        assert (result.source if result.replied else None) == source, text


def test_chat_like_lines_nothing_answers_stay_silent_instead_of_paging_the_host() -> None:
    """A line of no known question kind (intent OTHER) that nothing grounded answers: handed to a
    person when the model finds a person clearly likelier than silence (``QUIET_RATIO``), else left
    silent (the host reads the chat anyway). A structured question is never silenced this way."""
    text = "会员卡有啥用"  # invented chat-like line; MZ07's catalog says nothing about it
    answers: dict[str, list[str]] = {}
    cases = (
        ("silence likelier", (1.0, 0.0, 0.5)),  # P = (0.51, 0.19, 0.31)
        ("person likelier", (1.0, 0.5, 0.0)),
        ("sure it is a question", (5.0, -1.0, -0.5)),  # silence 0.004 > person 0.002: both remote
    )
    for name, logits in cases:
        system = PipelineSystem(understanding=biased_model(logits, Intent.OTHER, 0.0))
        system.reset()
        system.set_stage("MZ07", START)
        other = system.ask("v1", text, START + timedelta(seconds=60))
        price = system.ask("v2", "这个多少钱", START + timedelta(seconds=75))
        answers[name] = [other.source if other.replied else other.ignored_reason, price.source]
    assert answers == {
        "silence likelier": ["chatter", "catalog"],
        "person likelier": ["handoff", "catalog"],
        "sure it is a question": ["handoff", "catalog"],
    }


def test_goods_gone_wrong_told_without_a_question_reach_a_person() -> None:
    """ "收到的杯子碎了" asks nothing, so the rules call it chatter; a person must still see it. Praise
    of a past purchase stays chat."""
    system = PipelineSystem()
    system.reset()
    system.set_stage("HJ01", START)
    broken = system.ask("v1", "收到的杯子碎了", START + timedelta(seconds=60))
    assert broken.source == "handoff"
    praise = system.ask("v2", "我上次买的还没用完", START + timedelta(seconds=75))
    assert not praise.replied


def test_goods_the_room_does_not_sell_asked_in_a_chat_like_line_stay_silent() -> None:
    """A buying question about goods the room does not sell goes to a person, unless the model finds
    silence as likely (jokes about things: "洗衣液多少钱一斤" read as chat); a question about goods
    on sale is answered whatever the model's doubt."""
    answers: dict[str, list[str]] = {}
    for name, logits in (("silence likelier", (1.0, 0.0, 0.5)), ("person likelier", (1.0, 0.5, 0.0))):
        system = PipelineSystem(understanding=biased_model(logits, Intent.PRICE, 0.0))
        system.reset()
        system.set_stage("MZ07", START)
        unsold = system.ask("v1", "这个月饼多少钱", START + timedelta(seconds=60))
        price = system.ask("v2", "这个多少钱", START + timedelta(seconds=75))
        answers[name] = [unsold.source if unsold.replied else unsold.ignored_reason, price.source]
    assert answers == {
        "silence likelier": ["chatter", "catalog"],
        "person likelier": ["handoff", "catalog"],
    }


def test_a_near_tie_between_silence_and_a_person_stays_quiet() -> None:
    near_tie = Decision("open", (0.10, 0.48, 0.42), None, 0.0)  # 0.42 >= 0.8 x 0.48
    person = Decision("open", (0.10, 0.60, 0.30), None, 0.0)  # a person clearly likelier
    unlikely = Decision("open", (0.86, 0.08, 0.06), None, 0.0)  # silence is no real possibility
    assert QUIET_RATIO < 1.0
    assert stays_quiet(near_tie)
    assert not stays_quiet(person)
    assert not stays_quiet(unlikely)
