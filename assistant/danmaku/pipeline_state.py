"""The state the danmaku pipeline keeps between batches, behind the ``assistant.state`` interfaces.

Dedupe ids, flood windows and reply budgets (``MessageGuards``), the join window of recent replies
(``RecentReplies``) and reply ids (``ReplyIds``). The service hands in the configured stores (SQLite:
dedupe ids and reply ids survive a restart; Redis: shared by every process serving the room); a
pipeline built without them keeps everything in process (``in_memory``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.state.factory import StateStores
    from assistant.state.interfaces import MessageGuards, RecentReplies, ReplyIds


@dataclass(frozen=True, slots=True)
class PipelineState:
    guards: MessageGuards
    recent: RecentReplies
    reply_ids: ReplyIds

    @classmethod
    def from_stores(cls, stores: StateStores) -> PipelineState:
        return cls(stores.guards, stores.recent, stores.reply_ids)

    @classmethod
    def in_memory(
        cls,
        viewer_messages_per_min: int = 20,
        room_replies_per_s: float = 20.0,
        seen_ids_per_room: int = 200_000,
        join_window_s: float = 10.0,
    ) -> PipelineState:
        """In-process stores with these limits (tests, evals, a pipeline outside the service)."""
        from assistant.state import memory_core as mc
        from assistant.state.options import StateOptions

        options = StateOptions(
            viewer_messages_per_min=viewer_messages_per_min,
            room_replies_per_s=room_replies_per_s,
            seen_per_room=seen_ids_per_room,
            join_window_s=join_window_s,
        )
        return cls(mc.MemoryGuards(options), mc.MemoryRecent(options), mc.MemoryReplyIds())
