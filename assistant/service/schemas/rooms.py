"""Response models of the room routes: rooms, stage, room promotions, danmaku replies, handoffs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.service.schemas.catalogs import PromotionOut
from assistant.service.schemas.common import Timestamp
from assistant.service.schemas.faq import OperatorAnswerOut

ReplySourceName = Literal["catalog", "faq", "llm", "fallback", "clarify", "handoff"]


class StageEntryOut(BaseModel):
    start: Timestamp
    product_id: str | None = Field(description="None: the stage was cleared")


class RoomOut(BaseModel):
    room_id: str
    catalog_id: str
    title: str
    created_at: Timestamp
    stage: list[StageEntryOut] = Field(description="every stage change, oldest first")
    promotions: list[PromotionOut] = Field(description="promotions started in this room only")
    version: int
    on_stage: str | None = Field(description="the product on stage now (None: nothing)")


class RoomList(BaseModel):
    rooms: list[RoomOut]


class RoomPromotionSaved(BaseModel):
    promotion: PromotionOut
    room_version: int


class RoomVersionOnly(BaseModel):
    room_version: int


class ReplyOut(BaseModel):
    """One reply posted in the room (it may answer several similar messages)."""

    reply_id: str
    reply_to: list[str] = Field(description="msg_id of every message it answers")
    text: str
    product_id: str | None
    intent: str
    source: ReplySourceName
    ai_generated: bool = Field(description="the text was written by the LLM (label it as such)")
    latency_ms: float
    cached: bool = Field(description="served from the answer cache")
    held: bool = Field(
        False, description="held for the operator's approval (room review policy); not yet sent"
    )


class IgnoredOut(BaseModel):
    msg_id: str
    reason: str = Field(
        description="duplicate | viewer_flood | chatter | spam | abuse | steering | room_rate | empty"
    )


class JoinedOut(BaseModel):
    msg_id: str
    reply_id: str = Field(description="the reply posted moments ago that answers it too")


class DanmakuResult(BaseModel):
    replies: list[ReplyOut]
    ignored: list[IgnoredOut]
    joined: list[JoinedOut]


class HandoffOut(BaseModel):
    msg_id: str
    viewer_id: str
    nickname: str
    text: str
    product_id: str | None
    at: Timestamp


class HandoffGroupOut(BaseModel):
    """One question in the queue and every viewer who asked it."""

    question_key: str = Field(description="what was asked; viewers with one key asked one question")
    rank: int = Field(description="0 purchase-blocking, 1 after-sales, 2 other (lower first)")
    intent: str
    text: str = Field(description="the first viewer's wording")
    product_id: str | None
    count: int = Field(description="viewers' messages in the group")
    msg_ids: list[str] = Field(description="the messages, oldest first")
    first_at: Timestamp
    last_at: Timestamp


class HandoffList(BaseModel):
    handoffs: list[HandoffOut] = Field(description="every queued message, oldest first")
    groups: list[HandoffGroupOut] = Field(description="the same as questions: by rank, then oldest")
    capped: int = Field(
        description="handed-off messages this process turned away at the per-minute cap (they got "
        "a holding reply)"
    )


class HandoffReplyDone(BaseModel):
    """The operator's reply to a handoff question, as sent to the room, and the answer it saved."""

    reply: ReplyOut = Field(description="one reply addressed to every queued viewer it answered")
    answer: OperatorAnswerOut | None = Field(
        description="the operator answer saved from it (None: save_as_answer was false)"
    )
