"""Response models of the public health routes.

Both routes are public (load balancers probe them without a key), so without a key they say only
whether the service is up or ready; the names of catalogs, rooms and components are shown to a
caller with a valid key only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"]


class ComponentState(BaseModel):
    state: Literal["loading", "ready", "failed"]
    took_ms: float | None = Field(None, description="how long loading took, milliseconds")
    error: str | None = None


class Readiness(BaseModel):
    """Readiness; the fields after ``status`` come only with a valid ``Authorization: Bearer`` key."""

    status: Literal["ready", "loading", "failed"]
    loading: list[str] | None = Field(None, description="components still loading")
    failed: list[str] | None = Field(None, description="components that failed to load")
    components: dict[str, ComponentState] | None = None
    embedding_backlog: dict[str, int] | None = Field(
        None, description="per catalog, passages still waiting for vectors (answers use BM25 meanwhile)"
    )
    llm: bool | None = Field(None, description="an LLM is configured")
    embeddings: Literal["e5", "none"] | None = Field(None, description="'none': BM25-only retrieval")
