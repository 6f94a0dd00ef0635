"""A bounded background worker that embeds the passages an import left for later.

With ``HybridOptions.background_embedding`` an upsert makes every chunk BM25-searchable at once
and puts the passages whose vectors are not in the embedding cache into this backlog; one daemon
thread takes them in batches, embeds them (no lock held) and hands the vectors back to the index.
Hybrid search uses the vectors present, so the dense side is *eventually* consistent: until the
backlog is empty a new or edited product is found by its words only.

The thread exists only while there is work (it exits when the backlog is empty and a later
``submit`` starts a new one), so an idle index holds no thread. The backlog is keyed by chunk id:
a newer text for the same chunk replaces the queued one, so its size is bounded by the number of
chunks with a dense passage. ``wait`` blocks until it is empty (tests, CLI, benchmarks).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

Item = tuple[str, str]  # (chunk id, passage text)
EmbedBatch = Callable[[Sequence[Item]], None]


class EmbeddingBacklog:
    """Passages waiting for vectors, and the thread that embeds them ``batch`` at a time."""

    def __init__(self, embed_batch: EmbedBatch, batch: int = 64) -> None:
        self._embed_batch = embed_batch
        self._batch = max(1, batch)
        self._cond = threading.Condition()
        self._queued: dict[str, str] = {}  # insertion order = embedding order
        self._in_flight = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        self.failures = 0  # batches whose embedding raised (their items stay queued)

    def __len__(self) -> int:
        """Passages not embedded yet (queued plus the batch in flight)."""
        with self._cond:
            return len(self._queued) + self._in_flight

    @property
    def stalled(self) -> bool:
        """Passages are waiting but no worker runs (an embedding error stopped it, or closed)."""
        with self._cond:
            return bool(self._queued) and self._thread is None and not self._in_flight

    def submit(self, items: Sequence[Item]) -> None:
        """Queue ``items`` (a newer text for a queued chunk replaces it) and make sure a worker runs."""
        if not items:
            return
        with self._cond:
            for chunk_id, text in items:
                self._queued.pop(chunk_id, None)
                self._queued[chunk_id] = text
            self._start_locked()

    def discard(self, chunk_ids: Sequence[str]) -> None:
        """Forget queued passages of removed or re-texted chunks."""
        with self._cond:
            for chunk_id in chunk_ids:
                self._queued.pop(chunk_id, None)
            self._cond.notify_all()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the backlog is empty; False when ``timeout_s`` passed first or the worker
        gave up after an embedding error."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            while self._queued or self._in_flight:
                if self._thread is None and not self._in_flight:
                    return False  # nothing is working on the rest (an embedding error, or closed)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Stop after the batch in flight and wait for it (a process must not exit while the
        model is mid-batch: torch aborts it); queued passages stay unembedded."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _start_locked(self) -> None:
        if self._thread is None and not self._closed and self._queued:
            self._thread = threading.Thread(target=self._run, name="embedding-backlog", daemon=True)
            self._thread.start()

    def _take_locked(self) -> list[Item]:
        batch: list[Item] = []
        while self._queued and len(batch) < self._batch:
            chunk_id = next(iter(self._queued))
            batch.append((chunk_id, self._queued.pop(chunk_id)))
        self._in_flight = len(batch)
        return batch

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed or not self._queued:
                    self._thread = None
                    self._cond.notify_all()
                    return
                batch = self._take_locked()
            try:
                self._embed_batch(batch)
            except Exception:  # keep the items; stop until the next submit retries them
                logger.exception("embedding %d passages in the background failed", len(batch))
                with self._cond:
                    self.failures += 1
                    for chunk_id, text in batch:
                        self._queued.setdefault(chunk_id, text)
                    self._in_flight = 0
                    self._thread = None
                    self._cond.notify_all()
                return
            with self._cond:
                self._in_flight = 0
                self._cond.notify_all()
