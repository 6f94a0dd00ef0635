"""One viewer's profile: decayed interests, cart, purchases, presence and push history.

Interests use forward decay (see ``recommender.decay``) with a per-profile landmark ``t_ref``:
``products`` maps product ids and ``features`` maps item features (``category=美妆``,
``price_band=mid``, ``肤质=油皮``...) to stored weights. Both are capped (the weakest entry is
evicted) so a profile stays small whatever the viewer does. Everything is plain data so a shared
store can hold it (``to_dict`` / ``from_dict``).
"""

from __future__ import annotations

from typing import Any

from recommender import decay
from recommender.options import ProfileOptions


class ViewerProfile:
    """Mutable per-viewer state; created on a viewer's first event, deleted on opt-out."""

    __slots__ = (
        "bought",
        "cart",
        "dwell_from",
        "features",
        "last_ts",
        "left",
        "present_since",
        "products",
        "push_times",
        "pushed",
        "questions",
        "recent",
        "t_ref",
    )

    def __init__(self, t_ref: float) -> None:
        self.t_ref = t_ref  # forward-decay landmark (Unix seconds)
        self.last_ts = t_ref  # latest event time seen for this viewer
        self.products: dict[str, float] = {}
        self.features: dict[str, float] = {}
        self.cart: set[str] = set()
        self.bought: set[str] = set()
        self.questions: dict[str, int] = {}  # product id -> questions asked (not decayed)
        self.recent: list[str] = []  # distinct products engaged with, oldest first (capped)
        self.present_since: float | None = None  # entered at (None: not known to be present)
        self.dwell_from: float | None = None  # presence already credited as dwell up to here
        self.left = False  # the last presence event was a leave
        self.push_times: list[float] = []  # recent push times, oldest first
        self.pushed: dict[str, float] = {}  # "kind:product" -> last push time (dedupe)

    def factor(self, ts: float, half_life_s: float) -> float:
        """Stored weight of a unit event at ``ts``; moves the landmark first when needed."""
        if decay.needs_rebase(ts, self.t_ref, half_life_s):
            shrink = decay.growth(self.t_ref, ts, half_life_s)
            decay.rescale(self.products, shrink)
            decay.rescale(self.features, shrink)
            self.t_ref = ts
        return decay.growth(ts, self.t_ref, half_life_s)

    def add_interest(
        self, product_id: str, features: tuple[str, ...], weight: float, ts: float, opts: ProfileOptions
    ) -> None:
        """Credit ``weight`` at ``ts`` to a product and ``feature_share`` of it to its features."""
        f = self.factor(ts, opts.half_life_s)
        decay.add(self.products, product_id, weight, f, opts.max_products)
        share = weight * opts.feature_share
        for key in features:
            decay.add(self.features, key, share, f, opts.max_features)

    def touch_recent(self, product_id: str, cap: int) -> list[str] | None:
        """Remember an engaged product; returns the earlier ones when it is new (for co-counts)."""
        if product_id in self.recent:
            return None
        earlier = list(self.recent)
        self.recent.append(product_id)
        if len(self.recent) > cap:
            del self.recent[0]
        return earlier

    def interest_now(self, product_id: str, now: float, half_life_s: float) -> float:
        return self.products.get(product_id, 0.0) * decay.growth(self.t_ref, now, half_life_s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "t_ref": self.t_ref,
            "last_ts": self.last_ts,
            "products": dict(self.products),
            "features": dict(self.features),
            "cart": sorted(self.cart),
            "bought": sorted(self.bought),
            "questions": dict(self.questions),
            "recent": list(self.recent),
            "present_since": self.present_since,
            "dwell_from": self.dwell_from,
            "left": self.left,
            "push_times": list(self.push_times),
            "pushed": dict(self.pushed),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ViewerProfile:
        p = cls(float(data["t_ref"]))
        p.last_ts = float(data["last_ts"])
        p.products = {str(k): float(v) for k, v in data["products"].items()}
        p.features = {str(k): float(v) for k, v in data["features"].items()}
        p.cart = {str(x) for x in data["cart"]}
        p.bought = {str(x) for x in data["bought"]}
        p.questions = {str(k): int(v) for k, v in data["questions"].items()}
        p.recent = [str(x) for x in data["recent"]]
        p.present_since = None if data["present_since"] is None else float(data["present_since"])
        p.dwell_from = None if data["dwell_from"] is None else float(data["dwell_from"])
        p.left = bool(data["left"])
        p.push_times = [float(x) for x in data["push_times"]]
        p.pushed = {str(k): float(v) for k, v in data["pushed"].items()}
        return p
