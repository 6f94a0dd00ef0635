"""Recommender speed and memory, with a naive baseline run side by side.

Run: ``python benchmarks/bench_recs.py`` (``--quick`` for a smaller run). Measures, in one process
on one core:

- events ingested per second (batches of 100, 300 items, viewers drawn from 100k);
- ``recommend`` latency p50/p99 for k=3 with 300 items (embeddings of 384 dims), against a naive
  baseline that recomputes the viewer's interests from their raw event history on every request
  (exact decay per event, Python loop over items): the "no incremental state" design;
- the delay from an event to a changed recommendation for that viewer (ingest + recommend);
- memory of the room state for 100k viewers (tracemalloc, ~6 events each).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections import defaultdict

import numpy as np

from recommender import Event, ItemInfo, Recommender
from recommender.items import ItemIndex

T0 = 1_750_000_000.0
TYPES = ("view_card", "view_card", "view_card", "click_link", "like", "question", "add_to_cart", "order")


def make_items(n: int, rng: np.random.Generator, dim: int = 384) -> list[ItemInfo]:
    return [
        ItemInfo(
            f"P{i:04d}",
            f"cat{i % 12}",
            price=float(rng.uniform(10, 900)),
            attributes={"风格": f"s{int(rng.integers(6))}", "人群": f"a{int(rng.integers(4))}"},
            complements=(f"P{(i + 1) % n:04d}",),
            embedding=rng.normal(size=dim).astype(np.float32),
            name=f"商品{i}",
        )
        for i in range(n)
    ]


def make_events(n: int, n_viewers: int, items: list[ItemInfo], rng: np.random.Generator) -> list[Event]:
    vids = rng.integers(n_viewers, size=n)
    pids = rng.integers(len(items), size=n)
    kinds = rng.integers(len(TYPES), size=n)
    return [
        Event(f"e{i}", f"v{vids[i]}", TYPES[kinds[i]], items[pids[i]].product_id, T0 + i * 0.01)
        for i in range(n)
    ]


def pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def naive_recommend(
    history: list[Event], now: float, index: ItemIndex, k: int, half_life_s: float
) -> list[str]:
    """Baseline: rebuild interests from the raw history, then score every item in Python."""
    weights = {
        "view_card": 1.0,
        "click_link": 2.0,
        "like": 0.5,
        "question": 2.0,
        "add_to_cart": 4.0,
        "order": 3.0,
    }
    prod: dict[str, float] = defaultdict(float)
    feat: dict[str, float] = defaultdict(float)
    bought = set()
    for ev in history:
        w = weights.get(ev.type, 0.0) * 2 ** (-(now - ev.ts) / half_life_s)
        pid = ev.product_id or ""
        prod[pid] += w
        for key in index.features[index.pos[pid]]:
            feat[key] += w / 2
        if ev.type == "order":
            bought.add(pid)
    emb = index.embeddings
    assert emb is not None
    top = sorted(prod, key=prod.__getitem__, reverse=True)[:5]
    scores = []
    for i, pid in enumerate(index.ids):
        if pid in bought:
            continue
        s = prod.get(pid, 0.0) / (prod.get(pid, 0.0) + 2)
        s += sum(feat.get(key, 0.0) for key in index.features[i]) / 10
        s += max((float(emb[i] @ emb[index.pos[j]]) * prod[j] for j in top if j != pid), default=0.0)
        scores.append((s, pid))
    return [pid for _, pid in sorted(scores, reverse=True)[:k]]


def bench_ingest(
    items: list[ItemInfo], n_events: int, rng: np.random.Generator
) -> tuple[Recommender, list[Event]]:
    rec = Recommender(items)
    rec.set_stage(items[0].product_id, T0)
    events = make_events(n_events, 100_000, items, rng)
    start = time.perf_counter()
    for b in range(0, len(events), 100):
        rec.ingest(events[b : b + 100], now=events[min(b + 99, len(events) - 1)].ts)
    took = time.perf_counter() - start
    print(f"ingest: {len(events) / took:,.0f} events/s on one core ({len(events):,} events, batches of 100)")
    return rec, events


def bench_recommend(rec: Recommender, events: list[Event], n_calls: int, rng: np.random.Generator) -> None:
    history: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        history[ev.viewer_id].append(ev)
    viewers = [v for v, h in history.items() if len(h) >= 3]
    now = events[-1].ts + 1
    ours, naive = [], []
    for n in range(n_calls):
        vid = viewers[int(rng.integers(len(viewers)))]
        start = time.perf_counter()
        rec.recommend(vid, now, 3)
        ours.append((time.perf_counter() - start) * 1000)
        if n % 4 == 0:  # the baseline is slow: a quarter of the calls
            start = time.perf_counter()
            naive_recommend(history[vid], now, rec.room.index, 3, rec.options.profile.half_life_s)
            naive.append((time.perf_counter() - start) * 1000)
    o50, o99, n50, n99 = pct(ours, 0.5), pct(ours, 0.99), pct(naive, 0.5), pct(naive, 0.99)
    print(f"recommend k=3, {len(rec.room.index)} items: p50 {o50:.3f} ms  p99 {o99:.3f} ms")
    print(f"  naive recompute-from-history baseline: p50 {n50:.3f} ms  p99 {n99:.3f} ms")
    print(f"  ratio (baseline / ours): p50 x{n50 / o50:.1f}  p99 x{n99 / o99:.1f}")


def bench_delay(rec: Recommender, events: list[Event], trials: int, rng: np.random.Generator) -> None:
    now = events[-1].ts + 2
    delays, changed = [], 0
    ids = rec.room.index.ids
    for n in range(trials):
        vid = f"v{int(rng.integers(100_000))}"
        before = [r.product_id for r in rec.recommend(vid, now, 3)]
        target = next(p for p in (ids[int(rng.integers(len(ids)))] for _ in range(50)) if p not in before)
        start = time.perf_counter()
        rec.ingest([Event(f"d{n}", vid, "add_to_cart", target, now)], now=now)
        after = [r.product_id for r in rec.recommend(vid, now, 3)]
        delays.append((time.perf_counter() - start) * 1000)
        changed += after != before
    print(
        f"event -> changed recommendation: p50 {pct(delays, 0.5):.3f} ms  p99 {pct(delays, 0.99):.3f} ms "
        f"(changed in {changed}/{trials}; goal 200 ms)"
    )


def bench_memory(items: list[ItemInfo], n_viewers: int, per_viewer: int, rng: np.random.Generator) -> None:
    events = make_events(n_viewers * per_viewer, n_viewers, items, rng)
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    rec = Recommender(items)
    for b in range(0, len(events), 1000):
        rec.ingest(events[b : b + 1000], now=events[-1].ts)
    gc.collect()
    used, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mib, per = (used - base) / 2**20, (used - base) / max(len(rec.profiles), 1)
    print(
        f"memory: {mib:,.0f} MiB for {len(rec.profiles):,} viewers ({per_viewer} events each, "
        f"incl. {len(rec.seen):,} remembered event ids); {per:,.0f} B per viewer"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="recommender benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller run (smoke test)")
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    items = make_items(args.items, rng)
    scale = 10 if args.quick else 1
    rec, events = bench_ingest(items, 200_000 // scale, rng)
    bench_recommend(rec, events, 4000 // scale, rng)
    bench_delay(rec, events, 1000 // scale, rng)
    bench_memory(items, 100_000 // scale, 6, rng)


if __name__ == "__main__":
    main()
