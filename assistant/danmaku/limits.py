"""The rate rules of danmaku (one definition each) and ``trusted_time``.

The service keeps its guards in its state stores (``assistant.state`` ``MessageGuards``: seen ids in
SQLite or Redis, flood windows and reply budgets in memory or Redis); the in-process stores use the
classes below, and the Redis Lua scripts apply the same rules on the server.

- ``ViewerFlood``: at most ``per_minute`` messages per key (a viewer of a room) in any 60 s of
  message time; extra messages are dropped with reason ``viewer_flood``. LRU-bounded in keys.
- ``ReplyBudget``: a token bucket of ``rate_per_s`` replies per room (burst ``burst``), spent in
  priority order (purchase questions first); replies over budget are dropped with ``room_rate``.
  It refills on the service's clock, never on a client's ``ts``: one message dated 2099 must not
  stop the bucket from refilling until that date.
- ``trusted_time``: a client's ``ts`` is used (for the stage, the prices and the flood window at
  the message time) only when it lies within ``TS_MAX_PAST`` before and ``TS_MAX_FUTURE`` after the
  service's clock; any other ``ts`` (a wrong client clock, 2099, year 9999) is replaced by the time
  the message was received.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Hashable
from datetime import datetime, timedelta

TS_MAX_PAST = timedelta(hours=1)  # a danmaku delivered late (platform backlog) keeps its own time
TS_MAX_FUTURE = timedelta(minutes=1)  # client clocks run a little ahead; beyond that a ts is not trusted


def trusted_time(ts: datetime | None, received: datetime) -> datetime:
    """``ts`` when it is within [received - TS_MAX_PAST, received + TS_MAX_FUTURE], else ``received``.

    Both must be timezone-aware. A ``ts`` so far out that comparing it overflows (year 9999 with a
    negative offset) is out of range too.
    """
    if ts is None:
        return received
    try:
        within = received - TS_MAX_PAST <= ts <= received + TS_MAX_FUTURE
    except OverflowError:
        within = False
    return ts if within else received


class ViewerFlood:
    """Sliding 60 s windows of message time per key (e.g. ``(room_id, viewer_id)``); thread-safe."""

    def __init__(self, per_minute: int, max_viewers: int = 200_000) -> None:
        self._limit = per_minute
        self._max_viewers = max_viewers
        self._times: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: Hashable, at: datetime) -> bool:
        """Count a message of ``key`` at ``at``; False (not counted) when the window is full."""
        now = at.timestamp()
        with self._lock:
            times = self._times.get(key)
            if times is None:
                times = deque()
                self._times[key] = times
                if len(self._times) > self._max_viewers:
                    self._times.popitem(last=False)
            self._times.move_to_end(key)
            while times and now - times[0] >= 60.0:
                times.popleft()
            if len(times) >= self._limit:
                return False
            times.append(now)
            return True


class ReplyBudget:
    """One room's token bucket; thread-safe."""

    def __init__(self, rate_per_s: float, burst: float | None = None) -> None:
        self._rate = rate_per_s
        self._burst = burst if burst is not None else max(1.0, rate_per_s * 2)
        self._tokens = self._burst
        self._last: float | None = None
        self._lock = threading.Lock()

    def take(self, at: datetime) -> bool:
        """Spend one reply at ``at`` (the service's clock); False when the room is over its reply rate.

        Time never runs backwards for the bucket: an ``at`` before the last one refills nothing."""
        now = at.timestamp()
        with self._lock:
            if self._last is not None and now > self._last:
                self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
            self._last = now if self._last is None else max(self._last, now)
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True
