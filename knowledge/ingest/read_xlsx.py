"""XLSX workbooks: one table per sheet, named by the sheet (English or Chinese) or its header.

The workbook is opened read-only with ``data_only=False``: a formula cell is read as its formula
text ("=SUM(A1)") and kept as plain text, never evaluated (and never trusted as a number).
Sheets named 说明 / readme are documentation and skipped; other unrecognised sheets are skipped
with a warning.

Before openpyxl sees the file, the package is checked (``knowledge.ingest.xlsx_package``): bytes
counted as they inflate, cells and shared strings counted, DTDs refused. Every row is read even when
the sheet's ``<dimension>`` tag is stale (openpyxl's read-only mode would trust it and stop early).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from knowledge.ingest.columns import is_info_sheet
from knowledge.ingest.model import ProblemLog, RawTable
from knowledge.ingest.tabular import read_table
from knowledge.ingest.unpack import UnpackError
from knowledge.ingest.xlsx_package import MAX_XLSX_CELLS, WorkbookLimitError, check_workbook


def _plain(value: object) -> object:
    """A cell value as a plain Python value (formula objects become their formula text)."""
    if value is None or isinstance(value, str | int | float | bool | Decimal | datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return str(text) if text is not None else str(value)


class _CellBudget:
    """Cell positions read so far in one workbook (blanks between cells included), against
    ``MAX_XLSX_CELLS``: a row whose only cell sits in column XFD is 16,384 positions."""

    def __init__(self) -> None:
        self.read = 0

    def rows(self, sheet: Any) -> Iterator[tuple[int, Sequence[object]]]:
        sheet.reset_dimensions()  # the <dimension> tag may be stale: read every row there is
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
            self.read += len(values)
            if self.read > MAX_XLSX_CELLS:
                raise WorkbookLimitError(
                    f"sheet {sheet.title!r} passes {MAX_XLSX_CELLS:,} cells at row {n} (counting the "
                    "empty cells between filled ones); delete unused rows and columns or split the file"
                )
            yield n, [_plain(v) for v in values]


def read_xlsx(filename: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    """Every recognised table of the workbook; a workbook that cannot be opened is one problem."""
    import openpyxl  # only needed for XLSX uploads

    try:
        check_workbook(content)
    except UnpackError as exc:
        log.add(None, None, f"cannot read the workbook: {exc}", filename)
        return []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError, InvalidFileException)
        log.add(None, None, f"cannot open the workbook ({exc}); save it again as .xlsx", filename)
        return []
    tables: list[RawTable] = []
    budget = _CellBudget()
    try:
        for sheet in workbook.worksheets:
            if is_info_sheet(sheet.title):
                continue
            table = read_table(sheet.title, sheet.title, budget.rows(sheet), log, max_rows, strict=False)
            if table is not None:
                tables.append(table)
    except WorkbookLimitError as exc:
        log.add(None, None, f"cannot read the workbook: {exc}", filename)
    except Exception as exc:  # a corrupt sheet part surfaces only while iterating
        log.add(None, None, f"cannot read the workbook ({exc}); save it again as .xlsx", filename)
    finally:
        workbook.close()
    return tables
