"""The one error body every route sends, and the ``responses=`` tables that document it.

``{"detail": str}`` for a domain error (the message names the problem and the fix); a request
FastAPI itself rejects has ``detail`` as a list of validation issues; a rejected catalog import adds
``problems`` (every problem found, by row and column).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class ValidationIssue(BaseModel):
    """One problem FastAPI found in a request (where it is, what is wrong)."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="where: 'body', 'query', 'path' then field names/indexes")
    msg: str
    type: str


class ImportProblem(BaseModel):
    """One problem of a rejected catalog import; nothing of the upload was applied."""

    row: int | None = Field(description="data row number in the file (None: the whole file)")
    column: str | None = Field(description="column or key name (None: the whole row)")
    message: str
    sheet: str | None = Field(None, description="sheet, section or file part the row belongs to")


class ErrorBody(BaseModel):
    """Every error response of the API."""

    detail: str | list[ValidationIssue] = Field(
        description="what is wrong and how to fix it; a list of issues for a malformed request"
    )
    problems: list[ImportProblem] | None = Field(
        None, description="only for a rejected import: every problem found"
    )


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Bad request (e.g. audio that cannot be decoded)",
    401: "No `Authorization: Bearer <key>` header (the response carries `WWW-Authenticate: Bearer`)",
    403: "The key is not one of the configured API keys",
    404: "The catalog, product, room or resource does not exist",
    409: "It exists already",
    413: "The request body or upload is larger than the configured limit (the message names the setting)",
    415: "The upload's format is not supported",
    422: "The request is not valid: `detail` says what; a rejected import lists every `problems` entry",
    429: "Too many requests: slow down",
    503: "A backend the request needs is not available (model, recommender, worker pool)",
}


HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` table documenting ``codes`` with the shared error body."""
    table: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        table[code] = {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]}
        if code in HEADERS:
            table[code]["headers"] = HEADERS[code]
    return table


#: Every route behind the bearer key can answer these (``assistant.service.auth.require_key``).
AUTH_ERRORS = error_responses(401, 403)


#: An amount of money in CNY as a decimal string ("199.00"): no float ever carries a price.
Money = Annotated[str, Field(description="CNY amount as a decimal string", examples=["199.00"])]
#: A time as ISO 8601 with its offset (``datetime.isoformat()`` of an aware time).
Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-21T20:05:00+08:00"])
]
