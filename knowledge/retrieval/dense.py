"""Inner-product vector index with integer ids over faiss (flat or HNSW), with removal and files.

Two layouts, both ``IndexIDMap2`` so ids are ours and vectors can be read back:
- ``flat``: exact ``IndexFlatIP``; removal is real (``remove_ids``).
- ``hnsw``: ``IndexHNSWFlat`` (approximate, much faster at 10k+ products, see benchmarks/README.md);
  faiss HNSW cannot delete, so removed ids become tombstones excluded by a search-time selector,
  and the graph is rebuilt from the live vectors once tombstones pass 25 % of it.

Filtered searches (a product or a category) over a few thousand vectors score those vectors
exactly with numpy (read back with ``reconstruct_batch``); larger filters use a faiss ID selector.
faiss is imported lazily so ``import knowledge`` stays light.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from knowledge.retrieval.errors import IndexFormatError

logger = logging.getLogger(__name__)

DenseKind = Literal["flat", "hnsw"]
IdArray = npt.NDArray[np.int64]
Vectors = npt.NDArray[np.float32]

EXACT_FILTER_MAX = 4_096  # filters allowing at most this many vectors are scored exactly in numpy
_REBUILD_TOMBSTONE_SHARE = 0.25


def _faiss() -> Any:
    import faiss  # heavy optional import, only when a dense index is used

    return faiss


class DenseIndex:
    """Vectors (L2-normalised float32) under int64 ids; search by inner product."""

    def __init__(
        self, dimension: int, kind: DenseKind = "hnsw", hnsw_m: int = 32, ef_search: int = 64
    ) -> None:
        self.dimension = dimension
        self.kind: DenseKind = kind
        self.hnsw_m = hnsw_m
        self.ef_search = ef_search
        self._index = self._new_index()
        self._tombstones: set[int] = set()

    def _new_index(self) -> Any:
        faiss = _faiss()
        if self.kind == "flat":
            inner = faiss.IndexFlatIP(self.dimension)
        else:
            inner = faiss.IndexHNSWFlat(self.dimension, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = 80
            inner.hnsw.efSearch = self.ef_search
        return faiss.IndexIDMap2(inner)

    def __len__(self) -> int:
        return int(self._index.ntotal) - len(self._tombstones)

    def add(self, ids: IdArray, vectors: Vectors) -> None:
        """Add vectors under new ids (an id must not be live already: remove it first)."""
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(f"expected {len(ids)} x {self.dimension} vectors, got {vectors.shape}")
        self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: IdArray) -> None:
        """Remove ids (unknown ids are ignored)."""
        if len(ids) == 0:
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind == "flat":
            self._index.remove_ids(_faiss().IDSelectorBatch(ids))
            return
        self._tombstones.update(int(i) for i in ids)
        if len(self._tombstones) > _REBUILD_TOMBSTONE_SHARE * max(1, int(self._index.ntotal)):
            self._rebuild()

    def _live_ids(self) -> IdArray:
        all_ids: IdArray = np.asarray(_faiss().vector_to_array(self._index.id_map), dtype=np.int64)
        if not self._tombstones:
            return all_ids
        dead = np.fromiter(self._tombstones, dtype=np.int64, count=len(self._tombstones))
        live: IdArray = all_ids[~np.isin(all_ids, dead)]
        return live

    def _rebuild(self) -> None:
        """Rebuild the HNSW graph from the live vectors, dropping tombstones."""
        ids = self._live_ids()
        vectors = self._index.reconstruct_batch(ids) if len(ids) else np.zeros((0, self.dimension))
        logger.info("rebuilding the HNSW index: %d live, %d removed", len(ids), len(self._tombstones))
        self._index = self._new_index()
        self._tombstones = set()
        self.add(ids, vectors.astype(np.float32))

    def search(
        self, query: Vectors, k: int, allowed_ids: IdArray | None = None
    ) -> tuple[IdArray, npt.NDArray[np.float32]]:
        """The ``k`` nearest live ids (by inner product) and their scores, best first.

        ``allowed_ids`` restricts the search to those ids (live ones) before truncation.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dimension)
        if allowed_ids is not None:
            if self._tombstones:
                dead = np.fromiter(self._tombstones, dtype=np.int64, count=len(self._tombstones))
                allowed_ids = allowed_ids[~np.isin(allowed_ids, dead)]
            if len(allowed_ids) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if len(allowed_ids) <= EXACT_FILTER_MAX:
                return self._exact(query, k, allowed_ids)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores, ids = self._index.search(query, k, params=self._params(allowed_ids))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def _exact(self, query: Vectors, k: int, ids: IdArray) -> tuple[IdArray, npt.NDArray[np.float32]]:
        vectors = self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))
        scores = (vectors @ query[0]).astype(np.float32)
        order = np.argsort(-scores, kind="stable")[:k]
        return ids[order], scores[order]

    def _params(self, allowed_ids: IdArray | None) -> Any:
        faiss = _faiss()
        if allowed_ids is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
        elif self._tombstones:
            dead = np.fromiter(self._tombstones, dtype=np.int64, count=len(self._tombstones))
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(dead))
        else:
            selector = None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=self.ef_search)
        else:
            params = faiss.SearchParameters()
        if selector is not None:
            params.sel = selector
            params._selector_ref = selector  # keep the selector alive as long as the params
        return params

    def vectors(self, ids: IdArray) -> Vectors:
        """The stored vectors of ``ids`` (all must be live)."""
        return np.asarray(self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64)))

    def save(self, path: Path) -> None:
        """Write ``path`` (faiss format) and ``path`` + ``.json`` (layout and tombstones)."""
        _faiss().write_index(self._index, str(path))
        meta = {
            "dimension": self.dimension,
            "kind": self.kind,
            "hnsw_m": self.hnsw_m,
            "ef_search": self.ef_search,
            "tombstones": sorted(self._tombstones),
        }
        Path(f"{path}.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        try:
            meta = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
            raw = _faiss().read_index(str(path))
        except (OSError, ValueError, RuntimeError) as exc:
            raise IndexFormatError(f"cannot read the vector index {path}: {exc}; rebuild it") from exc
        index = cls(int(meta["dimension"]), meta["kind"], int(meta["hnsw_m"]), int(meta["ef_search"]))
        index._index = raw  # read_index returns the concrete IndexIDMap2
        index._tombstones = {int(i) for i in meta["tombstones"]}
        return index
