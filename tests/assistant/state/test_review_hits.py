"""Contracts of the review store (policies, held replies) and the operator-answer hit counts, run
against memory, sqlite and redis; the shared backends keep both across instances (a restart, a
second process), and a held reply taken by several processes at once goes to exactly one."""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.review import HeldQuestion, ReviewQueue, ReviewStore, UnknownHeldReplyError
from assistant.state.redis_keys import Keys, delete_matching
from assistant.state.redis_review import RedisReview
from assistant.state.sqlite_db import SqliteDb
from assistant.state.sqlite_review import SqliteReview
from tests.assistant.state.conftest import REDIS_HOST, REDIS_PORT, Backend

AT = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _reply(reply_id: str, source: ReplySource = ReplySource.LLM) -> Reply:
    return Reply(reply_id, ("m1", "m2"), "@小王 顺丰包邮", "p1", "shipping", source, True, 12.5, ("v1",))


def test_policy_per_room_and_source(backend: Backend) -> None:
    review = backend.make().review
    assert review.policy("a") == frozenset()
    assert review.set_policy("a", [ReplySource.LLM, ReplySource.FAQ]) == {ReplySource.LLM, ReplySource.FAQ}
    assert review.policy("a") == {ReplySource.LLM, ReplySource.FAQ}
    assert review.policy("b") == frozenset()
    review.set_policy("a", [])
    assert review.policy("a") == frozenset()


def test_held_replies_round_trip_in_order_and_are_taken_once(backend: Backend) -> None:
    review = backend.make().review
    questions = [HeldQuestion("m1", "小王", "发什么快递"), HeldQuestion("m2", "", "快递?")]
    first = review.hold("a", _reply("r1"), questions, AT)
    review.hold("a", _reply("r2", ReplySource.FAQ), [], AT)
    review.hold("b", _reply("r1"), [], AT)
    assert review.held("a") == [first, review.get("a", "r2")]
    assert review.get("a", "r1") == first  # every field survives the store
    assert review.take("a", "r1") == first
    with pytest.raises(UnknownHeldReplyError, match="r1"):
        review.take("a", "r1")
    with pytest.raises(UnknownHeldReplyError, match="r9"):
        review.get("a", "r9")
    assert [h.reply.reply_id for h in review.held("a")] == ["r2"]
    assert [h.reply.reply_id for h in review.held("b")] == ["r1"]
    assert review.held("empty") == [] and review.dropped("a") == 0


def test_review_state_is_shared_between_instances(shared: Backend) -> None:
    shared.make().review.set_policy("a", [ReplySource.CATALOG])
    shared.make().review.hold("a", _reply("r1"), [HeldQuestion("m1", "小王", "多少钱")], AT)
    other = shared.make().review  # a restart, or another process
    assert other.policy("a") == {ReplySource.CATALOG}
    assert other.take("a", "r1").questions == (HeldQuestion("m1", "小王", "多少钱"),)
    assert shared.make().review.held("a") == []


def test_concurrent_takes_give_the_reply_to_exactly_one(shared: Backend) -> None:
    shared.make().review.hold("a", _reply("r1"), [], AT)
    takers = [shared.make().review for _ in range(4)]
    won: list[str] = []
    barrier = threading.Barrier(len(takers))

    def take(store: ReviewStore) -> None:
        barrier.wait()
        with contextlib.suppress(UnknownHeldReplyError):
            won.append(store.take("a", "r1").reply.reply_id)

    threads = [threading.Thread(target=take, args=(t,)) for t in takers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert won == ["r1"]


@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
def test_a_full_queue_drops_the_oldest_and_counts_it(kind: str, tmp_path: Path) -> None:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT) if kind == "redis" else None
    prefix = f"test:{uuid.uuid4().hex}:"
    db = SqliteDb(tmp_path / "state.db") if kind == "sqlite" else None
    review: ReviewStore
    if client is not None:
        review = RedisReview(client, Keys(prefix), max_held=2)
    elif db is not None:
        review = SqliteReview(db, max_held=2)
    else:
        review = ReviewQueue(max_held=2)
    try:
        for i in range(4):
            review.hold("a", _reply(f"r{i}"), [], AT)
        review.hold("a", _reply("r3"), [], AT)  # held again: replaced in place, nothing dropped
        assert [h.reply.reply_id for h in review.held("a")] == ["r2", "r3"]
        assert review.dropped("a") == 2 and review.dropped("b") == 0
    finally:
        if client is not None:
            delete_matching(client, prefix + "*")
            client.close()
        if db is not None:
            db.close()


def test_faq_hits_count_per_catalog_and_reset(backend: Backend) -> None:
    hits = backend.make().faq_hits
    assert hits.counts("cat") == {}
    hits.add("cat", "f1")
    hits.add("cat", "f1", 3)
    hits.add("cat", "f2")
    hits.add("other", "f1", 2)
    assert hits.counts("cat") == {"f1": 4, "f2": 1}
    hits.reset("cat", "f1")
    hits.reset("cat", "missing")
    assert hits.counts("cat") == {"f2": 1} and hits.counts("other") == {"f1": 2}


def test_faq_hits_are_shared_and_add_up_across_instances(shared: Backend) -> None:
    stores = [shared.make().faq_hits for _ in range(3)]
    threads = [threading.Thread(target=lambda s=s: [s.add("cat", "f1") for _ in range(20)]) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert shared.make().faq_hits.counts("cat") == {"f1": 60}
