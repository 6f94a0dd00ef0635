"""Real Mandarin recordings for the speech tests: ``../shared/data/speech_dev/asr`` beside the checkout.

Speech-quality assertions (CER bounds) run on these clips, never on the synthetic espeak-ng voices
of tests/data/audio: Whisper base hears those near its floor, and its int8 kernels decode them
differently on different CPUs. Only clips whose reference is a corpus transcript
(``ref_kind`` ``human_corpus_transcript``: AISHELL-3 and THCHS-30 read speech) are used. The
project commits none of that audio or text: tests read it from the shared folder (CI has it
beside the checkout) and fail, naming the missing file, when it is not there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from speech.decode import decode_audio

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEECH_DEV = REPO_ROOT.parent / "shared" / "data" / "speech_dev"
SAMPLE_RATE = 16000


@dataclass(frozen=True)
class RealClip:
    """One real recording: ``id`` (refs.tsv), 16 kHz mono WAV ``path``, ``duration_s`` and the
    corpus transcript ``text``."""

    id: str
    path: Path
    duration_s: float
    text: str

    def samples(self) -> np.ndarray:
        """The clip as 16 kHz mono float32 samples."""
        return decode_audio(self.path)


def speech_dev_dir() -> Path:
    """``<shared data>/speech_dev``; fails the calling test when the folder is not there."""
    folder = SPEECH_DEV
    if not (folder / "asr" / "refs.tsv").is_file():
        pytest.fail(
            f"real speech data missing: {folder / 'asr' / 'refs.tsv'} not found. The speech-quality "
            "tests read ../shared/data/speech_dev beside the checkout",
            pytrace=False,
        )
    return folder


@lru_cache(maxsize=1)
def _corpus_clips(folder: Path) -> dict[str, RealClip]:
    with (folder / "asr" / "refs.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {
        row["id"]: RealClip(row["id"], folder / row["path"], float(row["duration_s"]), row["ref_text"])
        for row in rows
        if row["ref_kind"].startswith("human_corpus_transcript")
    }


def real_clip(clip_id: str) -> RealClip:
    """The corpus-transcribed clip ``clip_id``; fails the test when it or its audio is missing."""
    clips = _corpus_clips(speech_dev_dir())
    if clip_id not in clips:
        pytest.fail(
            f"real speech clip {clip_id!r} is not a corpus-transcribed clip of refs.tsv", pytrace=False
        )
    clip = clips[clip_id]
    if not clip.path.is_file():
        pytest.fail(f"real speech data missing: {clip.path} not found", pytrace=False)
    return clip


def with_silence(samples: np.ndarray, before_s: float = 0.5, after_s: float = 1.0) -> np.ndarray:
    """``samples`` with digital silence around them (a live stream's pause before and after)."""
    pad = np.zeros(int(before_s * SAMPLE_RATE), np.float32), np.zeros(int(after_s * SAMPLE_RATE), np.float32)
    return np.concatenate([pad[0], samples.astype(np.float32), pad[1]])


def heard(reference: str, hypothesis: str) -> float:
    """Share of the reference's characters that the hypothesis has, aligned (1 - (S + D) / N
    after the caption eval's normaliser): CER without insertions, for tests about whether a
    sentence was recovered rather than about what else came with it."""
    import jiwer

    from evals.captions import normalise_zh

    ref, hyp = normalise_zh(reference), normalise_zh(hypothesis)
    if not hyp:
        return 0.0
    out = jiwer.process_characters(ref, hyp)
    return 1.0 - (out.substitutions + out.deletions) / len(ref)
