"""Fusing ranked lists from BM25 and the dense index into one ranking.

- ``rrf``: reciprocal rank fusion, ``sum 1 / (k + rank)`` (rank from 1; Cormack et al. 2009,
  k = 60). Uses ranks only, so BM25's unbounded scores and e5's compressed cosines (all ~0.8)
  need no calibration.
- ``weighted``: each list's scores min-max normalised to [0, 1], then
  ``(1 - w) * bm25 + w * dense``; an item missing from a list gets 0 from it.

A dense passage may stand for a whole product (``chunks.dense_passages``): its vote is then
given to each of that product's chunks in the BM25 list, at the same rank and score
(``fuse_votes``), so the dense side says *which product* and BM25 keeps saying *which chunk*.

Both were evaluated on the labelled set (evals/retrieval.py); the default and the figures are
in benchmarks/README.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

FusionMethod = Literal["rrf", "weighted"]
Ranked = Sequence[tuple[str, float]]  # (item id, score), best first


def reciprocal_rank_fusion(lists: Sequence[Ranked], k: int = 60) -> dict[str, float]:
    """RRF score of every item in any of the ranked ``lists``."""
    fused: dict[str, float] = {}
    for ranked in lists:
        for rank, (item, _score) in enumerate(ranked, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def _min_max(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    scores = [s for _, s in ranked]
    lo, hi = min(scores), max(scores)
    span = hi - lo
    return {item: (s - lo) / span if span > 0 else 1.0 for item, s in ranked}


def weighted_fusion(bm25: Ranked, dense: Ranked, dense_weight: float = 0.5) -> dict[str, float]:
    """Weighted sum of min-max normalised BM25 and dense scores."""
    fused = {item: (1.0 - dense_weight) * s for item, s in _min_max(bm25).items()}
    for item, s in _min_max(dense).items():
        fused[item] = fused.get(item, 0.0) + dense_weight * s
    return fused


Vote = tuple[int, float]  # (1-based rank in its retriever's list, score)


def fuse_votes(
    bm25: dict[str, Vote],
    dense: dict[str, Vote],
    method: FusionMethod = "rrf",
    k: int = 60,
    dense_weight: float = 0.5,
) -> dict[str, float]:
    """Fused score of every item with a vote; several items may share a dense rank."""
    if method == "rrf":
        fused = {item: 1.0 / (k + rank) for item, (rank, _) in bm25.items()}
        for item, (rank, _) in dense.items():
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
        return fused
    bm25_norm = _min_max([(item, score) for item, (_, score) in bm25.items()])
    dense_norm = _min_max([(item, score) for item, (_, score) in dense.items()])
    fused = {item: (1.0 - dense_weight) * s for item, s in bm25_norm.items()}
    for item, s in dense_norm.items():
        fused[item] = fused.get(item, 0.0) + dense_weight * s
    return fused
