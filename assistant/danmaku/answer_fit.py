"""Whether a statement of the catalog (an FAQ pair, an attribute, a sentence) can be the answer to
the question asked, beyond sharing its words: it must not speak of another quantity, size or thing.

- **Another quantity** (FAQ pairs): "能充16寸的笔记本吗" against the FAQ "65W单口满足13寸和14寸轻薄本":
  the pair was written for 13 and 14 inches, and its "可以" is no answer for 16. Only exact amounts
  in a unit of measure count; a bound or a range ("12岁以上", "13-16寸") speaks to any amount.
- **Another size** (every statement): "XL的充绒量多少" against "充绒量：约120g（M码）".
- **A measure with no number**: "鞋底多厚" against "鞋底：橡胶防滑底" (the sole, not its thickness).
- **A named thing it never names**: a Chinese question naming a device or feature in Latin letters
  ("能给switch充电吗", "有rgb灯吗") against a sentence without it ("22.5W双向快充"). A maker's name
  ("能连ipad吗") and a comparison ("跟airpods pro比降噪咋样") are answered by the product's own words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.danmaku.brands import LATIN_BRANDS
from assistant.danmaku.slot_rules import sizes_named
from assistant.danmaku.vocabulary import CJK

# Exact amounts in a unit of measure ("16寸", "500ml", "3岁"), unless a bound or a range follows or
# precedes ("12岁以上", "13-16寸", "3到6岁").
_MEASURE_UNITS = r"英寸|寸|毫升|ml|升|千克|kg|公斤|克|g|斤|mah|毫安|w|瓦|cm|厘米|毫米|mm|岁"
_AMOUNT_RE = re.compile(rf"(?<![\d.\-~～到至])(\d+(?:\.\d+)?)\s*({_MEASURE_UNITS})(?![a-z])")
_BOUND_AFTER_RE = re.compile(r"\s*(?:以上|以下|以内|之内|及以上|起|左右|\+|[\-~～到至]\s*\d)")
_CJK_RE = re.compile(CJK)
_DIMENSION_ASKED_RE = re.compile(r"多(?:厚|高|长|宽(?!松)|重|粗|深)|几(?:厘米|公分|毫米|cm|mm|斤|克|寸)")
# A content or share asked ("玻色因含量多少", "浓度百分之几"): said in digits ("含量93%", "3.6g/100ml");
# the numerals of a chemical name ("羟丙基四氢吡喃三醇") say none.
_SHARE_ASKED_RE = re.compile(r"(?:含量|浓度)(?:是|有)?多少|百分之几|(?:多少|几)(?:%|个点)")
_DIGIT_RE = re.compile(r"\d")
_NUMBER_RE = re.compile(r"\d|[一二两三四五六七八九十半]")
# Latin words of a Chinese question that are no names: units, sizes, tech words every catalog spells
# its own way (type-c, usb, pd), chat ("hhh", "yyds"); a maker's name ("能连ipad吗") and a comparison
# ("跟airpods pro比降噪咋样") are answered by the product's own words.
_LATIN_WORD_RE = re.compile(r"(?<![a-z])[a-z]{2,}(?![a-z])")
_REPEATED_LETTER_RE = re.compile(r"^([a-z])\1+$")
_NOT_A_NAME = frozenset(
    (
        *("ml", "kg", "cm", "mm", "mah", "xl", "xs", "xxl", "xxxl"),  # units and sizes
        *("pd", "qc", "usb", "type", "typec", "led", "app", "ai", "vip", "diy"),  # tech words
        *("ok", "ps", "pk", "emm", "yyds", "jms", "xswl", "awsl", "nb", "hello", "hi"),  # chat
    )
)
_COMPARED_RE = re.compile(r"比|那么|那样|不如")
# How a catalog may name what a Latin word names: a Mac runs macOS, an Android phone is 安卓.
_ALSO_NAMED: dict[str, tuple[str, ...]] = {"mac": ("macos", "苹果"), "android": ("安卓",)}


@lru_cache(maxsize=4096)
def _exact_amounts(text: str) -> dict[str, frozenset[str]]:
    """Unit -> the exact amounts a text gives in it (cached: catalog texts are read for every line)."""
    lowered = text.lower()
    out: dict[str, set[str]] = {}
    for match in _AMOUNT_RE.finditer(lowered):
        if _BOUND_AFTER_RE.match(lowered, match.end()) is None:
            out.setdefault(match.group(2), set()).add(match.group(1))
    return {unit: frozenset(amounts) for unit, amounts in out.items()}


def states_another_amount(stated: str, asked: str) -> bool:
    """Whether ``stated`` gives exact amounts in a unit ``asked`` names an amount in, none of them
    the one asked ("满足13寸和14寸" against "能充16寸吗")."""
    wanted = _exact_amounts(asked)
    if not wanted:
        return False
    given = _exact_amounts(stated)
    return any(unit in given and not (amounts & given[unit]) for unit, amounts in wanted.items())


def states_another_size(stated: str, asked: str) -> bool:
    """Whether ``stated`` names sizes (S M L XL, 38码 ...) and ``asked`` names one of none of them."""
    wanted = sizes_named(asked)
    if not wanted:
        return False
    given = sizes_named(stated)
    return bool(given) and not (wanted & given)


def misses_the_measure(stated: str, asked: str) -> bool:
    """Whether ``asked`` asks how thick, tall, long, wide or heavy ("鞋底多厚") and ``stated`` holds
    no number to say it, or a content or share ("含量多少") and ``stated`` no digit."""
    if _SHARE_ASKED_RE.search(asked) is not None and _DIGIT_RE.search(stated) is None:
        return True
    return _DIMENSION_ASKED_RE.search(asked) is not None and _NUMBER_RE.search(stated) is None


# A question of working with or having a thing ("能给switch充电吗", "有rgb灯吗"), not of a quality said
# in English ("落肩是不是很oversize").
_WITH_OR_HAS_RE = re.compile(r"能|可以|给|连|充|配|支持|兼容|适用|适配|有没有|有.{0,8}(?:吗|嘛|么|不)")


def misses_a_named_thing(stated: str, asked: str) -> bool:
    """Whether a Chinese question of working with or having things named in Latin letters
    ("能给switch充电吗", "有rgb灯吗") is answered by a statement that names none of them (units,
    sizes, tech words, chat and makers' names aside). ``asked`` is the question without the
    product's own names ("air3续航多久" names nothing else)."""
    if _COMPARED_RE.search(asked) or not _WITH_OR_HAS_RE.search(asked):
        return False  # "跟airpods pro比降噪咋样": the product's own figure answers
    names = {
        w
        for w in _LATIN_WORD_RE.findall(asked.lower())
        if w not in _NOT_A_NAME and w not in LATIN_BRANDS and not _REPEATED_LETTER_RE.match(w)
    }
    if not names or not _CJK_RE.search(asked):
        return False
    said = stated.lower().replace(" ", "")
    return not any(word in said for name in names for word in (name, *_ALSO_NAMED.get(name, ())))


def fits(stated: str, asked: str) -> bool:
    """Whether a catalog statement may answer the question: no other size, no missing measure, no
    missing named thing (``states_another_amount`` is the FAQ's own check: an attribute's amount
    answers a question of another, "续航约8小时" to "能用10小时吗")."""
    return not (
        states_another_size(stated, asked)
        or misses_the_measure(stated, asked)
        or misses_a_named_thing(stated, asked)
    )
