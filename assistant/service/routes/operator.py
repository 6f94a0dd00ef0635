"""What an operator running a room needs besides the viewers' API.

``WS /v1/rooms/{room_id}/feed``: every danmaku the room receives (over HTTP or any socket), one
``{"type": "feed", "messages": [{msg_id, viewer_id, nickname, text, ts, outcome, reply_id |
reason}], "replies": [...]}`` frame per batch, where ``outcome`` is ``reply``, ``held`` (waiting for
review), ``joined`` or ``ignored``; and ``{"type": "review", "action": "approved" | "rejected",
"reply"}`` when a held reply is decided. Read only: frames the client sends are ignored. Same key
and close codes as the room socket.

``GET /v1/rooms/{room_id}/products``: the room's catalog with each SKU's effective price now,
room promotions included (what a viewer pays at this moment), for stage control.

``GET /v1/catalog-templates/{name}``: the catalog templates shipped in ``knowledge/templates``
(``catalog_template.xlsx``, ``catalog_example.json``, ``catalog.schema.json``, ``products.csv`` ...).
"""

from __future__ import annotations

import asyncio
import contextlib
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.live import feed_channel
from assistant.service.deps import ServicesDep
from assistant.service.download import attachment
from assistant.service.errors import NotFoundError
from assistant.service.routes.sockets import accept_room_socket
from assistant.service.schemas.common import error_responses
from assistant.service.schemas.params import RoomId
from knowledge.facts import sku_facts

router = APIRouter(tags=["rooms"])
socket_router = APIRouter(tags=["rooms"])


class SkuNow(BaseModel):
    sku_id: str
    spec: str = Field(description="the variant as the operator wrote it, e.g. '黑色 L'")
    base_price: str = Field(description="the shop's own price now")
    price: str = Field(description="unit price now (the flash-sale price while one runs)")
    price_after_coupon: str = Field(description="with the best coupon valid now")
    stock: int
    flash_sale_id: str | None = None
    flash_sale_end: str | None = Field(None, description="when the running flash sale ends")
    valid_until: str | None = Field(None, description="the next instant any of these facts changes")


class ProductNow(BaseModel):
    product_id: str
    name: str
    link_no: int | None
    category: str
    skus: list[SkuNow]


class RoomProducts(BaseModel):
    room_id: str
    catalog_id: str
    version: int
    on_stage: str | None
    at: str
    products: list[ProductNow]


@router.get("/rooms/{room_id}/products", response_model=RoomProducts, responses=error_responses(404, 422))
def room_products(room_id: RoomId, services: ServicesDep) -> dict[str, Any]:
    """The room's products by link number with each SKU's effective facts now (room promotions too)."""
    room = services.live.get(room_id)
    catalog = services.catalogs.catalog(room.catalog_id)
    now = services.clock()
    promotions = (*catalog.promotions, *room.promotions)
    products = []
    for p in sorted(catalog.products, key=lambda p: (p.link_no is None, p.link_no or 0, p.product_id)):
        skus = []
        for sku in p.skus:
            f = sku_facts(p, sku, promotions, now)
            skus.append(
                {
                    "sku_id": sku.sku_id,
                    "spec": sku.spec,
                    "base_price": f"{f.base_price:.2f}",
                    "price": f"{f.price:.2f}",
                    "price_after_coupon": f"{f.price_after_coupon:.2f}",
                    "stock": f.stock,
                    "flash_sale_id": f.flash_sale.promo_id if f.flash_sale else None,
                    "flash_sale_end": f.flash_sale.end.isoformat() if f.flash_sale else None,
                    "valid_until": f.valid_until.isoformat() if f.valid_until else None,
                }
            )
        products.append(
            {
                "product_id": p.product_id,
                "name": p.name,
                "link_no": p.link_no,
                "category": p.category,
                "skus": skus,
            }
        )
    return {
        "room_id": room_id,
        "catalog_id": room.catalog_id,
        "version": catalog.version,
        "on_stage": room.stage_at(now),
        "at": now.isoformat(),
        "products": products,
    }


TEMPLATE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
}


def template_files() -> dict[str, Path]:
    """The shipped catalog templates by file name (the CSV tables by their own names)."""
    root = Path(str(resources.files("knowledge") / "templates"))
    files = [*root.iterdir(), *(root / "csv").iterdir()]
    return {p.name: p for p in sorted(files) if p.is_file() and p.suffix in TEMPLATE_TYPES}


@router.get(
    "/catalog-templates/{name}",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the template file",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}} for media in TEMPLATE_TYPES.values()
            },
        },
        **error_responses(404),
    },
)
def catalog_template(name: str) -> FileResponse:
    """Download a catalog template (fill it in and upload it to ``POST /v1/catalogs/{id}/imports``)."""
    path = template_files().get(name)
    if path is None:
        raise NotFoundError(f"no template {name!r}; there are {', '.join(template_files())}")
    return FileResponse(
        path, media_type=TEMPLATE_TYPES[path.suffix], headers={"Content-Disposition": attachment(name)}
    )


@socket_router.websocket("/v1/rooms/{room_id}/feed")
async def feed_socket(websocket: WebSocket, room_id: str) -> None:
    services = await accept_room_socket(websocket, room_id)
    if services is None:
        return
    hub = services.live.hub
    channel = feed_channel(room_id)
    sub = hub.subscribe(channel)

    async def forward() -> None:
        while True:
            await websocket.send_json(await sub.queue.get())

    sender = asyncio.create_task(forward())
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass  # read only: what the client sends is ignored
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(channel, sub)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
