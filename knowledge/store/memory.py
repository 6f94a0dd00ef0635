"""In-process catalog store: the snapshots live in the shared cache, versions in a list per catalog.

Same behaviour as ``SqliteCatalogStore`` (one test suite runs against both); nothing survives the
process. Used in tests and for throw-away demo rooms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from knowledge.domain import Catalog
from knowledge.store.base import BaseCatalogStore, TxState
from knowledge.store.model import CatalogVersion
from knowledge.store.plan import Plan


class MemoryCatalogStore(BaseCatalogStore):
    """``CatalogStore`` kept in memory; thread-safe."""

    def __init__(self) -> None:
        super().__init__()
        self._history: dict[str, list[CatalogVersion]] = {}
        self._history_lock = threading.Lock()  # leaf lock, so reads never wait for a write

    def catalog_ids(self) -> list[str]:
        with self._history_lock:
            return sorted(self._history)

    def _load(self, catalog_id: str) -> Catalog | None:
        return None  # the cache is the storage: a catalog not cached does not exist

    def _transaction(self, catalog_id: str) -> AbstractContextManager[TxState]:
        return self._state(catalog_id)

    @contextmanager
    def _state(self, catalog_id: str) -> Iterator[TxState]:
        # Nothing to roll back: the only writes happen in _persist and the cache swap, after planning.
        with self._history_lock:
            history = self._history.get(catalog_id)
        yield self._cache.get(catalog_id), history[0].created_at if history else None

    def _persist(self, catalog_id: str, previous: Catalog | None, plan: Plan) -> None:
        with self._history_lock:
            self._history.setdefault(catalog_id, []).append(plan.record)

    def _version_rows(self, catalog_id: str) -> list[CatalogVersion]:
        with self._history_lock:
            return list(self._history.get(catalog_id, ()))
