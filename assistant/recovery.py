"""Danmaku accepted durably before they are answered, and the background task that answers those a
dead process held (several processes on Redis: ``assistant.state`` ``DanmakuLog``; the same task
applies the behaviour-event batches of ``EventLog``).

``AcceptedBatch`` is a batch taken in by ``LiveRooms.accept_danmaku``: with a danmaku log its new
messages are recorded (a Redis Stream entry each) and held by this process, so "accepted" means
"will be answered, by this process or, if it dies, by another". ``LogRecovery`` is one daemon
thread per process that every ``interval_s`` seconds claims entries held longer than
``min_idle_s`` (a process that died or stalled) and applies them (``LiveRooms.recover_danmaku``,
``RoomRecommenders.recover_events``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from assistant.danmaku.replies import BatchResult, Ignored, Reply, readdress
from assistant.danmaku.types import Danmaku
from assistant.state.records import LoggedDanmaku

log = logging.getLogger(__name__)

CLAIM_IDLE_S = 15.0  # an entry held this long unanswered is taken over (LLM deadlines are ~3 s)
CLAIM_INTERVAL_S = 1.0  # how often each process looks for such entries (one XAUTOCLAIM per room)


@dataclass(frozen=True, slots=True)
class AcceptedBatch:
    """A batch taken in for ``room_id``. ``durable``: recorded in the danmaku log before answering;
    then ``entries`` are its new messages, held by ``consumer``, and ``duplicates`` the msg_ids
    recorded before (never answered again). Not durable: ``messages`` are answered as they are."""

    room_id: str
    messages: tuple[Danmaku, ...]
    entries: tuple[LoggedDanmaku, ...] = ()
    duplicates: tuple[str, ...] = ()
    consumer: str = ""
    durable: bool = False


def drop_claimed(result: BatchResult, lost: set[str], by_id: Mapping[str, Danmaku]) -> BatchResult:
    """The outcome of a batch without the messages another process claimed before this one
    finished (that process answers them): they are reported ``duplicate`` here instead. A reply
    to several messages keeps only the viewers whose message this process still held (its
    mentions rewritten), so no viewer is answered by both processes."""
    replies = []
    for reply in result.replies:
        kept = tuple(m for m in reply.reply_to if m not in lost)
        if not kept:
            continue
        if len(kept) < len(reply.reply_to):
            reply = _narrowed(reply, kept, by_id)
        replies.append(reply)
    joined = [j for j in result.joined if j.msg_id not in lost]
    ignored = [i for i in result.ignored if i.msg_id not in lost]
    ignored += [Ignored(m, "duplicate") for m in sorted(lost)]
    return BatchResult(replies=replies, ignored=ignored, joined=joined)


def _narrowed(reply: Reply, kept: tuple[str, ...], by_id: Mapping[str, Danmaku]) -> Reply:
    """``reply`` addressed only to the messages ``kept`` (a subset of its ``reply_to``)."""
    names = [by_id[m].nickname for m in reply.reply_to if m in by_id]
    kept_names = [by_id[m].nickname for m in kept if m in by_id]
    viewers = tuple(dict.fromkeys(by_id[m].viewer_id for m in kept if m in by_id))
    return replace(reply, reply_to=kept, viewer_ids=viewers, text=readdress(reply.text, names, kept_names))


class LogRecovery:
    """Calls each of ``recover`` (what it claims by name, e.g. ``{"danmaku": ...}``: claim and
    apply stale entries, return how many) every ``interval_s`` seconds on a daemon thread until
    ``close``; an error is logged and retried next time, and never stops the others."""

    def __init__(
        self, recover: Mapping[str, Callable[[], int]], interval_s: float = CLAIM_INTERVAL_S
    ) -> None:
        self._recover = dict(recover)
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log recovery", daemon=True)

    def start(self) -> LogRecovery:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            for what, recover in self._recover.items():
                try:
                    claimed = recover()
                except Exception:
                    log.exception("claiming unapplied %s failed; retried in %.1f s", what, self._interval)
                    continue
                if claimed:
                    log.info(
                        "applied %d %s entries another process had accepted and not applied", claimed, what
                    )

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
