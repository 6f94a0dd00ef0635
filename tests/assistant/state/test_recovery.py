"""Units of ``assistant.recovery``: dropping the outcomes of claimed messages, the claim task."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from assistant.danmaku.replies import BatchResult, Ignored, Joined, Reply, address, readdress
from assistant.danmaku.types import Danmaku, ReplySource
from assistant.recovery import LogRecovery, drop_claimed


def reply(reply_id: str, *msg_ids: str, text: str = "text") -> Reply:
    return Reply(reply_id, msg_ids, text, None, "price", ReplySource.CATALOG, True, 1.0)


def message(msg_id: str, nickname: str) -> Danmaku:
    return Danmaku(msg_id, "v-" + msg_id, "多少钱", datetime(2026, 1, 1, tzinfo=UTC), nickname)


def test_messages_claimed_by_another_process_are_reported_duplicate_here() -> None:
    by_id = {m.msg_id: m for m in (message("d", "小王"), message("e", "小李"))}
    result = BatchResult(
        replies=[
            reply("r1", "a", "b"),
            reply("r2", "c"),
            reply("r3", "d", "e", text=address(["小王", "小李"], "99元", "zh")),
        ],
        ignored=[Ignored("f", "chatter"), Ignored("g", "room_rate")],
        joined=[Joined("h", "r0", None)],
    )
    kept = drop_claimed(result, {"c", "d", "f", "h"}, by_id)
    assert [r.reply_id for r in kept.replies] == ["r1", "r3"]
    # r3 now answers e alone: d's viewer gets the other process's answer, not this one too
    assert kept.replies[1].reply_to == ("e",)
    assert kept.replies[1].viewer_ids == ("v-e",)
    assert kept.replies[1].text == "@小李 99元"
    assert kept.joined == []
    assert sorted((i.msg_id, i.reason) for i in kept.ignored) == [
        ("c", "duplicate"),
        ("d", "duplicate"),
        ("f", "duplicate"),
        ("g", "room_rate"),
        ("h", "duplicate"),
    ]


def test_readdress_keeps_the_answer_and_rewrites_only_the_mentions() -> None:
    names = ["甲", "乙", "丙", "丁"]
    text = address(names, "现在99元", "zh")
    assert text == "@甲 @乙 @丙等4位 现在99元"
    assert readdress(text, names, ["丙"]) == "@丙 现在99元"
    english = address(["amy", "bo", "cy", "di"], "It is 99 yuan", "en")
    assert readdress(english, ["amy", "bo", "cy", "di"], ["bo", "di"]) == "@bo @di It is 99 yuan"
    # a text with no mentions (no nickname could be shown) stays as it is
    assert readdress("现在99元", ["全网最低价只要1元"], []) == "现在99元"


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
