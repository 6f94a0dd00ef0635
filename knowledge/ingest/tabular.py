"""Header + rows (a CSV file or an XLSX sheet) -> ``RawTable``.

The header is the first non-blank row, or, when that row is a title ("双十一直播商品清单"), the first
row below it that reads as a header of the table (up to ``MAX_TITLE_ROWS`` non-blank rows are looked
at); rows above the header are skipped with a warning. The table is named by ``name`` (file stem /
sheet name) or, failing that, recognised from the header. Unknown columns are ignored with a
warning. Two columns that mean the same field (``SKU ID`` and ``SKU编码``) are read as one while
they agree on every row (one may be empty); where they hold different values that is one problem
naming both columns and the first such row. Blank rows are skipped but still counted, so row
numbers match what the operator sees (the header is row 1 when it is the first line).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from knowledge.ingest.cells import CellError, is_empty, to_text
from knowledge.ingest.columns import (
    TABLE_NAMES,
    TableKind,
    canonical_column,
    table_from_header,
    table_from_name,
)
from knowledge.ingest.model import ProblemLog, RawRow, RawTable

MAX_TITLE_ROWS = 10  # non-blank rows looked at for the header (titles above it are skipped)
_NAMES_HINT = ", ".join(names[0] for names in TABLE_NAMES.values())
Numbered = tuple[int, Sequence[object]]


@dataclass(slots=True)
class _Columns:
    """Header cells by canonical column: one or more (index, label) per column."""

    sources: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)  # duplicates already reported as conflicting

    def labels(self) -> dict[str, str]:
        return {canonical: given[0][1] for canonical, given in self.sources.items()}


def read_table(
    sheet: str,
    name: str,
    rows: Iterable[Numbered],
    log: ProblemLog,
    max_rows: int,
    *,
    strict: bool,
) -> RawTable | None:
    """Read one table from numbered rows. ``strict``: an empty or unrecognised table is a problem
    (a CSV file the operator sent); otherwise it is skipped (an extra XLSX sheet)."""
    iterator = iter(rows)
    found = _find_header(name, iterator)
    if found is None:
        if strict:
            log.add(None, None, "the file is empty; fill in the template's header and rows", sheet)
        return None
    kind, header_no, names, rest, titles = found
    if kind is None:
        message = (
            f"cannot tell which table {sheet!r} is: name it after a table ({_NAMES_HINT}) "
            f"or use the template's header (in one of the first {MAX_TITLE_ROWS} rows)"
        )
        if strict:
            log.add(None, None, message, sheet)
        else:
            log.warn(message + "; it was ignored")
            log.unrecognised.append(sheet)
        return None
    if titles:
        log.warn(
            f"{sheet}: row(s) {', '.join(map(str, titles))} above the header (row {header_no}) were skipped"
        )
    columns = _map_header(kind, sheet, names, log)
    table = RawTable(kind, sheet, columns=set(columns.sources))
    labels = columns.labels()
    for n, values in itertools.chain(rest, iterator):
        if n - header_no > max_rows:
            log.add(None, None, f"more than {max_rows} data rows; split the file into smaller ones", sheet)
            break
        cells = _cells(columns, values, n, sheet, log)
        if not all(map(is_empty, cells.values())):
            table.rows.append(RawRow(sheet, n, cells, labels))
    return table


def _find_header(
    name: str, rows: Iterator[Numbered]
) -> tuple[TableKind | None, int, list[str], list[Numbered], list[int]] | None:
    """(kind, header row, header texts, rows read past the header, title rows above it), or None
    for a table without a non-blank row. Without a recognisable header in the first
    ``MAX_TITLE_ROWS`` non-blank rows, the first non-blank row is the header (kind may be None)."""
    named = table_from_name(name)
    seen: list[Numbered] = []  # the non-blank rows read (blank rows are skipped anyway)
    candidates: list[tuple[int, list[str]]] = []
    for n, values in rows:
        if all(map(is_empty, values)):
            continue
        seen.append((n, values))
        names = [_header_text(cell) for cell in values]
        candidates.append((n, names))
        kind = named or table_from_header(names)
        if kind is not None and _reads_as_header(kind, names):
            titles = [c[0] for c in candidates[:-1]]
            return kind, n, names, [], titles
        if len(candidates) >= MAX_TITLE_ROWS:
            break
    if not candidates:
        return None
    header_no, names = candidates[0]
    rest = [(n, values) for n, values in seen if n > header_no]
    return named or table_from_header(names), header_no, names, rest, []


def _reads_as_header(kind: TableKind, names: list[str]) -> bool:
    """Most cells name columns of ``kind``: at least two, or the row's only cell."""
    given = [n for n in names if n]
    known = sum(1 for n in given if canonical_column(kind, n) is not None)
    return known >= min(2, len(given))


def _header_text(cell: object) -> str:
    try:
        return to_text(cell)
    except CellError:
        return ""


def _map_header(kind: TableKind, sheet: str, names: list[str], log: ProblemLog) -> _Columns:
    """Every known header cell by canonical column (a column may be given more than once)."""
    columns = _Columns()
    for i, name in enumerate(names):
        if not name:
            continue
        canonical = canonical_column(kind, name)
        if canonical is None:
            log.warn(f"{sheet}: column {name!r} is not a {kind} column and was ignored")
        else:
            columns.sources.setdefault(canonical, []).append((i, name))
    for canonical, given in columns.sources.items():
        if len(given) > 1:
            shown = " and ".join(repr(label) for _, label in given)
            log.warn(f"{sheet}: columns {shown} both mean {canonical}; they are read as one while they agree")
    return columns


def _cells(
    columns: _Columns, values: Sequence[object], n: int, sheet: str, log: ProblemLog
) -> dict[str, object]:
    """The row's cells by canonical column; of several columns for one field the non-empty value
    is taken, and two different non-empty values are reported (once per field)."""
    width = len(values)
    cells: dict[str, object] = {}
    for canonical, given in columns.sources.items():
        present = [(label, values[i]) for i, label in given if i < width and not is_empty(values[i])]
        if not present:
            cells[canonical] = values[given[0][0]] if given[0][0] < width else None
            continue
        cells[canonical] = present[0][1]
        differing = [(label, v) for label, v in present[1:] if _same(v) != _same(present[0][1])]
        if differing and canonical not in columns.reported:
            columns.reported.add(canonical)
            (first, a), (second, b) = present[0], differing[0]
            log.add(
                n,
                first,
                f"columns {first!r} and {second!r} both mean {canonical} but differ here "
                f"({_same(a)[:40]!r} vs {_same(b)[:40]!r}); keep the column that holds the "
                f"{canonical} and delete or rename the other",
                sheet,
            )
    return cells


def _same(value: object) -> str:
    """A cell's value for comparing duplicate columns."""
    return str(value).strip()
