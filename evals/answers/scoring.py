"""Scoring one reply against its expectation, and the set's metrics. Pure functions.

A **wrong amount** is a money amount, discount rate or promised duration (days, hours, months) in
a reply that is not a fact of the products it talks about at that time (``grounding``) nor a
number of the question. A wrong clock time is counted apart (``wrong_times``). An **unsupported
number** is any number that appears nowhere in the catalog, the time facts or the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from assistant.danmaku.compliance import find_banned
from evals.answers.amounts import Kind, Mention, extract, strip_address, time_value, to_decimal
from evals.answers.dataset import Expect, time_item
from evals.answers.grounding import Grounding
from evals.answers.protocol import AskResult

STRICT_KINDS = (Kind.MONEY, Kind.RATE, Kind.RATE_OFF, Kind.DURATION)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """What a reply's text gets right and wrong, independent of product/intent/source."""

    missing: tuple[str, ...] = ()  # required items not in the reply
    forbidden_found: tuple[str, ...] = ()
    wrong_amounts: tuple[str, ...] = ()
    wrong_times: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()

    @property
    def facts_ok(self) -> bool:
        return not (self.missing or self.forbidden_found or self.wrong_amounts or self.wrong_times)


def _has_required(item: str, body: str, mentions: Sequence[Mention]) -> bool:
    """Whether one required item (``a|b``: either alternative) is in the reply."""
    return any(_has_one(alt, body, mentions) for alt in item.split("|") if alt)


def _has_one(item: str, body: str, mentions: Sequence[Mention]) -> bool:
    hm = time_item(item)
    if hm is not None:
        return any(m.kind is Kind.TIME and m.value == time_value(*hm) for m in mentions)
    value = to_decimal(item)
    if value is not None:
        return any(m.kind not in (Kind.TIME, Kind.DATE) and m.value == value for m in mentions)
    return item in body


def _has_forbidden(item: str, body: str, mentions: Sequence[Mention]) -> bool:
    value = to_decimal(item)
    if value is not None:
        return any(m.kind is Kind.MONEY and m.value == value for m in mentions)
    return item in body


def check_facts(
    text: str, grounding: Grounding, required: Sequence[str] = (), forbidden: Sequence[str] = ()
) -> FactCheck:
    """Required/forbidden items, wrong and unsupported numbers, banned terms of one reply."""
    body = strip_address(text)
    mentions = extract(text)
    wrong = tuple(
        m.text for m in mentions if m.kind in STRICT_KINDS and not grounding.allows(m.kind, m.value)
    )
    wrong_times = tuple(
        m.text for m in mentions if m.kind is Kind.TIME and not grounding.allows(m.kind, m.value)
    )
    return FactCheck(
        missing=tuple(r for r in required if not _has_required(r, body, mentions)),
        forbidden_found=tuple(f for f in forbidden if _has_forbidden(f, body, mentions)),
        wrong_amounts=wrong,
        wrong_times=wrong_times,
        unsupported=tuple(m.text for m in mentions if not grounding.is_known(m.kind, m.value)),
        banned=tuple(find_banned(text)),
    )


@dataclass(frozen=True, slots=True)
class TurnScore:
    """One turn's verdicts; None means the check does not apply to this turn."""

    case_id: str
    turn: int
    tags: tuple[str, ...]
    question: str
    reply: str
    reply_ok: bool
    product_ok: bool | None
    intent_ok: bool | None
    source_ok: bool | None
    facts: FactCheck
    expected_clarify: bool
    got_clarify: bool
    expected_handoff: bool
    handoff_ok: bool | None
    replied: bool
    expected_reply: bool | None
    has_required: bool
    llm_called: bool
    latency_ms: float
    source: str = ""
    product_id: str | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.problems


def _problems(s: TurnScore) -> tuple[str, ...]:
    out = []
    if not s.reply_ok:
        out.append("replied" if s.replied else "no reply")
    for name, ok in (
        ("product", s.product_ok),
        ("intent", s.intent_ok),
        ("source", s.source_ok),
        ("handoff", s.handoff_ok),
    ):
        if ok is False:
            out.append(f"wrong {name}")
    if s.expected_clarify != s.got_clarify and s.replied:
        out.append("clarify expected" if s.expected_clarify else "needless clarify")
    f = s.facts
    out += [f"missing {x}" for x in f.missing] + [f"forbidden {x}" for x in f.forbidden_found]
    out += [f"wrong amount {x}" for x in f.wrong_amounts] + [f"wrong time {x}" for x in f.wrong_times]
    out += [f"banned {x}" for x in f.banned]
    return tuple(out)


def score_turn(
    case_id: str,
    turn_no: int,
    tags: Sequence[str],
    question: str,
    expect: Expect,
    result: AskResult,
    grounding: Grounding,
) -> TurnScore:
    """Score one turn: every applicable check, plus the list of problems (empty: passed)."""
    replied = result.replied
    answered = replied and expect.reply is not False
    facts = (
        check_facts(result.text, grounding, expect.required if answered else (), expect.forbidden)
        if replied
        else FactCheck()
    )
    got_clarify = replied and result.source == "clarify"
    handoff_ok = None
    if expect.handoff and expect.reply is not False:
        handoff_ok = replied and (result.source == "handoff" or result.source in expect.source_in)
    score = TurnScore(
        case_id=case_id,
        turn=turn_no,
        tags=tuple(tags),
        question=question,
        reply=result.text,
        reply_ok=expect.reply is None or expect.reply == replied,
        product_ok=_product_ok(expect, result),
        intent_ok=(result.intent == expect.intent) if (answered and expect.intent) else None,
        source_ok=(result.source in expect.source_in) if (answered and expect.source_in) else None,
        facts=facts,
        expected_clarify=expect.clarify,
        got_clarify=got_clarify,
        expected_handoff=expect.handoff,
        handoff_ok=handoff_ok,
        replied=replied,
        expected_reply=expect.reply,
        has_required=bool(expect.required) and expect.reply is not False,
        llm_called=result.llm_called,
        latency_ms=result.latency_ms,
        source=result.source,
        product_id=result.product_id,
    )
    return _with_problems(score)


def _product_ok(expect: Expect, result: AskResult) -> bool | None:
    """Right product; a question that needed an answer and got none resolved nothing (False)."""
    if not expect.check_product or expect.reply is False or (expect.reply is None and not result.replied):
        return None
    return result.replied and result.product_id == expect.product_id


def _with_problems(score: TurnScore) -> TurnScore:
    return replace(score, problems=_problems(score))


def _share(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 1.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _precision_recall(scores: Sequence[TurnScore], expected: str, got: str) -> tuple[float, float]:
    exp = [bool(getattr(s, expected)) for s in scores]
    pred = [bool(getattr(s, got)) for s in scores]
    tp = sum(e and p for e, p in zip(exp, pred, strict=True))
    return (tp / sum(pred) if sum(pred) else 1.0), (tp / sum(exp) if sum(exp) else 1.0)


def summarize(scores: Sequence[TurnScore]) -> dict[str, float]:
    """The set's metrics (shares in [0, 1], counts, latencies in ms); primary: ``exact_fact_accuracy``."""
    replies = [s for s in scores if s.replied]
    expected_answer = [s for s in scores if s.expected_reply]
    with_facts = [s for s in scores if s.has_required]
    followup = [s for s in scores if "followup" in s.tags and s.product_ok is not None]
    cases: dict[str, list[TurnScore]] = {}
    for s in scores:
        cases.setdefault(s.case_id, []).append(s)
    multi = [turns for turns in cases.values() if len(turns) > 1]
    clarify_p, clarify_r = _precision_recall(
        [s for s in scores if s.replied], "expected_clarify", "got_clarify"
    )
    handoff_turns = [s.handoff_ok for s in scores if s.handoff_ok is not None]
    handoff_pred = [s for s in replies if s.source == "handoff"]
    latencies = [s.latency_ms for s in scores]
    return {
        "cases": float(len(cases)),
        "turns": float(len(scores)),
        "pass_rate": _share([s.passed for s in scores]),
        "case_pass_rate": _share([all(t.passed for t in turns) for turns in cases.values()]),
        "multi_turn_pass_rate": _share([all(t.passed for t in turns) for turns in multi]),
        "exact_fact_accuracy": _share([s.replied and s.facts.facts_ok for s in with_facts]),
        "wrong_amounts": float(sum(len(s.facts.wrong_amounts) for s in scores)),
        "wrong_times": float(sum(len(s.facts.wrong_times) for s in scores)),
        "replies_with_wrong_amounts": float(sum(1 for s in scores if s.facts.wrong_amounts)),
        "unsupported_numbers": float(sum(len(s.facts.unsupported) for s in scores)),
        "forbidden_hits": float(sum(len(s.facts.forbidden_found) for s in scores)),
        "banned_terms": float(sum(len(s.facts.banned) for s in scores)),
        "banned_term_rate": _share([bool(s.facts.banned) for s in replies]) if replies else 0.0,
        "product_resolution": _share([bool(s.product_ok) for s in scores if s.product_ok is not None]),
        "product_resolution_followup": _share([bool(s.product_ok) for s in followup]),
        "intent_accuracy": _share([bool(s.intent_ok) for s in scores if s.intent_ok is not None]),
        "source_accuracy": _share([bool(s.source_ok) for s in scores if s.source_ok is not None]),
        "clarify_precision": clarify_p,
        "clarify_recall": clarify_r,
        "handoff_correct": _share([bool(h) for h in handoff_turns]),
        "handoff_precision": _share([s.expected_handoff for s in handoff_pred]),
        "answer_rate": _share([s.replied for s in expected_answer]),
        "no_reply_correct": _share([not s.replied for s in scores if s.expected_reply is False]),
        "answered_without_llm": _share([not s.llm_called for s in replies]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p99_ms": percentile(latencies, 99),
    }


def per_tag(scores: Sequence[TurnScore]) -> dict[str, dict[str, float]]:
    """Turn pass rate and count per tag (for the report's bar chart)."""
    tags: dict[str, list[bool]] = {}
    for s in scores:
        for tag in s.tags:
            tags.setdefault(tag, []).append(s.passed)
    return {t: {"pass_rate": _share(v), "turns": float(len(v))} for t, v in sorted(tags.items())}


def amount_values(text: str) -> list[Decimal]:
    """The money amounts of ``text`` (a helper for reports and tests)."""
    return [m.value for m in extract(text) if m.kind is Kind.MONEY]
