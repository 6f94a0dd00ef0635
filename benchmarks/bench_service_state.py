"""The whole danmaku path of the service per state backend: what keeping state durable costs a batch.

Run: ``python -m benchmarks.bench_service_state [--batches 200] [--size 10] [--no-redis]``.
Builds the real service (demo catalog, BM25 retrieval, the shipped understanding model) once per
backend and answers the same batches through ``LiveRooms.handle_danmaku`` (what the danmaku route
and the room WebSocket call): every message a fresh ``msg_id`` from one of 200 viewers, priced,
stock and shipping questions about the product on stage. The ``memory`` backend, run side by side
in the same process, is the baseline (the service before its state moved into stores). Redis is
the server at 127.0.0.1:6379 under a random key prefix, deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from assistant.danmaku.types import Danmaku
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services

QUESTIONS = ("这个多少钱", "这个有货吗", "什么时候发货", "有优惠券吗", "这个怎么用")
REDIS_URL = "redis://127.0.0.1:6379/0"


def build(kind: str, data_dir: Path, prefix: str) -> Services:
    settings = load_settings(
        data_dir=data_dir,
        store="memory",
        state=kind,
        embeddings="none",
        demo=True,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
    )
    services = build_services(settings)
    services.live.create("bench", "demo", "bench")
    services.live.set_stage("bench", "MZ07")
    return services


def per_message_us(services: Services, batches: int, size: int) -> float:
    """Mean wall time per message over ``batches`` batches of ``size`` messages, microseconds."""
    start = services.clock()
    timings = []
    n = 0
    for b in range(batches):
        at = start + timedelta(milliseconds=50 * b)
        batch = []
        for _ in range(size):
            n += 1
            batch.append(Danmaku(f"m{n}", f"v{n % 200}", QUESTIONS[n % 5], at, f"观众{n % 200}"))
        began = time.perf_counter()
        services.live.handle_danmaku("bench", batch)
        timings.append((time.perf_counter() - began) / size)
    return statistics.mean(timings) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    kinds = ["memory", "sqlite"] + ([] if args.no_redis else ["redis"])
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            services = build(kind, Path(tmp) / kind, prefix + kind + ":")
            per_message_us(services, 20, args.size)  # warm-up: matcher, caches, connections
            results[kind] = per_message_us(services, args.batches, args.size)
            services.close()
    if not args.no_redis:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
    base = results["memory"]
    print(f"{args.batches} batches x {args.size} messages, {datetime.now().isoformat(timespec='seconds')}")
    for kind, us in results.items():
        print(f"{kind:>7}: {us:8.0f} us per message  x{us / base:.2f} of memory")


if __name__ == "__main__":
    main()
