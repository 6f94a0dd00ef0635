"""Recommendation routes: behaviour events in, per-viewer recommendations out, personalisation opt-out.

Thin HTTP <-> domain mapping over ``assistant.recs.RoomRecommenders``. Shapes are validated here
(422 names the field); per-event policies (duplicates, unknown types, future dates, unknown
products) are the recommender's and come back in the ingest report, not as errors.
Pushes go out over the room WebSocket (``assistant.service.routes.room_ws``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from assistant.recs import offer_to_dict
from assistant.service.deps import RecsDep, ServicesDep
from assistant.service.schemas.common import error_responses
from assistant.service.schemas.params import RoomId
from assistant.service.schemas.recs import (
    EventReport,
    OfferOut,
    PersonalisationOut,
    RecommendationOut,
    Recommendations,
    RejectedEvent,
)
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


@router.post(
    "/rooms/{room_id}/events", response_model=EventReport, responses=error_responses(400, 404, 422, 503)
)
def post_events(room_id: RoomId, batch: EventBatch, recs: RecsDep) -> EventReport:
    """Ingest viewer behaviour events; ``event_id`` is the idempotency key."""
    events = [
        Event(e.event_id, e.viewer_id, e.type, e.product_id or None, e.ts.timestamp(), e.value)
        for e in batch.events
    ]
    report = recs.ingest(room_id, events)
    return EventReport(
        accepted=report.accepted,
        duplicates=report.duplicates,
        rejected=[RejectedEvent(event_id=eid, reason=reason) for eid, reason in report.rejected],
        unknown_products=report.unknown_products,
    )


@router.get(
    "/rooms/{room_id}/viewers/{viewer_id}/recommendations",
    response_model=Recommendations,
    responses=error_responses(404, 422, 503),
)
def get_recommendations(
    room_id: RoomId,
    viewer_id: ViewerPath,
    recs: RecsDep,
    services: ServicesDep,
    k: Annotated[int, Query(ge=1, le=20)] = 3,
) -> Recommendations:
    """The viewer's top ``k`` products now, each with a short reason and an offer valid now."""
    now = services.clock()
    result = recs.recommend(room_id, viewer_id, k, now)
    return Recommendations(
        viewer_id=viewer_id,
        personalised=result.personalised,
        recommendations=[
            RecommendationOut(
                product_id=r.product_id,
                name=name,
                score=r.score,
                reason=r.reason,
                offer=offer_out(offer_to_dict(r.offer, now)),
            )
            for r, name in result.items
        ],
    )


def offer_out(offer: dict[str, Any] | None) -> OfferOut | None:
    return None if offer is None else OfferOut.model_validate(offer)


@router.put(
    "/rooms/{room_id}/viewers/{viewer_id}/personalisation",
    response_model=PersonalisationOut,
    responses=error_responses(400, 404, 422, 503),
)
def put_personalisation(
    room_id: RoomId, viewer_id: ViewerPath, body: PersonalisationIn, recs: RecsDep
) -> PersonalisationOut:
    """Opt a viewer out of (``enabled: false``) or back into personalised recommendations."""
    recs.set_opt_out(room_id, viewer_id, not body.enabled)
    return PersonalisationOut(viewer_id=viewer_id, personalised=body.enabled)
