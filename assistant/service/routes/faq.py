"""Operator answers for question clusters: saved answers are used from the next danmaku on.

Each answer carries its hit count: how many viewers' questions it answered (kept in the state
stores with the answers, so it survives a restart and adds up over processes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.types import Intent
from assistant.service.deps import ServicesDep
from assistant.service.errors import NotFoundError, UnprocessableError
from assistant.service.schemas.common import error_responses
from assistant.service.schemas.faq import OperatorAnswerDeleted, OperatorAnswerList, OperatorAnswerOut
from assistant.service.schemas.params import CatalogId, FaqId

router = APIRouter(tags=["faq"])


class OperatorAnswerIn(BaseModel):
    question: Annotated[str, Field(min_length=1, max_length=200)]
    answer: Annotated[str, Field(min_length=1, max_length=500)]
    product_id: str | None = Field(None, description="only for this product (default: any product)")
    intent: Intent | None = Field(
        None, description="answer every question of this intent (default: by wording)"
    )


def answer_out(entry: OperatorAnswer, hits: int) -> OperatorAnswerOut:
    return OperatorAnswerOut(
        hits=hits,
        faq_id=entry.faq_id,
        question=entry.question,
        answer=entry.answer,
        product_id=entry.product_id,
        intent=entry.intent,
    )


@router.put(
    "/catalogs/{catalog_id}/faq/{faq_id}",
    response_model=OperatorAnswerOut,
    responses=error_responses(400, 404, 422),
)
def put_operator_answer(
    catalog_id: CatalogId, faq_id: FaqId, body: OperatorAnswerIn, services: ServicesDep
) -> OperatorAnswerOut:
    """Save the operator's answer to a question cluster; used from the next danmaku on."""
    return save_operator_answer(services, catalog_id, faq_id, body)


def save_operator_answer(
    services: ServicesDep, catalog_id: str, faq_id: str, body: OperatorAnswerIn
) -> OperatorAnswerOut:
    """Store an operator answer (new or replacing ``faq_id``) and drop the catalog's cached answers
    so the next danmaku sees it; 404 for an unknown catalog, 422 for a product not in it or past
    the catalog's bound on answers. Also used when a handoff reply is saved as an answer."""
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
    return answer_out(entry, services.answerer.operator_faq.hit_counts(catalog_id).get(faq_id, 0))


@router.get(
    "/catalogs/{catalog_id}/faq", response_model=OperatorAnswerList, responses=error_responses(404, 422)
)
def list_operator_answers(catalog_id: CatalogId, services: ServicesDep) -> OperatorAnswerList:
    """The catalog's operator answers with their hit counts."""
    services.catalogs.catalog(catalog_id)
    faq = services.answerer.operator_faq
    hits = faq.hit_counts(catalog_id)
    return OperatorAnswerList(faq=[answer_out(e, hits.get(e.faq_id, 0)) for e in faq.list(catalog_id)])


@router.delete(
    "/catalogs/{catalog_id}/faq/{faq_id}",
    response_model=OperatorAnswerDeleted,
    responses=error_responses(404, 422),
)
def delete_operator_answer(
    catalog_id: CatalogId, faq_id: FaqId, services: ServicesDep
) -> OperatorAnswerDeleted:
    """Remove an operator answer; cached answers built on it are dropped."""
    if not services.answerer.operator_faq.delete(catalog_id, faq_id):
        raise NotFoundError(f"no operator answer {faq_id!r} in catalog {catalog_id!r}")
    services.live.pipeline.forget_catalog(catalog_id)
    return OperatorAnswerDeleted(deleted=faq_id)
