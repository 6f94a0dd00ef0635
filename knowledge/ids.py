"""The id rule: which ids may name a catalog, and the safe key that names its files on disk.

A catalog id travels into URLs, file-system paths (the catalog's search-index folder) and HTTP
headers (the export's file name). One rule keeps all of them safe:

- 1 to ``MAX_ID_CHARS`` characters;
- letters and digits of any script (``双十一`` is fine), marks, and ``_``, ``-``, ``.``;
- not made of dots only (``.`` and ``..`` are path navigation, never names).

Nothing on disk is named by the raw id: ``path_key`` gives a fixed-length hash key, so an id such
as ``embeddings.sqlite3`` can never collide with a file the service keeps beside the index folders,
and a long id never passes the file system's name limit.
"""

from __future__ import annotations

import hashlib
import unicodedata

from knowledge.errors import InvalidIdError

MAX_ID_CHARS = 64
_PUNCTUATION = frozenset("_-.")
_WORD_CATEGORIES = ("L", "M", "N")  # letters, marks, digits of every script


def id_problem(value: str, what: str = "catalog_id") -> str | None:
    """Why ``value`` is not a valid ``what``, or None when it is; the message names the id."""
    shown = repr(value if len(value) <= 80 else value[:80] + "…")
    if not value:
        return f"{what} is empty; use 1 to {MAX_ID_CHARS} letters, digits, '_', '-' or '.'"
    if len(value) > MAX_ID_CHARS:
        return f"{what} {shown} has {len(value)} characters; the limit is {MAX_ID_CHARS}"
    if set(value) == {"."}:
        return f"{what} {shown} is only dots; use letters or digits"
    for char in value:
        if char not in _PUNCTUATION and not unicodedata.category(char).startswith(_WORD_CATEGORIES):
            return (
                f"{what} {shown} contains {char!r} (U+{ord(char):04X}); "
                "use only letters, digits, '_', '-' or '.'"
            )
    return None


def check_id(value: str, what: str = "catalog_id") -> str:
    """``value`` when it follows the id rule; ``InvalidIdError`` naming it otherwise."""
    problem = id_problem(value, what)
    if problem is not None:
        raise InvalidIdError(problem)
    return value


def path_key(value: str) -> str:
    """The file-system name for an id: 32 hex digits of its SHA-256 (the same id, the same key)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
