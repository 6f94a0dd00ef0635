"""Domain errors -> HTTP responses, in one place.

Libraries raise their own errors (``knowledge.errors``, ``speech.errors``, ...); the table here says
which HTTP status each one becomes. Error bodies are ``{"detail": str}`` plus, for a rejected import,
``"problems": [{"row", "column", "message"}]``.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant import captions, rooms
from knowledge import errors as kerr
from speech import errors as serr

log = logging.getLogger(__name__)


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
    body: dict[str, object] = {"detail": str(exc) if not isinstance(exc, ServiceError) else exc.detail}
    if isinstance(exc, kerr.ImportRejected):
        body["problems"] = [p.as_dict() for p in exc.problems]
    return body


def install_error_handlers(app: FastAPI) -> None:
    """Map every known domain error to its status; everything else stays a logged 500."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=status, content=error_body(exc))

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
