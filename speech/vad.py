"""Voice activity detection with the Silero VAD model that faster-whisper ships (ONNX, CPU).

Used by the batch pipeline to skip transcription and diarization of audio that holds no speech
(so silence never reaches Whisper, which hallucinates on it), and by live sessions to find where
an utterance ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from speech.domain import SAMPLE_RATE


@dataclass(frozen=True)
class VadOptions:
    """Silero VAD settings.

    ``threshold``: speech probability above which a 32 ms window is speech.
    ``min_silence_s``: silence shorter than this does not end a speech region.
    ``min_speech_s``: regions shorter than this are dropped (clicks, breaths).
    ``pad_s``: padding added to both ends of each region.
    """

    threshold: float = 0.5
    min_silence_s: float = 0.5
    min_speech_s: float = 0.25
    pad_s: float = 0.1


def speech_regions(audio: np.ndarray, options: VadOptions | None = None) -> list[tuple[float, float]]:
    """Speech regions of a 16 kHz mono float32 waveform as ``(start_s, end_s)`` pairs, in order."""
    from faster_whisper.vad import VadOptions as FwVadOptions
    from faster_whisper.vad import get_speech_timestamps

    opts = options or VadOptions()
    if audio.size == 0:
        return []
    chunks = get_speech_timestamps(
        np.ascontiguousarray(audio, dtype=np.float32),
        FwVadOptions(
            threshold=opts.threshold,
            min_silence_duration_ms=int(opts.min_silence_s * 1000),
            min_speech_duration_ms=int(opts.min_speech_s * 1000),
            speech_pad_ms=int(opts.pad_s * 1000),
        ),
        sampling_rate=SAMPLE_RATE,
    )
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]


def speech_seconds(regions: list[tuple[float, float]]) -> float:
    """Total duration (s) of a list of regions."""
    return sum(end - start for start, end in regions)
