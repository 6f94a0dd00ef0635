"""Fitted encoder windows: Whisper's encoder over the utterance instead of a padded 30 s window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evals.captions import cer
from speech.decode import decode_audio
from speech.transcribe import (
    ENCODER_MIN_WINDOW_S,
    TranscribeOptions,
    Transcriber,
    fitted_encoder_frames,
)


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
def test_utterance_is_encoded_over_a_fitted_window(
    model_dir: Path, audio_dir: Path, reference: dict[str, Any]
) -> None:
    u01 = reference["utterances"][0]  # 大家好，欢迎来到直播间。 (3.9 s)
    audio = decode_audio(audio_dir / "dialogue.flac")[: int((u01["end"] + 0.3) * 16000)]
    transcriber = CountingTranscriber(model_dir / "whisper-base")
    options = TranscribeOptions(vad_filter=False, temperatures=(0.0,), max_tokens_per_s=12.0)
    full = transcriber.transcribe(audio, options)
    fitted = transcriber.transcribe(audio, replace(options, fit_encoder_window=True))
    assert transcriber.widths == [3000, ENCODER_MIN_WINDOW_S * 100]
    for transcript in (full, fitted):
        text = "".join(s.text for s in transcript.segments)
        assert "欢迎来到直播间" in text and cer(u01["text"], text) < 0.3
    # the window belongs to that call only: the next call on the thread gets the full window
    transcriber.transcribe(audio, options)
    assert transcriber.widths[-1] == 3000
