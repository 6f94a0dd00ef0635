"""Background embedding, compact dense passages and the query memo, without the e5 model.

``GatedEmbedder`` is a stand-in sentence model (seeded random vectors per character, summed and
normalised) whose passage calls can be held at a gate, so the eventual consistency of the dense
side can be observed step by step. The real model is exercised in test_retrieval_e5.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from knowledge.demo import load_demo_catalog
from knowledge.domain import Catalog, Product
from knowledge.retrieval import (
    HybridIndex,
    HybridOptions,
    QueryMemo,
    dense_passages,
    normalize_query,
    product_chunks,
)
from knowledge.retrieval.embed import Vectors
from knowledge.retrieval.hybrid import ProductItem


class GatedEmbedder:
    """Deterministic character-bag vectors; passage calls wait for ``gate`` and are counted."""

    dimension = 64
    model_id = "char-bag-64"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.passages = 0

    def _vec(self, text: str) -> Vectors:
        out = np.zeros(self.dimension, dtype=np.float32)
        for ch in text:
            seed = int.from_bytes(hashlib.sha256(ch.encode()).digest()[:8], "little")
            out += np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        return out / max(float(np.linalg.norm(out)), 1e-9)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        assert self.gate.wait(30), "the test never opened the gate"
        self.passages += len(texts)
        return self.encode_queries(texts)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_demo_catalog()


def _items(catalog: Catalog, products: Sequence[Product] | None = None) -> list[ProductItem]:
    return [
        (p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id))
        for p in (products if products is not None else catalog.products)
    ]


def test_dense_passage_modes(catalog: Catalog) -> None:
    product = catalog.products[0]
    chunks = product_chunks(product, None, None)
    names = dense_passages(product, chunks, "names")
    assert list(names) == [f"{product.product_id}:name:0"]
    text = names[f"{product.product_id}:name:0"]
    assert product.name in text and all(a in text for a in product.aliases)
    compact = dense_passages(product, chunks, "compact")
    assert len(compact) == 1 + len(product.faq)
    assert product.faq[0].question in compact[f"{product.product_id}:faq:0"]
    assert dense_passages(product, chunks, "chunks") == {c.chunk_id: c.text for c in chunks}


def test_background_import_is_searchable_at_once_and_dense_later(catalog: Catalog, tmp_path: Path) -> None:
    embedder = GatedEmbedder()
    embedder.gate.clear()
    options = HybridOptions(background_embedding=True, background_batch=8, cache_path=tmp_path / "v.sqlite")
    index = HybridIndex(embedder, options)
    stats = index.upsert_products(_items(catalog))
    n = len(catalog.products)
    assert stats.passages_embedded == 0 and stats.passages_queued == n  # one passage per product
    assert index.embedding_backlog() == n
    # BM25 answers at once; the dense side has nothing yet.
    assert index.search_products("小黑瓶几号链接", 1)[0][0] == "MZ01"
    assert index.search("小黑瓶", k=5, mode="dense") == []
    assert not index.wait_embedded(timeout_s=0.05)
    embedder.gate.set()
    assert index.wait_embedded(timeout_s=30)
    assert index.embedding_backlog() == 0 and embedder.passages == n
    dense = index.search("小黑瓶", k=3, mode="dense")
    assert len(dense) == 3 and all(h.dense_rank is not None for h in dense)

    # The same results as an index that embedded synchronously.
    sync = HybridIndex(embedder, HybridOptions(cache_path=tmp_path / "v.sqlite"))
    sync.upsert_products(_items(catalog))
    for query in ("小黑瓶敏感肌能用不", "羽绒服偏大吗", "does it ship to xinjiang"):
        assert [h.chunk.chunk_id for h in index.search(query, 10)] == [
            h.chunk.chunk_id for h in sync.search(query, 10)
        ]
    index.close()


def test_stale_background_vectors_are_dropped(catalog: Catalog) -> None:
    embedder = GatedEmbedder()
    embedder.gate.clear()
    index = HybridIndex(embedder, HybridOptions(background_embedding=True, background_batch=1))
    product = catalog.products[0]
    index.upsert_products(_items(catalog, [product]))
    renamed = dataclasses.replace(product, aliases=("新外号",))
    index.upsert_products(_items(catalog, [renamed]))  # queued while the first is in flight
    embedder.gate.set()
    assert index.wait_embedded(timeout_s=30)
    vec_of = index._vec_id
    assert list(vec_of) == [f"{product.product_id}:name:0"]  # one vector, for the newest text
    assert "新外号" in index._dense_text[f"{product.product_id}:name:0"]
    hits = index.search("新外号", k=1, mode="dense")
    assert hits and hits[0].chunk.product_id == product.product_id


def test_save_mid_backlog_then_load_finishes_from_the_cache(catalog: Catalog, tmp_path: Path) -> None:
    embedder = GatedEmbedder()
    cache = tmp_path / "v.sqlite"
    full = HybridIndex(embedder, HybridOptions(cache_path=cache))
    full.upsert_products(_items(catalog))  # every passage vector is now in the cache file
    embedder.gate.clear()
    fresh_cache = HybridIndex(embedder, HybridOptions(background_embedding=True, cache_path=cache))
    fresh_cache.upsert_products(_items(catalog))  # all cached: nothing queued
    assert fresh_cache.embedding_backlog() == 0
    pending = HybridIndex(embedder, HybridOptions(background_embedding=True))  # in-memory cache
    pending.upsert_products(_items(catalog))
    assert pending.embedding_backlog() == len(catalog.products)
    pending.save(tmp_path / "idx")
    before = embedder.passages
    loaded = HybridIndex.load(tmp_path / "idx", embedder, HybridOptions(cache_path=cache))
    assert embedder.passages == before  # vectors came from the cache, the gate is still closed
    query = "小黑瓶敏感肌能用不"
    assert [h.chunk.chunk_id for h in loaded.search(query, 10)] == [
        h.chunk.chunk_id for h in full.search(query, 10)
    ]
    embedder.gate.set()
    pending.close()


def test_normalize_query_and_memo_lru() -> None:
    assert normalize_query("  ＸＨＰ  多少钱？ ") == normalize_query("xhp 多少钱?") == "xhp 多少钱?"
    memo = QueryMemo(2)
    a, b, c = (np.full(3, v, dtype=np.float32) for v in (1, 2, 3))
    memo.put("a", a)
    memo.put("b", b)
    assert memo.get("a") is a  # "a" is now the most recent
    memo.put("c", c)
    assert memo.get("b") is None and memo.get("a") is a and memo.get("c") is c
    assert (memo.hits, memo.misses, len(memo)) == (3, 1, 2)
    with pytest.raises(ValueError):
        a[0] = 5  # memoised vectors are shared, so read-only
