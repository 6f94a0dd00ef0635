"""Word-to-speaker alignment, cue cutting and the caption renderers (pure; golden files).

Regenerate the golden files after an intended format change with
``UPDATE_GOLDEN=1 pytest tests/speech/test_align_render.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from speech.align import CueOptions, align, assign_speakers, build_captions, segment_words
from speech.domain import Caption, Diarization, Segment, Turn, Word
from speech.render import caption_dicts, to_json, to_rttm, to_srt, to_text, to_vtt

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "captions"


def _w(start: float, end: float, text: str, p: float = 0.9) -> Word:
    return Word(start, end, text, p)


W1 = (_w(0.5, 1.2, "大家"), _w(1.2, 1.6, "好，"), _w(1.8, 2.6, "欢迎"), _w(2.6, 3.2, "来到"))
W2 = (_w(5.0, 5.6, "今天"), _w(5.6, 5.9, "给"), _w(5.9, 6.6, "大家"), _w(6.6, 7.0, "介绍"))
SEGMENTS = (
    Segment(0.5, 4.4, "大家好，欢迎来到直播间。", (*W1, _w(3.2, 4.4, "直播间。"))),
    Segment(
        5.0, 9.1, "今天给大家介绍这款云朵保温杯", (*W2, _w(7.0, 7.4, "这款"), _w(7.4, 9.1, "云朵保温杯"))
    ),
    # the guest answers 0.3 s before the host's segment ends (overlap), then a long pause
    Segment(8.8, 11.0, "能保温多久？", (_w(9.2, 9.9, "能"), _w(9.9, 10.4, "保温"), _w(10.4, 11.0, "多久？"))),
    Segment(12.5, 13.4, "OK <好的> & 下单", (_w(12.5, 12.8, " OK"), _w(12.8, 13.4, " <好的> & 下单"))),
)
DIARIZATION = Diarization(
    turns=(Turn(0.45, 9.1, "SPEAKER_00"), Turn(8.8, 11.1, "SPEAKER_01"), Turn(12.4, 13.5, "SPEAKER_01")),
    exclusive_turns=(
        Turn(0.45, 9.05, "SPEAKER_00"),
        Turn(9.05, 11.1, "SPEAKER_01"),
        Turn(12.4, 13.5, "SPEAKER_01"),
    ),
)
NAMES = {"SPEAKER_00": "主播", "SPEAKER_01": "嘉宾"}


@pytest.fixture(scope="module")
def captions() -> list[Caption]:
    return align(SEGMENTS, DIARIZATION.renamed(NAMES), CueOptions(max_chars=12, pause_s=0.6))


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8"), f"{name} differs from the golden file"


def test_words_take_the_speaker_they_overlap_most() -> None:
    words = assign_speakers(segment_words(SEGMENTS), DIARIZATION.exclusive_turns)
    by_text = {w.text: w.speaker for w in words}
    assert by_text["云朵保温杯"] == "SPEAKER_00"  # 7.4-9.1: mostly inside the host's turn
    assert by_text["能"] == "SPEAKER_01"
    assert by_text[" OK"] == "SPEAKER_01"


def test_a_word_outside_every_turn_takes_the_nearest_turn() -> None:
    turns = [Turn(0.0, 1.0, "A"), Turn(5.0, 6.0, "B")]
    words = assign_speakers([_w(1.5, 1.8, "x"), _w(4.0, 4.6, "y")], turns)
    assert [w.speaker for w in words] == ["A", "B"]


def test_cues_cut_at_speaker_change_punctuation_pause_and_length(captions: list[Caption]) -> None:
    texts = [(c.speaker, c.text) for c in captions]
    assert texts == [
        ("主播", "大家好，欢迎来到直播间。"),  # comma below min_chars_at_comma: kept together
        ("主播", "今天给大家介绍这款"),  # cut before going past 12 characters
        ("主播", "云朵保温杯"),
        ("嘉宾", "能保温多久？"),  # speaker change
        ("嘉宾", "OK <好的> & 下单"),  # 1.5 s pause
    ]
    for cue in captions:
        assert cue.start == cue.words[0].start and cue.end == cue.words[-1].end


def test_cue_duration_limit() -> None:
    words = [_w(i * 1.0, i * 1.0 + 0.9, "字") for i in range(10)]
    cues = build_captions(words, CueOptions(max_duration_s=3.0, max_chars=100))
    assert [len(c.text) for c in cues] == [3, 3, 3, 1]
    assert all(c.end - c.start <= 3.0 for c in cues)


def test_without_diarization_captions_have_no_speaker() -> None:
    cues = align(SEGMENTS, None)
    assert cues and all(c.speaker is None for c in cues)


def test_segment_without_word_timings_is_one_word() -> None:
    words = segment_words([Segment(1.0, 2.0, " 你好 ")])
    assert words == [Word(1.0, 2.0, "你好", 1.0)]


def test_srt_golden(captions: list[Caption]) -> None:
    _golden("expected.srt", to_srt(captions))


def test_vtt_golden(captions: list[Caption]) -> None:
    text = to_vtt(captions)
    assert text.startswith("WEBVTT\n") and "<v 主播>" in text and "&lt;好的&gt; &amp;" in text
    _golden("expected.vtt", text)


def test_json_golden(captions: list[Caption]) -> None:
    text = to_json(captions, language="zh", duration_s=13.5)
    doc = json.loads(text)
    assert doc["speakers"] == ["主播", "嘉宾"]
    assert doc["segments"] == caption_dicts(captions)
    assert all(w["speaker"] == s["speaker"] for s in doc["segments"] for w in s["words"])
    _golden("expected.json", text)


def test_rttm_golden() -> None:
    text = to_rttm(DIARIZATION.renamed({"SPEAKER_00": "主 播"}).turns, uri="room 1")
    assert all(len(line.split()) == 10 for line in text.splitlines())
    _golden("expected.rttm", text)


def test_text_golden(captions: list[Caption]) -> None:
    assert to_text(captions).splitlines()[0] == "大家好，欢迎来到直播间。"
    _golden("expected.txt", to_text(captions, speakers=True))


def test_timestamps_past_an_hour() -> None:
    cue = Caption(3725.0004, 3726.5, None, "x")
    assert "01:02:05,000 --> 01:02:06,500" in to_srt([cue])
    assert "01:02:05.000 --> 01:02:06.500" in to_vtt([cue])
