"""CSV files: encoding and delimiter detection, then one table per file.

Encodings (``knowledge.ingest.encoding``): UTF-8 (with or without BOM), UTF-16 with BOM (Excel
"Unicode text"), GBK/GB18030 (Excel on Chinese Windows) when certain; anything else is a problem
naming the first row that is not UTF-8. Delimiters: comma, tab or semicolon, whichever the header
line uses most. Lines are handed to the csv module one at a time (no second copy of the text).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import PurePath

from knowledge.ingest.encoding import DecodeError, decode_text
from knowledge.ingest.model import ProblemLog, RawTable
from knowledge.ingest.tabular import read_table

__all__ = ["DecodeError", "decode_text", "read_csv"]

_DELIMITERS = (",", "\t", ";")
_HEADER_SCAN_CHARS = 64 * 1024
# One line with its terminator, split like ``open(newline="")`` does: \r\n, \r or \n.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _delimiter(text: str) -> str:
    head = text[:_HEADER_SCAN_CHARS]
    first_line = head[: head.find("\n")] if "\n" in head else head
    return max(_DELIMITERS, key=first_line.count)


def _lines(text: str) -> Iterator[str]:
    """The text's lines, terminators kept (what csv.reader expects), produced lazily."""
    for match in _LINE.finditer(text):
        yield match.group()


def _records(reader: Iterator[list[str]], sheet: str, log: ProblemLog) -> Iterator[tuple[int, list[str]]]:
    """Numbered records (the header is record 1); a CSV syntax error ends the file with a problem."""
    n = 0
    try:
        for n, record in enumerate(reader, 1):
            yield n, record
    except csv.Error as exc:
        log.add(n + 1, None, f"the file is not valid CSV here: {exc}", sheet)


def read_csv(filename: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    """The one table in a CSV file (named by the file stem or recognised by the header)."""
    try:
        text = decode_text(content)
    except DecodeError as exc:
        log.add(exc.row, None, f"cannot read the file: {exc}", filename)
        return []
    reader = csv.reader(_lines(text), delimiter=_delimiter(text))
    stem = PurePath(filename).stem
    table = read_table(filename, stem, _records(reader, filename, log), log, max_rows, strict=True)
    return [] if table is None else [table]
