"""Room-level signals shared by every viewer: the stage timeline, offers, co-engagement counts."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.errors import InvalidStageError
from recommender.items import FloatArray, ItemIndex
from recommender.types import ActiveOffer, OfferKind, StageSlot

IntArray = npt.NDArray[np.intp]


class StageTimeline:
    """What was on stage when (``history``, from live stage changes) and what is ``planned``.

    Slots never overlap: a stage change closes the open slot. Lookups are O(log n) by bisection.
    """

    __slots__ = ("history", "planned", "planned_starts", "starts")

    def __init__(self) -> None:
        self.history: list[StageSlot] = []
        self.starts: list[float] = []
        self.planned: list[StageSlot] = []
        self.planned_starts: list[float] = []

    def set_stage(self, product_id: str | None, at: float) -> None:
        """Record that ``product_id`` (None: nothing) is on stage from ``at`` on."""
        if self.history and at < self.history[-1].start:
            last = self.history[-1]
            raise InvalidStageError(
                f"stage change at {at} is earlier than the last one ({last.product_id} at {last.start}); "
                "send stage changes in time order"
            )
        if self.history and self.history[-1].end is None:
            last = self.history.pop()
            self.starts.pop()
            if at > last.start:
                self.history.append(StageSlot(last.product_id, last.start, at))
                self.starts.append(last.start)
        if product_id is not None:
            self.history.append(StageSlot(product_id, at, None))
            self.starts.append(at)

    def set_schedule(self, slots: Iterable[StageSlot]) -> None:
        """Replace the planned schedule (used for "starting soon")."""
        self.planned = sorted(slots, key=lambda s: s.start)
        self.planned_starts = [s.start for s in self.planned]

    def on_stage(self, t: float) -> StageSlot | None:
        i = bisect_right(self.starts, t) - 1
        if i >= 0 and self.history[i].covers(t):
            return self.history[i]
        return None

    def overlaps(self, t0: float, t1: float) -> list[tuple[str, float, float]]:
        """``(product_id, seconds on stage within [t0, t1), end of that overlap)``, latest first."""
        out: list[tuple[str, float, float]] = []
        i = bisect_left(self.starts, t1) - 1
        while i >= 0:
            slot = self.history[i]
            end = math.inf if slot.end is None else slot.end
            if end <= t0:
                break
            stop = min(end, t1)
            seconds = stop - max(slot.start, t0)
            if seconds > 0:
                out.append((slot.product_id, seconds, stop))
            i -= 1
        return out

    def starting_soon(self, now: float, horizon_s: float) -> list[str]:
        """Products planned to start within ``(now, now + horizon_s]``, soonest first."""
        lo = bisect_right(self.planned_starts, now)
        hi = bisect_right(self.planned_starts, now + horizon_s)
        return [s.product_id for s in self.planned[lo:hi]]

    def to_dict(self) -> dict[str, Any]:
        def slots(xs: list[StageSlot]) -> list[list[Any]]:
            return [[s.product_id, s.start, s.end] for s in xs]

        return {"history": slots(self.history), "planned": slots(self.planned)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageTimeline:
        out = cls()
        out.history = [
            StageSlot(str(p), float(s), None if e is None else float(e)) for p, s, e in data["history"]
        ]
        out.starts = [s.start for s in out.history]
        out.set_schedule(
            StageSlot(str(p), float(s), None if e is None else float(e)) for p, s, e in data["planned"]
        )
        return out


class OfferBook:
    """The room's offers, indexed by product; only offers valid at the asked time come out."""

    __slots__ = ("by_product", "offers", "shop_wide")

    def __init__(self, offers: Iterable[ActiveOffer] = ()) -> None:
        self.offers = list(offers)
        self.by_product: dict[str, list[ActiveOffer]] = {}
        self.shop_wide: list[ActiveOffer] = []
        for o in self.offers:
            if o.product_id is None:
                self.shop_wide.append(o)
            else:
                self.by_product.setdefault(o.product_id, []).append(o)

    def best_for(self, product_id: str, t: float) -> ActiveOffer | None:
        """A product-specific offer valid at ``t`` (else a shop-wide one), the soonest to end."""
        for pool in (self.by_product.get(product_id, ()), self.shop_wide):
            valid = [o for o in pool if o.valid_at(t)]
            if valid:
                return min(valid, key=lambda o: (o.valid_to, o.coupon_id))
        return None

    def products_with_offer(self, t: float) -> set[str]:
        """Products with a product-specific offer valid at ``t``."""
        return {pid for pid, pool in self.by_product.items() if any(o.valid_at(t) for o in pool)}

    def flash_sales_ending(self, now: float, lead_s: float) -> list[ActiveOffer]:
        """Product flash sales valid at ``now`` that end within ``lead_s`` seconds."""
        return [
            o
            for o in self.offers
            if o.kind == OfferKind.FLASH_SALE
            and o.product_id
            and o.valid_at(now)
            and o.valid_to - now <= lead_s
        ]

    def to_list(self) -> list[dict[str, Any]]:
        return [
            {
                "product_id": o.product_id,
                "coupon_id": o.coupon_id,
                "title": o.title,
                "valid_from": o.valid_from,
                "valid_to": o.valid_to,
                "kind": o.kind,
            }
            for o in self.offers
        ]

    @classmethod
    def from_list(cls, data: list[dict[str, Any]]) -> OfferBook:
        return cls(
            ActiveOffer(
                d["product_id"],
                d["coupon_id"],
                d["title"],
                float(d["valid_from"]),
                float(d["valid_to"]),
                d["kind"],
            )
            for d in data
        )


class CoEngagement:
    """Incremental co-occurrence: how many viewers engaged with both p and q (cosine-normalised).

    A viewer counts once per pair: counts grow when a product is new in their recent list, so the
    cost is O(recent_products) per such event. Counts live in a dense float32 matrix over the first
    ``max_products`` products seen (2,000 by default: 16 MB at most; a room's cart panel holds a
    few hundred), so a request reads a whole row with numpy instead of looping in Python.
    """

    __slots__ = ("_map", "engaged", "ids", "matrix", "max_products", "slot")

    def __init__(self, max_products: int = 2000) -> None:
        self.max_products = max_products
        self.slot: dict[str, int] = {}
        self.ids: list[str] = []
        self.matrix = np.zeros((16, 16), dtype=np.float32)
        self.engaged = np.zeros(16, dtype=np.float32)
        self._map: tuple[int, int, IntArray, IntArray] | None = None  # (index version, slots, from, to)

    def _slot_of(self, product_id: str) -> int | None:
        s = self.slot.get(product_id)
        if s is not None or len(self.ids) >= self.max_products:
            return s
        s = self.slot[product_id] = len(self.ids)
        self.ids.append(product_id)
        if s >= len(self.engaged):
            size = 2 * len(self.engaged)
            grown = np.zeros((size, size), dtype=np.float32)
            grown[:s, :s] = self.matrix[:s, :s]
            self.matrix = grown
            self.engaged = np.concatenate([self.engaged, np.zeros(size - s, dtype=np.float32)])
        return s

    def add(self, product_id: str, earlier: Iterable[str]) -> None:
        s = self._slot_of(product_id)
        if s is None:
            return
        self.engaged[s] += 1.0
        for q in earlier:
            t = self._slot_of(q)
            if t is not None and t != s:
                self.matrix[s, t] += 1.0
                self.matrix[t, s] += 1.0

    def row(self, product_id: str, index: ItemIndex) -> FloatArray:
        """``c(p, q) / sqrt(n_p * n_q)`` for every item q of ``index``, in its positions."""
        out = np.zeros(len(index))
        pos = index.pos
        s = self.slot.get(product_id)
        if s is None:
            return out
        n = len(self.ids)
        if self._map is None or self._map[0] != index.version or self._map[1] != n:
            pairs = [(t, pos[q]) for t, q in enumerate(self.ids) if q in pos]
            src = np.array([a for a, _ in pairs], dtype=np.intp)
            dst = np.array([b for _, b in pairs], dtype=np.intp)
            self._map = (index.version, n, src, dst)
        _, _, src, dst = self._map
        norm = np.sqrt(max(float(self.engaged[s]), 1.0) * np.maximum(self.engaged[src], 1.0))
        out[dst] = self.matrix[s, src] / norm
        return out

    def count(self, p: str, q: str) -> float:
        s, t = self.slot.get(p), self.slot.get(q)
        return 0.0 if s is None or t is None else float(self.matrix[s, t])

    def to_dict(self) -> dict[str, Any]:
        n = len(self.ids)
        s, t = np.nonzero(np.triu(self.matrix[:n, :n]))
        pairs = [[int(a), int(b), float(self.matrix[a, b])] for a, b in zip(s, t, strict=True)]
        return {"ids": list(self.ids), "engaged": self.engaged[:n].tolist(), "pairs": pairs}

    @classmethod
    def from_dict(cls, data: dict[str, Any], max_products: int = 2000) -> CoEngagement:
        out = cls(max(max_products, len(data["ids"])))
        for pid in data["ids"]:
            out._slot_of(str(pid))
        out.engaged[: len(out.ids)] = np.asarray(data["engaged"], dtype=np.float32)
        for a, b, c in data["pairs"]:
            out.matrix[int(a), int(b)] = out.matrix[int(b), int(a)] = float(c)
        return out
