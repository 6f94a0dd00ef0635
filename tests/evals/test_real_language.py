"""The real-language yardstick: its labels file, its arithmetic, its CLI and a run on real lines.

The run on real lines reads the shared development data (``../shared/data`` beside the checkout);
without it that test fails saying so. The other tests use invented lines only.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli_eval import eval_app
from evals.answers.protocol import AskResult
from evals.answers.real_language import REPORT_NAME, build_report, main
from evals.answers.real_language_data import (
    LABEL_COLUMNS,
    LABELS_PATH,
    QUESTIONS_PATH,
    Label,
    RealLanguageDataError,
    load_labels,
    load_question_texts,
    resolve_questions_path,
    source_counts,
    text_sha1,
)
from evals.answers.real_language_score import (
    NO_REPLY,
    confusion,
    goal_failures,
    score_line,
    summarize_lines,
)

METRIC_KEYS = {
    "lines",
    "replies",
    "intent_accuracy",
    "action_accuracy",
    "wrong_confident_answer_rate",
    "answerable_recall",
    "chat_handoff_share",
    "latency_p50_ms",
    "latency_p99_ms",
}


def _label(n: int, intent: str, ref: str, answerable: bool, action: str) -> Label:
    return Label(f"{n:040x}", "livechat", intent, ref, answerable, action)


def _reply(source: str, intent: str, ms: float) -> AskResult:
    return AskResult(replied=True, text="好的", intent=intent, source=source, latency_ms=ms)


# A hand-checkable mini set: (label, what the pipeline did).
MINI = [
    (_label(1, "price", "on_stage", True, "answer"), _reply("catalog", "price", 10)),  # right
    (_label(2, "shipping", "on_stage", True, "answer"), _reply("catalog", "price", 20)),  # wrong intent
    (_label(3, "order_status", "none", False, "handoff"), _reply("handoff", "other", 30)),  # right
    (_label(4, "chat_to_host", "none", False, "silent"), _reply("handoff", "other", 40)),  # chat paged
    (_label(5, "price", "other_product", False, "handoff"), _reply("catalog", "price", 50)),  # not ours
    (_label(6, "greeting_praise", "none", False, "silent"), AskResult(False, latency_ms=60)),  # right
    (_label(7, "usage", "on_stage", True, "answer"), _reply("clarify", "usage", 70)),  # not answered
    (_label(8, "complaint", "none", False, "handoff"), AskResult(False, latency_ms=80)),  # silent
]


def test_mini_set_metrics_are_the_hand_computed_ones() -> None:
    scores = [score_line(label, result) for label, result in MINI]
    m = summarize_lines(scores)
    assert m["lines"] == 8 and m["replies"] == 6
    assert m["reply_rate"] == pytest.approx(6 / 8)
    # intent: 2 (price for shipping) and 4 (chat answered at all) are wrong
    assert m["intent_accuracy"] == pytest.approx(6 / 8)
    # action: 1, 2, 3, 6 match; 4 handoff for silent, 5 answer for handoff, 7 clarify, 8 silent
    assert m["action_accuracy"] == pytest.approx(4 / 8)
    # wrong confident: 2 (intent mismatch) and 5 (other product), out of 6 replies
    assert m["wrong_confident_answers"] == 2
    assert m["wrong_confident_answer_rate"] == pytest.approx(2 / 6)
    # answerable: 1, 2, 7; only 1 answered with the right intent
    assert m["answerable_lines"] == 3
    assert m["answerable_recall"] == pytest.approx(1 / 3)
    # handoffs: 3 and 4; 4 is chat
    assert m["handoffs"] == 2 and m["chat_handoffs"] == 1
    assert m["chat_handoff_share"] == pytest.approx(0.5)
    assert m["chat_silent_rate"] == pytest.approx(0.5)
    # for a person: 3 (paged), 5 (answered), 8 (left silent)
    assert m["person_lines"] == 3 and m["person_silent_rate"] == pytest.approx(1 / 3)
    # latencies 10..80 ms: p50 between 40 and 50, p99 at 70 + 0.93 * 10
    assert m["latency_p50_ms"] == pytest.approx(45.0)
    assert m["latency_p99_ms"] == pytest.approx(79.3)
    assert confusion(scores)["price"] == {"price": 2}
    assert confusion(scores)["greeting_praise"] == {NO_REPLY: 1}
    assert len(goal_failures(m)) == 3


def test_goals_pass_when_met() -> None:
    perfect = [
        (_label(1, "price", "on_stage", True, "answer"), _reply("catalog", "price", 5)),
        (_label(2, "chat_to_host", "none", False, "silent"), AskResult(False)),
        (_label(3, "invoice", "none", False, "handoff"), _reply("handoff", "other", 5)),
    ]
    report = build_report([score_line(lb, r) for lb, r in perfect])
    assert report.passed, report.goal_failures
    assert report.metrics["wrong_confident_answer_rate"] == 0.0
    assert report.metrics["answerable_recall"] == 1.0


def test_labels_file_is_valid_balanced_and_holds_no_text() -> None:
    labels = load_labels(LABELS_PATH)
    assert len(labels) >= 600
    counts = source_counts(labels)
    assert min(counts.values()) >= 0.4 * len(labels), counts
    raw = LABELS_PATH.read_text(encoding="utf-8")
    assert raw.splitlines()[0].split("\t") == list(LABEL_COLUMNS)
    assert all(ord(ch) < 128 for ch in raw), "the labels file must hold only sha1s and label names"
    assert any(lb.answerable for lb in labels) and any(lb.action == "silent" for lb in labels)


def test_missing_shared_data_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RealLanguageDataError, match="--data PATH"):
        resolve_questions_path(tmp_path / "absent.tsv")
    assert main(["--data", str(tmp_path / "absent.tsv")]) == 2
    result = CliRunner().invoke(eval_app, ["answers", "--real-language", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2


def _write_invented_set(tmp_path: Path) -> tuple[Path, Path]:
    """Invented lines (not from the shared data) and their labels, in the real files' formats."""
    lines = {
        "这个洗面奶多少钱": ("price", "on_stage", "yes", "answer"),
        "主播今天唱首歌吧": ("chat_to_host", "none", "no", "silent"),
        # labelled answerable on purpose so that the gate must fail: no answerer answers this as price
        "哈哈哈今天好开心": ("price", "on_stage", "yes", "answer"),
    }
    questions = tmp_path / "questions.tsv"
    with questions.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["source", "question", "repo", "commit", "path", "line", "extra"])
        for text in lines:
            w.writerow(["livechat", text, "r", "c", "p", "1", ""])
    labels = tmp_path / "labels.tsv"
    with labels.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(LABEL_COLUMNS)
        for text, fields in lines.items():
            w.writerow([text_sha1(text), "livechat", *fields])
    return questions, labels


def test_cli_runs_the_pipeline_writes_the_report_and_gates(tmp_path: Path) -> None:
    questions, labels = _write_invented_set(tmp_path)
    out = tmp_path / "out"
    assert main(["--data", str(questions), "--labels", str(labels), "--out", str(out)]) == 0
    report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert set(report["metrics"]) >= METRIC_KEYS
    assert report["metrics"]["lines"] == 3 and len(report["lines"]) == 3
    assert "洗面奶" not in json.dumps(report, ensure_ascii=False)  # sha1s only, never the text
    assert main(["--data", str(questions), "--labels", str(labels), "--gate"]) == 1


def test_report_runs_on_a_labelled_subset_of_the_real_lines(tmp_path: Path) -> None:
    if not QUESTIONS_PATH.is_file():
        pytest.fail(
            f"the shared development data is missing ({QUESTIONS_PATH}): put the shared data folder "
            "beside the checkout (../shared/data) to run the real-language yardstick"
        )
    texts = load_question_texts(QUESTIONS_PATH)
    assert {lb.sha1 for lb in load_labels(LABELS_PATH)} <= set(texts)
    out = tmp_path / "out"
    assert main(["--limit", "40", "--out", str(out)]) == 0
    report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert report["metrics"]["lines"] == 40 and set(report["metrics"]) >= METRIC_KEYS
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 40
    dumped = json.dumps(report, ensure_ascii=False)
    assert not any(text in dumped for text in texts.values() if len(text) >= 4)
