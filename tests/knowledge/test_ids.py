"""The id rule (knowledge.ids): what may name a catalog, and the safe key naming its files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge.domain import Catalog
from knowledge.errors import ImportRejected, InvalidIdError
from knowledge.ids import MAX_ID_CHARS, check_id, id_problem, path_key
from knowledge.ingest import UploadedFile, parse_catalog
from knowledge.store import MemoryCatalogStore
from tests.hostile_files import good_csv

NOW = datetime(2026, 11, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    "catalog_id",
    ["demo", "双十一", "shop-01_v2.1", "embeddings.sqlite3", "Ünïcödé", "a" * MAX_ID_CHARS, "..a"],
)
def test_valid_ids(catalog_id: str) -> None:
    assert check_id(catalog_id) == catalog_id


@pytest.mark.parametrize(
    ("catalog_id", "expected"),
    [
        ("", "is empty"),
        (".", "only dots"),
        ("..", "only dots"),
        ("a" * 300, "has 300 characters; the limit is 64"),
        ("a/b", "contains '/'"),
        ("a\\b", "contains '\\\\'"),
        ("a b", "contains ' '"),
        ("a\x00b", "contains '\\x00'"),
        ("a\nb", "contains '\\n'"),
        ("a\u202eb", "U+202E"),  # right-to-left override
        ('a"b', "contains '\"'"),
        ("a;b", "contains ';'"),
    ],
)
def test_invalid_ids_name_the_id_and_the_problem(catalog_id: str, expected: str) -> None:
    problem = id_problem(catalog_id)
    assert problem is not None and expected in problem
    assert problem.startswith("catalog_id")
    with pytest.raises(InvalidIdError, match="catalog_id"):
        check_id(catalog_id)


def test_path_key_is_fixed_length_hex_and_stable() -> None:
    keys = {path_key(i) for i in ("demo", "双十一", "embeddings.sqlite3", "..", "a" * 300)}
    assert len(keys) == 5
    assert all(len(k) == 32 and all(c in "0123456789abcdef" for c in k) for k in keys)
    assert path_key("双十一") == path_key("双十一")


def test_parse_catalog_refuses_a_bad_id_before_reading() -> None:
    with pytest.raises(ImportRejected) as info:
        parse_catalog([UploadedFile("products.csv", good_csv())], "..")
    assert [p.as_dict() for p in info.value.problems] == [
        {
            "row": None,
            "column": "catalog_id",
            "message": "catalog_id '..' is only dots; use letters or digits",
        }
    ]


def test_store_refuses_to_create_a_catalog_with_a_bad_id() -> None:
    store = MemoryCatalogStore()
    parsed = parse_catalog([UploadedFile("products.csv", good_csv())], "ok")
    with pytest.raises(InvalidIdError, match="300 characters"):
        store.apply_import("a" * 300, Catalog("a" * 300, parsed.catalog.products), "replace", NOW)
    assert store.catalog_ids() == []
