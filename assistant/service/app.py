"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from assistant.service.auth import KeyChecker, generate_dev_key, require_key
from assistant.service.errors import install_error_handlers
from assistant.service.metrics import install_http_metrics
from assistant.service.routes import audio_ws, captions, catalogs, faq, health, recs, room_ws, rooms
from assistant.service.settings import Settings, load_settings
from assistant.service.wiring import Services, build_services

log = logging.getLogger(__name__)

API_VERSION = "0.1.0"
PUSH_TICK_S = 5.0  # how often due pushes (dwell, cart reminders, on-stage matches) are evaluated


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; ``services`` lets a caller (tests, benchmarks) pass pre-built components."""
    settings = settings or load_settings()
    services = services or build_services(settings)
    keys = [k.get_secret_value() for k in settings.api_keys]
    dev_key = None
    if not keys:
        dev_key = generate_dev_key()
        keys = [dev_key]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        recs = services.extras.get("recs")
        ticker = asyncio.create_task(recs.run_ticker(PUSH_TICK_S)) if recs is not None else None
        yield
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        services.close()

    app = FastAPI(
        title="LiveShop Assistant",
        version=API_VERSION,
        description="Answers danmaku, captions the room and recommends products in live-stream rooms.",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.metrics = services.metrics
    app.state.key_checker = KeyChecker(keys)
    app.state.dev_key = dev_key
    install_error_handlers(app)
    install_http_metrics(app, services.metrics)
    app.include_router(health.router)
    protected = [Depends(require_key)]
    app.include_router(catalogs.router, prefix="/v1", dependencies=protected)
    app.include_router(rooms.router, prefix="/v1", dependencies=protected)
    app.include_router(faq.router, prefix="/v1", dependencies=protected)
    app.include_router(captions.router, prefix="/v1", dependencies=protected)
    app.include_router(recs.router, prefix="/v1", dependencies=protected)
    app.include_router(room_ws.router)
    app.include_router(audio_ws.router)
    return app
