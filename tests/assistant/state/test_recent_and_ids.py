"""Contracts of ``RecentReplies`` (the join window) and ``ReplyIds`` (unique everywhere)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from assistant.danmaku.answering import Composed
from assistant.danmaku.cache import AnswerKey
from assistant.danmaku.dialogue import PendingClarification
from assistant.danmaku.replies import Reply
from assistant.danmaku.types import Intent, ReplySource, Slots
from assistant.state import RecentReply, StateOptions
from assistant.state.codecs import answer_key_text
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
WINDOW = StateOptions(join_window_s=10.0, recent_per_room=3)


def _entry(reply_id: str = "r1", at: datetime = T0, expires: datetime | None = None) -> RecentReply:
    reply = Reply(
        reply_id, ("m1", "m2"), "@小王 99元", "p1", "price", ReplySource.CATALOG, True, 3.25, ("v1",)
    )
    pending = PendingClarification(Intent.SIZE, Slots(height_cm=170), (), T0)
    composed = Composed("99元", ReplySource.CATALOG, "p1", expires, "s1", pending, llm_called=True)
    return RecentReply(reply, composed, at)


def test_answer_key_text_is_stable_and_distinct() -> None:
    key = AnswerKey("c", 3, "room", 2, "p1", "price", (None, 52.5, "L", ("p1", "p2")), "zh")
    assert answer_key_text(key) == answer_key_text(AnswerKey(*[getattr(key, f) for f in key.__slots__]))
    assert answer_key_text(key) != answer_key_text(AnswerKey("c", 4, "room", 2, "p1", "price", (), "zh"))


def test_a_reply_is_joinable_within_the_window(backend: Backend) -> None:
    recent = backend.make(WINDOW).recent
    entry = _entry()
    recent.remember("room", "k1", entry)
    assert recent.find("room", "k1", T0 + timedelta(seconds=9.9)) == entry
    assert recent.find("room", "k1", T0 + timedelta(seconds=10)) is None
    assert recent.find("room", "k1", T0 - timedelta(seconds=1)) is None
    assert recent.find("room", "k2", T0) is None
    assert recent.find("other", "k1", T0) is None


def test_expired_facts_are_not_joined(backend: Backend) -> None:
    recent = backend.make(WINDOW).recent
    recent.remember("room", "k1", _entry(expires=T0 + timedelta(seconds=2)))
    assert recent.find("room", "k1", T0 + timedelta(seconds=1)) is not None
    assert recent.find("room", "k1", T0 + timedelta(seconds=2)) is None


def test_forget_room_and_bound(backend: Backend) -> None:
    recent = backend.make(WINDOW).recent
    for i in range(5):
        recent.remember("room", f"k{i}", _entry(f"r{i}", T0 + timedelta(seconds=i)))
    recent.remember("other", "k0", _entry())
    assert recent.find("room", "k4", T0 + timedelta(seconds=5)) is not None
    assert recent.find("room", "k0", T0 + timedelta(seconds=5)) is None  # past the bound of 3
    recent.forget_room("room")
    assert recent.find("room", "k4", T0 + timedelta(seconds=5)) is None
    assert recent.find("other", "k0", T0) is not None


def test_redis_join_window_is_shared(redis_backend: Backend) -> None:
    entry = _entry()
    redis_backend.make(WINDOW).recent.remember("room", "k1", entry)
    assert redis_backend.make(WINDOW).recent.find("room", "k1", T0) == entry


def test_reply_ids_are_unique_across_threads(backend: Backend) -> None:
    ids = backend.make(StateOptions(reply_id_block=7)).reply_ids
    found: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        mine = [ids.next_id() for _ in range(100)]
        with lock:
            found.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 400 and all(i.startswith("r") for i in found)


def test_reply_ids_are_unique_across_instances_and_restarts(backend: Backend) -> None:
    opts = StateOptions(reply_id_block=5)
    first, second = backend.make(opts), backend.make(opts)
    ids = [first.reply_ids.next_id() if i % 3 else second.reply_ids.next_id() for i in range(40)]
    first.close()
    ids += [backend.make(opts).reply_ids.next_id() for _ in range(10)]  # each make(): a restart
    assert len(set(ids)) == len(ids)
