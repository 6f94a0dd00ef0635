"""Where one speaker hands over to another inside a stretch of speech, for live captions.

Voice activity detection cannot end an utterance when the next speaker starts before the first
has been silent for long (a quick reply, a guest talking over the host): the two become one
utterance and the first speaker's caption waits for the second to stop. The pyannote
segmentation-3.0 model (the one diarization uses) labels, frame by frame, which of up to three
*local* speakers talks in a clip of up to 10 s, overlaps included; within one clip its local
speakers are different people. :func:`find_turn_change` reads a handover off that: a speaker who
has been silent for a while, and a different speaker who started after them and is still talking
at the end of the clip.

One forward pass over 5 s of audio takes ~0.06 s on 2 CPU threads (10 s: ~0.09 s).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from speech.domain import SAMPLE_RATE

MAX_WINDOW_S = 10.0
"""The segmentation model's own window (seconds): longer clips are cut to their last 10 s."""


@dataclass(frozen=True)
class TurnChange:
    """A handover, in seconds from the start of the analysed clip.

    ``end_s``: the earlier speaker's last speech. ``next_start_s``: the start of the current
    speaker's run (earlier than ``end_s`` when they talked over the end of the previous turn).
    """

    end_s: float
    next_start_s: float


@dataclass(frozen=True)
class TurnChangeOptions:
    """``min_silence_s``: the earlier speaker must have been silent this long at the end of the
    clip (the model's last frames are the least certain, and a short silence may be a breath).
    ``min_new_s``: the current speaker must have talked this long (a backchannel "嗯" is not a
    turn). ``min_turn_s``: the earlier speaker's run must be this long to be a turn of its own
    (0.5 s: a quick "Hello?" or "有的" in a fast exchange is one; with 1.0 s, on a real phone call,
    several quick turns went out as one caption under one speaker, p95 latency 5.0 s vs 3.3 s).
    ``max_gap_s``: the current speaker must start no later than this after the earlier one
    stopped (a longer gap is the VAD's job). ``fill_gap_s``: silences this short inside one
    speaker's activity are filled first (the model often leaves a frame or two between words).
    ``end_slack_s``: a speaker whose last run ends this close to the end of the clip is still
    the current one (a live check made when the speech stops, at a pause or at the end of an
    utterance, ends on 0.2-0.3 s of silence: the pause and the VAD's padding)."""

    min_silence_s: float = 0.3
    min_new_s: float = 0.5
    min_turn_s: float = 0.5
    max_gap_s: float = 1.0
    fill_gap_s: float = 0.25
    end_slack_s: float = 0.4


class SpeakerChangeDetector:
    """Runs a loaded pyannote segmentation model (powerset, e.g. segmentation-3.0) on short clips.

    The model is shared (read-only in inference mode), so one detector may serve many sessions;
    calls are serialised by a lock so two sessions do not oversubscribe the CPU threads.
    """

    def __init__(self, model: Any) -> None:
        from pyannote.audio.utils.powerset import Powerset

        specs = model.specifications
        self._model = model.eval()
        self._powerset = Powerset(len(specs.classes), specs.powerset_max_classes)
        self._lock = threading.Lock()

    def activity(self, audio: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-frame activity of each local speaker, ``(frames, speakers)`` booleans, and the
        frame step in seconds, for a 16 kHz mono clip of at most :data:`MAX_WINDOW_S`."""
        import torch

        if audio.size > MAX_WINDOW_S * SAMPLE_RATE:
            seconds = audio.size / SAMPLE_RATE
            raise ValueError(f"clip of {seconds:.1f} s is over the model's {MAX_WINDOW_S:g} s window")
        wav = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None, None]
        with self._lock, torch.inference_mode():
            scores = self._model(wav)
        active = self._powerset.to_multilabel(scores)[0].numpy() > 0.5
        return active, audio.size / SAMPLE_RATE / max(1, active.shape[0])

    def find_turn_change(
        self, audio: np.ndarray, options: TurnChangeOptions | None = None
    ) -> TurnChange | None:
        """The latest handover in a clip (up to its last 10 s are analysed), or ``None``."""
        opts = options or TurnChangeOptions()
        offset_s = max(0.0, audio.size / SAMPLE_RATE - MAX_WINDOW_S)
        clip = audio[int(offset_s * SAMPLE_RATE) :]
        if clip.size < (opts.min_turn_s + opts.min_new_s) * SAMPLE_RATE:
            return None
        active, step = self.activity(clip)
        change = turn_change(active, step, opts)
        if change is None:
            return None
        return TurnChange(change.end_s + offset_s, change.next_start_s + offset_s)


def turn_change(active: np.ndarray, step_s: float, options: TurnChangeOptions) -> TurnChange | None:
    """The handover in a ``(frames, speakers)`` activity matrix with frames ``step_s`` apart.

    The current speaker is the one talking in the last frames (``end_slack_s``) with the longest
    run so far; the earlier speaker is another who talked for at least ``min_turn_s`` before the
    current run started and stopped ``min_silence_s`` or more before the end; their handover is
    returned.
    """
    n_frames = active.shape[0]
    if n_frames == 0:
        return None
    fill = int(options.fill_gap_s / step_s) if step_s > 0 else 0
    active = np.stack([_fill_gaps(active[:, k], fill) for k in range(active.shape[1])], axis=1)
    runs = {k: _last_run(active[:, k]) for k in range(active.shape[1])}
    slack = int(options.end_slack_s / step_s) if step_s > 0 else 0
    talking = [(k, run) for k, run in runs.items() if run is not None and run[1] >= n_frames - slack]
    if not talking:
        return None
    current, (new_start, _) = max(talking, key=lambda item: item[1][1] - item[1][0])
    if (n_frames - new_start) * step_s < options.min_new_s:
        return None
    best: TurnChange | None = None
    for k in range(active.shape[1]):
        if k == current:
            continue
        before = _last_run(active[:, k])
        if before is None:
            continue
        start, end = before
        silent_s = (n_frames - end) * step_s
        if (
            start < new_start
            and (end - start) * step_s >= options.min_turn_s
            and silent_s >= options.min_silence_s
            and (new_start - end) * step_s <= options.max_gap_s
        ) and (best is None or end * step_s > best.end_s):
            best = TurnChange(end * step_s, new_start * step_s)
    return best


def _last_run(column: np.ndarray) -> tuple[int, int] | None:
    """``(start, end)`` frame indices (end exclusive) of the last run of True, or ``None``."""
    idx = np.flatnonzero(column)
    if idx.size == 0:
        return None
    end = int(idx[-1]) + 1
    gaps = np.flatnonzero(np.diff(idx) > 1)
    start = int(idx[gaps[-1] + 1]) if gaps.size else int(idx[0])
    return start, end


def _fill_gaps(column: np.ndarray, max_frames: int) -> np.ndarray:
    """``column`` with runs of False of at most ``max_frames`` between two Trues set to True."""
    out = column.astype(bool).copy()
    idx = np.flatnonzero(out)
    for a, b in itertools.pairwise(idx):
        if 1 < b - a <= max_frames + 1:
            out[a:b] = True
    return out
