"""Danmaku batches in redis mode over two services (two processes' worth of stores) on one Redis:
what one process changes governs the other's next batch, although a batch reads its state once;
and when a process fails mid-batch. What an answer leaves for the operator (handoffs, held replies) is stored
before the batch is acknowledged, so a failure in between leaves the batch to another process,
which answers it once; a batch answered again is not held, queued or flood-counted twice.

The failures are real Redis errors (a key of the wrong type makes the write fail), not mocks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from redis.exceptions import ResponseError

from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.types import Danmaku, ReplySource
from assistant.live import feed_channel
from assistant.service.wiring import Services
from tests.assistant.conftest_service import REDIS_URL, redis_services

ROOM = "demo"


@pytest.fixture
def nodes() -> Iterator[tuple[Services, Services, str, redis.Redis]]:
    """Services A and B sharing a Redis prefix of this test (memory catalogs, the demo room, a
    product on stage), and a client of that Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        with redis_services("recovery") as (both, prefix):
            a, b = both[0][1], both[1][1]
            a.live.set_stage(ROOM, "HJ01", a.clock() - timedelta(minutes=1))
            yield a, b, prefix, client
    finally:
        client.close()


def message(msg_id: str, text: str, at: datetime, viewer: str = "v1") -> Danmaku:
    return Danmaku(msg_id, viewer, text, at, "小王")


def pending(client: redis.Redis, prefix: str) -> int:
    summary: Any = client.xpending(f"{prefix}danmaku:{ROOM}", "answerers")
    return int(summary["pending"])


def claim_on(services: Services) -> int:
    time.sleep(0.06)
    return services.live.recover_danmaku(min_idle_s=0.05)


def test_a_handoff_that_could_not_be_queued_leaves_the_batch_to_another_process(
    nodes: tuple[Services, Services, str, redis.Redis],
) -> None:
    a, b, prefix, client = nodes
    queue_key = f"{prefix}handoffs:{ROOM}"
    client.set(queue_key, "not a hash")  # the queue write fails (WRONGTYPE)
    with pytest.raises(ResponseError):
        a.live.handle_danmaku(ROOM, [message("h1", "你们公司在哪", a.clock())])
    assert pending(client, prefix) == 1  # not acknowledged: the handoff was not stored
    client.delete(queue_key)
    assert claim_on(b) == 1
    assert [h.msg_id for h in b.live.handoffs(ROOM)] == ["h1"]
    assert pending(client, prefix) == 0
    assert claim_on(b) == 0  # answered once


def test_a_reply_that_could_not_be_held_is_held_once_by_another_process(
    nodes: tuple[Services, Services, str, redis.Redis],
) -> None:
    a, b, prefix, client = nodes
    a.live.review.set_policy(ROOM, [ReplySource.CATALOG])
    held_key = f"{prefix}held:{ROOM}"
    client.set(held_key, "not a hash")
    with pytest.raises(ResponseError):
        a.live.handle_danmaku(ROOM, [message("p1", "多少钱", a.clock())])
    assert pending(client, prefix) == 1
    client.delete(held_key)
    assert claim_on(b) == 1
    held = b.live.held(ROOM)
    assert [h.reply.reply_to for h in held] == [("p1",)]
    assert held[0].reply.source is ReplySource.CATALOG


def test_a_stalled_process_finishing_a_claimed_batch_holds_and_sends_nothing_twice(
    nodes: tuple[Services, Services, str, redis.Redis],
) -> None:
    a, b, prefix, client = nodes
    a.live.review.set_policy(ROOM, [ReplySource.CATALOG])
    now = a.clock()
    stalled = a.live.accept_danmaku(ROOM, [message("s1", "多少钱", now), message("s2", "你们公司在哪", now)])
    assert claim_on(b) == 2  # A stalled past the claim time: B answers both
    assert [h.reply.reply_to for h in b.live.held(ROOM)] == [("s1",)]
    assert [h.msg_id for h in b.live.handoffs(ROOM)] == ["s2"]
    late = a.live.answer_danmaku(stalled)  # A wakes up and finishes its copy
    assert late.replies == []
    assert sorted((i.msg_id, i.reason) for i in late.ignored) == [("s1", "duplicate"), ("s2", "duplicate")]
    assert [h.reply.reply_to for h in a.live.held(ROOM)] == [("s1",)]  # still one held reply
    assert [h.msg_id for h in a.live.handoffs(ROOM)] == ["s2"]
    assert pending(client, prefix) == 0


def test_a_batch_answered_again_is_not_counted_twice_in_the_viewers_flood_window(
    nodes: tuple[Services, Services, str, redis.Redis],
) -> None:
    a, b, _, _ = nodes
    limit = a.settings.limits.viewer_messages_per_min
    start = a.clock()
    sent = [message(f"f{i}", f"{i % 3 + 1}号链接多少钱", start + timedelta(seconds=i)) for i in range(limit)]
    frames: list[dict[str, Any]] = []
    listener = b.state.bus.subscribe(feed_channel(ROOM), frames.append)
    try:
        # A reads the batch's state with its acceptance (each message counted in the viewer's
        # window, all within the limit), then dies before answering
        a.live.accept_danmaku(ROOM, sent, answer_next=True)
        assert claim_on(b) == limit
        deadline = time.monotonic() + 5.0
        while not frames and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        listener.close()
    outcomes = {m["msg_id"]: m for f in frames for m in f["message"]["messages"]}
    assert sorted(outcomes) == sorted(m.msg_id for m in sent)
    # counted once: B's recount of the same messages lets every one through
    assert [m for m in outcomes.values() if m.get("reason") == "viewer_flood"] == []


def test_review_policy_and_operator_answers_changed_on_a_govern_the_next_batch_on_b(
    nodes: tuple[Services, Services, str, redis.Redis],
) -> None:
    a, b, _, _ = nodes
    now = a.clock()
    first = b.live.handle_danmaku(ROOM, [message("o1", "你们公司在哪", now)])
    assert [r.source for r in first.replies] == [ReplySource.HANDOFF]  # B has read the answers
    a.state.operator_answers.put(OperatorAnswer("where", "demo", "你们公司在哪", "公司在杭州"))
    a.live.review.set_policy(ROOM, [ReplySource.FAQ])
    later = now + timedelta(seconds=2)
    second = b.live.handle_danmaku(ROOM, [message("o2", "你们公司在哪里", later, viewer="v2")])
    assert [(r.source, r.held) for r in second.replies] == [(ReplySource.FAQ, True)]
    assert "杭州" in second.replies[0].text
    assert [h.reply.reply_to for h in a.live.held(ROOM)] == [("o2",)]
    a.state.operator_answers.delete("demo", "where")
    a.live.review.set_policy(ROOM, [])
    third = b.live.handle_danmaku(ROOM, [message("o3", "请问你们公司在哪", later, viewer="v3")])
    assert [(r.source, r.held) for r in third.replies] == [(ReplySource.HANDOFF, False)]
