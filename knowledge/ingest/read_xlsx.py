"""XLSX workbooks: one table per sheet, named by the sheet (English or Chinese) or its header.

The workbook is opened read-only with ``data_only=False``: a formula cell is read as its formula
text ("=SUM(A1)") and kept as plain text, never evaluated (and never trusted as a number).
Sheets named 说明 / readme are documentation and skipped; other unrecognised sheets are skipped
with a warning.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from knowledge.ingest.columns import is_info_sheet
from knowledge.ingest.model import ProblemLog, RawTable
from knowledge.ingest.tabular import read_table


def _plain(value: object) -> object:
    """A cell value as a plain Python value (formula objects become their formula text)."""
    if value is None or isinstance(value, str | int | float | bool | Decimal | datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return str(text) if text is not None else str(value)


def _rows(sheet: object) -> Iterator[tuple[int, Sequence[object]]]:
    for n, values in enumerate(sheet.iter_rows(values_only=True), 1):  # type: ignore[attr-defined]
        yield n, [_plain(v) for v in values]


def read_xlsx(filename: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    """Every recognised table of the workbook; a workbook that cannot be opened is one problem."""
    import openpyxl  # only needed for XLSX uploads

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError, InvalidFileException)
        log.add(None, None, f"cannot open the workbook ({exc}); save it again as .xlsx", filename)
        return []
    tables: list[RawTable] = []
    try:
        for sheet in workbook.worksheets:
            if is_info_sheet(sheet.title):
                continue
            table = read_table(sheet.title, sheet.title, _rows(sheet), log, max_rows, strict=False)
            if table is not None:
                tables.append(table)
    except Exception as exc:  # a corrupt sheet part surfaces only while iterating
        log.add(None, None, f"cannot read the workbook ({exc}); save it again as .xlsx", filename)
    finally:
        workbook.close()
    return tables
