"""The real-language yardstick: today's danmaku answerer on hand-labelled real shoppers' lines.

The eval room is the demo catalog with the cleanser MZ07 (植萃集 氨基酸洗面奶) on stage, the CI
settings (in-memory store, no LLM, BM25 retrieval; ``--env-settings`` for the configured ones).
Each labelled line (``real_language_data``) goes alone, from its own viewer, through the real
pipeline in-process (``PipelineSystem`` -> ``LiveRooms.handle_danmaku``), ``LINE_GAP_S`` seconds
after the one before, and is scored against its label (``real_language_score``).

CLI (``liveshop eval answers --real-language`` calls ``main``)::

    liveshop eval answers --real-language [--data PATH] [--labels PATH] [--out DIR] [--limit N] [--gate]
                                          [--cv K] [--gate-measured]

The shipped understanding model (``assistant/danmaku/data/understanding.npz``) was trained on these
very lines, so a plain run scores it in-sample. ``--cv K`` is the honest figure: the lines are split
into K folds and each fold runs through a pipeline whose model was trained without it
(``train_understanding.cross_validated_models``: the other folds plus the generated eval cases and
invented examples); ``meta.model`` says which was run.

``--data`` is the shared ``danmaku_dev/questions.tsv`` or the shared data folder (default
``../shared/data`` beside the checkout). ``--gate`` exits 1 when a goal of ``GOALS`` is missed,
``--gate-measured`` when a bound of ``CV_GATES`` (the measured cross-validated figures with a
margin) is; 2 means a usage or data error (e.g. the shared data is absent).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from evals.answers.errors import AnswerEvalError
from evals.answers.protocol import AnswerSystem
from evals.answers.real_language_data import LABELS_PATH, LabelledLine, load_labelled, source_counts
from evals.answers.real_language_score import (
    GOALS,
    LineScore,
    action_confusion,
    by_source,
    confusion,
    goal_failures,
    score_line,
    summarize_lines,
)

log = logging.getLogger(__name__)

# The gate CI holds the cross-validated run to (``--cv 5 --gate-measured``): the goals (``GOALS``)
# are not all reached under cross-validation yet (two are: wrong answers and chat among handoffs;
# answerable recall is far from its goal), so each bound is the
# figure measured with ``liveshop eval answers --real-language --cv 5`` (beside it) plus a margin of
# a few lines.
# Raise the bounds as the figures improve; docs/understanding-model.md has the full tables.
CV_GATES: dict[str, tuple[str, float]] = {
    # all 1,903 development lines labelled (the model retrained on them)
    "wrong_confident_answer_rate": ("max", 0.025),  # measured 0.016-0.017 (14-15 of 897-903 replies)
    "answerable_recall": ("min", 0.65),  # measured 0.700-0.713 (56-57 of 80 lines); 0.588 two rounds before
    # measured 0.045-0.047 (37-39 of 825-833 handoffs): met, so held to the goal itself (a bound is
    # never stricter than its goal)
    "chat_handoff_share": ("max", 0.05),
}

STAGE_PRODUCT = "MZ07"  # 植萃集 氨基酸洗面奶: the host presents it for the whole run
STAGE_LEAD_S = 60.0  # the product went on stage this long before the first line
LINE_GAP_S = 15.0  # seconds between two lines (each alone in its batch, from its own viewer)
REPORT_NAME = "real_language.json"


@dataclass(slots=True)
class RealLanguageReport:
    """Metrics, goal verdicts, confusion tables and every line's outcome (sha1 only, no text)."""

    metrics: dict[str, float]
    goal_failures: list[str]
    confusion: dict[str, dict[str, int]]
    action_confusion: dict[str, dict[str, int]]
    by_source: dict[str, dict[str, float]]
    lines: list[LineScore]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.goal_failures

    def summary_dict(self) -> dict[str, Any]:
        """Everything but the per-line outcomes."""
        return {
            "metrics": self.metrics,
            "goals": {k: {"how": how, "limit": limit} for k, (how, limit) in GOALS.items()},
            "goal_failures": self.goal_failures,
            "confusion": self.confusion,
            "action_confusion": self.action_confusion,
            "by_source": self.by_source,
            "meta": self.meta,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary_dict(), "lines": [asdict(s) for s in self.lines]}


def run_lines(
    system: AnswerSystem, lines: Sequence[LabelledLine], stage: str = STAGE_PRODUCT
) -> list[LineScore]:
    """Every line through ``system``'s one room with ``stage`` on stage, ``LINE_GAP_S`` apart."""
    from evals.answers.system import START

    system.reset()
    system.set_stage(stage, START)
    scores = []
    for i, line in enumerate(lines):
        at = START + timedelta(seconds=STAGE_LEAD_S + LINE_GAP_S * i)
        result = system.ask(f"rl-viewer-{i}", line.text, at, "小鹿")
        scores.append(score_line(line.label, result))
    return scores


def build_report(scores: Sequence[LineScore], meta: dict[str, Any] | None = None) -> RealLanguageReport:
    """Summarise scored lines into the report (goals checked against ``GOALS``)."""
    metrics = summarize_lines(scores)
    return RealLanguageReport(
        metrics=metrics,
        goal_failures=goal_failures(metrics),
        confusion=confusion(scores),
        action_confusion=action_confusion(scores),
        by_source=by_source(scores),
        lines=list(scores),
        meta=dict(meta or {}),
    )


def format_report(report: RealLanguageReport) -> str:
    """The human-readable summary: metrics, goals, per-class confusion, actions."""
    m = report.metrics
    sources = report.meta.get("sources", {})
    out = [f"real-language lines: {m['lines']:.0f} {sources}, replies {m['replies']:.0f}"]
    for name in (
        "intent_accuracy",
        "action_accuracy",
        "wrong_confident_answer_rate",
        "answerable_recall",
        "chat_handoff_share",
        "chat_silent_rate",
        "person_silent_rate",
        "reply_rate",
    ):
        out.append(f"  {name:<28} {m[name]:.3f}")
    out.append(
        f"  wrong confident answers {m['wrong_confident_answers']:.0f}; answerable lines "
        f"{m['answerable_lines']:.0f}; handoffs {m['handoffs']:.0f} (chat {m['chat_handoffs']:.0f})"
    )
    out.append(f"  latency p50 {m['latency_p50_ms']:.1f} ms, p99 {m['latency_p99_ms']:.1f} ms")
    for name, (how, limit) in GOALS.items():
        met = not any(f.startswith(name) for f in report.goal_failures)
        out.append(f"  goal {name} {'<=' if how == 'max' else '>='} {limit:g}: {'met' if met else 'MISSED'}")
    out.append("per-class confusion (label: n, intent ok, predicted intents):")
    for label, row in report.confusion.items():
        n = sum(row.values())
        right = sum(s.intent_ok for s in report.lines if s.label_intent == label)
        top = ", ".join(f"{k} {v}" for k, v in sorted(row.items(), key=lambda kv: -kv[1]))
        out.append(f"  {label:<22} {n:>4}  {right / n:.2f}  {top}")
    out.append("actions (label -> predicted):")
    for label, row in report.action_confusion.items():
        out.append(f"  {label:<8} " + ", ".join(f"{k} {v}" for k, v in row.items()))
    return "\n".join(out)


def write_report(report: RealLanguageReport, out_dir: Path) -> Path:
    """Write ``real_language.json`` (metrics, tables, per-line outcomes by sha1) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="liveshop eval answers --real-language",
        description="Today's answerer on hand-labelled real lines, against the real-language goals.",
    )
    p.add_argument("--data", type=Path, default=None, help="questions.tsv or the shared data folder")
    p.add_argument("--labels", type=Path, default=LABELS_PATH, help="the labels TSV (sha1 + labels)")
    p.add_argument("--out", type=Path, default=None, help=f"write {REPORT_NAME} here")
    p.add_argument("--limit", type=int, default=0, help="only the first N labelled lines (0: all)")
    p.add_argument("--gate", action="store_true", help="exit 1 when a goal is missed")
    p.add_argument(
        "--gate-measured",
        action="store_true",
        help="exit 1 when a bound of CV_GATES is missed (use with --cv)",
    )
    p.add_argument("--cv", type=int, default=0, help="K-fold cross-validated run (K >= 2; 0: shipped model)")
    p.add_argument(
        "--env-settings", action="store_true", help="build the pipeline from LIVESHOP_* settings (LLM ...)"
    )
    return p


def _build_system(env_settings: bool, understanding: Any = None) -> AnswerSystem:
    from assistant.service.settings import Settings, load_settings
    from evals.answers.system import PipelineSystem

    if env_settings:
        return PipelineSystem(load_settings(store="memory", demo=False), understanding=understanding)
    return PipelineSystem(
        Settings(store="memory", embeddings="none", demo=False), understanding=understanding
    )


def run_cross_validated(lines: Sequence[LabelledLine], folds: int, env_settings: bool) -> list[LineScore]:
    """Every line scored by a pipeline whose understanding model never saw it (module docstring);
    the scores come back in the order of ``lines``."""
    from evals.answers.train_understanding import cross_validated_models

    scores: dict[int, LineScore] = {}
    for held, model in cross_validated_models(lines, folds):
        fold_scores = run_lines(_build_system(env_settings, model), [lines[i] for i in held])
        scores.update(zip(held, fold_scores, strict=True))
    return [scores[i] for i in range(len(lines))]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the yardstick from the command line; returns the exit status (0, 1 gate missed, 2 error)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    try:
        lines = load_labelled(args.data, args.labels)
    except AnswerEvalError as exc:
        log.error("%s", exc)
        return 2
    if args.limit > 0:
        lines = lines[: args.limit]
    if args.cv == 1 or args.cv < 0:
        log.error("--cv needs at least 2 folds (got %d)", args.cv)
        return 2
    if args.cv:
        scores = run_cross_validated(lines, args.cv, args.env_settings)
    else:
        scores = run_lines(_build_system(args.env_settings), lines)
    meta = {
        "model": f"cross-validated, {args.cv} folds" if args.cv else "shipped (trained on these lines)",
        "stage": STAGE_PRODUCT,
        "line_gap_s": LINE_GAP_S,
        "sources": source_counts(x.label for x in lines),
    }
    report = build_report(scores, meta)
    print(format_report(report))
    print(json.dumps(report.summary_dict(), ensure_ascii=False))
    if args.out is not None:
        log.info("report written to %s", write_report(report, args.out))
    if args.gate and report.goal_failures:
        log.error("real-language goals missed:\n  %s", "\n  ".join(report.goal_failures))
        return 1
    if args.gate_measured:
        missed = goal_failures(report.metrics, CV_GATES)
        if missed:
            log.error("real-language measured bounds missed:\n  %s", "\n  ".join(missed))
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
