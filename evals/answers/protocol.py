"""What the eval needs from the system under test: a room it can reset, stage and ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AskResult:
    """The system's answer to one danmaku (``replied`` False: it stayed silent)."""

    replied: bool
    text: str = ""
    product_id: str | None = None
    intent: str = ""
    source: str = ""  # catalog | faq | llm | fallback | clarify | handoff; "" when ignored
    ignored_reason: str = ""  # chatter | spam | abuse | steering | ... when not replied
    llm_called: bool = False
    latency_ms: float = 0.0  # wall-clock time of the ask, milliseconds


class AnswerSystem(Protocol):
    """A danmaku answerer over the demo catalog, driven by a frozen clock."""

    def reset(self) -> None:
        """A fresh room on the demo catalog: nothing on stage, empty dialogue and caches."""

    def set_stage(self, product_id: str | None, at: datetime) -> None:
        """Put ``product_id`` on stage from ``at`` (None clears the stage)."""

    def ask(self, viewer_id: str, text: str, at: datetime, nickname: str = "") -> AskResult:
        """Send one danmaku at ``at`` and return what the room answered."""
