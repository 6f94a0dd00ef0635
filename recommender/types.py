"""Input and output types of the recommender: plain frozen dataclasses of plain values.

Times are Unix epoch seconds (``float``) everywhere in this library: the service converts its
tz-aware ``datetime`` values at the edge with ``to_ts``. Windows are half-open ``[start, end)``.
The recommender knows nothing of the catalog package: the service builds ``ItemInfo`` values from
its catalog, ``StageSlot`` values from the room stage timeline and ``ActiveOffer`` values from the
promotions configured for the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import numpy as np
import numpy.typing as npt


def to_ts(moment: datetime) -> float:
    """Unix seconds of a tz-aware datetime; naive datetimes are refused (their zone is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: attach a timezone before converting")
    return moment.timestamp()


class EventType(StrEnum):
    """Viewer behaviour events a room reports."""

    ENTER = "enter"
    LEAVE = "leave"
    VIEW_CARD = "view_card"  # opened a product card in the cart panel (小黄车)
    CLICK_LINK = "click_link"  # opened the product link
    LIKE = "like"
    GIFT = "gift"
    SHARE = "share"
    QUESTION = "question"  # an answered question about a product (emitted by the assistant)
    ADD_TO_CART = "add_to_cart"
    ORDER = "order"


EVENT_TYPES: frozenset[str] = frozenset(t.value for t in EventType)
# Events that make no sense without a product; they are rejected when product_id is missing.
PRODUCT_REQUIRED: frozenset[str] = frozenset(
    {EventType.VIEW_CARD, EventType.CLICK_LINK, EventType.ADD_TO_CART, EventType.ORDER}
)


@dataclass(frozen=True, slots=True)
class Event:
    """One behaviour event. ``event_id`` is the idempotency key; ``ts`` is Unix seconds.

    ``type`` is an ``EventType`` value as text (unknown types are rejected at ingest, not here, so a
    batch from a newer client still applies the events this version knows). ``value`` is optional:
    the gift value, or the quantity of an order; it scales nothing but gifts.
    """

    event_id: str
    viewer_id: str
    type: str
    product_id: str | None
    ts: float
    value: float | None = None


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What the recommender needs to know about one product of the room.

    ``price_band`` ("low" / "mid" / "high" or any label) wins over ``price``; when it is None and a
    price is given, the band is the price tertile within the item's category. ``attributes`` are
    matched by exact ``key=value`` (style, skin type, material...). ``embedding`` (any dimension,
    the same for every item) is a catalog text embedding; without one, similarity falls back to
    the overlap of category, price band and attributes.
    """

    product_id: str
    category: str = ""
    price: Decimal | float | None = None
    price_band: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    complements: tuple[str, ...] = ()  # product ids that go with this one (搭配)
    in_stock: bool = True
    embedding: npt.NDArray[np.float32] | None = None
    name: str = ""  # short display name used in reasons, e.g. "玻尿酸面霜"


@dataclass(frozen=True, slots=True)
class StageSlot:
    """A product presented on stage during ``[start, end)``; ``end`` None means still on stage."""

    product_id: str
    start: float
    end: float | None = None

    def covers(self, t: float) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


class OfferKind(StrEnum):
    COUPON = "coupon"
    FLASH_SALE = "flash_sale"


@dataclass(frozen=True, slots=True)
class ActiveOffer:
    """A promotion configured for the room, valid during ``[valid_from, valid_to)``.

    ``product_id`` None is shop-wide. The recommender never invents an offer: it only attaches one
    that ``valid_at`` the moment of the recommendation or push.
    """

    product_id: str | None
    coupon_id: str
    title: str
    valid_from: float
    valid_to: float  # exclusive
    kind: str = OfferKind.COUPON

    def valid_at(self, t: float) -> bool:
        return self.valid_from <= t < self.valid_to


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended product with its score, a short Chinese reason and an offer valid now."""

    product_id: str
    score: float
    reason: str
    offer: ActiveOffer | None = None


class PushKind(StrEnum):
    DWELL_OFFER = "dwell_offer"  # long dwell on the on-stage product, nothing in cart: a coupon
    QUESTION_OFFER = "question_offer"  # repeated questions about a product, nothing in cart
    ON_STAGE_MATCH = "on_stage_match"  # a product matching the viewer's interests goes on stage
    CART_REMINDER = "cart_reminder"  # in cart, not ordered, flash sale about to end


@dataclass(frozen=True, slots=True)
class Push:
    """A message to send to one viewer now (over the room WebSocket)."""

    viewer_id: str
    product_id: str
    kind: str
    reason: str
    offer: ActiveOffer | None
    ts: float


@dataclass(slots=True)
class IngestReport:
    """What ``ingest`` did with a batch.

    ``accepted`` counts applied events (including those whose product is unknown: they count for
    the viewer and popularity of nothing, see ``unknown_products``); ``duplicates`` were no-ops;
    ``rejected`` lists ``(event_id, reason)`` for events that were not applied.
    """

    accepted: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    unknown_products: int = 0
