"""CSV files: encoding and delimiter detection, then one table per file.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), GBK/GB18030
(Excel on Chinese Windows), and whatever charset-normalizer recognises as a last resort.
Delimiters: comma, tab or semicolon, whichever the header line uses most.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import PurePath

from knowledge.ingest.model import ProblemLog, RawTable
from knowledge.ingest.tabular import read_table

_DELIMITERS = (",", "\t", ";")


class DecodeError(ValueError):
    """Bytes that are not text in a supported encoding."""


def decode_text(content: bytes) -> str:
    """The file's text: UTF-8(-BOM), UTF-16 with BOM, GB18030 (covers GBK), or a detected charset."""
    if content.startswith(b"PK\x03\x04"):
        raise DecodeError("this is a zip/xlsx file, not CSV text; upload it with its .xlsx or .zip name")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if b"\x00" in content[:4096]:
        raise DecodeError("this is a binary file, not CSV text; save it as CSV UTF-8")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # rarely needed: keep `import knowledge` light

    best = from_bytes(content).best()
    if best is None:
        raise DecodeError("the text encoding is not UTF-8 or GBK; save it as CSV UTF-8")
    return str(best)


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=first_line.count)


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
    except (DecodeError, UnicodeDecodeError) as exc:
        log.add(None, None, f"cannot read the file: {exc}", filename)
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    stem = PurePath(filename).stem
    table = read_table(filename, stem, _records(reader, filename, log), log, max_rows, strict=True)
    return [] if table is None else [table]
