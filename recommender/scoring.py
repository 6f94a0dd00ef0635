"""Candidate scoring: one vectorised pass over the room's items per request.

score(i) = w.interest * I(i) + w.category * C(i) + w.attributes * A(i) + w.similarity * S(i)
         + w.co_engagement * E(i) + w.complement * P(i) + w.on_stage * [on stage now]
         + w.starting_soon * [planned within soon_s] + w.offer * [product offer valid now]
         + w.popularity * pop(i) / max pop

I, C, A are the viewer's decayed interests squashed to [0, 1) by ``x / (x + scale)``; S and E take
the viewer's strongest products j and keep ``max_j sim(i, j) * I(j)`` (embedding cosine or feature
overlap) and ``max_j cooc(i, j) * I(j)`` (room co-engagement, cosine-normalised); P is 1 for
complements of cart items and 0.7 for complements of bought items. Bought and out-of-stock items are
never returned. Without a profile (unknown or opted-out viewer) only the last four terms remain.
The reason names the largest term. Cost: O(items x features + items x top_interests) numpy work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from recommender import decay
from recommender.decay import DecayedCounts
from recommender.items import FloatArray, ItemIndex
from recommender.options import RecommenderOptions
from recommender.profile import ViewerProfile
from recommender.room import CoEngagement, OfferBook, StageTimeline
from recommender.types import Recommendation

COMPONENTS = (
    "interest",
    "category",
    "attributes",
    "similarity",
    "co_engagement",
    "complement",
    "on_stage",
    "starting_soon",
    "offer",
    "popularity",
)


@dataclass(slots=True)
class Sources:
    """What a component points at, for the reason: the item position of the viewer's product."""

    similarity: npt.NDArray[np.intp] | None = None
    co_engagement: npt.NDArray[np.intp] | None = None
    complement: dict[int, str] = field(default_factory=dict)  # ready-made complement reasons


@dataclass(slots=True)
class RoomSignals:
    """Everything room-wide that scoring reads (owned by the ``Recommender``)."""

    index: ItemIndex
    timeline: StageTimeline
    offers: OfferBook
    popularity: DecayedCounts
    co: CoEngagement
    options: RecommenderOptions


def _product_interest(profile: ViewerProfile, now: float, room: RoomSignals) -> FloatArray:
    """Decayed product interest at ``now`` (raw), including dwell not yet credited."""
    opts = room.options.profile
    g = decay.growth(profile.t_ref, now, opts.half_life_s)
    p = np.zeros(len(room.index))
    pos = room.index.pos
    for pid, v in profile.products.items():
        i = pos.get(pid)
        if i is not None:
            p[i] += v * g
    if profile.present_since is not None:
        slot = room.timeline.on_stage(now)
        start = max(profile.present_since, profile.dwell_from or profile.present_since)
        if slot is not None and slot.product_id in pos:
            seconds = min(now - max(start, slot.start), opts.dwell_cap_s)
            if seconds > 0:
                p[pos[slot.product_id]] += opts.dwell_weight_per_min * seconds / 60.0
    return p


def _personal(
    profile: ViewerProfile,
    now: float,
    room: RoomSignals,
    comps: dict[str, FloatArray],
    src: Sources,
) -> None:
    """Fill the personal components (interest, features, similarity, co-engagement, complements)."""
    idx, opts = room.index, room.options.profile
    n = len(idx)
    p = _product_interest(profile, now, room)
    pi = p / (p + opts.interest_scale)
    comps["interest"] = pi
    fv = np.zeros(len(idx.feature_pos))
    g = decay.growth(profile.t_ref, now, opts.half_life_s)
    for key, v in profile.features.items():
        j = idx.feature_pos.get(key)
        if j is not None:
            fv[j] = v * g
    fv = fv / (fv + opts.feature_scale)
    comps["category"] = idx.category_only @ fv
    comps["attributes"] = idx.attr_mean @ fv
    nonzero = np.flatnonzero(p)
    top = nonzero[np.argsort(-p[nonzero], kind="stable")[: room.options.top_interests]]
    sim, co = np.zeros(n), np.zeros(n)
    sim_src, co_src = np.zeros(n, dtype=np.intp), np.zeros(n, dtype=np.intp)
    for j in top.tolist():
        for vals, best, source in (
            (idx.similarity_column(j) * pi[j], sim, sim_src),
            (room.co.row(idx.ids[j], idx) * pi[j], co, co_src),
        ):
            better = vals > best
            best[better] = vals[better]
            source[better] = j
    comps["similarity"], comps["co_engagement"] = sim, co
    src.similarity, src.co_engagement = sim_src, co_src
    comp = np.zeros(n)
    for owned, strength, label in ((profile.bought, 0.7, "买过"), (profile.cart, 1.0, "购物车里")):
        for pid in owned:
            item = idx.by_id.get(pid)
            for comp_id in item.complements if item is not None else ():
                i = idx.pos.get(comp_id)
                if i is not None and strength >= comp[i]:
                    comp[i] = strength
                    src.complement[i] = f"搭配你{label}的{idx.name(pid)}"
    comps["complement"] = comp


def _room_wide(now: float, room: RoomSignals, comps: dict[str, FloatArray]) -> None:
    idx = room.index
    n = len(idx)
    stage, soon, offer, pop = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    slot = room.timeline.on_stage(now)
    if slot is not None and slot.product_id in idx.pos:
        stage[idx.pos[slot.product_id]] = 1.0
    for pid in room.timeline.starting_soon(now, room.options.soon_s):
        if pid in idx.pos and (slot is None or pid != slot.product_id):
            soon[idx.pos[pid]] = 1.0
    for pid in room.offers.products_with_offer(now):
        if pid in idx.pos:
            offer[idx.pos[pid]] = 1.0
    for pid, v in room.popularity.values.items():
        i = idx.pos.get(pid)
        if i is not None:
            pop[i] = v
    top_pop = float(pop.max()) if n else 0.0
    comps.update(
        on_stage=stage, starting_soon=soon, offer=offer, popularity=pop / top_pop if top_pop > 0 else pop
    )


def _reason(
    name: str,
    i: int,
    pid: str,
    contrib: dict[str, float],
    profile: ViewerProfile | None,
    room: RoomSignals,
    src: Sources,
) -> str:
    best = max(contrib, key=contrib.__getitem__)
    idx = room.index
    if contrib[best] <= 0:
        return "直播间在售"
    if best == "interest":
        return f"你购物车里的{name}" if profile is not None and pid in profile.cart else f"你刚看过{name}"
    if best == "category":
        return f"你关注的{idx.by_id[pid].category}"
    if best == "similarity":
        assert src.similarity is not None
        return f"和你看过的{idx.name(idx.ids[src.similarity[i]])}相似"
    if best == "co_engagement":
        assert src.co_engagement is not None
        return f"看过{idx.name(idx.ids[src.co_engagement[i]])}的人也在看"
    if best == "complement":
        return src.complement[i]
    return {
        "attributes": "符合你的偏好",
        "on_stage": "正在讲解",
        "starting_soon": "马上开讲",
        "offer": "有券可用",
    }.get(best, "直播间热卖")


def recommend(profile: ViewerProfile | None, now: float, k: int, room: RoomSignals) -> list[Recommendation]:
    """Top ``k`` in-stock, not-bought items for this viewer at ``now`` (``profile`` None: non-personal)."""
    idx, w = room.index, room.options.weights
    if k <= 0 or not len(idx):
        return []
    comps: dict[str, FloatArray] = {}
    src = Sources()
    if profile is not None:
        _personal(profile, now, room, comps, src)
    _room_wide(now, room, comps)
    weights = {c: float(getattr(w, c)) for c in COMPONENTS if c in comps}
    total = sum((weights[c] * comps[c] for c in weights), np.zeros(len(idx)))
    total = np.where(idx.in_stock, total, -np.inf)
    if profile is not None:
        for pid in profile.bought:
            if pid in idx.pos:
                total[idx.pos[pid]] = -np.inf
    order = np.argsort(-total, kind="stable")[:k]
    out: list[Recommendation] = []
    for i in order.tolist():
        if not np.isfinite(total[i]):
            break
        pid = idx.ids[i]
        contrib = {c: weights[c] * float(comps[c][i]) for c in weights}
        reason = _reason(idx.name(pid), i, pid, contrib, profile, room, src)
        offer = room.offers.best_for(pid, now)
        if offer is not None and reason != "有券可用":
            reason += "，有券可用"
        out.append(Recommendation(pid, round(float(total[i]), 6), reason, offer))
    return out


def affinity(profile: ViewerProfile, product_id: str, now: float, room: RoomSignals) -> float:
    """How much a viewer likes one item, in [0, 1): the larger of their squashed interest in the
    product and the mean of their squashed interests in its category and best attribute value
    (used by the push triggers)."""
    idx, opts = room.index, room.options.profile
    row = idx.pos.get(product_id)
    if row is None:
        return 0.0
    g = decay.growth(profile.t_ref, now, opts.half_life_s)
    p = profile.products.get(product_id, 0.0) * g
    cat, attr = 0.0, 0.0
    for key in idx.features[row]:
        f = profile.features.get(key, 0.0) * g
        f = f / (f + opts.feature_scale)
        if key.startswith("category="):
            cat = f
        elif not key.startswith("price_band="):
            attr = max(attr, f)
    return max(p / (p + opts.interest_scale), (cat + attr) / 2)
