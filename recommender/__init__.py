"""Behaviour-driven recommendations and timely pushes for the viewers of one live room.

A library: it imports no other project package and reads no settings. One ``Recommender`` per
room; calls for one room must be serialised by the caller (not thread-safe). Times are Unix
seconds (``float``; ``to_ts(datetime)`` converts a tz-aware datetime).

Wiring (what the service does)::

    rec = Recommender(items, RecommenderOptions())      # ItemInfo built from the catalog
    rec.set_offers([ActiveOffer(...)])                  # coupons / flash sales of the room
    rec.set_schedule([StageSlot(pid, start, end)])      # planned stage order ("starting soon")
    rec.set_stage(pid, at)                              # PUT /v1/rooms/{room}/stage
    report = rec.ingest(events, now)                    # POST /v1/rooms/{room}/events
    recs = rec.recommend(viewer_id, now, k=3)           # GET .../viewers/{viewer}/recommendations
    for push in rec.due_pushes(now): ...                # every ~5 s -> the room WebSocket
    rec.set_opt_out(viewer_id, True)                    # 个人信息保护法 第24条: non-personalised
    state = rec.to_dict(); Recommender.from_dict(state, options)

Event policy (``ingest`` never raises for a bad event; see ``IngestReport``):

- duplicate ``event_id`` (among the last ``seen_ids_max`` = 200,000 ids, LRU): a no-op, counted in
  ``duplicates``. Rejected events are not remembered, so a corrected retry is applied.
- unknown ``type``, missing ``event_id``/``viewer_id``, non-finite ``ts``, no ``product_id`` on
  view_card / click_link / add_to_cart / order, or ``ts`` more than ``future_skew_s`` (60 s) after
  ``now``: rejected with a reason ``(event_id, reason)``.
- unknown ``product_id``: accepted (the viewer's profile and presence are updated) but no item
  interest and no popularity; counted in ``unknown_products``. Products arrive with the catalog.
- like / gift / share / question without a product: credited at half weight to the product on
  stage at ``ts`` (viewers say "这个" for it).
- out of order (``ts`` older than the viewer's last event): applied with its own ``ts``, so it
  decays from its own time (forward decay is exact for any order). Presence is the exception: an
  ``enter`` older than the viewer's last ``leave`` is ignored, as is a ``leave`` before the
  current ``enter``.
- unknown viewer: a profile is created on the first event.
- opted-out viewer: no profile is kept (deleted at opt-out); their events only update the room's
  popularity; they get on-stage / starting-soon / offer / popular items and no pushes.

Dwell: presence (enter -> leave) overlapping a product's stage slot counts as interest in that
product only (``dwell_weight_per_min``, at most ``dwell_cap_s`` per stretch), credited on the
viewer's next event and counted live in recommendations.

Pushes: see ``recommender.pushes`` (triggers, caps, offer validity at push time).

Cost: ``ingest`` is O(1) per event (O(recent_products) when a viewer touches a new product);
``recommend`` is one numpy pass over the room's items; an event changes that viewer's next
recommendation immediately (nothing is retrained).
"""

from recommender.engine import Recommender
from recommender.errors import InvalidStageError, InvalidStateError, RecommenderError
from recommender.options import ProfileOptions, PushPolicy, RecommenderOptions, ScoringWeights
from recommender.types import (
    ActiveOffer,
    Event,
    EventType,
    IngestReport,
    ItemInfo,
    OfferKind,
    Push,
    PushKind,
    Recommendation,
    StageSlot,
    to_ts,
)

__all__ = [
    "ActiveOffer",
    "Event",
    "EventType",
    "IngestReport",
    "InvalidStageError",
    "InvalidStateError",
    "ItemInfo",
    "OfferKind",
    "ProfileOptions",
    "Push",
    "PushKind",
    "PushPolicy",
    "Recommendation",
    "Recommender",
    "RecommenderError",
    "RecommenderOptions",
    "ScoringWeights",
    "StageSlot",
    "to_ts",
]
