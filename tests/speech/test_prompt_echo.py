"""The prompt-echo guard: a segment that repeats Whisper's prompt, word for word or paraphrased.

Whisper base, given a prompt and audio it cannot make out (silence, noise, a mumble), answers
with the prompt or a variant of it; the neutral prompt 以下是普通话的句子。 came back on silence
as 这就是普通话的句子。, which the exact-piece rule missed. Text-level tests: the guard sees only
the segment's text and the prompt in use.
"""

from __future__ import annotations

import pytest

from speech.transcribe import (
    DEFAULT_PROMPT_ZH,
    NEUTRAL_PROMPT_ZH,
    TranscribeOptions,
    _is_hallucination,
    build_prompt,
    echoes_prompt,
    paraphrases_prompt,
)

CATALOG = build_prompt(["兰蔻小黑瓶精华肌底液"])  # 直播间商品：兰蔻小黑瓶精华肌底液。
LONG_CATALOG = build_prompt(["兰蔻小黑瓶精华肌底液", "雅诗兰黛特润修护肌透精华露", "云朵保温杯"])


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("这就是普通话的句子。", NEUTRAL_PROMPT_ZH),  # Whisper base on 3 s of silence
        ("以下是普通话句子", NEUTRAL_PROMPT_ZH),
        ("下面是普通话的句子。", NEUTRAL_PROMPT_ZH),
        ("這就是普通話的句子。", NEUTRAL_PROMPT_ZH),  # Traditional, read as Simplified
        ("这就是普通话的句子。这就是普通话的句子。", NEUTRAL_PROMPT_ZH),  # the echo repeated
        # its first time cut short (Whisper base on silence, on an AMD EPYC machine)
        ("这就是普通话。这就是普通话的句子。", NEUTRAL_PROMPT_ZH),
        ("直播间里，主播正在介绍产品。", DEFAULT_PROMPT_ZH),
        ("在直播间里主播正在介绍商品", DEFAULT_PROMPT_ZH),
        ("直播间的商品：兰蔻小黑瓶精华肌底液", CATALOG),
        ("直播间商品：兰蔻小黑瓶精华肌底液、雅诗兰黛特润修护肌透精华露、云朵保温杯子。", LONG_CATALOG),
    ],
)
def test_a_paraphrase_of_the_prompt_is_an_echo(text: str, prompt: str) -> None:
    assert echoes_prompt(text, prompt)


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        (NEUTRAL_PROMPT_ZH, NEUTRAL_PROMPT_ZH),
        ("以下是普通话", NEUTRAL_PROMPT_ZH),  # a part of a clause
        (DEFAULT_PROMPT_ZH + DEFAULT_PROMPT_ZH, DEFAULT_PROMPT_ZH),
        ("主播正在介绍商品", DEFAULT_PROMPT_ZH),
    ],
)
def test_the_prompt_word_for_word_is_still_an_echo(text: str, prompt: str) -> None:
    assert echoes_prompt(text, prompt)


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("这个兰蔻小黑瓶精华肌底液多少钱？", CATALOG),  # names the product, with words of its own
        ("这个兰蔻小黑瓶精华肌底液", CATALOG),  # 10 of its 12 characters, 10 of the prompt's 15
        ("兰蔻小黑瓶精华肌底液和雅诗兰黛特润修护肌透精华露", LONG_CATALOG),  # two names of three
        ("今天给大家介绍一款保温杯", DEFAULT_PROMPT_ZH),
        ("大家好，欢迎来到直播间", DEFAULT_PROMPT_ZH),
        ("主播正在介绍这款新的商品", DEFAULT_PROMPT_ZH),
        ("这是普通话吗？", NEUTRAL_PROMPT_ZH),
        ("这就是普通话的句子。还有黑色的吗？", NEUTRAL_PROMPT_ZH),  # an echo and a question: kept
        ("我说的是普通话。这就是普通话的句子。", NEUTRAL_PROMPT_ZH),  # a clause no part of the echo
        ("这就是普通话。", NEUTRAL_PROMPT_ZH),  # a start alone, with no echo it begins
        ("句子", NEUTRAL_PROMPT_ZH),  # too short to call
        ("", NEUTRAL_PROMPT_ZH),
    ],
)
def test_speech_that_shares_words_with_the_prompt_is_kept(text: str, prompt: str) -> None:
    assert not echoes_prompt(text, prompt)


ROOM_RECORDING = NEUTRAL_PROMPT_ZH + CATALOG  # a recording transcribed for a room


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("这就是普通话的句子。", True),  # the neutral sentence's echo, within the joined prompt
        ("直播间的商品：兰蔻小黑瓶精华肌底液", True),  # the room's sentence, paraphrased
        ("这个兰蔻小黑瓶精华肌底液多少钱？", False),
        ("这就是普通话的句子。还有黑色的吗？", False),
    ],
)
def test_a_prompt_of_several_sentences_is_echoed_a_sentence_at_a_time(text: str, echo: bool) -> None:
    assert echoes_prompt(text, ROOM_RECORDING) is echo


def test_the_share_is_asked_of_both_sides() -> None:
    # 8 characters, all of them the prompt's in order, but only 8 of its 12
    assert not paraphrases_prompt("直播间里介绍商品", DEFAULT_PROMPT_ZH)
    # 12 characters, 9 of them the prompt's (3/4 exactly) and 9 of its 12: an echo
    assert paraphrases_prompt("直播间外主播正要介绍产品", DEFAULT_PROMPT_ZH)
    # one more change: 8 of 12 on each side, under three quarters
    assert not paraphrases_prompt("直播间外主播正要介绍新款", DEFAULT_PROMPT_ZH)


def _segment(text: str) -> object:
    from faster_whisper.transcribe import Segment

    # a confident decode, not a loop: only the echo guard can drop it
    return Segment(0, 0, 0.0, 3.0, text, [], -0.3, 1.2, 0.05, None, 0.0)


def test_the_transcriber_drops_a_paraphrased_echo_of_the_prompt_in_use() -> None:
    options = TranscribeOptions()
    assert _is_hallucination(_segment("这就是普通话的句子。"), NEUTRAL_PROMPT_ZH, options)
    assert not _is_hallucination(_segment("这就是普通话的句子。"), DEFAULT_PROMPT_ZH, options)
    assert not _is_hallucination(_segment("有没有黑色的？"), NEUTRAL_PROMPT_ZH, options)
