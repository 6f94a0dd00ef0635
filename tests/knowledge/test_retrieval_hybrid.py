"""HybridIndex without a model (BM25-only mode): upserts, removal, filters, files, threads."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from knowledge.demo import load_demo_catalog
from knowledge.domain import Catalog, FaqPair, Product
from knowledge.retrieval import DenseUnavailableError, HybridIndex, IndexFormatError
from knowledge.retrieval.hybrid import ProductItem


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_demo_catalog()


def _items(catalog: Catalog, products: list[Product] | None = None) -> list[ProductItem]:
    return [
        (p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id))
        for p in (products if products is not None else list(catalog.products))
    ]


@pytest.fixture()
def index(catalog: Catalog) -> HybridIndex:
    idx = HybridIndex(None)
    idx.upsert_products(_items(catalog))
    return idx


def _product(catalog: Catalog, product_id: str) -> Product:
    product = catalog.product(product_id)
    assert product is not None
    return product


def test_finds_products_by_slang_alias_and_link_number(index: HybridIndex) -> None:
    assert index.search_products("小黑瓶几号链接", 1)[0][0] == "MZ01"
    assert "MZ01" in [pid for pid, _ in index.search_products("xhp里面有烟酰胺吗", 5)]
    hit = index.search("小黑瓶敏感肌能用不", k=1)[0]
    assert hit.chunk.chunk_id.startswith("MZ01:faq") and hit.bm25_rank == 1 and hit.dense_rank is None


def test_product_and_category_filters_apply_before_truncation(index: HybridIndex, catalog: Catalog) -> None:
    hits = index.search("孕妇能用吗", k=3, product_ids=["SP04"])
    assert hits and {h.chunk.product_id for h in hits} == {"SP04"}
    food = index.search("敏感肌能用吗 发什么快递", k=10, category="食品")
    assert len(food) == 10 and {h.chunk.category for h in food} == {"食品"}
    ranked = [pid for pid, _ in index.search_products("保质期是多久呀", 5, category="食品")]
    assert ranked and all(_product(catalog, pid).category == "食品" for pid in ranked)
    assert index.search("敏感肌", product_ids=["nope"]) == []


def test_upsert_replaces_changed_chunks_and_drops_stale_ones(index: HybridIndex, catalog: Catalog) -> None:
    old = _product(catalog, "MZ01")
    new = dataclasses.replace(old, faq=(FaqPair("适合学生党吗", "适合，温和不刺激"),), description="")
    stats = index.upsert_products(_items(catalog, [new]))
    assert stats.chunks_removed == len(old.faq) - 1 + 1  # extra FAQ pairs and the description
    assert stats.passages_embedded == 0
    kinds = [c.kind for c in index.chunks_of("MZ01")]
    assert kinds.count("faq") == 1 and "description" not in kinds
    assert index.search("学生党", k=1)[0].chunk.chunk_id == "MZ01:faq:0"
    assert all(h.chunk.product_id != "MZ01" for h in index.search("能带上飞机吗", k=50))


def test_price_change_changes_no_chunk(index: HybridIndex, catalog: Catalog) -> None:
    product = _product(catalog, "FS01")
    sku = dataclasses.replace(product.skus[0], price=product.skus[0].price - 100, stock=1)
    stats = index.upsert_products(
        _items(catalog, [dataclasses.replace(product, skus=(sku, *product.skus[1:]))])
    )
    assert stats.chunks_changed == 0 and stats.chunks_removed == 0 and stats.chunks_unchanged > 0


def test_remove_products(index: HybridIndex) -> None:
    assert index.remove_products(["MZ01"]) > 0
    assert "MZ01" not in index.product_ids
    assert all(pid != "MZ01" for pid, _ in index.search_products("小黑瓶 修护精华液", 10))
    assert index.remove_products(["MZ01"]) == 0


def test_save_load_round_trip_gives_identical_results(index: HybridIndex, tmp_path: Path) -> None:
    index.remove_products(["SP01"])
    index.save(tmp_path / "idx")
    index.save(tmp_path / "idx")  # overwriting an existing save works
    loaded = HybridIndex.load(tmp_path / "idx", None)
    assert len(loaded) == len(index)
    for query in (
        "小黑瓶敏感肌能用不",
        "羽绒服含绒量多少",
        "发什么快递",
        "3号链接",
        "does it ship to xinjiang",
    ):
        assert loaded.search(query, k=10) == index.search(query, k=10)
        assert loaded.search(query, k=5, category="美妆") == index.search(query, k=5, category="美妆")


def test_load_rejects_a_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="rebuild"):
        HybridIndex.load(tmp_path / "nothing", None)


def test_dense_mode_needs_an_embedder(index: HybridIndex) -> None:
    with pytest.raises(DenseUnavailableError, match="models install"):
        index.search("小黑瓶", mode="dense")
    assert index.search("小黑瓶", mode="hybrid") == index.search("小黑瓶", mode="bm25")


def test_searches_during_upserts_do_not_fail(index: HybridIndex, catalog: Catalog) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        try:
            while not stop.is_set():
                for hit in index.search("敏感肌能用吗", k=5):
                    assert hit.chunk.product_id
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    for round_no in range(10):
        changed = [
            dataclasses.replace(p, description=f"{p.description} 第{round_no}版") for p in catalog.products
        ]
        index.upsert_products(_items(catalog, changed))
        index.remove_products(["HJ01", "HJ02"])
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert "第9版" in index.chunks_of("MZ01")[-2].text or any(
        "第9版" in c.text for c in index.chunks_of("MZ01")
    )
