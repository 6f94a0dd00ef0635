"""The metrics callbacks of each component, and label values that stay bounded.

Real components throughout (answer cache, room hub, LLM client against an unreachable address, the
service over HTTP); the only stand-in is a tiny deterministic embedder for the semantic cache.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from assistant.danmaku.cache import AnswerCache, AnswerKey, CachedAnswer, CacheLookup
from assistant.danmaku.replies import BatchResult, Ignored
from assistant.danmaku.types import ReplySource
from assistant.hub import RoomHub
from assistant.llm.client import ChatMessage, LlmCall, LlmClient, LlmConfig, LlmError
from assistant.service.metrics import Metrics, install_http_metrics
from tests.assistant.conftest_service import AUTH, SHANGHAI, service

T0 = datetime(2026, 11, 21, 20, 5, tzinfo=SHANGHAI)


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def key(text: str = "", intent: str = "price") -> AnswerKey:
    return AnswerKey("demo", 1, "room", 1, "HJ01", intent, (), "zh", text)


def answer(at: datetime) -> CachedAnswer:
    return CachedAnswer("¥89", ReplySource.CATALOG, "HJ01", at, at + timedelta(minutes=5))


def embed(text: str) -> np.ndarray:
    """Unit vectors that put 能装热茶吗 / 能装热水吗 close together and 会漏水吗 apart."""
    return np.array([1.0, 0.0]) if "装" in text else np.array([0.0, 1.0])


def test_every_cache_lookup_reports_one_outcome() -> None:
    seen: list[CacheLookup] = []
    cache = AnswerCache(embed=embed, on_lookup=seen.append)
    assert cache.get(key(), T0) is None
    cache.put(key(), answer(T0))
    assert cache.get(key(), T0 + timedelta(seconds=30)) is not None
    assert cache.get(key(), T0 + timedelta(minutes=10)) is None  # expired: a miss
    cache.put(key("能装热茶吗", "other"), answer(T0))
    assert cache.get(key("能装热水吗", "other"), T0) is not None  # a close paraphrase
    assert cache.get(key("会漏水吗", "other"), T0) is None
    assert seen == [
        CacheLookup.MISS,
        CacheLookup.HIT,
        CacheLookup.MISS,
        CacheLookup.SEMANTIC_HIT,
        CacheLookup.MISS,
    ]
    assert (cache.hits, cache.misses) == (2, 3)


def test_batch_outcomes_with_unknown_reasons_stay_bounded() -> None:
    metrics = Metrics()
    result = BatchResult(ignored=[Ignored("m1", "duplicate"), Ignored("m2", "something new")])
    metrics.observe_batch(2, result)
    assert sample(metrics, "liveshop_danmaku_received_total") == 2
    assert sample(metrics, "liveshop_danmaku_ignored_total", reason="duplicate") == 1
    assert sample(metrics, "liveshop_danmaku_ignored_total", reason="other") == 1
    metrics.observe_llm(LlmCall("teapot", 0.2))
    metrics.observe_fallback("guard")
    assert sample(metrics, "liveshop_llm_requests_total", outcome="other") == 1
    assert sample(metrics, "liveshop_llm_fallbacks_total", reason="guard") == 1


def test_known_series_exist_at_zero_before_any_traffic() -> None:
    text = Metrics().render().body
    assert isinstance(text, bytes)
    names = {s.name for f in text_string_to_metric_families(text.decode()) for s in f.samples}
    for name in (
        "liveshop_danmaku_received_total",
        "liveshop_danmaku_answered_total",
        "liveshop_danmaku_ignored_total",
        "liveshop_reply_latency_seconds_count",
        "liveshop_answer_cache_lookups_total",
        "liveshop_llm_requests_total",
        "liveshop_llm_fallbacks_total",
        "liveshop_events_total",
        "liveshop_pushes_total",
    ):
        assert name in names, name
    assert not any(n.endswith("_created") for n in names)


def test_the_llm_client_reports_each_call() -> None:
    calls: list[LlmCall] = []
    client = LlmClient(LlmConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=1.0), calls.append)
    try:
        client.complete([ChatMessage("user", "你好")])
    except LlmError as exc:
        assert [c.outcome for c in calls] == [exc.kind]
    else:
        raise AssertionError("nothing listens on port 9")
    assert calls[0].seconds >= 0


def test_a_slow_subscriber_losing_messages_is_counted_by_type() -> None:
    metrics = Metrics()

    async def run() -> int:
        hub = RoomHub(queue_size=2, on_drop=metrics.observe_drop)
        sub = hub.subscribe("room")
        for i in range(3):
            hub.publish("room", {"type": "reply", "n": i})
        hub.publish("room", {"type": "caption"})
        return sub.dropped

    assert asyncio.run(run()) == 2
    assert sample(metrics, "liveshop_websocket_messages_dropped_total", type="reply") == 2


def test_room_rate_drops_and_route_templates_through_the_service() -> None:
    with service(demo=True, limits={"room_replies_per_s": 0.5}) as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        texts = ["多少钱", "发什么快递", "怎么用"]  # three different questions, budget for one
        messages = [
            {"msg_id": f"r{i}", "viewer_id": f"v{i}", "text": t, "ts": T0.isoformat()}
            for i, t in enumerate(texts)
        ]
        body = client.post("/v1/rooms/demo/danmaku", json={"messages": messages}, headers=AUTH).json()
        assert [i["reason"] for i in body["ignored"]] == ["room_rate", "room_rate"]
        metrics = services.metrics
        assert sample(metrics, "liveshop_danmaku_ignored_total", reason="room_rate") == 2
        assert sample(metrics, "liveshop_danmaku_answered_total", source="catalog") == 1
        labels = {"method": "POST", "route": "/v1/rooms/{room_id}/danmaku", "status": "200"}
        assert sample(metrics, "liveshop_http_requests_total", **labels) == 1


def test_route_templates_keep_router_prefixes_and_never_raw_paths() -> None:
    metrics = Metrics()
    app = FastAPI()
    router = APIRouter()

    @router.get("/items/{item_id}/parts/{part}")
    def part(item_id: str, part: str) -> dict[str, Any]:
        return {"item_id": item_id, "part": part}

    app.include_router(router, prefix="/v1/shop")
    install_http_metrics(app, metrics)
    client = TestClient(app)
    assert client.get("/v1/shop/items/a1/parts/b2").status_code == 200
    assert client.get("/v1/shop/items/a1").status_code == 404
    ok = {"method": "GET", "route": "/v1/shop/items/{item_id}/parts/{part}", "status": "200"}
    assert sample(metrics, "liveshop_http_requests_total", **ok) == 1
    assert sample(metrics, "liveshop_http_requests_total", method="GET", route="unmatched", status="404") == 1
