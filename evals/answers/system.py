"""The real system under test: the service's danmaku pipeline over the demo catalog.

``PipelineSystem`` builds the services as the app does (``assistant.service.wiring.build_services``)
with an in-memory store, a frozen clock the eval moves, and, by default, no LLM and BM25-only
retrieval (the CI path). Each ``reset`` builds a fresh set of services, so no dialogue state, cache
entry or rate-limit budget leaks from one case into the next.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime
from typing import Any

from assistant.danmaku.types import Danmaku, ReplySource
from assistant.danmaku.understanding import UnderstandingModel
from assistant.service.settings import Settings
from assistant.service.wiring import Services, build_services
from evals.answers.protocol import AskResult
from knowledge.demo import load_demo_catalog
from knowledge.domain import Catalog

ROOM_ID = "eval"
START = datetime.fromisoformat("2026-11-21T18:00:00+08:00")  # before every demo promotion


class PipelineSystem:
    """``AnswerSystem`` over ``LiveRooms.handle_danmaku`` (one message a batch)."""

    def __init__(
        self,
        settings: Settings | None = None,
        catalog: Catalog | None = None,
        understanding: UnderstandingModel | None = None,
    ) -> None:
        self._settings = settings or Settings(store="memory", embeddings="none", demo=False)
        self._understanding = understanding  # None: the shipped model
        self._catalog = catalog or load_demo_catalog()
        self._now = START
        self._ids = itertools.count(1)
        self._services: Services | None = None

    @property
    def llm_enabled(self) -> bool:
        return self._settings.llm.enabled

    def _clock(self) -> datetime:
        return self._now

    def _live(self) -> Any:
        if self._services is None:
            self.reset()
        assert self._services is not None
        return self._services.live

    def reset(self) -> None:
        if self._services is not None:
            self._services.close()
        self._now = START
        self._services = build_services(self._settings, clock=self._clock, understanding=self._understanding)
        self._services.catalogs.load_catalog(self._catalog)
        self._services.live.create(ROOM_ID, self._catalog.catalog_id, "answer eval")

    def set_stage(self, product_id: str | None, at: datetime) -> None:
        self._now = at
        self._live().set_stage(ROOM_ID, product_id, at)

    def ask(self, viewer_id: str, text: str, at: datetime, nickname: str = "") -> AskResult:
        self._now = at
        message = Danmaku(f"eval-{next(self._ids)}", viewer_id, text, at, nickname)
        started = time.perf_counter()
        result = self._live().handle_danmaku(ROOM_ID, [message])
        latency_ms = (time.perf_counter() - started) * 1000
        if not result.replies:
            reason = result.ignored[0].reason if result.ignored else "none"
            return AskResult(replied=False, ignored_reason=reason, latency_ms=latency_ms)
        reply = result.replies[0]
        # The reply does not say whether the LLM was asked; an llm answer was, and with an LLM
        # configured a fallback means the LLM answer was rejected or timed out.
        llm_called = reply.source is ReplySource.LLM or (
            self.llm_enabled and reply.source is ReplySource.FALLBACK
        )
        return AskResult(
            replied=True,
            text=reply.text,
            product_id=reply.product_id,
            intent=reply.intent,
            source=str(reply.source),
            llm_called=llm_called,
            latency_ms=latency_ms,
        )
