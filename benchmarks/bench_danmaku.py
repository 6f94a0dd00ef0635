"""Danmaku replay of a busy room: our pipeline in-process and over HTTP, against a naive baseline.

Run: ``python -m benchmarks.bench_danmaku`` (a few minutes on 2 cores; ``--quick`` < 1 min).
Options: ``--messages N --seconds S`` (the replay, default 20,000 over 60 s of room time),
``--http/--no-http``, ``--embeddings none|e5``, ``--llm-delay-s`` (the scripted LLM's delay per call),
``--baseline-questions`` (questions the naive baseline answers), ``--tracemalloc`` (Python heap peak
of the in-process run; slows it ~2x).

Everything is real: the service built by ``build_services`` with the demo catalog and room "demo",
the scripted OpenAI-compatible server process of the tests as the LLM, a real uvicorn server.
Same run, side by side:

a. in-process: the replay fed to ``LiveRooms.handle_danmaku`` in windows of ``--window-ms`` of room
   time, the service clock following the messages, the stage switching as scheduled; one core
   (``sched_setaffinity``, torch with one thread). Three fresh services: the default limits (20
   replies/s per room, so most questions are dropped as ``room_rate``), the reply rate lifted so every
   question past the flood limit is answered, and that again with the scripted LLM (open questions
   call it, each call delayed ``--llm-delay-s``; calls counted on the server).
b. HTTP: a uvicorn server process pinned to the other core, an open-loop httpx client posting one
   batch every ``--window-ms`` at ``--http-rate`` danmaku/s for ``--http-seconds``.
c. naive baseline: for a sample of question danmaku, retrieval (``index.search(text, k=4)``) plus one
   LLM call through ``LlmClient`` to the same scripted server with the same delay, one at a time;
   the per-question time is extrapolated to the whole replay.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from assistant.danmaku.types import ReplySource
from assistant.llm.client import LlmClient, LlmConfig
from assistant.llm.prompt import grounded_messages
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services
from benchmarks.danmaku_replay import DEFAULT_START, Replay, ReplayConfig, generate_replay, kind_counts
from knowledge.demo import load_demo_catalog

KEY = "k"
AUTH = {"Authorization": f"Bearer {KEY}"}
LLM_TEXT = "这款可以放心入，细节看商品详情页哦"  # no numbers, no banned terms: passes the guard
ROOT = Path(__file__).resolve().parents[1]  # the subprocesses run ``python -m`` from here
NO_LLM_SOURCES = {ReplySource.CATALOG, ReplySource.FAQ, ReplySource.CLARIFY, ReplySource.HANDOFF}


class ReplayClock:
    """The service clock during a replay: set to the room time being replayed, or, once
    ``follow_wall_time`` is called (the HTTP server), running on from ``at`` with the wall clock."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self._since: float | None = None

    def follow_wall_time(self, at: datetime) -> None:
        self.at, self._since = at, time.monotonic()

    def __call__(self) -> datetime:
        if self._since is None:
            return self.at
        return self.at + timedelta(seconds=time.monotonic() - self._since)


@dataclass
class InProcessStats:
    label: str
    messages: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    per_msg_us: list[float] = field(default_factory=list)
    reply_ms: list[float] = field(default_factory=list)
    msgs_by_source: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)
    replies: int = 0
    joined: int = 0  # questions answered by joining a reply already on screen
    llm_calls: int = 0
    rss_kb: list[tuple[float, int]] = field(default_factory=list)  # (room time s, VmRSS kB)
    heap_peak_mb: float | None = None

    @property
    def replied_msgs(self) -> int:
        return sum(self.msgs_by_source.values())

    @property
    def share_without_llm(self) -> float:
        answered = sum(n for s, n in self.msgs_by_source.items() if s in NO_LLM_SOURCES)
        return answered / max(1, self.replied_msgs)

    @property
    def share_without_call(self) -> float:
        """1 - LLM calls / replied danmaku: every call answers at least one danmaku, and cached LLM
        answers (source ``llm``, no call) count as answered without a call."""
        return 1 - self.llm_calls / max(1, self.replied_msgs)

    @property
    def share_from_facts(self) -> float:
        """Replied question danmaku answered from catalog facts or FAQ (no handoff, clarify, LLM)."""
        facts = self.msgs_by_source[ReplySource.CATALOG] + self.msgs_by_source[ReplySource.FAQ]
        return facts / max(1, self.replied_msgs)


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else float("nan")


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cores() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pin_to(pid: int, core: int | None) -> None:
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(pid, {core})


# -- the scripted LLM ------------------------------------------------------------------------------
@contextlib.contextmanager
def scripted_llm() -> Iterator[str]:
    """Start ``tests.fakes.openai_server`` as a process; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("LISTENING"):
            raise RuntimeError(f"the scripted LLM server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(10)


def script_llm(base_url: str, steps: int, delay_s: float) -> None:
    """Reset the scripted server and queue ``steps`` answers that each wait ``delay_s``."""
    httpx.post(f"{base_url}/_reset", timeout=10).raise_for_status()
    body = {"responses": [{"text": LLM_TEXT, "delay_s": delay_s}] * steps}
    httpx.post(f"{base_url}/_script", json=body, timeout=30).raise_for_status()


def llm_requests(base_url: str) -> int:
    reply = httpx.get(f"{base_url}/_requests", timeout=30)
    reply.raise_for_status()
    return len(reply.json()["requests"])


def make_services(
    embeddings: str, llm_url: str | None, clock: ReplayClock, unlimited_replies: bool = False
) -> Services:
    """The real services; ``unlimited_replies`` lifts the per-room reply rate so every question that
    passes the flood limit is answered (the answer path and the cache under the full load)."""
    llm = {"base_url": f"{llm_url}/v1", "model": "scripted", "timeout_s": 3} if llm_url else {}
    limits = {"room_replies_per_s": 1e9} if unlimited_replies else {}
    settings = load_settings(
        store="memory", embeddings=embeddings, demo=True, api_keys=KEY, llm=llm, limits=limits
    )
    return build_services(settings, clock=clock)


# -- a. in-process ---------------------------------------------------------------------------------
def warm_up(services: Services, clock: ReplayClock) -> None:
    """A short replay in a separate room, so imports, matchers and indexes are built before timing."""
    services.live.create("warm", "demo", "warm-up")
    warm = generate_replay(load_demo_catalog(), ReplayConfig(messages=400, seconds=2.0, seed=99))
    for end, batch, _ in warm.windows(0.1):
        clock.at = warm.at(end)
        services.live.handle_danmaku("warm", [m.danmaku for m in batch])


def run_in_process(
    replay: Replay,
    services: Services,
    clock: ReplayClock,
    label: str,
    window_s: float,
    heap: bool = False,
    llm_url: str | None = None,
) -> InProcessStats:
    """Feed the replay window by window; LLM calls are counted on the scripted server."""
    stats = InProcessStats(label)
    warm_up(services, clock)
    calls_before = llm_requests(llm_url) if llm_url else 0
    if heap:
        tracemalloc.start()
    cpu0 = time.process_time()
    source_of: dict[str, str] = {}
    for end, batch, stages in replay.windows(window_s):
        for stage in stages:
            clock.at = replay.at(stage.offset_s)
            services.live.set_stage("demo", stage.product_id, clock.at)
            stats.rss_kb.append((stage.offset_s, rss_kb()))
        if not batch:
            continue
        clock.at = replay.at(end)
        t0 = time.perf_counter()
        result = services.live.handle_danmaku("demo", [m.danmaku for m in batch])
        dt = time.perf_counter() - t0
        stats.wall_s += dt
        stats.messages += len(batch)
        stats.batch_ms.append(dt * 1000)
        stats.per_msg_us.append(dt * 1e6 / len(batch))
        for reply in result.replies:
            stats.replies += 1
            stats.reply_ms.append(reply.latency_ms)
            stats.msgs_by_source[str(reply.source)] += len(reply.reply_to)
            source_of[reply.reply_id] = str(reply.source)
        for joined in result.joined:  # answered by a reply already on screen: counted under its source
            stats.joined += 1
            stats.msgs_by_source[source_of.get(joined.reply_id, "joined")] += 1
        stats.ignored.update(i.reason for i in result.ignored)
    stats.cpu_s = time.process_time() - cpu0
    if heap:
        stats.heap_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    stats.rss_kb.append((replay.seconds, rss_kb()))
    stats.llm_calls = llm_requests(llm_url) - calls_before if llm_url else 0
    return stats


def report_in_process(s: InProcessStats) -> None:
    print(
        f"\n[{s.label}] {s.messages:,} danmaku, {s.replies:,} replies to {s.replied_msgs:,} danmaku"
        f" ({s.joined:,} of them joined a reply already on screen)"
    )
    print(
        f"  wall {s.wall_s:.2f} s (cpu {s.cpu_s:.2f} s): {s.messages / s.wall_s:,.0f} danmaku/s on one core"
        f" ({s.messages / max(s.cpu_s, 1e-9):,.0f} by CPU time)"
    )
    print(
        f"  reply latency p50 {pct(s.reply_ms, 50):.2f} ms  p99 {pct(s.reply_ms, 99):.2f} ms;"
        f" batch wall p50 {pct(s.batch_ms, 50):.2f} ms  p99 {pct(s.batch_ms, 99):.2f} ms;"
        f" per danmaku p50 {pct(s.per_msg_us, 50):.0f} us  p99 {pct(s.per_msg_us, 99):.0f} us"
    )
    print(f"  replied danmaku by source: {dict(s.msgs_by_source.most_common())}")
    print(f"  ignored: {dict(s.ignored.most_common())}")
    print(
        f"  answered without an LLM: {s.share_without_llm:.1%} by reply source, {s.share_without_call:.1%}"
        f" by calls ({s.llm_calls} LLM calls); from catalog/FAQ {s.share_from_facts:.1%}"
    )
    trail = ", ".join(f"{t:.0f}s {kb / 1024:.0f}" for t, kb in s.rss_kb)
    heap = f"; tracemalloc peak {s.heap_peak_mb:.1f} MB" if s.heap_peak_mb is not None else ""
    print(f"  VmRSS MB by room time: {trail}{heap}")


# -- b. HTTP ---------------------------------------------------------------------------------------
def serve(port: int, embeddings: str) -> None:
    """The server process: the real app on 127.0.0.1:``port``, no LLM (catalog/FAQ/cache path)."""
    import uvicorn

    from assistant.service.app import create_app

    clock = ReplayClock(DEFAULT_START)
    services = make_services(embeddings, None, clock)
    warm_up(services, clock)
    clock.follow_wall_time(DEFAULT_START)  # reply budgets run on the service's clock: it must move
    settings = services.settings
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, services), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"LISTENING {port}", flush=True)
    thread.join()


@contextlib.contextmanager
def http_server(embeddings: str, core: int | None) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "benchmarks.bench_danmaku", "--serve-port", str(port)]
    proc = subprocess.Popen([*cmd, "--embeddings", embeddings], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    pin_to(proc.pid, core)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("LISTENING"):
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class HttpStats:
    sent: int = 0
    ok_msgs: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    request_ms: list[float] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)


async def http_replay(
    base_url: str, replay: Replay, rate: float, seconds: float, window_s: float, room: str = "demo"
) -> HttpStats:
    """Post the replay open-loop at ``rate`` danmaku/s (room time rescaled to match) for ``seconds``."""
    stats = HttpStats()
    scale = (len(replay.messages) / replay.seconds) / rate  # room seconds -> wall seconds
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base_url, headers=AUTH, timeout=10, limits=limits) as client:

        async def post(path: str, body: dict[str, Any], n: int) -> None:
            t0 = time.perf_counter()
            try:
                reply = await client.request("PUT" if path.endswith("stage") else "POST", path, json=body)
                ok = reply.status_code == 200
            except httpx.HTTPError:
                ok = False
            if n:
                stats.request_ms.append((time.perf_counter() - t0) * 1000)
                stats.ok_msgs += n if ok else 0
            stats.errors += 0 if ok else 1

        tasks: list[asyncio.Task[None]] = []
        started = time.perf_counter()
        for end, batch, stages in replay.windows(window_s / scale):
            wall_end = end * scale
            if wall_end > seconds:
                break
            await asyncio.sleep(max(0.0, started + wall_end - time.perf_counter()))
            for st in stages:
                at = (replay.start + timedelta(seconds=st.offset_s * scale)).isoformat()
                await post(f"/v1/rooms/{room}/stage", {"product_id": st.product_id, "at": at}, 0)
            messages = [
                {
                    "msg_id": m.danmaku.msg_id,
                    "viewer_id": m.danmaku.viewer_id,
                    "nickname": m.danmaku.nickname,
                    "text": m.danmaku.text,
                    "ts": (replay.start + timedelta(seconds=m.offset_s * scale)).isoformat(),
                }
                for m in batch
            ]
            if messages:
                stats.sent += len(messages)
                stats.batch_sizes.append(len(messages))
                body = {"messages": messages}
                tasks.append(asyncio.create_task(post(f"/v1/rooms/{room}/danmaku", body, len(messages))))
        await asyncio.gather(*tasks)
        stats.elapsed_s = time.perf_counter() - started
    return stats


def run_http(replay: Replay, args: argparse.Namespace, server_core: int | None) -> HttpStats:
    with http_server(args.embeddings, server_core) as url:
        window_s = args.window_ms / 1000
        asyncio.run(http_replay(url, replay, args.http_rate, 1.0, window_s, room="warm"))  # connections
        stats = asyncio.run(http_replay(url, replay, args.http_rate, args.http_seconds, window_s))
    per_post = float(np.median(stats.batch_sizes))
    print(
        f"\n[HTTP] {stats.sent:,} danmaku in {len(stats.batch_sizes)} POSTs (median {per_post:.0f}"
        f" per POST) at a target {args.http_rate:.0f}/s: achieved {stats.ok_msgs / stats.elapsed_s:,.0f}/s,"
        f" request p50 {pct(stats.request_ms, 50):.1f} ms p99 {pct(stats.request_ms, 99):.1f} ms,"
        f" errors {stats.errors}"
    )
    return stats


# -- c. naive baseline -----------------------------------------------------------------------------
@dataclass
class BaselineStats:
    per_question_ms: list[float] = field(default_factory=list)
    search_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    failures: int = 0


def run_baseline(replay: Replay, services: Services, llm_url: str, n: int, delay_s: float) -> BaselineStats:
    """Retrieve plus one LLM call for each of ``n`` sampled question danmaku, one at a time."""
    questions = [m.danmaku.text for m in replay.messages if m.kind == "question"]
    sample = random.Random(3).sample(questions, min(n, len(questions)))
    index = services.catalogs.index("demo")
    client = LlmClient(LlmConfig(base_url=f"{llm_url}/v1", model="scripted", timeout_s=3))
    script_llm(llm_url, len(sample), delay_s)
    index.search("多少钱", k=4)  # warm
    stats = BaselineStats()
    for text in sample:
        t0, c0 = time.perf_counter(), time.process_time()
        passages = [hit.chunk.text for hit in index.search(text, k=4)]
        t1 = time.perf_counter()
        try:
            client.complete(grounded_messages(text, passages, None, "zh"))
        except Exception:  # a failed call still cost its time; the baseline has no fallback
            stats.failures += 1
        stats.per_question_ms.append((time.perf_counter() - t0) * 1000)
        stats.search_ms.append((t1 - t0) * 1000)
        stats.cpu_ms.append((time.process_time() - c0) * 1000)
    return stats


# -- the table -------------------------------------------------------------------------------------
def print_table(
    replay: Replay, runs: list[InProcessStats], base: BaselineStats, http: HttpStats | None
) -> None:
    """metric | each in-process run | baseline | ratio (the last run, with the LLM, vs baseline) | goal."""
    n_msgs = len(replay.messages)
    n_questions = kind_counts(replay).get("question", 0)
    base_rate = n_msgs / (n_questions * float(np.mean(base.per_question_ms)) / 1000)
    base_cpu_rate = n_msgs / (n_questions * max(float(np.mean(base.cpu_ms)), 1e-6) / 1000)
    metrics: list[tuple[str, list[float], float, bool, str]] = [
        ("answer latency p50, ms", [pct(r.reply_ms, 50) for r in runs], pct(base.per_question_ms, 50), True,
         "<= 5 (catalog/FAQ/cache)"),
        ("answer latency p99, ms", [pct(r.reply_ms, 99) for r in runs], pct(base.per_question_ms, 99), True,
         "<= 20 (catalog/FAQ/cache)"),
        ("danmaku/s on one core (wall)", [r.messages / r.wall_s for r in runs], base_rate, False, ">= 2,000"),
        ("danmaku/s on one core (CPU time)", [r.messages / r.cpu_s for r in runs], base_cpu_rate, False,
         ">= 2,000"),
        ("LLM calls per 1,000 danmaku", [1000 * r.llm_calls / r.messages for r in runs],
         1000 * n_questions / n_msgs, True, ""),
    ]  # fmt: skip
    rows = [_row(label, ours, b, lower, goal) for label, ours, b, lower, goal in metrics]
    blank = [""] * len(runs)
    rows.append(
        ("question danmaku replied", *[f"{r.replied_msgs:,}" for r in runs], f"{n_questions:,}", "", "")
    )
    rows.append(
        (
            "no LLM call (1 - calls/replied)",
            *[f"{r.share_without_call:.1%}" for r in runs],
            "0%",
            "",
            ">= 90 %",
        )
    )
    rows.append(
        ("source not llm/fallback", *[f"{r.share_without_llm:.1%}" for r in runs], "0%", "", ">= 90 %")
    )
    rows.append(("answered from catalog/FAQ", *[f"{r.share_from_facts:.1%}" for r in runs], "", "", ""))
    rows.append(
        ("VmRSS growth over the replay, MB", *[f"{_rss_growth(r):.1f}" for r in runs], "", "", "bounded")
    )
    if http is not None:
        latency = f"{pct(http.request_ms, 50):.1f} / {pct(http.request_ms, 99):.1f}"
        rows.append(("HTTP POST p50 / p99, ms", latency, *blank[1:], "", "", "p99 <= 50 at 500/s"))
        rate = f"{http.ok_msgs / http.elapsed_s:,.0f}"
        rows.append(("HTTP achieved danmaku/s", rate, *blank[1:], "", "", ">= 500"))
    header = ("metric", *[r.label for r in runs], "naive baseline", "ratio", "goal")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    print()
    for r in (header, tuple("-" * w for w in widths), *rows):
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(
        f"ratio: '{runs[-1].label}' against the baseline (baseline / ours for latencies and LLM calls,"
        " ours / baseline for rates)."
    )
    print(
        f"baseline: {len(base.per_question_ms)} sampled questions one at a time (search p50"
        f" {pct(base.search_ms, 50):.2f} ms, {base.failures} failed), extrapolated to the replay's"
        f" {n_questions:,} questions with no queueing; its CPU-time rate assumes LLM waits overlap."
    )


def _row(label: str, ours: list[float], base: float, lower_better: bool, goal: str) -> tuple[str, ...]:
    last = ours[-1]
    ratio = (base / last if lower_better else last / base) if last and base else float("nan")
    return (label, *[_fmt(x) for x in ours], _fmt(base), f"x{ratio:,.1f}", goal)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def _rss_growth(s: InProcessStats) -> float:
    return (s.rss_kb[-1][1] - s.rss_kb[0][1]) / 1024


# -- main ------------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="danmaku replay: ours in-process and over HTTP vs a naive baseline"
    )
    p.add_argument("--messages", type=int, default=20_000)
    p.add_argument("--seconds", type=float, default=60.0, help="room time the replay spreads over")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--embeddings", choices=("none", "e5"), default="none")
    p.add_argument("--quick", action="store_true", help="2,500 danmaku over 7.5 s: under a minute")
    p.add_argument("--window-ms", type=float, default=100.0, help="batching window, ms")
    p.add_argument("--llm-delay-s", type=float, default=0.3, help="scripted LLM delay per call")
    p.add_argument("--baseline-questions", type=int, default=100)
    p.add_argument("--http-rate", type=float, default=500.0, help="danmaku/s posted over HTTP")
    p.add_argument("--http-seconds", type=float, default=20.0, help="duration of the HTTP replay")
    p.add_argument("--tracemalloc", action="store_true", help="Python heap peak (slows the run)")
    p.add_argument("--serve-port", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.quick:
        args.messages, args.seconds = min(args.messages, 2500), min(args.seconds, 7.5)
        args.baseline_questions, args.http_seconds = (
            min(args.baseline_questions, 10),
            min(args.http_seconds, 3.0),
        )
    return args


def in_process_runs(replay: Replay, args: argparse.Namespace, llm_url: str) -> list[InProcessStats]:
    """The replay through three fresh services: default limits, then every question answered
    (reply rate lifted) without and with the scripted LLM."""
    window_s = args.window_ms / 1000
    runs = []
    for label, unlimited, with_llm in (
        ("default limits", False, False),
        ("all answered", True, False),
        ("all answered + LLM", True, True),
    ):
        clock = ReplayClock(replay.start)
        services = make_services(args.embeddings, llm_url if with_llm else None, clock, unlimited)
        if with_llm:
            script_llm(llm_url, len(replay.messages), args.llm_delay_s)
        heap = args.tracemalloc and not with_llm
        stats = run_in_process(replay, services, clock, label, window_s, heap, llm_url if with_llm else None)
        report_in_process(stats)
        runs.append(stats)
        del services
    return runs


def main() -> None:
    args = parse_args()
    if args.serve_port:
        serve(args.serve_port, args.embeddings)
        return
    config = ReplayConfig(messages=args.messages, seconds=args.seconds, seed=args.seed)
    replay = generate_replay(load_demo_catalog(), config)
    print(
        f"replay: {len(replay.messages):,} danmaku over {args.seconds:.0f} s of room time,"
        f" {len({m.danmaku.viewer_id for m in replay.messages}):,} viewers, kinds {kind_counts(replay)},"
        f" stage every {config.stage_every_s:.0f} s: {[s.product_id for s in replay.stages]}"
    )
    core_list = cores()
    main_core, server_core = (core_list[0], core_list[1]) if len(core_list) > 1 else (None, None)
    with scripted_llm() as llm_url:
        pin_to(0, main_core)
        if args.embeddings == "e5":
            import torch

            torch.set_num_threads(1)
        print(f"in-process on core {main_core}; embeddings {args.embeddings}; window {args.window_ms:.0f} ms")
        runs = in_process_runs(replay, args, llm_url)
        clock = ReplayClock(replay.start)
        base_services = make_services(args.embeddings, None, clock)
        base = run_baseline(replay, base_services, llm_url, args.baseline_questions, args.llm_delay_s)
        p50, p99 = pct(base.per_question_ms, 50), pct(base.per_question_ms, 99)
        print(f"\n[naive baseline] per question p50 {p50:.1f} ms p99 {p99:.1f} ms, {base.failures} failed")
    http = run_http(replay, args, server_core) if args.http else None
    print_table(replay, runs, base, http)


if __name__ == "__main__":
    main()
