"""Product retrieval: chunks, BM25, e5 vectors in faiss, hybrid fusion, persistence.

Importing this package is light: jieba, OpenCC, faiss, torch and sentence-transformers load on
first use.
"""

from knowledge.retrieval.backlog import EmbeddingBacklog
from knowledge.retrieval.chunks import (
    CHUNK_KINDS,
    Chunk,
    ChunkKind,
    DensePassages,
    dense_passages,
    product_chunks,
)
from knowledge.retrieval.embed import E5Embedder, Embedder, EmbeddingCache, QueryMemo, normalize_query
from knowledge.retrieval.errors import (
    DenseUnavailableError,
    EmbedderMismatchError,
    IndexFormatError,
    RetrievalError,
)
from knowledge.retrieval.hybrid import Hit, HybridIndex, HybridOptions, SearchMode, UpsertStats
from knowledge.retrieval.tokenize import tokenize

__all__ = [
    "CHUNK_KINDS",
    "Chunk",
    "ChunkKind",
    "DensePassages",
    "DenseUnavailableError",
    "E5Embedder",
    "Embedder",
    "EmbedderMismatchError",
    "EmbeddingBacklog",
    "EmbeddingCache",
    "Hit",
    "HybridIndex",
    "HybridOptions",
    "IndexFormatError",
    "QueryMemo",
    "RetrievalError",
    "SearchMode",
    "UpsertStats",
    "dense_passages",
    "normalize_query",
    "product_chunks",
    "tokenize",
]
