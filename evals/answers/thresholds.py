"""The gate of ``liveshop eval answers --gate``: the floor (or ceiling) of every gated metric.

Measured on the no-LLM path (catalog facts, FAQ, clarify, handoff) that CI runs. A metric is
gated as ``("min", x)``: must be >= x, or ``("max", x)``: must be <= x.
"""

from __future__ import annotations

from collections.abc import Mapping

THRESHOLDS: dict[str, tuple[str, float]] = {
    # A wrong price, coupon, rate or promised number of days binds the shop (TARGETS.md): none.
    "wrong_amounts": ("max", 0.0),
    # A wrong flash-sale / coupon end time misleads buyers the same way: none.
    "wrong_times": ("max", 0.0),
    # 广告法 第九条: no absolute term in any reply, including echoed catalog text (SP02).
    "banned_terms": ("max", 0.0),
    # Injected or stale amounts ("1元", the flash price after 20:10) named by the cases: none.
    "forbidden_hits": ("max", 0.0),
    # Follow-ups ("它", "那黑色的呢", "3号链接", stage switches) on the right product (TARGETS.md).
    "product_resolution_followup": ("min", 0.95),
    # Every product question on the right product, named, staged or by link number.
    "product_resolution": ("min", 0.90),
    # Required facts all present and nothing wrong, over the turns that name facts.
    "exact_fact_accuracy": ("min", 0.85),
    # The intent label drives the template; a wrong one gives a right-looking wrong answer.
    "intent_accuracy": ("min", 0.85),
    # Chatter, spam and abuse stay unanswered (the room is not flooded, abuse never echoed).
    "no_reply_correct": ("min", 0.95),
    # Questions that deserve an answer get one (a silent bot is no assistant).
    "answer_rate": ("min", 0.90),
    # Ambiguous questions get a clarifying question ...
    "clarify_recall": ("min", 0.80),
    # ... and clear ones do not (a needless "which one?" costs a round trip).
    "clarify_precision": ("min", 0.85),
    # Unanswerable questions are handed to the host, not guessed.
    "handoff_correct": ("min", 0.80),
    # The multi-turn cases (follow-ups, clarifications, stage switches) pass end to end.
    "multi_turn_pass_rate": ("min", 0.80),
    # Busy rooms are answered without the LLM (TARGETS.md: >= 90 % on the replay).
    "answered_without_llm": ("min", 0.90),
}


def gate_failures(
    metrics: Mapping[str, float], thresholds: Mapping[str, tuple[str, float]] = THRESHOLDS
) -> list[str]:
    """One line per gated metric that misses its threshold (empty: the gate passes)."""
    failures = []
    for name, (how, limit) in thresholds.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: missing from the report")
        elif (how == "min" and value < limit) or (how == "max" and value > limit):
            failures.append(f"{name} = {value:.4g}, needs {'>=' if how == 'min' else '<='} {limit:g}")
    return failures
