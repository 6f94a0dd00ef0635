"""The real-speech caption yardstick: its arithmetic, its data loading and its CLI.

These tests use invented strings and files only; the runs on real speech are in
tests/speech/test_real_mandarin.py (they need the models).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli_eval import eval_app
from evals.captions_real import (
    SPEECH_DEV,
    SpeechDataMissingError,
    asr_clips,
    char_errors,
    diar_clips,
    main,
    pooled,
)


def test_char_errors_count_substitutions_deletions_and_insertions_after_the_normaliser() -> None:
    assert char_errors("今天天气好", "今天天气好") == {"sub": 0, "del": 0, "ins": 0, "n": 5}
    # punctuation and Traditional characters are normalised away before counting
    assert char_errors("今天天气好。", "今天天氣好！")["sub"] == 0
    assert char_errors("今天天气好", "今天天气好看不清楚") == {"sub": 0, "del": 0, "ins": 4, "n": 5}
    assert char_errors("今天天气好", "今天天") == {"sub": 0, "del": 2, "ins": 0, "n": 5}
    assert char_errors("今天天气好", "") == {"sub": 0, "del": 5, "ins": 0, "n": 5}
    assert char_errors("今天天气好", "明天天气好") == {"sub": 1, "del": 0, "ins": 0, "n": 5}


def test_pooled_figures_weigh_clips_by_their_reference_length() -> None:
    clips = [
        {"sub": 1, "del": 0, "ins": 0, "n": 10, "seconds": 1.0, "audio_s": 4.0},
        {"sub": 0, "del": 0, "ins": 3, "n": 30, "seconds": 1.0, "audio_s": 6.0},
    ]
    figures = pooled(clips)
    assert figures["cer"] == pytest.approx(4 / 40)
    assert figures["inserted"] == pytest.approx(3 / 40)
    assert figures["rtf"] == pytest.approx(2 / 10)
    assert figures["clips"] == 2


def test_missing_shared_data_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(SpeechDataMissingError, match=r"refs\.tsv not found"):
        asr_clips(tmp_path)
    with pytest.raises(SpeechDataMissingError, match=r"manifest\.tsv not found"):
        diar_clips(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--data", str(tmp_path / "nope")])
    assert exit_info.value.code == 2
    result = CliRunner().invoke(eval_app, ["captions", "--real-speech", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_a_listed_clip_without_its_audio_is_named(tmp_path: Path) -> None:
    (tmp_path / "asr").mkdir()
    header = "id\tpath\tduration_s\tref_text\tref_kind\n"
    (tmp_path / "asr" / "refs.tsv").write_text(header + "c1\tasr/c1.wav\t1.0\t你好\tmodel_output(x)\n")
    with pytest.raises(SpeechDataMissingError, match=r"c1\.wav not found"):
        asr_clips(tmp_path)


def test_the_shared_speech_data_lists_every_kind() -> None:
    if not (SPEECH_DEV / "asr" / "refs.tsv").is_file():
        pytest.fail(f"real speech data missing: {SPEECH_DEV} (../shared/data beside the checkout)")
    clips = asr_clips()
    kinds = {c.kind for c in clips}
    assert kinds == {"human_corpus_transcript", "human_prompt_transcript", "model_output"}
    assert len(clips) == 41
    assert [c.n_speakers for c in diar_clips()] == [4, 6, 3]
