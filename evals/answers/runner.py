"""Run the answer-quality eval: every case through an ``AnswerSystem``, scored, summarised, gated.

Each case starts from ``system.reset()``; its stage product goes on stage ``STAGE_BEFORE_S`` before
the first turn (the host presented it a moment before the question), and a turn's own stage change
is applied ``STAGE_LEAD_S`` before that turn. Then each turn is asked at its frozen time.

CLI (``liveshop eval answers`` calls ``main``)::

    python -m evals.answers --out reports/answers [--gate] [--tag flash_sale] [--llm-judge ...]

``--gate`` exits 1 when a metric misses ``thresholds.THRESHOLDS`` (2 on a usage or data error).
``--limit N`` runs the first N cases (after ``--tag``); ``--progress FILE`` rewrites FILE with
``{"done": cases run, "total": cases}`` after every case (the console's eval jobs read it).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from evals.answers.dataset import DATA_PATH, Case, Turn, load_cases, validate
from evals.answers.errors import AnswerEvalError
from evals.answers.grounding import grounding_for, products_named
from evals.answers.judge import LlmJudge
from evals.answers.protocol import AnswerSystem, AskResult
from evals.answers.scoring import TurnScore, per_tag, score_turn, summarize
from evals.answers.thresholds import THRESHOLDS, gate_failures
from knowledge.demo import load_demo_catalog
from knowledge.domain import Catalog

log = logging.getLogger(__name__)

STAGE_BEFORE_S = 60.0  # the case's stage product went on stage this long before the first turn
STAGE_LEAD_S = 1.0  # a turn's stage change happens this long before the turn
DEFAULT_NICKNAME = "小鹿"
PRIMARY_METRIC = "exact_fact_accuracy"


@dataclass(slots=True)
class EvalReport:
    """Metrics, per-tag pass rates, every scored turn and the gate's verdict."""

    metrics: dict[str, float]
    tags: dict[str, dict[str, float]]
    turns: list[TurnScore]
    gate_failures: list[str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def passed_gate(self) -> bool:
        return not self.gate_failures


def _ask(system: AnswerSystem, case: Case, index: int, turn: Turn) -> AskResult:
    if index == 0 and case.stage is not None and not turn.stage_change:
        system.set_stage(case.stage, turn.at - timedelta(seconds=STAGE_BEFORE_S))
    if turn.stage_change:
        system.set_stage(turn.stage, turn.at - timedelta(seconds=STAGE_LEAD_S))
    return system.ask(turn.viewer, turn.text, turn.at, turn.nickname or DEFAULT_NICKNAME)


def run_case(system: AnswerSystem, case: Case, catalog: Catalog) -> list[TurnScore]:
    """Every turn of one case, from a fresh room."""
    system.reset()
    scores = []
    for i, turn in enumerate(case.turns):
        result = _ask(system, case, i, turn)
        expect = turn.expect
        pids = [p for p in (result.product_id, expect.product_id) if p] + products_named(catalog, result.text)
        grounding = grounding_for(catalog, pids, turn.at, turn.text)
        scores.append(score_turn(case.case_id, i + 1, case.tags, turn.text, expect, result, grounding))
    return scores


def _judge_all(judge: LlmJudge, scores: Sequence[TurnScore], cases: Sequence[Case]) -> dict[str, float]:
    by_id = {c.case_id: c for c in cases}
    verdicts = []
    for s in scores:
        if not s.replied:
            continue
        expected = ", ".join(by_id[s.case_id].turns[s.turn - 1].expect.required)
        v = judge.judge(s.case_id, s.question, s.reply, expected)
        if v is not None:
            verdicts.append(v)
    judge.save()
    return {
        "judge_pass_rate": sum(verdicts) / len(verdicts) if verdicts else 0.0,
        "judge_verdicts": float(len(verdicts)),
    }


def run_answer_eval(
    system: AnswerSystem,
    cases: Sequence[Case],
    llm_judge: LlmJudge | None = None,
    catalog: Catalog | None = None,
    thresholds: dict[str, tuple[str, float]] | None = None,
    on_case: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run, score and summarise ``cases``; the gate uses ``thresholds`` (default THRESHOLDS).
    ``on_case(done, total)`` is called after each case (progress)."""
    catalog = catalog or load_demo_catalog()
    scores: list[TurnScore] = []
    for i, case in enumerate(cases):
        scores.extend(run_case(system, case, catalog))
        if on_case is not None:
            on_case(i + 1, len(cases))
    metrics = summarize(scores)
    if llm_judge is not None:
        metrics.update(_judge_all(llm_judge, scores, cases))
    failures = gate_failures(metrics, thresholds if thresholds is not None else THRESHOLDS)
    return EvalReport(metrics, per_tag(scores), scores, failures, {"primary_metric": PRIMARY_METRIC})


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="liveshop eval answers", description="Answer-quality eval on the demo catalog."
    )
    p.add_argument("--data", type=Path, default=DATA_PATH, help="the JSONL eval set")
    p.add_argument("--out", type=Path, default=None, help="write report.json and report.html here")
    p.add_argument("--gate", action="store_true", help="exit 1 when a metric misses its threshold")
    p.add_argument("--tag", action="append", default=[], help="only cases with this tag (repeatable)")
    p.add_argument("--limit", type=int, default=None, help="only the first N cases (after --tag)")
    p.add_argument("--progress", type=Path, default=None, help="rewrite this JSON file after every case")
    p.add_argument(
        "--env-settings",
        action="store_true",
        help="build the system from LIVESHOP_* settings (LLM, embeddings) instead of the no-LLM CI path",
    )
    p.add_argument("--llm-judge", action="store_true", help="also ask an LLM judge (cached verdicts)")
    p.add_argument("--judge-base-url", default="", help="OpenAI-compatible endpoint of the judge")
    p.add_argument("--judge-model", default="", help="judge model name")
    p.add_argument("--judge-api-key", default="", help="judge API key (or empty)")
    p.add_argument("--judge-cache", type=Path, default=Path("reports/answers/judge_cache.json"))
    return p


def _build_judge(args: argparse.Namespace) -> LlmJudge | None:
    if not args.llm_judge:
        return None
    from assistant.llm.client import LlmClient, LlmConfig
    from evals.answers.judge import require_judge_config

    require_judge_config(args.judge_base_url, args.judge_model)
    client = LlmClient(LlmConfig(args.judge_base_url, args.judge_model, args.judge_api_key, timeout_s=20.0))
    return LlmJudge(client, args.judge_cache)


def _build_system(env_settings: bool) -> AnswerSystem:
    from assistant.service.settings import Settings, load_settings
    from evals.answers.system import PipelineSystem

    if env_settings:
        return PipelineSystem(load_settings(store="memory", demo=False))
    return PipelineSystem(Settings(store="memory", embeddings="none", demo=False))


def progress_writer(path: Path) -> Callable[[int, int], None]:
    """``on_case`` that rewrites ``path`` with ``{"done", "total"}`` (atomically: write, rename)."""

    def write(done: int, total: int) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
        tmp.replace(path)

    return write


def main(argv: Sequence[str] | None = None) -> int:
    """Run the eval from the command line; returns the exit status."""
    from evals.answers.report import print_summary, write_reports

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    try:
        catalog = load_demo_catalog()
        cases = load_cases(args.data)
        problems = validate(cases, catalog)
        if problems:
            raise AnswerEvalError("the eval set has problems:\n" + "\n".join(problems))
        if args.tag:
            cases = [c for c in cases if set(args.tag) & set(c.tags)]
        if not cases:
            raise AnswerEvalError(f"no eval case has any of the tags {args.tag}")
        if args.limit is not None:
            if args.limit < 1:
                raise AnswerEvalError(f"--limit must be at least 1, got {args.limit}")
            cases = cases[: args.limit]
        on_case = progress_writer(args.progress) if args.progress is not None else None
        if on_case is not None:
            on_case(0, len(cases))
        report = run_answer_eval(
            _build_system(args.env_settings), cases, _build_judge(args), catalog, on_case=on_case
        )
    except AnswerEvalError as exc:
        log.error("%s", exc)
        return 2
    print_summary(report)
    if args.out is not None:
        write_reports(report, args.out)
        log.info("report written to %s", args.out)
    if args.gate and report.gate_failures:
        log.error("gate failed:\n  %s", "\n  ".join(report.gate_failures))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
