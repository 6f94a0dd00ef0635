"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from assistant.readiness import Readiness, start_warm_up
from assistant.service.auth import KeyChecker, generate_dev_key, require_key
from assistant.service.docs import install_docs
from assistant.service.errors import install_error_handlers
from assistant.service.metrics import install_http_metrics
from assistant.service.request_guard import RequestGuard, body_limits
from assistant.service.routes import (
    audio_ws,
    captions,
    catalogs,
    console,
    evals,
    faq,
    health,
    operator,
    recs,
    review,
    room_ws,
    rooms,
)
from assistant.service.routes.captions import MAX_ENROL_BYTES
from assistant.service.schemas.common import AUTH_ERRORS
from assistant.service.settings import Settings, load_settings
from assistant.service.wiring import Services, build_services

log = logging.getLogger(__name__)

API_VERSION = "0.1.0"
API_DESCRIPTION = """Answers danmaku, captions the room and recommends products in live-stream rooms.

Every `/v1` route needs `Authorization: Bearer <key>`: a key from `LIVESHOP_API_KEYS`, or the
development key `liveshop serve` prints at start. In these docs, press **Authorize** and paste it.
Errors are `{"detail": ...}` (a rejected catalog import adds `problems`, every problem by row and
column). Amounts are decimal strings (`"199.00"`), times ISO 8601 with an offset.
"""
PUSH_TICK_S = 5.0  # how often due pushes (dwell, cart reminders, on-stage matches) are evaluated


def create_app(
    settings: Settings | None = None, services: Services | None = None, warm_up: bool | None = None
) -> FastAPI:
    """Build the app; ``services`` lets a caller (tests, benchmarks) pass pre-built components.

    ``warm_up`` loads the speech models and catalog indexes in the background at start-up (see
    ``/readyz``); by default only when the app builds its own services (the real server)."""
    warm_up = services is None if warm_up is None else warm_up
    settings = settings or load_settings()
    services = services or build_services(settings)
    keys = [k.get_secret_value() for k in settings.api_keys]
    dev_key = None
    if not keys:
        dev_key = generate_dev_key()
        keys = [dev_key]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            start_warm_up(services, app.state.readiness)  # speech models + catalog indexes
        ticker = asyncio.create_task(services.recs.run_ticker(PUSH_TICK_S))
        yield
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        services.close()

    app = FastAPI(
        title="LiveShop Assistant",
        version=API_VERSION,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from install_docs: assets shipped, no CDN
        redoc_url=None,
    )
    install_docs(app)
    app.state.services = services
    app.state.metrics = services.metrics
    app.state.readiness = Readiness()
    app.state.key_checker = KeyChecker(keys)
    app.state.dev_key = dev_key
    install_error_handlers(app)
    install_request_guard(app, settings)
    install_http_metrics(app, services.metrics)
    app.include_router(health.router)
    protected = [Depends(require_key)]
    routers = (
        catalogs.router,
        rooms.router,
        faq.router,
        captions.router,
        recs.router,
        review.router,
        evals.router,
    )
    for router in (*routers, operator.router):
        app.include_router(router, prefix="/v1", dependencies=protected, responses=AUTH_ERRORS)
    app.include_router(room_ws.router)
    app.include_router(audio_ws.router)
    app.include_router(operator.socket_router)
    app.include_router(console.router)  # the operator console page at /
    return app


def install_request_guard(app: FastAPI, settings: Settings) -> None:
    """The key and the body-size limits, checked before any ``/v1`` request body is read."""
    limits = settings.limits
    app.add_middleware(
        RequestGuard,
        key_checker=lambda: app.state.key_checker,
        limits=body_limits(
            upload_bytes=limits.max_upload_bytes,
            audio_bytes=limits.max_audio_bytes,
            enrol_bytes=MAX_ENROL_BYTES,
            json_bytes=limits.max_json_bytes,
        ),
    )
