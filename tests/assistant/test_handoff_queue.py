"""Units of the handoff queue: ranking (purchase-blocking first), grouping by question, the cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.danmaku.intent import about_own_order
from assistant.danmaku.normalize import normalize
from assistant.danmaku.types import (
    HANDOFF_AFTER_SALES,
    HANDOFF_OTHER,
    HANDOFF_PURCHASE,
    Intent,
    handoff_rank,
)
from assistant.handoff_queue import group_handoffs, over_cap
from assistant.state import Handoff

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _h(msg_id: str, key: str, seconds: float, rank: int = HANDOFF_OTHER, intent: str = "other") -> Handoff:
    at = T0 + timedelta(seconds=seconds)
    return Handoff("room", msg_id, "v-" + msg_id, "n", "t-" + key, None, at, intent, key, rank)


def test_purchase_questions_rank_above_after_sales_above_the_rest() -> None:
    assert handoff_rank(Intent.STOCK, own_order=False) == HANDOFF_PURCHASE
    assert handoff_rank(Intent.PRICE, own_order=False) == HANDOFF_PURCHASE
    assert handoff_rank(Intent.SIZE, own_order=False) == HANDOFF_PURCHASE
    assert handoff_rank(Intent.SHIPPING, own_order=False) == HANDOFF_PURCHASE
    assert handoff_rank(Intent.AFTER_SALES, own_order=False) == HANDOFF_AFTER_SALES
    assert handoff_rank(Intent.PRICE_PROTECTION, own_order=False) == HANDOFF_AFTER_SALES
    assert handoff_rank(Intent.OTHER, own_order=False) == HANDOFF_OTHER
    assert HANDOFF_PURCHASE < HANDOFF_AFTER_SALES < HANDOFF_OTHER


def test_a_line_about_the_viewers_own_order_is_after_sales_whatever_its_intent() -> None:
    own = about_own_order(normalize("我的快递怎么还没到"))
    assert own
    assert handoff_rank(Intent.SHIPPING, own_order=own) == HANDOFF_AFTER_SALES
    assert handoff_rank("", own_order=False) == HANDOFF_OTHER  # a record without an intent


def test_groups_by_question_with_count_msg_ids_and_times() -> None:
    groups = group_handoffs([_h("m1", "a", 0), _h("m2", "b", 1), _h("m3", "a", 5), _h("m4", "a", 9)])
    assert [(g.question_key, g.count, g.msg_ids) for g in groups] == [
        ("a", 3, ("m1", "m3", "m4")),
        ("b", 1, ("m2",)),
    ]
    first = groups[0]
    assert (first.first_at, first.last_at, first.text) == (T0, T0 + timedelta(seconds=9), "t-a")


def test_groups_ordered_by_rank_then_age() -> None:
    groups = group_handoffs(
        [
            _h("m1", "chat", 0),
            _h("m2", "claim", 1, HANDOFF_AFTER_SALES, "after_sales"),
            _h("m3", "stock", 2, HANDOFF_PURCHASE, "stock"),
            _h("m4", "price", 3, HANDOFF_PURCHASE, "price"),
        ]
    )
    assert [g.question_key for g in groups] == ["stock", "price", "claim", "chat"]
    assert [g.rank for g in groups] == [0, 0, 1, 2]


def test_records_without_a_key_are_questions_of_their_own() -> None:
    groups = group_handoffs([_h("m1", "", 0), _h("m2", "", 1)])
    assert [g.msg_ids for g in groups] == [("m1",), ("m2",)]


def test_cap_counts_new_questions_in_the_last_minute_only() -> None:
    queued = [_h("m1", "a", 0), _h("m2", "b", 10), _h("m3", "a", 20)]
    at = T0 + timedelta(seconds=30)
    assert over_cap(queued, "c", at, max_new_per_min=2)  # a and b opened this minute
    assert not over_cap(queued, "c", at, max_new_per_min=3)
    assert not over_cap(queued, "a", at, max_new_per_min=1)  # joining an open question is free
    later = T0 + timedelta(seconds=65)  # a opened over a minute ago; only b counts
    assert not over_cap(queued, "c", later, max_new_per_min=2)
    assert over_cap(queued, "c", later, max_new_per_min=1)
