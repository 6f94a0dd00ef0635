"""A documented live-room simulator: viewers with hidden tastes, a stage schedule, promotions.

What is simulated (all randomness from one seed, so a run is reproducible):

Items: ``n_categories`` categories x ``per_category`` products (default 6 x 10 = 60). Each product
has a price band (low/mid/high, prices drawn within the band), a ``风格`` (style) out of four per
category, a ``人群`` (audience) out of three, one or two complements (搭配) in the same category,
and a synthetic "text embedding": a fixed random direction per category, style and band plus
noise, standing in for a catalog description embedding. Two products are out of stock.

Stage and promotions: products are presented one after another in slots of 4-7 minutes, in a
random order (some twice); ~40 % of slots run a flash sale on the presented product in the
second half of the slot; a dozen product coupons and one shop-wide coupon have 15-40 minute windows.

Viewers (hidden, never given to the recommender): a category affinity drawn from Dirichlet(0.3)
(most viewers care for one or two categories), a preferred style per category, a preferred price
band, and an idiosyncratic taste per product (normal noise). Their utility for a product is

    u = 2 * log(affinity[category] + 0.02) + 1.2 * [style match] - 0.7 * |band distance|
        + taste + 1.0 * [complement of something they bought]

Behaviour: a viewer arrives at a uniform time, stays an exponential time (mean 25 min) and may come
back once. While present they act every ~40 s (exponential gaps). Each action either follows the
stage (p = 0.45: the product on stage) or browses the cart panel (a product drawn with probability
proportional to exp(u)). For the focused product, the chance of engaging is sigmoid(u + 1): a card
view (always when browsing), a like, a question, a link click, an add-to-cart, with rising
thresholds. Orders come two ways: an impulse order of the focused product (more likely while it is
on stage, under a flash sale or a valid coupon) or an order from the cart (again more likely
while the item is on stage or has an offer). Each viewer buys at most a budget of 1-4 items.
Viewers never see the recommender's pushes (the log is fixed before the replay), so push precision
measures whether a push anticipates what the viewer then does.

Output: items (``ItemInfo``), the planned ``StageSlot`` schedule (also the actual stage changes),
``ActiveOffer`` promotions, and events sorted by time (with ~1 % re-sent duplicates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from recommender import ActiveOffer, Event, ItemInfo, OfferKind, StageSlot

CATEGORIES = ("美妆护肤", "女装", "食品", "家居", "数码", "母婴", "男装", "运动")
BANDS = ("low", "mid", "high")
T0 = 1_750_000_000.0  # Unix seconds of the show's start (any fixed value)


@dataclass(frozen=True, slots=True)
class SimConfig:
    seed: int = 0
    n_viewers: int = 300
    duration_s: float = 7200.0
    n_categories: int = 6
    per_category: int = 10
    p_follow_stage: float = 0.45
    mean_gap_s: float = 40.0
    mean_stay_s: float = 1500.0
    duplicate_share: float = 0.01
    embedding_noise: float = 0.6


@dataclass(slots=True)
class SimRoom:
    items: list[ItemInfo]
    schedule: list[StageSlot]
    offers: list[ActiveOffer]
    events: list[Event]
    hidden_utility: dict[str, np.ndarray] = field(default_factory=dict)  # for diagnostics only


def _items(cfg: SimConfig, rng: np.random.Generator) -> list[ItemInfo]:
    dim = 32
    cats = CATEGORIES[: cfg.n_categories]
    directions = {key: rng.normal(size=dim) for key in [*cats, *BANDS, *(f"s{i}" for i in range(4))]}
    out: list[ItemInfo] = []
    for c, cat in enumerate(cats):
        ids = [f"P{c:02d}{j:02d}" for j in range(cfg.per_category)]
        for j, pid in enumerate(ids):
            band = BANDS[int(rng.integers(3))]
            style = int(rng.integers(4))
            price = float(rng.uniform(*{"low": (19, 79), "mid": (80, 199), "high": (200, 899)}[band]))
            others = [x for x in ids if x != pid]
            comps = tuple(str(x) for x in rng.choice(others, size=int(rng.integers(1, 3)), replace=False))
            emb = directions[cat] + 0.7 * directions[f"s{style}"] + 0.5 * directions[band]
            emb = emb + cfg.embedding_noise * rng.normal(size=dim)
            out.append(
                ItemInfo(
                    product_id=pid,
                    category=cat,
                    price=round(price, 2),
                    price_band=band,
                    attributes={"风格": f"{cat}-风格{style}", "人群": f"人群{int(rng.integers(3))}"},
                    complements=comps,
                    in_stock=True,
                    embedding=emb.astype(np.float32),
                    name=f"{cat}{j + 1}号",
                )
            )
    for k in rng.choice(len(out), size=2, replace=False):
        i = out[int(k)]
        out[int(k)] = ItemInfo(**{**{f: getattr(i, f) for f in i.__slots__}, "in_stock": False})
    return out


def _stage_and_offers(
    cfg: SimConfig, items: list[ItemInfo], rng: np.random.Generator
) -> tuple[list[StageSlot], list[ActiveOffer]]:
    in_stock = [i.product_id for i in items if i.in_stock]
    order = list(rng.permutation(in_stock)) * 2
    slots: list[StageSlot] = []
    offers: list[ActiveOffer] = []
    t = T0
    for pid in order:
        if t >= T0 + cfg.duration_s:
            break
        length = float(rng.uniform(240, 420))
        slots.append(StageSlot(str(pid), t, t + length))
        if rng.random() < 0.4:
            offers.append(
                ActiveOffer(
                    str(pid), f"FS{len(offers)}", "限时秒杀", t + length / 2, t + length, OfferKind.FLASH_SALE
                )
            )
        t += length
    for n in range(12):
        start = T0 + float(rng.uniform(0, cfg.duration_s - 900))
        pid = str(rng.choice(in_stock))
        offers.append(
            ActiveOffer(pid, f"CP{n}", "直播间专属券", start, start + float(rng.uniform(900, 2400)))
        )
    start = T0 + float(rng.uniform(0, cfg.duration_s / 2))
    offers.append(ActiveOffer(None, "SHOP1", "店铺满200减20", start, start + 1800))
    return slots, offers


def _utilities(cfg: SimConfig, items: list[ItemInfo], rng: np.random.Generator) -> np.ndarray:
    """Hidden base utility of each product for one viewer."""
    cats = CATEGORIES[: cfg.n_categories]
    aff = rng.dirichlet([0.3] * len(cats))
    style_pref = {c: f"{c}-风格{int(rng.integers(4))}" for c in cats}
    band_pref = int(rng.integers(3))
    u = np.empty(len(items))
    for n, it in enumerate(items):
        u[n] = (
            2.0 * math.log(aff[cats.index(it.category)] + 0.02)
            + 1.2 * (it.attributes["风格"] == style_pref[it.category])
            - 0.7 * abs(BANDS.index(it.price_band or "mid") - band_pref)
            + rng.normal(0, 0.5)
        )
    return u


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(slots=True)
class _Room:
    """What viewers can see while acting: the stage, the offers, the items."""

    items: list[ItemInfo]
    slots: list[StageSlot]
    offers: list[ActiveOffer]
    pos: dict[str, int]
    in_stock: np.ndarray

    def on_stage(self, t: float) -> int | None:
        for s in self.slots:
            if s.covers(t):
                return self.pos[s.product_id]
        return None

    def offer(self, i: int, t: float, kind: str | None = None) -> bool:
        pid = self.items[i].product_id
        return any(
            o.product_id == pid and o.valid_at(t) and (kind is None or o.kind == kind) for o in self.offers
        )


class _Viewer:
    """One simulated viewer acting on its hidden utilities; emits events into ``out``."""

    def __init__(
        self, vid: str, u: np.ndarray, room: _Room, cfg: SimConfig, rng: np.random.Generator
    ) -> None:
        self.vid, self.u, self.room, self.cfg, self.rng = vid, u.copy(), room, cfg, rng
        self.budget = int(rng.integers(1, 5))
        self.cart: set[int] = set()
        self.bought: set[int] = set()
        self.out: list[Event] = []

    def emit(self, kind: str, i: int | None, t: float, value: float | None = None) -> None:
        pid = None if i is None else self.room.items[i].product_id
        self.out.append(Event(f"{self.vid}-{len(self.out)}", self.vid, kind, pid, round(t, 3), value))

    def order(self, i: int, t: float) -> None:
        self.emit("order", i, t)
        self.budget -= 1
        self.bought.add(i)
        self.cart.discard(i)
        for comp in self.room.items[i].complements:
            self.u[self.room.pos[comp]] += 1.0

    def act(self, t: float) -> None:
        rng, room = self.rng, self.room
        stage = room.on_stage(t)
        for c in sorted(self.cart):
            boost = 1 + 2.0 * (c == stage) + 1.5 * room.offer(c, t)
            if self.budget > 0 and rng.random() < 0.04 * boost * _sigmoid(self.u[c]):
                self.order(c, t)
                return
        browsing = stage is None or rng.random() >= self.cfg.p_follow_stage
        if browsing:
            ok = room.in_stock & ~np.isin(np.arange(len(self.u)), list(self.bought))
            w = np.where(ok, np.exp(self.u - self.u.max()), 0.0)
            i = int(rng.choice(len(w), p=w / w.sum()))
        else:
            assert stage is not None
            i = stage
        e = _sigmoid(self.u[i] + 1.0)
        steps = [
            ("view_card", 1.0 if browsing else e),
            ("question", 0.25 * e),
            ("click_link", 0.5 * e),
        ]
        dt = 0.0
        if not browsing and rng.random() < 0.3:
            self.emit("like", None, t)
        for kind, p in steps:
            if rng.random() < p:
                dt += 1.0
                self.emit(kind, i, t + dt)
        if i in self.bought or not room.in_stock[i]:
            return
        if i not in self.cart and rng.random() < 0.25 * e * e:
            dt += 1.0
            self.emit("add_to_cart", i, t + dt)
            self.cart.add(i)
        impulse = 0.03 * e * e * (1 + 1.5 * (i == stage) + 1.0 * room.offer(i, t, OfferKind.FLASH_SALE))
        if self.budget > 0 and rng.random() < impulse * (1 + 0.5 * room.offer(i, t, OfferKind.COUPON)):
            self.order(i, t + dt + 1.0)
        elif rng.random() < 0.02:
            self.emit(str(rng.choice(["gift", "share"])), None, t + dt + 1.0, 1.0)

    def run(self, start: float, end: float) -> None:
        self.emit("enter", None, start)
        t = start + float(self.rng.exponential(self.cfg.mean_gap_s))
        while t < end - 5:
            self.act(t)
            t += 5.0 + float(self.rng.exponential(self.cfg.mean_gap_s))
        self.emit("leave", None, end)


def simulate_room(cfg: SimConfig | None = None) -> SimRoom:
    """Generate one show: items, stage schedule, offers and the viewers' event log."""
    cfg = cfg or SimConfig()
    rng = np.random.default_rng(cfg.seed)
    items = _items(cfg, rng)
    slots, offers = _stage_and_offers(cfg, items, rng)
    pos = {it.product_id: n for n, it in enumerate(items)}
    room = _Room(items, slots, offers, pos, np.array([it.in_stock for it in items]))
    end_of_show = T0 + cfg.duration_s
    events: list[Event] = []
    hidden: dict[str, np.ndarray] = {}
    for n in range(cfg.n_viewers):
        vid = f"V{n:05d}"
        hidden[vid] = _utilities(cfg, items, rng)
        viewer = _Viewer(vid, hidden[vid], room, cfg, rng)
        start = T0 + float(rng.uniform(0, cfg.duration_s - 600))
        end = min(end_of_show, start + 120 + float(rng.exponential(cfg.mean_stay_s)))
        viewer.run(start, end)
        if rng.random() < 0.25 and end + 300 < end_of_show:
            back = end + 60 + float(rng.exponential(900))
            if back + 60 < end_of_show:
                viewer.run(back, min(end_of_show, back + 60 + float(rng.exponential(cfg.mean_stay_s))))
        events.extend(viewer.out)
    events.sort(key=lambda e: e.ts)
    resent = [events[int(k)] for k in rng.choice(len(events), size=int(cfg.duplicate_share * len(events)))]
    return SimRoom(items, slots, offers, _with_resends(events, resent), hidden)


def _with_resends(events: list[Event], resent: list[Event]) -> list[Event]:
    """Insert each re-sent copy 30 s after its original (same id and ts): arrival order, not ts order."""
    arrivals = [(e.ts, n, e) for n, e in enumerate(events)]
    arrivals += [(e.ts + 30.0, len(events) + n, e) for n, e in enumerate(resent)]
    arrivals.sort(key=lambda a: (a[0], a[1]))
    return [e for _, _, e in arrivals]
