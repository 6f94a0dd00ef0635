"""Speaker-count bounds of diarization are checked before any model runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from speech.diarize import check_speaker_counts
from speech.errors import SpeakerCountError, SpeechError


def test_counts_that_can_hold_pass() -> None:
    check_speaker_counts(None, None, None)
    check_speaker_counts(2, None, None)
    check_speaker_counts(None, 2, 2)
    check_speaker_counts(None, 1, 3)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((0, None, None), "num_speakers is 0"),
        ((None, -1, None), "min_speakers is -1"),
        ((None, None, 0), "max_speakers is 0"),
        ((None, 4, 2), r"min_speakers \(4\) is above max_speakers \(2\)"),
    ],
)
def test_counts_that_cannot_hold_are_named(
    counts: tuple[int | None, int | None, int | None], message: str
) -> None:
    with pytest.raises(SpeakerCountError, match=message) as error:
        check_speaker_counts(*counts)
    assert isinstance(error.value, SpeechError)


def test_the_pipeline_refuses_bad_counts_before_any_work(pipeline: Any) -> None:
    silence = np.zeros(16000, np.float32)
    with pytest.raises(SpeakerCountError, match="min_speakers"):
        pipeline.run(silence, diarize=True, min_speakers=3, max_speakers=2)
