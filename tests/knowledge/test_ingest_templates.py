"""Committed templates are current and parse; the JSON Schema accepts real catalogs; docs cover columns."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from knowledge.demo import DEMO_CATALOG_PATH
from knowledge.ingest import UploadedFile, parse_catalog, write_templates
from knowledge.ingest.columns import TABLES
from knowledge.ingest.templates import example_catalog

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "knowledge" / "templates"
SCHEMA = TEMPLATES / "catalog.schema.json"


def test_committed_templates_match_the_generator(tmp_path: Path) -> None:
    written = write_templates(tmp_path)
    for path in written:
        committed = TEMPLATES / path.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is missing; run write_templates('knowledge/templates')"
        if path.suffix != ".xlsx":  # xlsx embeds its creation time
            assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale"


@pytest.mark.parametrize(
    "names",
    [
        ["catalog_template.xlsx"],
        ["catalog_example.json"],
        [f"csv/{n}.csv" for n in ("products", "promotions", "faq", "shipping", "after_sales", "settings")],
    ],
)
def test_templates_parse_to_the_example_catalog(names: list[str]) -> None:
    files = [UploadedFile(Path(n).name, (TEMPLATES / n).read_bytes()) for n in names]
    parsed = parse_catalog(files, "example")
    assert parsed.catalog == example_catalog()
    assert parsed.warnings == []


def _type_ok(value: Any, kind: str) -> bool:
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    return checks[kind](value)


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """A small JSON Schema check (the keywords catalog.schema.json uses), listing every violation."""
    errors: list[str] = []
    kinds = schema.get("type")
    if kinds is not None and not any(
        _type_ok(value, k) for k in ([kinds] if isinstance(kinds, str) else kinds)
    ):
        return [f"{path}: {value!r} is not of type {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            errors.append(f"{path}: length out of range")
        if schema.get("format") == "date-time":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                errors.append(f"{path}: {value!r} is not a date-time")
    if _type_ok(value, "number") and value < schema.get("minimum", value):
        errors.append(f"{path}: {value} below minimum")
    if isinstance(value, dict):
        errors += [f"{path}: missing {key}" for key in schema.get("required", ()) if key not in value]
        for key, item in value.items():
            sub = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
            if isinstance(sub, dict):
                errors += schema_errors(item, sub, f"{path}.{key}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{i}]")
    return errors


@pytest.mark.parametrize("path", [DEMO_CATALOG_PATH, TEMPLATES / "catalog_example.json"])
def test_catalog_json_files_match_the_schema(path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema_errors(json.loads(path.read_text(encoding="utf-8")), schema) == []


def test_schema_check_catches_a_broken_document() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = json.loads((TEMPLATES / "catalog_example.json").read_text(encoding="utf-8"))
    doc["products"][0]["skus"][0]["price"] = "79.999"
    doc["products"][1]["skus"] = []
    doc["promotions"][0]["type"] = "lottery"
    del doc["shipping"][0]["carrier"]
    errors = schema_errors(doc, schema)
    assert len(errors) == 4, errors


def test_docs_name_every_column_and_alias() -> None:
    text = (ROOT / "docs" / "catalog-format.md").read_text(encoding="utf-8")
    missing = [
        f"{kind}.{name}"
        for kind, columns in TABLES.items()
        for column in columns
        for name in (column.name, *column.aliases)
        if f"`{name}`" not in text
    ]
    assert missing == []
