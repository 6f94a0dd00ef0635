"""The further questions of a line that asks several ("多少钱 包邮吗", "有黑色吗 什么面料").

A line is read whole: one intent, one product, one answer. A viewer who types two questions in one
line got half an answer, and in a live room that is the common way to ask ("多少钱 包邮吗"). The
pipeline answers the line as usual (its first question alone where its questions name different
products or versions: ``first_question``) and then each further clause that asks something else of
the same product, joined into one reply. A further clause is taken only where it is as safe as a
line of its own: it asks (``triage.asked_clauses``), it is a question by the rules, it is not about
the viewer's own order, it names neither another product nor goods the room lacks, and the
understanding model (when there is one) would not hand it to a person; a clause the model would not
answer outright may get only what the product's own FAQ, attributes or sentences state, as the same
line alone would (``FurtherAsk.stated_only``). The answerer joins only confident catalog or FAQ
answers of the same product, never the LLM's, at most ``answering.MAX_ASKS`` in a reply
(``answering.Answerer.answer``); anything else is left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace

from assistant.danmaku.answering import MAX_ASKS
from assistant.danmaku.basket import JOINED_RE, pieces_naming
from assistant.danmaku.brands import asks_another_brand
from assistant.danmaku.intent import (
    about_own_order,
    asks_whether_sold,
    extract_product_reference,
    goods_of_a_kind_asked,
    sold_thing,
    understand,
    version_asked,
)
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.product_questions import VERSION_INTENTS, version_held
from assistant.danmaku.resolve import names_other_goods, skus_holding, stage_claims
from assistant.danmaku.slot_rules import TOTAL_WORDS
from assistant.danmaku.triage import asked_clauses
from assistant.danmaku.types import FurtherAsk, Intent, Slots, Triage, Understanding
from assistant.danmaku.understanding import UnderstandingModel
from knowledge.domain import Catalog, Product

# Further clauses read at most (some repeat the first answer and are dropped by the answerer).
MAX_FURTHER = 2 * MAX_ASKS
# Intents answered from the words asked (the product's FAQ, attributes or sentences; no price, stock
# or order template): two clauses of one such intent ask two things ("防水吗 能接电话吗"); two of a
# template intent ask one unless they name two versions ("多少钱 啥价" one, "钢带多少钱 皮表带多少钱" two).
WORDED_INTENTS = frozenset({Intent.SUITABILITY, Intent.USAGE, Intent.MATERIAL, Intent.OTHER})
# A name that is only a total's word ("一共"): no goods.
_TOTAL_WORDS_RE = re.compile(TOTAL_WORDS)
# Template intents whose answer is one product's and says its name (a shipping policy does not: it
# is said of no name): one question of this kind asked of
# several products the line names ("7号和4号多少钱", "洗面奶和爽肤水有货吗") is asked of each.
ALIKE_INTENTS = frozenset(
    {Intent.PRICE, Intent.STOCK, Intent.HOW_TO_ORDER, Intent.FLASH_SALE, Intent.DISCOUNT}
)


def first_question(line: Understanding, matcher: ProductMatcher) -> Understanding:
    """What the pipeline answers first: the whole line, unless its questions pull apart, naming
    different products ("吐司多少钱 曲奇保质期几个月") or different versions ("保湿款多少钱 控油款有货
    吗"), where a whole-line reading would take its intent from one and its product or version from
    the other: then its first question alone (the rest are ``further_asks``)."""
    clauses = asked_clauses(line.normalized) if line.triage is Triage.QUESTION else ()
    if len(clauses) == 1 and line.intent is not Intent.OTHER:
        # one piece asks of a version or of the product in view, the rest tell ("旅行装有吗
        # 想带上飞机", "这个多少钱 包邮"): what is asked is that piece's
        asked = understand(clauses[0])
        reference = extract_product_reference(asked.normalized)
        points = _version(asked.slots) != (None,) * 3 or (reference is not None and reference.kind == "stage")
        if points and asked.intent is not Intent.OTHER and asked.intent is not line.intent:
            return replace(line, intent=asked.intent)
        if asks_whether_sold(asked.normalized) and (
            sold_thing(asked.normalized) or goods_of_a_kind_asked(asked.normalized)
        ):
            # "请问店里有卖眼影盘吗？想配这个唇釉一起买": the goods asked for, not the product the
            # telling piece points at
            return asked
    if len(clauses) < 2:
        return line
    read = [understand(c) for c in clauses]
    products = {p for r in read for p in matcher.match(r.normalized).exact}
    versions = {v for r in read if (v := _version(r.slots)) != (None,) * 3}
    if len(products) < 2 and len(versions) < 2:
        return line
    return read[0] if read[0].triage is Triage.QUESTION else line


def further_asks(
    line: Understanding,
    first: Understanding,
    product: Product,
    catalog: Catalog,
    matcher: ProductMatcher,
    model: UnderstandingModel | None,
) -> tuple[FurtherAsk, ...]:
    """The clauses of the ``line`` that may ask something else of ``product`` (the product its
    ``first`` question resolved to: ``first_question``), in the line's order; () for a line of one
    question. That first question itself, and a clause of the template intent already answered
    ("多少钱 啥价"), are skipped; the answerer drops an answer that repeats one already in the reply. A
    clause asking whether a version is there ("巧克力味有吗") asks its stock, as the same line alone
    does (``product_questions.version_held``)."""
    clauses = asked_clauses(line.normalized)
    if len(clauses) < 2:
        return others_asked_alike(line, first, product, matcher, catalog)
    seen = {_asks(first)}
    out: list[FurtherAsk] = []
    for clause in clauses:
        read = understand(clause)
        if read.normalized == first.normalized:
            continue
        if _asks(read) in seen and read.intent not in WORDED_INTENTS:
            continue  # the line's own question ("有黑色吗 多少钱" was read as the colours asked)
        asked, route = _read_alone(read, model)
        if route == "handoff":
            continue
        version = version_held(asked.normalized, product)
        if version and asked.intent in VERSION_INTENTS:
            slots = replace(asked.slots, variant_hint=asked.slots.variant_hint or version)
            asked = replace(asked, intent=Intent.STOCK, slots=slots)
        elif asked.slots.variant_hint is None and (named := _version_named(asked, product)):
            # "钢带多少钱 皮表带多少钱": the version its spec holds, as the same line alone
            asked = replace(asked, slots=replace(asked.slots, variant_hint=named))
        if (
            asked.triage is not Triage.QUESTION
            or (_asks(asked) in seen and asked.intent not in WORDED_INTENTS)
            or about_own_order(asked.normalized)
            or _names_another(asked, product, matcher, catalog)
        ):
            continue
        seen.add(_asks(asked))
        # "有黑色吗 多少钱": the price of the black one; a clause's own version word wins
        filled = replace(asked, slots=_filled(asked.slots, line.slots))
        out.append(FurtherAsk(filled, stated_only=route != "answer"))
        if len(out) == MAX_FURTHER:
            break
    return tuple(out)


def others_asked_alike(
    line: Understanding, first: Understanding, product: Product, matcher: ProductMatcher, catalog: Catalog
) -> tuple[FurtherAsk, ...]:
    """The same question asked of the other products a one-question line names beside ``product``
    ("7号和4号多少钱": 4号's price after 7号's; "洗面奶和爽肤水有货吗"), each a ``FurtherAsk`` with its
    ``product_id``; () unless the question is of a template kind that names its product
    (``ALIKE_INTENTS``), not about the viewer's own order, and the line names ``product`` and at least
    one other, each unmistakably: by a link number, or a piece between the joining words
    (``basket.pieces_naming``) that names exactly one product; not where the line names a version
    (whose product the link read first may not be). At most ``MAX_ASKS`` products in a reply."""
    if first.intent not in ALIKE_INTENTS or line.triage is not Triage.QUESTION:
        return ()
    if _version(first.slots) != (None,) * 3:
        return ()  # "黑色开衫和12号有货吗": the version is one product's, which the link may not be
    products = products_asked_alike(line.normalized, matcher, catalog)
    if product.product_id not in products:
        return ()
    bare = replace(first, slots=replace(first.slots, link_no=None))  # no version: see above
    others = [p for p in products if p != product.product_id][: MAX_ASKS - 1]
    return tuple(FurtherAsk(bare, product_id=p) for p in others)


def products_asked_alike(normalized: str, matcher: ProductMatcher, catalog: Catalog) -> tuple[str, ...]:
    """The products a one-question line names apart, in its order, when it names two or more and is
    not about the viewer's own order: the pieces between the joining words that each name one
    product by its link number or a name only it has (``basket.pieces_naming``: "洗面奶和爽肤水多少钱",
    "7号和4号有货吗"); else ()."""
    if about_own_order(normalized) or not JOINED_RE.search(normalized):
        return ()
    clauses = asked_clauses(normalized)
    if len(clauses) > 1:
        return ()
    asked = clauses[0] if clauses else normalized  # the asking piece, not one that tells ("想配这个…")
    named = [p.product_id for _, p in pieces_naming(asked, matcher, catalog) if p is not None]
    products = tuple(dict.fromkeys(named))
    return products if len(products) >= 2 else ()


def _names_another(asked: Understanding, product: Product, matcher: ProductMatcher, catalog: Catalog) -> bool:
    """Whether a clause points at another thing than the line's product: another link, a name the
    catalog gives to other products only ("羽绒服多少钱 围巾什么面料"), unless the product's own
    words hold it ("要卸妆吗" of a sunscreen whose FAQ speaks of 卸妆, though a 卸妆油 is sold;
    ``resolve.stage_claims``), or goods the room does not sell ("防晒多少钱 卸妆膏有吗": the same
    checks as the line's own name, ``resolve.names_other_goods``), or another maker's goods
    (``brands.asks_another_brand``). Part of a name is no naming."""
    if asked.slots.link_no is not None:
        return matcher.by_link.get(asked.slots.link_no) != product.product_id
    if asks_another_brand(asked.normalized, catalog):  # "耳机多少钱 苹果耳机多少钱"
        return True
    names = matcher.match(asked.normalized)
    reference = extract_product_reference(asked.normalized)
    span = reference.text if reference is not None and reference.kind == "name" else ""
    if _TOTAL_WORDS_RE.fullmatch(span):
        span = ""  # "…一共多少钱": a total of what the line asks of, no goods
    if span and names_other_goods(span, names, catalog, asked.normalized):
        return True
    return (
        bool(names.exact)
        and product.product_id not in names.exact
        and not stage_claims(product, names.key, asked.intent)
    )


def _read_alone(asked: Understanding, model: UnderstandingModel | None) -> tuple[Understanding, str]:
    """The clause as the pipeline reads such a line alone: the model's route for it ("answer"
    without a model) and, when it answers, the model's intent where sure ("儿童款多少钱" asks a
    price, though 儿童 reads as who it suits), never turning a version asked into its stock."""
    if model is None:
        return asked, "answer"
    reference = extract_product_reference(asked.normalized)
    decision = model.decide(asked, reference.kind if reference is not None else None)
    if (
        decision.route == "answer"
        and decision.intent is not None
        and not (decision.intent is Intent.STOCK and version_asked(asked.normalized))
    ):
        asked = replace(asked, intent=decision.intent)
    return asked, decision.route


def _version_named(asked: Understanding, product: Product) -> str:
    """The words of a clause's name that a spec of the product holds ("皮表带" of "玫瑰金 皮表带"),
    else ""."""
    reference = extract_product_reference(asked.normalized)
    span = reference.text if reference is not None and reference.kind == "name" else ""
    return span if span and skus_holding(product, span) else ""


def _asks(understanding: Understanding) -> tuple[Intent, tuple[str | None, ...]]:
    """A question's kind and the version it names: "钢带多少钱 皮表带多少钱" asks two prices, "多少钱
    啥价" one."""
    return understanding.intent, _version(understanding.slots)


def _version(slots: Slots) -> tuple[str | None, ...]:
    """The version a question names: its colour, size and variant words."""
    return slots.color, slots.size, slots.variant_hint


def _filled(own: Slots, line: Slots) -> Slots:
    """A clause's slots with each one it lacks taken from the whole line's."""
    missing = {f.name: getattr(line, f.name) for f in fields(Slots) if getattr(own, f.name) is None}
    return replace(own, **{name: value for name, value in missing.items() if value is not None})
