"""One danmaku batch's Redis reads in one round trip, its dialogue writes in one at the end.

Answering a message reads the room, the catalog's announced version, the viewer's dialogue and
flood window, and writes the dialogue back: five round trips per message if each went to Redis on
its own. Inside ``BatchCache.scope`` (entered by ``RedisDanmakuLog.batch`` on the thread that
answers the batch) the redis stores serve these from a cache filled by one pipeline:

- the room's review policy and the version of the catalog's operator answers are read with it (a
  process re-reads the answers only when that version moved);
- the room and the catalog's announced version are read once per batch: the whole batch is
  answered against the room and catalog as they were when it started (a stage change or a price
  acknowledged before that is seen; one acknowledged during the batch governs the next batch);
- every message's flood verdict is computed up front, in message order (the same Lua script, so
  the same windows as one call per message); the pipeline consumes them in that order;
- dialogue states are read up front and written through to the cache, so a viewer's second message
  in the batch sees the first one's state; the writes go to Redis in one pipeline when the scope
  ends (before the batch is marked answered in the log);
- replies the batch posts are kept for the join window in the cache (a later question of the same
  batch joins them) and written to Redis only after the batch is marked answered: a batch that
  fails, or that another process claimed meanwhile, posts nothing, so no question anywhere may join
  a reply that was never sent.

Outside a scope (other threads, other callers) every store goes to Redis as before.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.rooms import Room
from assistant.state.records import RecentReply


@dataclass
class BatchState:
    rooms: dict[str, Room] = field(default_factory=dict)
    latest: dict[str, int | None] = field(default_factory=dict)
    dialogue: dict[tuple[str, str], ViewerDialogue | None] = field(default_factory=dict)
    dirty: dict[tuple[str, str], ViewerDialogue] = field(default_factory=dict)
    flood: dict[tuple[str, str, float], deque[bool]] = field(default_factory=dict)
    recent: dict[tuple[str, str], RecentReply] = field(default_factory=dict)  # (room, answer key)
    policy: dict[str, str | bytes | None] = field(default_factory=dict)  # room -> review policy text
    answers_version: dict[str, int] = field(default_factory=dict)  # catalog -> operator-answer version


class BatchCache(threading.local):
    """The batch being answered on this thread, if any (``state`` None: no scope)."""

    state: BatchState | None = None
