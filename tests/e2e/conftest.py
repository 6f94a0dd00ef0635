"""Fixtures of the end-to-end suite: real ``liveshop serve`` processes, real clients only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import LiveServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is marked ``e2e`` (select or deselect the suite with ``-m``)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[LiveServer]:
    """One demo server for the read-mostly tests of the session (started as the README does, with
    the development key it prints). Tests that change state make their own rooms."""
    server = LiveServer(tmp_path_factory.mktemp("demo") / "data")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(tmp_path: Path, model_dir: Path) -> Iterator[LiveServer]:
    """A server of its own on a fresh data directory (for restarts, kills and logs)."""
    server = LiveServer(tmp_path / "data", api_key="e2e-test-key-0123456789")
    yield server
    server.stop()
