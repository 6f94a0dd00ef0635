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

With a ``store`` (``assistant.state`` recommender states: SQLite or Redis) a room's recommender is
loaded from it on first use and saved after every change (the batch's viewers' profiles and the
room signals; items and offers are not stored, they come from the catalog again): before the call
returns for events a platform posted, opt-outs and stage changes; within ``WRITE_DELAY_S``, by a
background writer that saves each room's question events of answered danmaku of that window
together (a viewer's reply never waits for a write that grows with the room: 20 ms per save at
60,000 remembered event ids; one save per room per window, not one per message). A ``kill -9``
may thus lose the question events of the last quarter second's answers (the answers themselves
are kept; a clean shutdown writes them). Opt-outs are
written to the store before they take effect, and a push goes out only when ``claim_push`` grants
it, so processes sharing the store never send the same push twice. ``shared=True`` (several
processes on one Redis) reloads the room's state from the store before every call, so a process
sees the events and opt-outs the others recorded; a ``ticker_lease`` lets one process at a time
run the push ticker. The reload first reads the room's change counter (one round trip) and loads
nothing when it is the one this process last loaded or wrote itself (loading and restoring a
room with 8,000 viewers takes about 200 ms; the counter is one small read).

With an ``event_log`` (several processes on Redis: ``assistant.state`` ``EventLog``) a batch of
events a platform posted is recorded in the room's events stream before it is applied and marked
done only after its effect is stored; a batch held by a process that died is claimed and applied
by another (``recover_events``). ``event_id`` makes a batch applied twice count once.

Two optional callbacks let the service count what happens without this module knowing about
Prometheus: ``on_ingest(origin, report)`` after every ingested batch (origin ``api`` for events a
platform posted, ``danmaku`` for question events of answered danmaku) and ``on_push(push)`` for
every push published.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from assistant.catalogs import CatalogService
from assistant.rooms import Room, UnknownRoomError
from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion
from knowledge.retrieval import Embedder, EmbeddingBacklog
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
    from assistant.state.interfaces import AudioLeases, EventLog, RecommenderStates

log = logging.getLogger(__name__)

QUESTION_EVENT_PREFIX = "question:"  # event id of an answered danmaku: prefix + msg_id
ORIGIN_API = "api"  # events posted to the events route
ORIGIN_DANMAKU = "danmaku"  # question events of answered danmaku
WRITE_DELAY_S = 0.25  # question events are saved at most this long after their answer (grouped)
SHARED_RELOAD_S = 1.0  # shared mode: question events reload a room's state at most this often
PUSH_CLAIM_TTL_S = 300.0  # a push (viewer, kind, product) claimed by one process is not re-sent for this long

IngestHook = Callable[[str, IngestReport], None]  # (origin, report)
PushHook = Callable[[Push], None]


@dataclass(frozen=True, slots=True)
class TickerLease:
    """Whether this process sends pushes now: a lease in the state store (``ttl_s``: how long
    a crashed ticker holds it; renewed by every tick of the holder)."""

    leases: AudioLeases
    owner: str
    ttl_s: float = 15.0
    name: str = "\x00push-ticker"  # no room id holds a NUL: never a room's audio lease

    def held(self) -> bool:
        return self.leases.acquire(self.name, self.owner, self.ttl_s)


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
    reloaded_at: float = float("-inf")  # time.monotonic() of the last reload from the store (shared)
    version: int = -1  # the store's change counter this state holds every change of (-1: unknown)


class RoomRecommenders:
    """One recommender per live room, kept in step with catalogs, room promotions and the stage."""

    def __init__(
        self,
        catalogs: CatalogService,
        clock: Callable[[], datetime],
        embedder: Embedder | None = None,
        options: RecommenderOptions | None = None,
        *,
        on_ingest: IngestHook | None = None,
        on_push: PushHook | None = None,
        store: RecommenderStates | None = None,
        shared: bool = False,
        ticker_lease: TickerLease | None = None,
        event_log: EventLog | None = None,
        consumer: str = "",
    ) -> None:
        """``event_log`` and ``consumer`` (this process's name there, unique per process): record
        posted events before applying them (several processes on Redis; see the module docs)."""
        self.catalogs = catalogs
        self._event_log, self._consumer = event_log, consumer
        self._store = store
        self._shared = shared and store is not None
        self._ticker_lease = ticker_lease
        self._dirty: dict[str, set[str]] = {}  # room -> viewers whose changes await the writer
        self._dirty_lock = threading.Lock()  # leaf lock: taken after a room lock, never before
        self._wake = threading.Event()
        self._flushing = threading.Lock()  # one flush at a time (the writer, shutdown)
        self._stopping = threading.Event()  # set by close: the writer stops gathering
        self._closed = False
        if store is not None:
            threading.Thread(target=self._write_behind, name="recs writer", daemon=True).start()
        self.clock = clock
        self.embedder = embedder
        self.options = options or RecommenderOptions()
        self._on_ingest = on_ingest
        self._on_push = on_push
        self._live: LiveRooms | None = None
        self._rooms: dict[str, _RoomState] = {}
        self._lock = threading.Lock()
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}  # embedding by passage text
        # Texts not embedded yet are embedded in the background, never in a viewer's request.
        self._unembedded = EmbeddingBacklog(self._embed_batch) if embedder is not None else None
        catalogs.subscribe(self._on_catalog_change)

    def attach(self, live: LiveRooms) -> RoomRecommenders:
        """Follow ``live``'s rooms and stage changes and publish pushes on its hub; returns self."""
        self._live = live
        live.on_stage_change(self._on_stage_change)
        return self

    # -- the API the routes use -----------------------------------------------------------------
    def ingest(
        self,
        room_id: str,
        events: Sequence[Event],
        now: datetime | None = None,
        origin: str = ORIGIN_API,
    ) -> IngestReport:
        """Apply a batch of events (policies: ``recommender`` docs); raises UnknownRoomError.

        With an event log, a posted batch is recorded there first and marked applied once its
        effect is stored: from the record on, it is applied by this process or, if this one dies
        or fails, by another (``recover_events``)."""
        if self._event_log is None or origin == ORIGIN_DANMAKU or not events:
            return self._apply(room_id, events, now, origin)
        entry = self._event_log.accept(room_id, self._consumer, events)
        report = self._apply(room_id, entry.events, now, origin)
        self._event_log.finish(room_id, self._consumer, [entry.entry_id])
        return report

    def recover_events(self, min_idle_s: float, count: int = 100) -> int:
        """Claim the event batches held longer than ``min_idle_s`` (by a process that died or
        stalled) and apply them here; returns how many batches were claimed. A batch of a room
        that no longer exists is dropped; one that fails stays pending and is claimed again."""
        if self._event_log is None:
            return 0
        consumer = self._consumer + "/claims"  # never this process's own batches in flight
        claimed = self._event_log.claim(consumer, min_idle_s, count)
        for room_id, entries in claimed.items():
            for entry in entries:
                try:
                    self._apply(room_id, entry.events, None, ORIGIN_API)
                except UnknownRoomError:
                    log.warning("room %s is gone: %d claimed events dropped", room_id, len(entry.events))
                except Exception:
                    log.exception("applying %d claimed events of room %s failed", len(entry.events), room_id)
                    continue
                self._event_log.finish(room_id, consumer, [entry.entry_id])
        return sum(len(e) for e in claimed.values())

    def _apply(
        self, room_id: str, events: Sequence[Event], now: datetime | None, origin: str
    ) -> IngestReport:
        at = to_ts(now or self.clock())
        with self._synced(room_id, fresh=origin != ORIGIN_DANMAKU) as state:
            report = state.recommender.ingest(events, at)
            if origin == ORIGIN_DANMAKU:
                self._defer_save(room_id, {e.viewer_id for e in events})
            else:
                self._save(room_id, state, {e.viewer_id for e in events})
        if self._on_ingest is not None:
            self._on_ingest(origin, report)
        return report

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
            if self._store is not None:  # durable first: an opt-out is never lost
                self._wrote(state, self._store.set_opt_out(room_id, viewer_id, opted_out))
            state.recommender.set_opt_out(viewer_id, opted_out)
            self._save(room_id, state, {viewer_id})

    def tick(self, now: datetime | None = None) -> list[tuple[str, Push]]:
        """Produce the pushes due at ``now`` in every room and publish them; returns (room, push)."""
        when = now or self.clock()
        at = to_ts(when)
        sent: list[tuple[str, Push]] = []
        live = self._live if self._shared else None  # shared: every room, wherever its events went
        room_ids = [r.room_id for r in live.rooms.list()] if live is not None else list(self._rooms)
        for room_id in room_ids:
            with self._synced(room_id) as state:
                pushes = state.recommender.due_pushes(at)
                if pushes:
                    self._save(room_id, state, {p.viewer_id for p in pushes})
            for push in pushes:
                if not self._claim(room_id, push):
                    continue
                self._hub_publish(room_id, push_message(push, when))
                sent.append((room_id, push))
                if self._on_push is not None:
                    self._on_push(push)
        return sent

    async def run_ticker(self, interval_s: float = 5.0) -> None:
        """Call ``tick`` every ``interval_s`` seconds until cancelled (in a worker thread: a stage
        change's push pass is O(viewers present))."""
        while True:
            try:
                await asyncio.to_thread(self._tick_if_holder)
            except Exception:  # one bad tick must not stop every later push
                log.exception("recommendation push tick failed")
            await asyncio.sleep(interval_s)

    def _tick_if_holder(self) -> None:
        if self._ticker_lease is None or self._ticker_lease.held():
            self.tick()

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
            report = self.ingest(room_id, [event], origin=ORIGIN_DANMAKU)
        except Exception:  # recommendations must never break answering
            log.exception("recording the question event of %s failed", message.msg_id)
            return
        if report.rejected:
            log.info("question event of %s rejected: %s", message.msg_id, report.rejected[0][1])

    def prepare(self, catalog: Catalog) -> None:
        """Refresh the items of the rooms on ``catalog`` now (an import calls this), not in the
        first viewer's request."""
        for room_id, state in list(self._rooms.items()):
            if state.catalog_id != catalog.catalog_id:
                continue
            try:
                with self._synced(room_id):
                    pass
            except Exception:  # a room closed meanwhile; the others are still refreshed
                log.warning("refreshing the items of room %s failed", room_id, exc_info=True)

    # -- listeners ------------------------------------------------------------------------------
    def _on_stage_change(self, room: Room, product_id: str | None, at: datetime) -> None:
        state, created = self._state(room)
        if created:
            return  # a new state replays the room's whole stage timeline, this change included
        with state.lock:
            self._reload(room.room_id, state)
            try:
                state.recommender.set_stage(product_id, to_ts(at))
            except InvalidStageError as exc:  # a back-dated stage change: keep the later history
                log.warning("room %s: %s", room.room_id, exc)
            self._save(room.room_id, state, ())

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
        """The room's state: loaded from the store, else created (stage timeline replayed), on
        first use; the second value says it was new (a loaded one has its stage timeline)."""
        with self._lock:
            state = self._rooms.get(room.room_id)
            if state is not None:
                return state, False
            # The counter is read before the load: a change in between makes the next reload load.
            version = self._store.version(room.room_id) if self._store is not None else -1
            snapshot = self._store.load(room.room_id) if self._store is not None else None
            if snapshot is not None:
                rec = Recommender.from_dict(snapshot, self.options)
                for viewer_id in self._store.opted_out(room.room_id) if self._store else ():
                    rec.set_opt_out(viewer_id, True)
                state = _RoomState(rec, room.catalog_id, version=version)
                self._rooms[room.room_id] = state
                return state, False
            # A new state holds every change only of a room never written (opt-outs may exist).
            state = _RoomState(
                Recommender((), self.options), room.catalog_id, version=0 if version == 0 else -1
            )
            for entry in room.stage:
                state.recommender.set_stage(entry.product_id, to_ts(entry.start))
            self._rooms[room.room_id] = state
            return state, True

    def _save(self, room_id: str, state: _RoomState, viewers: Iterable[str]) -> None:
        """Store the room signals and these viewers' profiles, with the room's deferred ones
        (called with the room lock held)."""
        if self._store is None:
            return
        with self._dirty_lock:
            touched = set(viewers) | self._dirty.pop(room_id, set())
        self._wrote(
            state, self._store.save(room_id, state.recommender.to_dict(touched, items=False), touched)
        )

    @staticmethod
    def _wrote(state: _RoomState, version: int) -> None:
        """Our write made the room's counter ``version``: when it was ``version - 1`` before, no
        other process wrote since we last synced, so the state still holds every change."""
        if state.version == version - 1:
            state.version = version

    def _defer_save(self, room_id: str, viewers: set[str]) -> None:
        with self._dirty_lock:
            self._dirty.setdefault(room_id, set()).update(viewers)
        self._wake.set()

    def flush(self) -> None:
        """Write every room's deferred changes now (the background writer; shutdown)."""
        with self._flushing:
            self._flush()

    def _flush(self) -> None:
        with self._dirty_lock:
            room_ids = list(self._dirty)
        for room_id in room_ids:
            state = self._rooms.get(room_id)
            if state is None:
                continue
            with state.lock:
                with self._dirty_lock:
                    pending = room_id in self._dirty
                if pending:
                    self._save(room_id, state, ())

    def _write_behind(self) -> None:
        """Save deferred changes ``WRITE_DELAY_S`` after the first of them: the question events
        of that window go out in one save per room (one Redis pipeline) instead of one each."""
        while True:
            self._wake.wait()
            self._stopping.wait(WRITE_DELAY_S)  # gather; shutdown flushes at once
            self._wake.clear()
            try:
                with self._flushing:
                    if self._closed:  # the store may be closed: shutdown flushed already
                        return
                    self._flush()
            except Exception:  # the next change retries; answering goes on meanwhile
                log.exception("saving recommendation state failed")

    def _claim(self, room_id: str, push: Push) -> bool:
        """True when this process is the one to send ``push`` (always, without a store)."""
        if self._store is None:
            return True
        trigger = f"{push.kind}:{push.product_id}"
        return self._store.claim_push(room_id, push.viewer_id, trigger, PUSH_CLAIM_TTL_S)

    @contextmanager
    def _synced(self, room_id: str, fresh: bool = True) -> Iterator[_RoomState]:
        """Hold the room's lock, its items and offers refreshed first if their sources changed.

        Shared mode: the state is reloaded from the store first (every process's changes); with
        ``fresh=False`` (question events of answered danmaku, the hot path: a reload costs O(room))
        only when the last reload is older than ``SHARED_RELOAD_S``."""
        room = self._room(room_id)
        state, created = self._state(room)
        with state.lock:
            if not created and (fresh or time.monotonic() - state.reloaded_at > SHARED_RELOAD_S):
                self._reload(room_id, state)
            self._refresh(state, room)
            yield state

    def _reload(self, room_id: str, state: _RoomState) -> None:
        """Shared mode, room lock held: take up what every process recorded so far."""
        if not self._shared or self._store is None:
            return
        with self._dirty_lock:
            pending = room_id in self._dirty
        if pending:  # our deferred changes go to the store first, or loading would drop them
            self._save(room_id, state, ())
        state.reloaded_at = time.monotonic()
        version = self._store.version(room_id)  # before the load: a later change reloads next time
        if version == state.version:
            return  # nobody else wrote since we last loaded or wrote
        snapshot = self._store.load(room_id)
        if snapshot is not None:
            state.recommender.restore(snapshot)
            for viewer_id in self._store.opted_out(room_id):
                state.recommender.set_opt_out(viewer_id, True)
        state.version = version

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
        """e5 passage vectors of "name category" by product id, those computed so far ({} without e5).

        Texts never seen are queued for the background worker, not embedded here: this runs in a
        viewer's request (a question event), and 5,000 new products took about 10 s to embed.
        Until their vectors arrive (the rooms are then refreshed) those items have no embedding
        and the library matches them by category and attributes.
        """
        if self._unembedded is None:
            return {}
        texts = {p.product_id: f"{p.name} {p.category}".strip() for p in products}
        missing = sorted({t for t in texts.values() if t not in self._vectors})
        self._unembedded.submit([(t, t) for t in missing])
        return {pid: self._vectors[text] for pid, text in texts.items() if text in self._vectors}

    def _embed_batch(self, items: Sequence[tuple[str, str]]) -> None:
        """Background worker: embed one batch; after the last one, refresh the rooms' items."""
        assert self.embedder is not None and self._unembedded is not None
        texts = [text for _, text in items]
        for text, vector in zip(texts, self.embedder.encode_passages(texts), strict=True):
            self._vectors[text] = np.asarray(vector, dtype=np.float32)
        if len(self._unembedded) <= len(items):  # only this batch was left
            for state in list(self._rooms.values()):
                state.stale = True

    def close(self) -> None:
        """Stop the background embedding after its batch in flight and write the deferred
        recommendation state (at shutdown)."""
        if self._unembedded is not None:
            self._unembedded.close()
        self._stopping.set()
        with self._flushing:
            self._flush()
            self._closed = True
        self._wake.set()

    def wait_embedded(self, timeout_s: float | None = None) -> bool:
        """Block until every product text has its vector (tests, benchmarks); False on timeout."""
        return True if self._unembedded is None else self._unembedded.wait(timeout_s)


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
