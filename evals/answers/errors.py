"""Errors of the answer-quality eval."""

from __future__ import annotations


class AnswerEvalError(Exception):
    """Base class of answer-eval errors."""


class DatasetError(AnswerEvalError):
    """The eval set is malformed or names facts the catalog does not have (the message says where)."""


class JudgeError(AnswerEvalError):
    """The optional LLM judge could not give a verdict (the message says why)."""
