"""Live rooms: which catalog a room sells from, its stage timeline and its own promotions.

Room state sits behind ``RoomStore`` and is plain data that serialises to JSON (``Room.to_dict``);
the service keeps it in ``assistant.state`` (memory, SQLite by default, or Redis when several
processes serve a room).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from knowledge.domain import Promotion
from knowledge.serialize import promotion_from_dict, promotion_to_dict


class RoomError(Exception):
    """Base class of room errors."""


class UnknownRoomError(RoomError):
    pass


class RoomExistsError(RoomError):
    pass


@dataclass(frozen=True, slots=True)
class StageEntry:
    """From ``start`` on, ``product_id`` is on stage (None: nothing is being presented)."""

    start: datetime
    product_id: str | None


@dataclass(frozen=True, slots=True)
class Room:
    room_id: str
    catalog_id: str
    title: str
    created_at: datetime
    stage: tuple[StageEntry, ...] = ()  # ordered by start
    promotions: tuple[Promotion, ...] = ()  # promotions started in the room itself
    version: int = 0  # bumped on every change (stage, promotions): answer caches key on it

    def stage_at(self, at: datetime) -> str | None:
        """The product on stage at ``at`` (None before the first entry or while nothing is)."""
        starts = [e.start for e in self.stage]
        i = bisect.bisect_right(starts, at)
        return self.stage[i - 1].product_id if i else None

    def stage_before(self, at: datetime) -> str | None:
        """The product presented before the one on stage at ``at`` (the last other product on stage
        before it; None when there was none): what "刚才那个" and "上一个链接" mean."""
        current = self.stage_at(at)
        earlier = [e.product_id for e in self.stage if e.start <= at]
        return next((p for p in reversed(earlier) if p is not None and p != current), None)

    def last_stage_change_before(self, at: datetime) -> datetime | None:
        starts = [e.start for e in self.stage if e.start <= at]
        return starts[-1] if starts else None

    def with_stage(self, product_id: str | None, at: datetime) -> Room:
        """A new room value with ``product_id`` on stage from ``at`` (entries after ``at`` dropped)."""
        kept = tuple(e for e in self.stage if e.start < at)
        return replace(self, stage=(*kept, StageEntry(at, product_id)), version=self.version + 1)

    def with_promotion(self, promotion: Promotion) -> Room:
        others = tuple(p for p in self.promotions if p.promo_id != promotion.promo_id)
        return replace(self, promotions=(*others, promotion), version=self.version + 1)

    def without_promotion(self, promo_id: str) -> Room:
        kept = tuple(p for p in self.promotions if p.promo_id != promo_id)
        return replace(self, promotions=kept, version=self.version + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "room_id": self.room_id,
            "catalog_id": self.catalog_id,
            "title": self.title,
            "created_at": self.created_at.isoformat(),
            "stage": [{"start": e.start.isoformat(), "product_id": e.product_id} for e in self.stage],
            "promotions": [promotion_to_dict(p) for p in self.promotions],
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Room:
        return cls(
            room_id=d["room_id"],
            catalog_id=d["catalog_id"],
            title=d.get("title", ""),
            created_at=datetime.fromisoformat(d["created_at"]),
            stage=tuple(
                StageEntry(datetime.fromisoformat(e["start"]), e["product_id"]) for e in d.get("stage", ())
            ),
            promotions=tuple(promotion_from_dict(p) for p in d.get("promotions", ())),
            version=int(d.get("version", 0)),
        )


class RoomStore(Protocol):
    """Where rooms live. ``update`` is compare-and-set per room: ``fn`` builds the new value from
    the stored one and may run again if another writer changed the room meanwhile (keep it pure),
    so two concurrent changes (a stage move and a promotion) never overwrite each other."""

    def create(self, room: Room) -> Room: ...
    def get(self, room_id: str) -> Room: ...
    def put(self, room: Room) -> None: ...
    def list(self) -> list[Room]: ...
    def update(self, room_id: str, fn: Callable[[Room], Room]) -> Room: ...
