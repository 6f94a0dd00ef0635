"""Errors of the retrieval index; all derive from ``knowledge.errors.KnowledgeError``."""

from __future__ import annotations

from knowledge.errors import KnowledgeError


class RetrievalError(KnowledgeError):
    """Base class of retrieval errors."""


class IndexFormatError(RetrievalError):
    """A saved index that cannot be read (missing, truncated or from another format version)."""


class EmbedderMismatchError(RetrievalError):
    """A saved index whose vectors came from another embedding model or dimension."""


class DenseUnavailableError(RetrievalError):
    """Dense or hybrid search asked of an index built without an embedder."""
