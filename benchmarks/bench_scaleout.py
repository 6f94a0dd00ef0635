"""One busy room spread over several ``liveshop serve`` processes on Redis: what rate holds.

Run: ``python -m benchmarks.bench_scaleout [--rate 2000] [--seconds 8] [--processes 1,2,3] [--warm-s 0]``.
Starts real ``liveshop serve`` processes (``LIVESHOP_STATE=redis`` on 127.0.0.1:6379 under a key
prefix of this run, BM25 retrieval, no LLM, one shared data folder) and, side by side, the
baseline: one process with the default SQLite state. For each configuration a fresh room gets the
seeded replay of ``benchmarks.danmaku_replay`` (questions, chatter, spam, re-sends, stage changes)
open-loop at ``--rate`` danmaku/s, in one POST per ``--window-ms`` of messages, each POST (and each
stage change) sent to a process picked at random, as a load balancer without sticky sessions does.

``--warm-s`` first replays that many seconds into a room of its own, unmeasured (connections,
caches and matchers warm, as in a room that has been live a while).

Printed per configuration: messages answered per second (achieved), request p50/p99 per process,
CPU each process and Redis used (share of one core over the run), and the machine's load. The
machine is shared (other work runs on its 2 cores), so figures are rough: compare the rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import redis

from benchmarks.danmaku_replay import Replay, ReplayConfig, generate_replay
from knowledge.demo import load_demo_catalog

KEY = "bench-scaleout-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
REDIS_URL = "redis://127.0.0.1:6379/0"
LIVESHOP = Path(sys.executable).with_name("liveshop")
READY_S = 300.0


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def servers(count: int, env: dict[str, str], data_dir: Path) -> Iterator[list[Server]]:
    """``count`` ``liveshop serve --demo`` processes, ready (``/readyz`` 200), stopped afterwards."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("LIVESHOP_")}
    base.update({"LIVESHOP_DATA_DIR": str(data_dir), "LIVESHOP_API_KEYS": KEY, "HF_HUB_OFFLINE": "1"})
    base.update({"LIVESHOP_EMBEDDINGS": "none", **env})
    started: list[Server] = []
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(count):
            port = free_port()
            cmd = [str(LIVESHOP), "serve", "--host", "127.0.0.1", "--port", str(port), "--demo"]
            cmd += ["--log-level", "WARNING"]
            with (data_dir.parent / f"serve-{port}.log").open("ab") as log:
                proc = subprocess.Popen(cmd, env=base, stdout=log, stderr=subprocess.STDOUT)
            started.append(Server(f"http://127.0.0.1:{port}", proc))
            if i == 0:
                wait_ready(started[0])  # the first loads the demo catalog into the shared store
        for server in started[1:]:
            wait_ready(server)
        yield started
    finally:
        for server in started:
            server.proc.terminate()
        for server in started:
            server.proc.wait(30)


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"liveshop serve exited with {server.proc.returncode}")
        try:
            if httpx.get(server.url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{server.url} not ready after {READY_S:.0f} s")


@dataclass
class Run:
    label: str
    sent: int = 0
    answered: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    request_ms: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # share of one core over the run
    redis_cpu: float | None = None
    load: float = 0.0


async def replay_into(
    servers_: list[Server], room: str, replay: Replay, args: argparse.Namespace, run: Run
) -> None:
    """Post the replay open-loop at ``args.rate`` danmaku/s for ``args.seconds``, spread at random."""
    rng = random.Random(11)
    scale = (len(replay.messages) / replay.seconds) / args.rate  # room seconds -> wall seconds
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    clients = {
        s.url: httpx.AsyncClient(base_url=s.url, headers=AUTH, timeout=30, limits=limits) for s in servers_
    }
    run.request_ms = {s.url: [] for s in servers_}

    async def post(url: str, body: dict[str, Any], n: int) -> None:
        began = time.perf_counter()
        try:
            response = await clients[url].post(f"/v1/rooms/{room}/danmaku", json=body)
            ok = response.status_code == 200
            if ok:
                out = response.json()
                run.answered += sum(len(r["reply_to"]) for r in out["replies"])
                run.answered += len(out["joined"]) + len(out["ignored"])
        except httpx.HTTPError:
            ok = False
        run.request_ms[url].append((time.perf_counter() - began) * 1000)
        run.errors += 0 if ok else 1

    tasks: list[asyncio.Task[None]] = []
    started = time.perf_counter()
    for end, batch, stages in replay.windows(args.window_ms / 1000 / scale):
        wall_end = end * scale
        if wall_end > args.seconds:
            break
        await asyncio.sleep(max(0.0, started + wall_end - time.perf_counter()))
        for st in stages:
            url = rng.choice(servers_).url
            await clients[url].put(f"/v1/rooms/{room}/stage", json={"product_id": st.product_id})
        if batch:
            body = {
                "messages": [
                    {"msg_id": m.danmaku.msg_id, "viewer_id": m.danmaku.viewer_id, "text": m.danmaku.text}
                    for m in batch
                ]
            }
            run.sent += len(batch)
            tasks.append(asyncio.create_task(post(rng.choice(servers_).url, body, len(batch))))
    await asyncio.gather(*tasks)
    run.elapsed_s = time.perf_counter() - started
    for client in clients.values():
        await client.aclose()


def open_room(servers_: list[Server], replay: Replay) -> str:
    room = f"scale-{uuid.uuid4().hex[:8]}"
    first = replay.stages[0].product_id if replay.stages else None
    with httpx.Client(base_url=servers_[0].url, headers=AUTH, timeout=30) as http:
        assert http.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo"}).status_code == 201
        http.put(f"/v1/rooms/{room}/stage", json={"product_id": first})
    return room


def measure(label: str, servers_: list[Server], replay: Replay, args: argparse.Namespace) -> Run:
    if args.warm_s > 0:  # connections, caches and matchers warm, in a room of its own, not measured
        warm = argparse.Namespace(**{**vars(args), "seconds": args.warm_s})
        asyncio.run(replay_into(servers_, open_room(servers_, replay), replay, warm, Run("warm-up")))
    room = open_room(servers_, replay)
    run = Run(label)
    client = redis.Redis.from_url(REDIS_URL)
    redis_before = _redis_cpu(client)
    cpu_before = {s.url: cpu_s(s.proc.pid) for s in servers_}
    wall = time.perf_counter()
    asyncio.run(replay_into(servers_, room, replay, args, run))
    wall = time.perf_counter() - wall
    run.cpu = {s.url: (cpu_s(s.proc.pid) - cpu_before[s.url]) / wall for s in servers_}
    run.redis_cpu = (_redis_cpu(client) - redis_before) / wall
    client.close()
    run.load = os.getloadavg()[0]
    return run


def _redis_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def report(runs: list[Run], rate: float) -> None:
    base = runs[0]
    base_rate = base.answered / base.elapsed_s
    print(f"\ntarget {rate:.0f} danmaku/s; achieved = messages with an outcome per second of the run")
    print(
        f"{'configuration':26} {'achieved/s':>10} {'x base':>7} {'errors':>6}  per process: p50 / p99 ms, CPU"
    )
    for run in runs:
        achieved = run.answered / run.elapsed_s
        per = "; ".join(
            f"{_pct(ms, 50):.0f} / {_pct(ms, 99):.0f} ms, {run.cpu[url]:.0%}"
            for url, ms in run.request_ms.items()
        )
        redis_cpu = f"; Redis CPU {run.redis_cpu:.0%}" if run.redis_cpu is not None else ""
        print(
            f"{run.label:26} {achieved:10.0f} {achieved / base_rate:7.2f} {run.errors:6}  {per}{redis_cpu}"
            f" (load {run.load:.1f})"
        )


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--window-ms", type=float, default=50.0)
    parser.add_argument("--processes", default="1,2,3")
    parser.add_argument("--warm-s", type=float, default=0.0, help="unmeasured warm-up replay first, seconds")
    args = parser.parse_args()
    counts = [int(c) for c in args.processes.split(",")]
    messages = int(args.rate * args.seconds * 1.2)
    replay = generate_replay(load_demo_catalog(), ReplayConfig(messages=messages, seconds=args.seconds * 1.2))
    runs: list[Run] = []
    prefix = f"bench-scale-{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as tmp:
        with servers(1, {"LIVESHOP_STATE": "sqlite"}, Path(tmp) / "sqlite" / "data") as one:
            runs.append(measure("baseline: 1 process sqlite", one, replay, args))
        env = {"LIVESHOP_STATE": "redis", "LIVESHOP_REDIS_URL": REDIS_URL, "LIVESHOP_REDIS_PREFIX": prefix}
        try:
            with servers(max(counts), env, Path(tmp) / "redis" / "data") as many:
                for n in counts:
                    runs.append(measure(f"{n} process{'es' if n > 1 else ''} redis", many[:n], replay, args))
        finally:
            client = redis.Redis.from_url(REDIS_URL)
            from assistant.state.redis_keys import delete_matching

            delete_matching(client, prefix + "*")
            client.close()
    print(f"{os.cpu_count()} cores; replay of {len(replay.messages)} messages, {args.seconds:.0f} s per row")
    report(runs, args.rate)


if __name__ == "__main__":
    main()
