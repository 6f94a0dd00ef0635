"""``Recommender``: one room's events, viewer profiles, recommendations and pushes.

Not thread-safe: the service serialises calls per room (one room, one owner), which also keeps the
order of events within a room. Every call is O(1) in the number of viewers except a stage change's
push pass (O(viewers present)) and serialisation.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable
from typing import Any

from recommender import scoring
from recommender.decay import DecayedCounts
from recommender.items import ItemIndex
from recommender.options import RecommenderOptions
from recommender.profile import ViewerProfile
from recommender.pushes import PushEngine
from recommender.room import CoEngagement, OfferBook, StageTimeline
from recommender.state import dump, load
from recommender.types import (
    EVENT_TYPES,
    PRODUCT_REQUIRED,
    ActiveOffer,
    Event,
    EventType,
    IngestReport,
    ItemInfo,
    Push,
    Recommendation,
    StageSlot,
)

log = logging.getLogger(__name__)
STAGE_ATTRIBUTED = frozenset({EventType.LIKE, EventType.GIFT, EventType.SHARE, EventType.QUESTION})


class Recommender:
    """Behaviour-driven recommendations and pushes for the viewers of one live room."""

    def __init__(self, items: Iterable[ItemInfo] = (), options: RecommenderOptions | None = None) -> None:
        self.options = options or RecommenderOptions()
        self.room = scoring.RoomSignals(
            index=ItemIndex(list(items)),
            timeline=StageTimeline(),
            offers=OfferBook(),
            popularity=DecayedCounts(self.options.profile.popularity_half_life_s),
            co=CoEngagement(self.options.co_max_products),
            options=self.options,
        )
        self.profiles: dict[str, ViewerProfile] = {}
        self.opted_out: set[str] = set()
        self.present: set[str] = set()  # personalised viewers known to be in the room
        self.carts: dict[str, set[str]] = {}  # product id -> viewers with it in their cart
        self.seen: OrderedDict[str, None] = OrderedDict()  # event ids, LRU-bounded
        self.pushes = PushEngine(self.options.push)

    # ----- configuration -------------------------------------------------------------------
    def set_catalog(self, items: Iterable[ItemInfo]) -> None:
        """Replace the room's items (stock changes included); profiles are kept."""
        self.room.index = ItemIndex(list(items))

    def set_offers(self, offers: Iterable[ActiveOffer]) -> None:
        """Replace the room's offers (coupons, flash sales) with their validity windows."""
        self.room.offers = OfferBook(offers)

    def set_stage(self, product_id: str | None, at: float) -> None:
        """``product_id`` is on stage from ``at`` (Unix seconds) on; None clears the stage."""
        self.room.timeline.set_stage(product_id, at)
        if product_id is not None:
            self.pushes.on_stage(product_id, at)

    def set_schedule(self, slots: Iterable[StageSlot]) -> None:
        """The planned stage schedule, used for "starting soon" (actual changes use set_stage)."""
        self.room.timeline.set_schedule(slots)

    def set_opt_out(self, viewer_id: str, opted_out: bool) -> None:
        """Opt a viewer out of (or back into) personalisation. Opting out deletes their profile."""
        if not opted_out:
            self.opted_out.discard(viewer_id)
            return
        self.opted_out.add(viewer_id)
        profile = self.profiles.pop(viewer_id, None)
        self.present.discard(viewer_id)
        self.pushes.forget(viewer_id)
        for pid in profile.cart if profile is not None else ():
            self.carts.get(pid, set()).discard(viewer_id)

    # ----- events --------------------------------------------------------------------------
    def ingest(self, events: Iterable[Event], now: float | None = None) -> IngestReport:
        """Apply a batch in order. ``now`` (Unix seconds, default: the clock) bounds future dates."""
        now = time.time() if now is None else now
        report = IngestReport()
        for ev in events:
            problem = self._problem(ev, now)
            if problem is not None:
                report.rejected.append((str(ev.event_id), problem))
                continue
            if ev.event_id in self.seen:
                self.seen.move_to_end(ev.event_id)
                report.duplicates += 1
                continue
            self.seen[ev.event_id] = None
            if len(self.seen) > self.options.seen_ids_max:
                self.seen.popitem(last=False)
            self._apply(ev, report)
            report.accepted += 1
        if report.rejected:
            log.info("rejected %d event(s); first: %s", len(report.rejected), report.rejected[0])
        return report

    def _problem(self, ev: Event, now: float) -> str | None:
        if not ev.event_id:
            return "missing event_id"
        if not ev.viewer_id:
            return "missing viewer_id"
        if ev.type not in EVENT_TYPES:
            return f"unknown event type {ev.type!r}; expected one of {', '.join(sorted(EVENT_TYPES))}"
        if isinstance(ev.ts, bool) or not isinstance(ev.ts, int | float) or not math.isfinite(ev.ts):
            return "ts must be a finite number of Unix seconds"
        skew = self.options.future_skew_s
        if ev.ts > now + skew:
            ahead = ev.ts - now
            return f"ts is {ahead:.0f} s in the future (over {skew:.0f} s of skew); check the client clock"
        if ev.type in PRODUCT_REQUIRED and not ev.product_id:
            return f"{ev.type} needs a product_id"
        return None

    def _apply(self, ev: Event, report: IngestReport) -> None:
        pos, opts = self.room.index.pos, self.options.profile
        pid, share = ev.product_id or None, 1.0
        if pid is not None and pid not in pos:
            report.unknown_products += 1  # counted for the viewer, no item interest
            pid = None
        elif pid is None and ev.type in STAGE_ATTRIBUTED:
            slot = self.room.timeline.on_stage(ev.ts)
            if slot is not None and slot.product_id in pos:
                pid, share = slot.product_id, opts.no_product_share
        if pid is not None and opts.popularity_weights.get(ev.type, 0.0) > 0:
            self.room.popularity.add(pid, opts.popularity_weights[ev.type] * share, ev.ts)
        if ev.viewer_id in self.opted_out:
            return  # opted-out viewers only feed popularity
        profile = self.profiles.get(ev.viewer_id)
        if profile is None:
            profile = self.profiles[ev.viewer_id] = ViewerProfile(ev.ts)
        profile.last_ts = max(profile.last_ts, ev.ts)
        if ev.type == EventType.ENTER:
            self._enter(ev.viewer_id, profile, ev.ts)
        elif ev.type == EventType.LEAVE:
            self._leave(ev.viewer_id, profile, ev.ts)
        else:
            self._credit_dwell(profile, ev.ts)
            if pid is not None:
                self._engage(ev, pid, share, profile)

    def _engage(self, ev: Event, pid: str, share: float, profile: ViewerProfile) -> None:
        opts, vid = self.options.profile, ev.viewer_id
        weight = opts.event_weights.get(ev.type, 0.0) * share
        profile.add_interest(pid, self.room.index.features[self.room.index.pos[pid]], weight, ev.ts, opts)
        earlier = profile.touch_recent(pid, opts.recent_products)
        if earlier is not None:
            self.room.co.add(pid, earlier)
        if ev.type == EventType.ADD_TO_CART and pid not in profile.bought:
            profile.cart.add(pid)
            self.carts.setdefault(pid, set()).add(vid)
        elif ev.type == EventType.ORDER:
            profile.bought.add(pid)
            profile.cart.discard(pid)
            self.carts.get(pid, set()).discard(vid)
        elif ev.type == EventType.QUESTION:
            profile.questions[pid] = asked = profile.questions.get(pid, 0) + 1
            if asked >= self.options.push.repeat_questions and pid not in profile.cart | profile.bought:
                self.pushes.on_question(vid, pid, ev.ts)

    def _enter(self, vid: str, profile: ViewerProfile, ts: float) -> None:
        if profile.present_since is not None:
            profile.present_since = min(profile.present_since, ts)
            return
        if profile.dwell_from is not None and ts < profile.dwell_from:
            return  # an enter older than the last leave: stale presence, ignored
        profile.present_since = profile.dwell_from = ts
        profile.left = False
        self.present.add(vid)
        self.pushes.on_enter(vid, ts, self.room)

    def _leave(self, vid: str, profile: ViewerProfile, ts: float) -> None:
        if profile.present_since is None or ts < profile.present_since:
            if profile.present_since is None:
                profile.left = True
            return
        self._credit_dwell(profile, ts)
        profile.present_since, profile.dwell_from, profile.left = None, ts, True
        self.present.discard(vid)

    def _credit_dwell(self, profile: ViewerProfile, until: float) -> None:
        """Turn presence since the last credit into interest in what was on stage meanwhile."""
        if profile.present_since is None:
            return
        start = profile.dwell_from if profile.dwell_from is not None else profile.present_since
        if until <= start:
            return
        opts, index = self.options.profile, self.room.index
        for pid, seconds, end in self.room.timeline.overlaps(start, until):
            if pid in index.pos:
                weight = opts.dwell_weight_per_min * min(seconds, opts.dwell_cap_s) / 60.0
                profile.add_interest(pid, (), weight, end, opts)  # product only: weak evidence
        profile.dwell_from = until

    # ----- outputs -------------------------------------------------------------------------
    def recommend(self, viewer_id: str, now: float, k: int = 3) -> list[Recommendation]:
        """The ``k`` best products for this viewer at ``now``; non-personal if opted out or unknown."""
        profile = None if viewer_id in self.opted_out else self.profiles.get(viewer_id)
        return scoring.recommend(profile, now, k, self.room)

    def due_pushes(self, now: float) -> list[Push]:
        """Pushes to send at ``now`` (call every few seconds); each is recorded against the caps."""
        return self.pushes.due(now, self.profiles, self.present, self.carts, self.room)

    def is_personalised(self, viewer_id: str) -> bool:
        return viewer_id not in self.opted_out

    def has_profile(self, viewer_id: str) -> bool:
        return viewer_id in self.profiles

    def to_dict(self, viewers: Collection[str] | None = None, items: bool = True) -> dict[str, Any]:
        """The room state as JSON-ready plain data (see ``recommender.state.dump``: ``viewers``
        limits the profiles, ``items=False`` leaves the catalog-derived items and offers out)."""
        return dump(self, viewers, items)

    def restore(self, data: dict[str, Any]) -> None:
        """Replace this room's state by ``data`` (``to_dict`` output, maybe written by another
        process), keeping the current items and offers when ``data`` leaves them out."""
        load(self, data, keep_items=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any], options: RecommenderOptions | None = None) -> Recommender:
        return load(cls(options=options), data)
