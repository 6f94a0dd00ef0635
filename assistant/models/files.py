"""File primitives for the model cache: streaming sha256, hashed copies, atomic directories, manifests.

Weights are large (up to ~470 MB), so everything streams in 1 MiB chunks. A model directory only
becomes visible under its final name once it is complete: it is built in a sibling temporary
directory and renamed into place, so a crash never leaves a half-written model that looks valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class FileDigest:
    """sha256 (hex) and size in bytes of one file."""

    sha256: str
    size_bytes: int


def sha256_file(path: Path) -> FileDigest:
    """Hash a file by streaming it; returns its sha256 and size."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(digest.hexdigest(), size)


def concat_hashed(sources: Sequence[Path], target: Path) -> FileDigest:
    """Concatenate ``sources`` into ``target`` (streamed, never all in memory), hashing the output."""
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for source in sources:
            with source.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return FileDigest(digest.hexdigest(), size)


def copy_hashed(source: Path, target: Path) -> FileDigest:
    """Copy one file, hashing the bytes written."""
    return concat_hashed([source], target)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and ``os.replace`` it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield an empty temporary directory that replaces ``target`` when the block succeeds.

    On error the temporary directory is deleted and ``target`` is left untouched. An existing
    ``target`` (e.g. a corrupt cache being repaired) is moved aside first and deleted after the
    rename, so there is no moment where a partial directory carries the final name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _make_shareable(tmp)
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _make_shareable(root: Path) -> None:
    """mkdtemp creates 0700 and some writers 0600; a model cache is read by other users/services."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def write_manifest(directory: Path, files: dict[str, FileDigest], source: dict[str, Any]) -> None:
    """Record the sha256 and size of every produced file, plus where it came from."""
    payload = {
        "version": MANIFEST_VERSION,
        "source": source,
        "files": {name: {"sha256": d.sha256, "size": d.size_bytes} for name, d in sorted(files.items())},
    }
    write_bytes_atomic(directory / MANIFEST_NAME, (json.dumps(payload, indent=2) + "\n").encode())


def read_manifest(directory: Path) -> dict[str, FileDigest] | None:
    """Return the recorded digests of a model directory, or None when absent or unreadable."""
    path = directory / MANIFEST_NAME
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        files = payload["files"]
        return {name: FileDigest(str(v["sha256"]), int(v["size"])) for name, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
