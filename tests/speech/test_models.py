"""The batch pipeline with the real models on the synthetic two-voice dialogue (slow).

Bounds, measured first (see the speech package docs): espeak-ng's Mandarin is hard to understand
for Whisper base, CER measured 0.32-0.40 on this clip across three seeds of the fallback sampling
(0.47-0.61 with faster-whisper's best_of 5; real speech: ~0.26), so the bound is 0.60;
DER measured 0.032-0.034 (collar 0), bound 0.15 (the project's goal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evals.captions import cer, der, read_rttm, speaker_accuracy
from speech.decode import decode_audio
from speech.errors import EnrolmentError
from speech.transcribe import TranscribeOptions, build_prompt

pytestmark = pytest.mark.slow

REF_NAMES = {"host": "主播", "guest": "嘉宾"}


def test_transcript_cer_is_bounded(dialogue_result: Any, reference: dict[str, Any]) -> None:
    ref_text = "".join(u["text"] for u in reference["utterances"])
    assert dialogue_result.language == "zh"
    assert cer(ref_text, dialogue_result.text) < 0.60
    # Simplified output: no Traditional forms of characters the dialogue uses
    assert not set("來間這價幾們個顏單謝關") & set(dialogue_result.text)


def test_diarization_error_rate(dialogue_result: Any, audio_dir: Path) -> None:
    ref = read_rttm(audio_dir / "dialogue.rttm")
    renamed = [t.__class__(t.start, t.end, REF_NAMES[t.speaker]) for t in ref]
    assert dialogue_result.diarization is not None
    assert der(renamed, dialogue_result.diarization.turns) <= 0.15


def test_enrolled_names_label_the_right_speakers(dialogue_result: Any, audio_dir: Path) -> None:
    assert sorted(dialogue_result.speaker_names.values()) == ["主播", "嘉宾"]
    ref = read_rttm(audio_dir / "dialogue.rttm")
    accuracy = speaker_accuracy(ref, dialogue_result.captions, {v: k for k, v in REF_NAMES.items()})
    assert accuracy >= 0.9
    assert {c.speaker for c in dialogue_result.captions} == {"主播", "嘉宾"}


def test_progress_and_timings(dialogue_result: Any, progress_calls: list[tuple[str, float]]) -> None:
    stages = [s for s, _ in progress_calls]
    order = ["decode", "vad", "transcribe", "diarize", "align"]
    assert [s for s in order if s in stages] == order
    assert sorted(stages, key=order.index) == stages  # stages never go back
    assert all(0.0 <= f <= 1.0 for _, f in progress_calls)
    assert progress_calls[-1] == ("align", 1.0)
    assert set(dialogue_result.timings_s) == set(order)
    assert dialogue_result.rtf > 0


def test_silence_gives_no_captions(pipeline: Any, audio_dir: Path) -> None:
    result = pipeline.run(audio_dir / "silence.flac")
    assert result.captions == () and result.segments == ()
    # Whisper's own guards, without the VAD in front of it (one temperature: the fallback
    # decodes silence six times over for the same empty answer)
    silence = decode_audio(audio_dir / "silence.flac")
    options = TranscribeOptions(vad_filter=False, temperatures=(0.0,))
    transcript = pipeline.transcriber.transcribe(silence, options)
    assert transcript.segments == ()


def test_catalog_prompt_spells_the_product_name(
    pipeline: Any, audio_dir: Path, reference: dict[str, Any]
) -> None:
    u02 = next(u for u in reference["utterances"] if u["id"] == "u02")  # 今天给大家介绍云朵保温杯
    start, end = int(u02["start"] * 16000), int(u02["end"] * 16000) + 3200
    audio = decode_audio(audio_dir / "dialogue.flac")[start:end]
    plain = pipeline.transcriber.transcribe(audio, TranscribeOptions())
    prompted = pipeline.transcriber.transcribe(
        audio, TranscribeOptions(initial_prompt=build_prompt(["云朵保温杯", "晨光电动牙刷"]))
    )
    # espeak-ng says 云朵保温杯 badly: Whisper base hears e.g. 营诺宝营卑 without the catalog
    # names and ...朵保温杯 with them (the full name is not reliable on this synthetic voice)
    assert "保温杯" not in "".join(s.text for s in plain.segments)
    assert "保温杯" in "".join(s.text for s in prompted.segments)


def test_enrolment_needs_speech(pipeline: Any, audio_dir: Path) -> None:
    with pytest.raises(EnrolmentError, match="at least"):
        pipeline.enrol_voice(audio_dir / "silence.flac")


def test_voiceprints_separate_the_two_voices(enrolled: dict[str, np.ndarray]) -> None:
    host, guest = enrolled["主播"], enrolled["嘉宾"]
    assert host.shape == (192,) and np.linalg.norm(host) == pytest.approx(1.0, abs=1e-4)
    assert float(host @ guest) < 0.5


def test_fallback_sampling_is_seeded(model_dir: Path, audio_dir: Path, reference: dict[str, Any]) -> None:
    """Hard audio is decoded again by sampling (temperatures 0.2-1.0); two freshly loaded models
    with the same seed give the same text, so a re-run captions a recording the same way."""
    from speech.transcribe import Transcriber

    utterances = reference["utterances"][1:5]  # the product, keep-warm and price lines
    start, end = int(utterances[0]["start"] * 16000), int(utterances[-1]["end"] * 16000) + 3200
    audio = decode_audio(audio_dir / "dialogue.flac")[start:end]
    texts = []
    for _ in range(2):
        transcriber = Transcriber(model_dir / "whisper-base", seed=7)
        texts.append("".join(s.text for s in transcriber.transcribe(audio).segments))
    assert texts[0] and texts[0] == texts[1]
