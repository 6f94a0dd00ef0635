"""Operator answers for question clusters: saved answers are used from the next danmaku on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.types import Intent
from assistant.service.deps import ServicesDep
from assistant.service.errors import NotFoundError, UnprocessableError

router = APIRouter(tags=["faq"])


class OperatorAnswerIn(BaseModel):
    question: Annotated[str, Field(min_length=1, max_length=200)]
    answer: Annotated[str, Field(min_length=1, max_length=500)]
    product_id: str | None = Field(None, description="only for this product (default: any product)")
    intent: Intent | None = Field(
        None, description="answer every question of this intent (default: by wording)"
    )


def answer_to_dict(entry: OperatorAnswer) -> dict[str, Any]:
    return {
        "faq_id": entry.faq_id,
        "question": entry.question,
        "answer": entry.answer,
        "product_id": entry.product_id,
        "intent": entry.intent,
    }


@router.put("/catalogs/{catalog_id}/faq/{faq_id}")
def put_operator_answer(
    catalog_id: str, faq_id: str, body: OperatorAnswerIn, services: ServicesDep
) -> dict[str, Any]:
    catalog = services.catalogs.catalog(catalog_id)
    if body.product_id is not None and catalog.product(body.product_id) is None:
        raise UnprocessableError(f"product_id {body.product_id!r} is not in catalog {catalog_id!r}")
    entry = OperatorAnswer(
        faq_id=faq_id,
        catalog_id=catalog_id,
        question=body.question,
        answer=body.answer,
        product_id=body.product_id,
        intent=str(body.intent) if body.intent else None,
    )
    try:
        services.answerer.operator_faq.put(entry)
    except ValueError as exc:
        raise UnprocessableError(str(exc)) from None
    services.live.pipeline.forget_catalog(catalog_id)  # cached answers must not hide the new one
    return answer_to_dict(entry)


@router.get("/catalogs/{catalog_id}/faq")
def list_operator_answers(catalog_id: str, services: ServicesDep) -> dict[str, Any]:
    services.catalogs.catalog(catalog_id)
    return {"faq": [answer_to_dict(e) for e in services.answerer.operator_faq.list(catalog_id)]}


@router.delete("/catalogs/{catalog_id}/faq/{faq_id}")
def delete_operator_answer(catalog_id: str, faq_id: str, services: ServicesDep) -> dict[str, Any]:
    if not services.answerer.operator_faq.delete(catalog_id, faq_id):
        raise NotFoundError(f"no operator answer {faq_id!r} in catalog {catalog_id!r}")
    services.live.pipeline.forget_catalog(catalog_id)
    return {"deleted": faq_id}
