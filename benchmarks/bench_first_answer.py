"""The first answers after a large catalog import: background embedding vs waiting for every vector.

Run: ``python -m benchmarks.bench_first_answer [--products 5000] [--model-dir models] [--skip-baseline]``.

Builds the service as ``liveshop serve`` does (``build_services``: SQLite store, index files and
embedding cache in a fresh temporary data folder, e5 int8), imports a seeded synthetic catalog
(``benchmarks.bench_retrieval.synthetic_catalog``, exported as the CSV template), opens a room on
it and asks three danmaku through ``LiveRooms.handle_danmaku`` (what the danmaku route calls):

- ``3号链接多少钱`` (a link number: answered from the facts),
- ``<a product's name>有现货吗`` (a product name: the name matcher, then the facts),
- ``羊毛的毛衣有吗`` (no product named: the sound-alike fallback, then a clarifying question).

Two configurations, side by side, each on a cold data folder:

- *wait for the full index* (the baseline): after the import, wait until every passage of the
  search index and every product text of the recommender has its vector, then ask;
- *background* (the service default): ask as soon as the import returns; the vectors are made by
  background workers meanwhile (the backlog is printed at each answer).

Printed per configuration: the import's wall time, the wait for vectors, each question's wall time
and the ``latency_ms`` its reply reports (they should agree: the reply's latency covers every wait
inside the service), the dense backlog at the answer, and the time from the start of the import to
the first answer, with the ratio against the baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.danmaku.types import Danmaku
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services
from benchmarks.bench_retrieval import synthetic_catalog
from knowledge.domain import Catalog
from knowledge.ingest import UploadedFile, export_catalog

CATALOG_ID = "bench"


@dataclass(frozen=True, slots=True)
class Answered:
    question: str
    wall_s: float  # around handle_danmaku, seconds
    latency_ms: float  # what the reply reports
    source: str
    backlog: int  # dense passages still waiting when the answer came back


def questions(catalog: Catalog) -> list[str]:
    return ["3号链接多少钱", f"{catalog.products[10].name}有现货吗", "羊毛的毛衣有吗"]


def ask(services: Services, room_id: str, i: int, text: str) -> Answered:
    message = Danmaku(f"m{i}", f"v{i}", text, services.clock())
    started = time.perf_counter()
    result = services.live.handle_danmaku(room_id, [message])
    wall = time.perf_counter() - started
    (reply,) = result.replies
    backlog = services.catalogs.embedding_backlog(CATALOG_ID)
    return Answered(text, wall, reply.latency_ms, str(reply.source), backlog)


def run(content: bytes, catalog: Catalog, model_dir: Path, wait: bool) -> float:
    """One configuration on a cold data folder; returns seconds from import start to first answer."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", model_dir=model_dir, api_keys="bench-key")
        services = build_services(settings)
        try:
            started = time.perf_counter()
            services.catalogs.import_files(CATALOG_ID, [UploadedFile("catalog.zip", content)])
            imported = time.perf_counter() - started
            services.live.create("room", CATALOG_ID, "bench room")
            waited = 0.0
            if wait:
                before = time.perf_counter()
                services.catalogs.wait_indexed(catalog_id=CATALOG_ID)
                recs = services.recs
                recs.ingest("room", [])  # the recommender reads the catalog and queues its texts
                recs.wait_embedded()
                waited = time.perf_counter() - before
            answers = [ask(services, "room", i, q) for i, q in enumerate(questions(catalog))]
            first = imported + waited + answers[0].wall_s
        finally:
            services.close()
    label = "wait for the full index" if wait else "background embedding"
    print(f"{label}: import {imported:.2f} s, waiting for vectors {waited:.2f} s", flush=True)
    for a in answers:
        print(
            f"  {a.question:<28} wall {a.wall_s * 1000:9.1f} ms  latency_ms {a.latency_ms:9.1f}  "
            f"{a.source:<8} backlog {a.backlog}",
            flush=True,
        )
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description="first answers after a large catalog import")
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--skip-baseline", action="store_true", help="skip waiting for every vector")
    args = parser.parse_args()
    catalog = synthetic_catalog(args.products)
    content, _ = export_catalog(catalog, "csv")
    model_dir = args.model_dir.resolve()
    print(f"{args.products} products (CSV zip, {len(content) / 1024:.0f} KiB), e5 int8, cold data folder")
    base = None if args.skip_baseline else run(content, catalog, model_dir, wait=True)
    fast = run(content, catalog, model_dir, wait=False)
    if base is not None:
        ratio = base / fast
        print(f"import start -> first answer: waiting {base:.2f} s, background {fast:.2f} s (x{ratio:.1f})")
    else:
        print(f"import start -> first answer: background {fast:.2f} s")


if __name__ == "__main__":
    main()
