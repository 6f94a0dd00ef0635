"""Uploaded files -> raw tables: dispatch on the extension, unpack .zip archives safely.

A zip may hold CSV (or XLSX/JSON/JSONL) files; folders inside are flattened and macOS metadata
(``__MACOSX/``, ``._*``) is skipped. Zip bombs are refused: at most ``MAX_ZIP_MEMBERS`` files and
``MAX_ZIP_BYTES`` uncompressed, counted as the bytes inflate (``knowledge.ingest.unpack``): a header
that understates a member's size changes nothing. Member names written by Chinese Windows (GBK
without the UTF-8 flag) are decoded as GBK so ``商品.csv`` is recognised.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from knowledge.ingest.model import ProblemLog, RawTable
from knowledge.ingest.read_csv import read_csv
from knowledge.ingest.read_json import read_json, read_jsonl
from knowledge.ingest.read_xlsx import read_xlsx
from knowledge.ingest.unpack import TooLargeError, UnpackError, read_member

MAX_ZIP_MEMBERS = 64
MAX_ZIP_BYTES = 64 * 1024 * 1024  # unpacked, all members together: counted as they inflate
_ZIP_LIMIT = f"the limit is {MAX_ZIP_BYTES // 2**20} MiB unpacked for the whole archive"

Reader = Callable[[str, bytes, ProblemLog, int], list[RawTable]]
READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
}
_SUPPORTED = ".csv, .xlsx, .json, .jsonl or .zip (of CSV files)"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One uploaded file: its name (the extension picks the reader) and its bytes."""

    filename: str
    content: bytes


def read_upload(
    file: UploadedFile, log: ProblemLog, max_rows: int, *, nested: bool = False
) -> list[RawTable]:
    """The raw tables of one upload; every problem goes to ``log``."""
    name = PurePath(file.filename.replace("\\", "/")).name or "upload"
    suffix = PurePath(name).suffix.lower()
    if not file.content.strip():
        log.add(None, None, "the file is empty", name)
        return []
    if suffix == ".zip" and not nested:
        return _read_zip(name, file.content, log, max_rows)
    reader = READERS.get(suffix)
    if reader is None:
        hint = "; save it as .xlsx" if suffix == ".xls" else ""
        log.add(None, None, f"unsupported file type {suffix or '(none)'!r}: use {_SUPPORTED}{hint}", name)
        return []
    return reader(name, file.content, log, max_rows)


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # no UTF-8 flag: zipfile decoded it as cp437
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def _read_zip(name: str, content: bytes, log: ProblemLog, max_rows: int) -> list[RawTable]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        log.add(None, None, f"cannot open the zip archive ({exc})", name)
        return []
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not PurePath(info.filename).name.startswith(".")
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            log.add(None, None, f"the zip holds {len(members)} files; the limit is {MAX_ZIP_MEMBERS}", name)
            return []
        if not members:
            log.add(None, None, "the zip archive holds no files", name)
            return []
        return _read_members(name, archive, members, log, max_rows)


def _read_members(
    name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], log: ProblemLog, max_rows: int
) -> list[RawTable]:
    """Unpack and read each member; the bytes actually inflated (not the headers' claims) count
    against ``MAX_ZIP_BYTES`` for the whole archive, and the reading stops where they pass it."""
    declared = sum(info.file_size for info in members)
    if declared > MAX_ZIP_BYTES:  # refused before inflating anything (honest headers)
        big = max(members, key=lambda info: info.file_size)
        message = f"the zip unpacks to {declared:,} bytes ({_member_name(big)!r}: {big.file_size:,})"
        log.add(None, None, f"{message}; {_ZIP_LIMIT}", name)
        return []
    tables: list[RawTable] = []
    left = MAX_ZIP_BYTES
    for info in members:
        member = _member_name(info)
        try:
            data = read_member(archive, info, left, repr(member))
        except TooLargeError:
            message = f"{member!r} inflates past the archive's limit ({_ZIP_LIMIT}); its header said "
            log.add(None, None, message + f"{info.file_size:,} bytes", name)
            return []
        except UnpackError as exc:
            log.add(None, None, str(exc), name)
            continue
        left -= len(data)
        inner = UploadedFile(PurePath(member).name, data)
        tables.extend(read_upload(inner, log, max_rows, nested=True))
    return tables
