"""Serialise a room's recommender state to plain JSON-ready data and back.

Everything needed to continue exactly where the room was: items, offers, stage timeline,
popularity, co-engagement, profiles, opted-out viewers, remembered event ids and pending push
triggers. Options are configuration, not state: pass them again to ``Recommender.from_dict``.
Derived indexes (present viewers, carts by product) are rebuilt from the profiles.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np

from recommender.decay import DecayedCounts
from recommender.errors import InvalidStateError
from recommender.items import ItemIndex
from recommender.profile import ViewerProfile
from recommender.room import CoEngagement, OfferBook, StageTimeline
from recommender.types import ItemInfo

if TYPE_CHECKING:
    from recommender.engine import Recommender

VERSION = 1


def item_to_dict(item: ItemInfo) -> dict[str, Any]:
    return {
        "product_id": item.product_id,
        "category": item.category,
        "price": None if item.price is None else float(item.price),
        "price_band": item.price_band,
        "attributes": dict(item.attributes),
        "complements": list(item.complements),
        "in_stock": item.in_stock,
        "embedding": None if item.embedding is None else np.asarray(item.embedding).ravel().tolist(),
        "name": item.name,
    }


def item_from_dict(d: dict[str, Any]) -> ItemInfo:
    emb = d.get("embedding")
    return ItemInfo(
        product_id=str(d["product_id"]),
        category=str(d.get("category", "")),
        price=None if d.get("price") is None else float(d["price"]),
        price_band=d.get("price_band"),
        attributes={str(k): str(v) for k, v in d.get("attributes", {}).items()},
        complements=tuple(str(c) for c in d.get("complements", ())),
        in_stock=bool(d.get("in_stock", True)),
        embedding=None if emb is None else np.asarray(emb, dtype=np.float32),
        name=str(d.get("name", "")),
    )


def dump(rec: Recommender, viewers: Collection[str] | None = None, items: bool = True) -> dict[str, Any]:
    """The state as plain data. ``viewers``: only these viewers' profiles (a store saving what one
    batch touched; None: every profile). ``items=False`` leaves items and offers out (empty): they
    are derived from the catalog, which the caller sets again after ``load``."""
    room = rec.room
    profiles = rec.profiles if viewers is None else {v: rec.profiles[v] for v in viewers if v in rec.profiles}
    return {
        "version": VERSION,
        "items": [item_to_dict(i) for i in room.index.items] if items else [],
        "offers": room.offers.to_list() if items else [],
        "timeline": room.timeline.to_dict(),
        "popularity": room.popularity.to_dict(),
        "co": room.co.to_dict(),
        "profiles": {vid: p.to_dict() for vid, p in profiles.items()},
        "opted_out": sorted(rec.opted_out),
        "seen": list(rec.seen),
        "pushes": rec.pushes.to_dict(),
    }


def load(rec: Recommender, data: dict[str, Any], keep_items: bool = False) -> Recommender:
    """Fill ``rec`` from ``dump`` output. ``keep_items``: keep ``rec``'s items and offers when the
    data has none (a ``dump(items=False)`` reloaded into a recommender whose catalog is set)."""
    if data.get("version") != VERSION:
        raise InvalidStateError(
            f"state version {data.get('version')!r} is not {VERSION}; re-create the room state"
        )
    try:
        room = rec.room
        if not (keep_items and not data["items"]):
            room.index = ItemIndex([item_from_dict(d) for d in data["items"]])
        if not (keep_items and not data["offers"]):
            room.offers = OfferBook.from_list(data["offers"])
        room.timeline = StageTimeline.from_dict(data["timeline"])
        room.popularity = DecayedCounts.from_dict(data["popularity"])
        room.co = CoEngagement.from_dict(data["co"], rec.options.co_max_products)
        rec.profiles = {str(v): ViewerProfile.from_dict(p) for v, p in data["profiles"].items()}
        rec.opted_out = {str(v) for v in data["opted_out"]}
        rec.seen.clear()
        rec.seen.update((str(e), None) for e in data["seen"])
        rec.pushes.load(data["pushes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidStateError(f"recommender state is missing or has a bad field ({exc!r})") from exc
    rec.present = {v for v, p in rec.profiles.items() if p.present_since is not None}
    rec.carts = {}
    for vid, p in rec.profiles.items():
        for pid in p.cart:
            rec.carts.setdefault(pid, set()).add(vid)
    return rec
