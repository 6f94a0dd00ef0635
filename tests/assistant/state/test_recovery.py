"""Units of ``assistant.recovery``: dropping the outcomes of claimed messages, the claim task."""

from __future__ import annotations

import threading

from assistant.danmaku.replies import BatchResult, Ignored, Joined, Reply
from assistant.danmaku.types import ReplySource
from assistant.recovery import LogRecovery, drop_claimed


def reply(reply_id: str, *msg_ids: str) -> Reply:
    return Reply(reply_id, msg_ids, "text", None, "price", ReplySource.CATALOG, True, 1.0)


def test_messages_claimed_by_another_process_are_reported_duplicate_here() -> None:
    result = BatchResult(
        replies=[reply("r1", "a", "b"), reply("r2", "c"), reply("r3", "d", "e")],
        ignored=[Ignored("f", "chatter"), Ignored("g", "room_rate")],
        joined=[Joined("h", "r0", None)],
    )
    kept = drop_claimed(result, {"c", "d", "f", "h"})
    assert [r.reply_id for r in kept.replies] == ["r1", "r3"]  # r3 still answers e (and d with it)
    assert kept.joined == []
    assert sorted((i.msg_id, i.reason) for i in kept.ignored) == [
        ("c", "duplicate"),
        ("f", "duplicate"),
        ("g", "room_rate"),
        ("h", "duplicate"),
    ]


def test_the_claim_task_runs_until_closed_and_survives_a_failure() -> None:
    calls: list[int] = []
    events: list[int] = []
    ran = threading.Event()

    def recover() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("redis went away")
        if len(calls) >= 3 and len(events) >= 3:
            ran.set()
        return 0

    def recover_events() -> int:
        events.append(1)
        return 1

    task = LogRecovery({"danmaku": recover, "events": recover_events}, interval_s=0.01).start()
    assert ran.wait(5.0)
    task.close()
    count = len(calls)
    ran.clear()
    assert not ran.wait(0.1) and len(calls) == count  # stopped
    assert len(events) >= len(calls) - 1  # the failing danmaku claim never skipped the events one
