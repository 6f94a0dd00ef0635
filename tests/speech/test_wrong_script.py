"""The wrong-script guard: a Chinese transcription that comes out as an English sentence."""

from __future__ import annotations

import pytest

from speech.transcribe import build_prompt, is_wrong_script


@pytest.mark.parametrize(
    "text",
    ["You may you may suffer.", "Thank you, you are welcome", "Who is the sister of the sister?"],
)
def test_an_english_sentence_is_the_wrong_script(text: str) -> None:
    assert is_wrong_script(text, None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("有没有黑色的？", "Chinese"),
        ("这个 iPhone 15 Pro Max 很好用", "Latin words inside a Chinese sentence"),
        ("SK-II", "a brand alone: under three Latin words"),
        ("OK OK", "two words"),
        ("12 号链接 99 元", "digits are not words"),
    ],
)
def test_chinese_and_short_latin_are_not(text: str, why: str) -> None:
    assert not is_wrong_script(text, None), why


def test_latin_words_of_the_catalog_prompt_do_not_count() -> None:
    prompt = build_prompt(["iPhone 15 Pro Max", "澜序 修护精华液"])
    assert not is_wrong_script("iPhone 15 Pro Max", prompt)  # the host names the product on stage
    assert is_wrong_script("iPhone 15 Pro Max", None)
    assert is_wrong_script("You may like the Pro Max", prompt)  # You, may, like, the: not in it
