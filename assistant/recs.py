"""Recommendations and pushes for the service's live rooms: one ``recommender.Recommender`` per room.

``RoomRecommenders`` adapts the recommender library to the rest of the product:

- items come from the room's catalog (``catalog_items``): category, the lowest SKU price (the
  library derives the price band as the price tertile within the category), attributes plus the
  brand, complements (搭配), ``in_stock`` = some SKU has stock, the name, and an e5 passage
  embedding of "name category" when the service has an embedder (else None: the library falls back
  to category / attribute overlap);
- offers come from the catalog's and the room's coupons and flash sales (``room_offers``; a room
  promotion replaces a catalog one with the same id; 满减 spend discounts are not offers);
- stage changes come from ``LiveRooms.on_stage_change``; a room created after stage changes replays
  its stage timeline;
- catalog changes and room-promotion changes are picked up before the next call on that room
  (catalog snapshots and room values carry versions, so the check is two comparisons);
- answered danmaku become ``question`` events (``on_answered``, the danmaku pipeline's hook).

A room's recommender is created when the room first gets an event, a stage change or a request.
The library is not thread-safe, so every call on a room holds that room's lock. Pushes are produced
by ``tick(now)`` (call it every few seconds: ``run_ticker``) and published on the room hub, which
fans them out over the room WebSocket as ``{"type": "push", ...}``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from assistant.catalogs import CatalogService
from assistant.rooms import Room
from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion
from knowledge.retrieval import Embedder
from knowledge.store import CatalogChange
from recommender import (
    ActiveOffer,
    Event,
    EventType,
    IngestReport,
    InvalidStageError,
    ItemInfo,
    OfferKind,
    Push,
    Recommendation,
    Recommender,
    RecommenderOptions,
    to_ts,
)

if TYPE_CHECKING:
    from assistant.danmaku.types import Danmaku, Intent
    from assistant.live import LiveRooms

log = logging.getLogger(__name__)

QUESTION_EVENT_PREFIX = "question:"  # event id of an answered danmaku: prefix + msg_id


@dataclass(frozen=True, slots=True)
class ViewerRecommendations:
    """What ``GET .../recommendations`` returns: ``personalised`` says a profile was used."""

    viewer_id: str
    personalised: bool
    opted_out: bool
    items: list[tuple[Recommendation, str]]  # (recommendation, product name)


@dataclass(slots=True)
class _RoomState:
    recommender: Recommender
    catalog_id: str
    catalog_version: int = -1
    promotions: tuple[Promotion, ...] | None = None  # the room promotions the offers reflect
    stale: bool = True  # set by the catalog listener: refresh items and offers before the next call
    names: dict[str, str] = field(default_factory=dict)  # product id -> display name
    lock: threading.Lock = field(default_factory=threading.Lock)


class RoomRecommenders:
    """One recommender per live room, kept in step with catalogs, room promotions and the stage."""

    def __init__(
        self,
        catalogs: CatalogService,
        clock: Callable[[], datetime],
        embedder: Embedder | None = None,
        options: RecommenderOptions | None = None,
    ) -> None:
        self.catalogs = catalogs
        self.clock = clock
        self.embedder = embedder
        self.options = options or RecommenderOptions()
        self._live: LiveRooms | None = None
        self._rooms: dict[str, _RoomState] = {}
        self._lock = threading.Lock()
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}  # embedding by passage text
        catalogs.subscribe(self._on_catalog_change)

    def attach(self, live: LiveRooms) -> RoomRecommenders:
        """Follow ``live``'s rooms and stage changes and publish pushes on its hub; returns self."""
        self._live = live
        live.on_stage_change(self._on_stage_change)
        return self

    # -- the API the routes use -----------------------------------------------------------------
    def ingest(self, room_id: str, events: Sequence[Event], now: datetime | None = None) -> IngestReport:
        """Apply a batch of events (policies: ``recommender`` docs); raises UnknownRoomError."""
        at = to_ts(now or self.clock())
        with self._synced(room_id) as state:
            return state.recommender.ingest(events, at)

    def recommend(
        self, room_id: str, viewer_id: str, k: int = 3, now: datetime | None = None
    ) -> ViewerRecommendations:
        at = to_ts(now or self.clock())
        with self._synced(room_id) as state:
            rec = state.recommender
            items = rec.recommend(viewer_id, at, k)
            opted_out = not rec.is_personalised(viewer_id)
            return ViewerRecommendations(
                viewer_id,
                personalised=not opted_out and rec.has_profile(viewer_id),
                opted_out=opted_out,
                items=[(r, state.names.get(r.product_id, r.product_id)) for r in items],
            )

    def set_opt_out(self, room_id: str, viewer_id: str, opted_out: bool) -> None:
        """Opt a viewer out of personalisation (their profile is deleted) or back in."""
        with self._synced(room_id) as state:
            state.recommender.set_opt_out(viewer_id, opted_out)

    def tick(self, now: datetime | None = None) -> list[tuple[str, Push]]:
        """Produce the pushes due at ``now`` in every room and publish them; returns (room, push)."""
        when = now or self.clock()
        at = to_ts(when)
        sent: list[tuple[str, Push]] = []
        for room_id in list(self._rooms):
            with self._synced(room_id) as state:
                pushes = state.recommender.due_pushes(at)
            for push in pushes:
                self._hub_publish(room_id, push_message(push, when))
                sent.append((room_id, push))
        return sent

    async def run_ticker(self, interval_s: float = 5.0) -> None:
        """Call ``tick`` every ``interval_s`` seconds until cancelled (in a worker thread: a stage
        change's push pass is O(viewers present))."""
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # one bad tick must not stop every later push
                log.exception("recommendation push tick failed")
            await asyncio.sleep(interval_s)

    def on_answered(self, room_id: str, message: Danmaku, product_id: str | None, intent: Intent) -> None:
        """Danmaku pipeline hook: an answered question about a product is a ``question`` event.

        The event id derives from the danmaku's ``msg_id``, so a re-answered message counts once.
        Questions that resolved to no product are not recorded (nothing says which product).
        """
        if product_id is None:
            return
        event = Event(
            QUESTION_EVENT_PREFIX + message.msg_id,
            message.viewer_id,
            EventType.QUESTION,
            product_id,
            to_ts(message.ts),
        )
        try:
            report = self.ingest(room_id, [event])
        except Exception:  # recommendations must never break answering
            log.exception("recording the question event of %s failed", message.msg_id)
            return
        if report.rejected:
            log.info("question event of %s rejected: %s", message.msg_id, report.rejected[0][1])

    # -- listeners ------------------------------------------------------------------------------
    def _on_stage_change(self, room: Room, product_id: str | None, at: datetime) -> None:
        state, created = self._state(room)
        if created:
            return  # a new state replays the room's whole stage timeline, this change included
        with state.lock:
            try:
                state.recommender.set_stage(product_id, to_ts(at))
            except InvalidStageError as exc:  # a back-dated stage change: keep the later history
                log.warning("room %s: %s", room.room_id, exc)

    def _on_catalog_change(self, change: CatalogChange) -> None:
        # Only flags the rooms: taking a room lock here, in the writer's thread, could deadlock
        # with a room call that is reading the catalog store.
        for state in list(self._rooms.values()):
            if state.catalog_id == change.catalog_id:
                state.stale = True

    # -- internals ------------------------------------------------------------------------------
    def _room(self, room_id: str) -> Room:
        if self._live is None:
            raise RuntimeError("RoomRecommenders.attach(live) was not called; wire it in build_services")
        return self._live.get(room_id)

    def _hub_publish(self, room_id: str, message: dict[str, Any]) -> None:
        if self._live is not None:
            self._live.hub.publish(room_id, message)

    def _state(self, room: Room) -> tuple[_RoomState, bool]:
        """The room's state, created (stage timeline replayed) on first use."""
        with self._lock:
            state = self._rooms.get(room.room_id)
            if state is not None:
                return state, False
            state = _RoomState(Recommender((), self.options), room.catalog_id)
            for entry in room.stage:
                state.recommender.set_stage(entry.product_id, to_ts(entry.start))
            self._rooms[room.room_id] = state
            return state, True

    @contextmanager
    def _synced(self, room_id: str) -> Iterator[_RoomState]:
        """Hold the room's lock, its items and offers refreshed first if their sources changed."""
        room = self._room(room_id)
        state, _ = self._state(room)
        with state.lock:
            self._refresh(state, room)
            yield state

    def _refresh(self, state: _RoomState, room: Room) -> None:
        """Called with the room lock held: rebuild items and offers when their sources changed."""
        catalog = self.catalogs.catalog(room.catalog_id)
        rec = state.recommender
        if state.stale or catalog.version != state.catalog_version:
            state.stale = False
            rec.set_catalog(catalog_items(catalog, self._embed(catalog.products)))
            state.names = {p.product_id: p.name for p in catalog.products}
            state.catalog_version = catalog.version
            state.promotions = None
        if state.promotions is None or state.promotions != room.promotions:
            rec.set_offers(room_offers(catalog.promotions, room.promotions))
            state.promotions = room.promotions

    def _embed(self, products: Iterable[Product]) -> dict[str, npt.NDArray[np.float32]]:
        """e5 passage vectors of "name category" by product id (cached by text); {} without e5."""
        if self.embedder is None:
            return {}
        texts = {p.product_id: f"{p.name} {p.category}".strip() for p in products}
        missing = sorted({t for t in texts.values() if t not in self._vectors})
        if missing:
            for text, vector in zip(missing, self.embedder.encode_passages(missing), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        return {pid: self._vectors[text] for pid, text in texts.items()}


def catalog_items(catalog: Catalog, vectors: dict[str, npt.NDArray[np.float32]]) -> list[ItemInfo]:
    """The recommender's view of a catalog's products (see the module docs)."""
    items = []
    for p in catalog.products:
        attributes = dict(p.attributes)
        if p.brand:
            attributes["品牌"] = p.brand
        items.append(
            ItemInfo(
                product_id=p.product_id,
                category=p.category,
                price=min((s.price for s in p.skus), default=None),
                attributes=attributes,
                complements=tuple(p.complements),
                in_stock=any(s.stock > 0 for s in p.skus),
                embedding=vectors.get(p.product_id),
                name=p.name,
            )
        )
    return items


def room_offers(
    catalog_promotions: Iterable[Promotion], room_promotions: Iterable[Promotion]
) -> list[ActiveOffer]:
    """Coupons and flash sales as offers with their windows; room promotions win on the same id."""
    by_id = {p.promo_id: p for p in catalog_promotions}
    by_id.update((p.promo_id, p) for p in room_promotions)
    offers: list[ActiveOffer] = []
    for promo in by_id.values():
        if isinstance(promo, Coupon):
            start, end = to_ts(promo.valid_from), to_ts(promo.valid_to)
            for pid in promo.product_ids or (None,):
                offers.append(ActiveOffer(pid, promo.promo_id, promo.title, start, end, OfferKind.COUPON))
        elif isinstance(promo, FlashSale):
            offers.append(
                ActiveOffer(
                    promo.product_id,
                    promo.promo_id,
                    promo.title,
                    to_ts(promo.start),
                    to_ts(promo.end),
                    OfferKind.FLASH_SALE,
                )
            )
    return offers


def offer_to_dict(offer: ActiveOffer | None, zone_of: datetime) -> dict[str, Any] | None:
    """``{coupon_id, title, kind, valid_to}`` (ISO time in the zone of ``zone_of``) or None."""
    if offer is None:
        return None
    valid_to = datetime.fromtimestamp(offer.valid_to, tz=zone_of.tzinfo)
    return {
        "coupon_id": offer.coupon_id,
        "title": offer.title,
        "kind": offer.kind,
        "valid_to": valid_to.isoformat(),
    }


def push_message(push: Push, now: datetime) -> dict[str, Any]:
    """A push as the room WebSocket carries it."""
    return {
        "type": "push",
        "viewer_id": push.viewer_id,
        "product_id": push.product_id,
        "kind": push.kind,
        "reason": push.reason,
        "offer": offer_to_dict(push.offer, now),
        "at": datetime.fromtimestamp(push.ts, tz=now.tzinfo).isoformat(),
    }
