"""Room routes: create rooms, move the stage, room promotions, danmaku in, handoffs out and answered."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from assistant.danmaku.limits import trusted_time
from assistant.danmaku.types import Danmaku
from assistant.handoff_queue import (
    HandoffsTakenError,
    NoQueuedHandoffError,
    group_handoffs,
    handoff_faq_id,
)
from assistant.live import reply_to_dict
from assistant.review import EditRefusedError
from assistant.rooms import Room
from assistant.service.deps import ServicesDep
from assistant.service.errors import ConflictError, NotFoundError, UnprocessableError
from assistant.service.inputs import BoundedTime, CleanModel, promotion_from_body
from assistant.service.routes.faq import OperatorAnswerIn, save_operator_answer
from assistant.service.schemas.catalogs import PromotionBody
from assistant.service.schemas.common import error_responses
from assistant.service.schemas.params import PromoId, RoomId
from assistant.service.schemas.rooms import (
    DanmakuResult,
    HandoffGroupOut,
    HandoffList,
    HandoffOut,
    HandoffReplyDone,
    ReplyOut,
    RoomList,
    RoomOut,
    RoomPromotionSaved,
    RoomVersionOnly,
)
from knowledge.ids import id_problem
from knowledge.serialize import promotion_to_dict

log = logging.getLogger(__name__)

router = APIRouter(tags=["rooms"])

IdStr = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class RoomIn(CleanModel):
    room_id: IdStr
    catalog_id: IdStr
    title: str = Field("", max_length=200)


class StageIn(CleanModel):
    product_id: str | None = Field(description="the product the host presents now; null clears the stage")
    at: BoundedTime | None = Field(
        None, description="when it went on stage (default now); needs an offset; years 2000 to 2100"
    )


class DanmakuIn(CleanModel):
    msg_id: Annotated[str, Field(min_length=1, max_length=128)]
    viewer_id: Annotated[str, Field(min_length=1, max_length=128)]
    nickname: str = Field("", max_length=64)
    text: Annotated[str, Field(min_length=1)]
    ts: datetime | None = Field(
        None,
        description="message time with an offset; a time more than 1 h before or 1 min after the"
        " server's clock is replaced by the received time (as is a missing one)",
    )


class DanmakuBatch(CleanModel):
    messages: list[DanmakuIn]


class HandoffReplyIn(CleanModel):
    msg_ids: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=128)]], Field(min_length=1, max_length=1000)
    ] = Field(description="the queued messages to answer: a group's msg_ids")
    text: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="the operator's reply; the same compliance and amount checks as a reviewed edit"
    )
    save_as_answer: bool = Field(
        True, description="also save it as an operator answer for later viewers asking the same"
    )
    faq_id: str | None = Field(
        None, description="the operator answer's id (default: handoff-<room_id>-<first msg_id>)"
    )


def room_to_dict(room: Room, now: datetime) -> dict[str, Any]:
    return {**room.to_dict(), "on_stage": room.stage_at(now)}


@router.post(
    "/rooms",
    status_code=status.HTTP_201_CREATED,
    response_model=RoomOut,
    responses=error_responses(400, 404, 409, 422),
)
def create_room(body: RoomIn, services: ServicesDep) -> dict[str, Any]:
    """Open a room over a catalog; 409 if the room exists, 404 if the catalog does not."""
    room = services.live.create(body.room_id, body.catalog_id, body.title)
    return room_to_dict(room, services.clock())


@router.get("/rooms", response_model=RoomList)
def list_rooms(services: ServicesDep) -> dict[str, Any]:
    """Every room with its stage history and room promotions."""
    now = services.clock()
    return {"rooms": [room_to_dict(r, now) for r in services.live.rooms.list()]}


@router.get("/rooms/{room_id}", response_model=RoomOut, responses=error_responses(404, 422))
def get_room(room_id: RoomId, services: ServicesDep) -> dict[str, Any]:
    """One room, with the product on stage now."""
    return room_to_dict(services.live.get(room_id), services.clock())


@router.put("/rooms/{room_id}/stage", response_model=RoomOut, responses=error_responses(400, 404, 422))
def put_stage(room_id: RoomId, body: StageIn, services: ServicesDep) -> dict[str, Any]:
    """Put a product of the room's catalog on stage (the one the host presents now), or clear it."""
    if body.at is not None and body.at.tzinfo is None:
        raise UnprocessableError("'at' needs a timezone offset, e.g. 2026-11-21T20:05:00+08:00")
    room = services.live.set_stage(room_id, body.product_id, body.at)
    return room_to_dict(room, body.at or services.clock())


@router.put(
    "/rooms/{room_id}/promotions/{promo_id}",
    response_model=RoomPromotionSaved,
    responses=error_responses(400, 404, 422),
)
def put_room_promotion(
    room_id: RoomId, promo_id: PromoId, body: PromotionBody, services: ServicesDep
) -> dict[str, Any]:
    """Start a promotion in this room only (same JSON shape as catalog promotions)."""
    room = services.live.get(room_id)
    promotion = promotion_from_body(promo_id, body)
    if promotion.start.tzinfo is None or promotion.end.tzinfo is None or promotion.end <= promotion.start:
        raise UnprocessableError(
            f"promotion {promo_id!r}: start/end need offsets and end must be after start"
        )
    catalog = services.catalogs.catalog(room.catalog_id)
    for product_id in getattr(promotion, "product_ids", ()) or (getattr(promotion, "product_id", None),):
        if product_id is not None and catalog.product(product_id) is None:
            raise UnprocessableError(f"promotion {promo_id!r}: product {product_id!r} is not in the catalog")
    room = services.live.put_promotion(room_id, promotion)
    return {"promotion": promotion_to_dict(promotion), "room_version": room.version}


@router.delete(
    "/rooms/{room_id}/promotions/{promo_id}",
    response_model=RoomVersionOnly,
    responses=error_responses(404, 422),
)
def delete_room_promotion(room_id: RoomId, promo_id: PromoId, services: ServicesDep) -> RoomVersionOnly:
    """End and remove a room promotion."""
    room = services.live.delete_promotion(room_id, promo_id)
    return RoomVersionOnly(room_version=room.version)


def to_danmaku(batch: DanmakuBatch, services: ServicesDep) -> list[Danmaku]:
    """Validate a batch: sizes, text length, time offsets; 422 names the message and field."""
    limits = services.settings.limits
    if len(batch.messages) > limits.max_batch_messages:
        raise UnprocessableError(f"at most {limits.max_batch_messages} messages per request")
    now = services.clock()
    out: list[Danmaku] = []
    for i, m in enumerate(batch.messages):
        if len(m.text) > limits.max_danmaku_chars:
            raise UnprocessableError(
                f"messages[{i}].text: {len(m.text)} characters, at most {limits.max_danmaku_chars} allowed"
            )
        if not m.text.strip():
            raise UnprocessableError(f"messages[{i}].text: empty text")
        if m.ts is not None and m.ts.tzinfo is None:
            raise UnprocessableError(f"messages[{i}].ts: needs a timezone offset")
        out.append(Danmaku(m.msg_id, m.viewer_id, m.text, trusted_time(m.ts, now), m.nickname))
    return out


@router.post(
    "/rooms/{room_id}/danmaku", response_model=DanmakuResult, responses=error_responses(400, 404, 422)
)
async def post_danmaku(room_id: RoomId, batch: DanmakuBatch, services: ServicesDep) -> dict[str, Any]:
    """Answer a batch of danmaku; repeated ``msg_id`` values are ignored (idempotent)."""
    messages = to_danmaku(batch, services)
    result = await run_in_threadpool(services.live.handle_danmaku, room_id, messages)
    return {
        "replies": [reply_to_dict(r) for r in result.replies],
        "ignored": [{"msg_id": i.msg_id, "reason": i.reason} for i in result.ignored],
        "joined": [{"msg_id": j.msg_id, "reply_id": j.reply_id} for j in result.joined],
    }


@router.get("/rooms/{room_id}/handoffs", response_model=HandoffList, responses=error_responses(404, 422))
def get_handoffs(room_id: RoomId, services: ServicesDep) -> HandoffList:
    """Questions the assistant handed to the operator: each message oldest first, and grouped by
    question (purchase-blocking first, then oldest), with how many were turned away at the cap."""
    live = services.live
    handoffs = live.handoffs(room_id)
    return HandoffList(
        handoffs=[
            HandoffOut(
                msg_id=h.msg_id,
                viewer_id=h.viewer_id,
                nickname=h.nickname,
                text=h.text,
                product_id=h.product_id,
                at=h.at.isoformat(),
            )
            for h in handoffs
        ],
        groups=[
            HandoffGroupOut(
                question_key=g.question_key,
                rank=g.rank,
                intent=g.intent,
                text=g.text,
                product_id=g.product_id,
                count=g.count,
                msg_ids=list(g.msg_ids),
                first_at=g.first_at.isoformat(),
                last_at=g.last_at.isoformat(),
            )
            for g in group_handoffs(handoffs)
        ],
        capped=live.handoffs_capped(room_id),
    )


@router.post(
    "/rooms/{room_id}/handoffs/reply",
    response_model=HandoffReplyDone,
    responses=error_responses(404, 409, 422),
)
def reply_to_handoffs(room_id: RoomId, body: HandoffReplyIn, services: ServicesDep) -> HandoffReplyDone:
    """Answer a queued question: one reply addressed to every queued viewer among ``msg_ids`` goes
    to the room (sockets on every process and the operator feed), those handoffs leave the queue,
    and with ``save_as_answer`` the text becomes an operator answer for later askers. 422 names a
    banned term or an amount not in the catalog (nothing sent or saved); 404 when none of the
    messages is queued (a second call for the same group sends nothing); 409 when another operator
    answered them at the same moment (nothing sent or saved: the answer is saved only after the
    reply went out). Past the catalog's bound on operator answers the reply is still sent and
    ``answer`` is null (logged)."""
    live = services.live
    try:
        plan = live.prepare_handoff_reply(room_id, body.msg_ids, body.text)
    except NoQueuedHandoffError as exc:
        raise NotFoundError(str(exc)) from None
    except EditRefusedError as exc:
        raise UnprocessableError(f"reply refused: {exc}") from None
    # Everything the saved answer needs is checked before sending; it is saved only once the reply
    # went out, so a call refused with 409 (or anything earlier) has saved nothing.
    to_save: tuple[str, OperatorAnswerIn] | None = None
    catalog_id = live.get(room_id).catalog_id
    if body.save_as_answer:
        first = plan.handoffs[0]
        faq_id = body.faq_id if body.faq_id is not None else handoff_faq_id(room_id, first.msg_id)
        problem = id_problem(faq_id, "faq_id")
        if problem is not None:
            raise UnprocessableError(problem)
        question = OperatorAnswerIn(question=first.text[:200], answer=plan.text, product_id=first.product_id)
        if (
            question.product_id is not None
            and services.catalogs.catalog(catalog_id).product(question.product_id) is None
        ):
            raise UnprocessableError(f"product_id {question.product_id!r} is not in catalog {catalog_id!r}")
        to_save = (faq_id, question)
    try:
        reply = live.send_handoff_reply(plan)
    except HandoffsTakenError as exc:
        raise ConflictError(str(exc)) from None
    answer = None
    if to_save is not None:
        try:
            answer = save_operator_answer(services, catalog_id, *to_save)
        except UnprocessableError as exc:  # the store's bound on answers: the reply went out anyway
            log.warning("handoff reply %s sent, but not saved as an answer: %s", reply.reply_id, exc)
    return HandoffReplyDone(reply=ReplyOut.model_validate(reply_to_dict(reply)), answer=answer)
