"""Recommendation latency over HTTP, side by side with the same call in-process.

Run: ``python benchmarks/bench_recs_http.py`` (``--quick`` for a smaller run, ``--uvicorn`` to go
through a real uvicorn server on 127.0.0.1 with an httpx client instead of the in-process
TestClient). The service is the real one (demo catalog, memory store, embeddings off, a frozen
clock); the room gets ``--viewers`` viewers with ``--events`` events each first. Then, for the
same random viewers, in one process:

- ``Recommender.recommend`` (the library alone),
- ``RoomRecommenders.recommend`` (the adapter: room lookup, version check, lock, names),
- ``GET /v1/rooms/demo`` over HTTP: the floor of any authenticated JSON route on this machine,
- ``GET /v1/rooms/demo/viewers/{viewer}/recommendations?k=3`` over HTTP (auth, JSON, the route),
- event -> changed recommendation over HTTP: ``POST .../events`` (one click) then the ``GET``.

Prints p50 / p99 in milliseconds and the HTTP / in-process ratio. Requests run one at a time.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
from fastapi.testclient import TestClient

from assistant.recs import RoomRecommenders, catalog_items, room_offers
from assistant.service.app import create_app
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services
from recommender import Event, Recommender, to_ts

KEY = "bench-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
TYPES = ("view_card", "view_card", "click_link", "like", "question", "add_to_cart")
NOW = datetime(2026, 11, 21, 20, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def timed(call: Callable[[], Any], n: int) -> list[float]:
    """Milliseconds of ``n`` sequential calls (after 20 warm-up calls)."""
    for _ in range(min(20, n)):
        call()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


def fill_room(
    client: httpx.Client | TestClient, product_ids: list[str], viewers: int, per_viewer: int
) -> list[dict[str, Any]]:
    """Post ``per_viewer`` random events for each viewer; returns them."""
    rng = np.random.default_rng(7)
    events = [
        {
            "event_id": f"fill-{v}-{i}",
            "viewer_id": f"v{v}",
            "type": TYPES[int(rng.integers(len(TYPES)))],
            "product_id": product_ids[int(rng.integers(len(product_ids)))],
            "ts": NOW.timestamp() - 600 + i,
        }
        for v in range(viewers)
        for i in range(per_viewer)
    ]
    for start in range(0, len(events), 5000):
        r = client.post("/v1/rooms/demo/events", json={"events": events[start : start + 5000]}, headers=AUTH)
        r.raise_for_status()
    return events


def library_baseline(services: Services, events: list[dict[str, Any]]) -> Recommender:
    """The library alone with the same items, offers, stage and events as the service's room."""
    catalog = services.catalogs.catalog("demo")
    rec = Recommender(catalog_items(catalog, {}))
    rec.set_offers(room_offers(catalog.promotions, ()))
    rec.ingest(
        [Event(e["event_id"], e["viewer_id"], e["type"], e["product_id"], e["ts"]) for e in events],
        to_ts(NOW),
    )
    rec.set_stage("MZ03", to_ts(NOW))
    return rec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def http_client(app: Any, use_uvicorn: bool) -> Iterator[httpx.Client | TestClient]:
    """A TestClient, or an httpx client against a real uvicorn server in a thread."""
    if not use_uvicorn:
        with TestClient(app) as client:
            yield client
        return
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


def line(label: str, xs: list[float]) -> tuple[float, float]:
    p50, p99 = pct(xs, 50), pct(xs, 99)
    print(f"  {label:<58} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms")
    return p50, p99


def run(n: int, viewers: int, per_viewer: int, use_uvicorn: bool) -> None:
    settings = load_settings(api_keys=KEY, embeddings="none", store="memory", demo=True)
    services = build_services(settings, clock=lambda: NOW)
    recs = services.recs
    assert isinstance(recs, RoomRecommenders)
    app = create_app(settings, services)
    product_ids = [p.product_id for p in services.catalogs.catalog("demo").products]
    rng = np.random.default_rng(11)
    picks = [f"v{int(i)}" for i in rng.integers(viewers, size=n)]
    with http_client(app, use_uvicorn) as client:
        events = fill_room(client, product_ids, viewers, per_viewer)
        services.live.set_stage("demo", "MZ03", NOW)
        baseline = library_baseline(services, events)
        it = itertools.cycle(picks)
        lib = timed(lambda: baseline.recommend(next(it), to_ts(NOW), 3), n)
        adapter = timed(lambda: recs.recommend("demo", next(it), 3, NOW), n)
        floor = timed(lambda: client.get("/v1/rooms/demo", headers=AUTH), n)
        http = timed(
            lambda: client.get(f"/v1/rooms/demo/viewers/{next(it)}/recommendations?k=3", headers=AUTH), n
        )
        seq = iter(range(n + 20))

        def event_then_get() -> None:
            i = next(seq)
            body = {
                "events": [
                    {
                        "event_id": f"b{i}",
                        "viewer_id": "fresh",
                        "type": "click_link",
                        "product_id": product_ids[i % len(product_ids)],
                        "ts": NOW.isoformat(),
                    }
                ]
            }
            client.post("/v1/rooms/demo/events", json=body, headers=AUTH).raise_for_status()
            client.get("/v1/rooms/demo/viewers/fresh/recommendations?k=3", headers=AUTH).raise_for_status()

        delay = timed(event_then_get, n)
    transport = "uvicorn + httpx" if use_uvicorn else "TestClient"
    print(
        f"recommendation k=3, {len(product_ids)} items, {viewers:,} viewers x {per_viewer} events, "
        f"{n:,} calls each"
    )
    l50, l99 = line("library Recommender.recommend (in-process)", lib)
    a50, a99 = line("RoomRecommenders.recommend (in-process)", adapter)
    line(f"GET /v1/rooms/demo over HTTP ({transport}): the floor", floor)
    h50, h99 = line(f"GET .../recommendations over HTTP ({transport})", http)
    line("event POST + recommendation GET over HTTP", delay)
    print(f"  ratio HTTP / adapter: p50 x{h50 / a50:.1f}  p99 x{h99 / a99:.1f}")
    print(f"  ratio adapter / library: p50 x{a50 / l50:.2f}  p99 x{a99 / l99:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="recommendation latency over HTTP vs in-process")
    parser.add_argument("--quick", action="store_true", help="500 calls, 500 viewers")
    parser.add_argument("--uvicorn", action="store_true", help="a real uvicorn server on 127.0.0.1")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument("--events", type=int, default=8, help="events per viewer before measuring")
    args = parser.parse_args()
    n, viewers = (500, 500) if args.quick else (args.calls, args.viewers)
    run(n, viewers, args.events, args.uvicorn)


if __name__ == "__main__":
    main()
