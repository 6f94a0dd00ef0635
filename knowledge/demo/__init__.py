"""The demo catalog: a realistic Chinese live-commerce catalog shipped with the package.

It backs the embedded demo, the evaluation sets under ``evals/data`` and tests. The JSON file is in
the canonical format of ``knowledge.serialize`` (amounts as strings, ISO-8601 times with +08:00).
Promotions are dated on the evening of 2026-11-21 (20:00-24:00 Asia/Shanghai).
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.domain import Catalog
from knowledge.serialize import catalog_from_dict

DEMO_CATALOG_PATH: Path = Path(__file__).with_name("demo_catalog.json")


def load_demo_catalog() -> Catalog:
    """Read and parse the bundled demo catalog (catalog_id "demo")."""
    with DEMO_CATALOG_PATH.open(encoding="utf-8") as f:
        return catalog_from_dict(json.load(f))
