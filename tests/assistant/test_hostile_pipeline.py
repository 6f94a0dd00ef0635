"""The real danmaku pipeline under hostile batches: nothing raises, every message is accounted for,
no reply carries a banned term or an amount the catalog does not hold; one failing message never
fails its batch.

The services are the real ones (memory store, demo catalog, no LLM) on a frozen clock, with the
room reply rate lifted so every question is answered and its text can be checked.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.danmaku.compliance import find_banned
from assistant.danmaku.types import Danmaku
from assistant.llm.guard import numbers_in
from assistant.service.settings import load_settings
from assistant.service.wiring import Services, build_services
from knowledge.domain import Catalog
from knowledge.facts import sku_facts
from knowledge.serialize import catalog_to_dict
from tests.assistant.conftest_service import FrozenClock
from tests.assistant.danmaku.test_hostile_input import HOSTILE_NICKNAMES, MIXED_TEXT

T0 = datetime(2026, 11, 21, 20, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
ROOM = "hostile"
AMOUNT_RE = re.compile(r"[¥$]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*元")
QUESTIONS = [f"{n}号链接{q}" for n in (1, 2, 7, 23, 45) for q in ("多少钱", "有货吗", "包邮吗", "有优惠吗")]
QUESTIONS += ["这个多少钱", "how much is this?", "165/110穿什么码", "能退吗", "多少钱"]
TEXTS = st.one_of(
    st.sampled_from(QUESTIONS), MIXED_TEXT, st.tuples(MIXED_TEXT, st.sampled_from(QUESTIONS)).map("".join)
)
NICKNAMES = st.one_of(st.sampled_from(HOSTILE_NICKNAMES), MIXED_TEXT.map(lambda s: s[:64]))
BATCHES = st.lists(st.tuples(NICKNAMES, TEXTS), min_size=1, max_size=6)
_ids = itertools.count()


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    settings_ = load_settings(
        store="memory", embeddings="none", demo=True, api_keys="k", limits={"room_replies_per_s": 1e9}
    )
    built = build_services(settings_, clock=FrozenClock(T0))
    built.live.create(ROOM, "demo", "hostile input")
    built.live.set_stage(ROOM, "HJ01", T0.replace(minute=0))
    yield built


def catalog_amounts(catalog: Catalog) -> set[Decimal]:
    """Every number the catalog states (its text included) and every price its facts give at T0."""
    allowed = numbers_in(json.dumps(catalog_to_dict(catalog), ensure_ascii=False))
    for product in catalog.products:
        for sku in product.skus:
            facts = sku_facts(product, sku, catalog.promotions, T0)
            prices = (
                facts.base_price,
                facts.price,
                facts.price_after_coupon,
                facts.price_after_spend_discount,
            )
            allowed |= {v.normalize() for v in prices}
    return allowed


def batch(pairs: list[tuple[str, str]]) -> list[Danmaku]:
    out = []
    for nickname, text in pairs:
        n = next(_ids)
        out.append(Danmaku(f"m{n}", f"v{n}", text, T0, nickname))
    return out


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(BATCHES)
def test_hostile_batches_are_answered_safely(services: Services, pairs: list[tuple[str, str]]) -> None:
    messages = batch(pairs)
    result = services.live.handle_danmaku(ROOM, messages)
    accounted = [m for r in result.replies for m in r.reply_to]
    accounted += [j.msg_id for j in result.joined] + [i.msg_id for i in result.ignored]
    assert sorted(accounted) == sorted(m.msg_id for m in messages)
    assert not [i for i in result.ignored if i.reason == "internal_error"]
    allowed = catalog_amounts(services.catalogs.catalog("demo"))
    for reply in result.replies:
        assert find_banned(reply.text) == [], reply.text
        assert reply.text.encode("utf-8")
        for match in AMOUNT_RE.finditer(reply.text):
            amount = Decimal(match.group(1) or match.group(2)).normalize()
            assert amount in allowed, (amount, reply.text)
        for nickname, _ in pairs:
            if find_banned(nickname) and nickname.strip():
                assert f"@{nickname.strip()}" not in reply.text


def test_one_failing_message_never_fails_its_batch(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A price that no valid input can set any more (1e5000 cannot be rounded to fen) stands for any
    fault on one message's path: that message is ignored as internal_error, the others answered."""
    catalog = services.catalogs.catalog("demo")
    broken = catalog.product("MZ01")
    assert broken is not None
    skus = tuple(dataclasses.replace(s, price=Decimal("1e5000"), price_history=()) for s in broken.skus)
    products = tuple(dataclasses.replace(p, skus=skus) if p is broken else p for p in catalog.products)
    bad_catalog = dataclasses.replace(catalog, products=products)
    room = services.live.create("isolation", "demo", "a room of its own: nothing cached")
    messages = batch([("小王", "1号链接多少钱"), ("小李", "2号链接多少钱"), ("小张", "3号链接有货吗")])
    result = services.live.pipeline.handle(room, bad_catalog, messages, T0)
    assert [(i.msg_id, i.reason) for i in result.ignored] == [(messages[0].msg_id, "internal_error")]
    assert sorted(m for r in result.replies for m in r.reply_to) == [messages[1].msg_id, messages[2].msg_id]
    assert any("failed; ignored" in r.getMessage() and r.exc_info for r in caplog.records)
