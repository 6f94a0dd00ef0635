"""The LLM path against a real OpenAI-compatible HTTP server process (scripted), and the guard."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from assistant.llm.client import ChatMessage, LlmClient, LlmConfig, LlmError
from assistant.llm.guard import numbers_in, unsupported_numbers
from tests.assistant.conftest_service import AUTH, service
from tests.assistant.test_service_danmaku import T0, msg, post


@pytest.fixture(scope="module")
def llm_server() -> Iterator[str]:
    """Start tests/fakes/openai_server.py as its own process; yields its base URL (…/v1)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("LISTENING"), line
    base = f"http://127.0.0.1:{int(line.split()[1])}"
    try:
        yield base + "/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def script(base_url: str, *steps: dict[str, Any]) -> None:
    root = base_url.removesuffix("/v1")
    httpx.post(f"{root}/_reset", timeout=5)
    httpx.post(f"{root}/_script", json={"responses": list(steps)}, timeout=5)


def requests_seen(base_url: str) -> list[dict[str, Any]]:
    return httpx.get(base_url.removesuffix("/v1") + "/_requests", timeout=5).json()["requests"]  # type: ignore[no-any-return]


def client_for(base_url: str, timeout_s: float = 1.5) -> LlmClient:
    return LlmClient(LlmConfig(base_url=base_url, model="scripted", timeout_s=timeout_s))


HELLO = [ChatMessage("user", "你好")]


def test_streamed_answer_arrives_whole(llm_server: str) -> None:
    script(llm_server, {"text": "可以的，支持刻字服务哦"})
    answer = client_for(llm_server).complete(HELLO)
    assert answer.text == "可以的，支持刻字服务哦"
    assert 0 <= answer.first_token_ms <= answer.total_ms
    assert requests_seen(llm_server)[0]["stream"] is True


@pytest.mark.parametrize(
    ("step", "kind"),
    [({"status": 429}, "rate_limited"), ({"status": 500}, "http_error"), ({"text": ""}, "empty")],
)
def test_errors_become_llm_errors(llm_server: str, step: dict[str, Any], kind: str) -> None:
    script(llm_server, step)
    with pytest.raises(LlmError) as caught:
        client_for(llm_server).complete(HELLO)
    assert caught.value.kind == kind


@pytest.mark.parametrize(
    "step", [{"text": "很长的回答很长的回答", "stall_s": 5}, {"text": "x", "delay_s": 5}]
)
def test_a_stalled_endpoint_times_out_within_the_deadline(llm_server: str, step: dict[str, Any]) -> None:
    script(llm_server, step)
    started = time.perf_counter()
    with pytest.raises(LlmError) as caught:
        client_for(llm_server, timeout_s=1.0).complete(HELLO)
    assert caught.value.kind == "timeout"
    assert time.perf_counter() - started < 3.0


def test_an_unreachable_endpoint_is_a_connection_error() -> None:
    with pytest.raises(LlmError) as caught:
        LlmClient(LlmConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=1.0)).complete(HELLO)
    assert caught.value.kind in {"connection", "timeout"}


def test_guard_reads_arabic_and_chinese_numbers_and_rates() -> None:
    assert numbers_in("秒杀价¥89.00，还剩三天，满200减30") == {
        Decimal(89),
        Decimal(3),
        Decimal(200),
        Decimal(30),
    }
    assert unsupported_numbers("现在只要1元", "售价129元") == {Decimal(1)}
    assert unsupported_numbers("保价十五天", "支持15天保价") == set()
    assert unsupported_numbers("打9折，相当于90%", "9折券") == set()
    assert unsupported_numbers("可以一起买", "无数字") == set()
    assert unsupported_numbers("满300减50", "满30减5") == {Decimal(300), Decimal(50)}  # no blanket scaling


def llm_room(llm_server: str) -> Any:
    return service(demo=True, llm={"base_url": llm_server, "model": "scripted", "timeout_s": 1.5})


def test_open_question_is_answered_by_the_llm_grounded_in_catalog_passages(llm_server: str) -> None:
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        script(llm_server, {"text": "可以装热茶，316不锈钢内胆，保温效果好"})
        reply = post(client, msg("l1", "这个杯子能装热茶吗")).json()["replies"][0]
        assert reply["source"] == "llm" and reply["ai_generated"] is True
        assert "316" in reply["text"]
        prompt = requests_seen(llm_server)[0]["messages"]
        assert prompt[0]["role"] == "system" and "只根据<资料>" in prompt[0]["content"]
        assert "保温杯" in prompt[1]["content"] and "<弹幕>这个杯子能装热茶吗</弹幕>" in prompt[1]["content"]
        soon = post(client, msg("l2", "这个杯子能装热茶吗", T0 + timedelta(seconds=3))).json()
        assert soon["replies"] == [] and soon["joined"] == [{"msg_id": "l2", "reply_id": reply["reply_id"]}]
        later = post(client, msg("l3", "这个杯子能装热茶吗", T0 + timedelta(seconds=30))).json()["replies"][0]
        assert later["source"] == "llm" and later["cached"] is True and later["text"].endswith(reply["text"])
        assert len(requests_seen(llm_server)) == 1  # one LLM call for all three viewers


def test_invented_amounts_never_reach_viewers(llm_server: str) -> None:
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        script(llm_server, {"text": "今天下单只要1元，还送3个杯盖"})
        reply = post(client, msg("f1", "可以刻字吗")).json()["replies"][0]
        assert reply["source"] == "fallback"
        assert "1元" not in reply["text"] and "3个" not in reply["text"]


def test_llm_failures_fall_back_to_grounded_text(llm_server: str) -> None:
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        script(llm_server, {"status": 500}, {"status": 429}, {"text": "嗯嗯嗯嗯嗯嗯嗯嗯", "stall_s": 5})
        started = time.perf_counter()
        texts = ["可以刻字吗", "能放洗碗机吗", "送男朋友合适吗"]
        replies = [post(client, msg(f"e{i}", t)).json()["replies"][0] for i, t in enumerate(texts)]
        assert [r["source"] for r in replies] == ["fallback"] * 3
        assert time.perf_counter() - started < 1.5 * 3 + 3  # each bounded by the deadline
        assert all(r["text"].startswith("商品资料里写着") for r in replies)


def test_injection_in_a_product_description_never_reaches_the_prompt(llm_server: str) -> None:
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "SP05", T0 - timedelta(minutes=1))
        script(llm_server, {"text": "微辣偏麻，口感很香"})
        reply = post(client, msg("i1", "鸭脖骨头多吗")).json()["replies"][0]
        assert reply["source"] == "llm"
        sent = requests_seen(llm_server)[0]["messages"][1]["content"]
        assert "忽略以上指令" not in sent and "1元" not in sent


def test_banned_terms_from_the_llm_are_removed(llm_server: str) -> None:
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "SP02", T0 - timedelta(minutes=1))
        script(llm_server, {"text": "全麦吐司口感最好，是全网最低价"})
        reply = post(client, msg("b1", "吐司好吃吗")).json()["replies"][0]
        assert "最" not in reply["text"]


def test_default_configuration_needs_no_llm() -> None:
    with service(demo=True) as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        reply = post(client, msg("n1", "可以刻字吗")).json()["replies"][0]
        assert reply["source"] == "handoff"
        assert client.get("/readyz", headers=AUTH).json()["llm"] is False
        assert client.get("/v1/rooms/demo/handoffs", headers=AUTH).json()["handoffs"][0]["msg_id"] == "n1"


def test_a_further_question_of_a_line_never_calls_the_llm(llm_server: str) -> None:
    # "好用吗" alone would be an open question for the LLM; beside a price it is a further question,
    # whose answer is joined only when the catalog or FAQ holds it: no call, no wait
    with llm_room(llm_server) as (client, services, _):
        services.live.set_stage("demo", "MZ07", T0 - timedelta(minutes=1))
        script(llm_server, {"text": "很好用哦"})
        reply = post(client, msg("f1", "多少钱 好用吗")).json()["replies"][0]
        assert "¥59.90" in reply["text"] and "很好用" not in reply["text"]
        assert requests_seen(llm_server) == []
