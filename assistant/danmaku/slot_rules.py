"""Slots of a normalised danmaku: height, weight, size, colour, skin type, age, region, link number.

Pure regex extraction over ``normalize`` output (digits already Arabic, lower-case ASCII).
Conventions:

- height: "165", "165cm", "身高165", "1米65" / "1.65m" (-> 165 cm); a bare number counts as a
  height only in 130..210 and when not followed by a money / weight / count unit.
- weight: "110斤" (斤 is half a kilogram -> 55.0 kg), "55kg" / "55公斤"; a bare weight after
  体重, or the second number of "165 110" / "165/110", is read as 斤 or kg, whichever gives a body
  mass index closer to 21 (110 at 165 cm is 斤; 80 at 180 cm is kg); with no height, >= 80 is 斤.
- size: S M L XL XXL XXXL XS 2XL..6XL (upper-cased), "38码" -> "38", "160/84a" -> "160/84A", 均码.
- colour: a Chinese colour name ("黑色", "黑的" -> "黑色", "酒红"), English colours -> Chinese.
- skin: 油皮 干皮 敏感肌 混合皮 痘痘肌 中性皮; age: "3岁", "6个月", 孕妇, 哺乳期, 老人, 儿童, 婴儿.
- region: Chinese provinces and regions (新疆, 西藏, 内蒙古 ...), 港澳台, 偏远地区, 海外, and the cities
  of the provinces often left out of shipping (拉萨, 乌鲁木齐: ``vocabulary.CITY_PROVINCES``).
- link_no: "3号链接", "3号" (not a date: 3号发货 / 10号到 / 20号买的 / 12号下的单 / 5号会发吗 /
  15号的活动 / 12号还是这个价吗),
  "链接3", "第3个链接", "#3", "link 3".
- variant_hint: "控油款" / "大瓶装" / "儿童版" style words, or 大瓶 / 小瓶 / 50ml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.danmaku.normalize import chinese_to_int
from assistant.danmaku.types import Slots
from assistant.danmaku.vocabulary import GIRTHS, SKIN_TONES, SKIN_TYPES, UNIT_COUNTERS, city_pattern

_HEIGHT_UNIT_RE = re.compile(
    r"(?:身高|高)?(1[3-9]\d|20\d|210)\s*(?:cm|厘米|公分)|身高[:是]?\s*(1[3-9]\d|20\d)"
)
_HEIGHT_METRE_RE = re.compile(r"([12])米(\d{1,2})|([12])\.(\d{1,2})\s*(?:m|米)(?![a-z])")
_HEIGHT_BARE_RE = re.compile(
    r"(?<![\d.¥$])(1[3-9]\d|20\d)(?![\d.]|\s*(?:元|块|斤|kg|公斤|ml|g|克|号|件|单|%|码|w|万))"
)
_WEIGHT_UNIT_RE = re.compile(r"(\d{2,3}(?:\.\d)?)\s*(斤|公斤|kg|千克|lbs?)(?![a-z])")
_WEIGHT_BARE_RE = re.compile(
    r"体重[:是]?\s*(\d{2,3}(?:\.\d)?)|(?<=\d)\s*[/ ,]\s*(\d{2,3})(?![\d.]|\s*(?:元|块|cm|号))"
)
_SIZE_RE = re.compile(
    r"(?<![a-z'0-9.])(xxxl|xxl|xl|xs|[2-6]xl|[sml])(?![a-z])|(\d{2})码|(均码)|(1[4-9]0/\d{2}[ab])(?![a-z])"
)
_COLORS = (
    "黑白红蓝绿黄紫粉灰棕橙银金米杏驼青褐",  # one character: only with 色 or 的 (黑色, 黑的)
    "藏青|藏蓝|酒红|卡其|米白|米杏|奶白|雾霾蓝|玫红|天蓝|浅蓝|深蓝|(?<![电宝])宝蓝|浅灰|深灰|军绿|墨绿|薄荷绿|裸粉|樱花粉",
    "咖啡|焦糖|香槟|燕麦|奶茶|姜黄|豆沙|肤",  # also everyday words: only with 色 (咖啡色, not 装咖啡)
)
_COLOR_RE = re.compile(rf"({_COLORS[1]})色?|({_COLORS[2]})色|([{_COLORS[0]}])(?:色|的(?!话|时候))")
# A spec that is a colour: a colour word, a colour character or 色 ending a word (冰川蓝, 曜石黑,
# 栗色 36) or a numbered shade (#01 豆沙玫瑰).
_SPEC_COLOR_RE = re.compile(rf"{_COLOR_RE.pattern}|[{_COLORS[0]}色](?=$|\s)|#\d")


_SKIN_TONE_RE = re.compile(SKIN_TONES)


def spec_names_colour(spec: str) -> bool:
    """Whether a SKU's spec names a colour or shade ("曜石黑", "奶白 500ml", "#03 烂番茄红")."""
    return _SPEC_COLOR_RE.search(spec.lower()) is not None


_EN_COLORS = {
    "black": "黑色",
    "white": "白色",
    "red": "红色",
    "blue": "蓝色",
    "green": "绿色",
    "yellow": "黄色",
    "purple": "紫色",
    "pink": "粉色",
    "grey": "灰色",
    "gray": "灰色",
    "brown": "棕色",
    "beige": "米色",
    "navy": "藏青色",
    "khaki": "卡其色",
}
_EN_COLOR_RE = re.compile(r"(?<![a-z])(" + "|".join(_EN_COLORS) + r")(?![a-z])")
_SKIN = {word: skin for skin, words in SKIN_TYPES.items() for word in words}  # word -> skin type
_SKIN_RE = re.compile("|".join(sorted(map(re.escape, _SKIN), key=len, reverse=True)))
_AGE_WORDS = {
    "孕妇": "孕妇",
    "孕期": "孕妇",
    "怀孕": "孕妇",
    "pregnan": "孕妇",
    "哺乳": "哺乳期",
    "喂奶": "哺乳期",
    "母乳": "哺乳期",
    "老人": "老人",
    "老年": "老人",
    "elderly": "老人",
    "婴儿": "婴儿",
    "新生儿": "婴儿",
    "baby": "婴儿",
    "宝宝": "儿童",
    "儿童": "儿童",
    "小孩": "儿童",
    "孩子": "儿童",
    "小朋友": "儿童",
    "kids": "儿童",
    "children": "儿童",
}
_AGE_NUMBER = r"(\d{1,2})\s*(岁|个月)"  # an age in years or months ("3岁", "8个月")
_AGE_RE = re.compile(f"{_AGE_NUMBER}|" + "|".join(sorted(_AGE_WORDS, key=len, reverse=True)))
_AGE_NUMBER_RE = re.compile(_AGE_NUMBER)


def age_words(age: str) -> tuple[str, ...]:
    """The words a viewer or an FAQ says an age group with ("儿童" -> 宝宝, 儿童, 小孩, 孩子, 小朋友 ...;
    "孕妇" -> 孕妇, 孕期, 怀孕 ...), or the age itself ("3岁")."""
    return tuple(word for word, group in _AGE_WORDS.items() if group == age) or (age,)


REGIONS = (
    "新疆|西藏|青海|内蒙古|内蒙|宁夏|甘肃|海南|香港|澳门|台湾|港澳台|偏远地区|偏远|海外|国外|"
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|广西|四川|贵州|云南|陕西|" + city_pattern()
    # a city of a province often left out of shipping stands for it (``vocabulary.province_of``)
)
_REGION_RE = re.compile(REGIONS)
_EN_REGIONS = {"xinjiang": "新疆", "tibet": "西藏", "hong kong": "香港", "macau": "澳门", "taiwan": "台湾"}
_EN_REGION_RE = re.compile("|".join(_EN_REGIONS))
# What follows a date's number when the line asks about that day's sale or price ("3号那天的活动",
# "15号的活动", "12号还是这个价吗"): never a link number, and another day than the message's.
DATED_SALE = r"那天|当天|的(?:活动|时候)|还(?:有|是)?这个?价"
_LINK_RE = re.compile(
    # after 链接, a number of units is no link ("面膜几号链接 一盒几片": 一盒 is a count)
    rf"(\d{{1,3}})\s*号\s*链接|链接\s*(\d{{1,3}})(?!\d|\s*(?:{UNIT_COUNTERS}))|第(\d{{1,3}})个?链接|#\s*(?!0)(\d{{1,3}})(?!\d)"
    r"|(?<![a-z])(?:link|number|no\.?)\s*#?\s*(\d{1,3})(?!\d)"
    # a number written with a leading zero ("07号") is a shade or a model, never a bare link number
    # (a number after it only as a size: "17号37码有吗" is link 17's size 37, "12号3点" a date)
    r"|(?<![\d月.])(?!0)(\d{1,3})\s*号(?!\s*(?:发|到|前|之前|以前|后|之后|开|结束|左右|晚|早|上午|下午|晚上|码|\d(?!\d{0,2}码)"
    r"|买|拍|下单|下的|订|付|签收|收|退|换|会|能|之内|以内|的(?:单|订单|货|快递)"
    # a date's sale or price (``DATED_SALE``); "3号还有吗", "2号有优惠吗" and "3号价格多少" stay links
    rf"|{DATED_SALE}))"
)
_NOT_VARIANT = "这那哪每同几一该此的能可会要不好"
_VARIANT_RE = re.compile(
    # 有 opens no variant word ("有套装吗" asks for 套装), but 有机, 有线, 有糖 do ("有线款")
    # money paid or owed is no version ("现在付款", "退款"), nor is fitting or wearing ("安装", "假装"),
    # nor the genuine article ("原装数据线")
    rf"(?![{_NOT_VARIANT}]|有(?!机|线|糖|声|色))[\u4e00-\u9fff](?![{_NOT_VARIANT}])[\u4e00-\u9fff]"
    r"(?:(?<![付退贷汇存尾欠打])款|(?<![安假原])装|版)(?![式型])"
    r"|大瓶|小瓶|\d+\s*(?:ml|g)(?![a-z])"
)
# A body girth with its measure ("臀围100", "腰围71cm", "腰围2尺2", "腰二尺一"): the size charts of
# jeans and underwear go by waist or hips. 腰 alone names the waist only before a measure in 尺.
_CHINESE_DIGIT = "[一二两三四五六七八九]"
_GIRTH_CM_RE = re.compile(
    rf"({GIRTHS})[:是有约]?\s*(\d{{2,3}}(?:\.\d)?)\s*(?:cm|厘米|公分)?(?![\d.]|\s*(?:斤|kg|公斤|元|块))"
)
_GIRTH_CHI_RE = re.compile(rf"({GIRTHS}|腰)[:是有约]?\s*(\d|{_CHINESE_DIGIT})尺(\d|{_CHINESE_DIGIT})?(?:寸)?")
CM_PER_CHI = 100 / 3  # 1 市尺 = 1/3 m; 1 寸 = 1/10 尺
_GIRTH_MIN_CM, _GIRTH_MAX_CM = 40.0, 160.0


def _girth(text: str) -> tuple[str, float] | None:
    """The body girth a line gives, in cm (see ``GIRTHS``), or None (no girth, or no body's)."""
    if m := _GIRTH_CHI_RE.search(text):
        chi = _digit(m.group(2))
        cun = _digit(m.group(3)) if m.group(3) else 0
        cm = round((chi + cun / 10) * CM_PER_CHI, 1)
        kind = "腰围" if m.group(1) == "腰" else m.group(1)
    elif m := _GIRTH_CM_RE.search(text):
        kind, cm = m.group(1), float(m.group(2))
    else:
        return None
    return (kind, cm) if _GIRTH_MIN_CM <= cm <= _GIRTH_MAX_CM else None


def _digit(text: str) -> int:
    return int(text) if text.isdigit() else (chinese_to_int(text) or 0)


# A bare number is only read as a height where the danmaku talks about fit.
_FIT_CONTEXT_RE = re.compile(r"码|穿|身高|体重|斤|kg|公斤|合身|偏大|偏小|size|fit|tall|[/ ,]\s*\d{2,3}(?!\d)")


def _height(text: str) -> int | None:
    if m := _HEIGHT_UNIT_RE.search(text):
        return int(m.group(1) or m.group(2))
    if m := _HEIGHT_METRE_RE.search(text):
        metres, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        cm = int(metres) * 100 + (int(rest) * 10 if len(rest) == 1 else int(rest))
        return cm if 130 <= cm <= 210 else None
    if _FIT_CONTEXT_RE.search(text) and (m := _HEIGHT_BARE_RE.search(text)):
        return int(m.group(1))
    return None


def _bare_weight_kg(value: float, height_cm: int | None) -> float:
    """A weight with no unit: 斤 or kg, whichever gives a BMI closer to 21 (see module docs)."""
    if height_cm is None:
        return value / 2 if value >= 80 else value
    metres_sq = (height_cm / 100) ** 2
    as_kg, as_jin = value / metres_sq, value / 2 / metres_sq
    return value / 2 if abs(as_jin - 21) < abs(as_kg - 21) else value


def _weight(text: str, height_cm: int | None) -> float | None:
    if m := _WEIGHT_UNIT_RE.search(text):
        value, unit = float(m.group(1)), m.group(2)
        if unit == "斤":
            return value / 2
        return round(value * 0.4536, 1) if unit.startswith("lb") else value
    if m := _WEIGHT_BARE_RE.search(text):
        raw = m.group(1) or m.group(2)
        if m.group(2) and height_cm is None:
            return None  # "3 99" is not a body: only read a second bare number after a height
        return _bare_weight_kg(float(raw), height_cm)
    return None


@lru_cache(maxsize=4096)
def sizes_named(text: str) -> frozenset[str]:
    """Every size a text names ("XL", "38" of "38码", "均码"), upper-case: what a catalog statement
    is said of ("充绒量：约120g（M码）") or a question asks. Cached: catalog texts are read for every line."""
    return frozenset(next(g for g in m.groups() if g).upper() for m in _SIZE_RE.finditer(text.lower()))


def _size(text: str) -> str | None:
    m = _SIZE_RE.search(text)
    if m is None:
        return None
    return next(g for g in m.groups() if g).upper()


# Words whose last character is a colour character but that name no colour: goods ("大米的",
# "奶粉的", "口红的"), materials ("纯银的"), effects ("美白的").
_NOT_A_COLOUR = frozenset(
    {"大米", "小米", "玉米", "糯米", "黑米", "紫米", "奶粉", "面粉", "米粉", "蛋白", "美白", "网红", "口红",
     "蛋黄", "纯金", "黄金", "镀金", "纯银", "镀银"}
)  # fmt: skip


def colours_named(text: str) -> tuple[str, ...]:
    """Every Chinese colour the text names, in order, each once ("黑色和白色有货吗" -> 黑色, 白色); the
    ``color`` slot is the first."""
    found = []
    for m in _COLOR_RE.finditer(text):
        if m.group(3) and text[max(m.start() - 1, 0) : m.start() + 1] in _NOT_A_COLOUR:
            continue
        if m.group(2) == "肤" and any(
            t.start() < m.end() and m.start() < t.end() for t in _SKIN_TONE_RE.finditer(text)
        ):
            continue  # "偏黑肤色选哪个": the viewer's skin, not a 肤色 version
        found.append(f"{m.group(1) or m.group(2) or m.group(3)}色")
    return tuple(dict.fromkeys(found))


def _color(text: str) -> str | None:
    named = colours_named(text)
    if named:
        return named[0]
    if en := _EN_COLOR_RE.search(text):
        return _EN_COLORS[en.group(1)]
    return None


def _age(text: str) -> str | None:
    # an age in years or months said anywhere wins over the word for the group ("我家孩子2岁半": 2岁),
    # but months of a pregnancy are no baby's age ("怀孕四个月能用吗": 孕妇)
    word = _AGE_RE.search(text)
    pregnant = word is not None and not word.group(1) and _AGE_WORDS[word.group(0)] == "孕妇"
    m = word if pregnant else (_AGE_NUMBER_RE.search(text) or word)
    if m is None:
        return None
    if m.group(1):
        return f"{m.group(1)}{m.group(2)}"
    return _AGE_WORDS[m.group(0)]


def _region(text: str) -> str | None:
    if m := _REGION_RE.search(text):
        region = m.group(0)
        return {"内蒙": "内蒙古", "偏远": "偏远地区", "国外": "海外"}.get(region, region)
    if m := _EN_REGION_RE.search(text):
        return _EN_REGIONS[m.group(0)]
    return None


def _link_no(text: str) -> int | None:
    m = _LINK_RE.search(text)
    if m is None:
        return None
    return int(next(g for g in m.groups() if g))


# A size in letters ("l", "xl", "2xl"; lower case as normalised): a word of a spec, never part of one
# ("l" is not in "xl").
LETTER_SIZE_RE = re.compile(r"\d?x*[sml]|\d?xl")


def link_numbers(normalized: str) -> tuple[int, ...]:
    """Every link number the line names, in its order, each once ("7号和4号多少钱" -> (7, 4)); the
    same reading as the ``link_no`` slot, which keeps the first."""
    found = (int(next(g for g in m.groups() if g)) for m in _LINK_RE.finditer(normalized))
    return tuple(dict.fromkeys(found))


# A shade or model number as specs write it ("#07"), typed with a leading zero ("07号") or a "#".
_SHADE_NUMBER_RE = re.compile(r"(?<![\d#月])0(\d)\s*号|#\s*(\d{2})(?!\d)")  # not a date: "10月07号"


def _variant_hint(text: str) -> str | None:
    """The one version named, or None: two different ones ("30ml和50ml差多少") ask about both."""
    named = {m.group(0).replace(" ", "") for m in _VARIANT_RE.finditer(text)}
    named |= {f"#0{m.group(1)}" if m.group(1) else f"#{m.group(2)}" for m in _SHADE_NUMBER_RE.finditer(text)}
    return named.pop() if len(named) == 1 else None


_SLOT_WORD_RES = (
    _COLOR_RE,
    _REGION_RE,
    _SKIN_RE,
    _AGE_RE,
    _SIZE_RE,
    _LINK_RE,
    _HEIGHT_UNIT_RE,
    _WEIGHT_UNIT_RE,
    _GIRTH_CHI_RE,
    _GIRTH_CM_RE,
)


def strip_slot_words(text: str) -> str:
    """``text`` with every slot word (colour, region, skin, age, size, link, height, weight, girth)
    blanked."""
    for pattern in _SLOT_WORD_RES:
        text = pattern.sub(" ", text)
    return text


# What may stand beside the details a line gives ("还是换L吧", "算了要黑色的", "我155 45kg").
_DETAIL_FILLER_RE = re.compile(r"那|还是|算了|换成?|要|我|是|的|吧|呢|吗|呀|啊|哦|码|穿|[\d\s.,?!~]")


def says_only_details(normalized: str, slots: Slots | None = None) -> bool:
    """Whether the line is nothing but details of a question (a size, colour, region or the viewer's
    body) and fillers: "还是换L吧", "65公斤", "我155 45kg"; an opinion beside one ("黑色好看") says more.
    ``slots``: the line's own, when the caller has read them already."""
    slots = slots or extract_slots(normalized)
    detailed = any(
        value is not None
        for value in (slots.height_cm, slots.weight_kg, slots.size, slots.color, slots.region, slots.girth)
    )
    return detailed and not _DETAIL_FILLER_RE.sub("", strip_slot_words(normalized))


# Units to buy: a count and a counter ("10个", "三瓶", "2盒"), not an ordinal, a promotion's terms, a
# pack size (第2件, 满2件, 2支装) or the end of an amount ("¥9.9只要1元": no 9 只), in a line that buys
# or totals ("买", "一起", "多少钱").
def _counted_re(numerals: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![第满前后每这那哪0-9.¥$])(\d{{1,3}}|[{numerals}]{{1,3}})({UNIT_COUNTERS})(?![装号码月天人次])"
    )


_QUANTITY_RE = _counted_re("二两三四五六七八九十")
# The same with one ("奶白两个雾蓝一个": a count of each thing asked; "一个" alone buys no quantity).
_ANY_COUNT_RE = _counted_re("一二两三四五六七八九十")
# The words of a total ("一共多少钱", "加起来多少"): what several things come to.
TOTAL_WORDS = "一起|一共|总共|合计|加起来|总价"
# ... or a bare 多少 closing the line ("4个多少", "两瓶多少": what they come to)
_BUYS_OR_TOTALS_RE = re.compile(
    rf"买|拍|要|来|囤|订|{TOTAL_WORDS}|多少钱|什么价|怎么算|几块|几元|多少[?!.呀啊呢]*$"
)
MAX_QUANTITY = 999


# The price of one of the unit a pack holds ("两支装多少钱一支", "一包多少钱"; 一 is 1 once normalised):
# group 1 or 2, the unit.
_ONE_UNIT_PRICED_RE = re.compile(
    rf"(?:多少钱?|几块钱?|什么价|啥价)\s*[一1]({UNIT_COUNTERS})|(?<![\d.一二两三四五六七八九十])[一1]({UNIT_COUNTERS})\s*"
    r"(?:多少钱|几块|什么价|啥价|合多少|算下来多少|平均多少)"
    # a single one asked ("单支多少钱", "单瓶的价格"): of a pack too, what one of it comes to
    rf"|单({UNIT_COUNTERS})(?:装|的)?\s*(?:多少钱?|几块|什么价|啥价|价格|价钱)"
)


def one_unit_priced(normalized: str) -> str | None:
    """The unit of which the line asks the price of one ("两支装多少钱一支", "单支多少钱": "支"), or None."""
    match = _ONE_UNIT_PRICED_RE.search(normalized)
    return None if match is None else match.group(1) or match.group(2) or match.group(3)


def quantity_unit(normalized: str) -> str | None:
    """The counter of the quantity a line buys ("10个" -> "个"), or None."""
    match = _QUANTITY_RE.search(normalized)
    return match.group(2) if match is not None else None


def _quantity(normalized: str) -> int | None:
    return count_said(normalized) if _BUYS_OR_TOTALS_RE.search(normalized) is not None else None


def count_said(normalized: str) -> int | None:
    """The count of 2 to ``MAX_QUANTITY`` a piece says before a counter ("甜辣味2份" -> 2), whether or
    not it buys: one piece of a line that does ("…3份、甜辣味2份，一共多少钱")."""
    match = _QUANTITY_RE.search(normalized)
    n = count_value(match.group(1)) if match is not None else None
    return n if n is not None and 2 <= n <= MAX_QUANTITY else None


def count_spans(normalized: str) -> list[tuple[int, int]]:
    """Where the line says a count before a counter, one included ("白色m2件黑色m1件": "2件", "1件";
    "奶白两个雾蓝一个": "两个", "一个"), as (start, end) in the line's order."""
    return [m.span() for m in _ANY_COUNT_RE.finditer(normalized)]


def count_value(word: str) -> int | None:
    """A count written in digits, in Chinese numerals or as 双 (a pair): "10", "三", "双" -> 2."""
    return int(word) if word.isdigit() else 2 if word == "双" else chinese_to_int(word)


def extract_slots(normalized: str) -> Slots:
    """Every slot found in the normalised danmaku (see the module docstring for the conventions)."""
    height = _height(normalized)
    skin = _SKIN_RE.search(normalized)
    return Slots(
        height_cm=height,
        weight_kg=_weight(normalized, height),
        size=_size(normalized),
        color=_color(normalized),
        skin_type=_SKIN[skin.group(0)] if skin else None,
        age=_age(normalized),
        region=_region(normalized),
        link_no=_link_no(normalized),
        variant_hint=_variant_hint(normalized),
        quantity=_quantity(normalized),
        girth=_girth(normalized),
    )
