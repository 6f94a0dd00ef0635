"""Recommendations over HTTP and pushes over the room WebSocket, on the demo catalog.

Real service (real catalog store, danmaku pipeline, recommender) with a frozen clock at
2026-11-21 20:05 +08:00; the demo's coupons run 20:00-23:00 (the snack coupon until 21:00).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from assistant.recs import RoomRecommenders
from assistant.service.wiring import Services
from knowledge.domain import Coupon
from knowledge.serialize import promotion_to_dict
from tests.assistant.conftest_service import API_KEY, AUTH, SHANGHAI, FrozenClock, service

NON_PERSONAL_REASONS = ("正在讲解", "马上开讲", "有券可用", "直播间热卖", "直播间在售")
Ctx = tuple[TestClient, Services, FrozenClock]


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with service(demo=True) as built:
        yield built


def ev(
    event_id: str, viewer: str, type_: str, product: str | None, at: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "viewer_id": viewer,
        "type": type_,
        "product_id": product,
        "ts": at.isoformat(),
        **extra,
    }


def post_events(client: TestClient, events: list[dict[str, Any]], room: str = "demo") -> dict[str, Any]:
    response = client.post(f"/v1/rooms/{room}/events", json={"events": events}, headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def recs(client: TestClient, viewer: str, k: int = 3) -> dict[str, Any]:
    response = client.get(f"/v1/rooms/demo/viewers/{viewer}/recommendations", params={"k": k}, headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [r["product_id"] for r in body["recommendations"]]


def room_recs(services: Services) -> RoomRecommenders:
    recommenders = services.recs
    assert isinstance(recommenders, RoomRecommenders)
    return recommenders


# -- events -------------------------------------------------------------------------------------
def test_event_policies_duplicates_out_of_order_future_unknown(ctx: Ctx) -> None:
    client, _, clock = ctx
    now = clock()
    first = post_events(
        client,
        [
            ev("e1", "v1", "view_card", "MZ01", now),
            ev("e1", "v1", "view_card", "MZ01", now),  # duplicate in the batch
            ev("e2", "v1", "click_link", "MZ02", now - timedelta(minutes=10)),  # out of order
            ev("e3", "v1", "click_link", "NOPE", now),  # unknown product: accepted, counted
            ev("e4", "v1", "teleport", "MZ01", now),  # unknown type
            ev("e5", "v1", "order", "MZ01", now + timedelta(minutes=5)),  # future-dated
            ev("e6", "v1", "add_to_cart", None, now),  # needs a product
            ev("e7", "v1", "like", None, now, value=None),  # no product, nothing on stage: fine
        ],
    )
    assert first["accepted"] == 4 and first["duplicates"] == 1 and first["unknown_products"] == 1
    reasons = {r["event_id"]: r["reason"] for r in first["rejected"]}
    assert set(reasons) == {"e4", "e5", "e6"}
    assert "unknown event type" in reasons["e4"]
    assert "future" in reasons["e5"]
    assert "product_id" in reasons["e6"]
    again = post_events(
        client, [ev("e1", "v1", "view_card", "MZ01", now), ev("e5", "v1", "order", "MZ01", now)]
    )
    assert again["duplicates"] == 1 and again["accepted"] == 1  # a rejected id retried corrected is applied
    assert "MZ01" not in ids(recs(client, "v1", k=20))  # ordered: never recommended again


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"event_id": "a", "viewer_id": "v", "type": "like", "ts": "2026-11-21T20:00:00"}, "ts"),
        ({"event_id": "a", "type": "like", "ts": "2026-11-21T20:00:00+08:00"}, "viewer_id"),
        ({"event_id": "", "viewer_id": "v", "type": "like", "ts": "2026-11-21T20:00:00+08:00"}, "event_id"),
        ({"event_id": "a", "viewer_id": "v", "type": "like", "ts": "yesterday"}, "ts"),
    ],
)
def test_bad_event_shapes_are_422_naming_the_field(ctx: Ctx, event: dict[str, Any], field: str) -> None:
    client, _, _ = ctx
    response = client.post("/v1/rooms/demo/events", json={"events": [event]}, headers=AUTH)
    assert response.status_code == 422
    assert any(d["loc"][-1] == field for d in response.json()["detail"])


def test_batch_limit_unknown_room_and_auth(ctx: Ctx) -> None:
    client, _, clock = ctx
    at = clock()
    too_many = [ev(f"e{i}", "v", "like", None, at) for i in range(5001)]
    response = client.post("/v1/rooms/demo/events", json={"events": too_many}, headers=AUTH)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "events"
    assert len(post_events(client, too_many[:5000])["rejected"]) == 0
    assert client.post("/v1/rooms/nope/events", json={"events": []}, headers=AUTH).status_code == 404
    assert client.get("/v1/rooms/nope/viewers/v/recommendations", headers=AUTH).status_code == 404
    assert client.post("/v1/rooms/demo/events", json={"events": []}).status_code == 401
    for k in (0, 21):
        assert client.get(f"/v1/rooms/demo/viewers/v/recommendations?k={k}", headers=AUTH).status_code == 422
    assert len(recs(client, "v", k=20)["recommendations"]) == 20


# -- recommendations ----------------------------------------------------------------------------
def test_an_event_changes_the_next_recommendation(ctx: Ctx) -> None:
    client, _, clock = ctx
    before = recs(client, "v2")
    assert before["personalised"] is False and "FS07" not in ids(before)
    post_events(client, [ev(f"c{i}", "v2", "click_link", "FS07", clock()) for i in range(2)])
    after = recs(client, "v2")
    assert after["personalised"] is True
    top = after["recommendations"][0]
    assert (
        top["product_id"] == "FS07" and top["name"] == "简川 珍珠扣针织开衫" and "FS07" not in top["reason"]
    )
    assert top["offer"]["coupon_id"] == "cp-shop-200-30"  # shop-wide coupon valid now
    assert top["offer"]["valid_to"] == "2026-11-21T23:00:00+08:00"


def test_answered_danmaku_becomes_a_question_event(ctx: Ctx) -> None:
    client, _, _ = ctx
    assert "MZ03" not in ids(recs(client, "v9"))
    body = {"messages": [{"msg_id": "m1", "viewer_id": "v9", "nickname": "小九", "text": "3号链接多少钱"}]}
    reply = client.post("/v1/rooms/demo/danmaku", json=body, headers=AUTH).json()["replies"][0]
    assert reply["product_id"] == "MZ03"
    after = recs(client, "v9")
    assert after["personalised"] is True and ids(after)[0] == "MZ03"
    assert "MZ03" not in ids(recs(client, "someone-else"))


def test_opt_out_is_non_personalised_and_deletes_the_profile(ctx: Ctx) -> None:
    client, services, clock = ctx
    post_events(client, [ev(f"o{i}", "v3", "click_link", "SM05", clock()) for i in range(3)])
    assert ids(recs(client, "v3"))[0] == "SM05"
    url = "/v1/rooms/demo/viewers/v3/personalisation"
    assert client.put(url, json={"enabled": False}, headers=AUTH).json() == {
        "viewer_id": "v3",
        "personalised": False,
    }
    post_events(client, [ev("o9", "v3", "click_link", "SM05", clock())])  # still only popularity
    out = recs(client, "v3", k=10)
    assert out["personalised"] is False
    assert all(r["reason"].split("，")[0] in NON_PERSONAL_REASONS for r in out["recommendations"])
    assert not room_recs(services).recommend("demo", "v3").personalised
    client.put(url, json={"enabled": True}, headers=AUTH)
    assert recs(client, "v3")["personalised"] is False  # back in, but the old profile is gone
    assert client.put(url, json={"enabled": "maybe"}, headers=AUTH).status_code == 422


def test_stage_change_gives_an_on_stage_reason(ctx: Ctx) -> None:
    client, _, _ = ctx
    assert "SP03" not in ids(recs(client, "v4"))
    assert client.put("/v1/rooms/demo/stage", json={"product_id": "SP03"}, headers=AUTH).status_code == 200
    first = recs(client, "v4")["recommendations"][0]
    assert first["product_id"] == "SP03" and first["reason"].startswith("正在讲解")


def test_catalog_and_room_promotion_changes_are_picked_up(ctx: Ctx) -> None:
    client, _, clock = ctx
    post_events(client, [ev(f"s{i}", "v5", "click_link", "FS07", clock()) for i in range(2)])
    assert ids(recs(client, "v5"))[0] == "FS07"
    stock = {"stock": {f"FS07-0{i}": 0 for i in range(1, 5)}}
    assert client.patch("/v1/catalogs/demo/products/FS07", json=stock, headers=AUTH).status_code == 200
    assert "FS07" not in ids(recs(client, "v5", k=20))  # sold out: never recommended
    now = clock()
    coupon = Coupon(
        "cp-room-jeans",
        "牛仔裤直播间券",
        now,
        now + timedelta(hours=1),
        amount=Decimal("20"),
        product_ids=("FS03",),
    )
    body = promotion_to_dict(coupon)
    assert client.put("/v1/rooms/demo/promotions/cp-room-jeans", json=body, headers=AUTH).status_code == 200
    jeans = next(r for r in recs(client, "v5", k=20)["recommendations"] if r["product_id"] == "FS03")
    assert jeans["offer"]["coupon_id"] == "cp-room-jeans"


# -- pushes -------------------------------------------------------------------------------------
def pushes_after_tick(
    services: Services, socket: WebSocketTestSession, now: datetime
) -> list[dict[str, Any]]:
    """Run one push tick, then read the socket up to a marker published after it (same queue, FIFO)."""
    room_recs(services).tick(now)
    services.live.hub.publish("demo", {"type": "marker"})
    out = []
    while (message := socket.receive_json())["type"] != "marker":
        if message["type"] == "push":
            out.append(message)
    return out


def ask_twice(client: TestClient, viewer: str, product: str, at: datetime) -> None:
    """Two answered questions about ``product``: the repeated-questions push trigger."""
    post_events(client, [ev(f"{viewer}{product}q{i}", viewer, "question", product, at) for i in range(2)])


def test_repeated_questions_push_a_valid_coupon_over_the_websocket(ctx: Ctx) -> None:
    client, services, clock = ctx
    now = clock()
    with client.websocket_connect(f"/v1/rooms/demo/ws?token={API_KEY}") as socket:
        ask_twice(client, "p1", "MZ01", now)
        (push,) = pushes_after_tick(services, socket, now)
    assert push["viewer_id"] == "p1" and push["product_id"] == "MZ01" and push["kind"] == "question_offer"
    assert push["offer"]["coupon_id"] == "cp-skincare-99-10"  # the product's own coupon first
    assert datetime.fromisoformat(push["offer"]["valid_to"]) > now
    assert "护肤专享券" in push["reason"]


def test_frequency_cap_and_opt_out_block_pushes(ctx: Ctx) -> None:
    client, services, clock = ctx
    now = clock()
    client.put("/v1/rooms/demo/viewers/p3/personalisation", json={"enabled": False}, headers=AUTH)
    with client.websocket_connect(f"/v1/rooms/demo/ws?token={API_KEY}") as socket:
        ask_twice(client, "p2", "MZ02", now)
        ask_twice(client, "p3", "MZ02", now)  # opted out
        assert [p["viewer_id"] for p in pushes_after_tick(services, socket, now)] == ["p2"]
        later = now + timedelta(seconds=30)
        ask_twice(client, "p2", "SM02", later)  # over the cap: min gap between two pushes
        ask_twice(client, "p4", "SM02", later)
        assert [(p["viewer_id"], p["product_id"]) for p in pushes_after_tick(services, socket, later)] == [
            ("p4", "SM02")
        ]
        assert pushes_after_tick(services, socket, later + timedelta(seconds=60)) == []


def test_a_coupon_that_ended_is_never_pushed(ctx: Ctx) -> None:
    client, services, clock = ctx
    clock.at = datetime(2026, 11, 21, 20, 59, 30, tzinfo=SHANGHAI)
    with client.websocket_connect(f"/v1/rooms/demo/ws?token={API_KEY}") as socket:
        ask_twice(client, "p5", "SP01", clock())  # the snack coupon is valid now, until 21:00
        at_end = datetime(2026, 11, 21, 21, 0, tzinfo=SHANGHAI)
        (push,) = pushes_after_tick(services, socket, at_end)
        assert push["offer"]["coupon_id"] == "cp-shop-200-30"  # the shop-wide coupon, still valid
        clock.at = datetime(2026, 11, 21, 23, 0, 30, tzinfo=SHANGHAI)  # every coupon has ended
        ask_twice(client, "p6", "SP05", clock())
        assert pushes_after_tick(services, socket, clock()) == []


def test_a_new_room_follows_its_own_stage_and_events(ctx: Ctx) -> None:
    client, _, clock = ctx
    room = {"room_id": "night", "catalog_id": "demo", "title": "夜场"}
    assert client.post("/v1/rooms", json=room, headers=AUTH).status_code == 201
    assert client.put("/v1/rooms/night/stage", json={"product_id": "SP04"}, headers=AUTH).status_code == 200
    post_events(client, [ev("n1", "w1", "add_to_cart", "HJ05", clock())], room="night")
    out = client.get("/v1/rooms/night/viewers/w1/recommendations", params={"k": 5}, headers=AUTH).json()
    by_id = {r["product_id"]: r["reason"] for r in out["recommendations"]}
    assert by_id["SP04"].startswith("正在讲解")
    assert by_id["HJ02"].startswith("搭配你购物车里的")  # HJ05's complement (搭配)
    demo = recs(client, "w1", k=5)  # the same viewer id in another room: nothing shared
    assert demo["personalised"] is False and "SP04" not in ids(demo)
