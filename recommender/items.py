"""The room's items as arrays for fast scoring: features, stock, similarity helpers.

Rebuilt whenever the catalog changes (``Recommender.set_catalog``); O(items x features) to build.
Similarity is computed on demand against a handful of products (the viewer's top interests), so
nothing here is items x items.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from recommender.types import ItemInfo

FloatArray = npt.NDArray[np.float64]
BANDS = ("low", "mid", "high")
_VERSIONS = itertools.count(1)
SIMILARITY_CACHE = 1024  # similarity columns kept (each one float64 per item)


def _price_bands(items: Sequence[ItemInfo]) -> dict[str, str]:
    """Band of each item: its own ``price_band``, else its price tertile within its category."""
    bands: dict[str, str] = {i.product_id: i.price_band for i in items if i.price_band}
    by_cat: dict[str, list[tuple[float, str]]] = {}
    for i in items:
        if not i.price_band and i.price is not None:
            by_cat.setdefault(i.category, []).append((float(i.price), i.product_id))
    for priced in by_cat.values():
        priced.sort()
        for rank, (_, pid) in enumerate(priced):
            bands[pid] = BANDS[min(2, rank * 3 // len(priced))]
    return bands


def item_features(item: ItemInfo, band: str | None) -> tuple[str, ...]:
    """Feature keys of an item: ``category=..``, ``price_band=..`` and ``key=value`` attributes."""
    keys = [f"category={item.category}"] if item.category else []
    if band:
        keys.append(f"price_band={band}")
    keys.extend(f"{k}={v}" for k, v in sorted(item.attributes.items()) if v)
    return tuple(keys)


class ItemIndex:
    """Items by position, their feature matrix, stock mask and (optional) normalised embeddings."""

    def __init__(self, items: Sequence[ItemInfo]) -> None:
        self.items = list(items)
        self.version = next(_VERSIONS)  # identifies this build (caches keyed on it stay correct)
        self.ids = [i.product_id for i in self.items]
        self.pos = {pid: n for n, pid in enumerate(self.ids)}
        bands = _price_bands(self.items)
        self.features = [item_features(i, bands.get(i.product_id)) for i in self.items]
        self.by_id = {i.product_id: i for i in self.items}
        self.feature_pos: dict[str, int] = {}
        for keys in self.features:
            for key in keys:
                self.feature_pos.setdefault(key, len(self.feature_pos))
        n, m = len(self.items), len(self.feature_pos)
        self.binary = np.zeros((n, m), dtype=np.float64)
        self.is_category = np.zeros(m, dtype=bool)
        for row, keys in enumerate(self.features):
            for key in keys:
                self.binary[row, self.feature_pos[key]] = 1.0
                self.is_category[self.feature_pos[key]] = key.startswith("category=")
        self.sizes = self.binary.sum(axis=1)
        attr_only = self.binary * ~self.is_category
        counts = np.maximum(attr_only.sum(axis=1, keepdims=True), 1.0)
        self.attr_mean = attr_only / counts  # row i averages item i's attribute values
        self.category_only = self.binary * self.is_category
        self.in_stock = np.array([i.in_stock for i in self.items], dtype=bool)
        self.embeddings, self.has_embedding = self._embeddings()
        self._columns: OrderedDict[int, FloatArray] = OrderedDict()

    def _embeddings(self) -> tuple[npt.NDArray[np.float32] | None, npt.NDArray[np.bool_]]:
        has = np.array([i.embedding is not None for i in self.items], dtype=bool)
        dims = {int(np.asarray(i.embedding).size) for i in self.items if i.embedding is not None}
        if not has.any() or len(dims) != 1:
            return None, np.zeros(len(self.items), dtype=bool)
        mat = np.zeros((len(self.items), dims.pop()), dtype=np.float32)
        for row, item in enumerate(self.items):
            if item.embedding is not None:
                vec = np.asarray(item.embedding, dtype=np.float64).ravel()
                norm = float(np.linalg.norm(vec))
                mat[row] = vec / norm if norm > 0 else vec
        return mat, has

    def __len__(self) -> int:
        return len(self.items)

    def similarity_to(self, rows: Sequence[int]) -> FloatArray:
        """``(items x len(rows))`` similarity in [0, 1]: embedding cosine where both items have an
        embedding, else Jaccard overlap of features. An item's similarity with itself is 0."""
        return np.stack([self.similarity_column(r) for r in rows], axis=1)

    def similarity_column(self, row: int) -> FloatArray:
        """Similarity of every item to item ``row``; computed once, then cached (LRU)."""
        cached = self._columns.get(row)
        if cached is not None:
            self._columns.move_to_end(row)
            return cached
        inter = self.binary @ self.binary[row]
        union = self.sizes + self.sizes[row] - inter
        col: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        if self.embeddings is not None and self.has_embedding[row]:
            cos = np.clip(self.embeddings @ self.embeddings[row], 0.0, 1.0).astype(np.float64)
            col = np.where(self.has_embedding, cos, col)
        col[row] = 0.0
        self._columns[row] = col
        if len(self._columns) > SIMILARITY_CACHE:
            self._columns.popitem(last=False)
        return col

    def name(self, product_id: str) -> str:
        item = self.by_id.get(product_id)
        return item.name if item is not None and item.name else "这款"
