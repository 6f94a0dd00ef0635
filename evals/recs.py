"""Replay evaluation of recommendations and pushes on a simulated live room (``liveshop eval recs``).

The simulator (``evals.recsim.simulator``) generates a show: items, stage schedule, promotions and
an event log from viewers with hidden tastes. The replay feeds the log, in arrival order, to the
``Recommender`` exactly as the service would: stage changes at their times, ``ingest`` per event,
``due_pushes`` every ``tick_s`` seconds. Just before each ``order`` event, every method ranks
products for that viewer using only earlier events, and the ordered product is looked up in its
top ``k``. The recommender never sees the hidden tastes.

Methods, side by side on the same log and the same moments:

- ``recommender``: this library.
- ``popularity``: the room's most engaged products so far (views 1, clicks 1, questions 1,
  carts 3, orders 5; not decayed), minus what this viewer bought and out-of-stock items.
- ``on_stage``: the product on stage now, then the next planned ones, then the latest presented,
  minus what this viewer bought and out-of-stock items.
- ``recent`` (a yardstick, not a goal): the viewer's last engaged products (view, click,
  question, cart), newest first, minus bought; it shows how much of the score simply comes from
  re-finding what the viewer just looked at.

Metrics: ``hit@k`` and ``ndcg@k`` of the next purchase (one relevant item: 1 / log2(rank + 2)),
``coverage`` (share of in-stock items that appear in some list), ``push_rate`` (pushes per viewer
per hour present), ``push_precision`` (share of pushes followed by a click, cart or order of the
pushed product by that viewer within ``push_window_s``) and, as its yardstick,
``push_base_rate``: the same share for the product on stage, for every present viewer, at
the moments of the pushes.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

from evals.recsim.simulator import SimConfig, SimRoom, simulate_room
from recommender import Event, Push, Recommender, RecommenderOptions

POP_WEIGHTS = {"view_card": 1.0, "click_link": 1.0, "question": 1.0, "add_to_cart": 3.0, "order": 5.0}
ACTIONS = frozenset({"click_link", "add_to_cart", "order"})


@dataclass
class _Baselines:
    """State the two baselines keep (counts and purchases seen so far)."""

    sim: SimRoom
    counts: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    bought: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    seen: set[str] = field(default_factory=set)
    recent: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def observe(self, ev: Event) -> None:
        if ev.event_id in self.seen:
            return
        self.seen.add(ev.event_id)
        if ev.product_id:
            self.counts[ev.product_id] += POP_WEIGHTS.get(ev.type, 0.0)
        if ev.type == "order" and ev.product_id:
            self.bought[ev.viewer_id].add(ev.product_id)
        elif ev.product_id and ev.type in POP_WEIGHTS:
            mine = self.recent[ev.viewer_id]
            if ev.product_id in mine:
                mine.remove(ev.product_id)
            mine.append(ev.product_id)

    def recently_engaged(self, viewer: str, k: int) -> list[str]:
        ok = self._ok(viewer)
        return [p for p in reversed(self.recent[viewer]) if p in ok][:k]

    def _ok(self, viewer: str) -> set[str]:
        return {i.product_id for i in self.sim.items if i.in_stock} - self.bought[viewer]

    def popularity(self, viewer: str, k: int) -> list[str]:
        ok = self._ok(viewer)
        ranked = sorted(ok, key=lambda p: (-self.counts.get(p, 0.0), p))
        return ranked[:k]

    def on_stage(self, viewer: str, now: float, k: int) -> list[str]:
        ok, slots = self._ok(viewer), self.sim.schedule
        i = bisect.bisect_right([s.start for s in slots], now) - 1
        order = [s.product_id for s in slots[max(i, 0) :]] + [
            s.product_id for s in reversed(slots[: max(i, 0)])
        ]
        out: list[str] = []
        for pid in order:
            if pid in ok and pid not in out:
                out.append(pid)
            if len(out) == k:
                break
        return out


def _rank_metrics(lists: list[tuple[list[str], str]], n_items: int) -> dict[str, float]:
    hits = [truth in recs for recs, truth in lists]
    ndcg = [1.0 / math.log2(recs.index(truth) + 2) if truth in recs else 0.0 for recs, truth in lists]
    covered = {p for recs, _ in lists for p in recs}
    n = max(len(lists), 1)
    return {"hit": sum(hits) / n, "ndcg": sum(ndcg) / n, "coverage": len(covered) / max(n_items, 1)}


def _presence(sim: SimRoom) -> list[tuple[str, float, float]]:
    """``(viewer, entered, left)`` spans of the log."""
    spans, open_at = [], {}
    for ev in sorted(sim.events, key=lambda e: e.ts):
        if ev.type == "enter":
            open_at[ev.viewer_id] = ev.ts
        elif ev.type == "leave" and ev.viewer_id in open_at:
            spans.append((ev.viewer_id, open_at.pop(ev.viewer_id), ev.ts))
    return spans


def _push_metrics(pushes: list[Push], sim: SimRoom, window_s: float) -> dict[str, float]:
    acts: dict[tuple[str, str], list[float]] = defaultdict(list)
    for ev in sim.events:
        if ev.type in ACTIONS and ev.product_id:
            acts[(ev.viewer_id, ev.product_id)].append(ev.ts)

    def followed(viewer: str, pid: str, t: float) -> bool:
        return any(t <= a < t + window_s for a in acts.get((viewer, pid), ()))

    spans = _presence(sim)
    hours = sum(b - a for _, a, b in spans) / 3600.0
    good = sum(followed(p.viewer_id, p.product_id, p.ts) for p in pushes)
    base_hits = base_n = 0
    for t in sorted({p.ts for p in pushes}):
        slot = next((s for s in sim.schedule if s.covers(t)), None)
        for vid, a, b in spans if slot is not None else ():
            if a <= t < b and slot is not None:
                base_n += 1
                base_hits += followed(vid, slot.product_id, t)
    return {
        "push_count": float(len(pushes)),
        "push_rate_per_viewer_hour": len(pushes) / max(hours, 1e-9),
        "push_precision": good / len(pushes) if pushes else 0.0,
        "push_base_rate": base_hits / base_n if base_n else 0.0,
    }


def replay(
    sim: SimRoom, options: RecommenderOptions | None = None, k: int = 3, tick_s: float = 5.0
) -> tuple[dict[str, list[tuple[list[str], str]]], list[Push], Recommender]:
    """Feed the log to a fresh ``Recommender``; rank before each order with every method."""
    rec = Recommender(sim.items, options)
    rec.set_offers(sim.offers)
    rec.set_schedule(sim.schedule)
    base = _Baselines(sim)
    lists: dict[str, list[tuple[list[str], str]]] = {
        "recommender": [],
        "popularity": [],
        "on_stage": [],
        "recent": [],
    }
    pushes: list[Push] = []
    stage_i, clock = 0, sim.events[0].ts if sim.events else 0.0
    next_tick = clock
    for ev in sim.events:
        clock = max(clock, ev.ts)
        while stage_i < len(sim.schedule) and sim.schedule[stage_i].start <= clock:
            rec.set_stage(sim.schedule[stage_i].product_id, sim.schedule[stage_i].start)
            stage_i += 1
        while next_tick <= clock:
            pushes.extend(rec.due_pushes(next_tick))
            next_tick += tick_s
        if ev.type == "order" and ev.product_id and ev.event_id not in base.seen:
            truth = ev.product_id
            lists["recommender"].append(
                ([r.product_id for r in rec.recommend(ev.viewer_id, ev.ts, k)], truth)
            )
            lists["popularity"].append((base.popularity(ev.viewer_id, k), truth))
            lists["on_stage"].append((base.on_stage(ev.viewer_id, ev.ts, k), truth))
            lists["recent"].append((base.recently_engaged(ev.viewer_id, k), truth))
        rec.ingest([ev], now=clock)
        base.observe(ev)
    return lists, pushes, rec


def run_recs_eval(
    seed: int = 0,
    n_viewers: int = 300,
    duration_s: float = 7200.0,
    k: int = 3,
    options: RecommenderOptions | None = None,
    push_window_s: float = 600.0,
    use_embeddings: bool = True,
) -> dict[str, float]:
    """Simulate a show, replay it, and return every metric (see the module docstring)."""
    sim = simulate_room(SimConfig(seed=seed, n_viewers=n_viewers, duration_s=duration_s))
    if not use_embeddings:
        sim.items = [replace(i, embedding=None) for i in sim.items]
    lists, pushes, _ = replay(sim, options, k)
    n_items = sum(i.in_stock for i in sim.items)
    out: dict[str, float] = {"orders": float(len(lists["recommender"])), "events": float(len(sim.events))}
    for method, pairs in lists.items():
        for name, value in _rank_metrics(pairs, n_items).items():
            key = f"hit@{k}" if name == "hit" else f"ndcg@{k}" if name == "ndcg" else name
            out[f"{method}.{key}"] = value
    for base in ("popularity", "on_stage", "recent"):
        denom = out[f"{base}.hit@{k}"]
        out[f"hit_ratio_vs_{base}"] = out[f"recommender.hit@{k}"] / denom if denom else math.inf
    out.update(_push_metrics(pushes, sim, push_window_s))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--viewers", type=int, default=300)
    parser.add_argument("--duration-s", type=float, default=7200.0)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args(argv)
    result = run_recs_eval(args.seed, args.viewers, args.duration_s, use_embeddings=not args.no_embeddings)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
