"""The service on its state stores: room changes never overwrite each other, and the settings pick
the backend (sqlite in the data folder by default, memory with the memory store, redis on request)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.service.settings import load_settings
from knowledge.domain import Coupon
from tests.assistant.conftest_service import service


def test_concurrent_stage_and_promotion_changes_are_all_kept(tmp_path: Path) -> None:
    """Compare-and-set room updates: threads changing one room (stage, promotions) lose nothing."""
    with service(tmp_path, demo=True) as (_, services, clock):
        live, now = services.live, clock()
        assert services.state.kind == "sqlite"
        products = ["MZ01", "MZ02", "MZ03", "MZ07"]
        start_version = live.get("demo").version

        def promote(worker: int) -> None:
            for i in range(15):
                promo_id = f"w{worker}-{i}"
                coupon = Coupon(promo_id, promo_id, now, now + timedelta(hours=1), amount=Decimal("1"))
                live.put_promotion("demo", coupon)

        def stage() -> None:
            for i in range(30):
                live.set_stage("demo", products[i % len(products)], now + timedelta(seconds=i))

        threads = [threading.Thread(target=promote, args=(w,)) for w in range(3)]
        threads.append(threading.Thread(target=stage))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        room = live.get("demo")
        assert {p.promo_id for p in room.promotions} == {f"w{w}-{i}" for w in range(3) for i in range(15)}
        assert len(room.stage) == 30
        assert room.version == start_version + 3 * 15 + 30  # every change counted once


@pytest.mark.parametrize(
    ("env", "backend"),
    [({}, "sqlite"), ({"store": "memory"}, "memory"), ({"store": "memory", "state": "sqlite"}, "sqlite")],
)
def test_the_state_backend_follows_the_store_unless_set(env: dict[str, str], backend: str) -> None:
    assert load_settings(**env).state_backend == backend


def test_redis_state_without_a_reachable_redis_fails_at_start_naming_the_fix() -> None:
    from assistant.service.wiring import build_state
    from assistant.state import StateConfigError
    from tests.e2e.harness import free_port

    settings = load_settings(state="redis", redis_url=f"redis://:secret@127.0.0.1:{free_port()}/0")
    with pytest.raises(StateConfigError, match="LIVESHOP_REDIS_URL") as error:
        build_state(settings)
    assert "secret" not in str(error.value)
