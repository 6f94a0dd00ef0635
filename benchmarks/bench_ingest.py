"""Catalog ingest rate: parse + validate + store + chunk + embed + index, per core.

Run: ``python -m benchmarks.bench_ingest [--products 200] [--model-dir models] [--skip-baseline]``.

Generates a seeded synthetic catalog (``benchmarks.bench_retrieval.synthetic_catalog``), exports it
as the CSV template (a zip of CSV files) and imports it through ``CatalogService`` (memory store,
index files and embedding cache in a temporary directory, cache cold), torch on one thread. Each
configuration reports two moments, as products per wall-clock second and per CPU second of the
whole process (``time.process_time``: all threads, so a background worker's CPU counts too;
"per core" below means per CPU second):
- *searchable*: the import has returned and its products are BM25-searchable (plus any vector
  that was already in the embedding cache);
- *fully indexed*: every dense passage has its vector (``wait_indexed``).

Configurations, side by side in one process, with ratios against the first:
- baseline: the previous behaviour, every chunk embedded (``dense_passages="chunks"``), fp32,
  synchronously;
- compact passages (``"compact"``: name/aliases/attributes + FAQ questions), fp32 and int8;
- one passage per product (``"names"``), int8, synchronous and with background embedding (the
  service default).
Then a warm re-import (a restart or a replace-import over the same embedding cache).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from assistant.catalogs import CatalogService
from benchmarks.bench_retrieval import synthetic_catalog
from knowledge.ingest import UploadedFile, export_catalog
from knowledge.retrieval import DensePassages, E5Embedder, Embedder
from knowledge.store.memory import MemoryCatalogStore

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class Config:
    label: str
    quantize: bool
    dense_passages: DensePassages
    background: bool


@dataclass(frozen=True, slots=True)
class Rates:
    """Products per wall second and per CPU second, when searchable and when fully indexed."""

    searchable_wall: float
    searchable_cpu: float
    full_wall: float
    full_cpu: float
    passages: int


CONFIGS = (
    Config("baseline: all chunks, fp32, sync", False, "chunks", False),
    Config("compact + FAQ questions, fp32", False, "compact", False),
    Config("compact + FAQ questions, int8", True, "compact", False),
    Config("one passage/product, int8, sync", True, "names", False),
    Config("one passage/product, int8, bg", True, "names", True),
)


def _clock() -> datetime:
    return datetime.now(ZoneInfo(TIMEZONE))


def import_once(content: bytes, n: int, embedder: Embedder, config: Config, cache_dir: Path) -> Rates:
    """Import the catalog into a fresh service over ``cache_dir`` and time both moments."""
    service = CatalogService(
        MemoryCatalogStore(),
        embedder,
        cache_dir,
        TIMEZONE,
        _clock,
        background_embedding=config.background,
        dense_passages=config.dense_passages,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    service.import_files("bench", [UploadedFile("catalog.zip", content)])
    index = service.index("bench")  # built on first use, like the first danmaku after an import
    searchable = time.perf_counter() - wall, time.process_time() - cpu
    assert service.wait_indexed(timeout_s=3600)
    full = time.perf_counter() - wall, time.process_time() - cpu
    passages = len(index._vec_id)
    service.close()
    return Rates(n / searchable[0], n / searchable[1], n / full[0], n / full[1], passages)


def _print(label: str, rates: Rates, base: Rates | None) -> None:
    ratio = ""
    if base is not None:
        ratio = (
            f"  x{rates.full_cpu / base.full_cpu:5.1f} / x{rates.searchable_cpu / base.searchable_cpu:5.1f}"
        )
    print(
        f"{label:<36} searchable {rates.searchable_wall:7.1f}/s wall {rates.searchable_cpu:7.1f}/cpu-s | "
        f"fully indexed {rates.full_wall:6.1f}/s wall {rates.full_cpu:6.1f}/cpu-s | "
        f"{rates.passages:5d} vectors{ratio}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="catalog ingest rate per core")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--skip-baseline", action="store_true", help="skip the slow all-chunks fp32 run")
    parser.add_argument(
        "--configs",
        default="",
        help="comma-separated row numbers of CONFIGS to run (0 = the baseline; default: all); "
        "the first one run is the baseline of the ratios",
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    model = args.model_dir / "multilingual-e5-small"
    embedders: dict[bool, Callable[[], Embedder]] = {
        False: lambda: E5Embedder(model, threads=1),
        True: lambda: E5Embedder(model, threads=1, quantize=True),
    }
    loaded: dict[bool, Embedder] = {}
    n = args.products
    content, _ = export_catalog(synthetic_catalog(n), "csv")
    print(f"{n} products (CSV zip, {len(content) / 1024:.0f} KiB), torch threads 1; rates in products")
    print("ratios (last column): fully indexed per cpu-s / searchable per cpu-s, against the baseline")
    base: Rates | None = None
    with tempfile.TemporaryDirectory() as tmp:
        chosen = {int(i) for i in args.configs.split(",")} if args.configs else set(range(len(CONFIGS)))
        for i, config in enumerate(CONFIGS):
            if (i == 0 and args.skip_baseline) or i not in chosen:
                continue
            embedder = loaded.get(config.quantize) or loaded.setdefault(
                config.quantize, embedders[config.quantize]()
            )
            rates = import_once(content, n, embedder, config, Path(tmp) / str(i))
            _print(config.label, rates, base)
            base = base or rates
        last, cache_dir = CONFIGS[-1], Path(tmp) / str(len(CONFIGS) - 1)
        shutil.rmtree(cache_dir / "bench")  # keep only the embedding cache: a re-import, not a reload
        warm = import_once(content, n, loaded[last.quantize], last, cache_dir)
        _print("same, re-import (cache warm)", warm, base)


if __name__ == "__main__":
    main()
