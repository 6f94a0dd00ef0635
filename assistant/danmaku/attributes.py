"""Answer a question that names one of the product's attributes ("保质期是多久", "哪里产的", "什么牌子").

Operators fill many attributes (产地, 保质期, 续航, 功率, 辣度, 兼容 ...); a question that names one
(or a common phrasing of it) is answered with that attribute's value, exactly as written in the
catalog, rather than handed off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.danmaku.answer_fit import fits
from assistant.danmaku.answer_templates import finish
from assistant.danmaku.brands import asks_whether_of_brand
from assistant.danmaku.vocabulary import GOODS_HEADS, ONE_CHARACTER_GOODS
from knowledge.domain import Product

# A battery's capacity asked ("多少毫安", "多少mah"): only an attribute in mAh answers it.
_BATTERY_PHRASINGS = ("多少毫安", "几毫安", "多少mah", "几mah", "多少毫安时")

# One measure asked, by the character of the attribute keys that hold it ("靴筒高度", "厚度", "裤长"):
# "多X" or "X不X" ("筒多高", "砧板多厚", "厚不厚"); not after a property of another kind ("性价比高不高",
# "发货时间长不长"), and "多长时间" asks a time (``_HOW_LONG_RE``).
_DIMENSIONS = "高长宽厚深"
_DIMENSION_ASKED_RE = re.compile(rf"多([{_DIMENSIONS}])(?!时间|久)|(?<![率比性间度价])([{_DIMENSIONS}])不\2")
# How big, long or tall the whole product is: any measure, or its size.
_MEASURE_PHRASINGS = ("多大", "尺寸", *(f"多{d}" for d in _DIMENSIONS))
# Phrasings viewers use -> the attribute keys that answer them (first present wins).
SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("哪里产", "哪产", "哪儿产", "产自", "原产", "哪里生产", "哪里的货", "国产吗", "进口吗"), ("产地",)),
    (
        ("能放多久", "放多久", "保存多久", "放几天", "保存几天", "放多长时间", "过期", "保质", "有效期"),
        ("保质期",),
    ),
    (("多重", "重不重", "几斤重", "重量"), ("重量", "净含量", "克重")),
    (("用多久", "待机", "电量", "续航", "多久充1次"), ("续航", "电池")),
    (("辣不辣", "辣吗", "多辣", "辣度"), ("辣度",)),
    (("甜不甜", "甜吗", "多甜", "甜度"), ("甜度",)),
    (("防水吗", "防不防水", "能泡水", "防水"), ("防水等级", "防水")),
    (("吵不吵", "噪音", "声音大"), ("噪音",)),
    (("什么口", "接口", "充电口", "type-c", "typec", "几个口", "几口"), ("充电接口", "接口")),
    (("持久", "脱妆", "掉妆", "持妆"), ("持妆",)),
    (("厚重", "油腻", "黏腻", "粘腻", "黏不黏", "粘不粘", "质地"), ("质地",)),
    (("过敏",), ("过敏原",)),
    (
        (
            "多大的房间",
            "多大房间",
            "几平",
            "多少平",
            "面积",
            "平的房",
            "平的客厅",
            "平的卧室",
            "平米",
            "平方",
        ),
        ("适用面积",),
    ),
    (("兼容", "苹果能用", "安卓能用", "mac", "windows", "ipad"), ("兼容", "连接方式", "协议")),
    (_MEASURE_PHRASINGS, ("尺寸", "体积", "高度", "规格")),
    (("长宽", "长和宽", "宽高"), ("尺寸", "体积")),  # both sides: a size, never one side's height
    # the sun-protection factor (防晒 alone is a sunscreen's alias, blanked before these are read)
    (("倍数", "防晒指数", "防晒系数", "spf", "几倍防晒"), ("防晒指数", "防晒")),
    (("多大个", "个头", "果子多大", "果径"), ("果径",)),
    (
        # how big a bottle is ("多大一瓶": 一 reads as 1) is its content too
        (
            *("多少克", "多少g", "多少ml", "多少毫升", "净含量", "分量", "多少片", "容量"),
            *("多大1瓶", "1瓶多大", "多大瓶"),
        ),
        ("净含量", "容量", "规格"),
    ),
    (_BATTERY_PHRASINGS, ("容量", "电池", "电池容量")),
    (("怎么存", "怎么保存", "冷藏", "储存"), ("储存方式",)),
    (("保温多久", "保温效果", "能保温"), ("保温",)),
    (("功率", "多少瓦", "几瓦", "多少w", "几w", "费电"), ("功率",)),
    (("香味", "什么味道", "香型"), ("香型",)),
)
# Whether the goods are genuine, or the papers that show it ("是正品吗", "有没有品牌授权书"): the maker's
# name is no answer to it.
_AUTHENTICITY_RE = re.compile(r"正品|授权|真假|假货|防伪|鉴定|验货")
BRAND_WORDS = ("什么牌子", "哪个牌子", "牌子", "品牌", "哪家的", "什么品牌", "brand")


ABOUT_THE_HOST = ("主播", "小助理", "助播")

# The brand of something the product is made with or used with ("用的什么牌子的奶粉" of nougat): a
# thing named after the brand word, once the product's own names are out.
_BRAND_OF_RE = re.compile(r"(?:什么|哪个|啥)(?:牌子|品牌)的([\u4e00-\u9fffa-z]{2,})")


# The thing a brand question names before its brand word ("麦克风是什么牌子的"), once the words that
# point at the product in view, greet or only lead in are taken out ("这个", "你们家", "问一下", "到底").
_BRAND_ASKED_OF_RE = re.compile(r"([\u4e00-\u9fff]+?)(?:是|用的)?(?:什么|哪个|啥)(?:牌子|品牌)")
_POINTING_RE = re.compile(
    r"请问|问一下|问下|想问|想知道|你好|您好|亲|到底|究竟|这个|这款|这件|这条|这双|这套|这瓶|这支|这只|"
    r"这盒|这种|那个|那款|这是|那是|它是|(?:你们|你|他)家?的?|[这那它]"
)


def _brand_of_another(product: Product, unnamed: str) -> bool:
    """Whether a brand question (its product's names taken out) asks the brand of another thing:
    one named after the brand word ("用的什么牌子的奶粉" of nougat), or goods named before it that
    the product's names, specs and kind do not hold ("麦克风什么牌子的" with a cleanser presented; "这
    个靴子什么牌子" of snow boots holds 靴). A word of one or two characters that names no goods
    ("奶是什么品牌", "衣服什么牌子") is taken as the product's own."""
    if _BRAND_OF_RE.search(unnamed) is not None:
        return True
    named = _BRAND_ASKED_OF_RE.search(_POINTING_RE.sub(" ", unnamed))
    if named is None:
        return False
    thing = named.group(1)
    goods = len(thing) >= 3 or (len(thing) == 2 and thing[-1] in GOODS_HEADS)
    return goods and not names_the_product(product, thing)


def names_the_product(product: Product, thing: str) -> bool:
    """Whether ``thing`` is what the product is: in its name, aliases, category or specs, or (a
    noun of goods, 子 aside: "靴子", "鞋") the kind a word of its name or aliases ends in."""
    core = thing.removesuffix("子") if len(thing) > 1 else thing
    texts = [
        t.lower() for t in (product.name, *product.aliases, product.category, *(s.spec for s in product.skus))
    ]
    if any(core in t for t in texts):
        return True
    marks = ONE_CHARACTER_GOODS.get(core, "")
    return bool(marks) and any(w[-1:] in marks for t in texts[: 1 + len(product.aliases)] for w in t.split())


# A part of the goods whose own measure may be asked ("线多长", "表带多长", "杯口多大"): the whole
# product's size (体积 "约50×50×29mm") does not answer it unless the value speaks of that part.
PARTS = (
    "数据线", "充电线", "线", "挂绳", "绳", "表带", "链条", "链", "袖子", "袖", "裤腿", "把手", "手柄",
    "杯口", "瓶口", "锅底", "锅盖", "盖子", "鞋底", "鞋跟", "帽檐", "领口", "屏幕", "拉链", "刀刃",
)  # fmt: skip
_PART_MEASURED_RE = re.compile(
    rf"({'|'.join(sorted(PARTS, key=len, reverse=True))})(?:的|是|有)?(?:{'|'.join(_MEASURE_PHRASINGS)}"
    rf"|([{_DIMENSIONS}])不\2)"
)


def without_names(product: Product, normalized: str) -> str:
    """The question with the product's own name and aliases blanked: "保温杯能刻字吗" names no
    attribute 保温."""
    for name in sorted((product.name.lower(), *(a.lower() for a in product.aliases)), key=len, reverse=True):
        normalized = normalized.replace(name, " ")
    return normalized


def without_name_words(product: Product, normalized: str) -> str:
    """The question with every word it may name the product by blanked: its name, the name's parts
    ("Air3", "K87"), aliases and brand. What a statement must answer beside the product itself
    (``answer_fit.fits``: "air3续航多久" names no other thing)."""
    words = {product.name, *product.aliases, *product.name.split(), product.brand or ""}
    for word in sorted((w.lower() for w in words if len(w) >= 2), key=len, reverse=True):
        normalized = normalized.replace(word, " ")
    return normalized


def _key_mentions(product: Product, normalized: str) -> list[tuple[str, int]]:
    """Each attribute key the question names by the key itself, with where the mention ends: the
    whole key of two or more characters ("膜布材质是什么" names 膜布), or the part a key "X部" names
    ("裆是纯棉的吗" names 裆部); the product's own names never count. Catalog order."""
    text = without_names(product, normalized)
    mentions: list[tuple[str, int]] = []
    for key in product.attributes:
        k = key.lower()
        stem = k[:-1] if k.endswith("部") else ""
        word = k if len(k) >= 2 and k in text else stem if stem and stem in text else ""
        if word:
            mentions.append((key, text.index(word) + len(word)))
    return mentions


def named_keys(product: Product, normalized: str) -> list[str]:
    """The product's attribute keys the question names by the key itself (``_key_mentions``)."""
    return [key for key, _ in _key_mentions(product, normalized)]


# What follows a part named in a material question ("膜布材质", "裆是纯棉的吗"): its own make is asked.
_MAKE_ASKED_RE = re.compile(r"的?(?:材质|面料|布料|材料|成分|是|用的|什么)")


def parts_made_asked(product: Product, normalized: str, material_keys: Sequence[str]) -> list[str]:
    """The keys of parts (no material key) whose own make the question asks ("膜布材质是什么" ->
    膜布): named and followed by a word of make; "版型宽松吗什么面料" asks the fabric, not 版型."""
    text = without_names(product, normalized)
    return [
        key
        for key, end in _key_mentions(product, normalized)
        if key not in material_keys and _MAKE_ASKED_RE.match(text, end)
    ]


def _asks_another_part(product: Product, normalized: str, key: str) -> bool:
    """Whether a measure question is about a part ("线多长") that the attribute ``key``'s value
    does not speak of, so the whole product's measure is not its answer."""
    match = _PART_MEASURED_RE.search(normalized)
    return match is not None and match.group(1) not in f"{key}{product.attributes[key]}".lower()


# How long something lasts ("能烧多久"): keys of a duration ("燃烧时长") holding the verb asked.
_HOW_LONG_RE = re.compile(r"([\u4e00-\u9fff])(?:多久|多长时间|几个?小时)")


def duration_keys(product: Product, normalized: str) -> list[str]:
    """The keys of a duration ("X时长", "X时间") that hold the verb asked how long ("蜡烛能烧多久" ->
    燃烧时长); "能放多久" is no 采摘时间."""
    match = _HOW_LONG_RE.search(normalized)
    if match is None:
        return []
    verb = match.group(1)
    return [k for k in product.attributes if k.endswith(("时长", "时间")) and verb in k[:-2]]


def dimension_keys(product: Product, normalized: str) -> list[str]:
    """The keys of the one measure the question asks (``_DIMENSION_ASKED_RE``: "筒多高" -> 靴筒高度,
    "多厚" -> 厚度, "裤子多长" -> 裤长): a key ending in "X度", or a two-character "X长" whose first
    character the question names or that is asked of the whole ("多长"); never when the question
    measures a part the key does not speak of ("鞋跟多高" is not the shaft's height, "袖子长不长" not
    the trousers' length)."""
    keys: list[str] = []
    for match in _DIMENSION_ASKED_RE.finditer(normalized):
        dimension = match.group(1) or match.group(2)
        whole = match.start() == 0 or normalized[: match.start()] in ("有", "这个", "这款")
        keys.extend(
            key
            for key in product.attributes
            if (
                key.endswith(f"{dimension}度")
                or (len(key) == 2 and key.endswith(dimension) and (key[0] in normalized or whole))
            )
            and not _asks_another_part(product, normalized, key)
            and key not in keys
        )
    return keys


# A choice between two things ("是V领还是圆领", "棉的还是涤纶的"): the attribute whose value names one.
_EITHER_RE = re.compile(r"^(?:是)?(.{2,8}?)的?还是(.{2,8}?)的?(?:啊|呀|呢|\?)*$")


def either_keys(product: Product, normalized: str) -> list[str]:
    """The keys whose value names one of the two things a choice question offers ("是V领还是圆领" ->
    领型 "V领"); [] when the question offers no choice or no value names either."""
    match = _EITHER_RE.match(normalized.strip())
    if match is None:
        return []
    offered = [o for o in match.groups() if len(o) >= 2]
    return [k for k, v in product.attributes.items() if any(o in v.lower() for o in offered)]


def attribute_answer(product: Product, normalized: str, lang: str = "zh") -> str | None:
    """The attribute line(s) the question asks for, or None when it names none the product has.

    Questions about the host ("主播穿的什么牌子") are not about the product; the product's own name
    and aliases are removed first, so "保温杯能刻字吗" does not ask for the attribute 保温.
    """
    if any(w in normalized for w in ABOUT_THE_HOST):
        return None
    normalized = without_names(product, normalized)
    if (
        (any(w in normalized for w in BRAND_WORDS) or asks_whether_of_brand(normalized))
        and product.brand
        and not _brand_of_another(product, normalized)
        and _AUTHENTICITY_RE.search(normalized) is None
    ):  # "什么牌子", and whether it is a maker's ("这大衣是海澜之家的吗"): its own brand
        body = f"Brand: {product.brand}" if lang == "en" else f"{product.name}是{product.brand}家的"
        return finish(body, "", lang)
    measure = dimension_keys(product, normalized)
    keys: list[str] = []
    for phrasings, candidates in SYNONYMS:
        if any(p in normalized for p in phrasings):
            present = [k for k in candidates if k in product.attributes]
            if phrasings is _MEASURE_PHRASINGS:
                if measure:  # the one measure asked is no question of the whole size
                    continue
                present = [k for k in present if not _asks_another_part(product, normalized, k)]
            if phrasings is _BATTERY_PHRASINGS:  # a battery's, never a cup's 500ml
                present = [k for k in present if "mah" in product.attributes[k].lower()]
            keys.extend(present[:1])
    keys.extend(
        k
        for k in (*measure, *duration_keys(product, normalized), *either_keys(product, normalized))
        if k not in keys
    )
    keys.extend(k for k in named_keys(product, normalized) if k not in keys)
    # a value for another size, with no number for a measure, or naming none of the things asked
    # ("鞋底多厚": 橡胶防滑底; "XL的充绒量": 约120g（M码）) is no answer
    unnamed = without_name_words(product, normalized)
    keys = [k for k in keys if fits(f"{k}{product.attributes[k]}", unnamed)]
    if not keys:
        return None
    return attribute_lines(product, keys, lang)


def key_value_lines(product: Product, keys: Sequence[str], lang: str = "zh") -> list[str]:
    """ "key：value" of each of ``keys`` the product has, each once, in the given order."""
    sep = ": " if lang == "en" else "："
    return [f"{k}{sep}{product.attributes[k]}" for k in dict.fromkeys(keys) if k in product.attributes]


def attribute_lines(product: Product, keys: Sequence[str], lang: str = "zh") -> str:
    """The named attributes as one reply ("<name> 膜布：天丝膜布"), each key once, in the given order."""
    join = "; " if lang == "en" else "；"
    return finish(f"{product.name} " + join.join(key_value_lines(product, keys, lang)), "", lang)
