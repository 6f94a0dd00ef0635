"""The operator console: a web page at ``/`` over the public API, its files shipped with the service.

The page is plain ES modules and CSS in ``assistant/service/console/`` (no build step, nothing
from a CDN); ``/console/{name}`` serves exactly those files. The page asks for an API key and
sends it as ``Authorization: Bearer`` on every ``/v1`` call (and as the ``["bearer", key]``
subprotocol pair on the sockets), so it needs no route of its own. Its Content-Security-Policy lets
it load and connect only to this server.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from assistant.service.errors import NotFoundError

router = APIRouter(include_in_schema=False)

CONSOLE_PACKAGE = "assistant.service"
MEDIA_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def console_dir() -> Path:
    """The installed folder of the console's files."""
    return Path(str(resources.files(CONSOLE_PACKAGE) / "console"))


def console_files() -> dict[str, Path]:
    """The files the console serves, by name (only these: no path reaches outside the folder)."""
    folder = console_dir()
    return {p.name: p for p in folder.iterdir() if p.is_file() and p.suffix in MEDIA_TYPES}


def _file(name: str) -> FileResponse:
    path = console_files().get(name)
    if path is None:
        raise NotFoundError(f"the console has no file {name!r}")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


@router.get("/")
def console_page() -> FileResponse:
    """The console's page (sign in, rooms, live room, catalog, answers, evals)."""
    return _file("index.html")


@router.get("/console/{name}")
def console_asset(name: str) -> FileResponse:
    """One of the console's scripts or style sheets."""
    return _file(name)
