"""The understanding model on real language, cross-validated: folds never score a line they trained
on, and the cross-validated real-language report holds the measured bounds (``CV_GATES``).

The run on real lines reads the shared development data (``../shared/data`` beside the checkout);
without it that test fails saying so. The other tests use invented lines only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.danmaku.types import Intent
from evals.answers.errors import DatasetError
from evals.answers.real_language import CV_GATES, REPORT_NAME, main
from evals.answers.real_language_data import QUESTIONS_PATH
from evals.answers.real_language_score import GOALS, goal_failures
from evals.answers.train_understanding import fold_split, train
from evals.answers.understanding_data import (
    INVENTED,
    Example,
    case_examples,
    guideline_examples,
    invented_file_examples,
)


def test_each_fold_trains_without_its_held_out_lines() -> None:
    real = [Example(f"第{i}句话", "silent" if i % 3 else "answer", None) for i in range(23)]
    held_all: list[int] = []
    for k in range(5):
        held, kept = fold_split(real, k, 5)
        held_all += held
        assert not {real[i].text for i in held} & {e.text for e in kept}
        assert len(held) + len(kept) == len(real)
    assert sorted(held_all) == list(range(len(real)))  # every line is scored exactly once


def test_training_data_holds_the_eval_cases_the_guideline_and_invented_lines() -> None:
    cases = case_examples()
    assert any(e.route == "silent" for e in cases) and any(e.route == "handoff" for e in cases)
    assert sum(e.route == "answer" for e in cases) > 300  # the catalog questions stay answered
    guide = guideline_examples()
    assert {e.route for e in guide} == {"answer", "handoff", "silent"}
    assert any(e.text == "主播多少粉丝了" and e.route == "silent" for e in INVENTED)


def test_the_invented_lines_file_holds_contrastive_pairs_of_every_route() -> None:
    """The pre-sale questions, their own-order counterparts and chat to the host written for the
    model (``evals/data/understanding_invented.tsv``): every route, answered lines with an intent."""
    examples = invented_file_examples()
    routes = {route: [e for e in examples if e.route == route] for route in ("answer", "handoff", "silent")}
    assert all(len(group) >= 80 for group in routes.values()), {k: len(v) for k, v in routes.items()}
    assert all(e.intent is not None for e in routes["answer"])
    assert all(e.intent is None for e in (*routes["handoff"], *routes["silent"]))
    intents = {e.intent for e in routes["answer"]}
    assert {Intent.AFTER_SALES, Intent.SHIPPING, Intent.PRICE_PROTECTION, Intent.DISCOUNT} <= intents


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("route\tintent\ttext\nanswer\tprice\t多少钱\nmaybe\t\t好的\n", "row 3, route: 'maybe'"),
        ("route\tintent\ttext\nanswer\tcheap\t多少钱\n", "row 2, intent: 'cheap' is no intent"),
        ("route\tintent\ttext\nsilent\tprice\t哈哈\n", "row 2, intent: only answered lines"),
        ("route\tintent\ttext\nsilent\t\t哈哈\nsilent\t\t哈哈\n", "row 3, text: '哈哈' is listed twice"),
        ("route\tintent\ttext\nsilent\t哈哈\n", "row 2: 2 fields"),
        ("route\ttext\nsilent\t哈哈\n", "row 1 must be the header"),
    ],
)
def test_a_malformed_invented_lines_file_is_refused_naming_row_and_field(
    tmp_path: Path, rows: str, message: str
) -> None:
    path = tmp_path / "invented.tsv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        invented_file_examples(path)


def test_a_missing_invented_lines_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="missing"):
        invented_file_examples(tmp_path / "absent.tsv")


def test_a_model_trained_on_invented_lines_separates_them() -> None:
    lines = [
        *(Example(t, "answer", Intent.PRICE) for t in ("这个多少钱", "洗面奶多少钱", "什么价", "怎么卖")),
        *(Example(t, "handoff", None) for t in ("我的快递到哪了", "我要退货", "帮我取消订单", "能开发票吗")),
        *(Example(t, "silent", None) for t in ("主播好美", "哈哈哈", "晚上好", "主播唱首歌")),
    ]
    model = train(lines, dim=1 << 12)
    from assistant.danmaku.intent import understand

    assert model.decide(understand("这个多少钱")).route == "answer"
    assert model.decide(understand("我要退货")).route in ("handoff", "open")
    assert model.decide(understand("哈哈哈")).route == "silent"


def test_measured_bounds_are_looser_than_the_goals_and_checked_the_same_way() -> None:
    assert set(CV_GATES) == set(GOALS)
    for name, (how, bound) in CV_GATES.items():
        goal = GOALS[name][1]
        assert bound >= goal if how == "max" else bound <= goal
    assert goal_failures(
        {"wrong_confident_answer_rate": 0.5, "answerable_recall": 1.0, "chat_handoff_share": 0.0}, CV_GATES
    )


@pytest.mark.slow
def test_cross_validated_report_holds_the_measured_bounds(tmp_path: Path) -> None:
    if not QUESTIONS_PATH.is_file():
        pytest.fail(
            f"the shared development data is missing ({QUESTIONS_PATH}): put the shared data folder "
            "beside the checkout (../shared/data) to run the real-language yardstick"
        )
    assert main(["--cv", "5", "--gate-measured", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / REPORT_NAME).read_text(encoding="utf-8"))
    assert report["meta"]["model"] == "cross-validated, 5 folds"
    assert report["metrics"]["lines"] == 1903  # every development line is labelled
    assert report["metrics"]["latency_p99_ms"] > 0
