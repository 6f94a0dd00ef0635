"""Catalog operations of the product: import, read, patch, export; keeps the search index in step.

An import is parsed and validated completely (``knowledge.ingest``), merged and validated again by
the store (``knowledge.store``), committed in one transaction, and only then indexed. A rejected file
changes nothing. Price, stock and promotion changes never re-embed text: the store reports which
products' text changed and only those are re-indexed.

Indexing is eventually consistent on the dense side (``background_embedding``, the default): an
import returns once its products are committed and BM25-searchable (plus any vectors already in
the embedding cache); a background worker per index embeds the rest and hybrid search uses the
vectors present meanwhile. ``embedding_backlog`` says how many passages are still waiting and
``wait_indexed`` blocks until none are (tests, the CLI, benchmarks). Vectors are written to the
embedding cache as they are computed, so a restart mid-backlog re-embeds nothing already done.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from knowledge.domain import AfterSalesPolicy, Catalog, Product, Promotion, ShippingPolicy
from knowledge.errors import UnknownProductError
from knowledge.ids import path_key
from knowledge.ingest import UploadedFile, export_catalog, parse_catalog
from knowledge.retrieval import DensePassages, Embedder, HybridIndex, HybridOptions
from knowledge.store import CatalogChange, CatalogStore, ProductPatch

log = logging.getLogger(__name__)

ImportMode = Literal["upsert", "replace"]
Progress = Callable[[str, float], None]
VERSION_FILE = "catalog_version"
IndexItem = tuple[Product, ShippingPolicy | None, AfterSalesPolicy | None]


@dataclass(slots=True)
class ImportOutcome:
    """What an import did, as the API and CLI report it."""

    catalog_id: str
    version: int
    mode: str
    summary: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    took_ms: float = 0.0
    embedding_backlog: int = 0  # passages still waiting for vectors when the import returned

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalog_id": self.catalog_id,
            "version": self.version,
            "mode": self.mode,
            "rows": self.rows,
            "summary": self.summary,
            "warnings": self.warnings,
            "took_ms": round(self.took_ms, 1),
            "embedding_backlog": self.embedding_backlog,
        }


class CatalogService:
    """Catalogs plus one hybrid search index per catalog, kept consistent with the store."""

    def __init__(
        self,
        store: CatalogStore,
        embedder: Embedder | None,
        index_dir: Path | None,
        timezone: str,
        clock: Callable[[], datetime],
        *,
        background_embedding: bool = True,
        dense_passages: DensePassages = "names",
    ) -> None:
        self.store = store
        self._background = background_embedding and embedder is not None
        self._dense_passages: DensePassages = dense_passages
        self._embedder = embedder
        self._index_dir = index_dir
        self._timezone = timezone
        self._clock = clock
        self._indexes: dict[str, HybridIndex] = {}
        self._lock = threading.RLock()  # guards the dicts below; held for microseconds
        self._index_locks: dict[str, threading.RLock] = {}  # one writer/builder per catalog index
        self._listeners: list[Callable[[CatalogChange], None]] = []
        self._preparers: list[Callable[[Catalog], None]] = []
        self._pending: dict[str, tuple[set[str], set[str]]] = {}
        self._latest: Callable[[str], int | None] | None = None
        store.subscribe(self._on_change)

    # -- reads ---------------------------------------------------------------------------------
    def catalog(self, catalog_id: str) -> Catalog:
        catalog = self.store.get(catalog_id)
        return catalog if self._latest is None else self._catch_up(catalog)

    def follow_versions(self, latest: Callable[[str], int | None]) -> None:
        """Several processes on one catalog store: ``latest(catalog_id)`` is the newest version any
        of them committed (the state's catalog notices). A read whose cached snapshot is older
        drops it and the in-memory index first, so no answer quotes a superseded price."""
        self._latest = latest

    def _catch_up(self, catalog: Catalog) -> Catalog:
        assert self._latest is not None
        latest = self._latest(catalog.catalog_id)
        if latest is None or latest <= catalog.version:
            return catalog
        refresh = getattr(self.store, "refresh", None)  # the SQLite store caches snapshots
        if callable(refresh):
            refresh(catalog.catalog_id)
        with self._lock:
            self._indexes.pop(catalog.catalog_id, None)  # reloaded from the saved files on next use
        return self.store.get(catalog.catalog_id)

    def catalog_ids(self) -> list[str]:
        return self.store.catalog_ids()

    def product(self, catalog_id: str, product_id: str) -> Product:
        product = self.catalog(catalog_id).product(product_id)
        if product is None:
            raise UnknownProductError(f"product {product_id!r} is not in catalog {catalog_id!r}")
        return product

    def index(self, catalog_id: str, progress: Progress | None = None) -> HybridIndex:
        """The search index of a catalog, loaded from disk or built on first use.

        Imports build it (BM25 at once, vectors in the background), and the service loads every
        stored one at start-up (``assistant.readiness``), so a question rarely pays for this. A
        build holds only this catalog's lock: other catalogs keep answering meanwhile.
        """
        with self._lock:
            index = self._indexes.get(catalog_id)
        if index is not None:
            return index
        with self._index_lock(catalog_id):
            with self._lock:
                index = self._indexes.get(catalog_id)
                if index is not None:
                    return index
                # Changes committed from here on stay pending and are applied by their writer.
                self._pending.pop(catalog_id, None)
            index = self._load_or_build(catalog_id, progress)
            with self._lock:
                self._indexes[catalog_id] = index
            return index

    def loaded(self, catalog_id: str) -> bool:
        """Whether the catalog's search index is in memory (answers need no build)."""
        with self._lock:
            return catalog_id in self._indexes

    def embedding_backlog(self, catalog_id: str) -> int:
        """Passages of a catalog still waiting for their vectors (0 when its index is not loaded)."""
        with self._lock:
            index = self._indexes.get(catalog_id)
        return 0 if index is None else index.embedding_backlog()

    def embedding_stalled(self, catalog_id: str) -> bool:
        """Whether the catalog's passages wait for vectors with no worker embedding them."""
        with self._lock:
            index = self._indexes.get(catalog_id)
        return index is not None and index.embedding_stalled()

    def wait_indexed(self, timeout_s: float | None = None, catalog_id: str | None = None) -> bool:
        """Block until the loaded indexes (or one catalog's) have every vector; False on timeout."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._lock:
            chosen = [i for c, i in self._indexes.items() if catalog_id is None or c == catalog_id]
        for index in chosen:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not index.wait_embedded(left):
                return False
        return True

    def close(self) -> None:
        """Stop the background embedding workers (indexes stay searchable; restarts resume)."""
        with self._lock:
            for index in self._indexes.values():
                index.close()

    # -- writes --------------------------------------------------------------------------------
    def import_files(
        self,
        catalog_id: str,
        files: Sequence[UploadedFile],
        mode: ImportMode = "upsert",
        progress: Progress | None = None,
    ) -> ImportOutcome:
        """Parse, validate, commit and index an upload; raises ImportRejected and changes nothing."""
        started = time.perf_counter()
        _report(progress, "parse", 0.0)
        parsed = parse_catalog(files, catalog_id, timezone=self._timezone)
        _report(progress, "store", 0.3)
        report = self.store.apply_import(
            catalog_id, parsed.catalog, mode, self._clock(), source=", ".join(f.filename for f in files)
        )
        _report(progress, "index", 0.5)
        self._reindex(catalog_id, progress, build=True)
        _report(progress, "prepare", 1.0)
        self._prepare(catalog_id)
        _report(progress, "done", 1.0)
        return ImportOutcome(
            catalog_id=catalog_id,
            version=report.version,
            mode=mode,
            summary=report.summary(),
            warnings=list(parsed.warnings),
            rows=parsed.row_count,
            took_ms=(time.perf_counter() - started) * 1000,
            embedding_backlog=self.embedding_backlog(catalog_id),
        )

    def load_catalog(self, catalog: Catalog, mode: ImportMode = "replace") -> int:
        """Store an already-built catalog (the embedded demo) and index it; returns the version."""
        report = self.store.apply_import(catalog.catalog_id, catalog, mode, self._clock(), source="demo")
        self._reindex(catalog.catalog_id, None, build=True)
        self._prepare(catalog.catalog_id)
        return report.version

    def patch_product(self, catalog_id: str, product_id: str, patch: ProductPatch) -> Product:
        """Price/stock change: never re-embeds (the store reports no text change)."""
        self.store.update_product(catalog_id, product_id, patch, self._clock())
        self._reindex(catalog_id, None)
        self._prepare(catalog_id)
        return self.product(catalog_id, product_id)

    def put_promotion(self, catalog_id: str, promotion: Promotion) -> int:
        version = self.store.put_promotion(catalog_id, promotion, self._clock())
        self._reindex(catalog_id, None)
        self._prepare(catalog_id)
        return version

    def delete_promotion(self, catalog_id: str, promo_id: str) -> int:
        version = self.store.delete_promotion(catalog_id, promo_id, self._clock())
        self._reindex(catalog_id, None)
        self._prepare(catalog_id)
        return version

    def export(self, catalog_id: str, fmt: Literal["csv", "xlsx", "json"]) -> tuple[bytes, str]:
        return export_catalog(self.store.get(catalog_id), fmt)

    def on_version(self, preparer: Callable[[Catalog], None]) -> None:
        """Be called with each new catalog version (import, patch, promotion) before the write
        returns, in the writer's thread with no lock held, to build per-version structures (the
        name matcher, the recommender's items): the operator's request pays for them, not the
        first viewer's question (5,000 products: about 1 s)."""
        self._preparers.append(preparer)

    def subscribe(self, listener: Callable[[CatalogChange], None]) -> None:
        """Be told of every committed change (answer caches invalidate on it)."""
        self._listeners.append(listener)

    # -- internals -----------------------------------------------------------------------------
    def _on_change(self, change: CatalogChange) -> None:
        """Store listener: remember what needs re-indexing, tell our own listeners."""
        with self._lock:
            pending = self._pending.setdefault(change.catalog_id, (set(), set()))
            pending[0].update(change.text_changed_product_ids)
            pending[1].update(change.removed_product_ids)
        for listener in self._listeners:
            try:
                listener(change)
            except Exception:  # a broken listener must not undo a committed change
                log.exception("catalog change listener failed")

    def _prepare(self, catalog_id: str) -> None:
        catalog = self.store.get(catalog_id)
        for preparer in self._preparers:
            try:
                preparer(catalog)
            except Exception:  # the import is committed: a failed warm-up only costs a later wait
                log.exception("preparing catalog %s v%d failed", catalog_id, catalog.version)

    def _items(self, catalog: Catalog, product_ids: Collection[str] | None = None) -> list[IndexItem]:
        return [
            (p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id))
            for p in catalog.products
            if product_ids is None or p.product_id in product_ids
        ]

    def _index_lock(self, catalog_id: str) -> threading.RLock:
        with self._lock:
            return self._index_locks.setdefault(catalog_id, threading.RLock())

    def _load_or_build(self, catalog_id: str, progress: Progress | None = None) -> HybridIndex:
        """Load the saved index if it reflects the stored version, else build it (catalog lock held)."""
        catalog = self.store.get(catalog_id)
        path = self._index_path(catalog_id)
        if path is not None and _saved_version(path) == catalog.version:
            try:
                return HybridIndex.load(path, self._embedder, self._options())
            except Exception:  # a damaged index file is rebuilt, never trusted
                log.warning("rebuilding the search index of %s", catalog_id, exc_info=True)
        index = HybridIndex(self._embedder, self._options())
        index.upsert_products(self._items(catalog), progress=_sub_progress(progress))
        self._save(catalog_id, index, catalog.version)
        return index

    def _reindex(self, catalog_id: str, progress: Progress | None, build: bool = False) -> None:
        """Apply pending text changes to the catalog's index (only changed products are embedded).

        An index not in memory is left to be loaded on first use, unless ``build`` (imports): then
        it is loaded or built now, so the first question after an import finds it ready. Only this
        catalog's lock is held: searches and other catalogs go on meanwhile.
        """
        with self._index_lock(catalog_id):
            with self._lock:
                index = self._indexes.get(catalog_id)
                if index is None and not build:
                    self._pending.pop(catalog_id, None)  # the first use builds from the store
                    return
                changed, removed = self._pending.pop(catalog_id, (set(), set()))
            if index is None:
                self.index(catalog_id, progress)  # loads or builds from the store, all of it
                return
            catalog = self.store.get(catalog_id)
            if removed:
                index.remove_products(sorted(removed))
            if changed:
                index.upsert_products(self._items(catalog, changed), progress=_sub_progress(progress))
            if changed or removed:
                self._save(catalog_id, index, catalog.version)
            else:  # price, stock, promotions: the saved index is still right for this version
                self._save_version(catalog_id, catalog.version)

    def _options(self) -> HybridOptions:
        """Index options; the embedding cache lives beside the index files so a restart or a
        re-import embeds only text it has never seen."""
        cache = None if self._index_dir is None else self._index_dir / "embeddings.sqlite3"
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
        return HybridOptions(
            cache_path=cache, background_embedding=self._background, dense_passages=self._dense_passages
        )

    def _index_path(self, catalog_id: str) -> Path | None:
        """The catalog's index folder, named by its safe key (never the raw id, see knowledge.ids)."""
        return None if self._index_dir is None else self._index_dir / "catalogs" / path_key(catalog_id)

    def _save(self, catalog_id: str, index: HybridIndex, version: int) -> None:
        """Save the index, then record which catalog version it reflects (written last)."""
        path = self._index_path(catalog_id)
        if path is not None:
            index.save(path)
            self._save_version(catalog_id, version)

    def _save_version(self, catalog_id: str, version: int) -> None:
        path = self._index_path(catalog_id)
        if path is not None and path.is_dir():
            tmp = path / f"{VERSION_FILE}.tmp"
            tmp.write_text(str(version))
            tmp.replace(path / VERSION_FILE)


def _saved_version(path: Path) -> int | None:
    try:
        return int((path / VERSION_FILE).read_text())
    except (OSError, ValueError):
        return None


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


def _sub_progress(progress: Progress | None) -> Callable[[int, int], None] | None:
    """Map the index's (done, total) progress onto the import's 0.5..1 range."""
    if progress is None:
        return None
    outer = progress

    def inner(done: int, total: int) -> None:
        outer("index", 0.5 + 0.5 * (done / total if total else 1.0))

    return inner
