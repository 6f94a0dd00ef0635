"""Answer-eval runs through the public API of a real ``liveshop serve``: one run at a time, progress,
the report, clear errors, the runs kept across a restart (files under the data folder), cancel and
delete, retention, the eval stopped with the service, and no key reaching the eval's process."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.harness import LiveServer

RUN_TIMEOUT_S = 600.0  # bounds a hang only: 10 cases take seconds, on a busy shared CPU more
LIMIT = 10


def wait_finished(http: httpx.Client, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    seen_progress = []
    while time.monotonic() < deadline:
        run = http.get(f"/v1/evals/answers/runs/{run_id}")
        assert run.status_code == 200, run.text
        body: dict[str, Any] = run.json()
        if body["progress"] is not None:
            seen_progress.append(body["progress"]["done"])
        if body["status"] not in ("queued", "running"):
            assert seen_progress == sorted(seen_progress)
            return body
        time.sleep(0.3)
    raise AssertionError(f"eval run {run_id} did not finish in {RUN_TIMEOUT_S:.0f} s")


def test_an_eval_run_reports_and_is_kept_across_a_restart(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    with server.client() as http:
        assert http.get("/v1/evals/answers/runs").json() == {"runs": []}
        started = http.post("/v1/evals/answers/runs", json={"limit": LIMIT})
        assert started.status_code == 202, started.text
        run = started.json()
        assert run["status"] == "running" and run["limit"] == LIMIT and run["report"] is None
        busy = http.post("/v1/evals/answers/runs", json={})
        assert busy.status_code == 409 and run["run_id"] in busy.json()["detail"]
        done = wait_finished(http, run["run_id"])
        assert done["status"] == "passed", done
        assert done["progress"] == {"done": LIMIT, "total": LIMIT}
        report = done["report"]
        assert report["metrics"]["cases"] == LIMIT and report["gate_passed"] is True
        assert report["primary_metric"] in report["metrics"]
        assert report["thresholds"]["exact_fact_accuracy"]["how"] == "min"
        assert report["tags"] and all(0.0 <= t["pass_rate"] <= 1.0 for t in report["tags"].values())
        assert sum(t["turns"] for t in report["tags"].values()) >= report["metrics"]["turns"]
        listed = http.get("/v1/evals/answers/runs").json()["runs"]
        assert [r["run_id"] for r in listed] == [run["run_id"]] and listed[0]["report"] is None

        second = http.post("/v1/evals/answers/runs", json={"limit": LIMIT}).json()

    # killed while the second run goes: the run (its own process) is finished or followed after
    # the restart, and the first run's record and report are as they were
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()
    with server.client() as http:
        again = http.get(f"/v1/evals/answers/runs/{run['run_id']}")
        assert again.status_code == 200 and again.json() == done
        after = wait_finished(http, second["run_id"])
        assert after["status"] == "passed", after
        assert after["report"]["metrics"]["cases"] == LIMIT
        runs = http.get("/v1/evals/answers/runs").json()["runs"]
        assert [r["run_id"] for r in runs] == [second["run_id"], run["run_id"]]
        assert http.post("/v1/evals/answers/runs", json={"limit": 1}).status_code == 202  # lock freed


def test_eval_run_errors_are_clear(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    with server.client() as http:
        for bad in ({"limit": 0}, {"tags": ["no spaces"]}, {"limit": "ten"}, {"extra": 1}):
            refused = http.post("/v1/evals/answers/runs", json=bad)
            assert refused.status_code == 422, (bad, refused.text)
        assert "not a tag name" in http.post("/v1/evals/answers/runs", json={"tags": ["a b"]}).text
        assert http.get("/v1/evals/answers/runs").json() == {"runs": []}  # nothing was started
        missing = http.get("/v1/evals/answers/runs/20260101T000000-abcdef")
        assert missing.status_code == 404 and "no eval run" in missing.json()["detail"]
        assert http.get("/v1/evals/answers/runs/..%2Fstate.db").status_code == 404
        started = http.post("/v1/evals/answers/runs", json={"tags": ["no_such_tag"]})
        assert started.status_code == 202, started.text
        failed = wait_finished(http, started.json()["run_id"])
        assert failed["status"] == "error" and failed["report"] is None
        assert "no eval case has any of the tags" in failed["error"], failed
        # the lock is free again: the next run starts
        assert http.post("/v1/evals/answers/runs", json={"limit": 1}).status_code == 202


def eval_pid(server: LiveServer, run_id: str) -> int:
    """The running eval's process id, from its run record (``<data_dir>/evals/answers/<id>``)."""
    record = server.data_dir / "evals" / "answers" / run_id / "run.json"
    pid = json.loads(record.read_text(encoding="utf-8"))["pid"]
    assert isinstance(pid, int), pid
    return pid


def ended(pid: int, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_runs_are_cancelled_deleted_pruned_and_stopped_with_the_service(
    tmp_path: Path, model_dir: Path
) -> None:
    service_key = "e2e-service-key-5f1d0c9a7b"
    llm_key = "e2e-llm-key-83b2e6d4a1"
    server = LiveServer(
        tmp_path / "data",
        api_key=service_key,
        env={"LIVESHOP_LLM__API_KEY": llm_key, "LIVESHOP_EVAL_RUNS_KEPT": "1"},
    )
    try:
        server.start()
        with server.client() as http:
            going = http.post("/v1/evals/answers/runs", json={}).json()  # every case: minutes
            pid = eval_pid(server, going["run_id"])
            # the child has neither key: not on its command line, not in its environment
            seen = Path(f"/proc/{pid}/cmdline").read_bytes() + Path(f"/proc/{pid}/environ").read_bytes()
            assert service_key.encode() not in seen and llm_key.encode() not in seen
            assert b"LIVESHOP_API_KEYS" not in seen and b"LIVESHOP_LLM__API_KEY" not in seen

            cancelled = http.delete(f"/v1/evals/answers/runs/{going['run_id']}")
            assert cancelled.status_code == 200, cancelled.text
            assert cancelled.json() == {"run_id": going["run_id"], "action": "cancelled"}
            assert ended(pid)
            record = http.get(f"/v1/evals/answers/runs/{going['run_id']}").json()
            assert record["status"] == "cancelled" and record["error"] is None, record

            # a new run may start; when it finishes only the newest finished run is kept (1)
            short = http.post("/v1/evals/answers/runs", json={"limit": 1})
            assert short.status_code == 202, short.text
            done = wait_finished(http, short.json()["run_id"])
            assert done["status"] == "passed", done
            runs = http.get("/v1/evals/answers/runs").json()["runs"]
            assert [r["run_id"] for r in runs] == [done["run_id"]]
            assert http.get(f"/v1/evals/answers/runs/{going['run_id']}").status_code == 404
            assert not (server.data_dir / "evals" / "answers" / going["run_id"]).exists()

            deleted = http.delete(f"/v1/evals/answers/runs/{done['run_id']}")
            assert deleted.json() == {"run_id": done["run_id"], "action": "deleted"}
            assert http.get(f"/v1/evals/answers/runs/{done['run_id']}").status_code == 404
            missing = http.delete(f"/v1/evals/answers/runs/{done['run_id']}")
            assert missing.status_code == 404 and "no eval run" in missing.json()["detail"]
            assert http.delete("/v1/evals/answers/runs/..%2Fstate.db").status_code == 404
            assert http.get("/v1/evals/answers/runs").json() == {"runs": []}

            last = http.post("/v1/evals/answers/runs", json={}).json()
            pid = eval_pid(server, last["run_id"])

        # a service that shuts down stops its eval (SIGTERM: the graceful stop; uvicorn exits with
        # the signal once the shutdown is done)
        assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
        assert ended(pid)
        server.start()
        with server.client() as http:
            stopped = http.get(f"/v1/evals/answers/runs/{last['run_id']}").json()
            assert stopped["status"] == "error", stopped
            assert stopped["error"] == "the service stopped while the eval ran"
    finally:
        server.stop()
    for path in (tmp_path / "data" / "evals").rglob("*"):  # no key in any file a run left
        if path.is_file():
            text = path.read_bytes()
            assert service_key.encode() not in text and llm_key.encode() not in text, path
