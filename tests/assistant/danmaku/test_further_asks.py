"""A line that asks several things of one product ("多少钱 包邮吗") gets every answer the catalog
holds in one reply, and nothing for a clause that would not be answered alone. Through the whole
pipeline in-process (demo catalog, the shipped understanding model, no LLM), 18:00 room time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from assistant.danmaku.answering import MAX_ASKS
from assistant.danmaku.further_asks import MAX_FURTHER, WORDED_INTENTS, further_asks
from assistant.danmaku.intent import understand
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.understanding import UnderstandingModel
from assistant.service.settings import Settings
from evals.answers.protocol import AskResult
from evals.answers.system import START, PipelineSystem
from knowledge.demo import load_demo_catalog


@pytest.fixture(scope="module")
def system() -> Iterator[PipelineSystem]:
    yield PipelineSystem(Settings(store="memory", embeddings="none", demo=False))


def ask(
    system: PipelineSystem, text: str, stage: str, viewer: str = "viewer", fresh: bool = True
) -> AskResult:
    """One line with ``stage`` presented, in a fresh room unless ``fresh`` is False."""
    if fresh:
        system.reset()
        system.set_stage(stage, START)
    return system.ask(viewer, text, START + timedelta(seconds=60), "")


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        # a template answer and a template answer: the price and the shipping policy
        ("MZ07", "多少钱 包邮吗", ("120g ¥59.90", "满¥99包邮")),
        # the price after the material, of the coat the line names
        ("FS09", "大衣多少钱 什么面料", ("羊毛70%", "¥899")),
        # two questions the product's own words answer: an attribute and an FAQ answer
        ("SM04", "防水吗 能接电话吗", ("5ATM", "蓝牙通话")),
        # 卸妆 is the sunscreen's own FAQ word here, though the room sells a 卸妆油
        ("MZ03", "防晒能带上飞机吗 要卸妆吗", ("随身携带登机", "卸妆水或卸妆油")),
        # a version asked whether it is there: its stock, as the same line alone gets
        ("SP09", "巧克力味有吗 是动物黄油吗", ("动物黄油", "巧克力味 454g 铁盒有货")),
        # a price whose words read as who it suits (儿童): the model's intent, as alone
        ("SP08", "儿童款多少钱 几岁能喝", ("1岁以上", "儿童款 200ml×10盒 ¥45.90")),
        # three questions, three answers
        ("MZ07", "多少钱？保质期几年？发什么快递", ("¥59.90", "保质期：3年", "中通快递")),
        # a total asked after whom it suits: 一共 names no goods
        (
            "MZ04",
            "我是孕妇，爽肤水哪款可以用？打算买两瓶200ml的，一共多少钱？",
            ("保湿款孕期可以用", "¥129×2=¥258"),
        ),
    ],
)
def test_every_question_of_a_line_is_answered_in_one_reply(
    system: PipelineSystem, stage: str, text: str, expected: tuple[str, ...]
) -> None:
    result = ask(system, text, stage)
    assert result.replied and result.source in ("catalog", "faq"), result
    assert all(e in result.text for e in expected), result.text


def test_the_version_of_the_line_is_the_one_the_further_question_asks_of(system: PipelineSystem) -> None:
    result = ask(system, "有黑色吗 多少钱", "FS01")
    assert "黑色 M有货" in result.text and "¥459" in result.text, result.text
    # the colours asked once: "有黑色吗" is the line's own question, not asked again as stock
    assert result.text.count("黑色 M") == 1, result.text


@pytest.mark.parametrize(
    ("stage", "text", "expected", "not_expected"),
    [
        # two products: each question of its own, never the toast's shelf life for the cookies
        ("SP02", "吐司多少钱 曲奇保质期几个月", "¥39.90", "保质期"),
        # two versions: the price of the one, the stock of the other
        ("MZ04", "保湿款多少钱 控油款有货吗", "控油款 200ml有货", "保湿款 200ml有货"),
    ],
)
def test_a_line_whose_questions_pull_apart_is_answered_one_question_at_a_time(
    system: PipelineSystem, stage: str, text: str, expected: str, not_expected: str
) -> None:
    result = ask(system, text, stage)
    assert result.replied and expected in result.text and not_expected not in result.text, result.text


def test_two_versions_asked_the_same_question_get_both_answers(system: PipelineSystem) -> None:
    result = ask(system, "钢带多少钱 皮表带多少钱", "SM04")
    assert "月光银 钢带 ¥699" in result.text and "玫瑰金 皮表带 ¥659" in result.text, result.text


def test_a_reply_answers_at_most_the_limit_of_questions(system: PipelineSystem) -> None:
    result = ask(system, "多少钱 偏大还是偏小 防水吗 去东北穿冷吗", "FS08")
    assert result.replied and result.text.count("；") <= MAX_ASKS - 1, result.text


def test_a_statement_already_in_the_reply_is_not_said_twice(system: PipelineSystem) -> None:
    # the cleanser's shelf life is in its first answer; the clause of the same ask adds nothing
    result = ask(system, "多少钱 保质期几年 保质期是多久", "MZ07")
    assert result.text.count("保质期：3年") == 1, result.text


@pytest.mark.parametrize(
    ("stage", "text", "not_expected"),
    [
        # the viewer's own order: a person, never a price beside it
        ("MZ07", "多少钱 我昨天买的怎么还没发货", "¥59.90"),
        # another product named in the second clause: not answered of this one
        ("SM04", "手表多少钱 耳机防水吗", "防水"),
        # the same question twice is one answer
        ("MZ07", "多少钱 啥价", "；"),
        # goods the room lacks asked beside the price: not the sunscreen's own 卸妆 FAQ
        ("MZ03", "防晒多少钱 卸妆膏有吗", "卸妆"),
    ],
)
def test_a_clause_that_would_not_be_answered_alone_is_left_out(
    system: PipelineSystem, stage: str, text: str, not_expected: str
) -> None:
    result = ask(system, text, stage)
    assert not_expected not in result.text, result.text


def test_a_reply_to_two_questions_is_never_shared_with_one_question(system: PipelineSystem) -> None:
    one = ask(system, "多少钱", "MZ07", viewer="v1")
    two = ask(system, "多少钱 包邮吗", "MZ07", viewer="v2", fresh=False)
    assert one.replied and two.replied
    assert "包邮" not in one.text and "包邮" in two.text, (one.text, two.text)


def test_further_asks_reads_each_clause_alone_and_keeps_at_most_the_limit() -> None:
    catalog = load_demo_catalog()
    product = catalog.product("MZ07")
    assert product is not None
    line = understand("多少钱 包邮吗 保质期几年 能卸妆吗 孕妇能用吗 敏感肌能用吗")
    asks = further_asks(line, line, product, catalog, ProductMatcher(catalog), UnderstandingModel.load())
    assert 1 <= len(asks) <= MAX_FURTHER
    # the line's own template question is not asked again
    assert all(
        a.understanding.intent in WORDED_INTENTS or a.understanding.intent is not line.intent for a in asks
    )
    assert all(len(a.understanding.normalized) < len(line.normalized) for a in asks)
    one = understand("多少钱")
    assert further_asks(one, one, product, catalog, ProductMatcher(catalog), None) == ()


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        # two link numbers, one price question: both prices, the first named first
        ("MZ07", "7号和4号多少钱", ("植萃集 氨基酸洗面奶 ¥32.90", "素肌研 清透平衡爽肤水 ¥129")),
        # two names, with something else on stage
        ("SP01", "洗面奶和爽肤水多少钱", ("植萃集 氨基酸洗面奶 ¥32.90", "素肌研 清透平衡爽肤水 ¥129")),
        # a stock question of both
        ("MZ07", "7号跟4号还有货吗", ("60g 便携装已售罄", "控油款 400ml已售罄")),
    ],
)
def test_one_question_of_several_products_named_is_answered_for_each(
    system: PipelineSystem, stage: str, text: str, expected: tuple[str, ...]
) -> None:
    result = ask(system, text, stage)
    assert result.replied and result.source == "catalog", result
    positions = [result.text.find(e) for e in expected]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), result.text


@pytest.mark.parametrize(
    ("stage", "text", "not_expected"),
    [
        # a shipping policy names no product: two policies side by side would not say whose is whose
        ("FS01", "羽绒服和围巾包邮吗", "；"),
        # the viewer's own order of two products: a person's
        ("MZ07", "我买的7号和4号怎么还没发", "¥"),
        # one product named with a word that names none: its answer alone
        ("MZ07", "7号和那个多少钱", "爽肤水"),
    ],
)
def test_several_products_are_asked_alike_only_where_each_answer_names_its_own(
    system: PipelineSystem, stage: str, text: str, not_expected: str
) -> None:
    result = ask(system, text, stage)
    assert not_expected not in result.text, result.text


def test_the_same_question_of_two_products_is_never_shared_with_one_of_them(system: PipelineSystem) -> None:
    one = ask(system, "7号多少钱", "MZ07", viewer="v1")
    two = ask(system, "7号和4号多少钱", "MZ07", viewer="v2", fresh=False)
    assert "爽肤水" not in one.text and "爽肤水" in two.text, (one.text, two.text)
