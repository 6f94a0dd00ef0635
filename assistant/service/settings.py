"""The one validated settings tree, read from ``LIVESHOP_*`` environment variables at start-up.

Nested groups use ``__``: ``LIVESHOP_LLM__BASE_URL``. Built by ``load_settings()`` when the service
or CLI starts, never at import time. Secrets are ``SecretStr`` so they never show in logs or reprs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.handoff_queue import DEFAULT_HANDOFF_GROUPS_PER_MIN

DEFAULT_DATA_DIR = Path("data")
DEFAULT_MODEL_DIR = Path("models")


class LlmSettings(BaseModel):
    """The OpenAI-compatible endpoint used for open questions; empty base_url means no LLM."""

    base_url: str = ""
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(3.0, gt=0, le=60, description="hard timeout for one answer, seconds")
    max_tokens: int = Field(160, gt=0, le=2000)
    temperature: float = Field(0.2, ge=0, le=2)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class LimitSettings(BaseModel):
    """Explicit size and rate limits of the public API."""

    max_upload_bytes: int = Field(20 * 1024 * 1024, gt=0, description="catalog upload size limit")
    max_audio_bytes: int = Field(200 * 1024 * 1024, gt=0, description="transcription upload limit")
    max_json_bytes: int = Field(
        4 * 1024 * 1024, gt=0, description="body limit of every other /v1 request (413 above it)"
    )
    max_danmaku_chars: int = Field(500, gt=0, description="longer danmaku text is rejected (422)")
    max_batch_messages: int = Field(1000, gt=0, description="messages per danmaku POST")
    room_replies_per_s: float = Field(20.0, gt=0, description="per-room reply rate")
    viewer_messages_per_min: int = Field(20, gt=0, description="per-viewer flood limit")
    handoff_groups_per_min: int = Field(
        DEFAULT_HANDOFF_GROUPS_PER_MIN,
        gt=0,
        description="new handoff questions a room may queue per minute; past it, a holding reply",
    )


class Settings(BaseSettings):
    """Every setting of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="LIVESHOP_", env_nested_delimiter="__", extra="ignore", case_sensitive=False
    )

    data_dir: Path = DEFAULT_DATA_DIR
    model_dir: Path = DEFAULT_MODEL_DIR
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    store: Literal["sqlite", "memory"] = "sqlite"
    # Where operator and viewer state lives (rooms, stage, FAQ answers, handoffs, profiles, caption
    # log, dedupe ids): None follows ``store`` (sqlite -> ``<data_dir>/state.db``, memory -> memory);
    # ``redis``: shared by every process on ``redis_url`` (several processes serve one room).
    state: Literal["memory", "sqlite", "redis"] | None = None
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")  # may carry a password
    redis_prefix: str = Field("liveshop:", min_length=1, description="key prefix of every Redis key")
    redis_claim_idle_s: float = Field(
        15.0,
        gt=0,
        le=3600,
        description="danmaku held unanswered this long by a process are answered by another",
    )
    embeddings: Literal["e5", "none"] = "e5"  # "none": BM25-only retrieval (no embedding model)
    demo: bool = False  # load the demo catalog into room "demo" at start
    eval_runs_kept: int = Field(
        20, ge=1, le=10_000, description="finished answer-eval runs kept; older ones are deleted"
    )
    llm: LlmSettings = Field(default_factory=lambda: LlmSettings())
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings())

    @property
    def state_backend(self) -> Literal["memory", "sqlite", "redis"]:
        """The state backend in effect (``state``, or the one that follows ``store``)."""
        if self.state is not None:
            return self.state
        return "sqlite" if self.store == "sqlite" else "memory"

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides (CLI flags, tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates the overrides
