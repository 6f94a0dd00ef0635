"""State stores: per-message cost of the danmaku path and room compare-and-set, per backend.

Run: ``python -m benchmarks.bench_state [--messages 5000] [--updates 500] [--no-redis]``.
Each backend does the state work of one answered danmaku (seen id, flood window, dialogue read and
write, reply budget, reply id) and room updates, one call per step; the baseline, run side by side
in the same process, is the memory backend (the in-process structures the service kept before its
state moved into stores). Redis is the server at 127.0.0.1:6379 (a random key prefix, deleted
afterwards). The service batches these steps on Redis (``benchmarks/bench_service_state.py``).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.types import Intent
from assistant.rooms import Room
from assistant.state import StateStores, build_state_stores

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _messages(n: int) -> list[tuple[str, str, datetime]]:
    return [(f"m{i}", f"v{i % 500}", T0 + timedelta(milliseconds=20 * i)) for i in range(n)]


def stores_per_message(stores: StateStores, n: int) -> float:
    started = time.perf_counter()
    for msg_id, viewer, at in _messages(n):
        stores.guards.first_seen("room", msg_id, at)
        stores.guards.allow_viewer("room", viewer, at)
        stores.dialogue.get("room", viewer, at)
        stores.dialogue.put("room", viewer, ViewerDialogue("p1", None, Intent.PRICE, at))
        if stores.guards.take_reply("room", at):
            stores.reply_ids.next_id()
    return (time.perf_counter() - started) / n


def room_updates_per_s(stores: StateStores, updates: int, threads: int) -> float:
    room_id = f"bench-{uuid.uuid4().hex[:8]}"
    stores.rooms.create(Room(room_id, "cat", "bench", T0))

    def run() -> None:
        for _ in range(updates // threads):
            stores.rooms.update(room_id, lambda r: replace(r, version=r.version + 1))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    assert stores.rooms.get(room_id).version == (updates // threads) * threads
    return (updates // threads) * threads / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    base = stores_per_message(build_state_stores("memory"), args.messages)
    print(f"baseline (memory backend): {base * 1e6:8.1f} us per message")
    client: Any = None
    prefix = f"bench:{uuid.uuid4().hex}:"
    with tempfile.TemporaryDirectory() as tmp:
        backends: list[tuple[str, StateStores]] = [
            ("memory", build_state_stores("memory")),
            ("sqlite", build_state_stores("sqlite", sqlite_path=Path(tmp) / "state.db")),
        ]
        if not args.no_redis:
            import redis

            client = redis.Redis(host="127.0.0.1", port=6379)
            started = time.perf_counter()
            for _ in range(200):
                client.ping()
            print(f"redis round trip (PING): {(time.perf_counter() - started) / 200 * 1e6:.0f} us")
            backends.append(("redis", build_state_stores("redis", redis=client, prefix=prefix)))
        print(f"{'backend':8} {'us/message':>11} {'x baseline':>11} {'updates/s 1 thr':>16} {'4 thr':>8}")
        for name, stores in backends:
            stores_per_message(stores, 200)  # warm up: connections, scripts, pages
            room_updates_per_s(stores, 40, 1)
            per = stores_per_message(stores, args.messages)
            one = room_updates_per_s(stores, args.updates, 1)
            four = room_updates_per_s(stores, args.updates, 4)
            print(f"{name:8} {per * 1e6:11.1f} {per / base:11.1f} {one:16.0f} {four:8.0f}")
            stores.close()
    if client is not None:
        from assistant.state.redis_keys import delete_matching

        delete_matching(client, prefix + "*")
        client.close()


if __name__ == "__main__":
    main()
