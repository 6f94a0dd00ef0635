"""Contract of ``DanmakuLog`` (redis: a Stream per room with a consumer group): danmaku recorded
before they are answered, each msg_id once, and those a dead consumer held claimed by another."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.types import Danmaku, Intent
from assistant.rooms import Room, UnknownRoomError
from assistant.state import StateOptions, build_state_stores
from assistant.state.interfaces import DanmakuLog
from assistant.state.redis_stream import MAX_DELIVERIES
from tests.assistant.state.conftest import REDIS_HOST, REDIS_PORT, Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def batch(*ids: str) -> list[Danmaku]:
    return [
        Danmaku(i, f"v-{i}", f"text {i}", T0 + timedelta(seconds=n), f"nick {i}") for n, i in enumerate(ids)
    ]


def log_of(backend: Backend) -> DanmakuLog:
    """The log of another store instance (another process) on rooms "room" and "hall"."""
    stores = backend.make(StateOptions(seen_ttl_s=3600))
    for room_id in ("room", "hall", "other"):
        stores.rooms.put(Room(room_id, "cat", room_id, T0))
    assert stores.danmaku_log is not None
    return stores.danmaku_log


def stream_length(backend: Backend, room_id: str) -> int:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        return int(client.xlen(backend.prefix + "danmaku:" + room_id))
    finally:
        client.close()


def test_one_process_backends_keep_no_danmaku_log(clocked: Backend) -> None:
    """memory and sqlite serve every room from one process: nothing to hand over."""
    assert clocked.make().danmaku_log is None


def test_accepted_messages_come_back_whole_and_held_by_the_consumer(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    sent = batch("m1", "m2", "m3")
    accepted = log.accept("room", "proc-a", sent)
    assert [e.message for e in accepted.entries] == sent
    assert accepted.duplicates == ()
    assert len({e.entry_id for e in accepted.entries}) == 3
    assert stream_length(redis_backend, "room") == 3


def test_an_unknown_room_records_nothing(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    with pytest.raises(UnknownRoomError):
        log.accept("nowhere", "proc-a", batch("m1"))
    assert stream_length(redis_backend, "nowhere") == 0
    assert [e.message.msg_id for e in log.accept("room", "proc-a", batch("m1")).entries] == ["m1"]


def test_a_msg_id_is_accepted_once_and_shares_the_seen_id_guard(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    stores = redis_backend.make()
    first = log.accept("room", "proc-a", batch("m1", "m2", "m1"))
    assert [e.message.msg_id for e in first.entries] == ["m1", "m2"]
    assert first.duplicates == ("m1",)
    again = log.accept("room", "proc-b", batch("m2", "m3"))
    assert [e.message.msg_id for e in again.entries] == ["m3"] and again.duplicates == ("m2",)
    assert not stores.guards.first_seen("room", "m3", T0)  # the same idempotency key
    assert [e.message.msg_id for e in log.accept("other", "proc-a", batch("m1")).entries] == ["m1"]


def test_finish_acknowledges_what_the_consumer_holds_and_empties_the_stream(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    entries = log.accept("room", "proc-a", batch("m1", "m2")).entries
    ids = [e.entry_id for e in entries]
    assert log.finish("room", "proc-a", ids) == set(ids)
    assert stream_length(redis_backend, "room") == 0
    assert log.finish("room", "proc-a", ids) == set()  # answered once: nothing held any more
    assert log.claim("proc-b", 0.0, 100) == {}


def test_entries_a_dead_consumer_held_are_claimed_by_another_after_the_idle_time(
    redis_backend: Backend,
) -> None:
    dead, alive = log_of(redis_backend), log_of(redis_backend)  # two processes on one Redis
    held = dead.accept("room", "proc-a", batch("m1", "m2")).entries
    assert alive.claim("proc-b", 30.0, 100) == {}  # not idle long enough: proc-a may be working
    time.sleep(0.15)
    claimed = alive.claim("proc-b", 0.1, 100)
    assert list(claimed) == ["room"]
    assert claimed["room"] == list(held)
    assert alive.claim("proc-c", 0.1, 100) == {}  # claiming resets the idle time: one claimer
    ids = [e.entry_id for e in held]
    assert dead.finish("room", "proc-a", ids) == set()  # too late: proc-b answers them
    assert alive.finish("room", "proc-b", ids) == set(ids)
    assert stream_length(redis_backend, "room") == 0


def test_claim_takes_a_page_per_room_and_the_rest_next_time(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    log.accept("room", "proc-a", batch(*(f"m{i}" for i in range(5))))
    log.accept("hall", "proc-a", batch("h1"))
    time.sleep(0.05)
    first = log.claim("proc-b", 0.01, 3)
    assert sorted(first) == ["hall", "room"] and len(first["room"]) == 3 and len(first["hall"]) == 1
    time.sleep(0.05)
    rest = log.claim("proc-c", 10.0, 3)  # the claimed ones are fresh again; the others are not
    assert rest == {}
    later = log.claim("proc-c", 0.01, 10)
    assert len(later["room"]) == 5  # every entry of the room still unanswered, whoever holds it


def test_concurrent_processes_accept_each_msg_id_once(redis_backend: Backend) -> None:
    logs = [log_of(redis_backend) for _ in range(4)]
    ids = [f"m{i}" for i in range(200)]
    taken: list[list[str]] = [[] for _ in logs]

    def run(n: int) -> None:
        for start in range(0, len(ids), 10):
            accepted = logs[n].accept("room", f"proc-{n}", batch(*ids[start : start + 10]))
            taken[n] += [e.message.msg_id for e in accepted.entries]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(logs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [msg_id for got in taken for msg_id in got]
    assert sorted(every) == sorted(ids)  # each exactly once over the four processes


def test_a_batch_reads_its_state_once_and_writes_its_dialogue_when_it_ends(redis_backend: Backend) -> None:
    stores, other = redis_backend.make(), redis_backend.make()  # this process and another one
    stores.rooms.put(Room("room", "cat", "room", T0))
    log = stores.danmaku_log
    assert log is not None
    before = ViewerDialogue("p1", None, Intent.PRICE, T0)
    other.dialogue.put("room", "v-m1", before)
    with log.batch("room", batch("m1", "m2")):
        other.rooms.update("room", lambda r: r.with_stage("p9", T0))  # during the batch
        assert stores.rooms.get("room").stage_at(T0) is None  # the room as the batch started
        assert stores.dialogue.get("room", "v-m1", T0) == before
        after = ViewerDialogue("p2", None, Intent.STOCK, T0 + timedelta(seconds=1))
        stores.dialogue.put("room", "v-m1", after)
        assert stores.dialogue.get("room", "v-m1", T0 + timedelta(seconds=1)) == after  # written through
        assert other.dialogue.get("room", "v-m1", T0 + timedelta(seconds=1)) == before  # not sent yet
    assert other.dialogue.get("room", "v-m1", T0 + timedelta(seconds=1)) == after
    assert stores.rooms.get("room").stage_at(T0) == "p9"  # the next batch sees the change


def test_flood_verdicts_read_up_front_match_one_call_per_message(redis_backend: Backend) -> None:
    """Five messages of one viewer in a batch, limit 3 a minute: the same verdicts as the
    in-process guards, consumed in message order."""
    options = StateOptions(viewer_messages_per_min=3)
    stores, reference = redis_backend.make(options), build_state_stores("memory", options=options)
    stores.rooms.put(Room("room", "cat", "room", T0))
    log = stores.danmaku_log
    assert log is not None
    sent = [Danmaku(f"f{i}", "loud", "text", T0 + timedelta(seconds=i), "") for i in range(5)]
    with log.batch("room", sent):
        got = [stores.guards.allow_viewer("room", m.viewer_id, m.ts) for m in sent]
    expected = [reference.guards.allow_viewer("room", m.viewer_id, m.ts) for m in sent]
    assert got == expected == [True, True, True, False, False]
    assert not stores.guards.allow_viewer("room", "loud", T0 + timedelta(seconds=30))  # counted in Redis


def test_a_room_whose_stream_is_gone_does_not_stop_the_claims_of_the_others(redis_backend: Backend) -> None:
    log = log_of(redis_backend)
    log.accept("room", "proc-a", batch("m1"))
    log.accept("hall", "proc-a", batch("h1"))
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    client.delete(redis_backend.prefix + "danmaku:room")  # e.g. deleted by hand
    client.close()
    time.sleep(0.05)
    claimed = log.claim("proc-b", 0.01, 10)
    assert list(claimed) == ["hall"] and [e.message.msg_id for e in claimed["hall"]] == ["h1"]


def test_a_batch_claimed_away_does_not_write_its_stale_dialogue(redis_backend: Backend) -> None:
    """A process that stalled past the claim time: another answered its messages, so the stalled
    batch's finish acknowledges nothing and its dialogue does not overwrite the answering one's."""
    stores, other = redis_backend.make(), redis_backend.make()
    stores.rooms.put(Room("room", "cat", "room", T0))
    slow, fast = stores.danmaku_log, other.danmaku_log
    assert slow is not None and fast is not None
    messages = batch("m1")
    held = slow.accept("room", "proc-a", messages).entries
    time.sleep(0.15)
    assert [e.message for e in fast.claim("proc-b", 0.1, 10)["room"]] == messages
    answered = ViewerDialogue("p2", None, Intent.STOCK, T0)
    other.dialogue.put("room", "v-m1", answered)  # the claiming process answered first
    with slow.batch("room", messages):
        stores.dialogue.put("room", "v-m1", ViewerDialogue("p1", None, Intent.PRICE, T0))
        assert slow.finish("room", "proc-a", [e.entry_id for e in held]) == set()
    assert other.dialogue.get("room", "v-m1", T0) == answered


def test_a_batch_that_fails_writes_no_dialogue(redis_backend: Backend) -> None:
    stores, other = redis_backend.make(), redis_backend.make()
    stores.rooms.put(Room("room", "cat", "room", T0))
    log = stores.danmaku_log
    assert log is not None
    with pytest.raises(RuntimeError), log.batch("room", batch("m1")):
        stores.dialogue.put("room", "v-m1", ViewerDialogue("p1", None, Intent.PRICE, T0))
        raise RuntimeError("answering failed")
    assert other.dialogue.get("room", "v-m1", T0) is None


def test_an_entry_no_process_could_answer_is_dropped_after_its_deliveries(
    redis_backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """A poison message (its answer fails, or kills each process that claims it) is claimed again
    only until it was delivered ``MAX_DELIVERIES`` times; the other messages go on."""
    log = log_of(redis_backend)
    log.accept("room", "proc-a", batch("poison"))  # delivery 1: proc-a fails on it
    for attempt in range(2, MAX_DELIVERIES + 1):  # each claim is a delivery that failed too
        time.sleep(0.01)
        claimed = log.claim(f"claimer-{attempt}", 0.005, 10)
        assert [e.message.msg_id for e in claimed["room"]] == ["poison"]
    log.accept("room", "proc-a", batch("fine"))
    time.sleep(0.01)
    with caplog.at_level("ERROR"):
        last = log.claim("claimer-last", 0.005, 10)
    assert [e.message.msg_id for e in last["room"]] == ["fine"]  # not the poison one any more
    assert "dropped 1 danmaku entries" in caplog.text
    assert stream_length(redis_backend, "room") == 1  # the poison entry is gone from the log
