"""Contracts of ``CaptionLogs`` and ``Voices`` (enrolled voices with their consent log)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.state import Consent, ConsentEvent, EnrolledVoice, StateOptions
from speech.domain import Caption, Word
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def _caption(i: int) -> Caption:
    words = (Word(i, i + 0.5, "大家", 0.91, "host"), Word(i + 0.5, i + 1.0, "好", 0.8, "host"))
    return Caption(float(i), i + 1.0, "host", "大家好", words)


def test_caption_log_keeps_the_newest_within_the_bound(backend: Backend) -> None:
    logs = backend.make(StateOptions(max_captions_per_room=3)).captions
    assert logs.log("room").captions == () and logs.log("room").started_at is None
    for i in range(5):
        logs.append("room", _caption(i), T0 + timedelta(seconds=i))  # the first start is kept
    log = logs.log("room")
    assert log.started_at == T0
    assert log.captions == (_caption(2), _caption(3), _caption(4))
    logs.append("other", _caption(9), T0)
    logs.clear("room")
    assert logs.log("room").captions == ()
    assert logs.log("other").captions == (_caption(9),)


def test_caption_log_shared_between_instances(shared: Backend) -> None:
    shared.make().captions.append("room", _caption(1), T0)
    assert shared.make().captions.log("room").captions == (_caption(1),)


def _voice(name: str) -> EnrolledVoice:
    consent = Consent(T0, "我同意保存我的声纹用于本直播间字幕", "operator-1")
    return EnrolledVoice(name, (0.25, -1.5, 3.0), T0 + timedelta(seconds=1), consent)


def test_voices_with_consent_and_withdrawal(backend: Backend) -> None:
    voices = backend.make().voices
    voices.enrol("room", _voice("主播"))
    voices.enrol("room", _voice("助播"))
    assert voices.voices("room") == [_voice("主播"), _voice("助播")]  # by name
    later = T0 + timedelta(hours=1)
    assert voices.forget("room", "主播", later)
    assert not voices.forget("room", "主播", later)
    assert voices.voices("room") == [_voice("助播")]
    statement = _voice("x").consent.statement
    assert voices.consent_log("room") == [
        ConsentEvent("room", "主播", "given", T0, statement, "operator-1"),
        ConsentEvent("room", "助播", "given", T0, statement, "operator-1"),
        ConsentEvent("room", "主播", "withdrawn", later),
    ]
    assert voices.voices("other") == [] and voices.consent_log("other") == []


def test_voices_shared_between_instances(shared: Backend) -> None:
    shared.make().voices.enrol("room", _voice("主播"))
    assert shared.make().voices.voices("room") == [_voice("主播")]
