"""Operator-written answers for question clusters, used from the moment they are saved.

An entry answers either a structured question (``intent`` set: "every 发货 question about product X")
or a question cluster by its wording (``intent`` None: matched by character-bigram similarity of the
normalised question, at least ``MIN_SIMILARITY``). Product-specific entries win over catalog-wide
ones. Operator answers override the catalog templates: the operator is responsible for them.

The entries live in an ``EntryStore`` (the service's ``assistant.state`` operator answers: SQLite or
Redis, so an answer survives a restart and every process sees it); matching reads them per question.
Each entry's hit count (how many viewers' questions it answered, cached and joined replies
included) lives in a ``HitCounts`` store beside it, so the console can show which answers work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

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


class EntryStore(Protocol):
    """Where operator answers are kept (``assistant.state.interfaces.OperatorAnswers``); ``put``
    raises ValueError past the per-catalog bound."""

    def put(self, entry: OperatorAnswer) -> None: ...
    def delete(self, catalog_id: str, faq_id: str) -> bool: ...
    def list(self, catalog_id: str) -> list[OperatorAnswer]: ...


class MemoryEntries:
    """In-process entries (a pipeline outside the service, tests)."""

    def __init__(self, max_per_catalog: int = MAX_ENTRIES_PER_CATALOG) -> None:
        self._entries: dict[str, dict[str, OperatorAnswer]] = {}
        self._max = max_per_catalog
        self._lock = threading.Lock()

    def put(self, entry: OperatorAnswer) -> None:
        with self._lock:
            entries = self._entries.setdefault(entry.catalog_id, {})
            if entry.faq_id not in entries and len(entries) >= self._max:
                raise ValueError(f"at most {self._max} operator answers per catalog")
            entries[entry.faq_id] = entry

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        with self._lock:
            return self._entries.get(catalog_id, {}).pop(faq_id, None) is not None

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        with self._lock:
            return sorted(self._entries.get(catalog_id, {}).values(), key=lambda e: e.faq_id)


class HitCounts(Protocol):
    """How many viewers' questions each operator answer answered, per catalog (``reset`` on delete)."""

    def add(self, catalog_id: str, faq_id: str, n: int = 1) -> None: ...
    def counts(self, catalog_id: str) -> dict[str, int]: ...
    def reset(self, catalog_id: str, faq_id: str) -> None: ...


class MemoryHits:
    """In-process hit counts (tests, a pipeline outside the service)."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def add(self, catalog_id: str, faq_id: str, n: int = 1) -> None:
        with self._lock:
            counts = self._counts.setdefault(catalog_id, {})
            counts[faq_id] = counts.get(faq_id, 0) + n

    def counts(self, catalog_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self._counts.get(catalog_id, {}))

    def reset(self, catalog_id: str, faq_id: str) -> None:
        with self._lock:
            self._counts.get(catalog_id, {}).pop(faq_id, None)


MAX_NORMALIZED = 50_000  # normalised question texts memoised (matching normalises each entry once)


class OperatorFaq:
    """Operator answers over an ``EntryStore`` and their ``HitCounts`` (in memory by default),
    with matching."""

    def __init__(self, store: EntryStore | None = None, hits: HitCounts | None = None) -> None:
        self.store: EntryStore = store or MemoryEntries()
        self.hits: HitCounts = hits or MemoryHits()
        self._normalized: OrderedDict[str, str] = OrderedDict()  # question -> normalised
        self._lock = threading.Lock()

    def put(self, entry: OperatorAnswer) -> None:
        self.store.put(entry)

    def delete(self, catalog_id: str, faq_id: str) -> bool:
        """Remove the entry and its hit count (a new entry under the id starts from zero)."""
        deleted = self.store.delete(catalog_id, faq_id)
        self.hits.reset(catalog_id, faq_id)
        return deleted

    def list(self, catalog_id: str) -> list[OperatorAnswer]:
        return self.store.list(catalog_id)

    def record_hits(self, catalog_id: str, faq_id: str, viewers: int) -> None:
        """``faq_id`` answered ``viewers`` more questions (a reply, a cached one or a join)."""
        if viewers > 0:
            self.hits.add(catalog_id, faq_id, viewers)

    def hit_counts(self, catalog_id: str) -> dict[str, int]:
        return self.hits.counts(catalog_id)

    def _normalize(self, question: str) -> str:
        with self._lock:
            text = self._normalized.get(question)
            if text is not None:
                self._normalized.move_to_end(question)
                return text
        text = normalize(question)
        with self._lock:
            self._normalized[question] = text
            while len(self._normalized) > MAX_NORMALIZED:
                self._normalized.popitem(last=False)
        return text

    def match(
        self, catalog_id: str, product_id: str | None, intent: str, normalized: str
    ) -> OperatorAnswer | None:
        """The operator answer for this question, product-specific first, or None."""
        entries = self.store.list(catalog_id)
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
                score = similarity(normalized, self._normalize(entry.question))
                if score < MIN_SIMILARITY:
                    continue
            rank = (1 if entry.product_id is not None else 0, score, entry)
            if best is None or rank[:2] > best[:2]:
                best = rank
        return best[2] if best else None
