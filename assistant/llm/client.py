"""One OpenAI-compatible chat client for every LLM (hosted or local), with a hard deadline.

The ``openai`` client defaults to a 600 s timeout and retries; a live room cannot wait, so this client
sets explicit timeouts, no automatic retries, streams the answer and gives up when the whole answer
has not arrived within ``timeout_s`` (the caller then sends a grounded fallback).

Every call is reported to the optional ``on_call`` callback as an ``LlmCall`` (outcome and seconds),
so the service can count calls and timeouts without this module knowing about Prometheus.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


class LlmError(Exception):
    """The LLM gave no usable answer (timeout, HTTP error, rate limit, empty answer)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "timeout" | "rate_limited" | "http_error" | "connection" | "empty"


@dataclass(frozen=True, slots=True)
class LlmConfig:
    base_url: str
    model: str
    api_key: str = ""
    timeout_s: float = 3.0  # the whole answer, first byte to last
    max_tokens: int = 160
    temperature: float = 0.2


@dataclass(frozen=True, slots=True)
class LlmAnswer:
    text: str
    first_token_ms: float
    total_ms: float


@dataclass(frozen=True, slots=True)
class LlmCall:
    """What one ``complete`` call did: ``outcome`` is "ok", an ``LlmError.kind`` or "error"
    (anything unexpected); ``seconds`` is its wall time."""

    outcome: str
    seconds: float


CallHook = Callable[[LlmCall], None]
LLM_OUTCOMES = ("ok", "timeout", "rate_limited", "http_error", "connection", "empty", "error")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


class LlmClient:
    """Streams chat completions from ``config.base_url`` with a hard overall deadline."""

    def __init__(self, config: LlmConfig, on_call: CallHook | None = None) -> None:
        import openai

        self.config = config
        self._on_call = on_call
        self._openai = openai
        # One explicit timeout for connect and each read (the client's own default is 600 s), no
        # automatic retries: a retry would blow the room's answer deadline.
        self._client = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "not-needed",
            timeout=config.timeout_s,
            max_retries=0,
        )

    def complete(self, messages: Sequence[ChatMessage]) -> LlmAnswer:
        """The full answer text, or LlmError when it cannot be had within ``timeout_s``."""
        started = time.perf_counter()
        outcome = "error"
        try:
            answer = self._complete(messages)
            outcome = "ok"
            return answer
        except LlmError as exc:
            outcome = exc.kind
            raise
        finally:
            if self._on_call is not None:
                self._on_call(LlmCall(outcome, time.perf_counter() - started))

    def _complete(self, messages: Sequence[ChatMessage]) -> LlmAnswer:
        openai = self._openai
        started = time.perf_counter()
        deadline = started + self.config.timeout_s
        first_token_ms = -1.0
        parts: list[str] = []
        try:
            stream: Any = self._client.chat.completions.create(
                model=self.config.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],  # type: ignore[misc]
                max_tokens=self.config.max_tokens,
                temperature=self.config.temperature,
                stream=True,
            )
            try:
                for chunk in stream:
                    if time.perf_counter() > deadline:
                        raise LlmError("timeout", f"answer not complete after {self.config.timeout_s} s")
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        if first_token_ms < 0:
                            first_token_ms = (time.perf_counter() - started) * 1000
                        parts.append(delta)
            finally:
                stream.close()
        except openai.APITimeoutError as exc:
            raise LlmError("timeout", str(exc)) from exc
        except openai.RateLimitError as exc:
            raise LlmError("rate_limited", str(exc)) from exc
        except openai.APIStatusError as exc:
            raise LlmError("http_error", f"status {exc.status_code}") from exc
        except openai.APIConnectionError as exc:
            raise LlmError("connection", str(exc)) from exc
        text = "".join(parts).strip()
        if not text:
            raise LlmError("empty", "the model returned no text")
        return LlmAnswer(text, first_token_ms, (time.perf_counter() - started) * 1000)
