"""Decode audio files into the package's working format: float32 mono 16 kHz numpy arrays.

PyAV (FFmpeg) does the work; it is already a dependency of faster-whisper. Accepted containers:
WAV, FLAC, MP3, M4A/MP4/MOV (the audio stream of a video file is used), plus Ogg and WebM (what
browsers record). Anything else is refused with :class:`UnsupportedFormatError` rather than
decoded by accident (FFmpeg would happily read images or subtitles).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from speech.domain import SAMPLE_RATE
from speech.errors import (
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedFormatError,
)

log = logging.getLogger(__name__)

AudioSource = str | Path | bytes | BinaryIO
"""A path, the file's bytes, or a readable binary file object."""

ACCEPTED_CONTAINERS = frozenset({"wav", "flac", "mp3", "mov", "mp4", "m4a", "ogg", "matroska", "webm"})
"""FFmpeg demuxer names accepted (FFmpeg reports e.g. ``mov,mp4,m4a,3gp,3g2,mj2`` for MP4)."""


def decode_audio(source: AudioSource, *, max_duration_s: float | None = None) -> np.ndarray:
    """Decode ``source`` to a float32 mono waveform at 16 kHz in [-1, 1].

    ``max_duration_s`` bounds the decoded length: longer audio raises :class:`AudioTooLongError`
    as soon as the limit is passed, without decoding the rest. Raises
    :class:`EmptyAudioError`, :class:`CorruptAudioError` or :class:`UnsupportedFormatError`.
    """
    import av  # heavy-ish (FFmpeg libraries): imported only when decoding

    name = _describe(source)
    data = _as_file(source, name)
    try:
        container = av.open(data, mode="r")
    except av.FFmpegError as exc:
        raise CorruptAudioError(
            f"{name}: not a readable audio file ({exc.strerror or exc}); "
            "send WAV, FLAC, MP3, M4A or MP4 audio"
        ) from exc
    with container:
        _check_container(container, name)
        chunks = list(_decode_chunks(container, name, max_duration_s))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if samples.size == 0:
        raise EmptyAudioError(f"{name}: the audio stream holds no samples; send a non-empty recording")
    log.debug("decoded %s: %.2f s", name, samples.size / SAMPLE_RATE)
    return samples


def pcm16_to_float(pcm: bytes) -> np.ndarray:
    """Little-endian signed 16-bit PCM bytes -> float32 in [-1, 1) (no resampling)."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _describe(source: AudioSource) -> str:
    if isinstance(source, str | Path):
        return str(source)
    if isinstance(source, bytes):
        return "uploaded audio"
    return str(getattr(source, "name", "uploaded audio"))


def _as_file(source: AudioSource, name: str) -> str | BinaryIO:
    """Reject empty input early (FFmpeg's message for it is cryptic) and wrap bytes."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise CorruptAudioError(f"{name}: no such file; check the path")
        if path.stat().st_size == 0:
            raise EmptyAudioError(f"{name}: the file is empty (0 bytes); send a non-empty recording")
        return str(path)
    if isinstance(source, bytes):
        if not source:
            raise EmptyAudioError("uploaded audio is empty (0 bytes); send a non-empty recording")
        return io.BytesIO(source)
    return source


def _check_container(container: object, name: str) -> None:
    fmt = getattr(container, "format", None)
    names = set(str(getattr(fmt, "name", "")).split(","))
    if not names & ACCEPTED_CONTAINERS:
        raise UnsupportedFormatError(
            f"{name}: format {getattr(fmt, 'name', '?')!r} is not accepted; "
            "send WAV, FLAC, MP3, M4A or MP4 (or Ogg/WebM)"
        )
    if not getattr(container, "streams").audio:  # noqa: B009  (typed as object on purpose)
        raise UnsupportedFormatError(f"{name}: the file has no audio stream; send a file with sound")


def _decode_chunks(container: object, name: str, max_duration_s: float | None) -> Iterator[np.ndarray]:
    """Decode the first audio stream, resampled to 16 kHz mono float32, chunk by chunk.

    Channels are averaged here: FFmpeg's own stereo-to-mono downmix scales by 1/sqrt(2) per
    channel, which lifts correlated stereo above full scale.
    """
    import av

    assert isinstance(container, av.container.InputContainer)
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)  # planar, channels kept
    limit = None if max_duration_s is None else int(max_duration_s * SAMPLE_RATE)
    total = 0
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = _mono(out.to_ndarray())
                total += chunk.size
                if limit is not None and total > limit:
                    raise AudioTooLongError(
                        f"{name}: longer than the {max_duration_s:g} s limit; "
                        "cut the recording or raise the limit"
                    )
                yield chunk
        for out in resampler.resample(None):
            yield _mono(out.to_ndarray())
    except av.FFmpegError as exc:
        raise CorruptAudioError(
            f"{name}: the audio stream is damaged ({exc.strerror or exc}); re-export the file"
        ) from exc


def _mono(planes: np.ndarray) -> np.ndarray:
    """(channels, samples) planar float -> (samples,) float32 channel mean."""
    mono = planes.mean(axis=0) if planes.ndim == 2 and planes.shape[0] > 1 else planes.reshape(-1)
    return np.asarray(mono, dtype=np.float32)
