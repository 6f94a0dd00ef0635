"""Versioned catalog storage behind the import API, product patches and the answer path.

``CatalogStore`` is the interface; ``MemoryCatalogStore`` and ``SqliteCatalogStore`` implement it with
the same behaviour. Merge rules: ``knowledge.store.merge``; validation: ``knowledge.store.validate``;
price history: ``knowledge.store.history``.
"""

from knowledge.store.memory import MemoryCatalogStore
from knowledge.store.model import (
    MAX_PRICE_POINTS,
    CatalogChange,
    CatalogListener,
    CatalogStore,
    CatalogVersion,
    ChangeKind,
    ImportMode,
    ImportReport,
    PriceChange,
    ProductPatch,
)
from knowledge.store.plan import UnknownPromotionError
from knowledge.store.sqlite import SqliteCatalogStore
from knowledge.store.text_hash import product_text_hash

__all__ = [
    "MAX_PRICE_POINTS",
    "CatalogChange",
    "CatalogListener",
    "CatalogStore",
    "CatalogVersion",
    "ChangeKind",
    "ImportMode",
    "ImportReport",
    "MemoryCatalogStore",
    "PriceChange",
    "ProductPatch",
    "SqliteCatalogStore",
    "UnknownPromotionError",
    "product_text_hash",
]
