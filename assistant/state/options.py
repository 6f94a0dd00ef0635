"""Limits and sizes of the state stores (one options object instead of long keyword lists).

Times are seconds; ``*_per_room`` bounds are entry counts. Defaults match the in-process modules
they replace (``PipelineLimits``, ``MAX_HANDOFFS_PER_ROOM``, ``MAX_CAPTIONS_PER_ROOM``...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StateOptions:
    dialogue_ttl_s: float = 600.0  # a viewer's dialogue expires this long after their last message
    dialogue_max_viewers: int = 200_000  # memory backend only (LRU); the others expire by TTL
    seen_ttl_s: float = 6 * 3600.0  # a msg_id is remembered this long (idempotency window)
    seen_per_room: int = 200_000  # memory backend bound (oldest dropped first)
    viewer_messages_per_min: int = 20  # flood limit per viewer, in any 60 s of message time
    viewer_flood_max_viewers: int = 200_000  # memory bound of the flood windows (LRU)
    room_replies_per_s: float = 20.0  # reply budget refill rate per room
    room_reply_burst: float | None = None  # bucket size; None: max(1, 2 x the rate)
    join_window_s: float = 10.0  # a repeat within this much room time joins the reply just posted
    recent_per_room: int = 5000  # recent replies kept per room (oldest dropped first)
    max_handoffs_per_room: int = 1000
    max_answers_per_catalog: int = 10_000
    max_captions_per_room: int = 20_000
    cas_attempts: int = 1000  # compare-and-set tries before ConflictError
    reply_id_block: int = 64  # reply ids reserved per store write (sqlite, redis); gaps after restarts

    @property
    def burst(self) -> float:
        return (
            self.room_reply_burst
            if self.room_reply_burst is not None
            else max(1.0, 2 * self.room_replies_per_s)
        )
