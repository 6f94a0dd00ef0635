"""Review before sending: the queue of held replies and the checks an operator's edit passes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.review import (
    EditRefusedError,
    HeldQuestion,
    ReviewQueue,
    UnknownHeldReplyError,
    check_edit,
    edit_problems,
    reply_grounding,
)
from knowledge.demo import load_demo_catalog
from knowledge.domain import FlashSale

AT = datetime(2026, 11, 21, 20, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def reply(reply_id: str, source: ReplySource = ReplySource.CATALOG, text: str = "¥329") -> Reply:
    return Reply(reply_id, ("m1",), text, "MZ01", "price", source, True, 12.0)


def test_policy_per_room_and_source() -> None:
    queue = ReviewQueue()
    assert queue.policy("a") == frozenset()
    queue.set_policy("a", [ReplySource.LLM, ReplySource.FAQ])
    assert queue.policy("a") == {ReplySource.LLM, ReplySource.FAQ}
    assert queue.policy("b") == frozenset()  # another room sends at once
    queue.set_policy("a", [])
    assert queue.policy("a") == frozenset()


def test_held_replies_are_taken_once_oldest_first() -> None:
    queue = ReviewQueue()
    queue.hold("a", reply("r1"), [HeldQuestion("m1", "小王", "多少钱")], AT)
    queue.hold("a", reply("r2"), [], AT)
    assert [h.reply.reply_id for h in queue.held("a")] == ["r1", "r2"]
    assert queue.get("a", "r1").questions[0].nickname == "小王"
    assert queue.take("a", "r1").reply.reply_id == "r1"
    with pytest.raises(UnknownHeldReplyError, match="r1"):
        queue.take("a", "r1")  # approved once, never twice
    with pytest.raises(UnknownHeldReplyError):
        queue.get("b", "r2")  # held replies belong to their room
    assert [h.reply.reply_id for h in queue.held("a")] == ["r2"]


def test_a_full_queue_drops_the_oldest_and_counts_it() -> None:
    queue = ReviewQueue(max_held=2)
    for i in range(3):
        queue.hold("a", reply(f"r{i}"), [], AT)
    assert [h.reply.reply_id for h in queue.held("a")] == ["r1", "r2"]
    assert queue.dropped("a") == 1


def test_edit_with_a_banned_term_or_an_amount_not_in_the_grounding_is_refused() -> None:
    grounding = "澜序 修护精华液 30ml ¥329 50ml ¥499"
    assert check_edit("  30ml 现在329元  ", grounding) == "30ml 现在329元"
    assert check_edit("50ml 四百九十九元", grounding) == "50ml 四百九十九元"  # values, not spellings
    with pytest.raises(EditRefusedError) as refused:
        check_edit("全网最低价，只要99元", grounding)
    problems = refused.value.problems
    assert any("全网最低价" in p for p in problems)
    assert any("99" in p and "not in the catalog" in p for p in problems)
    with pytest.raises(EditRefusedError, match="empty"):
        check_edit("   ", grounding)
    assert edit_problems("the best serum", grounding) == [
        "contains the banned term 'the best' (advertising law)"
    ]


def test_grounding_holds_the_products_facts_now_with_room_promotions() -> None:
    catalog = load_demo_catalog()
    product = catalog.product("MZ01")
    assert product is not None
    sale = FlashSale("room-flash", "直播间秒杀", AT, AT.replace(hour=23), Decimal("288.00"), "MZ01")
    grounding = reply_grounding(reply("r1", text="@小王 精华 ¥329"), catalog, [sale], AT)
    assert check_edit("现在秒杀288元，原价329元", grounding)
    with pytest.raises(EditRefusedError, match="288"):
        check_edit("现在秒杀288元", reply_grounding(reply("r1"), catalog, [], AT))  # no sale: no 288
