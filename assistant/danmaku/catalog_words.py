"""Answers in the catalog's own words: a question about something the product's description,
attribute values or FAQ answers state is answered with that statement, quoted, without an LLM.

Many catalogs hold their facts only as prose ("主动降噪，续航32小时，支持双设备连接"). Viewers ask
in other words ("续航多久", "能连两个手机吗"), so matching works on meaning units, not strings:

- **concepts** (``CONCEPTS``): a small vocabulary of the notions shoppers ask about, each with the
  words a question or a catalog uses for it (续航 = 续航 / 电池 / 待机 / 用多久 ...; 两个 = 双 / 两台 /
  2个 ...). A few are *modal* (能用, 支持, 适合): they never make a match on their own;
- **content words**: the Chinese left in the question once the product's names, question and
  function words (``_FUNCTION_RE``) and concept words are removed, compared as character bigrams.

A catalog sentence (a clause of ``knowledge.retrieval.chunks.sentences``: split at ，。；！？ and
line ends) answers the question when it covers every concept of the question and at least
``MIN_CONTENT_COVER`` of its content bigrams, and the match rests on something topical (a
non-modal concept or two content characters). The confident match with the most evidence wins;
ties go to the earlier sentence (descriptions open with the main facts). Questions about the host
("主播用的什么") are not about the product. Nothing is paraphrased, so no number can be made up:
the reply is the product's name and the sentence as
the operator wrote it (sanitised by the caller).

``question_terms`` is the same reading of a question as a hashable tuple: the answer cache keys on
it, so two questions of one intent that ask for different things never share a reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.danmaku.answer_fit import fits
from assistant.danmaku.answer_templates import finish
from assistant.danmaku.attributes import ABOUT_THE_HOST, without_name_words
from assistant.danmaku.vocabulary import A_NOT_A, SKIN_TYPES, in_catalog_words
from knowledge.domain import Product
from knowledge.retrieval.chunks import sentences

# concept -> (words that express it, whether it is modal: "can / supports / suits", never enough alone)
CONCEPTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "battery": (("续航", "电池", "待机", "用多久", "用多长时间", "充一次", "电量", "mah"), False),
    # how long charging takes is not how long a charge lasts ("充电多久能充满" is no 续航 question)
    "charge_time": (("充满", "充电多久", "充电要多久", "充电时间", "多久充好", "充好"), False),
    # the things charging goes through ("送充电线吗" asks for a cable, not how it charges; a cable
    # is not a charger)
    "cable": (("充电线", "数据线", "线材"), False),
    "charger": (("充电头", "充电器"), False),
    "charge": (("充电", "快充", "闪充"), False),
    "dual": (("双", "两个", "两台", "两部", "两只", "2个", "2台", "2部", "多设备", "一拖二"), False),
    "device": (("设备", "手机", "电脑", "平板", "ipad", "iphone", "笔记本"), False),
    "connect": (("连接", "连", "配对", "蓝牙"), False),
    "noise": (("降噪", "隔音", "噪音", "吵"), False),
    "waterproof": (("防水", "防汗", "泡水", "淋雨"), False),
    # skin types: the viewer's words for them (``vocabulary``) and the care that goes with them
    "sensitive": (SKIN_TYPES["敏感肌"], False),
    "oily": ((*SKIN_TYPES["油皮"], "控油", "出油"), False),
    "dry": ((*SKIN_TYPES["干皮"], "保湿", "补水"), False),
    "acne": ((*SKIN_TYPES["痘痘肌"], "痘痘", "长痘", "祛痘"), False),
    # nursing is no pregnancy: a sentence safe in pregnancy ("孕期可以使用") says nothing of nursing
    "pregnant": (("孕妇", "孕期", "怀孕"), False),
    "nursing": (("哺乳", "喂奶", "母乳"), False),
    "child": (("儿童", "小孩", "孩子", "宝宝", "婴儿", "学生"), False),
    "makeup_off": (("卸妆", "卸掉", "洗掉", "卸淡妆", "卸浓妆", "卸彩妆", "卸眼妆", "淡妆", "浓妆"), False),
    "clean": (("干净", "清洁", "洁净", "洗净"), False),
    "ingredient": (("成分", "配方", "配料", "原料", "表活", "皂基"), False),
    "male": (("男士", "男生", "男性", "男人", "男的", "男女"), False),
    "foam": (("泡沫", "起泡", "泡泡"), False),
    "tight": (("紧绷", "拔干", "干涩"), False),
    "morning_night": (("早晚", "早上", "晚上", "白天", "夜间"), False),
    "warm": (("保温", "保冷", "保暖"), False),
    "weight": (("重量", "多重", "克重", "轻便", "轻薄", "重不重", "沉不沉", "重吗", "沉吗", "轻不轻"), False),
    "size": (("尺寸", "多大", "大小", "体积"), False),
    "origin": (("产地", "哪里产", "哪产", "产自", "原产", "进口", "国产"), False),
    "shelf": (("保质期", "有效期", "保质", "过期", "能放多久", "放多久"), False),
    "wash": (("机洗", "手洗", "水洗", "干洗", "可洗", "洗衣机"), False),
    "screen": (("屏幕", "显示屏", "屏"), False),
    "light": (("背光", "灯光", "rgb"), False),
    # "安卓能用吗" is answered by "支持iOS和安卓手机": using and supporting are one concept
    "can_use": (("能用", "可以用", "可用", "适用", "适合", "通用", "用得了", "支持", "兼容"), True),
}
MIN_CONTENT_COVER = 0.6  # share of the question's content bigrams a sentence must hold
MAX_QUOTED = 2  # sentences quoted at most (the best, and a second as good)

_FUNCTION_RE = re.compile(
    r"请问|问一下|想问|你好|您好|亲|这个|这款|那个|那款|它|能不能|可不可以|可以|是不是|是否|会不会|有没有|"
    r"多久|多长|多少|多大的?|几|什么|怎么样|怎么|怎样|如何|哪|吗|呢|吧|啊|呀|么|嘛|哦|的|了|是|能|会|还|也|"
    r"一下|一般|大概|具体|效果|功能|性能|请|用户|我|你|他|她|需要|需不需要|要不要|用不用|得|另外|额外|单独|"
    # after use, said many ways ("洗完", "洗后", "用了以后"): the time of the question, not its topic
    r"(?:洗|用|涂|擦|抹|敷)(?:完|后|了)(?:以后|之后)?|之后|以后|"
    r"以上|以下|以内|左右|之间|上下|差不多|"  # qualifiers of an amount, never what is asked about
    r"直接|真的|完全|"  # adverbs of manner ("能直接洗掉吗" asks whether it washes off)
    # which ("有哪些"), and 有 / 含 of "有X吗", "含酒精吗": the thing asked about is X
    r"哪些|一些|这些|那些|含有|含|有"
)
# A fabric's finish named after washing ("水洗做旧工艺", "水洗棉"): how it was made, not how to wash it
# ("能机洗吗" is not answered by it).
_WASHED_FINISH_RE = re.compile(r"水洗(?=做旧|工艺|牛仔|棉|丹宁|磨白)")
# An A-not-A question ("粘不粘", "起球不起球"): what is asked about is A alone; read before the
# function words, so "煎蛋粘不粘" asks about 煎蛋 and 粘, not about "粘不".
_A_NOT_A_RE = re.compile(A_NOT_A)
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
# The concept words, longest first, so "敏感肌" is read before "敏感" and "用多久" before "多久".
_CONCEPT_WORDS: tuple[tuple[str, str], ...] = tuple(
    sorted(((w, c) for c, (words, _) in CONCEPTS.items() for w in words), key=lambda wc: -len(wc[0]))
)
_MODAL = frozenset(c for c, (_, modal) in CONCEPTS.items() if modal)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a text says, for matching: its concepts and its content bigrams."""

    concepts: frozenset[str]
    bigrams: frozenset[str]

    @property
    def topical(self) -> bool:
        return bool(self.concepts - _MODAL) or bool(self.bigrams)


def read(text: str, drop: Iterable[str] = (), finish_is_washing: bool = False) -> Reading:
    """The concepts and content bigrams of ``text`` (lower-cased), with the words of ``drop``
    (a product's own names) removed first. A washed finish ("水洗做旧工艺") says nothing of washing
    unless ``finish_is_washing`` (a question of the finish itself: "是水洗的吗")."""
    rest = text.lower()
    for word in sorted((d.lower() for d in drop if d), key=len, reverse=True):
        rest = rest.replace(word, " ")
    if not finish_is_washing:
        rest = _WASHED_FINISH_RE.sub(" ", rest)
    concepts = set()
    for word, concept in _CONCEPT_WORDS:
        if word in rest:
            concepts.add(concept)
            rest = rest.replace(word, " ")
    rest = _A_NOT_A_RE.sub(r" \1 ", rest)
    rest = _FUNCTION_RE.sub(" ", rest)
    grams = {run[i : i + 2] for run in _CJK_RUN_RE.findall(rest) for i in range(len(run) - 1)}
    return Reading(frozenset(concepts), frozenset(grams))


# Concepts that can be things on sale themselves (a phone, a laptop): never read as a mere aspect.
_THINGS = frozenset({"device", "cable", "charger"})
_ASPECT_WORDS = tuple(w for w, c in _CONCEPT_WORDS if c not in _THINGS and len(w) >= 2)


def names_aspect(span: str, text: str = "") -> bool:
    """Whether a would-be product name is a property a shopper asks about ("续航", "防水", "保质期",
    "连两个手机"): it overlaps, in ``text`` (or in itself), a word of two or more characters of a
    concept that is never itself on sale ("有效期多久" leaves the span "效期")."""
    where = (text or span).lower()
    start = where.find(span.lower())
    if start < 0:
        where, start = span.lower(), 0
    end = start + len(span)
    for word in _ASPECT_WORDS:
        at = where.find(word)
        while at >= 0:
            if at < end and at + len(word) > start:
                return True
            at = where.find(word, at + 1)
    return False


# Who a product suits: the subject a suitability answer (skin types, ages, people) speaks about.
_WHO_CONCEPTS = frozenset({"sensitive", "oily", "dry", "acne", "pregnant", "child", "male"})
_WHO_RE = re.compile(r"男|女|老人|大人|成人|学生|皮肤|肤质|肌|岁|人")


def asks_about_a_thing(normalized: str, product: Product) -> bool:
    """Whether a "能用吗 / 适合吗" question names something other than who would use the product
    ("转接头能用吗", "夏天能用吗"): the suitability answer (skin types, ages) does not answer it;
    only a catalog sentence that states it may."""
    if _WHO_RE.search(normalized):
        return False
    reading = read(normalized, product_names(product))
    if reading.concepts & _WHO_CONCEPTS:
        return False
    return bool(reading.bigrams) or bool(reading.concepts - _MODAL)


def question_terms(normalized: str) -> tuple[str, ...]:
    """The question's concepts and content bigrams, sorted: what it asks for, as a cache-key part."""
    reading = read(normalized)
    return (*sorted(reading.concepts), *sorted(reading.bigrams))


def product_names(product: Product) -> tuple[str, ...]:
    """The words a line may name the product by: its name and the name's parts, aliases, brand."""
    words = [product.name, *product.aliases, *(product.name.split())]
    if product.brand:
        words.append(product.brand)
    return tuple(w for w in words if len(w) >= 2)


def catalog_sentences(product: Product) -> list[str]:
    """The product's own statements, in order: description sentences, attribute lines ("key：value",
    values split like sentences), FAQ answers. Not the SKUs: which versions there are and which are
    in stock is the variant and stock templates' to say ("有米白的L吗" is no quote of "米白 M")."""
    out = _clauses(product.description)
    for key, value in product.attributes.items():
        out.extend(f"{key}：{part}" for part in _clauses(value))
    for pair in product.faq:
        out.extend(_clauses(pair.answer))
    return out


def _clauses(text: str) -> list[str]:
    return sentences(text, clauses=True, keep_marks=False)


def _evidence(asked: Reading, sentence: Reading, text: str) -> int:
    """How much of the question one sentence answers (0: it does not answer it)."""
    if not asked.concepts <= sentence.concepts:
        return 0
    held = {g for g in asked.bigrams if g in text}
    if asked.bigrams and len(held) < MIN_CONTENT_COVER * len(asked.bigrams):
        return 0
    topical = len(asked.concepts - _MODAL) + len(held)
    return 0 if topical == 0 else 2 * topical + len(asked.concepts & _MODAL)


def quote_answer(product: Product, normalized: str, lang: str = "zh") -> str | None:
    """The sentence(s) of the product's own text that answer the question, quoted after its name,
    or None when no sentence answers it confidently (see the module docstring)."""
    if any(w in normalized for w in ABOUT_THE_HOST):
        return None
    normalized = in_catalog_words(normalized)  # "北方冬天" is the attribute's "北方冬季"
    asked = read(normalized, product_names(product))
    if not asked.topical:
        return None
    scored = []
    of_the_finish = "水洗" in normalized  # "是水洗的吗" asks the finish; "能机洗吗" how to wash
    unnamed = without_name_words(product, normalized)
    for i, sentence in enumerate(catalog_sentences(product)):
        if not fits(sentence, unnamed):  # another size, no number for a measure, no thing asked
            continue
        said = read(sentence, product_names(product), finish_is_washing=of_the_finish)
        score = _evidence(asked, said, sentence.lower())
        if score:
            scored.append((-score, i, sentence))
    if not scored:
        return None
    scored.sort()
    best = -scored[0][0]
    quoted = list(dict.fromkeys(s for score, _, s in scored if -score == best))[:MAX_QUOTED]
    sep = "; " if lang == "en" else "；"
    return finish(
        f"{product.name}: {sep.join(quoted)}" if lang == "en" else f"{product.name}：{sep.join(quoted)}"
    )
