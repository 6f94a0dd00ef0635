"""Whether a catalog statement may answer the question asked (``assistant.danmaku.answer_fit``)."""

from __future__ import annotations

import pytest

from assistant.danmaku.answer_fit import (
    fits,
    misses_a_named_thing,
    misses_the_measure,
    states_another_amount,
    states_another_size,
)


@pytest.mark.parametrize(
    ("stated", "asked", "other"),
    [
        ("65W单口满足13寸和14寸轻薄本", "能充16寸的笔记本吗", True),
        ("65W单口满足13寸和14寸轻薄本", "14寸的能充吗", False),  # one of the amounts stated
        ("适用13-16寸笔记本", "15寸能用吗", False),  # a range speaks to any amount
        ("12岁以上可以用", "9岁能用吗", False),  # a bound answers yes or no for any age
        ("续航约8小时", "能用10小时吗", False),  # hours are no unit of measure here
        ("满足13寸轻薄本", "笔记本能充吗", False),  # no amount asked
    ],
)
def test_an_faq_for_other_amounts_answers_none_of_the_one_asked(stated: str, asked: str, other: bool) -> None:
    assert states_another_amount(stated, asked) is other


@pytest.mark.parametrize(
    ("stated", "asked", "other"),
    [
        ("充绒量：约120g（M码）", "xl的充绒量多少", True),
        ("充绒量：约120g（M码）", "m码充绒量多少", False),
        ("充绒量：约120g（M码）", "充绒量多少", False),  # no size asked
        ("容量：1.5L", "xl的多大", False),  # a litre is no size L
    ],
)
def test_a_statement_for_another_size(stated: str, asked: str, other: bool) -> None:
    assert states_another_size(stated, asked) is other


def test_a_measure_asked_needs_a_number() -> None:
    assert misses_the_measure("鞋底：橡胶防滑底", "鞋底多厚")
    assert not misses_the_measure("厚度：3cm", "有多厚")
    assert not misses_the_measure("鞋底：橡胶防滑底", "鞋底防滑吗")  # no measure asked
    # a content or share is said in digits; a chemical name's numerals say none
    assert misses_the_measure("核心成分：玻色因（羟丙基四氢吡喃三醇）、胜肽", "玻色因含量多少")
    assert not misses_the_measure("材质：天然乳胶（乳胶含量93%）", "乳胶含量多少")
    assert not misses_the_measure("蛋白质含量：3.6g/100ml", "浓度百分之几")


@pytest.mark.parametrize(
    ("stated", "asked", "missed"),
    [
        ("22.5W双向快充", "能给switch充电吗", True),
        ("关闭背光约200小时", "有rgb灯吗", True),
        ("支持iOS和安卓手机", "iphone能用吗", False),  # an iPhone runs iOS
        ("可以，支持Mac和Windows按键切换", "mac能用吗", False),
        ("快充：支持PD", "支持pd快充吗", False),  # a tech word every catalog spells its own way
        ("续航约8小时", "battery life", False),  # an English question is read by its own words
        (
            "连接方式：三模（有线/蓝牙/2.4G）",
            "能连ipad吗",
            False,
        ),  # a maker's name: the product's words answer
        ("降噪：主动降噪，深度约45dB", "跟airpods pro比降噪咋样", False),  # compared: its own figure
        ("落肩宽松版型", "落肩是不是很oversize", False),  # a quality said in English, no thing had
        ("续航：单次约8小时", "hhh续航多久", False),  # chat letters
    ],
)
def test_a_thing_named_in_latin_letters_must_be_named_by_the_answer(
    stated: str, asked: str, missed: bool
) -> None:
    assert misses_a_named_thing(stated, asked) is missed


def test_fits_joins_the_checks() -> None:
    assert fits("续航：单次约8小时", "续航多久")
    assert not fits("鞋底：橡胶防滑底", "鞋底多厚")
