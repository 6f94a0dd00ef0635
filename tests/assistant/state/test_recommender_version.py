"""Contract of the ``RecommenderStates`` change counter: every save and opt-out change bumps it by
one in the same write and returns the new value; ``version`` reads it, also from another instance
on the same data (another process)."""

from __future__ import annotations

import threading

from tests.assistant.state.conftest import Backend
from tests.assistant.state.test_recommender_state import _snapshot


def test_a_room_never_written_is_version_zero(backend: Backend) -> None:
    assert backend.make().recommender.version("room") == 0


def test_every_save_and_opt_out_change_bumps_the_version_by_one(backend: Backend) -> None:
    states = backend.make().recommender
    assert states.save("room", _snapshot()) == 1
    assert states.save("room", _snapshot(), viewers=["v1"]) == 2
    assert states.set_opt_out("room", "v1", True) == 3
    assert states.set_opt_out("room", "v1", False) == 4
    assert states.version("room") == 4
    assert states.version("other") == 0  # per room


def test_reading_the_version_changes_nothing(backend: Backend) -> None:
    states = backend.make().recommender
    states.save("room", _snapshot())
    assert states.version("room") == states.version("room") == 1
    assert states.save("room", _snapshot()) == 2


def test_another_instance_sees_the_version_and_continues_it(shared: Backend) -> None:
    first, second = shared.make().recommender, shared.make().recommender
    assert first.save("room", _snapshot()) == 1
    assert second.version("room") == 1
    assert second.set_opt_out("room", "v2", True) == 2
    assert first.version("room") == 2
    assert first.save("room", _snapshot(), viewers=["v1"]) == 3


def test_concurrent_writers_each_get_their_own_version(shared: Backend) -> None:
    """Atomic bump: N writes from two instances return N distinct versions 1..N."""
    instances = [shared.make().recommender, shared.make().recommender]
    snapshot = _snapshot()
    got: list[int] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        states = instances[index % 2]
        for i in range(10):
            if i % 2:
                version = states.set_opt_out("room", f"w{index}", bool(i % 4 == 1))
            else:
                version = states.save("room", snapshot, viewers=["v1"])
            with lock:
                got.append(version)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 41))
    assert instances[0].version("room") == 40
