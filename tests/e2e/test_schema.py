"""The published OpenAPI schema is what the running service does: a bounded schemathesis run.

The schema is loaded from the real ``liveshop serve`` process (``/openapi.json``) and schemathesis'
engine (what ``schemathesis run`` does) calls every documented operation with the key: the schema's
examples, its coverage cases (boundaries, missing and malformed fields, undeclared methods), then
random data. Every response must be documented: no 5xx; a documented status code, content type,
headers and body schema; a 405 lists the path's methods in ``Allow``; a protected route rejects a
request without the key. A failure names the operation, what is wrong and a ``curl`` line that
reproduces it.

Bounded: at most ``MAX_EXAMPLES`` generated requests per operation and phase, no shrinking, a
per-request timeout and a time budget for the whole run; a fixed seed, so a run is repeatable.
The run changes state (imports, patches, deletes on whatever ids it finds), so it gets a demo
server of its own rather than the shared ``demo_server`` other tests read.

Not run: ``negative_data_rejection`` and ``positive_data_acceptance``. They judge input validation
against the schema, not responses: pydantic accepts ``0`` for a time (Unix seconds, documented for
events) and ``0``/``1`` for a boolean, and many valid-looking bodies are rejected for domain reasons
no JSON schema can say (a SKU that is not the product's, a promotion type's required fields).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.config import CacheConfig
from schemathesis.engine import Status, events

from tests.e2e.harness import LiveServer

MAX_EXAMPLES = 25  # generated requests per operation and phase (about a minute in all)
DEADLINE_S = 300.0  # the run takes about a minute; past this it is stopped and fails
REQUEST_TIMEOUT_S = 60.0  # one request
SEED = 20261204
PHASES = ["examples", "coverage", "fuzzing"]
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
]

# Transcription and speaker enrolment run the speech models on each upload (seconds per request on
# these CPUs, on the worker pool live captions share): they are tested with real audio elsewhere.
EXCLUDED_PATHS = r"^/v1/(audio/)?transcriptions|^/v1/rooms/\{room_id\}/speakers"


@pytest.fixture(scope="module")
def schema_server(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[LiveServer]:
    """A demo server for this module only: the run imports, patches and deletes."""
    server = LiveServer(tmp_path_factory.mktemp("schema") / "data")
    server.start()
    yield server
    server.stop()


def load_schema(server: LiveServer) -> schemathesis.BaseSchema:
    """The served schema, configured for a bounded run with the key (no cache files written)."""
    # No ``max_time``: with one, fuzzing repeats until the time is spent. The run ends when every
    # operation had its examples; ``DEADLINE_S`` only guards against a hang.
    config = schemathesis.Config(seed=SEED, cache=CacheConfig(enabled=False))
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", config=config)
    schema.config.update(headers=server.auth, request_timeout=REQUEST_TIMEOUT_S, workers=1)
    schema.config.phases.update(phases=PHASES)
    schema.config.checks.update(included_check_names=CHECKS)
    schema.config.generation.update(max_examples=MAX_EXAMPLES, no_shrink=True, database="none")
    return schema.exclude(path_regex=EXCLUDED_PATHS)


def test_every_response_is_documented(schema_server: LiveServer) -> None:
    schema = load_schema(schema_server)
    failures: dict[tuple[str, str], list[str]] = {}  # (operation, failure kind) -> reproductions
    errors: list[str] = []
    tested: set[str] = set()
    requests = 0
    deadline = time.monotonic() + DEADLINE_S
    for event in engine.from_schema(schema).execute():
        if time.monotonic() > deadline:
            errors.append(f"the run took more than {DEADLINE_S:.0f} s ({requests} requests): stopped")
            break
        if isinstance(event, events.ScenarioFinished):
            if event.status is not Status.SKIP and event.label:
                tested.add(event.label)
            requests += len(event.recorder.interactions)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        info = check.failure_info
                        key = (str(event.label), info.failure.title)
                        failures.setdefault(key, []).append(f"{info.failure.message}\n    {info.code_sample}")
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.title}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(f"schemathesis failed: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            print(f"schemathesis: {len(tested)} operations, {requests} requests, stop: {event.stop_reason}")
    assert not errors, "\n".join(errors)
    report = [
        f"{operation}: {kind} ({len(cases)} cases), e.g.\n{cases[0]}"
        for (operation, kind), cases in sorted(failures.items())
    ]
    assert not report, f"{len(report)} kind(s) of failure:\n\n" + "\n\n".join(report)
    assert len(tested) >= 25, f"only {len(tested)} operations were tested: {sorted(tested)}"
