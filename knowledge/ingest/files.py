"""Uploaded files -> raw tables: dispatch on the extension, unpack .zip archives safely.

A zip may hold CSV (or XLSX/JSON/JSONL) files; folders inside are flattened and macOS metadata
(``__MACOSX/``, ``._*``) is skipped. Zip bombs are refused: at most ``MAX_ZIP_MEMBERS`` files and
``MAX_ZIP_BYTES`` uncompressed. Member names written by Chinese Windows (GBK without the UTF-8 flag)
are decoded as GBK so ``商品.csv`` is recognised.
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

MAX_ZIP_MEMBERS = 64
MAX_ZIP_BYTES = 256 * 1024 * 1024

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
    except zipfile.BadZipFile as exc:
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
        if sum(info.file_size for info in members) > MAX_ZIP_BYTES:
            log.add(None, None, f"the zip unpacks to more than {MAX_ZIP_BYTES // 2**20} MiB", name)
            return []
        if not members:
            log.add(None, None, "the zip archive holds no files", name)
            return []
        tables: list[RawTable] = []
        for info in members:
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: encrypted
                log.add(None, None, f"cannot unpack {info.filename!r} ({exc})", name)
                continue
            inner = UploadedFile(PurePath(_member_name(info)).name, data)
            tables.extend(read_upload(inner, log, max_rows, nested=True))
        return tables
