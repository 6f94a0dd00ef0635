"""Answer cache: each resolved question is answered once, for every viewer who asks it.

The key is the resolved question, not its wording: (catalog version, room version, product, intent,
slots, language), so "多少钱", "多钱" and "这个什么价" share one entry. Any catalog change (a new
catalog version) or room change (stage, room promotions: a new room version) makes old keys
unreachable at once, and ``invalidate_*`` drops them from memory. An entry also expires at the next
instant its facts change (a flash sale ending: ``SkuFacts.valid_until``) and after ``max_age_s``.

Open questions (intent OTHER) have no structured key; with an embedder they match paraphrases of a
cached question about the same product when the cosine similarity is at least ``semantic_threshold``.

Every ``get`` ends in exactly one ``CacheLookup`` (exact hit, semantic hit or miss), reported to the
optional ``on_lookup`` callback (the service counts them in ``liveshop_answer_cache_lookups_total``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np

from assistant.danmaku.types import ReplySource

EmbedQuery = Callable[[str], np.ndarray]


class CacheLookup(StrEnum):
    """How one ``AnswerCache.get`` ended."""

    HIT = "hit"  # the same resolved question, still fresh
    SEMANTIC_HIT = "semantic_hit"  # an open question close enough to a cached one
    MISS = "miss"


LookupHook = Callable[[CacheLookup], None]


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    body: str  # the answer without the viewer address
    source: ReplySource
    product_id: str | None
    computed_at: datetime  # message time the answer was computed for
    expires_at: datetime | None  # first message time at which it is stale
    faq_id: str | None = None  # the operator answer it is, if any


@dataclass(frozen=True, slots=True)
class AnswerKey:
    catalog_id: str
    catalog_version: int
    room_id: str
    room_version: int
    product_id: str | None
    intent: str
    slots: tuple[object, ...]
    language: str
    text: str = ""  # only for open questions: their normalised wording
    # the line's further questions ("多少钱 包邮吗" never shares "多少钱"'s reply, nor a similar
    # wording's under semantic matching)
    further: tuple[object, ...] = ()


class AnswerCache:
    """LRU-bounded answer cache with time validity and optional semantic matching."""

    def __init__(
        self,
        max_entries: int = 50_000,
        embed: EmbedQuery | None = None,
        semantic_threshold: float = 0.93,
        semantic_per_product: int = 64,
        on_lookup: LookupHook | None = None,
    ) -> None:
        self._max = max_entries
        self._entries: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._embed = embed
        self._threshold = semantic_threshold
        self._per_product = semantic_per_product
        # (room_id, catalog_version, room_version, product_id, language) -> [(vector, key)]
        self._semantic: dict[tuple[object, ...], list[tuple[np.ndarray, AnswerKey]]] = {}
        self._lock = threading.Lock()
        self._on_lookup = on_lookup
        self.hits = 0  # exact and semantic hits
        self.misses = 0

    def get(self, key: AnswerKey, at: datetime) -> CachedAnswer | None:
        """The fresh answer for ``key`` at message time ``at``, or None (a miss)."""
        entry, outcome = self._lookup(key, at)
        with self._lock:
            if outcome is CacheLookup.MISS:
                self.misses += 1
            else:
                self.hits += 1
        if self._on_lookup is not None:
            self._on_lookup(outcome)
        return entry

    def _lookup(self, key: AnswerKey, at: datetime) -> tuple[CachedAnswer | None, CacheLookup]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _fresh(entry, at):
                self._entries.move_to_end(key)
                return entry, CacheLookup.HIT
            if entry is not None:
                del self._entries[key]
        if key.text and self._embed is not None:
            similar = self._semantic_lookup(key, at)
            if similar is not None:
                return similar, CacheLookup.SEMANTIC_HIT
        return None, CacheLookup.MISS

    def put(self, key: AnswerKey, answer: CachedAnswer) -> None:
        vector = self._embed(key.text) if key.text and self._embed is not None else None
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
            if vector is not None:
                bucket = self._semantic.setdefault(_semantic_bucket(key), [])
                bucket.append((vector, key))
                del bucket[: max(0, len(bucket) - self._per_product)]

    def invalidate_room(self, room_id: str) -> None:
        """Drop every entry of a room (stage or room-promotion change)."""
        with self._lock:
            for key in [k for k in self._entries if isinstance(k, AnswerKey) and k.room_id == room_id]:
                del self._entries[key]
            for bucket in [b for b in self._semantic if b[0] == room_id]:
                del self._semantic[bucket]

    def invalidate_catalog(self, catalog_id: str) -> None:
        """Drop every entry built from a catalog (any catalog change)."""
        with self._lock:
            stale = [k for k in self._entries if isinstance(k, AnswerKey) and k.catalog_id == catalog_id]
            for key in stale:
                del self._entries[key]
            self._semantic = {
                b: [(v, k) for v, k in items if k.catalog_id != catalog_id]
                for b, items in self._semantic.items()
            }

    def __len__(self) -> int:
        return len(self._entries)

    def _semantic_lookup(self, key: AnswerKey, at: datetime) -> CachedAnswer | None:
        assert self._embed is not None
        with self._lock:
            candidates = list(self._semantic.get(_semantic_bucket(key), ()))
        if not candidates:
            return None
        query = self._embed(key.text)
        matrix = np.stack([v for v, _ in candidates])
        scores = matrix @ query
        best = int(np.argmax(scores))
        if float(scores[best]) < self._threshold:
            return None
        with self._lock:
            entry = self._entries.get(candidates[best][1])
            if entry is None or not _fresh(entry, at):
                return None
            return entry


def _semantic_bucket(key: AnswerKey) -> tuple[object, ...]:
    return (key.room_id, key.catalog_version, key.room_version, key.product_id, key.language, key.further)


def _fresh(entry: CachedAnswer, at: datetime) -> bool:
    if at < entry.computed_at:
        return False  # an earlier message time may fall before a price boundary: recompute
    return entry.expires_at is None or at < entry.expires_at


def expiry(computed_at: datetime, facts_valid_until: datetime | None, max_age_s: float) -> datetime:
    """When an answer computed at ``computed_at`` stops being valid."""
    limit = computed_at + timedelta(seconds=max_age_s)
    return limit if facts_valid_until is None else min(limit, facts_valid_until)
