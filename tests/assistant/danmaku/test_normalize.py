"""Normalisation: width, Traditional -> Simplified, repeats, emoji, numerals, shorthand, language."""

from __future__ import annotations

import pytest

from assistant.danmaku.normalize import chinese_to_int, detect_language, normalize

CASES = [
    # width and case
    ("ＸＬ有吗", "xl有吗"),
    ("这个多少钱？", "这个多少钱?"),
    ("HOW MUCH", "how much"),
    # Traditional -> Simplified
    ("這個多少錢", "这个多少钱"),
    ("運費險有嗎", "运费险有吗"),
    ("甚麼時候發貨", "什么时候发货"),
    ("衝鋒衣還有貨嗎", "冲锋衣还有货吗"),
    # repeats
    ("哈哈哈哈哈哈", "哈哈"),
    ("多少钱钱钱", "多少钱"),
    ("包邮吗？？？", "包邮吗?"),
    ("有吗?!?!", "有吗?"),
    ("来了来了来了来了", "来了来了"),
    ("好好好好", "好"),
    ("666666", "666666"),
    ("xxxl有吗", "xxxl有吗"),
    ("1000块", "1000块"),
    # emoji and decorations
    ("主播好美😍😍❤️✨", "主播好美"),
    ("【求链接】", "求链接"),
    ("[比心][比心]好看", "好看"),
    ("好看~~~", "好看"),
    ("155~160cm", "155~160cm"),
    # numerals in counting contexts
    ("三号链接", "3号链接"),
    ("十二号多少钱", "12号多少钱"),
    ("第三个链接", "第3个链接"),
    ("身高一百六体重九十斤", "身高160体重90斤"),
    ("一百一十斤穿什么码", "110斤穿什么码"),
    ("一米六五", "1米65"),
    ("一米七穿几码", "1米7穿几码"),
    ("八点开抢吗", "8点开抢吗"),
    ("二十岁能用吗", "20岁能用吗"),
    # numerals elsewhere stay
    ("便宜一点", "便宜一点"),
    ("第一次买", "第一次买"),
    ("看一下", "看一下"),
    ("有点大", "有点大"),
    # shorthand and typos
    ("多钱", "多少钱"),
    ("这个多少米", "这个多少钱"),
    ("身高多少米", "身高多少米"),
    ("小黑瓶多少前", "小黑瓶多少钱"),  # the same pinyin (qian) typed
    ("排在多少前面", "排在多少前面"),
    ("啥时候发货", "什么时候发货"),
    ("啥价", "什么价"),
    ("咋买", "怎么买"),
    ("有木有黑色", "有没有黑色"),
    ("有没黑色", "有没有黑色"),
    ("包邮么", "包邮吗"),
    ("包邮嘛", "包邮吗"),
    ("干嘛呢", "干嘛呢"),
    ("什么", "什么"),
    ("连接呢", "链接呢"),
    ("链接呢", "链接呢"),
    ("包油吗", "包邮吗"),
    ("包游吗", "包邮吗"),
    ("有没有运废险", "有没有运费险"),
    ("baoyou吗", "包邮吗"),
    ("yunfei多少", "运费多少"),
    ("几天fahuo", "几天发货"),
    ("有优惠卷吗", "有优惠券吗"),  # 卷 typed for 券
    ("可以用卷发棒吗", "可以用卷发棒吗"),  # 卷 is a word of its own elsewhere
    ("花卷多少钱", "花卷多少钱"),  # 卷 alone is a word of its own
    # whitespace
    ("  165   110斤  ", "165 110斤"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    for raw, _ in CASES:
        once = normalize(raw)
        assert normalize(once) == once, raw


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百六", 160),
        ("一百六十五", 165),
        ("一百零五", 105),
        ("两千五", 2500),
        ("一万二", 12000),
        ("一六五", 165),
        ("零", 0),
        ("三号", None),
        ("", None),
    ],
)
def test_chinese_to_int(numeral: str, value: int | None) -> None:
    assert chinese_to_int(numeral) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("这个多少钱", "zh"),
        ("how much is this", "en"),
        ("is it on sale?", "en"),
        ("how much 这个", "en"),
        ("这个有xl吗", "zh"),
        ("这个有black吗", "zh"),
        ("XL有吗", "zh"),
        ("price?", "en"),
        ("666", "zh"),
        ("", "zh"),
        ("do you ship to 新疆", "en"),
        ("apple watch有吗", "zh"),  # a Chinese question about goods with an English name
        ("airpods pro多少钱", "zh"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(normalize(text)) == lang


def test_long_message_is_linear_and_safe() -> None:
    text = "哈" * 10_000 + "多少钱" * 2_000 + "😍" * 1_000
    out = normalize(text)
    assert out.startswith("哈哈多少钱")
    assert "😍" not in out
