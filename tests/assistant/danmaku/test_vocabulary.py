"""The one skin vocabulary: every table the pipeline reads agrees with it."""

from __future__ import annotations

from assistant.danmaku.slot_rules import extract_slots
from assistant.danmaku.vocabulary import (
    MIXED_SKIN_LEANS,
    SKIN_IN_CATALOG_TEXT,
    SKIN_TYPES,
    SKIN_VARIANT_WORDS,
    VARIANT_SKIN,
    contradicts,
    skin_of_word,
)


def test_every_word_a_viewer_uses_is_read_as_its_skin_type() -> None:
    for skin, words in SKIN_TYPES.items():
        for word in words:
            assert extract_slots(f"{word}能用吗").skin_type == skin, word
            assert skin_of_word(word) == skin


def test_the_tables_speak_of_the_same_skin_types() -> None:
    assert set(SKIN_IN_CATALOG_TEXT) == set(SKIN_TYPES)
    assert set(VARIANT_SKIN.values()) <= set(SKIN_TYPES)
    assert set(MIXED_SKIN_LEANS.values()) <= set(SKIN_TYPES)
    assert all(m in SKIN_TYPES["混合皮"] for m in MIXED_SKIN_LEANS)


def test_variants_for_a_skin_and_for_mixed_skin_leaning_to_it() -> None:
    assert list(SKIN_VARIANT_WORDS) == ["油皮", "混油", "干皮", "混干"]  # the clarifying order
    assert SKIN_VARIANT_WORDS["油皮"] == ("控油", "清爽", "油皮")
    assert SKIN_VARIANT_WORDS["混干"] == ("保湿", "滋润")


def test_a_text_saying_the_opposite_of_what_is_asked_contradicts_it() -> None:
    assert contradicts("南方冬天盖几斤", "北方冬天盖几斤的")
    assert contradicts("女款有吗", "有男款吗")
    assert not contradicts("南方冬天盖几斤", "冬天盖几斤的")  # nothing opposite asked
    assert not contradicts("南方北方都能用吗", "北方能用吗")  # the text says both
