"""Ingest policy: idempotency and every kind of bad input."""

from __future__ import annotations

from recommender import Event, Recommender, RecommenderOptions
from tests.recommender.conftest import T, make_items


def ev(eid: str, typ: str = "view_card", pid: str | None = "A1", ts: float = T, viewer: str = "v1") -> Event:
    return Event(eid, viewer, typ, pid, ts)


def test_duplicates_are_noops_within_and_across_batches(rec: Recommender) -> None:
    first = rec.ingest([ev("e1"), ev("e1")], now=T)
    assert (first.accepted, first.duplicates) == (1, 1)
    before = rec.profiles["v1"].products["A1"]
    again = rec.ingest([ev("e1", ts=T + 5)], now=T + 5)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert rec.profiles["v1"].products["A1"] == before


def test_seen_ids_are_bounded_lru() -> None:
    rec = Recommender(make_items(), RecommenderOptions(seen_ids_max=3))
    rec.ingest([ev(f"e{i}", ts=T + i) for i in range(5)], now=T + 5)
    assert list(rec.seen) == ["e2", "e3", "e4"]
    assert rec.ingest([ev("e0", ts=T)], now=T + 5).accepted == 1  # forgotten: applied again


def test_unknown_type_missing_fields_and_future_are_rejected_with_reasons(rec: Recommender) -> None:
    report = rec.ingest(
        [
            ev("e1", typ="teleport"),
            ev("e2", typ="add_to_cart", pid=None),
            ev("e3", ts=T + 61),
            ev("e4", ts=float("nan")),
            Event("", "v1", "like", None, T),
            ev("e5", ts=T + 60),  # exactly at the skew limit: accepted
        ],
        now=T,
    )
    reasons = dict(report.rejected)
    assert "unknown event type 'teleport'" in reasons["e1"]
    assert "needs a product_id" in reasons["e2"]
    assert "in the future" in reasons["e3"]
    assert "finite" in reasons["e4"]
    assert reasons[""] == "missing event_id"
    assert report.accepted == 1
    # A rejected event is not remembered: the corrected retry is applied.
    assert rec.ingest([ev("e3", ts=T)], now=T).accepted == 1


def test_unknown_product_counts_for_the_viewer_without_item_interest(rec: Recommender) -> None:
    report = rec.ingest([ev("e1", pid="NOPE", viewer="new")], now=T)
    assert (report.accepted, report.unknown_products) == (1, 1)
    assert rec.has_profile("new")
    assert rec.profiles["new"].products == {}
    assert "NOPE" not in rec.room.popularity.values


def test_out_of_order_event_decays_from_its_own_ts(rec: Recommender) -> None:
    hl = rec.options.profile.half_life_s
    rec.ingest([ev("late", ts=T + hl)], now=T + hl)
    rec.ingest([ev("early", ts=T)], now=T + hl)  # arrives later, happened earlier
    got = rec.profiles["v1"].interest_now("A1", T + hl, hl)
    assert abs(got - (1.0 + 0.5)) < 1e-9  # 1 view now + 1 view one half-life ago


def test_like_without_product_goes_to_the_product_on_stage(rec: Recommender) -> None:
    rec.set_stage("B1", T)
    rec.ingest([ev("e1", typ="like", pid=None, ts=T + 1)], now=T + 1)
    weight = rec.options.profile.event_weights["like"] * rec.options.profile.no_product_share
    assert abs(rec.profiles["v1"].interest_now("B1", T + 1, 1200.0) - weight) < 1e-9


def test_dwell_is_credited_for_what_was_on_stage_while_present(rec: Recommender) -> None:
    rec.set_stage("B1", T)
    rec.set_stage("B2", T + 120)
    rec.ingest(
        [ev("in", typ="enter", pid=None, ts=T + 60), ev("out", typ="leave", pid=None, ts=T + 240)],
        now=T + 240,
    )
    prof = rec.profiles["v1"]
    assert set(prof.products) == {"B1", "B2"}
    assert prof.products["B2"] > prof.products["B1"]  # 120 s of B2 vs 60 s of B1
    assert "v1" not in rec.present
    # A stale enter (older than the leave) does not reopen presence.
    rec.ingest([ev("old-in", typ="enter", pid=None, ts=T + 200)], now=T + 240)
    assert prof.present_since is None
