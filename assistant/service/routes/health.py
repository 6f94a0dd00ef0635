"""Public routes: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from assistant.service.auth import KeyChecker
from assistant.service.deps import ServicesDep
from assistant.service.schemas.health import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Liveness: the process answers. Public, so it names nothing (no catalogs, rooms or keys)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    response_model_exclude_none=True,
    responses={503: {"model": Readiness, "description": "models or indexes still loading, or failed"}},
)
def readyz(request: Request, services: ServicesDep) -> JSONResponse:
    """Readiness: 200 once the models and catalog indexes are loaded, else 503. Public: without a
    key only ``status``; with a valid ``Authorization: Bearer`` key also what is loading or failed,
    each component, the per-catalog embedding backlog (answers use BM25 and the facts meanwhile)
    and the configuration (LLM, embeddings)."""
    report = request.app.state.readiness.report()
    code = 200 if report["status"] == "ready" else 503
    checker: KeyChecker = request.app.state.key_checker
    if not checker.is_authorized(request.headers.get("authorization")):
        return JSONResponse({"status": report["status"]}, status_code=code)
    ids = services.catalogs.catalog_ids()
    report["embedding_backlog"] = {c: services.catalogs.embedding_backlog(c) for c in ids}
    report["llm"] = services.settings.llm.enabled
    report["embeddings"] = services.settings.embeddings
    return JSONResponse(Readiness.model_validate(report).model_dump(exclude_none=True), status_code=code)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
def metrics(request: Request) -> Response:
    """Every metric of this process in the Prometheus text format (public, like ``/healthz``)."""
    return request.app.state.metrics.render()  # type: ignore[no-any-return]
