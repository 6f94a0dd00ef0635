"""CSV text encodings: accept only what is certain, name the first bad row otherwise.

A wrong guess does not fail loudly: Big5, Shift-JIS or Latin-1 bytes read as GBK give plausible
looking Chinese mojibake that would be stored and answered from. So the text is accepted only in
an encoding that is certain:

- UTF-8 (with or without BOM) that decodes without a single error;
- UTF-16 with its BOM (Excel's "Unicode text");
- GB18030 / GBK (Excel on Chinese Windows) when the decoded text is clean simplified Chinese
  (every non-ASCII character is a GB2312 hanzi or common punctuation), or when the detector
  (charset-normalizer) also reads the bytes as GB18030.

Everything else is ``DecodeError`` naming the first row (line) that is not UTF-8 and, where the
detector recognises it, the encoding the file seems to be in. A file that is UTF-8 except for a few
damaged rows is reported as such (it is not re-read as GBK).
"""

from __future__ import annotations

from dataclasses import dataclass

_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936", "hz"})
# GB2312 lead bytes of hanzi (B0-F7) and of punctuation, numbers and full-width ASCII (A1-A3).
# Rows A4-A9 (kana, Greek, Cyrillic, pinyin, box drawing) are where Big5 bytes read as GBK land.
_CLEAN_LEADS = frozenset(range(0xB0, 0xF8)) | {0xA1, 0xA2, 0xA3}
_DETECT_BYTES = 1024 * 1024
_UTF8_MAJORITY = 3  # valid multi-byte UTF-8 bytes per invalid byte that make a file "UTF-8, damaged"


class DecodeError(ValueError):
    """Bytes that are not text in a certain encoding; ``row`` is the first bad line (or None)."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True, slots=True)
class _Utf8Failure:
    row: int
    byte: int


def decode_text(content: bytes) -> str:
    """The file's text in a certain encoding; ``DecodeError`` (with the first bad row) otherwise."""
    if content.startswith(b"PK\x03\x04"):
        raise DecodeError("this is a zip/xlsx file, not CSV text; upload it with its .xlsx or .zip name")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(content)
    if b"\x00" in content[:4096]:
        raise DecodeError("this is a binary file, not CSV text; save it as CSV UTF-8")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        failure = _Utf8Failure(content.count(b"\n", 0, exc.start) + 1, content[exc.start])
    if content.startswith(b"\xef\xbb\xbf") or _mostly_utf8(content):
        raise DecodeError(
            f"the file is UTF-8 except at row {failure.row} (byte 0x{failure.byte:02X} is not UTF-8): "
            "that row was pasted from text in another encoding; retype it or save the file as "
            "CSV UTF-8 again",
            failure.row,
        )
    text = _gb18030(content)
    if text is not None and _clean_chinese(text):
        return text
    guess = _detected(content)
    if text is not None and guess in _GB_FAMILY:
        return text
    seems = f"it seems to be {guess} text, " if guess and guess not in _GB_FAMILY else ""
    raise DecodeError(
        f"the text encoding is not certain ({seems}not UTF-8 from row {failure.row} on, byte "
        f"0x{failure.byte:02X}); save it as CSV UTF-8 (Excel: Save As > CSV UTF-8)",
        failure.row,
    )


def _utf16(content: bytes) -> str:
    try:
        return content.decode("utf-16")
    except UnicodeDecodeError as exc:
        row = content[: exc.start].decode("utf-16", "replace").count("\n") + 1
        raise DecodeError(f"the UTF-16 text is damaged at row {row}; save it again", row) from None


def _mostly_utf8(content: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 sequences (a UTF-8 file with bad rows)."""
    valid = len(content.decode("utf-8", "ignore").encode("utf-8"))  # bytes in valid sequences
    ascii_bytes = len(content.decode("ascii", "ignore"))
    invalid = len(content) - valid
    return valid - ascii_bytes >= _UTF8_MAJORITY * invalid


def _gb18030(content: bytes) -> str | None:
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _clean_chinese(text: str) -> bool:
    """Every distinct non-ASCII character is a GB2312 hanzi or common punctuation."""
    for char in set(text):
        if char <= "\x7f":
            continue
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            return False
        if encoded[0] not in _CLEAN_LEADS:
            return False
    return True


def _detected(content: bytes) -> str | None:
    """charset-normalizer's best guess for the first MiB (lower-case codec name), or None."""
    from charset_normalizer import from_bytes  # rarely needed: keep `import knowledge` light

    best = from_bytes(content[:_DETECT_BYTES]).best()
    return None if best is None else str(best.encoding).lower()
