"""BM25 scoring against hand-computed values, incremental updates, compaction and files."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from knowledge.retrieval.bm25 import BM25Index


def _small() -> BM25Index:
    index = BM25Index(k1=1.2, b=0.75)
    index.add("d1", ["a", "b"])
    index.add("d2", ["a", "c", "c"])
    index.add("d3", ["d"])
    return index


def test_scores_match_hand_computation() -> None:
    index = _small()
    # N=3, avg_len=2. "c": df=1, idf=ln(1+2.5/1.5)=0.980829; d2: tf=2, len=3,
    # norm=1.2*(0.25+0.75*1.5)=1.65 -> 0.980829*2*2.2/(2+1.65)=1.182368
    assert index.search(["c"], 5) == [("d2", pytest.approx(1.182368, rel=1e-5))]
    # "a": df=2, idf=ln(1+1.5/2.5)=0.470004; d1: len 2, norm 1.2 -> 0.470004;
    # d2: norm 1.65 -> 0.470004*2.2/2.65=0.390192, plus "c" 1.182368 = 1.572560
    hits = index.search(["a", "c", "zzz"], 5)
    assert [d for d, _ in hits] == ["d2", "d1"]
    assert hits[0][1] == pytest.approx(1.572560, rel=1e-5)
    assert hits[1][1] == pytest.approx(0.470004, rel=1e-5)
    assert index.search(["a", "a", "c"], 5) == hits  # repeated query terms count once


def test_remove_updates_statistics() -> None:
    index = _small()
    assert index.remove("d3") and not index.remove("d3")
    # N=2, avg_len=2.5, idf("c")=ln 2=0.693147, norm=1.2*(0.25+0.75*3/2.5)=1.38 -> 0.902321
    assert index.search(["c"], 5) == [("d2", pytest.approx(0.902321, rel=1e-5))]
    assert index.search(["d"], 5) == []
    assert len(index) == 2 and "d3" not in index


def test_re_adding_replaces_the_document() -> None:
    index = _small()
    index.add("d1", ["x"])
    assert index.search(["b"], 5) == []
    assert [d for d, _ in index.search(["x"], 5)] == ["d1"]
    assert len(index) == 3


def test_group_filter_applies_before_truncation() -> None:
    index = BM25Index()
    for i in range(20):
        index.add(f"strong{i}", ["red"] * 5, group=0)
    index.add("weak", ["red", "blue", "green", "white"], group=1)
    allowed = np.array([False, True])
    assert [d for d, _ in index.search(["red"], 1, allowed)] == ["weak"]
    assert len(index.search(["red"], 3)) == 3


def _random_corpus(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    vocab = [f"t{i}" for i in range(200)]
    return [rng.choices(vocab, k=rng.randint(1, 30)) for _ in range(n)]


def test_compaction_and_slot_reuse_keep_scores_exact(tmp_path: Path) -> None:
    docs = _random_corpus(3000, seed=1)
    incremental = BM25Index()
    for i, tokens in enumerate(docs):
        incremental.add(f"d{i}", tokens)
    for i in range(0, 3000, 3):  # remove a third, compact, then add new docs into freed slots
        incremental.remove(f"d{i}")
    incremental.compact()
    extra = _random_corpus(500, seed=2)
    for j, tokens in enumerate(extra):
        incremental.add(f"e{j}", tokens)
    fresh = BM25Index()
    for i, tokens in enumerate(docs):
        if i % 3:
            fresh.add(f"d{i}", tokens)
    for j, tokens in enumerate(extra):
        fresh.add(f"e{j}", tokens)
    incremental.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    for query in (["t1", "t7"], ["t150"], ["t3", "t3", "t99", "nope"]):
        expected = dict(fresh.search(query, 10_000))  # all matches: no ties at a cut-off
        for index in (incremental, loaded):
            got = dict(index.search(query, 10_000))
            assert got.keys() == expected.keys()
            assert all(got[d] == pytest.approx(expected[d], rel=1e-5) for d in got)
