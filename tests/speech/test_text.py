"""Joining caption texts and measuring cue widths across Chinese and space-separated scripts."""

from __future__ import annotations

from speech.align import CueOptions, build_captions
from speech.domain import Caption, CaptionResult, Word
from speech.render import to_json, to_text
from speech.text import join_texts, text_width


def test_cues_of_english_are_joined_with_a_space() -> None:
    assert (
        join_texts(["Oh, hello. I didn't", "know you were there."])
        == "Oh, hello. I didn't know you were there."
    )


def test_cues_of_chinese_are_joined_without_one() -> None:
    assert join_texts(["大家好，", "欢迎来到直播间。"]) == "大家好，欢迎来到直播间。"
    assert join_texts(["价格是多少钱?", "直播间价九十九元"]) == "价格是多少钱?直播间价九十九元"


def test_mixed_scripts_get_a_space_only_between_narrow_characters() -> None:
    assert join_texts(["这款是 iPhone", "15 Pro"]) == "这款是 iPhone 15 Pro"
    assert join_texts(["iPhone", "很好用"]) == "iPhone很好用"
    assert join_texts([" padded ", "", "text "]) == "padded text"


def test_width_counts_a_latin_character_as_half_a_chinese_one() -> None:
    assert text_width("直播间") == 3
    assert text_width("Hello!") == 3
    assert text_width("买 iPhone") == 4.5


def _words(texts: list[str], step: float = 0.3) -> list[Word]:
    return [Word(i * step, i * step + step * 0.8, t, 0.9, "A") for i, t in enumerate(texts)]


def test_an_english_cue_holds_twice_the_characters_of_a_chinese_one() -> None:
    english = _words(
        [" I'm", " originally", " from", " Chicago", " also", " and", " I", " live", " in", " Jersey"]
    )
    cues = build_captions(english, CueOptions(max_chars=20, pause_s=5, max_duration_s=60))
    assert [c.text for c in cues] == ["I'm originally from Chicago also and I", "live in Jersey"]
    chinese = _words(list("今天给大家介绍一款非常好用的云朵保温杯真的很好"))
    cues = build_captions(chinese, CueOptions(max_chars=20, pause_s=5, max_duration_s=60))
    assert [len(c.text) for c in cues] == [20, 3]


def test_an_english_sentence_ends_its_cue_at_the_full_stop() -> None:
    cues = build_captions(_words([" Neither", " did", " I.", " Okay,", " then"]))
    assert [c.text for c in cues] == ["Neither did I.", "Okay, then"]


def test_transcript_and_exports_keep_the_spaces_between_english_cues() -> None:
    cues = (
        Caption(0.0, 1.0, "A", "Oh, hello. I didn't"),
        Caption(1.0, 2.0, "A", "know you were there."),
        Caption(2.0, 3.0, "B", "Neither did I."),
    )
    result = CaptionResult(captions=cues, segments=(), diarization=None, duration_s=3.0, language="en")
    assert result.text == "Oh, hello. I didn't know you were there. Neither did I."
    assert '"text": "Oh, hello. I didn\'t know you were there. Neither did I."' in to_json(cues)
    assert to_text(cues, speakers=True) == "A：Oh, hello. I didn't know you were there.\nB：Neither did I.\n"
