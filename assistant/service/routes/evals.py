"""Answer-eval runs: start one, follow its progress, read its report (the console's Evals page).

``POST /v1/evals/answers/runs {"limit": 50, "tags": ["flash_sale"]}`` starts a run in a child
process and answers 202 with the run (409 while another run is going: one at a time);
``GET /v1/evals/answers/runs`` lists runs, newest first; ``GET .../runs/{run_id}`` is one run with
its progress and, once finished, its report (headline metrics against their thresholds, the gate,
pass rate per tag, the failing turns); ``DELETE .../runs/{run_id}`` cancels a running run (its
process is stopped, status ``cancelled``) or deletes a finished one (its files). Runs are kept under
``<data_dir>/evals/answers`` (the newest finished ones, ``LIVESHOP_EVAL_RUNS_KEPT``) and survive a
restart (``assistant.eval_jobs``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from assistant.eval_jobs import ACTIVE, EvalBusyError, EvalOptionsError, EvalRun, UnknownEvalRunError
from assistant.service.deps import ServicesDep
from assistant.service.errors import ConflictError, NotFoundError, UnprocessableError
from assistant.service.inputs import CleanModel
from assistant.service.schemas.common import error_responses

log = logging.getLogger(__name__)

router = APIRouter(tags=["evals"])
MAX_FAILING_TURNS = 100  # failing turns returned with a report (the rest are in report.json)


class EvalRunIn(CleanModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt option is an error, not a full run

    limit: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="only the first N eval cases (default: every case)"
    )
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=20, description="only cases with one of these tags"
    )


class Progress(BaseModel):
    done: int = Field(description="eval cases run so far")
    total: int = Field(description="eval cases in the run")


class Threshold(BaseModel):
    how: str = Field(description="min | max")
    limit: float


class TagFigures(BaseModel):
    pass_rate: float = Field(description="share of the tag's turns that passed, 0..1")
    turns: int


class FailingTurn(BaseModel):
    case_id: str
    turn: int
    question: str
    reply: str
    source: str
    problems: list[str]


class EvalReportOut(BaseModel):
    metrics: dict[str, float] = Field(description="every figure of the eval (rates 0..1, latencies ms)")
    primary_metric: str | None
    thresholds: dict[str, Threshold] = Field(description="the gate: metric -> bound")
    gate_passed: bool
    gate_failures: list[str]
    tags: dict[str, TagFigures] = Field(description="pass rate per tag (kind of question)")
    failing_turns: list[FailingTurn] = Field(description=f"at most {MAX_FAILING_TURNS}")


class EvalRunOut(BaseModel):
    run_id: str
    status: str = Field(description="queued | running | passed | failed (the gate) | error | cancelled")
    created_at: str
    finished_at: str | None
    limit: int | None
    tags: list[str]
    error: str | None = Field(description="why the run ended without a report")
    progress: Progress | None = Field(description="cases run so far (None before the eval counted them)")
    report: EvalReportOut | None = Field(None, description="once finished with a report (single-run reads)")


class EvalRunList(BaseModel):
    runs: list[EvalRunOut] = Field(description="newest first")


class EvalRunRemoved(BaseModel):
    run_id: str
    action: Literal["cancelled", "deleted"] = Field(
        description="cancelled: the run was going and is stopped (kept, status cancelled); "
        "deleted: the finished run's files are removed"
    )


def _report(raw: dict[str, Any]) -> EvalReportOut:
    failing = [t for t in raw.get("turns", []) if not t.get("passed")][:MAX_FAILING_TURNS]
    return EvalReportOut(
        metrics=raw["metrics"],
        primary_metric=raw.get("meta", {}).get("primary_metric"),
        thresholds=raw.get("thresholds", {}),
        gate_passed=raw["gate_passed"],
        gate_failures=raw.get("gate_failures", []),
        tags={k: TagFigures(pass_rate=v["pass_rate"], turns=int(v["turns"])) for k, v in raw["tags"].items()},
        failing_turns=[
            FailingTurn(
                case_id=t["case_id"],
                turn=t["turn"],
                question=t["question"],
                reply=t["reply"],
                source=t["source"],
                problems=t["problems"],
            )
            for t in failing
        ],
    )


def _out(services: ServicesDep, run: EvalRun, with_report: bool = False) -> EvalRunOut:
    progress = services.evals.progress(run.run_id)
    report = services.evals.report(run.run_id) if with_report else None
    if progress is not None and not isinstance(progress.get("total"), int):
        progress = None  # written by an older or interrupted eval: shown as unknown, not a 500
    return EvalRunOut(
        run_id=run.run_id,
        status=run.status,
        created_at=run.created_at,
        finished_at=run.finished_at,
        limit=run.limit,
        tags=list(run.tags),
        error=run.error,
        progress=Progress(done=progress["done"], total=progress["total"]) if progress else None,
        report=_readable_report(report),
    )


def _readable_report(raw: dict[str, Any] | None) -> EvalReportOut | None:
    """The report, or None when the file lacks what the page needs (an older or cut-off run)."""
    if raw is None:
        return None
    try:
        return _report(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("eval report without the expected fields; not shown")
        return None


@router.post(
    "/evals/answers/runs",
    status_code=202,
    response_model=EvalRunOut,
    responses=error_responses(409, 422),
)
def start_eval_run(body: EvalRunIn, services: ServicesDep) -> EvalRunOut:
    """Start the answer eval in the background (409 while another run is going)."""
    try:
        run = services.evals.start(body.limit, body.tags)
    except EvalBusyError as exc:
        raise ConflictError(str(exc)) from None
    except EvalOptionsError as exc:
        raise UnprocessableError(str(exc)) from None
    return _out(services, run)


@router.get("/evals/answers/runs", response_model=EvalRunList)
def list_eval_runs(services: ServicesDep) -> EvalRunList:
    """Every answer-eval run, newest first (without reports: read one run for its report)."""
    return EvalRunList(runs=[_out(services, r) for r in services.evals.runs()])


@router.get("/evals/answers/runs/{run_id}", response_model=EvalRunOut, responses=error_responses(404))
def get_eval_run(run_id: str, services: ServicesDep) -> EvalRunOut:
    """One run: status, progress and, once finished, its report."""
    try:
        return _out(services, services.evals.run(run_id), with_report=True)
    except UnknownEvalRunError as exc:  # also when it was deleted while it was read
        raise NotFoundError(str(exc)) from None


@router.delete("/evals/answers/runs/{run_id}", response_model=EvalRunRemoved, responses=error_responses(404))
def remove_eval_run(run_id: str, services: ServicesDep) -> EvalRunRemoved:
    """Cancel a running run (its process is stopped; the run is kept, status cancelled) or delete a
    finished one (its report and logs are removed)."""
    try:
        run = services.evals.run(run_id)
        if run.status in ACTIVE:
            services.evals.cancel(run_id)
            return EvalRunRemoved(run_id=run_id, action="cancelled")
        services.evals.delete(run_id)
    except UnknownEvalRunError as exc:
        raise NotFoundError(str(exc)) from None
    return EvalRunRemoved(run_id=run_id, action="deleted")
