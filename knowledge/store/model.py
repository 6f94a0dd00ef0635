"""The catalog store interface and the plain types it takes and returns.

Every backend (``MemoryCatalogStore``, ``SqliteCatalogStore``) implements ``CatalogStore`` with the
same behaviour; the shared rules (merge, validation, price history, change reports) live in
``knowledge.store.plan`` so the backends only persist and cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from knowledge.domain import Catalog, Product, Promotion

ImportMode = Literal["upsert", "replace"]
# How a version came to be: an import mode, a product patch, or a promotion change.
ChangeKind = Literal["upsert", "replace", "patch", "put_promotion", "delete_promotion"]

#: A SKU keeps at most this many price points; the oldest are dropped first. Price protection only
#: looks back a few weeks, and ``base_price_at`` treats times before the first kept point as the
#: earliest kept price, so dropping very old points only loses prices older than ~100 changes.
MAX_PRICE_POINTS = 100


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A SKU whose base price changed (amounts in CNY)."""

    product_id: str
    sku_id: str
    old_price: Decimal
    new_price: Decimal

    def as_dict(self) -> dict[str, str]:
        return {
            "product_id": self.product_id,
            "sku_id": self.sku_id,
            "old_price": f"{self.old_price:.2f}",
            "new_price": f"{self.new_price:.2f}",
        }


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an accepted import did. Product ids are listed in catalog order.

    Every product of the resulting catalog is in exactly one of ``added``, ``updated`` (stored data
    changed, price history included) or ``unchanged`` (identical, or not in an upsert at all).
    """

    catalog_id: str
    version: int
    mode: ImportMode
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    price_changes: tuple[PriceChange, ...]
    promotions_changed: bool
    policies_changed: bool  # shipping, after-sales or price-protection rules
    source: str = ""

    def summary(self) -> dict[str, Any]:
        """The JSON-ready summary stored with the version (counts; first 100 price changes)."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
            "price_changes": len(self.price_changes),
            "price_changed_skus": [c.as_dict() for c in self.price_changes[:100]],
            "promotions_changed": self.promotions_changed,
            "policies_changed": self.policies_changed,
        }

    def as_dict(self) -> dict[str, Any]:
        """The full JSON-ready report (what the import API and the CLI show)."""
        return {
            "catalog_id": self.catalog_id,
            "version": self.version,
            "mode": self.mode,
            "source": self.source,
            "added": list(self.added),
            "updated": list(self.updated),
            "removed": list(self.removed),
            "unchanged_count": len(self.unchanged),
            "price_changes": [c.as_dict() for c in self.price_changes],
            "promotions_changed": self.promotions_changed,
            "policies_changed": self.policies_changed,
        }


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    """One entry of a catalog's history: every write creates one."""

    version: int
    created_at: datetime
    mode: ChangeKind
    source: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """What one committed write changed, for listeners (retrieval index, answer caches).

    ``product_ids_changed``: products added or whose stored data changed (not the removed ones).
    ``text_changed_product_ids``: the subset whose retrieval text changed (see ``product_text_hash``)
    and that must be re-embedded; a price or stock change never appears here.
    ``prices_changed``: SKU ids (not product ids) whose base price changed.
    ``catalog``: the committed snapshot, so a listener need not call ``get`` again.
    """

    catalog_id: str
    version: int
    product_ids_changed: frozenset[str]
    text_changed_product_ids: frozenset[str]
    prices_changed: frozenset[str]
    promotions_changed: bool
    removed_product_ids: frozenset[str]
    policies_changed: bool = False
    catalog: Catalog | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ProductPatch:
    """A partial update of one product's SKUs, keyed by SKU id; None leaves a field alone.

    Prices are CNY with at most two decimals; ``list_price`` maps to None to clear the 划线价.
    """

    price: dict[str, Decimal] | None = None
    stock: dict[str, int] | None = None
    list_price: dict[str, Decimal | None] | None = None

    def is_empty(self) -> bool:
        return not (self.price or self.stock or self.list_price)


CatalogListener = Callable[[CatalogChange], None]


class CatalogStore(Protocol):
    """Versioned catalogs by id. ``get`` is on the answer path: it returns a cached frozen snapshot.

    Every write validates the result first (nothing is applied on error), bumps the version, records
    a ``CatalogVersion`` and then calls the listeners, in commit order, with a ``CatalogChange``.
    Times (``now``) must be timezone-aware.
    """

    def catalog_ids(self) -> list[str]: ...

    def get(self, catalog_id: str) -> Catalog: ...

    def apply_import(
        self, catalog_id: str, incoming: Catalog, mode: ImportMode, now: datetime, source: str = ""
    ) -> ImportReport: ...

    def update_product(
        self, catalog_id: str, product_id: str, patch: ProductPatch, now: datetime
    ) -> Product: ...

    def put_promotion(self, catalog_id: str, promotion: Promotion, now: datetime) -> int: ...

    def delete_promotion(self, catalog_id: str, promo_id: str, now: datetime) -> int: ...

    def versions(self, catalog_id: str) -> list[CatalogVersion]: ...

    def subscribe(self, listener: CatalogListener) -> None: ...
