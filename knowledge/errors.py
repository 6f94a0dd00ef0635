"""Errors raised by the knowledge library; the service maps them to HTTP codes in one place."""

from __future__ import annotations

from dataclasses import dataclass


class KnowledgeError(Exception):
    """Base class of every knowledge-library error."""


class NotFoundError(KnowledgeError):
    """A catalog, product or SKU that does not exist."""


class UnknownCatalogError(NotFoundError):
    pass


class UnknownProductError(NotFoundError):
    pass


class UnknownSkuError(NotFoundError):
    pass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an uploaded file: where it is and what is wrong.

    ``row`` is the 1-based line/row number in the file as the operator sees it (the header is row 1
    in CSV/XLSX; JSON uses the 1-based index of the record), or None for a file-level problem.
    """

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None  # the sheet / section / file part the row belongs to

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"row": self.row, "column": self.column, "message": self.message}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


class ImportRejected(KnowledgeError):
    """An import with problems: nothing was applied. ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem], filename: str = "") -> None:
        self.problems = problems
        self.filename = filename
        first = problems[0].message if problems else "unknown problem"
        super().__init__(f"{filename or 'import'} rejected with {len(problems)} problem(s); first: {first}")


class InvalidIdError(KnowledgeError, ValueError):
    """An id (catalog id) that breaks the id rule of ``knowledge.ids``; the message names it."""


class InvalidUpdateError(KnowledgeError):
    """A product update (price, stock, promotions) that is not valid; nothing was applied."""


class ModelUnavailableError(KnowledgeError):
    """An embedding model that cannot be loaded; the message names the setting or package to fix."""
