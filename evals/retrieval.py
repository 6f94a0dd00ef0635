"""Retrieval evaluation on the labelled viewer questions (evals/data/retrieval.jsonl).

Each query names the relevant product and a snippet of the relevant chunk. Metrics, at two levels:
- product level: a hit is any chunk of the relevant product (what danmaku answering needs first);
- chunk level: a hit is a chunk of that product whose text contains ``relevant_chunk``.
recall@1, recall@5 and MRR@10 per level; the primary metric is ``product_recall@5``.

Run: ``python -m evals.retrieval [--model-dir DIR] [--fusion rrf|weighted]`` prints hybrid vs
BM25-only vs dense-only side by side (dense columns need the e5 model).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.domain import Catalog
from knowledge.retrieval import Embedder, Hit, HybridIndex, HybridOptions, SearchMode

DATA_PATH = Path(__file__).with_name("data") / "retrieval.jsonl"
PRIMARY_METRIC = "product_recall@5"


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    qid: str
    query: str
    product_id: str
    kind: str
    relevant_chunk: str


def load_queries(path: Path = DATA_PATH) -> list[LabelledQuery]:
    """The labelled queries (blank lines ignored)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(
                LabelledQuery(row["qid"], row["query"], row["product_id"], row["kind"], row["relevant_chunk"])
            )
    return out


def build_index(
    catalog: Catalog, embedder: Embedder | None, options: HybridOptions | None = None
) -> HybridIndex:
    """A ``HybridIndex`` over every product of ``catalog`` with its policies."""
    index = HybridIndex(embedder, options)
    index.upsert_products(
        [
            (p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id))
            for p in catalog.products
        ]
    )
    return index


def _first_rank(hits: Sequence[Hit], query: LabelledQuery, chunk_level: bool) -> int | None:
    """1-based rank of the first relevant item (products counted once at product level)."""
    seen: list[str] = []
    for i, hit in enumerate(hits, start=1):
        if chunk_level:
            if hit.chunk.product_id == query.product_id and query.relevant_chunk in hit.chunk.text:
                return i
            continue
        if hit.chunk.product_id not in seen:
            seen.append(hit.chunk.product_id)
        if hit.chunk.product_id == query.product_id:
            return len(seen)
    return None


def evaluate_retrieval(
    index: HybridIndex, queries: Sequence[LabelledQuery], mode: SearchMode = "hybrid", depth: int = 50
) -> dict[str, float]:
    """recall@1/@5 and MRR@10 at product and chunk level (primary: ``product_recall@5``)."""
    sums = dict.fromkeys(
        [
            "product_recall@1",
            "product_recall@5",
            "product_mrr@10",
            "chunk_recall@1",
            "chunk_recall@5",
            "chunk_mrr@10",
        ],
        0.0,
    )
    for q in queries:
        hits = index.search(q.query, k=depth, mode=mode)
        for level, chunk_level in (("product", False), ("chunk", True)):
            rank = _first_rank(hits, q, chunk_level)
            if rank is None:
                continue
            sums[f"{level}_recall@1"] += rank <= 1
            sums[f"{level}_recall@5"] += rank <= 5
            sums[f"{level}_mrr@10"] += 1.0 / rank if rank <= 10 else 0.0
    n = max(1, len(queries))
    return {name: value / n for name, value in sums.items()}


def failures(index: HybridIndex, queries: Sequence[LabelledQuery], mode: SearchMode = "hybrid") -> list[str]:
    """Queries whose product is not in the top 5, with what came instead (for error analysis)."""
    out = []
    for q in queries:
        hits = index.search(q.query, k=50, mode=mode)
        if (_first_rank(hits, q, False) or 99) > 5:
            top = list(dict.fromkeys(h.chunk.product_id for h in hits))[:5]
            out.append(f"{q.qid} {q.query!r} want {q.product_id}, got {top}")
    return out


def compare_modes(
    index: HybridIndex, queries: Sequence[LabelledQuery], modes: Sequence[SearchMode] | None = None
) -> dict[str, dict[str, float]]:
    """Evaluate several modes on the same index and print them side by side."""
    chosen: Sequence[SearchMode] = modes or (
        ("hybrid", "bm25", "dense") if index.embedder is not None else ("bm25",)
    )
    results: dict[str, dict[str, float]] = {}
    for mode in chosen:
        start = time.perf_counter()
        results[mode] = evaluate_retrieval(index, queries, mode)
        results[mode]["seconds"] = time.perf_counter() - start
    names = list(next(iter(results.values())))
    print(f"{'metric':<20}" + "".join(f"{m:>10}" for m in chosen))
    for name in names:
        print(f"{name:<20}" + "".join(f"{results[m][name]:>10.3f}" for m in chosen))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    from knowledge.demo import load_demo_catalog

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="directory holding multilingual-e5-small")
    parser.add_argument("--fusion", choices=["rrf", "weighted"], default="rrf")
    parser.add_argument("--dense-weight", type=float, default=0.5)
    parser.add_argument("--failures", action="store_true", help="list the queries missed in the top 5")
    args = parser.parse_args(argv)
    embedder = None
    if args.model_dir is not None:
        from knowledge.retrieval import E5Embedder

        embedder = E5Embedder(args.model_dir / "multilingual-e5-small", threads=1)
    options = HybridOptions(fusion=args.fusion, dense_weight=args.dense_weight)
    index = build_index(load_demo_catalog(), embedder, options)
    queries = load_queries()
    print(f"{len(queries)} labelled queries, {len(index)} chunks, fusion={args.fusion}")
    compare_modes(index, queries)
    if args.failures:
        for mode in ("hybrid", "bm25", "dense") if embedder else ("bm25",):
            print(f"--- missed by {mode}")
            print("\n".join(failures(index, queries, mode)))


if __name__ == "__main__":
    main()
