"""The factory: clear errors for missing arguments, and a state file from another schema refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.state import StateConfigError, StateStores, build_state_stores


def test_each_backend_needs_its_client() -> None:
    with pytest.raises(StateConfigError, match="sqlite_path"):
        build_state_stores("sqlite")
    with pytest.raises(StateConfigError, match="redis client"):
        build_state_stores("redis")
    with pytest.raises(StateConfigError, match="memory, sqlite or redis"):
        build_state_stores("postgres")  # type: ignore[arg-type]


def test_the_container_is_typed_and_closes(tmp_path: Path) -> None:
    stores = build_state_stores("sqlite", sqlite_path=tmp_path / "deep" / "state.db")
    assert isinstance(stores, StateStores) and stores.kind == "sqlite"
    stores.close()
    assert (tmp_path / "deep" / "state.db").exists()


def test_a_state_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(StateConfigError, match="schema 99"):
        build_state_stores("sqlite", sqlite_path=path)
