"""Typed access to the cells of one raw row; every bad cell becomes a problem at its place.

``RowReader`` methods return the parsed value, or None (the default for text) when the cell is
empty or wrong; ``ok`` turns False after the first problem so builders skip the record while still
reporting every other bad cell of the row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TypeVar

from knowledge.domain import PricePoint
from knowledge.ingest import cells
from knowledge.ingest.id_cells import ID_COLUMNS, ID_LIST_COLUMNS, id_list, id_text
from knowledge.ingest.model import ProblemLog, RawRow

T = TypeVar("T")


class RowReader:
    """Parses the cells of ``row``; problems go to ``log``. Naive times are taken in ``tz``.

    ``quiet`` lists required columns already reported missing from the header, so their empty
    cells are not reported again on every row.
    """

    __slots__ = ("log", "ok", "quiet", "row", "tz")

    def __init__(self, row: RawRow, log: ProblemLog, tz: tzinfo, quiet: frozenset[str] = frozenset()) -> None:
        self.row = row
        self.log = log
        self.tz = tz
        self.quiet = quiet
        self.ok = True

    def has(self, column: str) -> bool:
        """Whether the cell holds anything (a wrong value counts)."""
        return not cells.is_empty(self.row.cells.get(column))

    def fail(self, column: str | None, message: str) -> None:
        self.ok = False
        self.log.at(self.row, column, message)

    def _get(self, column: str, parse: Callable[[object], T], required: bool) -> T | None:
        raw = self.row.cells.get(column)
        if cells.is_empty(raw):
            if required and column not in self.quiet:
                verb = "missing" if column not in self.row.cells else "empty"
                self.fail(column, f"{column} is required but {verb}")
            elif required:
                self.ok = False
            return None
        try:
            return parse(raw)
        except cells.CellError as exc:
            self.fail(column, str(exc))
            return None

    def text(self, column: str, *, required: bool = False) -> str:
        """The cell's text; "" when empty. ID columns must hold the ID exactly (``id_cells``)."""
        return self._get(column, _text_parser(column), required) or ""

    def optional_text(self, column: str) -> str | None:
        """The cell's text, or None when empty (ids that may be absent)."""
        return self._get(column, _text_parser(column), False) or None

    def money(self, column: str, *, required: bool = False) -> Decimal | None:
        return self._get(column, cells.parse_money, required)

    def integer(self, column: str, *, required: bool = False) -> int | None:
        return self._get(column, whole_number, required)

    def boolean(self, column: str) -> bool | None:
        return self._get(column, cells.parse_bool, False)

    def time(self, column: str, *, required: bool = False) -> datetime | None:
        return self._get(column, lambda raw: cells.parse_time(raw, self.tz), required)

    def rate(self, column: str) -> Decimal | None:
        return self._get(column, cells.parse_rate, False)

    def items(self, column: str, separators: str = cells.ID_SEPARATORS) -> tuple[str, ...]:
        """A list cell split on ``separators``; () when empty."""
        split = id_list if column in ID_LIST_COLUMNS else cells.split_list
        return self._get(column, lambda raw: split(raw, separators), False) or ()

    def price_history(self, column: str) -> tuple[PricePoint, ...]:
        return self._get(column, lambda raw: cells.parse_price_history(raw, self.tz), False) or ()


def _text_parser(column: str) -> Callable[[object], str]:
    return id_text if column in ID_COLUMNS else cells.to_text


MAX_WHOLE_NUMBER = 1_000_000_000  # stock, link numbers, days, hours, months, caps, limits


def whole_number(raw: object) -> int:
    """``cells.parse_int`` bounded by ``MAX_WHOLE_NUMBER``; the size is checked first, so a cell of
    thousands of digits never becomes an integer too long to print or store."""
    too_big = f"is larger than {MAX_WHOLE_NUMBER:,}; write a whole number up to that"
    if isinstance(raw, str) and sum(c.isdigit() for c in raw) > len(str(MAX_WHOLE_NUMBER)) + 2:
        raise cells.CellError(f"{raw.strip()[:20]!r}… {too_big}")
    finite = isinstance(raw, int | float) and not isinstance(raw, bool)
    finite = finite or (isinstance(raw, Decimal) and raw.is_finite())  # NaN cannot be compared
    if finite and abs(raw) > MAX_WHOLE_NUMBER:  # type: ignore[arg-type]  # int | float | Decimal
        raise cells.CellError(f"the number {too_big}")
    value = cells.parse_int(raw)
    if value > MAX_WHOLE_NUMBER:
        raise cells.CellError(f"{value} {too_big}")
    return value
