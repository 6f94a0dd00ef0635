"""Contracts of the handoff record's question fields (intent, question key, rank) in every store,
and of records stored before those fields existed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from assistant.danmaku.types import HANDOFF_AFTER_SALES, HANDOFF_OTHER, HANDOFF_PURCHASE
from assistant.state import Handoff
from assistant.state.codecs import handoff_from_text, handoff_to_text
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _handoff(msg_id: str, key: str, rank: int, intent: str) -> Handoff:
    at = T0 + timedelta(seconds=int(msg_id[1:]))
    return Handoff("room", msg_id, "v" + msg_id, "小王", "问题", "p1", at, intent, key, rank)


def _queued() -> list[Handoff]:
    return [
        _handoff("m1", "k-stock", HANDOFF_PURCHASE, "stock"),
        _handoff("m2", "k-claim", HANDOFF_AFTER_SALES, "after_sales"),
    ]


def test_question_fields_survive_every_store(backend: Backend) -> None:
    handoffs = backend.make().handoffs
    handoffs.add(_queued())
    listed = handoffs.list("room")
    assert listed == _queued()
    assert [(h.intent, h.question_key, h.rank) for h in listed] == [
        ("stock", "k-stock", HANDOFF_PURCHASE),
        ("after_sales", "k-claim", HANDOFF_AFTER_SALES),
    ]


def test_question_fields_read_by_another_instance(shared: Backend) -> None:
    shared.make().handoffs.add(_queued())
    assert shared.make().handoffs.list("room") == _queued()


def test_a_record_stored_without_question_fields_still_loads() -> None:
    old = {
        "room_id": "room",
        "msg_id": "m1",
        "viewer_id": "v1",
        "nickname": "小王",
        "text": "问题",
        "product_id": None,
        "at": T0.isoformat(),
    }
    loaded = handoff_from_text(json.dumps(old))
    assert loaded == Handoff("room", "m1", "v1", "小王", "问题", None, T0)
    assert (loaded.intent, loaded.question_key, loaded.rank) == ("", "", HANDOFF_OTHER)


def test_question_fields_round_trip_through_the_codec() -> None:
    h = _handoff("m7", "k", HANDOFF_PURCHASE, "price")
    assert handoff_from_text(handoff_to_text(h)) == h
