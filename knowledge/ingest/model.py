"""What readers hand to the builder: raw rows with their places, plus the problem log.

Every format (CSV, XLSX, JSON, JSONL) is read into ``RawTable`` values: rows of raw cells keyed by
canonical column name. Each row knows where it came from (sheet, row number and, per column, the
label the operator sees), so every problem can point at the exact cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.errors import Problem
from knowledge.ingest.columns import TableKind

DEFAULT_MAX_PROBLEMS = 1_000


@dataclass(slots=True)
class RawRow:
    """One record: raw cell values by canonical column, and where it is in the upload.

    ``labels`` maps a canonical column to the name shown in problems (the header as written, or a
    JSON path such as ``skus[2].price``); a column missing from ``labels`` is shown as is.
    ``group`` is set for nested JSON products: rows of one JSON object share it, and two objects
    with the same product_id are duplicates rather than SKU rows of one product.
    """

    sheet: str
    row: int
    cells: dict[str, object]
    labels: dict[str, str] = field(default_factory=dict)
    group: str | None = None

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def where(self, column: str | None = None) -> str:
        """Human text for this row, used when a message names another row; with ``column`` a JSON
        path is added ("products row 2 (skus[1].sku_id)")."""
        at = f"{self.sheet} row {self.row}"
        label = self.label(column) if column else ""
        return f"{at} ({label})" if "[" in label else at


@dataclass(slots=True)
class RawTable:
    """The rows of one table read from one file / sheet / JSON section.

    ``columns`` is the set of canonical columns in the header, or None for record formats (JSON,
    JSONL) where each record may name its own fields.
    """

    kind: TableKind
    sheet: str
    rows: list[RawRow] = field(default_factory=list)
    columns: set[str] | None = None


class ProblemLog:
    """Collects problems and warnings; stops listing problems after ``limit`` (they are counted)."""

    def __init__(self, limit: int = DEFAULT_MAX_PROBLEMS) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.limit = limit
        self.unlisted = 0
        self.unrecognised: list[str] = []  # sheets skipped because no table could be recognised
        self._seen: set[Problem] = set()

    def add(self, row: int | None, column: str | None, message: str, sheet: str | None = None) -> None:
        """Record a problem (a repeat of the very same problem is recorded once)."""
        problem = Problem(row, column, message, sheet)
        if problem in self._seen:
            return
        self._seen.add(problem)
        if len(self.problems) < self.limit:
            self.problems.append(problem)
        else:
            self.unlisted += 1

    def at(self, row: RawRow, column: str | None, message: str) -> None:
        """A problem in ``row`` at ``column`` (canonical name; shown with the row's label)."""
        self.add(row.row, None if column is None else row.label(column), message, row.sheet)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def all_problems(self) -> list[Problem]:
        """Every listed problem, plus one line counting those past the limit."""
        if not self.unlisted:
            return list(self.problems)
        more = Problem(None, None, f"{self.unlisted} more problem(s) not listed; fix the ones above first")
        return [*self.problems, more]

    @property
    def failed(self) -> bool:
        return bool(self.problems) or self.unlisted > 0
