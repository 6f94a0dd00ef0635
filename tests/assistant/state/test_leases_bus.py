"""Contracts of ``AudioLeases`` (one audio stream per room), ``RoomBus`` and ``CatalogNotices``."""

from __future__ import annotations

import queue

from tests.assistant.state.conftest import Backend

WAIT_S = 10.0  # how long a test waits for a bus message before failing (a bound, not a measurement)


def test_one_holder_at_a_time(backend: Backend) -> None:
    leases = backend.make().audio_leases
    assert leases.holder("room") is None
    assert leases.acquire("room", "proc-a", 30)
    assert not leases.acquire("room", "proc-b", 30)
    assert leases.acquire("room", "proc-a", 30)  # the holder may acquire again
    assert leases.acquire("other", "proc-b", 30)
    assert leases.holder("room") == "proc-a"
    assert not leases.renew("room", "proc-b", 30) and leases.renew("room", "proc-a", 30)
    assert not leases.release("room", "proc-b") and leases.holder("room") == "proc-a"
    assert leases.release("room", "proc-a")
    assert leases.holder("room") is None
    assert leases.acquire("room", "proc-b", 30)


def test_a_lease_lapses_unless_renewed(clocked: Backend) -> None:
    leases = clocked.make().audio_leases
    assert leases.acquire("room", "proc-a", 10)
    clocked.clock.advance(9)
    assert leases.renew("room", "proc-a", 10)
    clocked.clock.advance(9)
    assert not leases.acquire("room", "proc-b", 10)
    clocked.clock.advance(1)
    assert leases.holder("room") is None  # the holder died without releasing
    assert not leases.renew("room", "proc-a", 10)
    assert leases.acquire("room", "proc-b", 10)


def test_leases_shared_between_instances(shared: Backend) -> None:
    first, second = shared.make().audio_leases, shared.make().audio_leases
    assert first.acquire("room", "proc-a", 30)
    assert not second.acquire("room", "proc-b", 30)
    assert second.holder("room") == "proc-a"
    assert first.release("room", "proc-a")
    assert second.acquire("room", "proc-b", 30)


def test_bus_delivers_to_the_rooms_subscribers(backend: Backend) -> None:
    bus = backend.make().bus
    got: queue.Queue[dict[str, object]] = queue.Queue()
    other: queue.Queue[dict[str, object]] = queue.Queue()
    sub = bus.subscribe("room", got.put)
    sub_other = bus.subscribe("other", other.put)
    message = {"type": "reply", "reply_id": "r1", "text": "@小王 99元", "reply_to": ["m1"]}
    bus.publish("room", message)
    assert got.get(timeout=WAIT_S) == message
    sub.close()
    bus.publish("other", {"type": "stage", "product_id": None})
    assert other.get(timeout=WAIT_S) == {"type": "stage", "product_id": None}
    assert got.empty()  # a closed subscription gets nothing, another room's messages never
    sub_other.close()


def test_bus_reaches_another_process(redis_backend: Backend) -> None:
    publisher, subscriber = redis_backend.make().bus, redis_backend.make().bus
    got: queue.Queue[dict[str, object]] = queue.Queue()
    sub = subscriber.subscribe("room:1", got.put)
    try:
        for i in range(3):
            publisher.publish("room:1", {"n": i})
        assert [got.get(timeout=WAIT_S) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    finally:
        sub.close()


def test_catalog_notices(backend: Backend) -> None:
    notices = backend.make().catalog_notices
    got: queue.Queue[tuple[str, int]] = queue.Queue()
    sub = notices.subscribe(lambda catalog_id, version: got.put((catalog_id, version)))
    assert notices.latest("cat") is None
    notices.publish("cat", 3)
    notices.publish("cat", 2)  # a late notice never lowers the latest version
    assert [got.get(timeout=WAIT_S), got.get(timeout=WAIT_S)] == [("cat", 3), ("cat", 2)]
    assert notices.latest("cat") == 3
    sub.close()


def test_catalog_notices_reach_another_process(redis_backend: Backend) -> None:
    publisher, listener = redis_backend.make().catalog_notices, redis_backend.make().catalog_notices
    got: queue.Queue[tuple[str, int]] = queue.Queue()
    sub = listener.subscribe(lambda catalog_id, version: got.put((catalog_id, version)))
    try:
        publisher.publish("demo", 7)
        assert got.get(timeout=WAIT_S) == ("demo", 7)
        assert listener.latest("demo") == 7
    finally:
        sub.close()
