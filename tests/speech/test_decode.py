"""Decoding every accepted format to 16 kHz mono float32, and the errors for bad input."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from speech.decode import decode_audio, pcm16_to_float
from speech.domain import SAMPLE_RATE
from speech.errors import (
    AudioInputError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedFormatError,
)


@pytest.mark.parametrize("name", ["short.wav", "short.flac", "short.m4a", "short.mp4"])
def test_each_format_decodes_to_the_same_waveform(audio_dir: Path, name: str) -> None:
    reference = decode_audio(audio_dir / "short.wav")
    samples = decode_audio(audio_dir / name)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size - reference.size) < 0.1 * SAMPLE_RATE  # AAC adds priming samples
    n = min(samples.size, reference.size) - 2048
    # lossy codecs shift and colour the signal a little: compare loudness, not samples
    assert np.sqrt(np.mean(samples[:n] ** 2)) == pytest.approx(np.sqrt(np.mean(reference[:n] ** 2)), rel=0.1)
    assert np.abs(samples).max() <= 1.0


def test_mp3_and_flac_dialogue_agree(audio_dir: Path) -> None:
    flac = decode_audio(audio_dir / "dialogue.flac")
    mp3 = decode_audio(audio_dir / "dialogue.mp3")
    assert flac.size / SAMPLE_RATE == pytest.approx(44.15, abs=0.1)
    assert mp3.size / SAMPLE_RATE == pytest.approx(flac.size / SAMPLE_RATE, abs=0.2)


def test_bytes_and_file_objects_are_accepted(audio_dir: Path) -> None:
    data = (audio_dir / "short.flac").read_bytes()
    from_path = decode_audio(audio_dir / "short.flac")
    np.testing.assert_array_equal(decode_audio(data), from_path)
    np.testing.assert_array_equal(decode_audio(io.BytesIO(data)), from_path)


def test_other_sample_rates_and_stereo_are_converted(tmp_path: Path) -> None:
    t = np.arange(44100) / 44100
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    stereo = np.stack([left, left], axis=1)
    path = tmp_path / "tone.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes((stereo * 32767).astype("<i2").tobytes())
    samples = decode_audio(path)
    assert samples.size == pytest.approx(SAMPLE_RATE, abs=64)
    assert np.sqrt(np.mean(samples**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_corrupt_file_is_refused(audio_dir: Path) -> None:
    with pytest.raises(CorruptAudioError, match="not a readable audio file"):
        decode_audio(audio_dir / "corrupt.mp3")


def test_text_file_is_refused(audio_dir: Path) -> None:
    with pytest.raises(AudioInputError):
        decode_audio(audio_dir / "dialogue.txt")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorruptAudioError, match="no such file"):
        decode_audio(tmp_path / "nope.wav")


def test_zero_length_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(EmptyAudioError, match="0 bytes"):
        decode_audio(empty)
    with pytest.raises(EmptyAudioError):
        decode_audio(b"")
    header_only = tmp_path / "header.wav"
    with wave.open(str(header_only), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
    with pytest.raises(EmptyAudioError, match="no samples"):
        decode_audio(header_only)


def test_format_outside_the_accepted_list(tmp_path: Path) -> None:
    import av

    path = tmp_path / "tone.aiff"
    with av.open(str(path), "w", format="aiff") as out:
        stream = out.add_stream("pcm_s16be", rate=SAMPLE_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1600), "<i2"), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        out.mux(stream.encode(frame))
        out.mux(stream.encode())
    with pytest.raises(UnsupportedFormatError, match="not accepted"):
        decode_audio(path)


def test_video_without_audio_is_refused(tmp_path: Path) -> None:
    import av

    path = tmp_path / "silent-film.mp4"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        black = np.zeros((32, 32, 3), np.uint8)
        for _ in range(3):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(black, format="rgb24")))
        out.mux(stream.encode())
    with pytest.raises(UnsupportedFormatError, match="no audio stream"):
        decode_audio(path)


def test_max_duration(audio_dir: Path) -> None:
    with pytest.raises(AudioTooLongError, match="10 s limit"):
        decode_audio(audio_dir / "dialogue.flac", max_duration_s=10)
    assert decode_audio(audio_dir / "short.flac", max_duration_s=10).size > 0


def test_pcm16_to_float() -> None:
    pcm = np.array([0, 16384, -32768, 32767], "<i2").tobytes()
    np.testing.assert_allclose(pcm16_to_float(pcm), [0.0, 0.5, -1.0, 32767 / 32768])
