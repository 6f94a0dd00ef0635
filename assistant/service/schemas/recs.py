"""Response models of the recommendation routes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.service.schemas.common import Timestamp


class RejectedEvent(BaseModel):
    event_id: str
    reason: str


class EventReport(BaseModel):
    accepted: int = Field(description="events applied (unknown products included)")
    duplicates: int = Field(description="events already seen (by event_id): no-ops")
    rejected: list[RejectedEvent]
    unknown_products: int


class OfferOut(BaseModel):
    coupon_id: str
    title: str
    kind: str
    valid_to: Timestamp


class RecommendationOut(BaseModel):
    product_id: str
    name: str
    score: float
    reason: str = Field(description="a short reason shown to the viewer")
    offer: OfferOut | None = Field(description="a room offer valid now for this product, if any")


class Recommendations(BaseModel):
    viewer_id: str
    personalised: bool = Field(description="false: the viewer opted out (popular products only)")
    recommendations: list[RecommendationOut]


class PersonalisationOut(BaseModel):
    viewer_id: str
    personalised: bool
