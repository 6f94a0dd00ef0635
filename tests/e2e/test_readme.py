"""The README's own commands, executed: the set-up, the curl examples, the command-line table.

A README that rots is how a new user first meets a broken product, so every command it shows runs
here against a real server (the curl examples through bash and the real ``curl``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness import LIVESHOP, REPO_ROOT, LiveServer

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
CURL_FAILS_ON_HTTP_ERRORS = 'curl() { command curl -sS --fail-with-body "$@"; echo; }\n'


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def setup_block() -> str:
    return next(b for b in bash_blocks() if "make demo" in b)


def example_blocks() -> list[str]:
    return [b for b in bash_blocks() if "curl" in b]


def test_the_setup_commands_are_the_ones_ci_and_the_harness_run() -> None:
    commands = [line.split("#")[0].strip() for line in setup_block().splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M), ".ci/run must call the README's test command"
    dry = subprocess.run(
        ["make", "-n", "demo"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    serve = next(line for line in dry.splitlines() if "liveshop serve" in line).split()
    assert serve[0].endswith("liveshop") and "--demo" in serve
    harness = LiveServer(Path("/nonexistent"), port=8000).command()
    assert sorted(serve[1:]) == sorted(harness[1:]), "the harness starts the service as `make demo` does"


def test_the_curl_examples_run_against_the_demo_server(demo_server: LiveServer) -> None:
    blocks = example_blocks()
    assert blocks, "the README shows curl examples"
    for block in blocks:
        script = block.replace("localhost:8000", f"127.0.0.1:{demo_server.port}")
        script = script.replace("127.0.0.1:8000", f"127.0.0.1:{demo_server.port}")
        script = re.sub(r"^KEY=\S+", f"KEY={demo_server.key}", script, flags=re.M)
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", CURL_FAILS_ON_HTTP_ERRORS + script],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, (
            f"README example failed:\n{script}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
        )
        assert '"detail"' not in run.stdout, run.stdout


def cli_rows() -> list[tuple[list[str], list[str]]]:
    """(sub-command words, options named) for each command of the README's command-line table;
    ``a|b`` alternatives of a sub-command are each a command."""
    rows: list[tuple[list[str], list[str]]] = []
    for first_cell in re.findall(r"^\| (`liveshop .*?) \|", README, flags=re.M):
        for variant in re.findall(r"`(liveshop [^`]+)`", first_cell):
            words = variant.replace("\\", "").split()[1:]
            groups = [w for w in words if not w.startswith(("-", "[", "FILE"))][:2]
            subs = [[groups[0], alt] for alt in groups[1].split("|")] if len(groups) == 2 else [groups[:1]]
            if groups[0] not in {"models", "catalog", "eval"}:
                subs = [groups[:1]]
            options = re.findall(r"--[a-z][a-z\-]*", variant)
            rows.extend((sub, options) for sub in subs)
    return rows


@pytest.mark.parametrize(
    ("sub", "options"), cli_rows(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_each_command_in_the_readme_exists_with_its_options(sub: list[str], options: list[str]) -> None:
    result = subprocess.run(
        [str(LIVESHOP), *sub, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "300", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    for option in options:
        assert option in result.stdout, f"`liveshop {' '.join(sub)}` has no {option}"
