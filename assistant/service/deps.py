"""Typed FastAPI dependency aliases, in one file: one per component a route needs.

Tests override ``get_services`` (every alias reads through it) if they need to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from assistant.captions import CaptionService
from assistant.catalogs import CatalogService
from assistant.live import LiveRooms
from assistant.recs import RoomRecommenders
from assistant.state import StateStores

if TYPE_CHECKING:
    from assistant.service.wiring import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated["Services", Depends(get_services)]


def get_live(services: ServicesDep) -> LiveRooms:
    return services.live


def get_catalogs(services: ServicesDep) -> CatalogService:
    return services.catalogs


def get_captions(services: ServicesDep) -> CaptionService:
    return services.captions


def get_recs(services: ServicesDep) -> RoomRecommenders:
    return services.recs


def get_state(services: ServicesDep) -> StateStores:
    return services.state


LiveDep = Annotated[LiveRooms, Depends(get_live)]
CatalogsDep = Annotated[CatalogService, Depends(get_catalogs)]
CaptionsDep = Annotated[CaptionService, Depends(get_captions)]
RecsDep = Annotated[RoomRecommenders, Depends(get_recs)]
StateDep = Annotated[StateStores, Depends(get_state)]
