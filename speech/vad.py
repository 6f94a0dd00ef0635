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


WINDOW_SAMPLES = 512
"""Silero scores audio in windows of 512 samples (32 ms at 16 kHz)."""
_CONTEXT_SAMPLES = 64  # each window is scored with the 64 samples before it

VadState = tuple[np.ndarray, np.ndarray]
"""Silero's recurrent state (h, c), carried from one window to the next."""


def window_probabilities(
    audio: np.ndarray, context: np.ndarray | None = None, state: VadState | None = None
) -> tuple[np.ndarray, VadState]:
    """Silero speech probability of each whole 512-sample window of ``audio`` (a trailing part
    window is not scored), and the model's recurrent state after the last window.

    ``context``: the 64 samples before ``audio`` (zeros when ``None``); ``state``: the state
    returned for the audio before (a fresh state when ``None``). Scoring a stream piece by piece
    with both carried over gives the scores of scoring it whole (see :class:`StreamingVad`).
    """
    from faster_whisper.vad import get_vad_model

    n = audio.size // WINDOW_SAMPLES
    h, c = (
        state if state is not None else (np.zeros((1, 1, 128), np.float32), np.zeros((1, 1, 128), np.float32))
    )
    if n == 0:
        return np.zeros(0, np.float32), (h, c)
    windows = np.ascontiguousarray(audio[: n * WINDOW_SAMPLES], dtype=np.float32).reshape(n, WINDOW_SAMPLES)
    first = np.zeros(_CONTEXT_SAMPLES, np.float32) if context is None else context[-_CONTEXT_SAMPLES:]
    contexts = np.concatenate([first[None, :], windows[:-1, -_CONTEXT_SAMPLES:]], axis=0)
    batch = np.concatenate([contexts, windows], axis=1)
    out, h, c = get_vad_model().session.run(None, {"input": batch, "h": h, "c": c})
    return np.asarray(out, np.float32).reshape(-1), (h, c)


def regions_from_probabilities(
    probs: np.ndarray, n_samples: int, options: VadOptions | None = None
) -> list[tuple[float, float]]:
    """Speech regions (seconds) from per-window probabilities of a clip of ``n_samples``: the
    thresholds, minimum silence, minimum speech and padding of faster-whisper's
    ``get_speech_timestamps`` (Silero's own rules), without its maximum region length."""
    opts = options or VadOptions()
    neg_threshold = max(opts.threshold - 0.15, 0.01)
    min_speech = SAMPLE_RATE * opts.min_speech_s
    min_silence = SAMPLE_RATE * opts.min_silence_s
    pad = SAMPLE_RATE * opts.pad_s
    speeches: list[list[int]] = []
    start: int | None = None
    temp_end = 0
    for i, prob in enumerate(probs):
        here = WINDOW_SAMPLES * i
        if prob >= opts.threshold and temp_end:
            temp_end = 0
        if prob >= opts.threshold and start is None:
            start = here
            continue
        if prob < neg_threshold and start is not None:
            if not temp_end:
                temp_end = here
            if here - temp_end < min_silence:
                continue
            if temp_end - start > min_speech:
                speeches.append([start, temp_end])
            start, temp_end = None, 0
    if start is not None and n_samples - start > min_speech:
        speeches.append([start, n_samples])
    for i, speech in enumerate(speeches):
        if i == 0:
            speech[0] = int(max(0, speech[0] - pad))
        if i != len(speeches) - 1:
            silence = speeches[i + 1][0] - speech[1]
            if silence < 2 * pad:
                speech[1] += int(silence // 2)
                speeches[i + 1][0] = int(max(0, speeches[i + 1][0] - silence // 2))
            else:
                speech[1] = int(min(n_samples, speech[1] + pad))
                speeches[i + 1][0] = int(max(0, speeches[i + 1][0] - pad))
        else:
            speech[1] = int(min(n_samples, speech[1] + pad))
    return [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in speeches]


class StreamingVad:
    """Silero VAD over a growing buffer, scoring each 32 ms window once.

    Running the VAD over the whole buffer at every look (as :func:`speech_regions` does) costs
    time in proportion to the buffer; a live session looks ten times a second at a buffer of up
    to 15 s. The buffer must start on a window boundary (:meth:`drop` keeps it so). The model's
    state runs on over the whole stream, so the scores are those of the stream scored whole.
    """

    def __init__(self) -> None:
        self._probs = np.zeros(0, np.float32)
        self._state: VadState | None = None
        self._context: np.ndarray | None = None

    def update(self, buffer: np.ndarray) -> None:
        """Score the whole windows of ``buffer`` not scored yet."""
        done = self._probs.size * WINDOW_SAMPLES
        whole = buffer.size // WINDOW_SAMPLES * WINDOW_SAMPLES
        if whole > done:
            probs, self._state = window_probabilities(buffer[done:whole], self._context, self._state)
            self._context = buffer[whole - _CONTEXT_SAMPLES : whole].copy()
            self._probs = np.concatenate([self._probs, probs])

    def regions(
        self, n_samples: int, options: VadOptions, start_sample: int = 0
    ) -> list[tuple[float, float]]:
        """Speech regions (seconds, from ``start_sample``) of the buffer's samples
        [``start_sample``, ``n_samples``); ``start_sample`` is rounded down to a window."""
        first = start_sample // WINDOW_SAMPLES
        offset = first * WINDOW_SAMPLES
        last = min(self._probs.size, -(-n_samples // WINDOW_SAMPLES))  # windows that start before the end
        regions = regions_from_probabilities(self._probs[first:last], n_samples - offset, options)
        shift = (start_sample - offset) / SAMPLE_RATE
        return [(max(0.0, a - shift), b - shift) for a, b in regions]

    def trailing_silence_s(self, threshold: float) -> float:
        """Seconds of windows at the end of the buffer scored below ``threshold``."""
        loud = np.flatnonzero(self._probs >= threshold)
        quiet = self._probs.size - (int(loud[-1]) + 1 if loud.size else 0)
        return quiet * WINDOW_SAMPLES / SAMPLE_RATE

    def drop(self, n_samples: int) -> int:
        """Forget the first ``n_samples`` rounded down to whole windows; returns the samples to drop
        from the buffer (a multiple of the window)."""
        windows = min(self._probs.size, n_samples // WINDOW_SAMPLES)
        self._probs = self._probs[windows:]
        return windows * WINDOW_SAMPLES

    def reset(self) -> None:
        """Start over (a new stream)."""
        self._probs = np.zeros(0, np.float32)
        self._state = self._context = None
