"""Header + rows (a CSV file or an XLSX sheet) -> ``RawTable``.

The first non-blank row is the header. The table is named by ``name`` (file stem / sheet name) or,
failing that, recognised from the header. Unknown columns are ignored with a warning; a column
given twice is a problem; blank rows are skipped but still counted, so row numbers match what the
operator sees (the header is row 1 when it is the first line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge.ingest.cells import CellError, is_empty, to_text
from knowledge.ingest.columns import (
    TABLE_NAMES,
    TableKind,
    canonical_column,
    table_from_header,
    table_from_name,
)
from knowledge.ingest.model import ProblemLog, RawRow, RawTable

_NAMES_HINT = ", ".join(names[0] for names in TABLE_NAMES.values())


def read_table(
    sheet: str,
    name: str,
    rows: Iterable[tuple[int, Sequence[object]]],
    log: ProblemLog,
    max_rows: int,
    *,
    strict: bool,
) -> RawTable | None:
    """Read one table from numbered rows. ``strict``: an empty or unrecognised table is a problem
    (a CSV file the operator sent); otherwise it is skipped (an extra XLSX sheet)."""
    iterator = iter(rows)
    header_no, header = next(((n, r) for n, r in iterator if not all(map(is_empty, r))), (0, ()))
    if not header_no:
        if strict:
            log.add(None, None, "the file is empty; fill in the template's header and rows", sheet)
        return None
    names = [_header_text(cell) for cell in header]
    kind = table_from_name(name) or table_from_header(names)
    if kind is None:
        message = (
            f"cannot tell which table {sheet!r} is: name it after a table ({_NAMES_HINT}) "
            "or use the template's header"
        )
        if strict:
            log.add(None, None, message, sheet)
        else:
            log.warn(message + "; it was ignored")
        return None
    mapping = _map_header(kind, sheet, header_no, names, log)
    labels = {canonical: names[i] for i, canonical in mapping}
    table = RawTable(kind, sheet, columns=set(labels))
    for n, values in iterator:
        if n - header_no > max_rows:
            log.add(None, None, f"more than {max_rows} data rows; split the file into smaller ones", sheet)
            break
        width = len(values)
        cells = {canonical: values[i] for i, canonical in mapping if i < width}
        if not all(map(is_empty, cells.values())):
            table.rows.append(RawRow(sheet, n, cells, labels))
    return table


def _header_text(cell: object) -> str:
    try:
        return to_text(cell)
    except CellError:
        return ""


def _map_header(
    kind: TableKind, sheet: str, header_no: int, names: list[str], log: ProblemLog
) -> list[tuple[int, str]]:
    """(column index, canonical name) for every known header cell."""
    mapping: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for i, name in enumerate(names):
        if not name:
            continue
        canonical = canonical_column(kind, name)
        if canonical is None:
            log.warn(f"{sheet}: column {name!r} is not a {kind} column and was ignored")
        elif canonical in seen:
            log.add(header_no, name, f"column {canonical} appears twice (also as {seen[canonical]!r})", sheet)
        else:
            seen[canonical] = name
            mapping.append((i, canonical))
    return mapping
