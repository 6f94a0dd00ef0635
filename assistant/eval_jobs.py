"""Answer-eval runs as jobs: the eval runs in a child process, its files under the data folder.

The console's Evals page starts a run and reads its report through the public API. The eval itself
lives in ``evals/`` (which the product never imports): a run is the ``liveshop eval answers`` command
in a subprocess, with ``--out <run dir> --progress <run dir>/progress.json`` and the run's options
(``--limit``, ``--tag``). Each run is a folder ``<root>/<run_id>/``:

- ``run.json``: the run record (status, options, times, exit code, error), rewritten atomically;
- ``progress.json``: ``{"done", "total"}`` cases, written by the eval after every case;
- ``report.json`` / ``report.html``: the eval's report, once it finished;
- ``stdout.log`` / ``stderr.log``: the command's output.

Statuses: ``queued`` -> ``running`` -> ``passed`` | ``failed`` (the report's gate) | ``error`` (no
report: the command failed, its last stderr lines are the error) | ``cancelled`` (stopped by the
operator). One run at a time: a lock file ``<root>/active`` (created exclusively) holds the running
run's id, so a second start is refused (``EvalBusyError``) until it ends. Runs survive a restart: the
records are on disk; a run whose service was killed while it ran is followed to its end when its
process still runs, else finished from what it left (a report, or an error saying it was cut short).
A service that shuts down stops the runs it started or followed (an error: the service stopped).

Retention: when a run finishes, only the newest ``keep`` finished runs are kept; older finished
runs' folders are deleted (a running one never is). ``delete`` removes one finished run.

Secrets: the child gets no ``LIVESHOP_*`` variable of the service (API keys, the LLM key, the Redis
URL): the eval builds its own no-LLM, in-memory system, and ``LIVESHOP_DATA_DIR`` is set to the run's
folder so it never opens the service's data. Nothing secret is on its command line.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The ``liveshop`` CLI (assistant.cli:app) under this interpreter: ``eval answers`` follows.
EVAL_COMMAND: tuple[str, ...] = (
    sys.executable,
    "-c",
    "from assistant.cli import app; app()",
    "eval",
    "answers",
)
RUN_ID_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")
TAG_RE = re.compile(r"^[0-9A-Za-z_\-]{1,40}$")
MAX_TAGS = 20
MAX_LIMIT = 100_000
ERROR_TAIL_CHARS = 2000
POLL_S = 0.5  # how often an adopted run's process is checked (seconds)
STOP_GRACE_S = 5.0  # a stopped run's process gets this long after SIGTERM before SIGKILL (seconds)
ACTIVE = ("queued", "running")
SETTINGS_ENV_PREFIX = "LIVESHOP_"  # the service's settings (secrets among them): not passed on
ENDING_FILE = "ending"  # in a run's folder: why its process is being stopped (see ``ENDINGS``)
STOPPED_BY_SERVICE = "the service stopped while the eval ran"
# why a run was stopped -> (status, error) it ends with
ENDINGS: dict[str, tuple[str, str | None]] = {
    "cancelled": ("cancelled", None),
    "shutdown": ("error", STOPPED_BY_SERVICE),
}
JsonDict = dict[str, Any]


class EvalJobError(Exception):
    """Base class of eval-job errors."""


class EvalBusyError(EvalJobError):
    """A run is already going: one run at a time."""


class UnknownEvalRunError(EvalJobError):
    """No run with this id."""


class EvalOptionsError(EvalJobError):
    """Options of a run that cannot be used (named in the message)."""


class EvalRunningError(EvalJobError):
    """The run is still going (cancel it first)."""


@dataclass(frozen=True, slots=True)
class EvalRun:
    """One run's record (times ISO 8601 with offset; ``pid``: the child process while it runs)."""

    run_id: str
    status: str
    created_at: str
    limit: int | None = None
    tags: tuple[str, ...] = ()
    finished_at: str | None = None
    exit_code: int | None = None
    error: str | None = None
    pid: int | None = None

    @classmethod
    def from_dict(cls, d: JsonDict) -> EvalRun:
        return cls(**{**d, "tags": tuple(d.get("tags", ()))})


def check_options(limit: int | None, tags: Sequence[str]) -> None:
    """``EvalOptionsError`` naming each problem of a run's options (nothing is started)."""
    problems = []
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        problems.append(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if len(tags) > MAX_TAGS:
        problems.append(f"at most {MAX_TAGS} tags, got {len(tags)}")
    problems += [
        f"tag {t!r} is not a tag name (letters, digits, _ and -)" for t in tags if not TAG_RE.match(t)
    ]
    if problems:
        raise EvalOptionsError("; ".join(problems))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process took the number
        return False
    return True


def _signal_group(pid: int, sig: int) -> None:
    """``sig`` to the run's process group (the child leads its own session: its helpers too)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:  # not a group leader: not a process this module started; the pid alone
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _running(pid: int, child: subprocess.Popen[bytes] | None) -> bool:
    """Whether a run's process still runs (a child of ours is reaped by ``poll``)."""
    return child.poll() is None if child is not None else _alive(pid)


def child_environment(run_dir: Path) -> dict[str, str]:
    """The eval child's environment: the service's, less every ``LIVESHOP_*`` setting, with the
    run's folder as its data folder (the eval's in-memory system writes nothing there)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(SETTINGS_ENV_PREFIX)}
    env[f"{SETTINGS_ENV_PREFIX}DATA_DIR"] = str(run_dir)
    return env


class EvalJobs:
    """The answer-eval runs kept under ``root`` (``<data_dir>/evals/answers``); ``keep``: how many
    finished runs are kept (older ones are deleted when a run finishes)."""

    def __init__(
        self,
        root: Path,
        clock: Callable[[], datetime],
        *,
        keep: int,
        command: Sequence[str] = EVAL_COMMAND,
    ) -> None:
        if keep < 1:
            raise ValueError(f"keep must be at least 1 finished run, got {keep}")
        self.root = root
        self._clock = clock
        self._keep = keep
        self._command = tuple(command)
        self._lock = threading.RLock()  # held while a record, the lock file or a folder changes
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._adopted: dict[str, int] = {}  # runs of a killed service, followed: run id -> pid
        self._recover()  # the folder is made by the first run, not at start-up

    # -- reading -------------------------------------------------------------------------------
    def runs(self) -> list[EvalRun]:
        """Every run, newest first."""
        runs = [self._read(p.parent) for p in self.root.glob("*/run.json")]
        return sorted((r for r in runs if r is not None), key=lambda r: r.created_at, reverse=True)

    def run(self, run_id: str) -> EvalRun:
        run = self._read(self._dir(run_id)) if RUN_ID_RE.match(run_id) else None
        if run is None:
            raise UnknownEvalRunError(f"no eval run {run_id!r}")
        return run

    def progress(self, run_id: str) -> JsonDict | None:
        """``{"done", "total"}`` cases so far, or None before the eval counted its cases."""
        return self._json(self._dir(run_id) / "progress.json")

    def report(self, run_id: str) -> JsonDict | None:
        """The run's ``report.json`` (None until it finished with a report)."""
        self.run(run_id)
        return self._json(self._dir(run_id) / "report.json")

    # -- starting ------------------------------------------------------------------------------
    def start(self, limit: int | None = None, tags: Sequence[str] = ()) -> EvalRun:
        """Start a run in a child process; ``EvalBusyError`` while another one runs."""
        check_options(limit, tags)
        with self._lock:
            run_id = f"{self._clock().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
            self.root.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.root / "active", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                busy = (self.root / "active").read_text(encoding="utf-8").strip()
                raise EvalBusyError(f"eval run {busy!r} is still going; one run at a time") from None
            run = EvalRun(run_id, "queued", self._clock().isoformat(), limit, tuple(tags))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(run_id)
                self._dir(run_id).mkdir(parents=True)
                self._write(run)
            except BaseException:  # no run was recorded: the next start must not find it "going"
                (self.root / "active").unlink(missing_ok=True)
                raise
            try:
                child = self._spawn(run)
            except OSError as exc:
                self._finish(run, None, f"the eval could not start: {exc}")
                raise EvalJobError(f"the eval could not start: {exc}") from None
            run = replace(run, status="running", pid=child.pid)
            self._write(run)
            self._children[run_id] = child
        threading.Thread(target=self._wait, args=(run, child), name=f"eval-{run_id}", daemon=True).start()
        return run

    def _spawn(self, run: EvalRun) -> subprocess.Popen[bytes]:
        out = self._dir(run.run_id)
        argv = [*self._command, "--out", str(out), "--progress", str(out / "progress.json")]
        if run.limit is not None:
            argv += ["--limit", str(run.limit)]
        for tag in run.tags:
            argv += ["--tag", tag]
        with open(out / "stdout.log", "wb") as stdout, open(out / "stderr.log", "wb") as stderr:
            # its own session: a signal to the service's process group does not cut the eval short
            return subprocess.Popen(
                argv,
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=child_environment(out),
                start_new_session=True,
            )

    def _wait(self, run: EvalRun, child: subprocess.Popen[bytes]) -> None:
        code = child.wait()
        with self._lock:
            self._children.pop(run.run_id, None)
        self._finish(run, code, None)

    def _follow(self, run: EvalRun) -> None:
        """A run started before a restart whose process still runs: wait for it to end."""
        assert run.pid is not None
        while _alive(run.pid):
            time.sleep(POLL_S)
        with self._lock:
            self._adopted.pop(run.run_id, None)
        self._finish(run, None, None)

    def _finish(self, run: EvalRun, code: int | None, error: str | None) -> EvalRun | None:
        """Record the outcome from the report (the gate), the error, or why the run was stopped;
        free the lock; then apply the retention. Once only: a finished record is left as it is."""
        with self._lock:
            current = self._read(self._dir(run.run_id))
            if current is None or current.status not in ACTIVE:
                return current
            report = self._json(self._dir(run.run_id) / "report.json")
            ending = self._ending(run.run_id)
            if ending is not None:
                status, error = ENDINGS[ending]
            elif error is None and report is not None and code in (0, None):
                status = "passed" if report.get("gate_passed") else "failed"
            else:
                status = "error"
                error = error or self._error_text(run.run_id, code)
            done = replace(
                current,
                status=status,
                finished_at=self._clock().isoformat(),
                exit_code=code,
                error=error,
                pid=None,
            )
            active = self.root / "active"  # freed first: whoever reads the outcome may start the next
            if active.exists() and active.read_text(encoding="utf-8").strip() == run.run_id:
                active.unlink()
            self._write(done)
            self._prune(done.run_id)
            return done

    def _ending(self, run_id: str) -> str | None:
        path = self._dir(run_id) / ENDING_FILE
        try:
            why = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return why if why in ENDINGS else None

    def _prune(self, just_finished: str) -> None:
        """Delete the folders of finished runs beyond the newest ``keep`` (never a running one)."""
        finished = [r for r in self.runs() if r.status not in ACTIVE]
        for old in finished[self._keep :]:
            if old.run_id != just_finished:
                self._remove(old.run_id)
                log.info("eval run %s deleted (only the newest %d are kept)", old.run_id, self._keep)

    def _remove(self, run_id: str) -> None:
        """The record first (the run is gone for readers at once), then the rest of its folder."""
        folder = self._dir(run_id)
        (folder / "run.json").unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)

    # -- stopping and deleting -----------------------------------------------------------------
    def cancel(self, run_id: str) -> EvalRun:
        """Stop a running run (SIGTERM to its process group, SIGKILL after ``STOP_GRACE_S``) and
        record it ``cancelled``; a run that already finished is returned as it is."""
        run = self.run(run_id)
        if run.status not in ACTIVE:
            return run
        self._stop({run_id: run}, "cancelled")
        return self.run(run_id)

    def delete(self, run_id: str) -> EvalRun:
        """Delete a finished run's folder (``EvalRunningError`` while it runs: cancel it first)."""
        with self._lock:
            run = self.run(run_id)
            if run.status in ACTIVE:
                raise EvalRunningError(f"eval run {run_id!r} is still going; cancel it first")
            self._remove(run_id)
        return run

    def _stop(self, runs: dict[str, EvalRun], why: str) -> None:
        """Stop the processes of ``runs`` (recording ``why`` first) and finish their records."""
        with self._lock:
            procs: dict[str, tuple[int, subprocess.Popen[bytes] | None]] = {}
            for run_id, run in runs.items():
                (self._dir(run_id) / ENDING_FILE).write_text(why, encoding="utf-8")
                child = self._children.get(run_id)
                pid = child.pid if child is not None else self._adopted.get(run_id, run.pid)
                if pid is not None:
                    procs[run_id] = (pid, child)
                    _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for pid, child in procs.values():
            while _running(pid, child) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _running(pid, child):
                _signal_group(pid, signal.SIGKILL)
                while _running(pid, child) and time.monotonic() < deadline + STOP_GRACE_S:
                    time.sleep(0.05)
        for run_id, run in runs.items():
            child = procs.get(run_id, (0, None))[1]
            self._finish(run, child.poll() if child is not None else None, None)

    def _error_text(self, run_id: str, code: int | None) -> str:
        err = self._dir(run_id) / "stderr.log"
        tail = (
            err.read_text(encoding="utf-8", errors="replace")[-ERROR_TAIL_CHARS:].strip()
            if err.exists()
            else ""
        )
        head = STOPPED_BY_SERVICE if code is None else f"the eval exited with status {code}"
        return f"{head}: {tail}" if tail else head

    def _recover(self) -> None:
        """Runs left queued or running by a stopped service: follow or finish them."""
        for run in self.runs():
            if run.status not in ACTIVE:
                continue
            if run.pid is not None and _alive(run.pid):
                self._adopted[run.run_id] = run.pid
                threading.Thread(target=self._follow, args=(run,), daemon=True).start()
            else:
                self._finish(run, None, None)
        active = self.root / "active"
        if active.exists():
            owner = active.read_text(encoding="utf-8").strip()
            record = self._read(self._dir(owner)) if RUN_ID_RE.match(owner) else None
            if record is None or record.status not in ACTIVE:
                active.unlink()  # a lock whose run never got a record (a crash while starting)

    def close(self) -> None:
        """At shutdown: stop the runs this process started or followed (each is recorded as an
        error: the service stopped while it ran), waiting at most about ``2 * STOP_GRACE_S``."""
        with self._lock:
            ids = [*self._children, *self._adopted]
        runs = {r.run_id: r for r in (self._read(self._dir(i)) for i in ids) if r is not None}
        live = {i: r for i, r in runs.items() if r.status in ACTIVE}
        if live:
            self._stop(live, "shutdown")

    # -- files ---------------------------------------------------------------------------------
    def _dir(self, run_id: str) -> Path:
        return self.root / run_id

    def _write(self, run: EvalRun) -> None:
        path = self._dir(run.run_id) / "run.json"
        tmp = path.with_name("run.json.tmp")
        tmp.write_text(json.dumps(asdict(run), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def _read(self, folder: Path) -> EvalRun | None:
        data = self._json(folder / "run.json")
        return None if data is None else EvalRun.from_dict(data)

    @staticmethod
    def _json(path: Path) -> JsonDict | None:
        try:
            data: JsonDict = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return data
