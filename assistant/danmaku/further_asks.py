"""The further questions of a line that asks several ("多少钱 包邮吗", "有黑色吗 什么面料").

A line is read whole: one intent, one product, one answer. A viewer who types two questions in one
line got half an answer, and in a live room that is the common way to ask ("多少钱 包邮吗"). The
pipeline answers the line as usual and then each further clause that asks something else of the
same product, joined into one reply. A further clause is taken only where it is as safe as a line
of its own: it asks (``triage.asked_clauses``), it is a question by the rules, it is not about the
viewer's own order, it names no other product, and the understanding model (when there is one)
would not hand it to a person; a clause the model would not answer outright may get only what the
product's own FAQ, attributes or sentences state, as the same line alone would
(``FurtherAsk.stated_only``). The answerer joins only confident catalog or FAQ answers of the same
product (``answering.Answerer.answer``); anything else is left out, never guessed.
"""

from __future__ import annotations

from dataclasses import fields, replace

from assistant.danmaku.intent import about_own_order, extract_product_reference, understand, version_asked
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.product_questions import VERSION_INTENTS, version_held
from assistant.danmaku.resolve import stage_claims
from assistant.danmaku.triage import asked_clauses
from assistant.danmaku.types import FurtherAsk, Intent, Slots, Triage, Understanding
from assistant.danmaku.understanding import UnderstandingModel
from knowledge.domain import Product

# At most this many questions answered in one reply (the line's own and the further ones): a reply
# is read on a phone over a moving feed.
MAX_ASKS = 3
# Intents answered from the words asked (the FAQ, attributes): two clauses of one such intent ask two
# things ("防水吗 能接电话吗"); two of a template intent ask one ("多少钱 啥价", "有黑色吗 有白色吗").
WORDED_INTENTS = frozenset({Intent.SUITABILITY, Intent.USAGE, Intent.MATERIAL, Intent.OTHER})


def further_asks(
    understanding: Understanding,
    product: Product,
    matcher: ProductMatcher,
    model: UnderstandingModel | None,
) -> tuple[FurtherAsk, ...]:
    """The clauses of ``understanding``'s line that may ask something else of ``product`` (the
    product the line resolved to), in the line's order; () for a line of one question. A clause of
    the template intent already answered ("多少钱 啥价") is skipped; the answerer drops an answer
    that repeats one already in the reply. A clause asking whether a version is there ("巧克力味有
    吗") asks its stock, as the same line alone does (``product_questions.version_held``)."""
    clauses = asked_clauses(understanding.normalized)
    if len(clauses) < 2:
        return ()
    seen = {understanding.intent}
    out: list[FurtherAsk] = []
    for clause in clauses:
        read = understand(clause)
        if read.intent in seen and read.intent not in WORDED_INTENTS:
            continue  # the line's own question ("有黑色吗 多少钱" was read as the colours asked)
        asked, route = _read_alone(read, model)
        if route == "handoff":
            continue
        version = version_held(asked.normalized, product)
        if version and asked.intent in VERSION_INTENTS:
            slots = replace(asked.slots, variant_hint=asked.slots.variant_hint or version)
            asked = replace(asked, intent=Intent.STOCK, slots=slots)
        if (
            asked.triage is not Triage.QUESTION
            or (asked.intent in seen and asked.intent not in WORDED_INTENTS)
            or about_own_order(asked.normalized)
            or _names_another(asked, product, matcher)
        ):
            continue
        seen.add(asked.intent)
        # "有黑色吗 多少钱": the price of the black one; a clause's own version word wins
        filled = replace(asked, slots=_filled(asked.slots, understanding.slots))
        out.append(FurtherAsk(filled, stated_only=route != "answer"))
        if len(out) == MAX_ASKS:
            break
    return tuple(out)


def _names_another(asked: Understanding, product: Product, matcher: ProductMatcher) -> bool:
    """Whether a clause points at another product than the line's: another link, or a name the
    catalog gives to other products only ("羽绒服多少钱 围巾什么面料"), unless the product's own
    words hold it ("要卸妆吗" of a sunscreen whose FAQ speaks of 卸妆, though a 卸妆油 is sold;
    ``resolve.stage_claims``). Part of a name is no naming."""
    if asked.slots.link_no is not None:
        return matcher.by_link.get(asked.slots.link_no) != product.product_id
    names = matcher.match(asked.normalized)
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


def _filled(own: Slots, line: Slots) -> Slots:
    """A clause's slots with each one it lacks taken from the whole line's."""
    missing = {f.name: getattr(line, f.name) for f in fields(Slots) if getattr(own, f.name) is None}
    return replace(own, **{name: value for name, value in missing.items() if value is not None})
