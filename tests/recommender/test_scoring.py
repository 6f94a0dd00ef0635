"""Recommendations: exclusions, immediacy, reasons, offers, opt-out."""

from __future__ import annotations

import numpy as np

from recommender import ActiveOffer, Event, ItemInfo, Recommender, StageSlot
from tests.recommender.conftest import T, make_items


def ids(rec: Recommender, viewer: str, now: float, k: int = 3) -> list[str]:
    return [r.product_id for r in rec.recommend(viewer, now, k)]


def test_an_event_changes_the_next_recommendation(rec: Recommender) -> None:
    rec.set_stage("B4", T)
    before = ids(rec, "v1", T + 1)
    rec.ingest([Event("e1", "v1", "click_link", "A3", T + 1)], now=T + 1)
    after = rec.recommend("v1", T + 1)
    assert after[0].product_id == "A3" and "A3" not in before
    assert after[0].reason == "你刚看过面霜"


def test_bought_and_out_of_stock_items_are_never_recommended(rec: Recommender) -> None:
    rec.ingest(
        [
            Event("e1", "v1", "view_card", "A4", T),  # out of stock
            Event("e2", "v1", "add_to_cart", "A1", T + 1),
            Event("e3", "v1", "order", "A1", T + 2),
        ],
        now=T + 2,
    )
    got = ids(rec, "v1", T + 3, k=8)
    assert "A1" not in got and "A4" not in got
    assert len(got) == 6
    top = rec.recommend("v1", T + 3, k=1)[0]
    assert (top.product_id, top.reason) == ("A2", "搭配你买过的洁面")


def test_cart_complement_and_stage_reasons(rec: Recommender) -> None:
    rec.set_stage("B3", T)
    rec.ingest([Event("e1", "v1", "add_to_cart", "B1", T)], now=T)
    reasons = {r.product_id: r.reason for r in rec.recommend("v1", T + 1, k=3)}
    assert reasons == {"B1": "你购物车里的西装", "B2": "搭配你购物车里的西装", "B3": "正在讲解"}


def test_starting_soon_uses_the_planned_schedule(rec: Recommender) -> None:
    rec.set_schedule([StageSlot("B4", T + 200, T + 500)])
    assert rec.recommend("anyone", T, k=1)[0].reason == "马上开讲"
    assert rec.recommend("anyone", T + 600, k=1)[0].reason != "马上开讲"


def test_offer_is_attached_only_while_valid(rec: Recommender) -> None:
    offer = ActiveOffer("B2", "C1", "满200减30", valid_from=T + 10, valid_to=T + 20)
    rec.set_offers([offer])
    rec.ingest([Event("e1", "v1", "view_card", "B2", T)], now=T)
    assert rec.recommend("v1", T + 9, k=1)[0].offer is None
    first = rec.recommend("v1", T + 10, k=1)[0]
    assert first.offer == offer and first.reason.endswith("有券可用")
    assert rec.recommend("v1", T + 20, k=1)[0].offer is None  # valid_to is exclusive


def test_opt_out_deletes_the_profile_and_recommends_stage_and_popular_only(rec: Recommender) -> None:
    rec.ingest([Event("e1", "v1", "add_to_cart", "A3", T)], now=T)
    rec.set_opt_out("v1", True)
    assert not rec.has_profile("v1") and "v1" not in rec.carts.get("A3", set())
    rec.set_stage("B1", T + 5)
    for n in range(3):
        rec.ingest([Event(f"p{n}", f"fan{n}", "order", "B3", T + 6)], now=T + 6)
    rec.ingest([Event("e2", "v1", "view_card", "A2", T + 7)], now=T + 7)
    assert not rec.has_profile("v1")  # events of an opted-out viewer keep no profile...
    assert rec.room.popularity.value("A2", T + 7) > 0  # ...but still count as popularity
    got = rec.recommend("v1", T + 8, k=2)
    assert [(r.product_id, r.reason) for r in got] == [("B1", "正在讲解"), ("B3", "直播间热卖")]
    assert rec.due_pushes(T + 1000) == []
    rec.set_opt_out("v1", False)
    rec.ingest([Event("e3", "v1", "view_card", "A2", T + 9)], now=T + 9)
    assert rec.has_profile("v1")


def test_embeddings_drive_similarity_when_given() -> None:
    base = make_items()
    vecs = {"A1": [1.0, 0.0], "B4": [0.99, 0.1]}  # A1's nearest neighbour is in another category
    items = [
        ItemInfo(i.product_id, i.category, None, i.price_band, i.attributes, (), i.in_stock,
                 np.array(vecs.get(i.product_id, [0.0, 1.0]), dtype=np.float32), i.name)
        for i in base
    ]  # fmt: skip
    rec = Recommender(items)
    rec.ingest([Event("e1", "v1", "order", "A1", T)], now=T)
    top = rec.recommend("v1", T + 1, k=1)[0]
    assert (top.product_id, top.reason) == ("B4", "和你看过的洁面相似")


def test_co_engagement_among_the_room_s_viewers(rec: Recommender) -> None:
    for n in range(4):  # fans who looked at 洁面 also looked at 大衣
        rec.ingest(
            [
                Event(f"f{n}a", f"fan{n}", "view_card", "A1", T),
                Event(f"f{n}b", f"fan{n}", "view_card", "B4", T),
            ]
        )
    rec.ingest([Event(f"o{n}", f"buyer{n}", "order", "B3", T) for n in range(3)], now=T)  # the hit item
    rec.ingest([Event("e1", "v1", "view_card", "A1", T + 1)], now=T + 1)
    reasons = {r.product_id: r.reason for r in rec.recommend("v1", T + 1, k=5)}
    assert reasons.get("B4") == "看过洁面的人也在看"


def test_co_engagement_table_grows_and_counts_each_viewer_once() -> None:
    from recommender.room import CoEngagement

    co = CoEngagement(max_products=50)
    for n in range(40):
        co.add(f"p{n}", [f"p{n - 1}"] if n else [])
    co.add("p39", ["p0"])
    assert co.count("p1", "p0") == co.count("p0", "p1") == 1.0
    assert co.count("p39", "p0") == 1.0 and co.count("p5", "p7") == 0.0
    assert CoEngagement.from_dict(co.to_dict()).to_dict() == co.to_dict()
    capped = CoEngagement(max_products=2)
    capped.add("a", [])
    capped.add("b", ["a"])
    capped.add("c", ["a", "b"])  # beyond the cap: not tracked
    assert capped.ids == ["a", "b"] and capped.count("a", "b") == 1.0
