"""Operator-written answers for question clusters, used from the moment they are saved.

An entry answers either a structured question (``intent`` set: "every 发货 question about product X")
or a question cluster by its wording (``intent`` None: matched by character-bigram similarity of the
normalised question, at least ``MIN_SIMILARITY``). Product-specific entries win over catalog-wide
ones. Operator answers override the catalog templates: the operator is responsible for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from assistant.danmaku.normalize import normalize

MIN_SIMILARITY = 0.6
MAX_ENTRIES_PER_CATALOG = 10_000


@dataclass(frozen=True, slots=True)
class OperatorAnswer:
    faq_id: str
    catalog_id: str
    question: str
    answer: str
    product_id: str | None = None  # None: any product of the catalog
    intent: str | None = None  # None: matched by the question's wording


def bigrams(text: str) -> set[str]:
    compact = "".join(ch for ch in text if ch.isalnum())
    return {compact[i : i + 2] for i in range(len(compact) - 1)} or ({compact} if compact else set())


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams (robust to word order and small typos)."""
    ga, gb = bigrams(a), bigrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


class OperatorFaq:
    """Thread-safe store of operator answers (in-process; plain data, serialisable)."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, OperatorAnswer]] = {}
        self._normalized: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def put(self, entry: OperatorAnswer) -> None:
        with self._lock:
            entries = self._entries.setdefault(entry.catalog_id, {})
            if entry.faq_id not in entries and len(entries) >= MAX_ENTRIES_PER_CATALOG:
                raise ValueError(f"at most {MAX_ENTRIES_PER_CATALOG} operator answers per catalog")
            entries[entry.faq_id] = entry
            self._normalized[(entry.catalog_id, entry.faq_id)] = normalize(entry.question)

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        with self._lock:
            self._normalized.pop((catalog_id, faq_id), None)
            return self._entries.get(catalog_id, {}).pop(faq_id, None) is not None

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        with self._lock:
            return sorted(self._entries.get(catalog_id, {}).values(), key=lambda e: e.faq_id)

    def match(
        self, catalog_id: str, product_id: str | None, intent: str, normalized: str
    ) -> OperatorAnswer | None:
        """The operator answer for this question, product-specific first, or None."""
        with self._lock:
            entries = list(self._entries.get(catalog_id, {}).values())
            texts = dict(self._normalized)
        if not entries:
            return None
        best: tuple[int, float, OperatorAnswer] | None = None
        for entry in entries:
            if entry.product_id is not None and entry.product_id != product_id:
                continue
            if entry.intent is not None:
                if entry.intent != intent:
                    continue
                score = 1.0
            else:
                score = similarity(normalized, texts[(catalog_id, entry.faq_id)])
                if score < MIN_SIMILARITY:
                    continue
            rank = (1 if entry.product_id is not None else 0, score, entry)
            if best is None or rank[:2] > best[:2]:
                best = rank
        return best[2] if best else None
