"""Serialisation round trip: JSON in, same behaviour out."""

from __future__ import annotations

import json

import pytest

from recommender import ActiveOffer, Event, InvalidStateError, Recommender, StageSlot
from tests.recommender.conftest import T


def test_round_trip_through_json_keeps_behaviour(rec: Recommender) -> None:
    rec.set_offers([ActiveOffer("A2", "C1", "券", T, T + 500)])
    rec.set_schedule([StageSlot("B2", T + 100, T + 300)])
    rec.set_stage("B1", T)
    rec.ingest(
        [
            Event("e0", "v1", "enter", None, T),
            Event("e1", "v1", "view_card", "A1", T + 1),
            Event("e2", "v1", "add_to_cart", "A3", T + 2),
            Event("e3", "v2", "order", "B3", T + 3),
            Event("e4", "v2", "question", "A3", T + 4),
            Event("e5", "v2", "question", "A3", T + 5),
        ],
        now=T + 5,
    )
    rec.set_opt_out("v3", True)
    data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
    back = Recommender.from_dict(data, rec.options)
    assert back.to_dict() == rec.to_dict()
    for viewer in ("v1", "v2", "v3", "nobody"):
        assert back.recommend(viewer, T + 60) == rec.recommend(viewer, T + 60)
    assert back.ingest([Event("e1", "v1", "view_card", "A1", T + 1)], now=T + 6).duplicates == 1
    assert back.due_pushes(T + 200) == rec.due_pushes(T + 200)
    assert back.carts == rec.carts and back.present == rec.present


def test_bad_state_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidStateError, match="version"):
        Recommender.from_dict({"version": 99})
    with pytest.raises(InvalidStateError, match="missing or has a bad field"):
        Recommender.from_dict({"version": 1, "items": []})
