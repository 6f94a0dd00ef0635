"""Bearer-key authentication for operator and platform routes.

No ``Authorization`` header: 401 (with ``WWW-Authenticate: Bearer``). A key that is not configured:
403. Keys are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


def generate_dev_key() -> str:
    """A random development key, printed at start when none is configured."""
    return "dev-" + secrets.token_urlsafe(18)


class KeyChecker:
    """Checks bearer keys against the configured set."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one API key is required")
        self._keys = [k.encode() for k in keys]

    def valid(self, key: str) -> bool:
        candidate = key.encode()
        return any(hmac.compare_digest(candidate, k) for k in self._keys)

    def is_authorized(self, authorization: str | None) -> bool:
        """Whether ``authorization`` is ``Bearer <a configured key>`` (no error raised)."""
        scheme, _, key = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and bool(key.strip()) and self.valid(key.strip())

    def check_header(self, authorization: str | None) -> None:
        """Raise 401/403 unless ``authorization`` is ``Bearer <a configured key>``."""
        if not authorization:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing Authorization: Bearer <key> header",
                headers={"WWW-Authenticate": "Bearer"},
            )
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Authorization header must be 'Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not self.valid(key.strip()):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "this API key is not valid")


#: The scheme the OpenAPI schema declares for ``/v1`` (Swagger UI's Authorize button). It never
#: rejects by itself (``auto_error=False``): ``require_key`` decides, with its own 401/403 messages.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearerKey",
    description="An API key from LIVESHOP_API_KEYS, or the development key `liveshop serve` prints",
)


def require_key(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> None:
    """FastAPI dependency for every non-public HTTP route: 401 without a bearer header (with
    ``WWW-Authenticate: Bearer``), 403 for a key that is not configured."""
    checker: KeyChecker = request.app.state.key_checker
    checker.check_header(request.headers.get("authorization"))


BEARER_SUBPROTOCOL = "bearer"


def websocket_key(websocket: WebSocket) -> str:
    """The key a WebSocket client sent: the ``Authorization: Bearer`` header, the subprotocol pair
    ``["bearer", key]`` (browsers cannot set headers), or ``?token=`` (redacted from logs)."""
    scheme, _, key = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        return key.strip()
    offered: list[str] = [str(p).strip() for p in websocket.scope.get("subprotocols") or []]
    if BEARER_SUBPROTOCOL in offered:
        at = offered.index(BEARER_SUBPROTOCOL)
        if at + 1 < len(offered):
            return offered[at + 1]
    return websocket.query_params.get("token", "")


def websocket_key_ok(websocket: WebSocket) -> bool:
    """Whether the WebSocket client sent a configured key (see ``websocket_key``)."""
    checker: KeyChecker = websocket.app.state.key_checker
    key = websocket_key(websocket)
    return bool(key) and checker.valid(key)
