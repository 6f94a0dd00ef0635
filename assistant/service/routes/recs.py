"""Recommendation routes: behaviour events in, per-viewer recommendations out, personalisation opt-out.

Thin HTTP <-> domain mapping over ``assistant.recs.RoomRecommenders``. Shapes are validated here
(422 names the field); per-event policies (duplicates, unknown types, future dates, unknown
products) are the recommender's and come back in the ingest report, not as errors.
Pushes go out over the room WebSocket (``assistant.service.routes.room_ws``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from assistant.recs import RoomRecommenders, offer_to_dict
from assistant.service.deps import ServicesDep
from assistant.service.errors import UnavailableError
from recommender import Event

router = APIRouter(tags=["recommendations"])

MAX_EVENTS_PER_BATCH = 5000
Text128 = Annotated[str, Field(min_length=1, max_length=128)]
ViewerPath = Annotated[str, Path(min_length=1, max_length=128)]


class EventIn(BaseModel):
    event_id: Text128
    viewer_id: Text128
    type: str = Field(
        max_length=32,
        description="enter | leave | view_card | click_link | like | gift | share | question | "
        "add_to_cart | order; other types are rejected per event (listed in the report)",
    )
    product_id: Annotated[str, Field(max_length=128)] | None = None
    ts: AwareDatetime = Field(description="event time: ISO 8601 with an offset, or Unix seconds")
    value: float | None = Field(None, allow_inf_nan=False, description="gift value or order quantity")


class EventBatch(BaseModel):
    events: Annotated[list[EventIn], Field(max_length=MAX_EVENTS_PER_BATCH)]


class PersonalisationIn(BaseModel):
    enabled: bool = Field(description="false: non-personalised mode, the viewer's profile is deleted")


def get_recs(services: ServicesDep) -> RoomRecommenders:
    recs = services.extras.get("recs")
    if not isinstance(recs, RoomRecommenders):
        raise UnavailableError("recommendations are not wired in this service (services.extras['recs'])")
    return recs


RecsDep = Annotated[RoomRecommenders, Depends(get_recs)]


@router.post("/rooms/{room_id}/events")
def post_events(room_id: str, batch: EventBatch, recs: RecsDep) -> dict[str, Any]:
    """Ingest viewer behaviour events; ``event_id`` is the idempotency key."""
    events = [
        Event(e.event_id, e.viewer_id, e.type, e.product_id or None, e.ts.timestamp(), e.value)
        for e in batch.events
    ]
    report = recs.ingest(room_id, events)
    return {
        "accepted": report.accepted,
        "duplicates": report.duplicates,
        "rejected": [{"event_id": eid, "reason": reason} for eid, reason in report.rejected],
        "unknown_products": report.unknown_products,
    }


@router.get("/rooms/{room_id}/viewers/{viewer_id}/recommendations")
def get_recommendations(
    room_id: str,
    viewer_id: ViewerPath,
    recs: RecsDep,
    services: ServicesDep,
    k: Annotated[int, Query(ge=1, le=20)] = 3,
) -> dict[str, Any]:
    """The viewer's top ``k`` products now, each with a short reason and an offer valid now."""
    now = services.clock()
    result = recs.recommend(room_id, viewer_id, k, now)
    return {
        "viewer_id": viewer_id,
        "personalised": result.personalised,
        "recommendations": [
            {
                "product_id": r.product_id,
                "name": name,
                "score": r.score,
                "reason": r.reason,
                "offer": offer_to_dict(r.offer, now),
            }
            for r, name in result.items
        ],
    }


@router.put("/rooms/{room_id}/viewers/{viewer_id}/personalisation")
def put_personalisation(
    room_id: str, viewer_id: ViewerPath, body: PersonalisationIn, recs: RecsDep
) -> dict[str, Any]:
    """Opt a viewer out of (``enabled: false``) or back into personalised recommendations."""
    recs.set_opt_out(room_id, viewer_id, not body.enabled)
    return {"viewer_id": viewer_id, "personalised": body.enabled}
