"""The operator console's live room under a danmaku burst: frame intervals in a real browser.

Against a running service (``make demo``), Debian's Chromium opens the console on a fresh room
and the script posts ``--rate`` danmaku per second for ``--seconds`` through the API (batches
every 100 ms, distinct viewers, questions about the catalog's links). Inside the page a
``requestAnimationFrame`` loop records every frame interval. The baseline is the same page, open
on the same room, with no danmaku (idle), measured first, side by side; the ratio says what the
feed costs the page. Also reported: how many danmaku the feed shows (bounded at 400) and the
page's JS heap.

    python -m benchmarks.bench_console --url http://127.0.0.1:8000 --key dev-... [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
BATCH_S = 0.1
RECORD_JS = """() => { window.__frames = []; let last = performance.now();
  const tick = (now) => { window.__frames.push(now - last); last = now;
    if (!window.__stop) requestAnimationFrame(tick); };
  window.__stop = false; requestAnimationFrame(tick); }"""
COLLECT_JS = """() => { window.__stop = true; return { frames: window.__frames,
  feed: document.querySelectorAll('.feed li').length,
  heap: (performance.memory || {}).usedJSHeapSize || 0 }; }"""


def summary(frames: list[float]) -> dict[str, float]:
    ordered = sorted(frames)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {
        "frames": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": ordered[-1],
        "long_frames": sum(1 for f in ordered if f > 50),
    }


def measure(page: Page, seconds: float, send: Any) -> dict[str, Any]:
    page.evaluate(RECORD_JS)
    start = time.monotonic()
    batch = 0
    while time.monotonic() - start < seconds:
        send(batch)
        batch += 1
        time.sleep(max(0.0, start + batch * BATCH_S - time.monotonic()))
    out: dict[str, Any] = page.evaluate(COLLECT_JS)
    return {**summary(out["frames"]), "feed_items": out["feed"], "heap_mb": out["heap"] / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--rate", type=int, default=200, help="danmaku per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    http = httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.key}"}, timeout=60)
    room = f"bench-{uuid.uuid4().hex[:8]}"
    http.post("/v1/rooms", json={"room_id": room, "catalog_id": "demo", "title": "bench"}).raise_for_status()
    http.put(f"/v1/rooms/{room}/stage", json={"product_id": "MZ01"}).raise_for_status()
    per_batch = max(1, round(args.rate * BATCH_S))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(args.url)
        page.get_by_label("API 密钥").fill(args.key)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{args.url}/#/room/{room}")
        page.locator(".conn[data-state=live]").wait_for(timeout=60_000)

        def idle(batch: int) -> None:
            return None

        def burst(batch: int) -> None:
            messages = [
                {"msg_id": f"{batch}-{i}", "viewer_id": f"v{batch}-{i}", "text": f"{i % 45 + 1}号链接多少钱"}
                for i in range(per_batch)
            ]
            http.post(f"/v1/rooms/{room}/danmaku", json={"messages": messages}).raise_for_status()

        baseline = measure(page, args.seconds, idle)
        loaded = measure(page, args.seconds, burst)
        browser.close()
    print(f"room {room}: {per_batch / BATCH_S:.0f} danmaku/s for {args.seconds:.0f} s")
    print(f"{'':14}{'idle':>10}{'burst':>10}{'ratio':>8}")
    for key in ("frames", "p50_ms", "p95_ms", "p99_ms", "max_ms", "long_frames", "feed_items", "heap_mb"):
        a, b = float(baseline[key]), float(loaded[key])
        ratio = f"{b / a:.2f}" if a else "-"
        print(f"{key:14}{a:10.1f}{b:10.1f}{ratio:>8}")


if __name__ == "__main__":
    main()
