"""Time-decayed counts with O(1) updates: forward decay against a landmark time.

An event of weight ``w`` at time ``ts`` is worth ``w * 2 ** (-(now - ts) / half_life)`` at ``now``.
Instead of decaying every entry on every event, each store keeps a landmark ``t_ref`` and holds
``sum(w * 2 ** ((ts - t_ref) / half_life))``; the value at ``now`` is that sum times
``2 ** ((t_ref - now) / half_life)`` (Cormode et al., "Forward decay", ICDE 2009). This is exact for
events arriving out of order (each keeps its own ``ts``), costs O(1) per event, and values of one
store compare without any decay work. When the stored numbers grow large (2**60), the landmark moves
forward and every entry is rescaled once (amortised O(1)).
"""

from __future__ import annotations

from typing import Any

MAX_EXPONENT = 60.0  # rebase when an event is this many half-lives after the landmark


def growth(ts: float, t_ref: float, half_life_s: float) -> float:
    """``2 ** ((ts - t_ref) / half_life_s)``: the stored weight of a unit event at ``ts``."""
    return float(2.0 ** ((ts - t_ref) / half_life_s))


def needs_rebase(ts: float, t_ref: float, half_life_s: float) -> bool:
    return (ts - t_ref) / half_life_s > MAX_EXPONENT


def add(store: dict[str, float], key: str, weight: float, factor: float, cap: int) -> None:
    """Add ``weight * factor`` to ``store[key]``; evict the weakest entry beyond ``cap`` entries."""
    store[key] = store.get(key, 0.0) + weight * factor
    if len(store) > cap:
        weakest = min(store, key=store.__getitem__)
        del store[weakest]


def rescale(store: dict[str, float], factor: float) -> None:
    for key in store:
        store[key] *= factor


class DecayedCounts:
    """A map of forward-decayed counts sharing one landmark (e.g. a room's product popularity)."""

    __slots__ = ("half_life_s", "t_ref", "values")

    def __init__(self, half_life_s: float, t_ref: float | None = None) -> None:
        self.half_life_s = half_life_s
        self.t_ref = t_ref
        self.values: dict[str, float] = {}

    def add(self, key: str, weight: float, ts: float) -> None:
        if self.t_ref is None:
            self.t_ref = ts
        elif needs_rebase(ts, self.t_ref, self.half_life_s):
            rescale(self.values, growth(self.t_ref, ts, self.half_life_s))
            self.t_ref = ts
        self.values[key] = self.values.get(key, 0.0) + weight * growth(ts, self.t_ref, self.half_life_s)

    def value(self, key: str, now: float) -> float:
        """The decayed count of ``key`` at ``now``."""
        if self.t_ref is None:
            return 0.0
        return self.values.get(key, 0.0) * growth(self.t_ref, now, self.half_life_s)

    def to_dict(self) -> dict[str, Any]:
        return {"half_life_s": self.half_life_s, "t_ref": self.t_ref, "values": dict(self.values)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecayedCounts:
        t_ref = data["t_ref"]
        out = cls(float(data["half_life_s"]), None if t_ref is None else float(t_ref))
        out.values = {str(k): float(v) for k, v in data["values"].items()}
        return out
