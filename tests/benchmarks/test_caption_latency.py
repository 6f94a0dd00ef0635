"""How the captions benchmark matches final captions to the reference utterances they close, and
the real-speech stream it builds."""

from __future__ import annotations

import pytest

from benchmarks.bench_captions import (
    HOST_ENROL_CLIPS,
    HOST_PREFIX,
    build_real_stream,
    last_final_latencies,
    speaking_update_gaps,
    utterance_latencies,
)
from evals.captions_real import asr_clips
from speech.domain import SAMPLE_RATE


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


def test_without_talk_over_the_last_overlapping_final_closes_an_utterance() -> None:
    # Whisper's last word ends 0.65 s before the reference end: still that utterance's final
    utterances = [(0.0, 3.0), (4.0, 6.0)]
    finals = [(0.1, 1.5, 2.0), (1.6, 2.35, 3.6), (4.1, 5.9, 6.7)]
    assert last_final_latencies(utterances, finals) == [
        (pytest.approx(0.6), True),
        (pytest.approx(0.7), True),
    ]
    assert utterance_latencies(utterances, finals)[0] == (pytest.approx(3.7), False)  # the strict rule


def test_without_talk_over_an_uncaptioned_utterance_waits_for_the_next_caption() -> None:
    utterances = [(0.0, 3.0), (4.0, 6.0)]
    finals = [(4.1, 5.9, 6.7)]
    assert last_final_latencies(utterances, finals) == [
        (pytest.approx(3.7), False),
        (pytest.approx(0.7), True),
    ]


def test_the_real_speech_stream_alternates_host_and_guests_with_natural_pauses() -> None:
    """Built from ../shared/data/speech_dev (fails naming the missing file when it is not there)."""
    stream = build_real_stream()
    clips = {c.id: c for c in asr_clips()}
    assert [t.speaker == "host" for t in stream.turns] == [True, False] * 4
    assert len({t.speaker for t in stream.turns}) == 5
    assert all(i.startswith(HOST_PREFIX) for i in stream.clip_ids[::2])
    enrolment = [i for i in clips if i.startswith(HOST_PREFIX)][:HOST_ENROL_CLIPS]
    assert not set(enrolment) & set(stream.clip_ids)  # the host is enrolled from other clips
    assert stream.text == "".join(clips[i].text for i in stream.clip_ids)
    duration = stream.audio.size / SAMPLE_RATE
    assert stream.utterances == [(t.start, t.end) for t in stream.turns]
    assert stream.utterances[0][0] >= 0.0 and stream.utterances[-1][1] <= duration
    pauses = [b[0] - a[1] for a, b in zip(stream.utterances, stream.utterances[1:], strict=False)]
    assert all(0.5 - 0.01 <= p <= 1.5 + 0.01 for p in pauses), pauses
    for (start, end), clip_id in zip(stream.utterances, stream.clip_ids, strict=True):
        assert 0.5 * clips[clip_id].duration_s < end - start <= clips[clip_id].duration_s


def test_update_gaps_count_only_while_someone_speaks() -> None:
    # speech 0-3 s and 5-6 s; updates at 0.9, 1.8, 2.6 and 5.5 s; the pause 3-5 s is not a gap
    gaps = speaking_update_gaps([(0.0, 3.0), (5.0, 6.0)], [0.9, 1.8, 2.6, 3.4, 5.5])
    assert gaps == pytest.approx([0.9, 0.9, 0.8, 0.4, 0.5, 0.5])
