"""Review before sending: a room's policy (which reply sources wait for approval) and its held replies.

``PUT /v1/rooms/{room_id}/review {"hold": ["llm", "faq"]}`` holds every new reply of those sources;
``GET /v1/rooms/{room_id}/held`` lists them; ``POST .../held/{reply_id}/approve`` sends one as
written, ``.../edit {"text"}`` sends the operator's text instead (422 naming each banned term or
amount not in the catalog; the reply stays held), ``.../reject`` drops it. Viewers see a held reply
only once approved. Policies and held replies are room state (``assistant.review.ReviewStore`` in
``assistant.state``: SQLite or Redis): a restart keeps them, and a reply approved on two processes at
once is sent once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.danmaku.types import ReplySource
from assistant.live import reply_to_dict
from assistant.review import EditRefusedError, HeldReply, UnknownHeldReplyError
from assistant.service.deps import ServicesDep
from assistant.service.errors import NotFoundError, UnprocessableError
from assistant.service.inputs import CleanModel
from assistant.service.schemas.common import Timestamp, error_responses
from assistant.service.schemas.params import RoomId
from assistant.service.schemas.rooms import ReplyOut, ReplySourceName

router = APIRouter(tags=["review"])


class ReviewPolicy(BaseModel):
    hold: list[ReplySourceName] = Field(
        description="reply sources held for the operator's approval (empty: every reply is sent at once)"
    )


class ReviewPolicyIn(CleanModel):
    hold: list[ReplySource] = Field(max_length=len(ReplySource))


class HeldQuestionOut(BaseModel):
    msg_id: str
    nickname: str
    text: str


class HeldReplyOut(BaseModel):
    reply: ReplyOut
    questions: list[HeldQuestionOut] = Field(description="the messages the reply answers")
    held_at: Timestamp


class HeldList(BaseModel):
    held: list[HeldReplyOut] = Field(description="oldest first")
    dropped: int = Field(description="held replies dropped unsent because the queue was full")


class EditIn(CleanModel):
    text: Annotated[str, Field(min_length=1, max_length=500)]


class ReviewDone(BaseModel):
    action: str = Field(description="approved | edited | rejected")
    reply: ReplyOut


def held_out(entry: HeldReply) -> HeldReplyOut:
    return HeldReplyOut(
        reply=ReplyOut.model_validate(reply_to_dict(entry.reply)),
        questions=[
            HeldQuestionOut(msg_id=q.msg_id, nickname=q.nickname, text=q.text) for q in entry.questions
        ],
        held_at=entry.held_at.isoformat(),
    )


def _policy(services: ServicesDep, room_id: str) -> ReviewPolicy:
    sources = services.live.review.policy(room_id)
    return ReviewPolicy(hold=[s.value for s in ReplySource if s in sources])


@router.get("/rooms/{room_id}/review", response_model=ReviewPolicy, responses=error_responses(404, 422))
def get_review(room_id: RoomId, services: ServicesDep) -> ReviewPolicy:
    """Which reply sources the room holds for approval."""
    services.live.get(room_id)
    return _policy(services, room_id)


@router.put("/rooms/{room_id}/review", response_model=ReviewPolicy, responses=error_responses(404, 422))
def put_review(room_id: RoomId, body: ReviewPolicyIn, services: ServicesDep) -> ReviewPolicy:
    """Hold new replies of these sources for approval (replies already held stay held)."""
    services.live.get(room_id)
    services.live.review.set_policy(room_id, body.hold)
    return _policy(services, room_id)


@router.get("/rooms/{room_id}/held", response_model=HeldList, responses=error_responses(404, 422))
def list_held(room_id: RoomId, services: ServicesDep) -> HeldList:
    """Replies waiting for the operator, oldest first."""
    held = services.live.held(room_id)
    return HeldList(held=[held_out(h) for h in held], dropped=services.live.review.dropped(room_id))


@router.post(
    "/rooms/{room_id}/held/{reply_id}/approve",
    response_model=ReviewDone,
    responses=error_responses(404, 422),
)
def approve_held(room_id: RoomId, reply_id: str, services: ServicesDep) -> ReviewDone:
    """Send the held reply to the room as written."""
    try:
        reply = services.live.approve(room_id, reply_id)
    except UnknownHeldReplyError as exc:
        raise NotFoundError(str(exc)) from None
    return ReviewDone(action="approved", reply=ReplyOut.model_validate(reply_to_dict(reply)))


@router.post(
    "/rooms/{room_id}/held/{reply_id}/edit",
    response_model=ReviewDone,
    responses=error_responses(404, 422),
)
def edit_held(room_id: RoomId, reply_id: str, body: EditIn, services: ServicesDep) -> ReviewDone:
    """Send the operator's text instead; 422 names each banned term or amount not in the catalog
    (the reply then stays held)."""
    try:
        reply = services.live.approve(room_id, reply_id, body.text)
    except UnknownHeldReplyError as exc:
        raise NotFoundError(str(exc)) from None
    except EditRefusedError as exc:
        raise UnprocessableError(f"edit refused: {exc}") from None
    return ReviewDone(action="edited", reply=ReplyOut.model_validate(reply_to_dict(reply)))


@router.post(
    "/rooms/{room_id}/held/{reply_id}/reject",
    response_model=ReviewDone,
    responses=error_responses(404, 422),
)
def reject_held(room_id: RoomId, reply_id: str, services: ServicesDep) -> ReviewDone:
    """Drop the held reply: nothing is sent to the room."""
    try:
        reply = services.live.reject(room_id, reply_id)
    except UnknownHeldReplyError as exc:
        raise NotFoundError(str(exc)) from None
    return ReviewDone(action="rejected", reply=ReplyOut.model_validate(reply_to_dict(reply)))
