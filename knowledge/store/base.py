"""The write/notify/cache skeleton shared by the catalog store backends.

Writes are serialised by one re-entrant lock per store: plan (pure, ``knowledge.store.plan`` and
``merge``) inside the backend's transaction, persist, commit, swap the cached snapshot, then call
the listeners in commit order (still under the lock, so they see versions in order; a listener may
call ``get`` but must not write to the same store from another thread and wait for it).
Reads never take the write lock: ``get`` reads the cache (replacing a dict entry is atomic, so a
reader sees either the old or the new frozen snapshot, never a mix) and on a miss loads through the
backend's own read path. So a listener that takes its own lock cannot deadlock against a thread
that holds that lock while reading the store. The cache has a small leaf lock of its own.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from knowledge.domain import Catalog, Product, Promotion
from knowledge.errors import UnknownCatalogError
from knowledge.ids import check_id
from knowledge.store.merge import plan_import
from knowledge.store.model import (
    CatalogChange,
    CatalogListener,
    CatalogVersion,
    ImportMode,
    ImportReport,
    ProductPatch,
)
from knowledge.store.plan import Plan, plan_delete_promotion, plan_patch, plan_put_promotion

logger = logging.getLogger(__name__)

# What a backend transaction yields: the current snapshot (None: new catalog) and the time of the
# catalog's first version (None: no version yet), used as the start of an undated stored price.
TxState = tuple[Catalog | None, datetime | None]


class BaseCatalogStore(ABC):
    """Implements ``CatalogStore`` on top of four backend hooks (load, transaction, persist, versions)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # serialises writes (and listener calls)
        self._cache_lock = threading.Lock()  # leaf lock: nothing is called while holding it
        self._listeners: list[CatalogListener] = []
        self._cache: dict[str, Catalog] = {}

    # -- backend hooks -------------------------------------------------------------------------
    @abstractmethod
    def _load(self, catalog_id: str) -> Catalog | None:
        """The stored snapshot, or None when the catalog does not exist (any thread, no store lock)."""

    @abstractmethod
    def _transaction(self, catalog_id: str) -> AbstractContextManager[TxState]:
        """Open a write transaction; commit when the block ends, roll back when it raises."""

    @abstractmethod
    def _persist(self, catalog_id: str, previous: Catalog | None, plan: Plan) -> None:
        """Write ``plan`` inside the open transaction."""

    @abstractmethod
    def _version_rows(self, catalog_id: str) -> list[CatalogVersion]:
        """Every recorded version of the catalog, oldest first (empty when unknown; no store lock)."""

    @abstractmethod
    def catalog_ids(self) -> list[str]:
        """Ids of every stored catalog, sorted."""

    # -- reads ---------------------------------------------------------------------------------
    def get(self, catalog_id: str) -> Catalog:
        """The current snapshot (the same frozen object until the next write)."""
        catalog = self._cache.get(catalog_id)
        if catalog is not None:
            return catalog
        loaded = self._load(catalog_id)
        if loaded is None:
            raise UnknownCatalogError(
                f"catalog {catalog_id!r} does not exist; import a catalog file into it first"
            )
        return self._remember(loaded)

    def _remember(self, catalog: Catalog) -> Catalog:
        """Cache ``catalog`` unless a newer snapshot got there first (a write during the load)."""
        with self._cache_lock:
            cached = self._cache.get(catalog.catalog_id)
            if cached is None or cached.version < catalog.version:
                self._cache[catalog.catalog_id] = catalog
                return catalog
            return cached

    def versions(self, catalog_id: str) -> list[CatalogVersion]:
        """The catalog's history, oldest first; UnknownCatalogError when it does not exist."""
        rows = self._version_rows(catalog_id)
        if not rows:
            raise UnknownCatalogError(f"catalog {catalog_id!r} does not exist")
        return rows

    def subscribe(self, listener: CatalogListener) -> None:
        """Call ``listener(change)`` after every committed write (exceptions are logged, not raised)."""
        with self._lock:
            self._listeners.append(listener)

    # -- writes --------------------------------------------------------------------------------
    def apply_import(
        self, catalog_id: str, incoming: Catalog, mode: ImportMode, now: datetime, source: str = ""
    ) -> ImportReport:
        """Upsert or replace (see ``knowledge.store.merge``); ImportRejected leaves everything as it was.

        A new catalog's id must follow the id rule (``knowledge.ids``): InvalidIdError otherwise.
        """
        check_id(catalog_id)
        plan = self._write(
            catalog_id,
            lambda cur, since: plan_import(catalog_id, cur, incoming, mode, now, since or now, source),
            must_exist=False,
        )
        assert plan.report is not None  # plan_import always reports
        logger.info("catalog %s v%d %s: %s", catalog_id, plan.catalog.version, mode, plan.record.summary)
        return plan.report

    def update_product(self, catalog_id: str, product_id: str, patch: ProductPatch, now: datetime) -> Product:
        """Patch SKU price / stock / list price of one product atomically; returns the stored product."""
        plan = self._write(
            catalog_id, lambda cur, since: plan_patch(_exists(cur), product_id, patch, now, since or now)
        )
        product = plan.catalog.product(product_id)
        assert product is not None  # plan_patch keeps the product
        return product

    def put_promotion(self, catalog_id: str, promotion: Promotion, now: datetime) -> int:
        """Add or replace (by ``promo_id``) one promotion; returns the new catalog version."""
        plan = self._write(catalog_id, lambda cur, _: plan_put_promotion(_exists(cur), promotion, now))
        return plan.catalog.version

    def delete_promotion(self, catalog_id: str, promo_id: str, now: datetime) -> int:
        """Remove one promotion; returns the new catalog version."""
        plan = self._write(catalog_id, lambda cur, _: plan_delete_promotion(_exists(cur), promo_id, now))
        return plan.catalog.version

    def _write(
        self,
        catalog_id: str,
        build: Callable[[Catalog | None, datetime | None], Plan],
        must_exist: bool = True,
    ) -> Plan:
        with self._lock:
            with self._transaction(catalog_id) as (current, since):
                if current is None and must_exist:
                    raise UnknownCatalogError(f"catalog {catalog_id!r} does not exist; import it first")
                plan = build(current, since)
                self._persist(catalog_id, current, plan)
            with self._cache_lock:
                self._cache[catalog_id] = plan.catalog
            self._notify(plan.change)
        return plan

    def _notify(self, change: CatalogChange) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:
                logger.exception(
                    "catalog listener %r failed on %s v%d", listener, change.catalog_id, change.version
                )


def _exists(current: Catalog | None) -> Catalog:
    assert current is not None  # _write checked must_exist
    return current
