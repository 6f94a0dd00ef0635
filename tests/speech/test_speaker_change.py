"""Handovers between speakers, from a frame-level activity matrix and from the real model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from speech.decode import decode_audio
from speech.speaker_change import TurnChangeOptions, turn_change

STEP_S = 0.02  # 50 frames a second


def _activity(*runs: tuple[int, float, float], seconds: float) -> np.ndarray:
    """(speaker, start s, end s) runs -> (frames, 3) booleans."""
    active = np.zeros((round(seconds / STEP_S), 3), dtype=bool)
    for speaker, start, end in runs:
        active[round(start / STEP_S) : round(end / STEP_S), speaker] = True
    return active


def test_handover_with_overlap_is_found() -> None:
    # speaker 0 talks 0-4 s; speaker 1 starts at 3.6 s, over the end, and is still talking at 5 s
    change = turn_change(_activity((0, 0.0, 4.0), (1, 3.6, 5.0), seconds=5.0), STEP_S, TurnChangeOptions())
    assert change is not None
    assert change.end_s == pytest.approx(4.0, abs=STEP_S)
    assert change.next_start_s == pytest.approx(3.6, abs=STEP_S)


def test_a_quick_reply_is_a_turn_of_its_own() -> None:
    # "Hello?" (0.6 s) and the other side answering at once, as on a phone call
    change = turn_change(_activity((0, 0.0, 0.6), (1, 0.8, 3.0), seconds=3.0), STEP_S, TurnChangeOptions())
    assert change is not None and change.end_s == pytest.approx(0.6, abs=STEP_S)


def test_handover_after_a_short_gap_is_found() -> None:
    change = turn_change(_activity((2, 0.5, 3.0), (0, 3.4, 4.6), seconds=4.6), STEP_S, TurnChangeOptions())
    assert change is not None and change.end_s == pytest.approx(3.0, abs=STEP_S)


def test_a_reply_that_just_paused_is_still_the_current_speaker() -> None:
    # a check made at a pause ends on silence: the reply stopped 0.3 s before the end
    runs = ((0, 0.0, 3.0), (1, 2.8, 4.2))
    change = turn_change(_activity(*runs, seconds=4.5), STEP_S, TurnChangeOptions())
    assert change is not None and change.end_s == pytest.approx(3.0, abs=STEP_S)
    no_slack = TurnChangeOptions(end_slack_s=0.0)
    assert turn_change(_activity(*runs, seconds=4.5), STEP_S, no_slack) is None
    assert turn_change(_activity(*runs, seconds=5.0), STEP_S, TurnChangeOptions()) is None  # 0.8 s ago


@pytest.mark.parametrize(
    ("runs", "why"),
    [
        ([(0, 0.0, 2.0), (0, 2.3, 5.0)], "one speaker with a pause is not a handover"),
        ([(0, 0.0, 4.0), (1, 4.7, 5.0)], "the new speaker has talked only 0.3 s (under min_new_s)"),
        ([(0, 0.0, 4.8), (1, 3.6, 5.0)], "the first speaker stopped only 0.2 s ago (under min_silence_s)"),
        ([(0, 0.0, 0.4), (1, 0.6, 5.0)], "the first turn is 0.4 s (under min_turn_s)"),
        ([(0, 0.0, 2.0), (1, 3.5, 5.0)], "a 1.5 s gap is the VAD's to end, not a handover"),
        ([(0, 0.0, 5.0), (1, 1.0, 2.0)], "a backchannel inside a turn, with the first speaker still talking"),
        ([(0, 0.0, 3.0)], "nobody is talking at the end"),
    ],
)
def test_no_handover(runs: list[tuple[int, float, float]], why: str) -> None:
    assert turn_change(_activity(*runs, seconds=5.0), STEP_S, TurnChangeOptions()) is None, why


def test_frame_gaps_inside_a_turn_are_filled() -> None:
    # the new speaker's activity flickers off for 0.1 s; their run still starts at 3.6 s
    active = _activity((0, 0.0, 4.0), (1, 3.6, 4.2), (1, 4.3, 5.0), seconds=5.0)
    change = turn_change(active, STEP_S, TurnChangeOptions())
    assert change is not None and change.next_start_s == pytest.approx(3.6, abs=STEP_S)
    assert turn_change(active, STEP_S, TurnChangeOptions(fill_gap_s=0.0)).next_start_s == pytest.approx(  # type: ignore[union-attr]
        4.3, abs=STEP_S
    )


@pytest.mark.slow
def test_the_segmentation_model_finds_the_guest_talking_over_the_host(
    pipeline: Any, audio_dir: Path, reference: dict[str, Any]
) -> None:
    host, guest = reference["utterances"][7], reference["utterances"][8]  # u08 / u09 overlap 0.5 s
    assert guest["start"] < host["end"]
    audio = decode_audio(audio_dir / "dialogue.flac")
    detector = pipeline.speaker_changes()
    clip_start = host["start"] - 0.2
    # 0.2 s after the host stops, the handover is not certain yet
    early = audio[int(clip_start * 16000) : int((host["end"] + 0.2) * 16000)]
    assert detector.find_turn_change(early) is None
    # 0.6 s after: the host's end and the guest's start, within 0.2 s of the reference
    clip = audio[int(clip_start * 16000) : int((host["end"] + 0.6) * 16000)]
    change = detector.find_turn_change(clip)
    assert change is not None
    assert change.end_s + clip_start == pytest.approx(host["end"], abs=0.2)
    assert change.next_start_s + clip_start == pytest.approx(guest["start"], abs=0.2)


@pytest.mark.slow
def test_one_speaker_across_a_pause_is_no_handover(pipeline: Any, audio_dir: Path) -> None:
    # the host's first two sentences, 0.6 s apart
    clip = decode_audio(audio_dir / "dialogue.flac")[int(0.4 * 16000) : int(9.1 * 16000)]
    assert pipeline.speaker_changes().find_turn_change(clip) is None


@pytest.mark.slow
def test_clips_over_the_model_window_are_refused(pipeline: Any) -> None:
    from speech.speaker_change import SpeakerChangeDetector

    detector: SpeakerChangeDetector = pipeline.speaker_changes()
    with pytest.raises(ValueError, match="over the model's 10 s window"):
        detector.activity(np.zeros(11 * 16000, np.float32))
