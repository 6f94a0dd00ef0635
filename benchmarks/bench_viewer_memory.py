"""Memory for the live state of many viewers in one room: in process (memory backend) vs in Redis.

Run: ``python -m benchmarks.bench_viewer_memory [--viewers 100000]``.
Each viewer has what a busy room leaves behind: a dialogue state, three messages in the last
minute (three seen msg_ids and a flood window of three), a recommender profile from four events
(entered, opened a product card, asked about it, put it in the cart: a cart entry), one push claim
(push cap), and 1 in 100 viewers opted out of personalisation. The recommender profiles come from
the real ``recommender.Recommender`` fed those events.

In process: ``tracemalloc`` around filling the memory backend's stores (the baseline), and apart
the ``Recommender`` object each process serving the room holds. In Redis: ``INFO memory``
``used_memory`` before and after filling the redis backend's stores under a key prefix of its own
(written through pipelines, 1,000 calls a round trip, to keep the run short), ``MEMORY USAGE`` per
kind of key (a sample of each kind, scaled to its key count), then every key of the prefix deleted.
Goal: 100,000 viewers in at most 1 GB of Redis.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.types import Intent
from assistant.state import StateStores, build_state_stores
from assistant.state.redis_keys import delete_matching
from recommender import Event, ItemInfo, Recommender

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOM = "bench-room"
T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
PRODUCTS = [f"p{i}" for i in range(40)]
OPT_OUT_EVERY = 100
PIPELINE_CALLS = 1000


def viewer_ids(n: int) -> list[str]:
    return [f"viewer-{i:06d}" for i in range(n)]


def recommender_for(viewers: list[str]) -> Recommender:
    """A room recommender fed four events per viewer; every 100th viewer opted out."""
    items = [ItemInfo(p, category=f"c{i % 5}", price=float(50 + 10 * i)) for i, p in enumerate(PRODUCTS)]
    rec = Recommender(items)
    at = T0.timestamp()
    rec.set_stage(PRODUCTS[0], at)
    events = []
    for i, v in enumerate(viewers):
        p = PRODUCTS[i % len(PRODUCTS)]
        ts = at + (i % 600)
        events += [
            Event(f"{v}-e", v, "enter", None, ts),
            Event(f"{v}-v", v, "view_card", p, ts + 1),
            Event(f"{v}-q", v, "question", p, ts + 2),
            Event(f"{v}-c", v, "add_to_cart", p, ts + 3),
        ]
    for start in range(0, len(events), 10_000):
        rec.ingest(events[start : start + 10_000], at + 700)
    for v in viewers[::OPT_OUT_EVERY]:
        rec.set_opt_out(v, True)
    return rec


def fill(stores: StateStores, viewers: list[str], flush: Callable[[], object]) -> None:
    """Every viewer's state into ``stores``; ``flush`` is called every ``PIPELINE_CALLS`` viewers."""
    for i, v in enumerate(viewers):
        at = T0 + timedelta(seconds=i % 50)
        stores.dialogue.put(ROOM, v, ViewerDialogue(PRODUCTS[i % len(PRODUCTS)], None, Intent.PRICE, at))
        for k in range(3):
            stores.guards.first_seen(ROOM, f"{v}-m{k}", at)
            stores.guards.allow_viewer(ROOM, v, at + timedelta(seconds=k))
        stores.recommender.claim_push(ROOM, v, "cart_price_drop", 3600.0)
        if i % PIPELINE_CALLS == PIPELINE_CALLS - 1:
            flush()
    flush()


def in_process(viewers: list[str], snapshot: dict[str, Any]) -> tuple[int, int]:
    """(bytes of the memory backend's stores, bytes of the ``Recommender`` object), tracemalloc."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    stores = build_state_stores("memory")
    fill(stores, viewers, lambda: None)
    stores.recommender.save(ROOM, snapshot)
    for v in viewers[::OPT_OUT_EVERY]:
        stores.recommender.set_opt_out(ROOM, v, True)
    gc.collect()
    store_bytes = tracemalloc.get_traced_memory()[0] - base
    rec_base = tracemalloc.get_traced_memory()[0]
    rec = recommender_for(viewers)
    gc.collect()
    rec_bytes = tracemalloc.get_traced_memory()[0] - rec_base
    tracemalloc.stop()
    del stores, rec
    return store_bytes, rec_bytes


def in_redis(viewers: list[str], snapshot: dict[str, Any]) -> tuple[int, dict[str, tuple[int, int]]]:
    """(used_memory growth in bytes, {kind of key: (keys, estimated bytes)})."""
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"bench-mem-{uuid.uuid4().hex[:8]}:"
    try:
        before = int(client.info("memory")["used_memory"])
        pipe = client.pipeline(transaction=False)
        fill(build_state_stores("redis", redis=pipe, prefix=prefix), viewers, pipe.execute)
        stores = build_state_stores("redis", redis=client, prefix=prefix)
        stores.recommender.save(ROOM, snapshot)
        for v in viewers[::OPT_OUT_EVERY]:
            stores.recommender.set_opt_out(ROOM, v, True)
        time.sleep(0.2)
        grown = int(client.info("memory")["used_memory"]) - before
        return grown, usage_by_kind(client, prefix)
    finally:
        delete_matching(client, prefix.replace("*", r"\*") + "*")
        client.close()


def usage_by_kind(client: redis.Redis, prefix: str, sample: int = 200) -> dict[str, tuple[int, int]]:
    keys: dict[str, list[bytes]] = defaultdict(list)
    for key in client.scan_iter(match=prefix + "*", count=5000):
        kind = key.decode()[len(prefix) :].split(":", 1)[0]
        keys[kind].append(key)
    out = {}
    for kind, found in sorted(keys.items()):
        picked = found[:: max(1, len(found) // sample)][:sample]
        sizes = [int(client.memory_usage(k, samples=0) or 0) for k in picked]
        out[kind] = (len(found), int(sum(sizes) / len(sizes) * len(found)))
    return out


def mb(n: float) -> str:
    return f"{n / 1e6:8.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=100_000)
    args = parser.parse_args()
    viewers = viewer_ids(args.viewers)
    started = time.perf_counter()
    snapshot = recommender_for(viewers).to_dict(items=False)
    kinds = Counter(len(p.get("cart", ())) > 0 for p in snapshot["profiles"].values())
    print(f"{args.viewers} viewers, {len(snapshot['profiles'])} profiles ({kinds[True]} with a cart)")
    store_bytes, rec_bytes = in_process(viewers, snapshot)
    grown, by_kind = in_redis(viewers, snapshot)
    print(f"{'':34} {'total':>11} {'per viewer':>11}")
    print(
        f"{'in process: memory backend stores':34} {mb(store_bytes):>11} {store_bytes / args.viewers:9.0f} B"
    )
    print(f"{'in process: the Recommender object':34} {mb(rec_bytes):>11} {rec_bytes / args.viewers:9.0f} B")
    print(f"{'in Redis: used_memory growth':34} {mb(grown):>11} {grown / args.viewers:9.0f} B")
    print(f"ratio Redis / in-process stores: x{grown / store_bytes:.2f}")
    print("in Redis by kind of key (MEMORY USAGE of a sample, scaled):")
    for kind, (count, size) in by_kind.items():
        print(f"  {kind:14} {count:8} keys {mb(size)}")
    print(f"({time.perf_counter() - started:.0f} s, {datetime.now().isoformat(timespec='seconds')})")


if __name__ == "__main__":
    main()
