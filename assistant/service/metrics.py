"""Prometheus metrics of one app instance (a registry per app, so tests can build many apps).

Naming follows Prometheus conventions: counters end in ``_total``, durations are ``_seconds``
histograms, and every label takes a bounded set of values (route templates, reasons, sources,
outcomes; never viewer ids or message text). Label values outside the known set are reported as
``other``. Every known series is created at start with 0, so rates and ratios exist before traffic.

The components never import this module: they take small callbacks (``on_batch``, ``on_lookup``,
``on_call``, ``on_fallback``, ``on_ingest``, ``on_push``, ``on_drop``, ``on_handoffs_capped``) and
the wiring passes the ``observe_*`` methods below.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from assistant.danmaku.cache import CacheLookup
from assistant.danmaku.replies import BatchResult
from assistant.danmaku.types import ReplySource, Triage
from assistant.llm.client import LLM_OUTCOMES, LlmCall
from recommender import IngestReport, Push, PushKind

OTHER = "other"
SOURCES = tuple(s.value for s in ReplySource)
IGNORE_REASONS = (
    "duplicate",
    "viewer_flood",
    "room_rate",
    *(t.value for t in Triage if t is not Triage.QUESTION),
)
FALLBACK_REASONS = (*(o for o in LLM_OUTCOMES if o != "ok"), "guard")
EVENT_ORIGINS = ("api", "danmaku")
EVENT_OUTCOMES = ("accepted", "duplicate", "rejected")
PUSH_TRIGGERS = tuple(k.value for k in PushKind)
HUB_MESSAGE_TYPES = ("reply", "push", "caption", "stage")
IMPORT_OUTCOMES = ("applied", "rejected")

REPLY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LLM_BUCKETS_S = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)


def bounded(value: str, allowed: Iterable[str]) -> str:
    """``value`` when it is a known label value, else ``other`` (label values stay bounded)."""
    return value if value in allowed else OTHER


class Metrics:
    """Every metric the service exports at ``/metrics``, and the callbacks that move them."""

    def __init__(self) -> None:
        # No ``*_created`` timestamp series next to every counter and histogram: they double the
        # scrape and Prometheus has no use for them (a process-wide switch of prometheus_client).
        disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "liveshop_http_requests",
            "HTTP requests by route template",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_latency = Histogram(
            "liveshop_http_request_duration_seconds", "HTTP request duration, seconds", ["route"], registry=r
        )
        # -- danmaku: every received message ends answered, joined or ignored ------------------
        self.danmaku_received = Counter("liveshop_danmaku_received", "danmaku received", registry=r)
        self.danmaku_answered = Counter(
            "liveshop_danmaku_answered",
            "danmaku answered by a new reply, by the reply's source",
            ["source"],
            registry=r,
        )
        self.danmaku_joined = Counter(
            "liveshop_danmaku_joined", "danmaku answered by a reply posted moments before", registry=r
        )
        self.danmaku_ignored = Counter(
            "liveshop_danmaku_ignored", "danmaku not answered, by reason", ["reason"], registry=r
        )
        self.replies = Counter(
            "liveshop_replies", "replies posted (one may answer several danmaku)", ["source"], registry=r
        )
        self.reply_latency = Histogram(
            "liveshop_reply_latency_seconds",
            "time from receiving a danmaku batch to each of its replies, seconds",
            ["source"],
            buckets=REPLY_BUCKETS_S,
            registry=r,
        )
        self.cache_lookups = Counter(
            "liveshop_answer_cache_lookups",
            "answer cache lookups: hit, semantic_hit (a close paraphrase) or miss",
            ["result"],
            registry=r,
        )
        self.cache_entries = Gauge("liveshop_answer_cache_entries", "answers in the answer cache", registry=r)
        # -- LLM --------------------------------------------------------------------------------
        self.llm_requests = Counter(
            "liveshop_llm_requests",
            "LLM chat completions by outcome (ok, timeout, rate_limited, http_error, connection, ...)",
            ["outcome"],
            registry=r,
        )
        self.llm_latency = Histogram(
            "liveshop_llm_request_duration_seconds",
            "LLM chat completion duration, whole answer, seconds",
            buckets=LLM_BUCKETS_S,
            registry=r,
        )
        self.llm_fallbacks = Counter(
            "liveshop_llm_fallbacks",
            "grounded fallbacks sent instead of an LLM answer, by reason (an LLM outcome or guard)",
            ["reason"],
            registry=r,
        )
        # -- catalogs, captions, recommendations, WebSockets -------------------------------------
        self.catalog_imports = Counter("liveshop_catalog_imports", "catalog imports", ["outcome"], registry=r)
        self.caption_lag = Gauge(
            "liveshop_caption_lag_seconds", "live caption lag behind real time, seconds", ["room"], registry=r
        )
        self.caption_frames_behind = Counter(
            "liveshop_caption_frames_behind",
            "live audio frames processed while behind real time (their partial captions are skipped)",
            registry=r,
        )
        self.events = Counter(
            "liveshop_events",
            "behaviour events ingested, by origin (api, danmaku) and outcome",
            ["origin", "outcome"],
            registry=r,
        )
        self.pushes = Counter("liveshop_pushes", "pushes published, by trigger", ["trigger"], registry=r)
        self.ws_subscribers = Gauge(
            "liveshop_websocket_subscribers", "room WebSocket subscribers, all rooms", registry=r
        )
        # -- handoffs ---------------------------------------------------------------------------
        # ``room`` is the room id, as for ``caption_lag``: rooms are created by the operator, not
        # by viewers, so the label stays bounded by the rooms a deployment runs.
        self.handoffs_capped = Counter(
            "liveshop_handoffs_capped",
            "handed-off danmaku turned away at the room's per-minute cap on new handoff questions"
            " (they got a holding reply), by room",
            ["room"],
            registry=r,
        )
        self.ws_dropped = Counter(
            "liveshop_websocket_messages_dropped",
            "messages a slow WebSocket subscriber lost (its queue was full), by message type",
            ["type"],
            registry=r,
        )
        self._initialise_series()

    def _initialise_series(self) -> None:
        for source in SOURCES:
            self.danmaku_answered.labels(source)
            self.replies.labels(source)
            self.reply_latency.labels(source)
        for reason in (*IGNORE_REASONS, OTHER):
            self.danmaku_ignored.labels(reason)
        for lookup in CacheLookup:
            self.cache_lookups.labels(lookup.value)
        for outcome in LLM_OUTCOMES:
            self.llm_requests.labels(outcome)
        for reason in FALLBACK_REASONS:
            self.llm_fallbacks.labels(reason)
        for outcome in IMPORT_OUTCOMES:
            self.catalog_imports.labels(outcome)
        for origin in EVENT_ORIGINS:
            for outcome in EVENT_OUTCOMES:
                self.events.labels(origin, outcome)
        for trigger in PUSH_TRIGGERS:
            self.pushes.labels(trigger)
        for kind in HUB_MESSAGE_TYPES:
            self.ws_dropped.labels(kind)

    # -- callbacks the wiring hands to the components -------------------------------------------
    def observe_batch(self, received: int, result: BatchResult) -> None:
        """A danmaku batch was handled (``DanmakuPipeline`` ``on_batch``)."""
        self.danmaku_received.inc(received)
        for reply in result.replies:
            source = bounded(str(reply.source), SOURCES)
            self.danmaku_answered.labels(source).inc(len(reply.reply_to))
            self.replies.labels(source).inc()
            self.reply_latency.labels(source).observe(reply.latency_ms / 1000)
        if result.joined:
            self.danmaku_joined.inc(len(result.joined))
        # one increment per reason, not per message: a flood batch is mostly ignored messages
        for reason, count in collections.Counter(i.reason for i in result.ignored).items():
            self.danmaku_ignored.labels(bounded(reason, IGNORE_REASONS)).inc(count)

    def observe_cache(self, lookup: CacheLookup) -> None:
        """One answer cache lookup (``AnswerCache`` ``on_lookup``)."""
        self.cache_lookups.labels(lookup.value).inc()

    def observe_llm(self, call: LlmCall) -> None:
        """One LLM chat completion (``LlmClient`` ``on_call``)."""
        self.llm_requests.labels(bounded(call.outcome, LLM_OUTCOMES)).inc()
        self.llm_latency.observe(call.seconds)

    def observe_fallback(self, reason: str) -> None:
        """A grounded fallback replaced the LLM's answer (``Answerer`` ``on_fallback``)."""
        self.llm_fallbacks.labels(bounded(reason, FALLBACK_REASONS)).inc()

    def observe_ingest(self, origin: str, report: IngestReport) -> None:
        """A batch of behaviour events was ingested (``RoomRecommenders`` ``on_ingest``)."""
        origin = bounded(origin, EVENT_ORIGINS)
        for outcome, count in (
            ("accepted", report.accepted),
            ("duplicate", report.duplicates),
            ("rejected", len(report.rejected)),
        ):
            if count:
                self.events.labels(origin, outcome).inc(count)

    def observe_push(self, push: Push) -> None:
        """A push was published to its room (``RoomRecommenders`` ``on_push``)."""
        self.pushes.labels(bounded(push.kind, PUSH_TRIGGERS)).inc()

    def observe_drop(self, message: dict[str, Any]) -> None:
        """A slow WebSocket subscriber lost a message (``RoomHub`` ``on_drop``)."""
        self.ws_dropped.labels(bounded(str(message.get("type")), HUB_MESSAGE_TYPES)).inc()

    def observe_handoffs_capped(self, room_id: str, messages: int) -> None:
        """``messages`` handed-off danmaku of ``room_id`` were turned away at the per-minute cap
        (``LiveRooms`` ``on_handoffs_capped``)."""
        self.handoffs_capped.labels(room_id).inc(messages)

    def watch(self, cache_size: Callable[[], float], subscribers: Callable[[], float]) -> None:
        """Gauges read when scraped: answers cached, WebSocket subscribers."""
        self.cache_entries.set_function(cache_size)
        self.ws_subscribers.set_function(subscribers)

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def install_http_metrics(app: FastAPI, metrics: Metrics) -> None:
    """Count and time every HTTP request by route template (not raw path: bounded label values)."""

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = "500"  # an exception that escapes every handler becomes a 500
        try:
            response = await call_next(request)
            status = str(response.status_code)
            return response
        finally:
            template = route_template(request.scope)
            metrics.http_requests.labels(request.method, template, status).inc()
            metrics.http_latency.labels(template).observe(time.perf_counter() - started)


def route_template(scope: MutableMapping[str, Any]) -> str:
    """The matched route's path template with its router prefix (``/v1/rooms/{room_id}/danmaku``),
    or ``unmatched``: never the raw path, whose ids would make label values unbounded.

    A route of a router included with a prefix keeps its own path (``/rooms/{room_id}/danmaku``),
    so the prefix is read off the request path: the part before the segments the route matched
    (path parameters never span a ``/``, so the split is unique)."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return "unmatched"
    regex = getattr(route, "path_regex", None)
    path = str(scope.get("path", ""))
    if regex is None or regex.match(path):
        return template
    for i, char in enumerate(path):
        if char == "/" and i > 0 and regex.match(path[i:]):
            return path[:i] + template
    return template
