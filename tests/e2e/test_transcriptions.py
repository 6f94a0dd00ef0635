"""The transcription API through the real server, driven by the official ``openai`` SDK only.

Every response format is parsed by an independent parser (``srt``, ``webvtt-py``, ``json`` through
the SDK's own models, RTTM through ``pyannote.database``). The audio is the synthetic two-voice
dialogue of tests/data/audio (espeak-ng voices): what Whisper hears in those voices differs by CPU,
so no test asserts words; they assert structure, timing, speaker labels and repeatability. Speaker
bounds and the language check use real speech: the English two-person phone call that ships with
pyannote.audio (``evals.captions.real_sample``).
Setting up a room with enrolled voices has no OpenAI equivalent: it goes through the harness's
httpx client (the project's own API), the transcriptions themselves through the SDK.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import srt
import webvtt
from openai import OpenAI

from evals.captions import real_sample
from tests.e2e.harness import LiveServer

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"
DIALOGUE = AUDIO / "dialogue.flac"
DIARIZED = {"diarize": True, "num_speakers": 2}
ROOM = "e2e-transcriptions"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(demo_server: LiveServer) -> OpenAI:
    return OpenAI(base_url=demo_server.url + "/v1", api_key=demo_server.key, timeout=600.0, max_retries=0)


def transcribe(client: OpenAI, path: Path = DIALOGUE, **options: Any) -> Any:
    extra = options.pop("extra_body", None)
    with path.open("rb") as audio:
        return client.audio.transcriptions.create(
            file=(path.name, audio.read()),
            model=options.pop("model", "whisper-base"),
            extra_body=extra,
            **options,
        )


def seconds(stamp: Any) -> float:
    """A webvtt-py timestamp in seconds."""
    return float(stamp.hours * 3600 + stamp.minutes * 60 + stamp.seconds + stamp.milliseconds / 1000)


def assert_monotonic(spans: list[tuple[float, float]], duration: float) -> None:
    assert spans
    for start, end in spans:
        assert 0.0 <= start <= end <= duration + 0.05
    starts = [s for s, _ in spans]
    assert starts == sorted(starts)


@pytest.fixture(scope="module")
def diarized_srt(client: OpenAI) -> str:
    """The dialogue as diarized SRT (the reference of the repeatability tests)."""
    text = transcribe(client, response_format="srt", extra_body=DIARIZED)
    assert isinstance(text, str)
    return text


def test_models_are_listed_in_openai_shape(client: OpenAI) -> None:
    models = client.models.list()
    ids = [m.id for m in models.data]
    assert "whisper-base" in ids
    assert all(m.object == "model" and m.owned_by and m.created > 0 for m in models.data)


def test_an_unknown_model_is_a_400_listing_the_available_ones(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        transcribe(client, AUDIO / "short.wav", model="gpt-4o-transcribe")
    assert refused.value.status_code == 400
    assert "whisper-base" in str(refused.value) and "whisper-1" in str(refused.value)


@pytest.fixture(scope="module")
def dialogue_text(client: OpenAI) -> str:
    """The dialogue's transcript (``json``, no diarization, the served model by its own name)."""
    text = str(transcribe(client, response_format="json").text)
    assert text.strip()
    return text


def test_whisper_1_is_the_default_models_alias(client: OpenAI, dialogue_text: str) -> None:
    assert transcribe(client, model="whisper-1").text == dialogue_text


def test_srt_parses_with_speaker_labels_in_time_order(diarized_srt: str) -> None:
    cues = list(srt.parse(diarized_srt))
    assert len(cues) >= 5
    assert [c.index for c in cues] == list(range(1, len(cues) + 1))
    assert_monotonic([(c.start.total_seconds(), c.end.total_seconds()) for c in cues], 44.2)
    speakers = {c.content.split("：", 1)[0] for c in cues}
    assert speakers == {"SPEAKER_00", "SPEAKER_01"}
    assert all(c.content.split("：", 1)[1].strip() for c in cues)


def test_vtt_parses_with_voice_spans(client: OpenAI) -> None:
    vtt = transcribe(client, response_format="vtt", extra_body=DIARIZED)
    captions = webvtt.from_string(vtt).captions
    assert len(captions) >= 5
    assert_monotonic([(seconds(c.start_time), seconds(c.end_time)) for c in captions], 44.2)
    assert {c.voice for c in captions} == {"SPEAKER_00", "SPEAKER_01"}
    assert all(c.text.strip() for c in captions)


def test_json_text_and_verbose_json_agree(client: OpenAI) -> None:
    plain = transcribe(client, response_format="json", extra_body=DIARIZED)
    assert plain.text.strip()
    text = transcribe(client, response_format="text", extra_body=DIARIZED)
    assert isinstance(text, str) and text.strip()
    verbose = transcribe(
        client,
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
        extra_body=DIARIZED,
    )
    assert verbose.text == plain.text
    assert verbose.language == "zh" and abs(verbose.duration - 44.15) < 0.1
    assert verbose.model_dump()["warnings"] == []  # Chinese asked, Chinese captioned
    assert verbose.segments and verbose.words
    assert [s.id for s in verbose.segments] == list(range(len(verbose.segments)))
    assert_monotonic([(s.start, s.end) for s in verbose.segments], verbose.duration)
    assert_monotonic([(w.start, w.end) for w in verbose.words], verbose.duration)
    assert "".join(s.text for s in verbose.segments).replace(" ", "") == verbose.text.replace(" ", "")
    raw = verbose.model_dump()
    assert raw["task"] == "transcribe"
    assert {s["speaker"] for s in raw["segments"]} == {"SPEAKER_00", "SPEAKER_01"}
    for segment in raw["segments"]:  # every field of OpenAI's segment is there
        assert {"seek", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob"} <= set(
            segment
        )
    words_only = transcribe(client, response_format="verbose_json", timestamp_granularities=["word"])
    assert words_only.words and words_only.segments is None


def test_rttm_parses_with_pyannote(client: OpenAI, tmp_path: Path) -> None:
    from pyannote.database.util import load_rttm

    raw = client.audio.transcriptions.with_raw_response.create(
        file=(DIALOGUE.name, DIALOGUE.read_bytes()), model="whisper-1", response_format="rttm",  # type: ignore[arg-type]
        extra_body={"num_speakers": 2},
    )  # fmt: skip
    assert raw.http_response.status_code == 200
    path = tmp_path / "dialogue.rttm"
    path.write_text(raw.http_response.text, encoding="utf-8")
    annotation = load_rttm(str(path))["dialogue"]
    assert set(annotation.labels()) == {"SPEAKER_00", "SPEAKER_01"}
    assert 20.0 < annotation.get_timeline().support().duration() < 44.2


def test_stream_true_sends_openai_transcript_events(client: OpenAI, dialogue_text: str) -> None:
    with (AUDIO / "dialogue.flac").open("rb") as audio:
        events = list(
            client.audio.transcriptions.create(
                file=(DIALOGUE.name, audio.read()), model="whisper-1", stream=True, response_format="json"
            )
        )
    assert [e.type for e in events[:-1]] == ["transcript.text.delta"] * (len(events) - 1)
    assert len(events) >= 3 and events[-1].type == "transcript.text.done"
    assert "".join(e.delta for e in events[:-1]) == events[-1].text
    assert events[-1].text == dialogue_text
    with pytest.raises(openai.BadRequestError, match="stream"):
        transcribe(client, AUDIO / "short.wav", response_format="srt", stream=True)


def test_prompt_and_temperature_are_applied(client: OpenAI) -> None:
    """A prompt and a temperature are Whisper's: requests with them are served, not refused (what
    they change in the words is Whisper's business and differs by CPU)."""
    prompted = transcribe(client, AUDIO / "short.wav", prompt="直播间里，嘉宾在问价格。")
    assert isinstance(prompted.text, str)
    sampled = transcribe(client, AUDIO / "short.wav", temperature=0.6)
    assert isinstance(sampled.text, str)
    with pytest.raises(openai.UnprocessableEntityError):
        transcribe(client, AUDIO / "short.wav", temperature=1.5)


def test_the_same_file_gives_the_same_captions_every_time(client: OpenAI, diarized_srt: str) -> None:
    again = [transcribe(client, response_format="srt", extra_body=DIARIZED) for _ in range(2)]
    assert again == [diarized_srt, diarized_srt]


@pytest.fixture(scope="module")
def enrolled_room(demo_server: LiveServer) -> Iterator[str]:
    """A room of its own (nothing on stage) with both voices of the dialogue enrolled."""
    with demo_server.client() as http:
        created = http.post("/v1/rooms", json={"room_id": ROOM, "catalog_id": "demo", "title": "captions"})
        assert created.status_code in (201, 200, 409), created.text
        for name, clip in (("主播", "enrol_host.flac"), ("嘉宾", "enrol_guest.flac")):
            enrolled = http.post(
                f"/v1/rooms/{ROOM}/speakers",
                files={"file": (clip, (AUDIO / clip).read_bytes())},
                data={"name": name, "consent": "true"},
            )
            assert enrolled.status_code == 201, enrolled.text
    yield ROOM


def test_enrolled_names_change_only_the_labels(client: OpenAI, enrolled_room: str) -> None:
    plain = json.loads(
        transcribe(client, response_format="verbose_json", extra_body=DIARIZED).model_dump_json()
    )
    named = json.loads(
        transcribe(
            client, response_format="verbose_json", extra_body={**DIARIZED, "room_id": enrolled_room}
        ).model_dump_json()
    )
    assert named["text"] == plain["text"]
    cut = [(s["start"], s["end"], s["text"]) for s in plain["segments"]]
    assert [(s["start"], s["end"], s["text"]) for s in named["segments"]] == cut
    labels = {(p["speaker"], n["speaker"]) for p, n in zip(plain["segments"], named["segments"], strict=True)}
    mapping = dict(labels)
    assert len(mapping) == len(labels) == 2  # one name per diarized speaker, one-to-one
    assert set(mapping.values()) == {"主播", "嘉宾"} and named["segments"][0]["speaker"] == "主播"


def test_captions_are_the_same_in_another_process_and_after_a_restart(
    fresh_server: LiveServer, diarized_srt: str
) -> None:
    def captions() -> str:
        other = OpenAI(
            base_url=fresh_server.url + "/v1", api_key=fresh_server.key, timeout=600.0, max_retries=0
        )
        return str(transcribe(other, response_format="srt", extra_body=DIARIZED))

    fresh_server.start()
    assert captions() == diarized_srt
    fresh_server.restart()
    assert captions() == diarized_srt


def test_min_speakers_above_max_speakers_is_a_400_naming_both(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        transcribe(
            client, AUDIO / "short.wav", extra_body={"diarize": True, "min_speakers": 3, "max_speakers": 2}
        )
    assert refused.value.status_code == 400
    body = refused.value.response.json()
    assert "min_speakers (3)" in body["detail"] and "max_speakers (2)" in body["detail"]
    assert body["error"]["param"] == "min_speakers"
    with pytest.raises(openai.UnprocessableEntityError) as invalid:
        transcribe(client, AUDIO / "short.wav", extra_body={"diarize": True, "max_speakers": 0})
    assert [e["loc"][-1] for e in invalid.value.response.json()["detail"]] == ["max_speakers"]


@pytest.fixture(scope="module")
def phone_call() -> Path:
    """The real English two-person phone call (30 s, 16 kHz) of pyannote.audio."""
    return real_sample().audio


def speakers_of(client: OpenAI, audio: Path, **bounds: int) -> list[str]:
    verbose = transcribe(
        client, audio, language="en", response_format="verbose_json", extra_body={"diarize": True, **bounds}
    )
    assert verbose.language == "en" and verbose.text.strip()
    speakers = verbose.model_dump()["speakers"]
    assert isinstance(speakers, list)
    return speakers


def test_min_and_max_speakers_bound_the_count_on_a_real_call(client: OpenAI, phone_call: Path) -> None:
    """Two people talk: bounds around two keep both, a maximum of one merges them (the bounds reach
    diarization, they are not only validated). A minimum above two is not asserted: diarization
    may leave a forced extra cluster without speech (measured: two speakers even with a fixed 3)."""
    assert len(speakers_of(client, phone_call, min_speakers=1, max_speakers=3)) == 2
    assert len(speakers_of(client, phone_call, min_speakers=2, max_speakers=2)) == 2
    assert len(speakers_of(client, phone_call, min_speakers=1, max_speakers=1)) == 1


def test_english_speech_with_language_zh_says_so_in_verbose_json(client: OpenAI, phone_call: Path) -> None:
    """The default language (Chinese) on English speech: captions in English, ``language`` the one
    heard, and a warning that names both (not an empty transcript)."""
    verbose = transcribe(client, phone_call, language="zh", response_format="verbose_json")
    raw = verbose.model_dump()
    assert raw["language"] == "en"
    assert len(raw["warnings"]) == 1 and "'en'" in raw["warnings"][0] and "'zh'" in raw["warnings"][0]
    assert raw["segments"] and len(verbose.text.split()) >= 20
    auto = transcribe(client, phone_call, language="auto", response_format="verbose_json").model_dump()
    assert auto["language"] == "en" and auto["warnings"] == []
