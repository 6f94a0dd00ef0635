"""Silero VAD: whole clips, and a stream scored window by window (Silero from faster-whisper)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from speech.decode import decode_audio
from speech.vad import (
    WINDOW_SAMPLES,
    StreamingVad,
    VadOptions,
    regions_from_probabilities,
    speech_regions,
    window_probabilities,
)


@pytest.fixture(scope="module")
def dialogue(audio_dir: Path) -> np.ndarray:
    return decode_audio(audio_dir / "dialogue.flac")


@pytest.mark.parametrize("min_silence_s", [0.5, 0.2])
def test_regions_from_probabilities_are_faster_whispers_regions(
    dialogue: np.ndarray, min_silence_s: float
) -> None:
    options = VadOptions(min_silence_s=min_silence_s)
    probs, _ = window_probabilities(dialogue)
    expected = speech_regions(dialogue, options)
    assert len(expected) >= 9  # ten utterances, two of them overlapping
    assert regions_from_probabilities(probs, dialogue.size, options) == expected


def test_a_stream_scored_piece_by_piece_gives_the_regions_of_the_whole(dialogue: np.ndarray) -> None:
    vad = StreamingVad()
    buffer = np.zeros(0, np.float32)
    for i in range(0, dialogue.size, 320):  # 20 ms frames: most pieces end mid-window
        buffer = np.concatenate([buffer, dialogue[i : i + 320]])
        vad.update(buffer)
    for options in (VadOptions(), VadOptions(min_silence_s=0.2)):
        assert vad.regions(buffer.size, options) == speech_regions(dialogue, options)


def test_dropping_the_start_keeps_window_alignment_and_later_regions(dialogue: np.ndarray) -> None:
    vad = StreamingVad()
    vad.update(dialogue)
    whole = vad.regions(dialogue.size, VadOptions())
    dropped = vad.drop(int(9.5 * 16000) + 100)  # rounded down to a whole window
    assert dropped % WINDOW_SAMPLES == 0 and 0 <= int(9.5 * 16000) + 100 - dropped < WINDOW_SAMPLES
    rest = dialogue[dropped:]
    shift = dropped / 16000
    later = [(a - shift, b - shift) for a, b in whole if a >= 9.5]
    got = vad.regions(rest.size, VadOptions())
    assert len(got) == len(later)
    assert all(g == pytest.approx(want, abs=1e-6) for g, want in zip(got, later, strict=True))
    vad.update(rest)  # nothing new to score: the scores already cover the rest
    assert vad.regions(rest.size, VadOptions()) == got


def test_regions_of_a_slice_are_relative_to_its_start(dialogue: np.ndarray) -> None:
    vad = StreamingVad()
    vad.update(dialogue)
    start = int(14.0 * 16000)
    regions = vad.regions(int(22.5 * 16000), VadOptions(), start_sample=start)
    # the host's 热水可以保温十二个小时 (14.69-18.60) and the guest's 价格是多少钱 (19.60-21.93)
    assert len(regions) == 2
    assert regions[0][0] == pytest.approx(14.69 - 14.0 - 0.1, abs=0.15)
    assert regions[1][1] == pytest.approx(21.93 - 14.0 + 0.1, abs=0.15)


def test_trailing_silence(dialogue: np.ndarray) -> None:
    vad = StreamingVad()
    vad.update(dialogue[: int(4.0 * 16000)])  # the host still talking
    assert vad.trailing_silence_s(0.5) < 0.1
    vad.reset()
    vad.update(dialogue[: int(4.9 * 16000)])  # ~0.5 s after 大家好，欢迎来到直播间。
    assert 0.3 <= vad.trailing_silence_s(0.5) <= 0.6
    vad.reset()
    vad.update(np.zeros(16000, np.float32))
    assert vad.trailing_silence_s(0.5) == pytest.approx(1.0, abs=WINDOW_SAMPLES / 16000)
