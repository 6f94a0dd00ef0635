"""Tunable knobs, grouped in small frozen dataclasses with documented units and defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_EVENT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "view_card": 1.0,
        "click_link": 2.0,
        "like": 0.5,
        "gift": 0.5,
        "share": 1.5,
        "question": 2.0,
        "add_to_cart": 4.0,
        "order": 3.0,
    }
)

# Weight of each event type in the room's popularity counts (orders weigh most).
DEFAULT_POPULARITY_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "view_card": 1.0,
        "click_link": 1.0,
        "like": 0.2,
        "gift": 0.5,
        "share": 1.0,
        "question": 1.0,
        "add_to_cart": 3.0,
        "order": 5.0,
    }
)


@dataclass(frozen=True, slots=True)
class ScoringWeights:
    """Weights of the score components; each component is scaled to about [0, 1] first."""

    interest: float = 1.5  # the viewer's decayed interest in the product itself
    category: float = 0.35  # ... in its category
    attributes: float = 0.25  # ... in its attribute values (price band, style, skin type...)
    similarity: float = 0.4  # similar (embedding cosine / attribute overlap) to what they engaged with
    co_engagement: float = 0.3  # engaged with by the room's viewers who engaged with the same things
    complement: float = 0.5  # a complement (搭配) of something in their cart or bought
    on_stage: float = 0.6  # on stage now
    starting_soon: float = 0.3  # planned on stage within ``RecommenderOptions.soon_s``
    offer: float = 0.2  # a product-specific offer is valid now
    popularity: float = 0.15  # the room's decayed popularity


@dataclass(frozen=True, slots=True)
class ProfileOptions:
    """How events become interest. Half-lives are in seconds."""

    half_life_s: float = 1200.0  # viewer interest halves every 20 minutes
    popularity_half_life_s: float = 1800.0
    max_products: int = 64  # per-viewer cap on product entries (the weakest is evicted)
    max_features: int = 64  # per-viewer cap on category / attribute entries
    recent_products: int = 8  # products remembered for co-engagement counts
    feature_share: float = 0.5  # share of an event's weight credited to category and attributes
    no_product_share: float = 0.5  # share of a like/gift/share/question without a product credited
    #                               to the product on stage at that moment
    dwell_weight_per_min: float = 0.5  # interest per minute present while a product is on stage
    dwell_cap_s: float = 600.0  # at most this much dwell is credited per stretch of presence
    interest_scale: float = 2.0  # x / (x + scale) turns decayed interest into [0, 1)
    feature_scale: float = 3.0
    event_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_EVENT_WEIGHTS)
    popularity_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_POPULARITY_WEIGHTS)


@dataclass(frozen=True, slots=True)
class PushPolicy:
    """When to push, and how often at most. Times in seconds."""

    enabled: bool = True
    dwell_s: float = 120.0  # present this long while X is on stage, X not in cart -> coupon push
    repeat_questions: int = 2  # this many questions about X, X not in cart -> coupon push
    dwell_min_affinity: float = 0.4  # ... and the viewer's affinity for X is at least this
    stage_match_threshold: float = 0.5  # affinity in [0, 1] (see scoring.affinity) for a stage push
    reminder_lead_s: float = 120.0  # cart reminder this long before a flash sale ends
    max_per_window: int = 3  # at most this many pushes per viewer in ``window_s``
    window_s: float = 900.0
    min_gap_s: float = 120.0  # at least this long between two pushes to one viewer
    dedupe_s: float = 3600.0  # the same (product, kind) is not pushed twice to a viewer in this time
    pending_ttl_s: float = 120.0  # a trigger blocked by the caps waits this long, then is dropped


@dataclass(frozen=True, slots=True)
class RecommenderOptions:
    """Everything configurable about one room's recommender."""

    weights: ScoringWeights = field(default_factory=ScoringWeights)
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    push: PushPolicy = field(default_factory=PushPolicy)
    future_skew_s: float = 60.0  # events dated later than now + this are rejected
    seen_ids_max: int = 200_000  # event ids remembered for idempotency (LRU, ~30 MB at the cap)
    soon_s: float = 300.0  # "starting soon" horizon for the stage schedule
    co_max_products: int = 2000  # products tracked for co-engagement (dense float32: 16 MB at most)
    top_interests: int = 5  # products a viewer engaged with most, used for similarity/co-engagement
