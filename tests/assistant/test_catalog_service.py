"""CatalogService with the real e5 model: background embedding, backlog, patches, restarts (slow)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.catalogs import CatalogService
from knowledge.demo import load_demo_catalog
from knowledge.ingest import UploadedFile, export_catalog
from knowledge.retrieval import E5Embedder
from knowledge.store import ProductPatch
from knowledge.store.sqlite import SqliteCatalogStore
from tests.embedders import CountingEmbedder

pytestmark = pytest.mark.slow
TIMEZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def embedder(model_dir: Path) -> CountingEmbedder:
    return CountingEmbedder(E5Embedder(model_dir / "multilingual-e5-small", threads=2, quantize=True))


def _clock() -> datetime:
    return datetime(2026, 11, 21, 20, 5, tzinfo=ZoneInfo(TIMEZONE))


def _service(data: Path, embedder: CountingEmbedder) -> CatalogService:
    store = SqliteCatalogStore(data / "catalog.sqlite3")
    return CatalogService(store, embedder, data / "index", TIMEZONE, _clock)


def test_background_indexing_patches_and_restart(embedder: CountingEmbedder, tmp_path: Path) -> None:
    demo = load_demo_catalog()
    content, _ = export_catalog(demo, "json")
    service = _service(tmp_path, embedder)
    service.import_files("demo", [UploadedFile("demo.json", content)])
    index = service.index("demo")  # BM25-searchable now; vectors follow in the background
    assert index.search_products("小黑瓶几号链接", 1)[0][0] == "MZ01"
    assert service.embedding_backlog("demo") <= len(demo.products)
    assert service.wait_indexed(timeout_s=300)
    assert service.embedding_backlog("demo") == 0
    assert embedder.passages == len(demo.products)  # one compact passage per product
    # a paraphrase none of MZ01's names or aliases spells out: the dense side finds it (an English
    # question scored within 0.001 of three other products with e5-small int8, and which won
    # depended on the CPU's int8 kernels and on the batch the query was embedded in)
    paraphrase = "黑色瓶子的修复精华能带上飞机吗"
    assert "MZ01" in [pid for pid, _ in index.search_products(paraphrase, 3)]
    assert any(h.dense_rank is not None for h in index.search(paraphrase, k=5))

    # A price / stock patch embeds nothing and leaves no backlog.
    embedder.passages = 0
    sku = demo.products[1].skus[0].sku_id
    patch = ProductPatch(price={sku: Decimal("1.50")}, stock={sku: 3})
    service.patch_product("demo", demo.products[1].product_id, patch)
    assert service.embedding_backlog("demo") == 0 and embedder.passages == 0

    # A restart loads the saved index; vectors saved or not come from the embedding cache.
    service.close()
    restarted = _service(tmp_path, embedder)
    again = restarted.index("demo")
    assert restarted.wait_indexed(timeout_s=60) and embedder.passages == 0
    query = "羽绒服偏大还是偏小"
    assert [h.chunk.chunk_id for h in again.search(query, 10)] == [
        h.chunk.chunk_id for h in index.search(query, 10)
    ]
    restarted.close()
