"""Okapi BM25 over an inverted index with incremental add/remove, scored with numpy.

Layout (compact enough for 100k products, ~700k chunks): postings live in CSR arrays
(``indptr`` per term, then ``slots`` int32 and ``tfs`` float32), plus a small "delta" of postings
for documents added since the last compaction. Removing a document only marks its slot dead;
document frequencies are counted over live slots at query time, so scores are exact at all
times. ``compact()`` (run automatically when the delta or the dead share grows) folds the delta
in, drops dead postings and recycles their slots.

Scoring, per unique query term t present in document d:
``idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avg_len))`` with
``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`` (the always-positive Lucene form); N and avg_len
count live documents only. Query term repeats are ignored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.retrieval.errors import IndexFormatError

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

_MIN_DELTA_DOCS = 2_000  # compact once the delta holds this many documents (or 25 % of the index)


class BM25Index:
    """A BM25 index of documents identified by string ids, each given as a token list."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._slot_of: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free: list[int] = []
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=np.bool_)
        self._groups = np.zeros(0, dtype=np.int32)  # a caller-defined group per slot (filters)
        self._total_len = 0.0
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._indptr = np.zeros(1, dtype=np.int64)
        self._slots = np.zeros(0, dtype=np.int32)
        self._tfs = np.zeros(0, dtype=np.float32)
        self._delta: dict[str, tuple[list[int], list[int]]] = {}
        self._delta_docs = 0
        self._dead_docs = 0
        # term -> (live slots, tf normalisation per slot); valid until the next mutation. Queries
        # far outnumber catalog edits, so each term's arithmetic is done once per edit, not per query.
        self._weights: dict[str, tuple[IntArray, FloatArray]] = {}

    # ----- bookkeeping -------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    @property
    def capacity(self) -> int:
        """Number of slots (live + dead); score arrays have this length."""
        return len(self._ids)

    def slot_of(self, doc_id: str) -> int | None:
        return self._slot_of.get(doc_id)

    def doc_id(self, slot: int) -> str | None:
        return self._ids[slot]

    def _new_slot(self, doc_id: str) -> int:
        if self._free:
            slot = self._free.pop()
            self._ids[slot] = doc_id
        else:
            slot = len(self._ids)
            self._ids.append(doc_id)
            if slot >= len(self._lengths):
                grow = max(1024, len(self._lengths))
                self._lengths = np.concatenate([self._lengths, np.zeros(grow, np.float32)])
                self._alive = np.concatenate([self._alive, np.zeros(grow, np.bool_)])
                self._groups = np.concatenate([self._groups, np.zeros(grow, np.int32)])
        self._slot_of[doc_id] = slot
        return slot

    # ----- mutation ----------------------------------------------------------------------
    def add(self, doc_id: str, tokens: Sequence[str], group: int = 0) -> None:
        """Index ``tokens`` under ``doc_id``, replacing an earlier document with that id.

        ``group`` (>= 0) is the caller's filter key for this document (e.g. a product number):
        ``search(..., allowed_groups=...)`` keeps only documents whose group is allowed.
        """
        self.remove(doc_id)
        self._weights.clear()
        slot = self._new_slot(doc_id)
        self._groups[slot] = group
        for term, tf in Counter(tokens).items():
            slots, tfs = self._delta.setdefault(term, ([], []))
            slots.append(slot)
            tfs.append(tf)
        self._lengths[slot] = len(tokens)
        self._alive[slot] = True
        self._total_len += len(tokens)
        self._delta_docs += 1
        if self._delta_docs >= max(_MIN_DELTA_DOCS, len(self._slot_of) // 4):
            self.compact()

    def remove(self, doc_id: str) -> bool:
        """Remove a document; returns False when the id is not indexed."""
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return False
        self._weights.clear()
        self._alive[slot] = False
        self._total_len -= float(self._lengths[slot])
        self._ids[slot] = None
        self._dead_docs += 1
        if self._dead_docs >= max(_MIN_DELTA_DOCS, len(self._slot_of) // 4):
            self.compact()
        return True

    def compact(self) -> None:
        """Fold the delta into the CSR arrays, drop postings of dead slots and free those slots."""
        self._weights.clear()
        counts = np.diff(self._indptr)
        terms = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        slots, tfs = self._slots, self._tfs
        extra_t: list[int] = []
        extra_s: list[int] = []
        extra_f: list[int] = []
        for term, (d_slots, d_tfs) in self._delta.items():
            tid = self._term_ids.get(term)
            if tid is None:
                tid = self._term_ids[term] = len(self._terms)
                self._terms.append(term)
            extra_t.extend([tid] * len(d_slots))
            extra_s.extend(d_slots)
            extra_f.extend(d_tfs)
        terms = np.concatenate([terms, np.asarray(extra_t, dtype=np.int64)])
        slots = np.concatenate([slots, np.asarray(extra_s, dtype=np.int32)])
        tfs = np.concatenate([tfs, np.asarray(extra_f, dtype=np.float32)])
        keep = self._alive[slots] if len(slots) else np.zeros(0, np.bool_)
        # A slot freed earlier and reused since then is alive again: only its delta postings
        # may stay. Old postings of reused slots were dropped at the compaction that freed them.
        terms, slots, tfs = terms[keep], slots[keep], tfs[keep]
        order = np.lexsort((slots, terms))
        self._slots, self._tfs = slots[order], tfs[order]
        self._indptr = np.zeros(len(self._terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self._terms)), out=self._indptr[1:])
        self._delta = {}
        self._delta_docs = 0
        self._dead_docs = 0
        live = set(self._slot_of.values())
        self._free = [s for s in range(len(self._ids)) if s not in live]
        for s in self._free:
            self._ids[s] = None

    # ----- scoring -----------------------------------------------------------------------
    def _postings(self, term: str) -> tuple[IntArray, FloatArray] | None:
        parts_s: list[IntArray] = []
        parts_f: list[FloatArray] = []
        tid = self._term_ids.get(term)
        if tid is not None:
            lo, hi = int(self._indptr[tid]), int(self._indptr[tid + 1])
            if hi > lo:
                parts_s.append(self._slots[lo:hi])
                parts_f.append(self._tfs[lo:hi])
        delta = self._delta.get(term)
        if delta is not None:
            parts_s.append(np.asarray(delta[0], dtype=np.int32))
            parts_f.append(np.asarray(delta[1], dtype=np.float32))
        if not parts_s:
            return None
        slots = parts_s[0] if len(parts_s) == 1 else np.concatenate(parts_s)
        tfs = parts_f[0] if len(parts_f) == 1 else np.concatenate(parts_f)
        live = self._alive[slots]
        return slots[live], tfs[live]

    def _term_weights(self, term: str, avg_len: float) -> tuple[IntArray, FloatArray] | None:
        """Live slots holding ``term`` and ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len))``."""
        cached = self._weights.get(term)
        if cached is not None:
            return cached
        postings = self._postings(term)
        if postings is None or len(postings[0]) == 0:
            return None
        slots, tfs = postings
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths[slots] / avg_len)
        weights = (tfs * (self.k1 + 1.0) / (tfs + norm)).astype(np.float32)
        if len(self._weights) > 100_000:  # bound the memory of a long-running process
            self._weights.clear()
        self._weights[term] = (slots, weights)
        return slots, weights

    def scores(self, query_tokens: Iterable[str]) -> FloatArray:
        """BM25 score of every slot (dead slots and non-matching documents score 0)."""
        n_docs = len(self._slot_of)
        scores = np.zeros(self.capacity, dtype=np.float32)
        if n_docs == 0:
            return scores
        avg_len = self._total_len / n_docs
        for term in dict.fromkeys(query_tokens):
            found = self._term_weights(term, avg_len)
            if found is None:
                continue
            slots, weights = found
            df = len(slots)
            idf = np.float32(np.log1p((n_docs - df + 0.5) / (df + 0.5)))
            scores[slots] += idf * weights
        return scores

    def search(
        self, query_tokens: Sequence[str], k: int, allowed_groups: BoolArray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best (doc_id, score) pairs with a positive score, best first.

        ``allowed_groups[g]`` says whether documents of group ``g`` may be returned (groups past
        its end may not); the filter is applied before truncation to ``k``.
        """
        scores = self.scores(query_tokens)
        if allowed_groups is not None:
            groups = self._groups[: len(scores)]
            table = np.zeros(max(len(allowed_groups), int(groups.max(initial=0)) + 1), dtype=np.bool_)
            table[: len(allowed_groups)] = allowed_groups
            scores[~table[groups]] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            top = np.argpartition(-scores[candidates], k - 1)[:k]
            candidates = candidates[top]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(self._ids[s] or "", float(scores[s])) for s in order]

    # ----- persistence -------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the index as ``bm25.npz`` + ``bm25.json`` into ``directory`` (compacts first)."""
        self.compact()
        n = self.capacity
        np.savez(
            directory / "bm25.npz",
            indptr=self._indptr,
            slots=self._slots,
            tfs=self._tfs,
            lengths=self._lengths[:n],
            alive=self._alive[:n],
            groups=self._groups[:n],
        )
        meta = {"k1": self.k1, "b": self.b, "terms": self._terms, "ids": self._ids}
        (directory / "bm25.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        """Read an index written by ``save``."""
        try:
            meta = json.loads((directory / "bm25.json").read_text(encoding="utf-8"))
            arrays = np.load(directory / "bm25.npz")
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"cannot read the BM25 index in {directory}: {exc}; rebuild it") from exc
        index = cls(k1=float(meta["k1"]), b=float(meta["b"]))
        index._terms = list(meta["terms"])
        index._term_ids = {t: i for i, t in enumerate(index._terms)}
        index._ids = list(meta["ids"])
        index._slot_of = {d: i for i, d in enumerate(index._ids) if d is not None}
        index._free = [i for i, d in enumerate(index._ids) if d is None]
        index._indptr = arrays["indptr"].astype(np.int64)
        index._slots = arrays["slots"].astype(np.int32)
        index._tfs = arrays["tfs"].astype(np.float32)
        index._lengths = arrays["lengths"].astype(np.float32)
        index._alive = arrays["alive"].astype(np.bool_)
        index._groups = arrays["groups"].astype(np.int32)
        index._total_len = float(index._lengths[index._alive].sum())
        return index
