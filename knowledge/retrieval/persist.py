"""Saving and loading a ``HybridIndex`` directory (a friend module of ``hybrid``).

Layout of the directory: ``meta.json`` (format version, model id, product codes, dense passage
kind), ``chunks.jsonl`` (one chunk per line with its dense passage and dense id), ``bm25.npz`` +
``bm25.json`` and, with an embedder, ``dense.faiss`` + ``dense.faiss.json``. A save writes a
sibling temporary directory and swaps it in, so a crash mid-save leaves the previous index intact.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.retrieval.bm25 import BM25Index
from knowledge.retrieval.chunks import Chunk
from knowledge.retrieval.dense import DenseIndex
from knowledge.retrieval.embed import Embedder
from knowledge.retrieval.errors import EmbedderMismatchError, IndexFormatError

if TYPE_CHECKING:
    from knowledge.retrieval.hybrid import HybridIndex, HybridOptions

FORMAT_VERSION = 2  # 2: dense passages (chunks.dense_passages) stored per chunk


def save_index(index: HybridIndex, directory: Path) -> None:
    """Write ``index`` to ``directory`` (replacing what is there) atomically."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.parent / f".{directory.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with index._lock:
        meta = {
            "format": FORMAT_VERSION,
            "model_id": index.embedder.model_id if index.embedder else None,
            "dimension": index.embedder.dimension if index.embedder else None,
            "next_vec": index._next_vec,
            "dense_passages": index.options.dense_passages,
            "products": dict(index._product_code),
        }
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
            for chunk_ids in index._by_product.values():
                for cid in chunk_ids:
                    c = index._chunks[cid]
                    row: dict[str, object] = {"id": cid, "p": c.product_id, "k": c.kind, "t": c.text}
                    row.update(c=c.category, v=index._vec_id.get(cid), d=index._dense_text.get(cid))
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        index._bm25.save(tmp)
        if index._dense is not None:
            index._dense.save(tmp / "dense.faiss")
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    old = directory.parent / f".{directory.name}.old-{os.getpid()}"
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def _read_meta(directory: Path) -> dict[str, object]:
    try:
        meta: dict[str, object] = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"no readable search index in {directory} ({exc}); rebuild it") from exc
    if meta.get("format") != FORMAT_VERSION:
        raise IndexFormatError(
            f"search index in {directory} has format {meta.get('format')}, expected {FORMAT_VERSION}; "
            "rebuild it by re-importing the catalog"
        )
    return meta


def load_index(directory: Path, embedder: Embedder | None, options: HybridOptions | None) -> HybridIndex:
    """Read an index written by ``save_index``; ``embedder`` must be the model it was built with.

    An index saved without vectors and loaded with an embedder gets its vectors computed now
    (through the embedding cache); an index with vectors loaded without one searches BM25 only.
    """
    from knowledge.retrieval.hybrid import HybridIndex

    directory = Path(directory)
    meta = _read_meta(directory)
    built_with = (meta["model_id"], meta["dimension"])
    mismatch = embedder is not None and built_with != (embedder.model_id, embedder.dimension)
    if embedder is not None and built_with[0] is not None and mismatch:
        raise EmbedderMismatchError(
            f"search index in {directory} was built with {meta['model_id']} "
            f"({meta['dimension']} dims), not {embedder.model_id} ({embedder.dimension} dims): "
            "load it with that model or rebuild the index"
        )
    index = HybridIndex(embedder, options)
    if meta.get("dense_passages") != index.options.dense_passages:
        raise IndexFormatError(
            f"search index in {directory} embeds {meta.get('dense_passages')!r} passages, the options "
            f"ask for {index.options.dense_passages!r}: rebuild it by re-importing the catalog"
        )
    index._bm25 = BM25Index.load(directory)
    products = meta["products"]
    assert isinstance(products, dict)
    index._product_code = {str(p): int(c) for p, c in products.items()}
    vecs: list[tuple[int, str, int]] = []
    with (directory / "chunks.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            chunk = Chunk(row["id"], row["p"], row["k"], row["t"], row["c"])
            index._chunks[chunk.chunk_id] = chunk
            if chunk.product_id not in index._by_product:
                index._set_category(index._product_code[chunk.product_id], chunk.category)
            index._by_product.setdefault(chunk.product_id, []).append(chunk.chunk_id)
            if row["d"] is not None:
                index._dense_text[chunk.chunk_id] = row["d"]
            if row["v"] is not None:
                vecs.append((int(row["v"]), chunk.chunk_id, index._product_code[chunk.product_id]))
    if embedder is not None:
        if meta["model_id"] is not None:
            index._dense = DenseIndex.load(directory / "dense.faiss")
            _restore_vector_ids(index, vecs, int(str(meta["next_vec"])))
        index._embed_missing()  # from the embedding cache, or queued for the background worker
    return index


def _restore_vector_ids(index: HybridIndex, vecs: list[tuple[int, str, int]], next_vec: int) -> None:
    index._next_vec = next_vec
    index._vec_code = np.full(max(next_vec, 1), -1, dtype=np.int32)
    for vec, chunk_id, code in vecs:
        index._vec_id[chunk_id] = vec
        index._chunk_of_vec[vec] = chunk_id
        index._vec_code[vec] = code
