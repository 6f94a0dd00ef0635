"""One live audio stream of a room: frames in, partial and final captions out.

Frames are queued to the stream's own worker thread (bounded: ``MAX_QUEUED_FRAMES``) so the event
loop only moves bytes. When more than ``BEHIND_S`` seconds of audio wait in the queue the worker
tells the session it is behind: partial captions are skipped (frames processed so are counted in
``liveshop_caption_frames_behind_total``), final captions are never dropped. The lag (audio
received minus audio processed, seconds) is exported as ``liveshop_caption_lag_seconds`` after
every frame, and set back to 0 when the stream ends.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from speech.domain import SAMPLE_RATE
from speech.errors import SpeechError
from speech.live import CaptionEvent, LiveCaptionSession

log = logging.getLogger(__name__)

MAX_QUEUED_FRAMES = 2000
BEHIND_S = 1.0


@dataclass(frozen=True, slots=True)
class CaptionMessage:
    """What listeners receive for one caption event."""

    kind: str
    speaker: str | None
    text: str
    start_s: float
    end_s: float
    at: datetime  # wall time of the caption start

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": "caption",
            "kind": self.kind,
            "speaker": self.speaker,
            "text": self.text,
            "start": round(self.start_s, 3),
            "end": round(self.end_s, 3),
            "at": self.at.isoformat(),
        }


Emit = Callable[[CaptionMessage], None]


class LiveAudioStream:
    """Drives a LiveCaptionSession from its own thread."""

    def __init__(
        self,
        session: LiveCaptionSession,
        started_at: datetime,
        emit: Emit,
        on_final: Callable[[CaptionEvent], None],
        on_lag: Callable[[float, bool], None],
    ) -> None:
        self._session = session
        self.started_at = started_at
        self._emit = emit
        self._on_final = on_final
        self._on_lag = on_lag
        self._queue: queue.Queue[bytes | None] = queue.Queue(MAX_QUEUED_FRAMES)  # None: end of stream
        self._queued_samples = 0
        self._lock = threading.Lock()
        self.error: Exception | None = None
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-captions", daemon=True)
        self._thread.start()

    def put(self, frame: bytes) -> bool:
        """Queue a frame; False when the queue is full (the client sends faster than real time)."""
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            return False
        with self._lock:
            self._queued_samples += len(frame) // 2
        return True

    def end(self) -> None:
        """No more audio: finalise what is pending (blocks until the queue has room)."""
        self._queue.put(None)

    def _run(self) -> None:
        try:
            while True:
                frame = self._queue.get()
                if frame is None:
                    self._publish(self._session.finish())
                    return
                with self._lock:
                    self._queued_samples -= len(frame) // 2
                    lag_s = self._queued_samples / SAMPLE_RATE
                behind = lag_s > BEHIND_S
                self._on_lag(lag_s, behind)
                self._publish(self._session.feed(frame, behind=behind))
        except SpeechError as exc:
            self.error = exc
        except Exception as exc:  # a failing stream must not take the service down
            log.exception("live caption stream failed")
            self.error = exc
        finally:
            self._on_lag(0.0, False)  # an ended stream is behind by nothing (no stale gauge)
            self.done.set()

    def _publish(self, events: list[CaptionEvent]) -> None:
        for event in events:
            caption = event.caption
            message = CaptionMessage(
                event.kind,
                caption.speaker,
                caption.text,
                caption.start,
                caption.end,
                self.started_at + timedelta(seconds=caption.start),
            )
            if event.kind == "final":
                self._on_final(event)
            self._emit(message)
