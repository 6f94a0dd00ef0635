"""Builds the running service from settings: the only module that reads settings and picks backends.

Heavy dependencies (faiss, sentence-transformers, the openai client) are imported lazily here, when
the setting that needs them is on, so ``import assistant`` stays light.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assistant.captions import CaptionService
from assistant.catalogs import CatalogService
from assistant.danmaku.answering import Answerer
from assistant.danmaku.cache import AnswerCache
from assistant.danmaku.operator_faq import OperatorFaq
from assistant.danmaku.pipeline import DanmakuPipeline, PipelineLimits
from assistant.danmaku.pipeline_state import PipelineState
from assistant.danmaku.understanding import UnderstandingModel
from assistant.eval_jobs import EvalJobs
from assistant.hub import RoomHub
from assistant.live import LiveRooms
from assistant.llm.client import CallHook, LlmClient, LlmConfig
from assistant.recovery import LogRecovery
from assistant.recs import RoomRecommenders, TickerLease
from assistant.rooms import RoomExistsError
from assistant.service.metrics import Metrics
from assistant.service.settings import Settings
from assistant.state import StateOptions, StateStores, build_state_stores
from knowledge.retrieval import Embedder
from knowledge.store import CatalogStore, MemoryCatalogStore, SqliteCatalogStore

log = logging.getLogger(__name__)

DEMO_ROOM_ID = "demo"
DEMO_CATALOG_ID = "demo"
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"  # owner of leases


@dataclass
class Services:
    """Everything the routes use, built once per app: a typed container, one field per component.

    ``state`` holds every store of operator and viewer state (``assistant.state``: SQLite in the
    data folder by default, Redis when several processes serve the rooms); the components above
    it keep only caches and per-process resources."""

    settings: Settings
    clock: Callable[[], datetime]
    metrics: Metrics
    catalogs: CatalogService
    live: LiveRooms
    answerer: Answerer
    captions: CaptionService
    state: StateStores
    recs: RoomRecommenders
    hub: RoomHub
    evals: EvalJobs  # answer-eval runs (child processes, files under <data_dir>/evals/answers)
    recovery: LogRecovery | None = None  # applies danmaku and events a dead process held (redis only)

    def close(self) -> None:
        """Release what the services hold (called at shutdown)."""
        self.evals.close()
        if self.recovery is not None:
            self.recovery.close()
        self.recs.close()
        self.catalogs.close()
        closer = getattr(self.catalogs.store, "close", None)
        if callable(closer):
            closer()
        self.captions.close()
        self.hub.close()
        self.state.close()


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


def build_catalogs(
    settings: Settings, embedder: Embedder | None, clock: Callable[[], datetime] | None = None
) -> CatalogService:
    """The catalog service on the configured store, with its index files under the data folder."""
    index_dir = None if settings.store == "memory" else settings.data_dir / "index"
    clock = clock or system_clock(settings.timezone)
    return CatalogService(build_store(settings), embedder, index_dir, settings.timezone, clock)


def state_options(settings: Settings) -> StateOptions:
    """The state stores' limits from the settings (the rest are the stores' defaults)."""
    return StateOptions(
        viewer_messages_per_min=settings.limits.viewer_messages_per_min,
        room_replies_per_s=settings.limits.room_replies_per_s,
    )


def build_state(settings: Settings) -> StateStores:
    """The state stores of ``LIVESHOP_STATE`` (default: SQLite ``state.db`` in the data folder when
    the catalog store is SQLite, else memory; ``redis``: shared by every process on the URL)."""
    kind = settings.state_backend
    options = state_options(settings)
    if kind == "memory":
        return build_state_stores("memory", options=options)
    if kind == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return build_state_stores("sqlite", sqlite_path=settings.data_dir / "state.db", options=options)
    return build_redis_state(settings, options)


def build_redis_state(settings: Settings, options: StateOptions) -> StateStores:
    """Redis state on ``LIVESHOP_REDIS_URL``; fails at start-up, naming the URL's host, when Redis
    cannot be reached (a service that cannot share its state must not serve)."""
    import redis

    from assistant.state.errors import StateConfigError

    url = settings.redis_url.get_secret_value()
    client = redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=5.0)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        host = url.split("@")[-1]  # never log a password
        raise StateConfigError(
            f"LIVESHOP_STATE=redis but Redis at {host} cannot be reached ({exc}); start Redis or fix "
            "LIVESHOP_REDIS_URL"
        ) from exc
    stores = build_state_stores("redis", redis=client, prefix=settings.redis_prefix, options=options)
    stores._close = client.close  # the client is ours: closed with the stores
    return stores


def share_catalog_versions(catalogs: CatalogService, state: StateStores) -> None:
    """Several processes on one catalog store: every committed change is announced with its
    version, and every read first checks the announced version (one Redis round trip), so a price
    changed through one process is never quoted by another from its cached snapshot."""
    catalogs.subscribe(lambda change: state.catalog_notices.publish(change.catalog_id, change.version))
    catalogs.follow_versions(state.catalog_notices.latest)


def build_embedder(settings: Settings) -> Embedder | None:
    """The sentence embedder for retrieval, or None for BM25-only (``LIVESHOP_EMBEDDINGS=none``)."""
    if settings.embeddings == "none":
        return None
    from assistant.models import locate_model
    from knowledge.retrieval import E5Embedder

    # int8 dynamic quantisation halves the CPU per embedding for -0.004 product recall@5 (measured
    # in benchmarks/README.md); queries are memoised, so repeated danmaku never re-encode.
    return E5Embedder(locate_model("multilingual-e5-small", settings.model_dir), quantize=True)


def build_llm(settings: Settings, on_call: CallHook | None = None) -> LlmClient | None:
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
        ),
        on_call=on_call,
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


def build_services(
    settings: Settings,
    clock: Callable[[], datetime] | None = None,
    understanding: UnderstandingModel | None = None,
) -> Services:
    """Wire every component for ``settings``; ``clock`` overrides the wall clock (tests, replays);
    ``understanding`` replaces the shipped understanding model (cross-validation in the evals)."""
    clock = clock or system_clock(settings.timezone)
    metrics = Metrics()  # components report through its observe_* callbacks
    embedder = build_embedder(settings)
    if embedder is not None:
        embedder.encode_queries(["预热"])  # load the model now, not on the first viewer's question
    catalogs = build_catalogs(settings, embedder, clock)
    state = build_state(settings)
    llm = build_llm(settings, on_call=metrics.observe_llm)
    operator_faq = OperatorFaq(state.operator_answers, state.faq_hits)
    answerer = Answerer(passage_search(catalogs), llm, operator_faq, on_fallback=metrics.observe_fallback)
    limits = PipelineLimits(
        viewer_messages_per_min=settings.limits.viewer_messages_per_min,
        room_replies_per_s=settings.limits.room_replies_per_s,
    )
    embed_query = None
    if embedder is not None:

        def embed_query(text: str) -> Any:
            return embedder.encode_queries([text])[0]

    cache = AnswerCache(embed=embed_query, on_lookup=metrics.observe_cache)
    shared = state.kind == "redis"  # several processes serve the rooms: bus and versions via Redis
    if shared:
        share_catalog_versions(catalogs, state)
    # recommendations: answered questions are events
    recs = RoomRecommenders(
        catalogs,
        clock,
        embedder,
        on_ingest=metrics.observe_ingest,
        on_push=metrics.observe_push,
        store=state.recommender,
        shared=shared,
        ticker_lease=TickerLease(state.audio_leases, PROCESS_ID) if shared else None,
        event_log=state.event_log,
        consumer=PROCESS_ID,
    )
    pipeline = DanmakuPipeline(
        answerer,
        state.dialogue,
        cache,
        limits,
        on_answered=recs.on_answered,
        on_batch=metrics.observe_batch,
        understanding=understanding or UnderstandingModel.load(),  # shipped weights, ~0.2 MB
        state=PipelineState.from_stores(state),
    )
    catalogs.on_version(pipeline.prepare)  # the first question after a change builds nothing
    catalogs.on_version(recs.prepare)
    hub = RoomHub(on_drop=metrics.observe_drop, bus=state.bus if shared else None)
    metrics.watch(cache_size=lambda: len(cache), subscribers=hub.total_subscribers)
    live = LiveRooms(
        state.rooms,
        catalogs,
        pipeline,
        hub,
        clock,
        handoffs=state.handoffs,
        review=state.review,
        danmaku_log=state.danmaku_log,
        consumer=PROCESS_ID,
        handoff_groups_per_min=settings.limits.handoff_groups_per_min,
        on_handoffs_capped=metrics.observe_handoffs_capped,
    )
    captions = CaptionService(caption_pipeline_factory(settings.model_dir), clock, logs=state.captions)
    recs.attach(live)  # stage changes and pushes of the live rooms
    evals = EvalJobs(settings.data_dir / "evals" / "answers", clock, keep=settings.eval_runs_kept)
    services = Services(settings, clock, metrics, catalogs, live, answerer, captions, state, recs, hub, evals)
    if state.danmaku_log is not None:
        idle_s = settings.redis_claim_idle_s
        services.recovery = LogRecovery(
            {"danmaku": lambda: live.recover_danmaku(idle_s), "events": lambda: recs.recover_events(idle_s)}
        ).start()
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
        with contextlib.suppress(RoomExistsError):  # another process sharing the state opened it
            services.live.create(DEMO_ROOM_ID, DEMO_CATALOG_ID, "LiveShop demo room")
