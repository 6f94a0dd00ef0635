"""Bearer-key authentication for operator and platform routes.

No ``Authorization`` header: 401 (with ``WWW-Authenticate: Bearer``). A key that is not configured:
403. Keys are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence

from fastapi import HTTPException, Request, WebSocket, status


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


def require_key(request: Request) -> None:
    """FastAPI dependency for every non-public HTTP route."""
    checker: KeyChecker = request.app.state.key_checker
    checker.check_header(request.headers.get("authorization"))


def websocket_key_ok(websocket: WebSocket) -> bool:
    """WebSockets authenticate with the same header, or ``?token=<key>`` (browsers cannot set headers)."""
    checker: KeyChecker = websocket.app.state.key_checker
    header = websocket.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        return checker.valid(key.strip())
    token = websocket.query_params.get("token", "")
    return bool(token) and checker.valid(token)
