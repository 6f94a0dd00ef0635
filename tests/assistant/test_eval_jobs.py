"""Eval jobs (``assistant.eval_jobs``) with small stand-in commands: statuses from the report's
gate or the exit status, one run at a time, runs a stopped service left behind, retention, cancel
and delete, shutdown, and no service secret reaching the child."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant import eval_jobs
from assistant.eval_jobs import (
    STOPPED_BY_SERVICE,
    EvalBusyError,
    EvalJobs,
    EvalOptionsError,
    EvalRun,
    EvalRunningError,
    UnknownEvalRunError,
)

# A stand-in for ``liveshop eval answers``: reads --out and --progress, records its environment
# and command line, starts a helper process of its own (its pid in helper.pid), waits for a go
# file, then writes a report whose gate is the given verdict (or fails with a message).
# ``stubborn`` ignores SIGTERM.
SCRIPT = """
import json, os, signal, subprocess, sys, time, pathlib
mode, args = sys.argv[1], sys.argv[2:]
out = pathlib.Path(args[args.index('--out') + 1])
(out / 'seen.json').write_text(json.dumps({'env': dict(os.environ), 'argv': sys.argv}))
if mode == 'stubborn':
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])
(out / 'helper.pid').write_text(str(helper.pid))
go = out.parent / 'go'
while not go.exists():
    time.sleep(0.02)
pathlib.Path(args[args.index('--progress') + 1]).write_text(json.dumps({'done': 1, 'total': 1}))
if mode == 'fail':
    sys.stderr.write('the eval set has problems: line 3\\n')
    sys.exit(2)
(out / 'report.json').write_text(json.dumps({'gate_passed': mode == 'pass', 'metrics': {}}))
"""


def clock() -> datetime:
    return datetime.now(UTC)


def jobs(root: Path, mode: str, keep: int = 20) -> EvalJobs:
    return EvalJobs(root, clock, keep=keep, command=(sys.executable, "-c", SCRIPT, mode))


def wait_for(path: Path) -> Path:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} was never written"
        time.sleep(0.02)
    return path


def gone(pid: int) -> bool:
    """The process ended (a zombie left to init counts as ended once init reaped it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def wait_done(j: EvalJobs, run_id: str) -> EvalRun:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run = j.run(run_id)
        if run.status not in ("queued", "running"):
            return run
        time.sleep(0.02)
    raise AssertionError("the run did not end")


@pytest.mark.parametrize(("mode", "status"), [("pass", "passed"), ("gate", "failed")])
def test_the_status_is_the_reports_gate(tmp_path: Path, mode: str, status: str) -> None:
    j = jobs(tmp_path, mode)
    run = j.start(limit=5, tags=["price"])
    assert (run.status, run.limit, run.tags) == ("running", 5, ("price",))
    with pytest.raises(EvalBusyError, match=run.run_id):
        j.start()
    (tmp_path / "go").touch()
    done = wait_done(j, run.run_id)
    assert done.status == status and done.exit_code == 0 and done.error is None
    assert j.progress(run.run_id) == {"done": 1, "total": 1}
    assert j.report(run.run_id) == {"gate_passed": mode == "pass", "metrics": {}}
    assert [r.run_id for r in jobs(tmp_path, mode).runs()] == [run.run_id]  # kept on disk


def test_a_failing_command_is_an_error_with_its_message_and_frees_the_lock(tmp_path: Path) -> None:
    (tmp_path / "go").touch()
    j = jobs(tmp_path, "fail")
    run = wait_done(j, j.start().run_id)
    assert run.status == "error" and run.exit_code == 2
    assert run.error is not None and "exited with status 2" in run.error and "line 3" in run.error
    assert j.report(run.run_id) is None
    assert j.start().run_id != run.run_id  # the next run may start


def test_bad_options_and_unknown_runs_are_refused(tmp_path: Path) -> None:
    j = jobs(tmp_path, "pass")
    with pytest.raises(EvalOptionsError, match="limit") as refused:
        j.start(limit=0, tags=["a b"])
    assert "not a tag name" in str(refused.value)
    assert j.runs() == [] and not tmp_path.joinpath("active").exists()
    for bad in ("nope", "../x", ""):
        with pytest.raises(UnknownEvalRunError):
            j.run(bad)


def test_a_run_left_by_a_stopped_service_is_finished_on_start(tmp_path: Path) -> None:
    run_dir = tmp_path / "20261204T200000-abcdef"
    run_dir.mkdir()
    dead = EvalRun("20261204T200000-abcdef", "running", clock().isoformat(), pid=2**22 + 7)
    (run_dir / "run.json").write_text(json.dumps(asdict(dead)), encoding="utf-8")
    (tmp_path / "active").write_text(dead.run_id)
    j = jobs(tmp_path, "pass")
    run = j.run(dead.run_id)
    assert run.status == "error" and run.error == STOPPED_BY_SERVICE
    assert not (tmp_path / "active").exists()


def test_only_the_newest_finished_runs_are_kept_and_never_a_running_one(tmp_path: Path) -> None:
    # a run another service process is running (a live process of its own, no lock file)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    running = EvalRun("20000101T000000-aaaaaa", "running", "2000-01-01T00:00:00+00:00", pid=other.pid)
    (tmp_path / running.run_id).mkdir()
    (tmp_path / running.run_id / "run.json").write_text(json.dumps(asdict(running)), encoding="utf-8")
    (tmp_path / "go").touch()
    try:
        j = jobs(tmp_path, "pass", keep=2)
        finished = []
        for _ in range(4):
            finished.append(wait_done(j, j.start().run_id).run_id)
            time.sleep(1.1)  # run ids and times are per second: each run is newer than the last
        assert [r.run_id for r in j.runs()] == [finished[3], finished[2], running.run_id]
        assert not (tmp_path / finished[0]).exists() and not (tmp_path / finished[1]).exists()
        assert j.run(running.run_id).status == "running"
    finally:
        other.kill()
        other.wait()


def test_cancel_stops_the_process_and_its_helpers_and_delete_removes_a_finished_run(
    tmp_path: Path,
) -> None:
    j = jobs(tmp_path, "pass")
    run = j.start(limit=3)
    helper = int(wait_for(tmp_path / run.run_id / "helper.pid").read_text())
    with pytest.raises(EvalRunningError, match="cancel it first"):
        j.delete(run.run_id)
    cancelled = j.cancel(run.run_id)
    assert (cancelled.status, cancelled.error, cancelled.pid) == ("cancelled", None, None)
    assert cancelled.finished_at is not None and cancelled.limit == 3
    assert run.pid is not None and gone(run.pid) and gone(helper)
    assert j.cancel(run.run_id) == cancelled  # already over: left as it is
    (tmp_path / "go").touch()
    second = wait_done(j, j.start().run_id)  # the lock was freed
    assert second.status == "passed" and j.run(run.run_id).status == "cancelled"
    assert j.delete(run.run_id) == cancelled
    assert not (tmp_path / run.run_id).exists()
    assert [r.run_id for r in j.runs()] == [second.run_id]
    with pytest.raises(UnknownEvalRunError):
        j.delete(run.run_id)


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eval_jobs, "STOP_GRACE_S", 0.5)
    j = jobs(tmp_path, "stubborn")
    run = j.start()
    wait_for(tmp_path / run.run_id / "helper.pid")
    cancelled = j.cancel(run.run_id)
    assert cancelled.status == "cancelled" and cancelled.exit_code == -signal.SIGKILL


def test_closing_stops_the_running_eval(tmp_path: Path) -> None:
    j = jobs(tmp_path, "pass")
    run = j.start()
    helper = int(wait_for(tmp_path / run.run_id / "helper.pid").read_text())
    j.close()
    stopped = j.run(run.run_id)
    assert stopped.status == "error" and stopped.error == STOPPED_BY_SERVICE
    assert stopped.exit_code == -signal.SIGTERM
    assert run.pid is not None and gone(run.pid) and gone(helper)
    assert not (tmp_path / "active").exists()


def test_no_service_setting_reaches_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {
        "LIVESHOP_API_KEYS": "svc-key-0123456789abcdef",
        "LIVESHOP_LLM__API_KEY": "llm-key-0123456789abcdef",
        "LIVESHOP_REDIS_URL": "redis://:redis-pass-0123456789@127.0.0.1:6379/0",
        "LIVESHOP_DATA_DIR": str(tmp_path / "service-data"),
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "go").touch()
    j = jobs(tmp_path, "gate")
    run = wait_done(j, j.start(tags=["price"]).run_id)
    assert run.status == "failed"
    seen = json.loads((tmp_path / run.run_id / "seen.json").read_text(encoding="utf-8"))
    assert {k for k in seen["env"] if k.upper().startswith("LIVESHOP_")} == {"LIVESHOP_DATA_DIR"}
    assert seen["env"]["LIVESHOP_DATA_DIR"] == str(tmp_path / run.run_id)  # not the service's data
    assert seen["env"]["PATH"] == os.environ["PATH"]  # the rest of the environment is passed on
    assert seen["argv"][1:] == [
        "gate", "--out", str(tmp_path / run.run_id), "--progress",
        str(tmp_path / run.run_id / "progress.json"), "--tag", "price",
    ]  # fmt: skip
    kept = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "seen.json"]
    assert kept, "the run left no files"
    for path in kept:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not any(v in text for v in list(secrets.values())[:3]), path
