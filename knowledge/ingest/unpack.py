"""Inflating zip members safely: bytes are counted as they inflate, declared sizes are never trusted.

A zip's headers say how large each member is, but nothing forces them to tell the truth, and a few
hundred kilobytes of deflate can inflate to gigabytes. So every member is read in small chunks and
the reading stops as soon as the bytes actually produced pass the budget: memory never holds more
than the budget, whatever the headers claim. Only the two methods Excel and every zip tool write
by default (stored, deflate) are read: bzip2 / LZMA inflate without a per-call output bound.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

CHUNK_BYTES = 64 * 1024
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


class UnpackError(Exception):
    """A member that cannot be unpacked within the limits; the message names the member."""


class TooLargeError(UnpackError):
    """A member (or the archive) that inflates past its byte budget."""


def check_method(info: zipfile.ZipInfo, label: str | None = None) -> None:
    """Refuse members compressed with anything but stored / deflate (no output bound per read)."""
    if info.compress_type not in _METHODS:
        raise UnpackError(
            f"{label or repr(info.filename)} is compressed with method {info.compress_type}; "
            "save the zip again with standard (deflate) compression"
        )


def stream_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: int,
    sink: Callable[[bytes], object],
    label: str | None = None,
) -> int:
    """Inflate ``info`` chunk by chunk into ``sink``; the bytes produced. Raises ``TooLargeError``
    as soon as more than ``budget`` bytes came out, and ``UnpackError`` for a damaged or
    encrypted member (a CRC mismatch from a header that lied about the size included).
    ``label`` names the member in messages (default: its name in the archive, quoted)."""
    shown = label or repr(info.filename)
    check_method(info, shown)
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                produced += len(chunk)
                if produced > budget:
                    raise TooLargeError(f"{shown} inflates to more than {budget:,} bytes")
                sink(chunk)
    except UnpackError:
        raise
    except zipfile.BadZipFile as exc:  # a bad CRC (a header that lied about the size), truncation
        raise UnpackError(
            f"cannot unpack {shown}: its data does not match its header ({exc}); the archive is "
            "damaged or was altered, pack the files again"
        ) from None
    except (OSError, EOFError, RuntimeError, ValueError, zlib.error) as exc:
        # RuntimeError: an encrypted member; zlib.error: corrupt deflate data.
        raise UnpackError(f"cannot unpack {shown} ({exc})") from None
    return produced


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, label: str | None = None
) -> bytes:
    """The member's bytes, at most ``budget`` of them (``TooLargeError`` past that)."""
    buffer = io.BytesIO()
    stream_member(archive, info, budget, buffer.write, label)
    return buffer.getvalue()  # hands over BytesIO's own buffer: no second copy
