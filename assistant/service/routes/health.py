"""Public routes: liveness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from assistant.service.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(services: ServicesDep) -> dict[str, object]:
    """Liveness plus what is loaded: catalogs, rooms, whether an LLM and embeddings are configured."""
    return services.health()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return request.app.state.metrics.render()  # type: ignore[no-any-return]
