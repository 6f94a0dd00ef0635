"""Checking an XLSX package before openpyxl reads it: sizes, shared strings, no DTDs.

An XLSX file is a zip of XML parts, so it can be a decompression bomb, and openpyxl loads the whole
shared-strings table into memory before the first row is read (a 300 KB file with millions of
shared strings costs tens of seconds and most of a gigabyte). So the parts are first streamed once
(``knowledge.ingest.unpack``: bytes counted as they inflate, declared sizes never trusted) through
an expat parser that counts shared strings (``<si>``) and stops at the first limit passed. Nothing
is kept but the counts, so memory stays flat whatever the file holds; worksheet cells are counted
later, as openpyxl streams the rows one at a time. XML with a DTD (entity declarations: "billion
laughs") is refused; Excel never writes one.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from knowledge.ingest.unpack import TooLargeError, UnpackError, stream_member

MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024  # all parts together, counted as they inflate
MAX_XLSX_OTHER_PART_BYTES = 16 * 1024 * 1024  # a part other than a worksheet or shared strings
MAX_XLSX_PARTS = 1_000
MAX_XLSX_CELLS = 2_000_000  # cell positions read in all worksheets together (see read_xlsx)
MAX_SHARED_STRINGS = 1_000_000


class WorkbookLimitError(UnpackError):
    """A workbook past one of the documented limits; the message names the part and the limit."""


@dataclass(slots=True)
class _Counts:
    strings: int = 0
    unpacked: int = 0


def check_workbook(content: bytes) -> None:
    """Raise ``WorkbookLimitError`` / ``UnpackError`` when the package is past a limit or damaged;
    a file that is not a zip at all is left for openpyxl to report."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_XLSX_PARTS:
            raise WorkbookLimitError(f"the workbook has {len(infos)} parts; the limit is {MAX_XLSX_PARTS}")
        counts = _Counts()
        for info in infos:
            _scan_part(archive, info, counts)


def _kind(name: str) -> str:
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
        return "sheet"
    if lower.endswith("sharedstrings.xml"):
        return "strings"
    return "xml" if lower.endswith((".xml", ".rels", ".vml")) else "other"


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, counts: _Counts) -> None:
    kind = _kind(info.filename)
    left = MAX_XLSX_UNPACKED_BYTES - counts.unpacked
    budget = left if kind in ("sheet", "strings") else min(left, MAX_XLSX_OTHER_PART_BYTES)
    parser = _parser(info.filename, kind, counts) if kind != "other" else None

    def feed(chunk: bytes) -> None:
        if parser is not None:
            try:
                parser.Parse(chunk, False)
            except expat.ExpatError as exc:
                raise UnpackError(f"part {info.filename!r} is not valid XML ({exc})") from None

    try:
        counts.unpacked += stream_member(archive, info, budget, feed, f"part {info.filename!r}")
        if parser is not None:
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnpackError(f"part {info.filename!r} is not valid XML ({exc})") from None
    except TooLargeError:
        limit = "the workbook's limit" if budget == left else "the limit for one part"
        raise WorkbookLimitError(
            f"part {info.filename!r} of the workbook inflates past {limit} "
            f"({budget / 2**20:.0f} MiB); its header said {info.file_size:,} bytes"
        ) from None


def _parser(part: str, kind: str, counts: _Counts) -> expat.XMLParserType:
    """An expat parser that refuses DTDs and counts shared strings. Worksheet cells are counted as
    openpyxl streams the rows (``read_xlsx``), which holds one row at a time."""
    parser = expat.ParserCreate()

    def no_dtd(*_: object) -> None:
        raise WorkbookLimitError(f"part {part!r} declares a DTD (XML entities), which Excel never writes")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd

    def on_string(tag: str, _attrs: object) -> None:
        if tag == "si" or tag.endswith(":si"):
            counts.strings += 1
            if counts.strings > MAX_SHARED_STRINGS:
                raise WorkbookLimitError(
                    f"the workbook has more than {MAX_SHARED_STRINGS:,} shared strings ({part!r}); "
                    "split the catalog into smaller files"
                )

    if kind == "strings":
        parser.StartElementHandler = on_string
    return parser
