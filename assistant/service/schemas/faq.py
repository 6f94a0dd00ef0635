"""Response models of the operator-answer (FAQ) routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OperatorAnswerOut(BaseModel):
    faq_id: str
    question: str
    answer: str
    product_id: str | None = Field(description="only for this product (None: any product)")
    intent: str | None = Field(description="answers every question of this intent (None: by wording)")
    hits: int = Field(
        description="viewers' questions it answered so far (cached and joined replies included; an edit"
        " keeps the count, a delete resets it)"
    )


class OperatorAnswerList(BaseModel):
    faq: list[OperatorAnswerOut]


class OperatorAnswerDeleted(BaseModel):
    deleted: str = Field(description="the faq_id removed")
