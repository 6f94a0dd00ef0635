"""Batch transcription is repeatable: the same audio and options give the same text on every call
of one process, whatever ran before, including when Whisper's temperature fallback runs.

The fallback is forced here (a log-probability threshold of 0 fails every first decode), so every
window goes through all rungs; sampled rungs (``repeatable=False``, Whisper's own behaviour) draw
from CTranslate2's per-thread random state, which the calls before them moved on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from speech.decode import decode_audio
from speech.fallback import repeatable_fallback
from speech.transcribe import TranscribeOptions

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"


def test_a_repeatable_rung_is_a_beam_search_with_a_penalty_growing_with_temperature() -> None:
    sampled = {"beam_size": 1, "num_hypotheses": 5, "sampling_topk": 0, "sampling_temperature": 0.4,
               "repetition_penalty": 1.0, "no_repeat_ngram_size": 0, "max_length": 448}  # fmt: skip
    rung = repeatable_fallback(sampled, beam_size=5)
    assert rung["beam_size"] == 5 and rung["num_hypotheses"] == 1 and rung["sampling_topk"] == 1
    assert rung["repetition_penalty"] == pytest.approx(1.2) and rung["no_repeat_ngram_size"] == 3
    assert rung["max_length"] == 448  # everything else is passed on unchanged
    hotter = repeatable_fallback({**sampled, "sampling_temperature": 1.0}, beam_size=5)
    assert hotter["repetition_penalty"] > rung["repetition_penalty"]


def texts(pipeline: Any, audio: np.ndarray, options: TranscribeOptions) -> list[str]:
    transcript = pipeline.transcriber.transcribe(audio, options)
    return [f"{s.start:.2f}-{s.end:.2f} {s.text} t={s.temperature}" for s in transcript.segments]


@pytest.mark.slow
def test_forced_fallback_gives_the_same_text_on_every_call(pipeline: Any) -> None:
    audio = decode_audio(AUDIO / "dialogue.flac")[: 16000 * 14]
    forced = TranscribeOptions(
        log_prob_threshold=0.0, min_avg_logprob=None, temperatures=(0.0, 0.2, 0.6, 1.0)
    )
    first = texts(pipeline, audio, forced)
    assert first and any("t=0.0" not in line for line in first)  # the fallback really ran
    texts(pipeline, audio, TranscribeOptions(log_prob_threshold=0.0, min_avg_logprob=None, repeatable=False))
    assert texts(pipeline, audio, forced) == first
    assert texts(pipeline, audio, forced) == first
