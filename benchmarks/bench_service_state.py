"""The whole danmaku path of the service per state backend: what keeping state durable costs a batch.

Run: ``python -m benchmarks.bench_service_state [--batches 300] [--size 10] [--rounds 3] [--no-redis]``.
Builds the real service (demo catalog, BM25 retrieval, the shipped understanding model) per
backend and answers the same batches through ``LiveRooms.handle_danmaku`` (what the danmaku route
and the room WebSocket call): every message a fresh ``msg_id`` from one of 200 viewers, priced,
stock and shipping questions about the product on stage. Each backend runs in a process of its own
(a service's background threads would slow another's batches), one after the other, ``--rounds``
times: the machine's load drifts, so each figure is the median over the rounds. The ``memory``
backend is the baseline (the service before its state moved into stores). Redis is the server at
127.0.0.1:6379 under a random key prefix, deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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
ROOT = Path(__file__).resolve().parents[1]  # the child processes run ``python -m`` from here


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


class Feeder:
    """Batches of fresh messages for one service (a repeated msg_id would be a cheap duplicate)."""

    def __init__(self, services: Services, size: int) -> None:
        self.services, self.size = services, size
        self.start = services.clock()
        self.run = uuid.uuid4().hex[:6]
        self.n = 0
        self.timings: list[float] = []  # seconds per message, one per batch

    def batch(self, record: bool = True) -> None:
        at = self.start + timedelta(milliseconds=50 * (self.n // self.size))
        batch = []
        for _ in range(self.size):
            self.n += 1
            n = self.n
            batch.append(Danmaku(f"{self.run}-{n}", f"v{n % 200}", QUESTIONS[n % 5], at, f"观众{n % 200}"))
        began = time.perf_counter()
        self.services.live.handle_danmaku("bench", batch)
        if record:
            self.timings.append((time.perf_counter() - began) / self.size)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_one(kind: str, batches: int, size: int) -> dict[str, float]:
    """One backend in this process: warm-up, then ``batches`` timed batches; us per message."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as tmp:
        feeder = Feeder(build(kind, Path(tmp), prefix), size)
        for _ in range(20):  # warm-up: matcher, caches, connections
            feeder.batch(record=False)
        for _ in range(batches):
            feeder.batch()
        feeder.services.close()
    if kind == "redis":
        import redis

        from assistant.state.redis_keys import delete_matching

        client = redis.Redis.from_url(REDIS_URL)
        delete_matching(client, prefix + "*")
        client.close()
    t = feeder.timings
    return {
        "mean": statistics.mean(t) * 1e6,
        "p50": percentile(t, 0.5) * 1e6,
        "p99": percentile(t, 0.99) * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--one", choices=["memory", "sqlite", "redis"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process: one backend, figures as JSON on stdout
        print(json.dumps(run_one(args.one, args.batches, args.size)))
        return
    kinds = ["memory", "sqlite"] + ([] if args.no_redis else ["redis"])
    figures: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            cmd = [sys.executable, "-m", "benchmarks.bench_service_state", "--one", kind]
            cmd += ["--batches", str(args.batches), "--size", str(args.size)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
            figures[kind].append(json.loads(out.strip().splitlines()[-1]))
    med = {
        k: {f: statistics.median(r[f] for r in runs) for f in ("mean", "p50", "p99")}
        for k, runs in figures.items()
    }
    base = med["memory"]
    print(
        f"{args.batches} batches x {args.size} messages, median of {args.rounds} rounds,"
        f" {datetime.now().isoformat(timespec='seconds')}, load {os.getloadavg()[0]:.1f};"
        " us per message (batch time / size)"
    )
    print(f"{'backend':>8} {'mean':>7} {'p50':>7} {'p99':>7} {'x mean':>7} {'x p50':>7}  p50 per round")
    for kind, m in med.items():
        rounds = " ".join(f"{r['p50']:.0f}" for r in figures[kind])
        print(
            f"{kind:>8} {m['mean']:7.0f} {m['p50']:7.0f} {m['p99']:7.0f}"
            f" {m['mean'] / base['mean']:7.2f} {m['p50'] / base['p50']:7.2f}  {rounds}"
        )


if __name__ == "__main__":
    main()
