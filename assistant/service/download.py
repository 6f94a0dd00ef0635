"""``Content-Disposition`` for downloads whose file name comes from an id (any script).

HTTP header values are Latin-1 on the wire, so a name such as ``双十一.json`` cannot be sent as
``filename="..."``. RFC 6266 (with RFC 5987 encoding) gives the name twice: ``filename*`` carries
the exact UTF-8 name percent-encoded, which every current browser and client prefers, and
``filename`` an ASCII fallback for old clients (characters outside a safe set become ``_``).
"""

from __future__ import annotations

import string
from urllib.parse import quote

_FALLBACK_SAFE = frozenset(string.ascii_letters + string.digits + "-_.")


def ascii_fallback(filename: str) -> str:
    """An ASCII-only stand-in for ``filename`` (``双十一.json`` -> ``___.json``)."""
    return "".join(c if c in _FALLBACK_SAFE else "_" for c in filename) or "download"


def attachment(filename: str) -> str:
    """The header value that makes a client save the body as ``filename`` (RFC 6266)."""
    exact = quote(filename, safe="")
    return f"attachment; filename=\"{ascii_fallback(filename)}\"; filename*=UTF-8''{exact}"
