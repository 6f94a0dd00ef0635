"""The answer eval's ``--limit`` and ``--progress`` options (the console's eval jobs use both)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.answers.runner import main


def test_limit_runs_the_first_cases_and_progress_counts_them(tmp_path: Path) -> None:
    progress = tmp_path / "progress.json"
    assert main(["--limit", "3", "--progress", str(progress), "--out", str(tmp_path / "out")]) == 0
    assert json.loads(progress.read_text(encoding="utf-8")) == {"done": 3, "total": 3}
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["metrics"]["cases"] == 3


def test_a_limit_below_one_or_a_tag_no_case_has_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["--limit", "0"]) == 2
    assert main(["--tag", "no_such_tag", "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()  # nothing half-written
