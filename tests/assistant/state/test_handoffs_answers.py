"""Contracts of ``Handoffs`` (the operator queue) and ``OperatorAnswers``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.state import Handoff, StateOptions
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _handoff(msg_id: str, room_id: str = "room") -> Handoff:
    return Handoff(room_id, msg_id, "v1", "小王", "能开发票吗", None, T0 + timedelta(seconds=len(msg_id)))


def test_handoffs_in_order_once_per_message(backend: Backend) -> None:
    handoffs = backend.make().handoffs
    handoffs.add([_handoff("m1"), _handoff("m2")])
    handoffs.add([_handoff("m1"), _handoff("m3"), _handoff("m1", "other")])
    assert [h.msg_id for h in handoffs.list("room")] == ["m1", "m2", "m3"]
    assert handoffs.list("room")[0] == _handoff("m1")
    assert handoffs.remove("room", "m2") and not handoffs.remove("room", "m2")
    assert [h.msg_id for h in handoffs.list("room")] == ["m1", "m3"]
    assert [h.msg_id for h in handoffs.list("other")] == ["m1"]
    assert handoffs.list("empty") == []


def test_handoffs_keep_the_newest_within_the_bound(backend: Backend) -> None:
    handoffs = backend.make(StateOptions(max_handoffs_per_room=3)).handoffs
    handoffs.add([_handoff(f"m{i}") for i in range(5)])
    assert [h.msg_id for h in handoffs.list("room")] == ["m2", "m3", "m4"]


def test_handoffs_shared_between_instances(shared: Backend) -> None:
    shared.make().handoffs.add([_handoff("m1")])
    assert shared.make().handoffs.list("room") == [_handoff("m1")]


def _answer(faq_id: str, catalog_id: str = "cat", answer: str = "顺丰包邮") -> OperatorAnswer:
    return OperatorAnswer(faq_id, catalog_id, "发什么快递", answer, product_id="p1", intent="shipping")


def test_operator_answers_put_list_delete(backend: Backend) -> None:
    answers = backend.make().operator_answers
    answers.put(_answer("f2"))
    answers.put(_answer("f1"))
    answers.put(_answer("f1", answer="中通"))  # replaces
    answers.put(_answer("f1", "other"))
    assert answers.list("cat") == [_answer("f1", answer="中通"), _answer("f2")]
    assert answers.delete("cat", "f1") and not answers.delete("cat", "f1")
    assert answers.list("cat") == [_answer("f2")]
    assert answers.list("other") == [_answer("f1", "other")]


def test_operator_answers_are_bounded_per_catalog(backend: Backend) -> None:
    answers = backend.make(StateOptions(max_answers_per_catalog=2)).operator_answers
    answers.put(_answer("f1"))
    answers.put(_answer("f2"))
    answers.put(_answer("f2", answer="改了"))  # replacing stays within the bound
    with pytest.raises(ValueError, match="at most 2"):
        answers.put(_answer("f3"))
    answers.put(_answer("f3", "other"))
    assert [a.faq_id for a in answers.list("cat")] == ["f1", "f2"]


def test_operator_answers_shared_between_instances(shared: Backend) -> None:
    shared.make().operator_answers.put(_answer("f1"))
    assert shared.make().operator_answers.list("cat") == [_answer("f1")]
