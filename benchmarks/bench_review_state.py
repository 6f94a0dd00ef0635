"""Cost of review state and operator-answer hit counts per backend, against the in-memory baseline.

What a held reply costs the danmaku path (``policy`` check + ``hold``) and the operator (``take``),
and what one FAQ-answered group costs (``faq_hits.add``), for memory (the baseline: today's
in-process ``ReviewQueue``), sqlite (one WAL file in a temp folder) and redis (127.0.0.1:6379, a
key prefix of its own, deleted after). Figures are microseconds per operation; the ratio is against
memory, measured in the same run.

    python -m benchmarks.bench_review_state [--n 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import redis

from assistant.danmaku.replies import Reply
from assistant.danmaku.types import ReplySource
from assistant.review import HeldQuestion
from assistant.state import StateStores, build_state_stores
from assistant.state.redis_keys import delete_matching

AT = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _per_op_us(n: int, fn: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - started) / n * 1e6


def measure(stores: StateStores, n: int) -> dict[str, float]:
    """Microseconds per operation: hold (with the policy check), take, hit count."""
    review, room = stores.review, f"bench-{uuid.uuid4().hex[:6]}"
    review.set_policy(room, [ReplySource.LLM])
    question = [HeldQuestion("m", "小王", "q")]

    def hold(i: int) -> None:
        if ReplySource.LLM in review.policy(room):
            reply = Reply(f"r{i}", (f"m{i}",), "text", "p1", "other", ReplySource.LLM, True, 1.0)
            review.hold(room, reply, question, AT)

    hold_us = _per_op_us(n, hold)
    held = [h.reply.reply_id for h in review.held(room)]  # the newest MAX_HELD_PER_ROOM are kept
    take_us = _per_op_us(len(held), lambda i: review.take(room, held[i]))
    hits_us = _per_op_us(n, lambda i: stores.faq_hits.add("cat", f"f{i % 10}"))
    return {"hold": hold_us, "take": take_us, "hit": hits_us}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="operations of each kind per backend")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    results["memory (baseline)"] = measure(build_state_stores("memory"), args.n)
    with tempfile.TemporaryDirectory() as tmp:
        stores = build_state_stores("sqlite", sqlite_path=Path(tmp) / "state.db")
        results["sqlite"] = measure(stores, args.n)
        stores.close()
    client = redis.Redis(host="127.0.0.1", port=6379)
    prefix = f"bench:{uuid.uuid4().hex}:"
    try:
        results["redis"] = measure(build_state_stores("redis", redis=client, prefix=prefix), args.n)
    finally:
        delete_matching(client, prefix + "*")
        client.close()
    base = results["memory (baseline)"]
    print(f"{'backend':18s} {'hold us':>9s} {'x':>6s} {'take us':>9s} {'x':>6s} {'hit us':>9s} {'x':>6s}")
    for name, r in results.items():
        cells = "".join(f" {r[k]:9.1f} {r[k] / base[k]:6.1f}" for k in ("hold", "take", "hit"))
        print(f"{name:18s}{cells}")


if __name__ == "__main__":
    main()
