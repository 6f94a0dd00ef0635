"""Push triggers, frequency caps and offer validity.

Triggers (each fires at most once per viewer and (kind, product) within ``PushPolicy.dedupe_s``):

- ``cart_reminder``: X is in the viewer's cart, not ordered, and a flash sale on X ends within
  ``reminder_lead_s``; carries that flash sale.
- ``question_offer``: the viewer asked ``repeat_questions`` questions about X and X is not in their
  cart; carries an offer valid *at push time* (product-specific first, else shop-wide) and is not
  sent without one. A trigger blocked by the caps waits ``pending_ttl_s``, then is dropped.
- ``dwell_offer``: the viewer has been present for ``dwell_s`` while X is on stage, shows some
  affinity for X (``dwell_min_affinity``: staying in the room alone says little), X not in cart;
  needs an offer valid at push time, like ``question_offer``.
- ``on_stage_match``: X goes on stage and the viewer's affinity for X (``scoring.affinity``) is at
  least ``stage_match_threshold``; an offer is attached only if one is valid.

Caps per viewer: at most ``max_per_window`` pushes per ``window_s``, ``min_gap_s`` between two, one
push per ``due`` call. Opted-out viewers, viewers who left, bought items and out-of-stock items
never get a push. Pushes are only produced by ``due(now)``, so the offer check and the caps use the
push time. Dwell and stage triggers wait in a heap ordered by due time (O(log n) each); a stage
change costs one pass over the present viewers.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping
from typing import Any

from recommender.options import PushPolicy
from recommender.profile import ViewerProfile
from recommender.scoring import RoomSignals, affinity
from recommender.types import ActiveOffer, Push, PushKind

ALL_PRESENT = ""  # heap entry for every viewer present at the due time
NEEDS_OFFER = frozenset({PushKind.DWELL_OFFER, PushKind.QUESTION_OFFER, PushKind.CART_REMINDER})


class PushEngine:
    """Pending triggers and the logic that turns them into capped pushes."""

    def __init__(self, policy: PushPolicy) -> None:
        self.policy = policy
        self.heap: list[tuple[float, int, str, str, str]] = []  # (due, seq, kind, viewer, product)
        self.seq = 0
        self.pending: dict[tuple[str, str], float] = {}  # (viewer, product) question trigger -> ts

    def schedule(self, due: float, kind: str, viewer_id: str, product_id: str) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (due, self.seq, kind, viewer_id, product_id))

    def on_enter(self, viewer_id: str, at: float, room: RoomSignals) -> None:
        slot = room.timeline.on_stage(at)
        if self.policy.enabled and slot is not None:
            self.schedule(
                max(at, slot.start) + self.policy.dwell_s, PushKind.DWELL_OFFER, viewer_id, slot.product_id
            )

    def on_stage(self, product_id: str, at: float) -> None:
        if self.policy.enabled:
            self.schedule(at, PushKind.ON_STAGE_MATCH, ALL_PRESENT, product_id)
            self.schedule(at + self.policy.dwell_s, PushKind.DWELL_OFFER, ALL_PRESENT, product_id)

    def on_question(self, viewer_id: str, product_id: str, ts: float) -> None:
        if self.policy.enabled:
            self.pending.setdefault((viewer_id, product_id), ts)

    def forget(self, viewer_id: str) -> None:
        """Drop a viewer's pending triggers (opt-out)."""
        for key in [k for k in self.pending if k[0] == viewer_id]:
            del self.pending[key]

    def due(
        self,
        now: float,
        profiles: Mapping[str, ViewerProfile],
        present: Collection[str],
        carts: Mapping[str, Collection[str]],
        room: RoomSignals,
    ) -> list[Push]:
        """Every push to send at ``now``; records them against the caps."""
        if not self.policy.enabled:
            return []
        out: dict[str, Push] = {}

        def attempt(vid: str, pid: str, kind: str, offer: ActiveOffer | None) -> bool:
            return self._try(vid, pid, kind, offer, now, profiles.get(vid), room, out)

        for sale in room.offers.flash_sales_ending(now, self.policy.reminder_lead_s):
            assert sale.product_id is not None
            for vid in list(carts.get(sale.product_id, ())):
                attempt(vid, sale.product_id, PushKind.CART_REMINDER, sale)
        for (vid, pid), created in list(self.pending.items()):
            if now - created > self.policy.pending_ttl_s or attempt(
                vid, pid, PushKind.QUESTION_OFFER, room.offers.best_for(pid, now)
            ):
                del self.pending[(vid, pid)]
        while self.heap and self.heap[0][0] <= now:
            due, _, kind, vid, pid = heapq.heappop(self.heap)
            for v in self._heap_targets(due, kind, vid, pid, now, profiles, present, room):
                attempt(v, pid, kind, room.offers.best_for(pid, now))
        return list(out.values())

    def _heap_targets(
        self,
        due: float,
        kind: str,
        vid: str,
        pid: str,
        now: float,
        profiles: Mapping[str, ViewerProfile],
        present: Collection[str],
        room: RoomSignals,
    ) -> list[str]:
        """Viewers a due dwell/stage trigger applies to (X still on stage, present long enough)."""
        slot = room.timeline.on_stage(now)
        dwell_start = due - self.policy.dwell_s + 1e-6
        if slot is None or slot.product_id != pid:
            return []
        if kind == PushKind.DWELL_OFFER and slot.start > dwell_start:
            return []  # the product left the stage and came back: a newer entry covers it
        out = []
        for v in present if vid == ALL_PRESENT else (vid,):
            profile = profiles.get(v)
            if profile is None or profile.present_since is None:
                continue
            like = affinity(profile, pid, now, room)
            if kind == PushKind.DWELL_OFFER:
                ok = profile.present_since <= dwell_start and like >= self.policy.dwell_min_affinity
            else:
                ok = like >= self.policy.stage_match_threshold
            if ok:
                out.append(v)
        return out

    def _try(
        self,
        vid: str,
        pid: str,
        kind: str,
        offer: ActiveOffer | None,
        now: float,
        profile: ViewerProfile | None,
        room: RoomSignals,
        out: dict[str, Push],
    ) -> bool:
        """Send one push if every rule allows it; True when sent."""
        pol = self.policy
        row = room.index.pos.get(pid)
        if vid in out or profile is None or profile.left or row is None or not room.index.in_stock[row]:
            return False
        if pid in profile.bought or (kind != PushKind.CART_REMINDER and pid in profile.cart):
            return False
        if offer is not None and not offer.valid_at(now):
            offer = None  # never attach an offer that is not valid at the push time
        if offer is None and kind in NEEDS_OFFER:
            return False
        profile.push_times = [t for t in profile.push_times if now - t < pol.window_s]
        if len(profile.push_times) >= pol.max_per_window:
            return False
        if profile.push_times and now - profile.push_times[-1] < pol.min_gap_s:
            return False
        key = f"{kind}:{pid}"
        if key in profile.pushed and now - profile.pushed[key] < pol.dedupe_s:
            return False
        profile.push_times.append(now)
        profile.pushed = {k: t for k, t in profile.pushed.items() if now - t < pol.dedupe_s}
        profile.pushed[key] = now
        out[vid] = Push(vid, pid, kind, _push_reason(kind, room.index.name(pid), offer), offer, now)
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "heap": [list(e) for e in self.heap],
            "seq": self.seq,
            "pending": [[v, p, t] for (v, p), t in self.pending.items()],
        }

    def load(self, data: dict[str, Any]) -> None:
        self.heap = [(float(d), int(s), str(k), str(v), str(p)) for d, s, k, v, p in data["heap"]]
        heapq.heapify(self.heap)
        self.seq = int(data["seq"])
        self.pending = {(str(v), str(p)): float(t) for v, p, t in data["pending"]}


def _push_reason(kind: str, name: str, offer: ActiveOffer | None) -> str:
    title = offer.title if offer is not None else ""
    if kind == PushKind.CART_REMINDER:
        return f"你购物车里的{name}，{title}即将结束"
    if kind == PushKind.QUESTION_OFFER:
        return f"你问过的{name}，{title}现在可用"
    if kind == PushKind.DWELL_OFFER:
        return f"{name}正在讲解，{title}现在可用"
    return f"你感兴趣的{name}正在讲解" + ("，有券可用" if offer is not None else "")
