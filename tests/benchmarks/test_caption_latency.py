"""How the captions benchmark matches final captions to the reference utterances they close."""

from __future__ import annotations

import pytest

from benchmarks.bench_captions import utterance_latencies


def test_a_final_reaching_the_end_of_its_utterance_closes_it() -> None:
    utterances = [(0.0, 3.0), (4.0, 6.0)]
    finals = [(0.1, 2.8, 3.9), (4.1, 5.9, 6.7)]  # (start, end, emitted at)
    assert utterance_latencies(utterances, finals) == [(pytest.approx(0.9), True), (pytest.approx(0.7), True)]


def test_an_utterance_without_its_own_final_waits_for_the_next_caption() -> None:
    utterances = [(0.0, 3.0), (4.0, 6.0)]
    finals = [(4.1, 5.9, 6.7)]  # nothing was captioned for the first utterance
    assert utterance_latencies(utterances, finals) == [
        (pytest.approx(3.7), False),
        (pytest.approx(0.7), True),
    ]


def test_a_final_that_stops_well_before_the_end_does_not_close_the_utterance() -> None:
    utterances = [(0.0, 3.0)]
    finals = [(0.1, 1.5, 2.0), (1.6, 2.9, 3.8)]  # the first half was cut off early
    assert utterance_latencies(utterances, finals) == [(pytest.approx(0.8), True)]


def test_a_talked_over_tail_belongs_to_the_next_speaker() -> None:
    # host 0-4 s, guest from 3.5 s over the host's last half second; the host's caption is cut
    # where the guest starts, and still closes the host's utterance (latency from 4.0 s)
    utterances = [(0.0, 4.0), (3.5, 6.0)]
    finals = [(0.1, 3.4, 4.6), (3.5, 5.9, 6.8)]
    latencies = utterance_latencies(utterances, finals)
    assert latencies == [(pytest.approx(0.6), True), (pytest.approx(0.8), True)]


def test_a_caption_cut_short_of_the_talk_over_does_not_count() -> None:
    utterances = [(0.0, 4.0), (3.5, 6.0)]
    finals = [(0.1, 2.0, 2.5), (2.1, 5.9, 6.8)]  # the host's part ends 1.5 s before the guest
    assert utterance_latencies(utterances, finals)[0] == (pytest.approx(2.8), True)
