"""Key names and small helpers shared by the redis stores.

Every key and channel starts with the store's prefix (tests use a random one and delete it after),
then the kind of state, then the ids, each percent-quoted so an id holding ``:`` or ``*`` can never
reach another id's key nor act as a glob pattern.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from redis import Redis


@lru_cache(maxsize=65_536)
def quoted(key_id: str) -> str:
    """``key_id`` percent-quoted for a key (remembered: a batch names the same rooms and viewers
    in dozens of keys)."""
    return quote(key_id, safe="")


class Keys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def key(self, kind: str, *ids: str) -> str:
        return self.prefix + kind + "".join(":" + quoted(i) for i in ids)

    def pattern(self, kind: str, *ids: str) -> str:
        """A SCAN pattern for every key under ``kind`` and ``ids`` (the prefix's glob characters escaped)."""
        return re.sub(r"([*?\[\]\\])", r"\\\1", self.key(kind, *ids)) + ":*"


def text(value: Any) -> str:
    """A redis reply as text, whether the client decodes responses or not."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def delete_matching(client: Redis, pattern: str, batch: int = 500) -> int:
    """Delete every key matching ``pattern`` (SCAN, never KEYS); returns how many were deleted."""
    deleted, found = 0, []
    for key in client.scan_iter(match=pattern, count=batch):
        found.append(key)
        if len(found) >= batch:
            deleted += int(client.delete(*found))
            found = []
    if found:
        deleted += int(client.delete(*found))
    return deleted


def ms(seconds: float) -> int:
    """Seconds to whole milliseconds for PX / PEXPIRE (at least 1)."""
    return max(1, round(seconds * 1000))
