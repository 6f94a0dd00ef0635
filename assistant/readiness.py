"""Readiness of the running service: which models and search indexes are loaded yet.

Liveness (``/healthz``) says the process answers; readiness (``/readyz``) says it can serve a room
without a viewer waiting on a cold start. At start-up ``start_warm_up`` loads, in one background
thread, what the first requests would otherwise load on demand: the text tools (jieba, OpenCC,
pypinyin), the search index of every stored catalog and the speech models (the sentence embedder
is loaded while the services are built). Each is a named component that is ``loading``, ``ready``
or ``failed`` (with the error); the service is ready when every component is ready.

The dense side of a catalog index may still be embedding in the background when the service is
ready: answers come from the facts and BM25 meanwhile, so the backlog is reported, not waited for.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assistant.service.wiring import Services

log = logging.getLogger(__name__)

State = Literal["loading", "ready", "failed"]
SPEECH = "speech-models"
TEXT = "text-models"  # jieba's dictionary, OpenCC, pypinyin: about 2 s on the first question else


@dataclass(slots=True)
class Component:
    """One thing the service loads before it is ready."""

    state: State = "loading"
    took_ms: float | None = None  # how long loading took (milliseconds), once done
    error: str | None = None


class Readiness:
    """The load state of every component, shared by the warm-up thread and the ``/readyz`` route."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._components: dict[str, Component] = {}
        self._started = False

    def expect(self, name: str) -> None:
        """Declare a component that must be loaded before the service is ready."""
        with self._lock:
            self._components.setdefault(name, Component())

    def load(self, name: str, loader: Callable[[], object]) -> None:
        """Run ``loader`` and record the outcome of component ``name`` (errors are kept, not raised)."""
        self.expect(name)
        started = time.perf_counter()
        try:
            loader()
        except Exception as exc:  # a failed model is reported by /readyz, the server stays up
            log.exception("loading %s failed", name)
            self._set(name, Component("failed", _ms(started), f"{type(exc).__name__}: {exc}"))
            return
        self._set(name, Component("ready", _ms(started)))
        log.info("%s loaded in %.0f ms", name, _ms(started))

    def mark_started(self) -> None:
        """The warm-up has declared every component (before that, nothing counts as ready)."""
        with self._lock:
            self._started = True

    @property
    def ready(self) -> bool:
        with self._lock:
            return self._started and all(c.state == "ready" for c in self._components.values())

    def report(self) -> dict[str, object]:
        """``{"status": "ready" | "loading" | "failed", "components": {...}, "loading": [...]}``."""
        with self._lock:
            components = dict(self._components)
            started = self._started
        loading = [n for n, c in components.items() if c.state == "loading"]
        if not started:
            loading.insert(0, "warm-up")  # the components are not even listed yet
        failed = [n for n, c in components.items() if c.state == "failed"]
        status = "failed" if failed else "loading" if loading else "ready"
        return {
            "status": status,
            "loading": loading,
            "failed": failed,
            "components": {
                n: {"state": c.state, "took_ms": c.took_ms, "error": c.error} for n, c in components.items()
            },
        }

    def _set(self, name: str, component: Component) -> None:
        with self._lock:
            self._components[name] = component


def catalog_component(catalog_id: str) -> str:
    return f"catalog-index:{catalog_id}"


def warm_up(services: Services, readiness: Readiness) -> None:
    """Load the speech models and every stored catalog's search index (blocking; run in a thread)."""
    catalog_ids = services.catalogs.catalog_ids()
    readiness.expect(TEXT)
    readiness.expect(SPEECH)
    for catalog_id in catalog_ids:
        readiness.expect(catalog_component(catalog_id))
    readiness.mark_started()
    readiness.load(TEXT, load_text_models)
    for catalog_id in catalog_ids:
        readiness.load(catalog_component(catalog_id), partial(load_catalog, services, catalog_id))
    readiness.load(SPEECH, services.captions.pipeline)
    freeze_start_up_objects()


def freeze_start_up_objects() -> None:
    """Move every object alive after the warm-up out of the garbage collector's passes.

    The models, tokeniser tables and indexes loaded at start-up are ~0.5-0.8 M objects that live
    as long as the process; each full (generation 2) collection walked all of them, 300-330 ms
    during which every request waited (measured as the whole HTTP p99 at 500 danmaku/s with
    ``benchmarks.bench_scaleout``). Frozen, a full collection walks only what requests created."""
    gc.collect()
    gc.freeze()


def load_catalog(services: Services, catalog_id: str) -> None:
    """A stored catalog's search index (from its files) and its name matcher."""
    services.catalogs.index(catalog_id)
    services.live.pipeline.prepare(services.catalogs.catalog(catalog_id))


def load_text_models() -> None:
    """Load the tokeniser dictionaries and the pinyin tables the danmaku path uses on demand."""
    from assistant.danmaku.sounds import syllables
    from knowledge.retrieval import tokenize

    tokenize("预热 warm-up 預熱")  # jieba's dictionary and OpenCC (Traditional -> Simplified)
    syllables("预热")  # pypinyin's tables (sound-alike product names)


def start_warm_up(services: Services, readiness: Readiness) -> threading.Thread:
    """Start ``warm_up`` in a daemon thread (the server accepts requests meanwhile)."""
    thread = threading.Thread(target=warm_up, args=(services, readiness), name="warm-up", daemon=True)
    thread.start()
    return thread


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
