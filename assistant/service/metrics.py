"""Prometheus metrics of one app instance (a registry per app, so tests can build many apps)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)


class Metrics:
    """Every metric the service exports at ``/metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "liveshop_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.http_latency = Histogram(
            "liveshop_http_request_seconds", "HTTP request latency, seconds", ["route"], registry=r
        )
        self.danmaku = Counter("liveshop_danmaku_total", "danmaku received", ["triage"], registry=r)
        self.replies = Counter("liveshop_replies_total", "replies sent", ["source"], registry=r)
        self.answer_latency = Histogram(
            "liveshop_answer_seconds",
            "in-process answer latency, seconds",
            buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 3, 10),
            registry=r,
        )
        self.llm_calls = Counter("liveshop_llm_calls_total", "LLM calls", ["outcome"], registry=r)
        self.cache = Counter("liveshop_answer_cache_total", "answer cache lookups", ["result"], registry=r)
        self.catalog_imports = Counter(
            "liveshop_catalog_imports_total", "catalog imports", ["outcome"], registry=r
        )
        self.caption_lag = Gauge(
            "liveshop_caption_lag_seconds", "live caption lag behind real time, seconds", ["room"], registry=r
        )
        self.caption_frames_behind = Counter(
            "liveshop_caption_frames_behind_total",
            "live audio frames processed while behind real time (their partial captions are skipped)",
            registry=r,
        )
        self.events = Counter("liveshop_events_total", "behaviour events", ["outcome"], registry=r)
        self.pushes = Counter("liveshop_pushes_total", "pushes sent", ["trigger"], registry=r)

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def install_http_metrics(app: FastAPI, metrics: Metrics) -> None:
    """Count and time every HTTP request by route template (not raw path: bounded label values)."""

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        metrics.http_requests.labels(request.method, template, str(response.status_code)).inc()
        metrics.http_latency.labels(template).observe(time.perf_counter() - started)
        return response
