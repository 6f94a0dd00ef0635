"""Test helpers around the real embedder (a wrapper that counts, not a stand-in)."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.retrieval import E5Embedder
from knowledge.retrieval.embed import Vectors


class CountingEmbedder:
    """Wraps the real e5 embedder and counts the passages it encodes (for "no re-embedding" tests)."""

    def __init__(self, inner: E5Embedder) -> None:
        self.inner = inner
        self.passages = 0

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages += len(texts)
        return self.inner.encode_passages(texts)
