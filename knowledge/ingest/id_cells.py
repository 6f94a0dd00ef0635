"""ID cells (product_id, sku_id, ...) must be read exactly: refuse numbers that lost digits.

Excel keeps 15 significant digits of a number. A 19-digit product ID typed into a cell formatted as
"General" is stored as 1.23456789012346E+18 in the XLSX file and written as "1.23457E+18" into a
CSV saved from it: the last digits are gone, and two products whose IDs share their first digits
become one. Such a cell cannot be repaired, so it is a problem that names the cell and says how to
keep the IDs as text. Integers read from the file (JSON, XLSX cells written as exact integers) and
text are kept as they are.
"""

from __future__ import annotations

import math
import re

from knowledge.ingest.cells import CellError, split_list, to_text

EXCEL_DIGITS = 15
ID_COLUMNS = frozenset({"product_id", "sku_id", "promo_id", "shipping_id", "after_sales_id"})
ID_LIST_COLUMNS = frozenset({"complements", "sku_ids", "product_ids"})
# What Excel's "General" format shows (and saves to CSV) for a number too long for the cell.
_EXCEL_SCIENTIFIC = re.compile(r"^-?\d(?:\.\d+)?E\+\d{2,}$")
_FIX = "format the ID column as Text in Excel (or in the system that exported it) and enter the IDs again"


def _check_number(raw: object) -> None:
    if isinstance(raw, float) and math.isfinite(raw) and abs(raw) >= 10**EXCEL_DIGITS:
        raise CellError(
            f"the ID {raw:.15G} is stored as a number, and a number keeps only {EXCEL_DIGITS} digits: "
            f"the ID's last digits are lost (two IDs may have become one); {_FIX}"
        )


def _check_text(text: str) -> str:
    if _EXCEL_SCIENTIFIC.match(text):
        raise CellError(
            f"the ID {text!r} is a rounded number in scientific notation (Excel showed a long ID as a "
            f"number and saved it that way): its digits are lost; {_FIX}"
        )
    return text


def id_text(raw: object) -> str:
    """An ID cell's exact text; ``CellError`` for a number that cannot hold the ID exactly."""
    _check_number(raw)
    return _check_text(to_text(raw))


def id_list(raw: object, separators: str) -> tuple[str, ...]:
    """A list-of-IDs cell, every ID exact (see ``id_text``)."""
    _check_number(raw)
    items = split_list(raw, separators)
    for item in items:
        _check_text(item)
    return items
