"""Contract of ``RecommenderStates``: room snapshots, durable opt-outs, push claims."""

from __future__ import annotations

from recommender import Event, ItemInfo, Recommender
from tests.assistant.state.conftest import Backend

T = 1_800_000_000.0


def _snapshot() -> dict[str, object]:
    """A real recommender's state: two viewers with profiles and carts, one push trigger pending."""
    rec = Recommender([ItemInfo("p1", "美妆", 99.0), ItemInfo("p2", "美妆", 199.0)])
    events = [
        Event("e1", "v1", "enter", None, T),
        Event("e2", "v1", "add_to_cart", "p1", T + 1),
        Event("e3", "v2", "view_card", "p2", T + 2),
        Event("e4", "v2", "question", "p2", T + 3),
        Event("e5", "v2", "question", "p2", T + 4),
    ]
    assert rec.ingest(events, now=T + 5).accepted == 5
    return rec.to_dict()


def test_snapshot_round_trip_restores_the_recommender(backend: Backend) -> None:
    states = backend.make().recommender
    assert states.load("room") is None
    snapshot = _snapshot()
    states.save("room", snapshot)
    loaded = states.load("room")
    assert loaded == snapshot
    rec = Recommender.from_dict(loaded)
    assert rec.has_profile("v1") and rec.carts == {"p1": {"v1"}}


def test_opt_out_erases_the_stored_profile_and_sticks(backend: Backend) -> None:
    states = backend.make().recommender
    snapshot = _snapshot()
    states.save("room", snapshot)
    states.set_opt_out("room", "v1", True)
    assert states.opted_out("room") == {"v1"}
    loaded = states.load("room")
    assert loaded is not None and set(loaded["profiles"]) == {"v2"}
    states.save("room", snapshot)  # a save built before the opt-out must not bring the profile back
    loaded = states.load("room")
    assert loaded is not None and set(loaded["profiles"]) == {"v2"}
    assert states.opted_out("other") == set()
    states.set_opt_out("room", "v1", False)
    assert states.opted_out("room") == set()


def test_opt_out_is_durable_across_instances(shared: Backend) -> None:
    shared.make().recommender.set_opt_out("room", "v1", True)
    assert shared.make().recommender.opted_out("room") == {"v1"}


def test_a_push_trigger_is_claimed_once(backend: Backend) -> None:
    states = backend.make().recommender
    assert states.claim_push("room", "v1", "cart:p1", 3600)
    assert not states.claim_push("room", "v1", "cart:p1", 3600)
    assert states.claim_push("room", "v2", "cart:p1", 3600)
    assert states.claim_push("room", "v1", "question:p2", 3600)


def test_a_push_claim_lapses_after_its_ttl(clocked: Backend) -> None:
    states = clocked.make().recommender
    assert states.claim_push("room", "v1", "cart:p1", 60)
    clocked.clock.advance(59)
    assert not states.claim_push("room", "v1", "cart:p1", 60)
    clocked.clock.advance(1)
    assert states.claim_push("room", "v1", "cart:p1", 60)


def test_push_claims_are_shared_between_instances(shared: Backend) -> None:
    assert shared.make().recommender.claim_push("room", "v1", "enter", 60)
    assert not shared.make().recommender.claim_push("room", "v1", "enter", 60)
