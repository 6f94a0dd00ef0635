"""Forward decay: exact half-life maths, any event order, rebasing keeps values."""

from __future__ import annotations

import math

from recommender.decay import DecayedCounts, growth
from recommender.options import ProfileOptions
from recommender.profile import ViewerProfile


def test_value_halves_every_half_life() -> None:
    counts = DecayedCounts(half_life_s=100.0)
    counts.add("x", 8.0, ts=1000.0)
    assert counts.value("x", 1000.0) == 8.0
    assert math.isclose(counts.value("x", 1100.0), 4.0)
    assert math.isclose(counts.value("x", 1300.0), 1.0)


def test_order_of_events_does_not_matter() -> None:
    a, b = DecayedCounts(60.0), DecayedCounts(60.0)
    stamps = [10.0, 500.0, 130.0, 70.0]
    for t in stamps:
        a.add("x", 1.0, t)
    for t in sorted(stamps):
        b.add("x", 1.0, t)
    expected = sum(2 ** (-(600.0 - t) / 60.0) for t in stamps)
    assert math.isclose(a.value("x", 600.0), expected)
    assert math.isclose(b.value("x", 600.0), expected)


def test_rebase_far_in_the_future_keeps_values() -> None:
    opts = ProfileOptions(half_life_s=10.0)
    prof = ViewerProfile(t_ref=0.0)
    prof.add_interest("p", (), 1.0, 0.0, opts)
    prof.add_interest("p", (), 1.0, 700.0, opts)  # 70 half-lives later: landmark moves
    assert prof.t_ref == 700.0
    assert math.isclose(prof.interest_now("p", 710.0, 10.0), 0.5 + 0.5 * 2**-70)
    assert growth(0.0, 0.0, 10.0) == 1.0


def test_per_viewer_entries_are_capped() -> None:
    opts = ProfileOptions(max_products=3)
    prof = ViewerProfile(t_ref=0.0)
    for n, w in enumerate([5.0, 1.0, 3.0, 4.0]):
        prof.add_interest(f"p{n}", (), w, 0.0, opts)
    assert set(prof.products) == {"p0", "p2", "p3"}  # the weakest (p1) was evicted
