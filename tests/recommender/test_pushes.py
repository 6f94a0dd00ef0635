"""Pushes: triggers, caps, dedupe, offer validity at push time, opt-out."""

from __future__ import annotations

from recommender import ActiveOffer, Event, OfferKind, PushKind, PushPolicy, Recommender, RecommenderOptions
from tests.recommender.conftest import T, make_items


def room(**policy: float) -> Recommender:
    return Recommender(make_items(), RecommenderOptions(push=PushPolicy(**policy)))  # type: ignore[arg-type]


def ask(rec: Recommender, viewer: str, pid: str, n: int, ts: float) -> None:
    rec.ingest([Event(f"{viewer}-q{pid}{i}", viewer, "question", pid, ts) for i in range(n)], now=ts)


def test_repeated_questions_push_a_coupon_valid_at_push_time_only() -> None:
    rec = room()
    coupon = ActiveOffer("A3", "C1", "面霜券", valid_from=T + 50, valid_to=T + 100)
    rec.set_offers([coupon])
    ask(rec, "v1", "A3", 2, T)
    assert rec.due_pushes(T + 10) == []  # no coupon valid yet: no push, trigger waits
    pushes = rec.due_pushes(T + 50)
    assert [(p.kind, p.product_id, p.offer) for p in pushes] == [(PushKind.QUESTION_OFFER, "A3", coupon)]
    ask(rec, "v2", "A3", 2, T + 99)
    assert rec.due_pushes(T + 100) == []  # valid_to is exclusive: never an expired coupon


def test_one_question_or_item_in_cart_does_not_trigger() -> None:
    rec = room()
    rec.set_offers([ActiveOffer(None, "S1", "店铺券", T, T + 1000)])
    ask(rec, "v1", "A3", 1, T)
    rec.ingest([Event("c", "v2", "add_to_cart", "B1", T)], now=T)
    ask(rec, "v2", "B1", 3, T)
    assert rec.due_pushes(T + 1) == []


def test_frequency_cap_min_gap_and_dedupe() -> None:
    rec = room(max_per_window=2, window_s=600, min_gap_s=60, dedupe_s=3600)
    rec.set_offers([ActiveOffer(None, "S1", "店铺券", T, T + 10_000)])
    ask(rec, "v1", "A1", 2, T)
    ask(rec, "v1", "A2", 2, T)
    ask(rec, "v1", "A3", 2, T)
    sent = [p.product_id for t in range(0, 300, 5) for p in rec.due_pushes(T + t)]
    assert sent == ["A1", "A2"]  # second one after the 60 s gap, third blocked by the window cap
    assert rec.profiles["v1"].push_times == [T, T + 60]
    ask(rec, "v1", "A1", 2, T + 700)  # window has passed, but A1 was pushed within dedupe_s
    assert [p.product_id for p in rec.due_pushes(T + 700)] == []


def test_dwell_with_interest_pushes_the_on_stage_product_with_a_valid_coupon() -> None:
    rec = room(dwell_s=120)
    rec.set_offers([ActiveOffer("B1", "C1", "西装券", T, T + 1000)])
    rec.set_stage("B1", T)
    assert rec.due_pushes(T) == []  # nobody present yet for the on-stage match
    rec.ingest(
        [Event("in", "v1", "enter", None, T + 10), Event("in2", "v2", "enter", None, T + 10)], now=T + 10
    )
    ask(rec, "v1", "B1", 1, T + 20)  # some interest (one question, below the repeat trigger)
    rec.ingest([Event("vc", "v1", "click_link", "B1", T + 21)], now=T + 21)
    assert rec.due_pushes(T + 100) == []  # not long enough yet
    pushes = rec.due_pushes(T + 131)
    assert [(p.viewer_id, p.kind) for p in pushes] == [("v1", PushKind.DWELL_OFFER)]  # v2 shows no interest


def test_matching_product_going_on_stage_is_pushed() -> None:
    rec = room()
    rec.ingest([Event("in", "v1", "enter", None, T)], now=T)
    rec.ingest([Event(f"e{i}", "v1", "view_card", "B2", T + i) for i in range(3)], now=T + 3)
    rec.set_stage("B2", T + 10)
    pushes = rec.due_pushes(T + 10)
    assert [(p.kind, p.product_id, p.offer) for p in pushes] == [(PushKind.ON_STAGE_MATCH, "B2", None)]
    assert pushes[0].reason == "你感兴趣的阔腿裤正在讲解"


def test_cart_reminder_before_a_flash_sale_ends_and_not_after_order() -> None:
    rec = room(reminder_lead_s=120)
    sale = ActiveOffer("B4", "FS1", "限时秒杀", T, T + 600, OfferKind.FLASH_SALE)
    rec.set_offers([sale])
    rec.ingest([Event("c1", "v1", "add_to_cart", "B4", T), Event("c2", "v2", "add_to_cart", "B4", T)], now=T)
    rec.ingest([Event("o2", "v2", "order", "B4", T + 10)], now=T + 10)
    assert rec.due_pushes(T + 470) == []
    pushes = rec.due_pushes(T + 480)
    assert [(p.viewer_id, p.kind, p.offer) for p in pushes] == [("v1", PushKind.CART_REMINDER, sale)]
    assert rec.due_pushes(T + 600) == []  # sale over (exclusive end)


def test_viewers_who_left_or_opted_out_get_no_push() -> None:
    rec = room()
    rec.set_offers([ActiveOffer(None, "S1", "店铺券", T, T + 1000)])
    rec.ingest([Event("in", "v1", "enter", None, T), Event("out", "v1", "leave", None, T + 1)], now=T + 1)
    ask(rec, "v1", "A1", 2, T + 2)
    ask(rec, "v2", "A1", 2, T + 2)
    rec.set_opt_out("v2", True)
    assert rec.due_pushes(T + 3) == []


def test_disabled_policy_never_pushes() -> None:
    rec = room(enabled=False)
    rec.set_offers([ActiveOffer(None, "S1", "店铺券", T, T + 1000)])
    ask(rec, "v1", "A1", 2, T)
    assert rec.due_pushes(T + 1) == []
