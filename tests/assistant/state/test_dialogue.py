"""Contract of ``DialogueStates``: per-viewer memory with a TTL on message time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.danmaku.dialogue import ClarifyOption, PendingClarification, ViewerDialogue
from assistant.danmaku.types import Intent, Slots
from assistant.state import StateOptions
from assistant.state.codecs import dialogue_from_text, dialogue_to_text
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
PENDING = PendingClarification(
    intent=Intent.SIZE,
    slots=Slots(height_cm=165, weight_kg=52.5, color="黑色", girth=("腰围", 73.3)),
    options=(ClarifyOption(("油皮",), "p1", "s1"), ClarifyOption(("干皮", "混合皮"), "p1", None)),
    asked_at=T0,
    original_text="165穿什么码",
)


def test_put_get_round_trip_with_pending(backend: Backend) -> None:
    dialogue = backend.make(StateOptions(dialogue_ttl_s=600)).dialogue
    told = Slots(age="孕妇", girth=("臀围", 100.0))
    state = ViewerDialogue("p1", "s1", Intent.SIZE, T0, PENDING, viewer=told, asked="续航多久")
    dialogue.put("room", "v1", state)
    assert dialogue.get("room", "v1", T0 + timedelta(seconds=1)) == state
    assert dialogue.get("room", "v2", T0) is None
    assert dialogue.get("other", "v1", T0) is None


def test_expires_on_message_time(backend: Backend) -> None:
    dialogue = backend.make(StateOptions(dialogue_ttl_s=600)).dialogue
    dialogue.put("room", "v1", ViewerDialogue("p1", None, None, T0))
    assert dialogue.get("room", "v1", T0 + timedelta(seconds=600)) is not None
    assert dialogue.get("room", "v1", T0 + timedelta(seconds=601)) is None


def test_clear_room_keeps_other_rooms(backend: Backend) -> None:
    dialogue = backend.make().dialogue
    for room in ("a:1", "a", "b*"):  # ids with key separators and glob characters
        dialogue.put(room, "v1", ViewerDialogue("p1", None, Intent.PRICE, T0))
    dialogue.clear_room("a")
    assert dialogue.get("a", "v1", T0) is None
    assert dialogue.get("a:1", "v1", T0) is not None
    assert dialogue.get("b*", "v1", T0) is not None


def test_shared_between_instances(shared: Backend) -> None:
    state = ViewerDialogue("p9", None, Intent.STOCK, T0)
    shared.make().dialogue.put("room", "v1", state)
    assert shared.make().dialogue.get("room", "v1", T0) == state


def test_a_record_holds_only_the_slots_that_are_set_and_reads_past_unknown_ones() -> None:
    state = ViewerDialogue("p1", None, Intent.SIZE, T0, PENDING, viewer=Slots(age="孕妇"))
    text = dialogue_to_text(state)
    assert '"girth"' in text and '"region"' not in text  # unset slots are not written
    assert dialogue_from_text(text) == state
    newer = text.replace('"age": "孕妇"', '"age": "孕妇", "a_slot_of_a_later_version": 1')
    assert dialogue_from_text(newer) == state


def test_a_record_of_an_earlier_version_reads_with_no_words_asked() -> None:
    state = ViewerDialogue("p1", None, Intent.OTHER, T0, asked="续航多久")
    text = dialogue_to_text(state)
    assert dialogue_from_text(text) == state
    older = text.replace('"asked":"续航多久",', "")
    assert '"asked"' not in older and dialogue_from_text(older).asked == ""
