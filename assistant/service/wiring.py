"""Builds the running service from settings: the only module that reads settings and picks backends.

Heavy dependencies (faiss, sentence-transformers, the openai client) are imported lazily here, when
the setting that needs them is on, so ``import assistant`` stays light.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assistant.captions import CaptionService
from assistant.catalogs import CatalogService
from assistant.danmaku.answering import Answerer
from assistant.danmaku.cache import AnswerCache
from assistant.danmaku.dialogue import MemoryDialogueStore
from assistant.danmaku.operator_faq import OperatorFaq
from assistant.danmaku.pipeline import DanmakuPipeline, PipelineLimits
from assistant.hub import RoomHub
from assistant.live import LiveRooms
from assistant.llm.client import LlmClient, LlmConfig
from assistant.recs import RoomRecommenders
from assistant.rooms import MemoryRoomStore
from assistant.service.metrics import Metrics
from assistant.service.settings import Settings
from knowledge.retrieval import Embedder
from knowledge.store import CatalogStore, MemoryCatalogStore, SqliteCatalogStore

log = logging.getLogger(__name__)

DEMO_ROOM_ID = "demo"
DEMO_CATALOG_ID = "demo"


@dataclass
class Services:
    """Everything the routes use, built once per app."""

    settings: Settings
    clock: Callable[[], datetime]
    metrics: Metrics
    catalogs: CatalogService
    live: LiveRooms
    answerer: Answerer
    captions: CaptionService
    extras: dict[str, Any] = field(default_factory=dict)

    def health(self) -> dict[str, object]:
        return {
            "status": "ok",
            "catalogs": self.catalogs.catalog_ids(),
            "rooms": [r.room_id for r in self.live.rooms.list()],
            "llm": self.settings.llm.enabled,
            "embeddings": self.settings.embeddings,
        }

    def close(self) -> None:
        """Release what the services hold (called at shutdown)."""
        self.catalogs.close()
        closer = getattr(self.catalogs.store, "close", None)
        if callable(closer):
            closer()
        self.captions.close()


def system_clock(timezone: str) -> Callable[[], datetime]:
    zone = ZoneInfo(timezone)

    def now() -> datetime:
        return datetime.now(zone)

    return now


def build_store(settings: Settings) -> CatalogStore:
    if settings.store == "memory":
        return MemoryCatalogStore()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteCatalogStore(settings.data_dir / "catalog.sqlite3")


def build_embedder(settings: Settings) -> Embedder | None:
    """The sentence embedder for retrieval, or None for BM25-only (``LIVESHOP_EMBEDDINGS=none``)."""
    if settings.embeddings == "none":
        return None
    from assistant.models import locate_model
    from knowledge.retrieval import E5Embedder

    # int8 dynamic quantisation halves the CPU per embedding for -0.004 product recall@5 (measured
    # in benchmarks/README.md); queries are memoised, so repeated danmaku never re-encode.
    return E5Embedder(locate_model("multilingual-e5-small", settings.model_dir), quantize=True)


def build_llm(settings: Settings) -> LlmClient | None:
    llm = settings.llm
    if not llm.enabled:
        return None
    return LlmClient(
        LlmConfig(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key.get_secret_value(),
            timeout_s=llm.timeout_s,
            max_tokens=llm.max_tokens,
            temperature=llm.temperature,
        )
    )


def passage_search(catalogs: CatalogService) -> Callable[[str, str, str | None], Sequence[str]]:
    def search(catalog_id: str, question: str, product_id: str | None) -> Sequence[str]:
        index = catalogs.index(catalog_id)
        ids = [product_id] if product_id else None
        return [hit.chunk.text for hit in index.search(question, k=4, product_ids=ids)]

    return search


def caption_pipeline_factory(model_dir: Path) -> Callable[[], Any]:
    """Builds the speech pipeline from the model cache when captions are first needed."""

    def build() -> Any:
        from assistant.models import locate_model
        from speech.pipeline import CaptionPipeline

        campplus = locate_model("campplus-zh-en", model_dir)
        return CaptionPipeline(
            locate_model("whisper-base", model_dir),
            locate_model("pyannote-segmentation-3.0", model_dir),
            campplus / "campplus_cn_en_common.pt",
        )

    return build


def build_services(settings: Settings, clock: Callable[[], datetime] | None = None) -> Services:
    """Wire every component for ``settings``; ``clock`` overrides the wall clock (tests, replays)."""
    clock = clock or system_clock(settings.timezone)
    store = build_store(settings)
    index_dir: Path | None = None if settings.store == "memory" else settings.data_dir / "index"
    embedder = build_embedder(settings)
    if embedder is not None:
        embedder.encode_queries(["预热"])  # load the model now, not on the first viewer's question
    catalogs = CatalogService(store, embedder, index_dir, settings.timezone, clock)
    answerer = Answerer(passage_search(catalogs), build_llm(settings), OperatorFaq())
    limits = PipelineLimits(
        viewer_messages_per_min=settings.limits.viewer_messages_per_min,
        room_replies_per_s=settings.limits.room_replies_per_s,
    )
    embed_query = None
    if embedder is not None:

        def embed_query(text: str) -> Any:
            return embedder.encode_queries([text])[0]

    cache = AnswerCache(embed=embed_query)
    recs = RoomRecommenders(catalogs, clock, embedder)  # recommendations: answered questions are events
    pipeline = DanmakuPipeline(answerer, MemoryDialogueStore(), cache, limits, on_answered=recs.on_answered)
    live = LiveRooms(MemoryRoomStore(), catalogs, pipeline, RoomHub(), clock)
    captions = CaptionService(caption_pipeline_factory(settings.model_dir), clock)
    services = Services(settings, clock, Metrics(), catalogs, live, answerer, captions)
    services.extras["recs"] = recs.attach(live)  # stage changes and pushes of the live rooms
    if settings.demo:
        load_demo(services)
    return services


def load_demo(services: Services) -> None:
    """Load the demo catalog (unless stored already) and open room ``demo`` on it."""
    from knowledge.demo import load_demo_catalog

    if DEMO_CATALOG_ID not in services.catalogs.catalog_ids():
        version = services.catalogs.load_catalog(load_demo_catalog())
        log.info("demo catalog loaded at version %d", version)
    if DEMO_ROOM_ID not in {r.room_id for r in services.live.rooms.list()}:
        services.live.create(DEMO_ROOM_ID, DEMO_CATALOG_ID, "LiveShop demo room")
