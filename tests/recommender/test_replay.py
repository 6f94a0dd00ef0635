"""The replay evaluation on a small fixed-seed room: the goals of TARGETS.md against both baselines."""

from __future__ import annotations

from evals.recs import run_recs_eval


def test_replay_beats_popularity_and_on_stage_baselines() -> None:
    result = run_recs_eval(seed=7, n_viewers=120, duration_s=3600.0)
    assert result["orders"] >= 30  # enough purchases for the comparison to mean something
    assert result["recommender.hit@3"] >= 1.5 * result["popularity.hit@3"]
    assert result["recommender.hit@3"] >= 1.2 * result["on_stage.hit@3"]
    assert result["recommender.ndcg@3"] > result["popularity.ndcg@3"]
    assert 0.0 < result["push_precision"] <= 1.0
    assert result["push_precision"] > result["push_base_rate"]
