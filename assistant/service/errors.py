"""Domain errors -> HTTP responses, in one place.

Libraries raise their own errors (``knowledge.errors``, ``speech.errors``, ...); the table here says
which HTTP status each one becomes. Error bodies are ``{"detail": str}`` plus, for a rejected import,
``"problems": [{"row", "column", "message"}]``: ``assistant.service.schemas.common.ErrorBody``, the
model the routes document their errors with (``error_responses``).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from assistant import captions, rooms
from assistant.service.schemas.common import ErrorBody
from knowledge import errors as kerr
from speech import errors as serr

log = logging.getLogger(__name__)
HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH"})


class ServiceError(Exception):
    """An error raised by the service layer itself, with its HTTP status."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PayloadTooLargeError(ServiceError):
    status_code = 413


class NotFoundError(ServiceError):
    status_code = 404


class ConflictError(ServiceError):
    status_code = 409


class BadRequestError(ServiceError):
    status_code = 400


class UnprocessableError(ServiceError):
    status_code = 422


class UnavailableError(ServiceError):
    status_code = 503


# Library error type -> HTTP status. The most specific class listed first wins.
STATUS_BY_ERROR: list[tuple[type[Exception], int]] = [
    (kerr.ImportRejected, 422),
    (kerr.NotFoundError, 404),
    (kerr.InvalidUpdateError, 422),
    (kerr.InvalidIdError, 422),
    (kerr.ModelUnavailableError, 503),
    (rooms.UnknownRoomError, 404),
    (rooms.RoomExistsError, 409),
    (serr.UnsupportedFormatError, 415),
    (serr.AudioTooLongError, 413),
    (serr.EmptyAudioError, 422),
    (serr.EnrolmentError, 422),
    (serr.CorruptAudioError, 400),
    (serr.AudioInputError, 400),
    (serr.UnsupportedLanguageError, 422),
    (serr.SpeakerCountError, 422),
    (serr.ModelLoadError, 503),
    (captions.CaptionsBusyError, 503),
    (captions.ConsentRequiredError, 422),
    (captions.UnknownSpeakerError, 404),
]


def register_status(error: type[Exception], status: int) -> None:
    """Add a library error to the table (used by wiring for optional packages)."""
    STATUS_BY_ERROR.insert(0, (error, status))


def status_for(exc: Exception) -> int:
    if isinstance(exc, ServiceError):
        return exc.status_code
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return status
    return 500


def error_body(exc: Exception) -> dict[str, object]:
    """The JSON body of an error response, checked against the one documented ``ErrorBody``."""
    body: dict[str, object] = {"detail": str(exc) if not isinstance(exc, ServiceError) else exc.detail}
    if isinstance(exc, kerr.ImportRejected):
        body["problems"] = [p.as_dict() for p in exc.problems]
    return ErrorBody.model_validate(body).model_dump(mode="json", exclude_unset=True)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the schema documents for ``path`` (the ``Allow`` header of a 405)."""
    methods: set[str] = set()
    for template, operations in app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(path):
            methods.update(m.upper() for m in operations if m.upper() in HTTP_METHODS)
    return sorted(methods)


async def http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own HTTP error response; a 405 lists in ``Allow`` every method the path has
    (Starlette names only the first route whose path matched)."""
    if not isinstance(exc, StarletteHTTPException):  # registered for that class only
        raise exc
    response = await http_exception_handler(request, exc)
    if exc.status_code == 405:
        path = request.url.path
        root = str(request.scope.get("root_path", ""))
        path = path[len(root) :] if root and path.startswith(root) else path
        methods = allowed_methods(request.app, path)
        if methods:
            response.headers["Allow"] = ", ".join(methods)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Map every known domain error to its status; everything else stays a logged 500."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=status, content=error_body(exc))

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ServiceError, handle)
    app.add_exception_handler(kerr.KnowledgeError, handle)
    app.add_exception_handler(rooms.RoomError, handle)
    app.add_exception_handler(serr.SpeechError, handle)
    app.add_exception_handler(captions.CaptionsError, handle)


def handle_library_errors(app: FastAPI, *errors: type[Exception]) -> None:
    """Route further library error bases through the same mapping."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=status_for(exc), content=error_body(exc))

    for error in errors:
        app.add_exception_handler(error, handle)
