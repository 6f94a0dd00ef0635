"""Scoring the pipeline's replies to real lines against the hand labels. Pure functions.

The pipeline has fewer intents than the labels (``assistant.danmaku.types.Intent``); ``ACCEPTED``
says which pipeline intents are right for each label class. A line the pipeline did not answer has
the predicted intent ``NO_REPLY``, right for chat, spam and the lines a person must handle.

A **wrong confident answer** is a reply whose source states something as the room's answer
(``CONFIDENT_SOURCES``: catalog, faq, llm, fallback — a grounded product note — and clarify, which
asserts the line is about the room's products) when the label says any of:
``product_ref = other_product`` (about a product the room does not carry), ``action`` is
``handoff`` or ``silent`` (no answer was right), or the predicted intent is not accepted for the
label's intent (an answer to a question not asked). Its rate is a share of all replies.

**Answerable recall**: of the lines labelled ``answerable = yes`` and ``action = answer``, the
share answered from a non-clarify confident source with an accepted intent.

**Chat handed off**: of the replies with source ``handoff``, the share whose label is chat to the
host or a greeting/praise (a person was paged for nothing). Its counterweight, **needs a person,
left silent** (``person_silent_rate``): of the lines labelled ``handoff``, the share that got no
reply at all (no page; only the host's own reading of the feed catches them). Silence lowers the
first and raises the second, so the two are read together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evals.answers.protocol import AskResult
from evals.answers.real_language_data import CHAT_INTENTS, INTENTS, Label
from evals.answers.scoring import percentile

NO_REPLY = "(no reply)"
CONFIDENT_SOURCES = frozenset({"catalog", "faq", "llm", "fallback", "clarify"})
ANSWER_SOURCES = frozenset({"catalog", "faq", "llm", "fallback"})
_QUIET = frozenset({"other", NO_REPLY})
ACCEPTED: dict[str, frozenset[str]] = {
    "price": frozenset({"price"}),
    "quantity_price": frozenset({"price"}),
    "discount": frozenset({"discount"}),
    "gifts": frozenset({"discount", "other"}),
    "flash_sale": frozenset({"flash_sale"}),
    "price_protection": frozenset({"price_protection"}),
    "stock": frozenset({"stock"}),
    "shipping": frozenset({"shipping"}),
    "size": frozenset({"size"}),
    "variant": frozenset({"variant"}),
    "material": frozenset({"material"}),
    "spec": frozenset({"other", "material"}),  # specs are catalog attributes; no pipeline intent
    "shelf_life": frozenset({"other"}),
    "suitability": frozenset({"suitability"}),
    "usage": frozenset({"usage"}),
    "after_sales": frozenset({"after_sales"}),
    "how_to_order": frozenset({"how_to_order"}),
    "order_status": _QUIET,
    "order_change": _QUIET,
    "after_sales_claim": _QUIET | {"after_sales"},
    "invoice": _QUIET,
    "complaint": _QUIET | {"after_sales"},
    "product_not_sold_here": _QUIET,
    "chat_to_host": frozenset({NO_REPLY}),
    "greeting_praise": frozenset({NO_REPLY}),
    "spam": frozenset({NO_REPLY}),
    "other": _QUIET,
}
GOALS: dict[str, tuple[str, float]] = {
    # The goals for the answerer on real language.
    "wrong_confident_answer_rate": ("max", 0.02),
    "answerable_recall": ("min", 0.90),
    "chat_handoff_share": ("max", 0.05),
}
assert set(ACCEPTED) == set(INTENTS), "every label intent needs its accepted pipeline intents"


@dataclass(frozen=True, slots=True)
class LineScore:
    """One labelled line's outcome (no text: reports carry only the sha1)."""

    sha1: str
    source: str  # the line's data source
    label_intent: str
    label_action: str
    answerable: bool
    predicted_intent: str  # the pipeline's intent, or NO_REPLY
    reply_source: str  # catalog | faq | llm | fallback | clarify | handoff, "" when silent
    predicted_action: str  # answer | clarify | handoff | silent
    intent_ok: bool
    wrong_confident: bool
    answered_ok: bool  # answered from a confident source with an accepted intent
    latency_ms: float


def predicted_action(result: AskResult) -> str:
    """The action the pipeline took: silent, handoff, clarify, or answer."""
    if not result.replied:
        return "silent"
    if result.source in ("handoff", "clarify"):
        return result.source
    return "answer"


def score_line(label: Label, result: AskResult) -> LineScore:
    """Score one reply (or silence) against its label."""
    predicted = (result.intent or "other") if result.replied else NO_REPLY
    intent_ok = predicted in ACCEPTED[label.intent]
    confident = result.replied and result.source in CONFIDENT_SOURCES
    wrong = confident and (
        label.product_ref == "other_product" or label.action in ("handoff", "silent") or not intent_ok
    )
    return LineScore(
        sha1=label.sha1,
        source=label.source,
        label_intent=label.intent,
        label_action=label.action,
        answerable=label.answerable,
        predicted_intent=predicted,
        reply_source=result.source if result.replied else "",
        predicted_action=predicted_action(result),
        intent_ok=intent_ok,
        wrong_confident=wrong,
        answered_ok=result.replied and result.source in ANSWER_SOURCES and intent_ok,
        latency_ms=result.latency_ms,
    )


def _share(hits: Sequence[bool], empty: float) -> float:
    return sum(hits) / len(hits) if hits else empty


def summarize_lines(scores: Sequence[LineScore]) -> dict[str, float]:
    """The yardstick's metrics: shares in [0, 1], counts, latencies in ms."""
    replies = [s for s in scores if s.reply_source]
    handoffs = [s for s in replies if s.reply_source == "handoff"]
    answerable = [s for s in scores if s.answerable and s.label_action == "answer"]
    chat = [s for s in scores if s.label_intent in CHAT_INTENTS]
    for_a_person = [s for s in scores if s.label_action == "handoff"]
    latencies = [s.latency_ms for s in scores]
    return {
        "lines": float(len(scores)),
        "replies": float(len(replies)),
        "reply_rate": _share([bool(s.reply_source) for s in scores], 0.0),
        "intent_accuracy": _share([s.intent_ok for s in scores], 0.0),
        "action_accuracy": _share([s.predicted_action == s.label_action for s in scores], 0.0),
        "wrong_confident_answers": float(sum(s.wrong_confident for s in replies)),
        "wrong_confident_answer_rate": _share([s.wrong_confident for s in replies], 0.0),
        "answerable_lines": float(len(answerable)),
        "answerable_recall": _share([s.answered_ok for s in answerable], 0.0),
        "handoffs": float(len(handoffs)),
        "chat_handoffs": float(sum(s.label_intent in CHAT_INTENTS for s in handoffs)),
        "chat_handoff_share": _share([s.label_intent in CHAT_INTENTS for s in handoffs], 0.0),
        "chat_lines": float(len(chat)),
        "chat_silent_rate": _share([not s.reply_source for s in chat], 1.0),
        "person_lines": float(len(for_a_person)),
        "person_silent_rate": _share([not s.reply_source for s in for_a_person], 0.0),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p99_ms": percentile(latencies, 99),
    }


def confusion(scores: Sequence[LineScore]) -> dict[str, dict[str, int]]:
    """label intent -> predicted intent -> count (rows in ``INTENTS`` order, only labels present)."""
    table: dict[str, dict[str, int]] = {}
    for s in scores:
        row = table.setdefault(s.label_intent, {})
        row[s.predicted_intent] = row.get(s.predicted_intent, 0) + 1
    order = {name: i for i, name in enumerate(INTENTS)}
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items(), key=lambda kv: order[kv[0]])}


def action_confusion(scores: Sequence[LineScore]) -> dict[str, dict[str, int]]:
    """label action -> predicted action -> count."""
    table: dict[str, dict[str, int]] = {}
    for s in scores:
        row = table.setdefault(s.label_action, {})
        row[s.predicted_action] = row.get(s.predicted_action, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def by_source(scores: Sequence[LineScore]) -> dict[str, dict[str, float]]:
    """The metrics per data source (jddc2019, livechat)."""
    groups: dict[str, list[LineScore]] = {}
    for s in scores:
        groups.setdefault(s.source, []).append(s)
    return {name: summarize_lines(group) for name, group in sorted(groups.items())}


def goal_failures(metrics: Mapping[str, float], goals: Mapping[str, tuple[str, float]] = GOALS) -> list[str]:
    """One line per goal the metrics miss (empty: every goal met)."""
    failures = []
    for name, (how, limit) in goals.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: missing from the report")
        elif (how == "min" and value < limit) or (how == "max" and value > limit):
            failures.append(f"{name} = {value:.4g}, needs {'>=' if how == 'min' else '<='} {limit:g}")
    return failures
