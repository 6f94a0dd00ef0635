"""Fitted encoder windows: Whisper's encoder over the utterance instead of a padded 30 s window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evals.captions import cer
from speech.transcribe import (
    ENCODER_MIN_WINDOW_S,
    TranscribeOptions,
    Transcriber,
    fitted_encoder_frames,
)
from tests.speech.real_speech import real_clip


@pytest.mark.parametrize(
    ("duration_s", "frames"),
    [
        (0.0, ENCODER_MIN_WINDOW_S * 100),
        (4.2, ENCODER_MIN_WINDOW_S * 100),
        (ENCODER_MIN_WINDOW_S - 1.0, ENCODER_MIN_WINDOW_S * 100),  # clip + 1 s margin fills it
        (ENCODER_MIN_WINDOW_S - 0.99, (ENCODER_MIN_WINDOW_S + 1) * 100),
        (15.5, 1700),  # 15.5 s + 1 s margin, rounded up to whole seconds
        (28.0, 2900),
        (28.01, None),  # 30 s or more: the full window
        (45.0, None),
    ],
)
def test_window_fits_the_clip_with_a_floor_and_a_margin(duration_s: float, frames: int | None) -> None:
    assert fitted_encoder_frames(duration_s) == frames


class CountingTranscriber(Transcriber):
    """A real Transcriber that records the width (mel frames) of every encoder input."""

    def __init__(self, model_dir: Path) -> None:
        super().__init__(model_dir)
        self.widths: list[int] = []

    def load(self) -> Any:
        model = super().load()
        if not getattr(model, "_counted", False):
            encode = model.encode

            def counted(features: Any) -> Any:
                out = encode(features)
                self.widths.append(int(out.shape[1]) * 2)  # the encoder halves the frame count
                return out

            model.encode = counted
            model._counted = True
        return model


@pytest.mark.slow
def test_utterance_is_encoded_over_a_fitted_window(model_dir: Path) -> None:
    clip = real_clip("aishell3_SSB17110468")  # one real sentence (5.5 s)
    audio = clip.samples()
    transcriber = CountingTranscriber(model_dir / "whisper-base")
    options = TranscribeOptions(vad_filter=False, temperatures=(0.0,), max_tokens_per_s=12.0)
    full = transcriber.transcribe(audio, options)
    full_widths, transcriber.widths = transcriber.widths, []
    fitted = transcriber.transcribe(audio, replace(options, fit_encoder_window=True))
    # Whisper may encode more than once (a window again from the end of its last segment)
    assert full_widths and set(full_widths) == {3000}
    assert transcriber.widths and set(transcriber.widths) == {ENCODER_MIN_WINDOW_S * 100}
    # the fitted window hears the sentence as well as the full one
    for transcript in (full, fitted):
        text = "".join(s.text for s in transcript.segments)
        assert cer(clip.text, text) < 0.25  # measured 0.0 for both
    # the window belongs to that call only: the next call on the thread gets the full window
    transcriber.transcribe(audio, options)
    assert transcriber.widths[-1] == 3000
