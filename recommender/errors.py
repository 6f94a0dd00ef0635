"""Errors raised by the recommender library; the service maps them to HTTP codes in one place.

Bad *events* are never raised: ``Recommender.ingest`` reports them per event (see ``IngestReport``)
so one bad event in a batch does not sink the others. Errors here are for bad configuration calls.
"""

from __future__ import annotations


class RecommenderError(Exception):
    """Base class of every recommender-library error."""


class InvalidStageError(RecommenderError):
    """A stage change that cannot be applied (e.g. earlier than the last recorded change)."""


class InvalidStateError(RecommenderError):
    """A serialised state that cannot be loaded (wrong version or missing fields)."""
