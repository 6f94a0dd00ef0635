"""Authentication and body-size limits enforced before a request body is read.

A route's own dependencies run only after FastAPI has received and parsed the whole body: without
this guard an upload without a key was received in full (300 MiB) before its 401, and a large JSON
body was parsed into memory before any limit applied. ``RequestGuard`` is plain ASGI middleware:
for every ``/v1`` HTTP request it checks the bearer key from the headers first (401/403 without
reading a byte of the body), refuses a declared ``Content-Length`` over the route's limit at once
(413), and counts the bytes as they stream in, failing with 413 as soon as they pass the limit (a
chunked body cannot lie its way past it). The limits are explicit, per route family, and listed
in the README.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.service.auth import KeyChecker

MULTIPART_SLACK_BYTES = 1024 * 1024  # form fields and part headers beside the file itself


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """Requests whose path matches ``pattern`` may send at most ``max_bytes`` of body."""

    pattern: re.Pattern[str]
    max_bytes: int
    setting: str  # the setting that raises it, named in the 413


def body_limits(*, upload_bytes: int, audio_bytes: int, enrol_bytes: int, json_bytes: int) -> list[BodyLimit]:
    """The body limit of each route family; the last one (everything else) is the JSON limit."""
    return [
        BodyLimit(
            re.compile(r"^/v1/catalogs/[^/]+/imports$"),
            upload_bytes + MULTIPART_SLACK_BYTES,
            "LIVESHOP_LIMITS__MAX_UPLOAD_BYTES",
        ),
        BodyLimit(
            re.compile(r"^/v1/(audio/)?transcriptions$"),
            audio_bytes + MULTIPART_SLACK_BYTES,
            "LIVESHOP_LIMITS__MAX_AUDIO_BYTES",
        ),
        BodyLimit(
            re.compile(r"^/v1/rooms/[^/]+/speakers$"),
            enrol_bytes + MULTIPART_SLACK_BYTES,
            "the enrolment limit",
        ),
        BodyLimit(re.compile(r""), json_bytes, "LIVESHOP_LIMITS__MAX_JSON_BYTES"),
    ]


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes its limit; FastAPI answers it as a 413."""

    def __init__(self, limit: BodyLimit) -> None:
        super().__init__(
            413, f"request body larger than the {limit.max_bytes} byte limit of this route ({limit.setting})"
        )


class RequestGuard:
    """ASGI middleware: the key, then the size, before the body."""

    def __init__(
        self,
        app: ASGIApp,
        key_checker: Callable[[], KeyChecker],
        limits: Sequence[BodyLimit],
        protected_prefix: str = "/v1/",
    ) -> None:
        self.app = app
        self._key_checker = key_checker
        self._limits = limits
        self._prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self._prefix):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            self._key_checker().check_header(headers.get("authorization"))
        except HTTPException as exc:
            await _refuse(scope, receive, send, exc)
            return
        limit = next(limit for limit in self._limits if limit.pattern.search(scope["path"]))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit.max_bytes:
            await _refuse(scope, receive, send, BodyTooLarge(limit))
            return
        await self.app(scope, _counting(receive, limit), send)


def _counting(receive: Receive, limit: BodyLimit) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit.max_bytes:
                raise BodyTooLarge(limit)
        return message

    return counted


async def _refuse(scope: Scope, receive: Receive, send: Send, exc: HTTPException) -> None:
    """Answer without reading the body; the server closes the connection instead of draining it."""
    response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
