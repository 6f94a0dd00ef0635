"""Grounded answers about the product itself: stock, variants, material, suitability, usage, FAQ
look-up, and clarifying questions between variants (size advice: ``size_chart``; shipping and
after-sales: ``answers_policy``).

Facts come from the catalog objects (``Product`` attributes, SKUs, FAQ, ``ShippingPolicy``,
``AfterSalesPolicy``); operator text is echoed as written (sanitised). Functions return ``None``
where the catalog has nothing to ground an answer on. Attribute keys follow the demo catalog
(``knowledge/demo/demo_catalog.json``): 尺码建议, 适用肤质, 适用年龄, 面料, 材质, 使用方法 ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from assistant.danmaku.answer_fit import fits, states_another_amount, states_another_size
from assistant.danmaku.answer_templates import finish, join
from assistant.danmaku.attributes import key_value_lines, without_names
from assistant.danmaku.catalog_words import product_names
from assistant.danmaku.normalize import normalize
from assistant.danmaku.resolve import skus_holding
from assistant.danmaku.slot_rules import age_words, spec_names_colour
from assistant.danmaku.triage import asked_clauses
from assistant.danmaku.vocabulary import (
    A_NOT_A,
    EVERY_SKIN,
    FABRIC_PROPERTIES,
    GENDER_WORDS,
    GOODS_HEADS,
    SKIN_IN_CATALOG_TEXT,
    VARIANT_SKIN,
    contradicts,
    in_catalog_words,
)
from knowledge.domain import FaqPair, Product, Sku
from knowledge.retrieval.chunks import sentences

LOW_STOCK = 10  # at or below this many units a stock answer says how many are left
MATERIAL_KEYS = (
    "面料",
    "材质",
    "材料",
    "成分",
    "核心成分",
    "主要成分",
    "配料",
    "填充物",
    "充绒量",
    "里料",
    "鞋面",
    "内里",
    "原料",
)
_USAGE_KEYS = ("使用方法", "用法", "用量", "洗涤", "洗涤说明", "冲泡建议", "食用方法", "储存方式", "卸妆建议")


def _spec_matches(spec: str, size: str | None, color: str | None) -> bool:
    tokens = {t.upper() for t in re.split(r"[\s/,，+×]+", spec) if t}
    if size is not None and size.upper() not in tokens:
        return False
    if color is not None:
        base = color.removesuffix("色") or color
        return color in spec or base in spec
    return True


def answer_stock(
    product: Product,
    size: str | None = None,
    color: str | None = None,
    lang: str = "zh",
    nickname: str = "",
    version: Sequence[Sku] | None = None,
) -> str:
    """Stock of the SKUs matching ``size`` / ``color`` (all SKUs when neither is given), or of the
    ``version`` SKUs a line named ("60包的有吗": those whose spec holds the word)."""
    en = lang == "en"
    wanted = list(version) if version else [s for s in product.skus if _spec_matches(s.spec, size, color)]
    if not wanted:
        asked = " ".join(x for x in (color, size) if x)
        options = join((s.spec for s in product.skus), lang)
        body = (
            f"{product.name} has no {asked}; options: {options}"
            if en
            else f"{product.name}没有{asked}这个规格，可选：{options}"
        )
        return finish(body, nickname, lang)
    parts = [_stock_line(s, lang) for s in wanted]
    if not (size or color or version) and all(s.stock > LOW_STOCK for s in wanted):
        parts = ["all options in stock" if en else "各规格都有货"]
    elif all(s.stock <= 0 for s in wanted):  # "控油400的还有吗": gone; its siblings that are not
        parts.extend(_stock_line(s, lang) for s in _siblings_in_stock(product, wanted))
    return finish(f"{product.name} " + ("; " if en else "，").join(parts), nickname, lang)


MAX_SIBLINGS = 3  # versions in stock named beside one sold out


def _siblings_in_stock(product: Product, gone: Sequence[Sku]) -> list[Sku]:
    """The versions in stock that share a word of spec with one of the ``gone`` versions (控油款 200ml
    beside 控油款 400ml; 米白 M and 黑色 L beside 米白 L), else, where none does, the versions in stock
    (冰川蓝 and 星光白 beside 曜石黑: what the viewer may take instead); at most ``MAX_SIBLINGS``."""
    words = {w for s in gone for w in s.spec.split()}
    in_stock = [s for s in product.skus if s not in gone and s.stock > 0]
    sharing = [s for s in in_stock if len(s.spec.split()) > 1 and words & set(s.spec.split())]
    return (sharing or in_stock)[:MAX_SIBLINGS]


def _stock_line(sku: Sku, lang: str) -> str:
    if lang == "en":
        if sku.stock <= 0:
            return f"{sku.spec} sold out"
        return f"{sku.spec} only {sku.stock} left" if sku.stock <= LOW_STOCK else f"{sku.spec} in stock"
    if sku.stock <= 0:
        return f"{sku.spec}已售罄"
    return f"{sku.spec}仅剩{sku.stock}件" if sku.stock <= LOW_STOCK else f"{sku.spec}有货"


def _spec_columns(product: Product) -> list[list[str]]:
    """Distinct values per position when every spec has the same number of words (颜色 尺码)."""
    rows = [s.spec.split() for s in product.skus]
    if not rows or len({len(r) for r in rows}) != 1 or len(rows[0]) < 2:
        return [list(dict.fromkeys(s.spec for s in product.skus))]
    return [list(dict.fromkeys(r[i] for r in rows)) for i in range(len(rows[0]))]


def answer_variant(
    product: Product,
    color: str | None = None,
    variant_hint: str | None = None,
    lang: str = "zh",
    nickname: str = "",
) -> str | None:
    """Which variants exist; for a colour or variant asked, whether it exists and its SKUs; None for
    a variant no spec speaks of either way ("有带吸管的吗", "有烂的吗"): neither a made-up "没有" nor the
    list of options, which answers something else (the catalog's own words or a person may)."""
    en = lang == "en"
    asked = color or variant_hint
    options = (
        "; ".join(join(col, lang) for col in _spec_columns(product))
        if en
        else "；".join(join(col, lang) for col in _spec_columns(product))
    )
    if asked is None:
        body = f"{product.name} options: {options}" if en else f"{product.name}可选：{options}"
        return finish(body, nickname, lang)
    held = [s for s in product.skus if _spec_matches(s.spec, None, asked)] or skus_holding(
        product, asked
    )  # "三支装" of a spec "三支套装（…）"
    # "有雪松" must not read as "in stock": a version with none to sell says so
    hits = [s.spec if s.stock > 0 else f"{s.spec}（{'sold out' if en else '已售罄'}）" for s in held]
    if hits:
        body = (
            f"{product.name} has {asked}: {join(hits, lang)}"
            if en
            else f"{product.name}有{asked}：{join(hits, lang)}"
        )
    elif color is not None or _same_kind(asked, product):
        body = (
            f"{product.name} has no {asked}; options: {options}"
            if en
            else f"{product.name}暂时没有{asked}，可选：{options}"
        )
    else:  # "有带吸管的吗": no spec says either way
        return None
    return finish(body, nickname, lang)


_KIND_SUFFIXES = ("装", "款", "色", "码", "版", "味", "号")

# The dimensions a variant question may ask about, each with its name (None: a property of the
# product, not a choice: "什么味道" asks how it smells or tastes) and how a SKU spec shows the product
# varies along it.
_FLAVOUR_SPEC_RE = re.compile(r"味|香")
_STYLE_SPEC_RE = re.compile(r"款|版")
_DIMENSIONS: tuple[tuple[re.Pattern[str], str | None, Callable[[str], bool]], ...] = (
    (re.compile(r"颜色|色号|什么色|哪个色|几个色|几种色|colou?rs?"), "颜色", spec_names_colour),
    (re.compile(r"口味|几种味|flavou?rs?"), "口味", lambda spec: _FLAVOUR_SPEC_RE.search(spec) is not None),
    (re.compile(r"味道|香味|什么味|气味"), None, lambda spec: _FLAVOUR_SPEC_RE.search(spec) is not None),
    (re.compile(r"款式|styles?"), "款式", lambda spec: _STYLE_SPEC_RE.search(spec) is not None),
)


def unvaried_dimension(product: Product, normalized: str) -> tuple[bool, str | None]:
    """Whether a variant question asks along a dimension none of the product's SKUs varies in (its
    option list alone would answer something else), and that dimension's name (None: a property
    such as its smell, which only the product's own words can answer)."""
    for asks, name, spec_has in _DIMENSIONS:
        if asks.search(normalized) and not any(spec_has(s.spec.lower()) for s in product.skus):
            return True, name
    return False, None


def gender_asked(normalized: str) -> str | None:
    """The gender of the version a line asks for ("有男款吗" -> 男), or None (``GENDER_WORDS``)."""
    return next((g for g, words in GENDER_WORDS.items() if any(w in normalized for w in words)), None)


def answer_gender(product: Product, gender: str, lang: str = "zh", nickname: str = "") -> str | None:
    """Whether the product comes in the version cut for ``gender``: its name or specs name that
    gender (the versions are listed by the caller: None here) or only the other one ("这款是女款");
    None when they name neither (no fact to state: a person answers)."""
    other = next(g for g in GENDER_WORDS if g != gender)
    if names_a_gender(product, gender) or not names_a_gender(product, other):
        return None
    word = GENDER_WORDS[other][0]
    cut = "men's" if other == "男" else "women's"
    body = f"This is a {cut} cut: {product.name}" if lang == "en" else f"这款是{word}哦：{product.name}"
    return finish(body, nickname, lang)


def names_a_gender(product: Product, gender: str) -> bool:
    """Whether the product's name or specs name the version cut for ``gender``."""
    return any(w in t for t in (product.name, *(s.spec for s in product.skus)) for w in GENDER_WORDS[gender])


def answer_no_choice(product: Product, dimension: str, lang: str = "zh", nickname: str = "") -> str:
    """ "没有颜色可选" and the options there are: the SKUs are the product's whole list of choices."""
    options = join([s.spec for s in product.skus], lang)
    en = {"颜色": "colour", "口味": "flavour", "款式": "style"}.get(dimension, dimension)
    body = (
        f"{product.name} comes in no {en} choices; options: {options}"
        if lang == "en"
        else f"{product.name}没有{dimension}可选，规格：{options}"
    )
    return finish(body, nickname, lang)


def _same_kind(asked: str, product: Product) -> bool:
    """Whether the asked variant is the kind of thing the specs name (a 装, 款, 色, 码, 版, 味 or 号
    as some spec has), so that its absence from the specs is a fact, not a guess."""
    suffix = next((k for k in _KIND_SUFFIXES if asked.endswith(k)), None)
    return suffix is not None and any(suffix in s.spec for s in product.skus)


_PROPERTY_RE = re.compile(FABRIC_PROPERTIES)


def asks_a_property(normalized: str) -> bool:
    """Whether a material question asks a yes/no property (起球, 掉色, 透气 ...) that a composition
    list does not answer (``vocabulary.FABRIC_PROPERTIES``)."""
    return _PROPERTY_RE.search(normalized) is not None


def _own_spec_words(product: Product) -> dict[str, list[str]]:
    """Each version's words that name it alone: a word of its spec (two characters or more) that no
    other version's spec holds (30ml of every shade names none)."""
    words = {s.sku_id: [w for w in s.spec.split() if len(w) >= 2] for s in product.skus}
    return {
        sku_id: [w for w in own if all(w not in o for k, o in words.items() if k != sku_id)]
        for sku_id, own in words.items()
    }


def names_a_version(product: Product, text: str) -> bool:
    """Whether a catalog statement (without the product's name) names one of the product's versions
    by its own words ("8斤适合北方冬季" of a quilt made in 4, 6 and 8 斤)."""
    text = without_names(product, text)
    return any(w in text for own in _own_spec_words(product).values() for w in own)


def sold_out_named(product: Product, text: str, lang: str = "zh") -> str:
    """A note of the versions a catalog statement names that are sold out ("偏黑肤色选小麦色" of a
    foundation whose 小麦色 is gone: "（小麦色 30ml已售罄）"), "" when it names none or all are in stock.
    A version is named by its own words (``_own_spec_words``)."""
    own = _own_spec_words(product)
    gone = [s.spec for s in product.skus if s.stock <= 0 and any(w in text for w in own[s.sku_id])]
    if not gone:
        return ""
    return f" ({', '.join(gone)} sold out)" if lang == "en" else f"（{'、'.join(gone)}已售罄）"


def answer_material(product: Product, lang: str = "zh", nickname: str = "", asked: str = "") -> str | None:
    """Material / ingredients attributes (面料, 材质, 成分, 配料, 填充物 ...); None with ``asked`` (the
    question) when one does not fit it (``answer_fit.fits``: "XL的充绒量" against "约120g（M码）")."""
    keys = [k for k in MATERIAL_KEYS if k in product.attributes]
    if not all(fits(product.attributes[k], asked) for k in keys):
        return None  # one of them said of another size: the question is that one's, not the list's
    lines = key_value_lines(product, keys, lang)
    if not lines:
        return None
    return finish(f"{product.name} " + ("; " if lang == "en" else "；").join(lines), nickname, lang)


# A description sentence that tells how, when or how much of the product is used ("早晚都能用",
# "一小颗就能打出丰富泡泡", "取适量", "可湿敷可拍打"). Not the words of other facts: 使用 / 一次 / 早上 also
# speak of battery life ("典型使用续航约14天", "充一次电约用60天") and keeping warm, 涂 of a coating (涂层).
_USAGE_SENTENCE_RE = re.compile(
    r"用法|早晚|每天一|每次|一小?[颗粒滴片勺包袋]|适量|涂抹|抹匀|薄涂|厚涂|湿敷|敷完|按摩|冲洗|冲泡|浸泡|拍打|轻拍"
)
MAX_USAGE_SENTENCES = 2
# How much or how often, asked ("一次用多少", "一天用几次"), and the sentences that say it ("一小颗",
# "早晚都能用", "每次2泵"): a sentence about massaging or rinsing does not answer it.
_AMOUNT_OR_FREQUENCY_ASKED = r"用量|一次用多少?|(?:一天|1天|每天)用?几次|多久用一次"
_AMOUNT_OR_FREQUENCY_ASKED_RE = re.compile(_AMOUNT_OR_FREQUENCY_ASKED)
_AMOUNT_OR_FREQUENCY_RE = re.compile(
    r"早晚|每天|每日|每次|一天|一次|一小?[颗粒滴片勺包袋泵]|适量|\d+\s*(?:次|ml|g|克|毫升|滴|泵|粒|片)"
)
# How to use it, how much of it and how often ("用法是什么", "一次用多少", "一天用几次"): the
# description's usage sentences say all three ("一小颗就能…", "早晚都能用").
_HOW_TO_USE_RE = re.compile(rf"怎么用|如何使用|怎么使用|如何用|使用方法|用法|{_AMOUNT_OR_FREQUENCY_ASKED}")
# What may stand beside "怎么用" in a plain how-to-use question ("那具体要怎么用呀"), a shopper new
# to the product included ("第一次买不知道怎么用", "新手不会用": not "我妈怎么用", someone else's use)
_HOW_TO_USE_FILLER_RE = re.compile(
    r"这个|这款|那个|请问|具体|到底|一般|应该|什么|怎样|不知道|不会|第一次(?:买|用)?|新手|想问一?下|"
    r"[这那它该是要的呢啊呀吗嘛哦嗯个款我?!.,~\s]"
)


def answer_usage(product: Product, lang: str = "zh", nickname: str = "") -> str | None:
    """Usage attributes (使用方法, 洗涤, 冲泡建议, 储存方式 ...), or None."""
    lines = key_value_lines(product, _USAGE_KEYS, lang)
    if not lines:
        return None
    return finish(f"{product.name} " + ("; " if lang == "en" else "；").join(lines), nickname, lang)


def asks_plainly_how_to_use(product: Product, normalized: str) -> bool:
    """Whether the line asks only how to use the product ("洗面奶要怎么用", "那具体怎么用"), not how to
    use something else ("运费险怎么用") or one detail of use ("敷几分钟", "怎么保存")."""
    if not _HOW_TO_USE_RE.search(normalized):
        return False
    rest = _HOW_TO_USE_RE.sub("", normalized)
    for name in sorted(product_names(product), key=len, reverse=True):
        rest = rest.replace(name.lower(), "")
    return not _HOW_TO_USE_FILLER_RE.sub("", rest)


def usage_from_description(
    product: Product, description: str, nickname: str = "", asked: str = ""
) -> str | None:
    """The description's own sentences about how, when or how much the product is used
    (``_USAGE_SENTENCE_RE``, at most ``MAX_USAGE_SENTENCES``, quoted as written), for a plain
    how-to-use question when no usage attribute says; None when no sentence does. ``description``
    is the product's description as the caller cleaned it (injected instructions removed); when the
    question ``asked`` is how much or how often, only sentences that say an amount or a frequency."""
    lines = [s for s in sentences(description, keep_marks=False) if _USAGE_SENTENCE_RE.search(s)]
    if _AMOUNT_OR_FREQUENCY_ASKED_RE.search(asked):
        lines = [s for s in lines if _AMOUNT_OR_FREQUENCY_RE.search(s)]
    if not lines:
        return None
    return finish(f"{product.name} " + "；".join(lines[:MAX_USAGE_SENTENCES]), nickname, "zh")


# Function words that every question shares, and the words pointing at the product in view ("这个甜吗"
# asks what "甜吗" does); FAQ matching compares what is left.
_FAQ_STOP_RE = re.compile(
    r"请问|可以|能不能|会不会|是不是|这个|这款|那个|它|主播|[能会吗呢吧啊的了是不用吃喝么?!,.。\s]"
)
# An A-not-A question ("勒不勒", "费不费电", "起球不起球") asks what its first half names.
_A_NOT_A_RE = re.compile(A_NOT_A)
# A core this many characters longer than the other, which it opens or closes with, still asks the
# same ("戴着游泳" and "游泳"): a short question carries a word more or less. The shorter one has at
# least two characters, and the extra is no question of its own ("充电多久" is not "是充电的吗").
FAQ_CONTAINED_EXTRA_CHARS = 2
_EXTRA_QUESTION_RE = re.compile(r"多|少|久|几|怎|什么|哪|吗")
# A noun of goods right after the shorter makes it part of another word ("充电器" is not "充电"); one
# before it names the goods asked about ("面霜早上" asks "早上").
_GOODS_HEAD_RE = re.compile(rf"[{GOODS_HEADS}]")


# An age given before the one it is of ("一岁半宝宝", "3个月的宝宝"): the FAQ's answer tells the ages.
_AGE_GIVEN_RE = re.compile(r"\d+(?:\.\d)?(?:岁半?|个半?月)的?(?=宝宝|孩子|小孩|婴儿|儿童)")


@lru_cache(maxsize=4096)
def _core(question: str) -> str:
    """What an FAQ question or a viewer's asks, for matching: A-not-A read as A, shoppers' words for
    one thing as one (``vocabulary.SAME_THING``), function words dropped."""
    text = in_catalog_words(normalize(question))
    text = _AGE_GIVEN_RE.sub("", text)  # "一岁半宝宝能吃吗" asks the FAQ's "宝宝能吃吗"
    return _FAQ_STOP_RE.sub("", _A_NOT_A_RE.sub(r"\1", text))


@lru_cache(maxsize=4096)
def _grams(question: str) -> frozenset[str]:
    """The characters and bigrams of a question's core (``_core``); cached, as every FAQ question is
    read again for every line asked of its product."""
    core = _core(question)
    return frozenset(core) | {core[i : i + 2] for i in range(len(core) - 1)}


def _holds(longer: str, shorter: str) -> bool:
    """Whether ``longer`` opens or closes with ``shorter`` and has at most ``FAQ_CONTAINED_EXTRA_CHARS``
    more, none of them a question word ("送充电器" does not hold "充电": it is inside; "充电多久" adds a
    question of its own; "充电器" is another word). One character is held only as the first of two
    ("勒肉" holds "勒"; "碳酸" does not hold "酸")."""
    if len(shorter) == 1:  # a one-character property and what it acts on ("勒" and "勒肉", "扎人")
        return len(longer) == 2 and longer[0] == shorter and _EXTRA_QUESTION_RE.search(longer[1]) is None
    if len(longer) - len(shorter) > FAQ_CONTAINED_EXTRA_CHARS:
        return False
    if longer.startswith(shorter):
        extra = longer[len(shorter) :]
        if _GOODS_HEAD_RE.match(extra):
            return False
    elif longer.endswith(shorter):
        extra = longer[: len(longer) - len(shorter)]
    else:
        return False
    return _EXTRA_QUESTION_RE.search(extra) is None


# Goods got into someone's mouth or eyes ("小孩把凝珠咬破了", "狗狗舔了一口"): where the product's own
# FAQ speaks of 误食 (the operator's word for it), that pair answers first, whatever else is asked.
_SWALLOWED_RE = re.compile(
    r"咬破|咬开|咬了|吞了|吞下|咽下|误吞|误食|误吃|误喝|舔了|吃进去|喝进去|进嘴|进眼睛|溅到眼"
)


def swallowed_faq(product: Product, normalized: str) -> FaqPair | None:
    """The product's FAQ pair on 误食 for a line telling the goods got into someone's mouth or eyes
    (``_SWALLOWED_RE``), told with or without a question; None otherwise."""
    return _faq_mentioning(product, ("误食",)) if _SWALLOWED_RE.search(normalized) else None


def find_faq(product: Product, question: str, min_overlap: float = 0.5) -> FaqPair | None:
    """The FAQ pair that answers the line (``_find_faq``), read whole, else clause by clause
    (``triage.asked_clauses``: "能卸妆吗 我只涂了防晒" asks "能卸妆吗"; "防晒要卸妆吗姐妹们"); an
    accident of swallowing the goods gets the FAQ on 误食 first (``_SWALLOWED_RE``)."""
    found = swallowed_faq(product, question) or _find_faq(product, question, min_overlap)
    if found is not None:
        return found
    for clause in asked_clauses(normalize(question)):
        found = _find_faq(product, clause, min_overlap)
        if found is not None:
            return found
    return None


def speaks_of_another(pair: FaqPair, asked: str) -> bool:
    """Whether an FAQ pair asks the opposite of the question (``vocabulary.contradicts``), or was
    written for other amounts or sizes than it names ("满足13寸和14寸" for "能充16寸吗")."""
    stated = f"{pair.question} {pair.answer}"
    return (
        contradicts(pair.question, asked)
        or states_another_amount(stated, asked)
        or states_another_size(stated, asked)
    )


def _find_faq(product: Product, question: str, min_overlap: float) -> FaqPair | None:
    """The product's FAQ pair closest to ``question``: Jaccard overlap of the characters and
    bigrams left once shared function words (能 可以 吗 用 ...) are removed, with and without the
    product's own names in the question, if ``min_overlap`` or more ("孕妇可以用吗" finds
    "孕妇能用吗", "敏感肌能用吗" does not); else the one pair whose characters and the question's
    hold one another with a character or two more or less, at the start or the end (``_holds``:
    "能戴着游泳吗" finds "能游泳吗"). A cheap exact-ish match before any semantic search."""
    whole = normalize(question)
    question = without_names(product, whole)  # "面霜早上能用吗" asks "早上能用吗"
    asked_core = _core(question)
    readings = (_grams(question), _grams(whole))  # the FAQ may name the goods too ("给笔记本充电")
    best, best_score = None, 0.0
    for pair in product.faq:
        if speaks_of_another(pair, whole):  # "北方冬天盖几斤" is never "南方冬天盖几斤"
            continue
        grams = _grams(pair.question)
        for asked in readings:
            union = asked | grams
            score = len(asked & grams) / len(union) if union else 0.0
            if score > best_score:
                best, best_score = pair, score
    if best_score >= min_overlap:
        return best
    held = [
        pair
        for pair in product.faq
        if not speaks_of_another(pair, whole)
        and (
            _holds(asked_core, core := _core(pair.question))
            or (len(asked_core) > 1 and _holds(core, asked_core))  # the FAQ's word more, never one character
        )
    ]
    return held[0] if len(held) == 1 else None


# An effect asked of the goods ("会不会上火", "会拉肚子吗"), not whether someone may have them.
_EFFECT_ASKED_RE = re.compile(r"会不会|会[\u4e00-\u9fff]{1,4}吗")


def _faq_mentioning(product: Product, words: Sequence[str], asked: str = "") -> FaqPair | None:
    """The FAQ pair whose question names one of ``words``; with ``asked`` (the viewer's words), the
    one that also asks what they ask beside those words ("宝宝两岁能吃吗" -> "宝宝能吃吗", never
    "小孩误食怎么办"): one asking nothing else ("宝宝能吃吗"), or sharing most of what else it asks
    (``_core``); None when every pair asks something else."""
    named = [f for f in product.faq if any(w in f.question for w in words)]
    if not asked:
        return named[0] if named else None

    def rest(faq: FaqPair) -> str:  # what the FAQ asks beside the words ("宝宝能吃吗" asks nothing else)
        return re.sub("|".join(map(re.escape, words)), " ", faq.question)

    # a pair asking nothing else ("小孩能吃吗") answers whether they may, not what it does to them
    # ("孩子吃会不会上火")
    effect = _EFFECT_ASKED_RE.search(asked) is not None
    fitting = [f for f in named if (not _core(rest(f)) and not effect) or _grams(rest(f)) & _grams(asked)]
    return max(fitting, key=lambda f: len(_grams(rest(f)) & _grams(asked)), default=None)


_NURSING_RE = re.compile(r"哺乳|喂奶|母乳")


def leaves_nursing_unsaid(asked: str, answer: str) -> bool:
    """Whether a question names nursing and an answer found for it says nothing of nursing (the
    sentence on pregnancy of "孕妇和哺乳期能用吗"): no answer for a safety question half answered."""
    return _NURSING_RE.search(asked) is not None and _NURSING_RE.search(answer) is None


# Who a product must be safe for, asked before any skin type: pregnancy, nursing, infants.
SAFETY_AGES = frozenset({"孕妇", "哺乳期", "婴儿"})


def answer_suitability(
    product: Product,
    skin_type: str | None = None,
    age: str | None = None,
    lang: str = "zh",
    nickname: str = "",
    asked: str = "",
) -> str | None:
    """Suitability for a skin type or age from the FAQ and the 适用肤质 / 适用年龄 attributes.
    Pregnancy, infants and other safety questions are answered only from the operator's FAQ, and
    before the skin type ("怀孕了能用控油的吗" is asked of a pregnant viewer, not an oily skin). An
    age group is said in many words (``slot_rules.age_words``: 宝宝, 孩子, 小孩); an FAQ naming one
    answers only where it asks what the viewer asks (``asked``: "我家宝宝两岁能吃吗" is "宝宝能吃吗",
    not "小孩误食怎么办")."""
    if age in SAFETY_AGES:
        skin_type = None
    if skin_type:
        faq = _faq_mentioning(product, SKIN_IN_CATALOG_TEXT.get(skin_type, (skin_type,)))
    else:
        faq = _faq_mentioning(product, age_words(age), asked) if age else None
        if faq is None and age is not None:
            faq = _faq_for_a_child(product, age, asked)
    if faq is not None:
        return finish(f"{product.name}：{faq.answer}", nickname, lang)
    if skin_type is not None:
        return _skin_answer(product, skin_type, lang, nickname)
    if age is not None:
        return _age_answer(product, age, lang, nickname)
    lines = key_value_lines(product, ("适用肤质", "适用年龄", "适用人群"), lang)
    return finish(f"{product.name} " + "；".join(lines), nickname, lang) if lines else None


# A child's age in years or months ("2岁", "8个月"), and an age bound an FAQ answer states ("3岁以下
# 不建议", "6个月以上").
_CHILD_AGE_RE = re.compile(r"(\d{1,2})\s*(岁|个月)")
_CHILD_YEARS_MAX = 12
_AGE_STATED_RE = re.compile(r"\d+\s*(?:岁|个月|周岁)")


def _faq_for_a_child(product: Product, age: str, asked: str) -> FaqPair | None:
    """For a child's age the FAQ does not name ("2岁能吃吗"), the FAQ pair about children or babies
    that asks what the viewer asks ("小孩能吃吗"), only where its answer states an age bound the
    viewer can hold their child's age against ("3岁以下不建议"); None otherwise: "可以吃" said of
    children is no answer for a given age."""
    m = _CHILD_AGE_RE.fullmatch(age)
    if m is None or (m.group(2) == "岁" and int(m.group(1)) > _CHILD_YEARS_MAX):
        return None
    groups = ("婴儿", "儿童") if m.group(2) == "个月" else ("儿童",)
    words = tuple(w for group in groups for w in age_words(group))
    faq = _faq_mentioning(product, words, asked)
    return faq if faq is not None and _AGE_STATED_RE.search(faq.answer) else None


def _skin_answer(product: Product, skin_type: str, lang: str, nickname: str) -> str | None:
    skus = skus_for_skin(product, skin_type)
    suited = product.attributes.get("适用肤质")
    if skus:
        variant = _variant_word(skus[0].spec) or skus[0].spec
        body = f"{skin_type}选{variant}" + (f"（适用肤质：{suited}）" if suited else "")
        return finish(f"{product.name} {body}", nickname, lang)
    if suited is None or not _speaks_of_skin(suited, skin_type):
        return None  # "敏感肌能用吗" is not answered by a list of other skin types
    return finish(f"{product.name}适用肤质：{suited}", nickname, lang)


def _speaks_of_skin(text: str, skin_type: str) -> bool:
    """Whether a catalog text names ``skin_type`` (its words in ``SKIN_IN_CATALOG_TEXT``) or every skin."""
    words = SKIN_IN_CATALOG_TEXT.get(skin_type, (skin_type,))
    return any(w in text for w in (*words, *EVERY_SKIN))


def _age_answer(product: Product, age: str, lang: str, nickname: str) -> str | None:
    suited = product.attributes.get("适用年龄") or product.attributes.get("适用人群")
    if suited is None or not (m := re.fullmatch(r"(\d+)岁", age)):
        return None  # 孕妇 / 婴儿 / 老人 without an FAQ answer: not ours to judge
    years = int(m.group(1))
    span = re.search(r"(\d+)\s*[-~到至]\s*(\d+)岁|(\d+)岁以上", suited)
    verdict = ""
    if span:
        low = int(span.group(1) or span.group(3))
        high = int(span.group(2)) if span.group(2) else None
        ok = years >= low and (high is None or years <= high)
        verdict = f"，{age}可以用" if ok else f"，{age}不在适用范围"
    return finish(f"{product.name}适用年龄：{suited}{verdict}", nickname, lang)


def _variant_word(spec: str) -> str | None:
    m = re.search(r"[\u4e00-\u9fff]{1,4}(款|装|版)", spec)
    return m.group(0) if m else None


def skus_for_skin(product: Product, skin_type: str) -> tuple[Sku, ...]:
    """SKUs whose variant word suits ``skin_type`` (控油款 for 油皮, 保湿款 for 干皮 ...)."""
    words = [w for w, skin in VARIANT_SKIN.items() if skin == skin_type]
    return tuple(s for s in product.skus if any(w in s.spec for w in words))


def clarify_variant(
    product: Product, options: Sequence[str] | None = None, lang: str = "zh", nickname: str = ""
) -> str | None:
    """A clarifying question between variants: "您是油皮想控油，还是干皮想保湿？" when the variants
    speak to skin types, else "有控油款、保湿款，您想了解哪一款？". None with fewer than two."""
    found = options or list(dict.fromkeys(w for s in product.skus if (w := _variant_word(s.spec))))
    if len(found) < 2:
        return None
    en = lang == "en"
    pairs = [(VARIANT_SKIN.get(re.sub(r"(款|装|版)$", "", o)), re.sub(r"(款|装|版)$", "", o)) for o in found]
    if not en and all(skin for skin, _ in pairs):
        return finish(
            "您是" + "，还是".join(f"{skin}想{word}" for skin, word in pairs) + "？", nickname, lang
        )
    body = f"which one: {join(found, lang)}?" if en else f"有{join(found, lang)}，您想了解哪一款？"
    return finish(body, nickname, lang)
