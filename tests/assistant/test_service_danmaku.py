"""The danmaku API over HTTP and WebSocket: answers, grouping, idempotency, limits, bad input."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.assistant.conftest_service import API_KEY, AUTH, SHANGHAI, service

T0 = datetime(2026, 11, 21, 20, 5, tzinfo=SHANGHAI)


def msg(
    msg_id: str, text: str, at: datetime = T0, viewer: str | None = None, nick: str = ""
) -> dict[str, Any]:
    return {
        "msg_id": msg_id,
        "viewer_id": viewer or f"v-{msg_id}",
        "nickname": nick,
        "text": text,
        "ts": at.isoformat(),
    }


def post(client: Any, *messages: dict[str, Any], room: str = "demo") -> Any:
    return client.post(f"/v1/rooms/{room}/danmaku", headers=AUTH, json={"messages": list(messages)})


def demo_service(**settings: Any) -> Any:
    return service(demo=True, **settings)


def test_rooms_create_conflict_unknown_catalog_and_stage() -> None:
    with demo_service() as (client, _, _):
        assert (
            client.post("/v1/rooms", headers=AUTH, json={"room_id": "r2", "catalog_id": "demo"}).status_code
            == 201
        )
        assert (
            client.post("/v1/rooms", headers=AUTH, json={"room_id": "r2", "catalog_id": "demo"}).status_code
            == 409
        )
        assert (
            client.post("/v1/rooms", headers=AUTH, json={"room_id": "r3", "catalog_id": "nope"}).status_code
            == 404
        )
        assert client.put("/v1/rooms/r2/stage", headers=AUTH, json={"product_id": "ZZ"}).status_code == 404
        staged = client.put("/v1/rooms/r2/stage", headers=AUTH, json={"product_id": "HJ01"})
        assert staged.status_code == 200 and staged.json()["on_stage"] == "HJ01"


def test_this_means_the_product_on_stage_at_the_message_time_on_both_sides_of_a_flash_sale() -> None:
    with demo_service() as (client, _, clock):
        client.put(
            "/v1/rooms/demo/stage",
            headers=AUTH,
            json={"product_id": "HJ01", "at": "2026-11-21T20:00:00+08:00"},
        )
        clock.at = T0.replace(minute=9, second=59)  # the service's clock moves with the room
        during = post(client, msg("a", "这个多少钱", clock.at)).json()["replies"][0]
        clock.at = T0.replace(minute=10, second=0)
        after = post(client, msg("b", "这个多少钱", clock.at)).json()["replies"][0]
        assert during["product_id"] == after["product_id"] == "HJ01"
        assert during["source"] == "catalog" and during["ai_generated"] is True
        assert "89" in during["text"] and "20:10" in during["text"]
        assert "129" in after["text"] and "秒杀" not in after["text"]


def test_repeated_questions_in_one_batch_get_one_reply_for_everyone() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        body = post(
            client,
            msg("1", "多少钱", nick="小王"),
            msg("2", "多钱？？？", nick="小李"),
            msg("3", "這個多少錢", nick="小张"),
            msg("4", "主播好美"),
        ).json()
        assert len(body["replies"]) == 1
        reply = body["replies"][0]
        assert sorted(reply["reply_to"]) == ["1", "2", "3"]
        assert reply["text"].startswith("@小王 @小李 @小张")
        assert body["ignored"] == [{"msg_id": "4", "reason": "chatter"}]


def test_a_message_id_is_never_answered_twice() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        first = post(client, msg("same", "多少钱")).json()
        again = post(client, msg("same", "多少钱")).json()
        inside = post(client, msg("twin", "发什么快递"), msg("twin", "发什么快递")).json()
        assert len(first["replies"]) == 1
        assert again == {"replies": [], "ignored": [{"msg_id": "same", "reason": "duplicate"}], "joined": []}
        assert len(inside["replies"]) == 1 and inside["ignored"] == [
            {"msg_id": "twin", "reason": "duplicate"}
        ]


def test_bad_input_gets_clear_errors_and_nothing_is_answered() -> None:
    with demo_service() as (client, _, _):
        long = post(client, msg("x", "啊" * 10_000))
        assert long.status_code == 422 and "messages[0].text" in long.json()["detail"]
        assert post(client, msg("e", "   ")).status_code == 422
        missing = client.post("/v1/rooms/demo/danmaku", headers=AUTH, json={"messages": [{"msg_id": "m"}]})
        assert missing.status_code == 422
        invalid = client.post(
            "/v1/rooms/demo/danmaku",
            headers={**AUTH, "Content-Type": "application/json"},
            content=b"{not json",
        )
        assert invalid.status_code == 422
        naive = post(client, {**msg("n", "多少钱"), "ts": "2026-11-21T20:05:00"})
        assert naive.status_code == 422 and "offset" in naive.json()["detail"]
        unknown = post(client, msg("u", "多少钱"), room="nope")
        assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
        # The rejected long message was not recorded: the same id answers normally afterwards.
        assert post(client, msg("x", "3号链接多少钱")).json()["replies"][0]["product_id"] is not None


def test_a_burst_from_one_viewer_is_cut_by_the_flood_limit() -> None:
    with demo_service(limits={"viewer_messages_per_min": 5}) as (client, _, clock):
        burst = [
            msg(f"b{i}", f"{i + 1}号链接多少钱", T0 + timedelta(seconds=i), viewer="spammer")
            for i in range(8)
        ]
        body = post(client, *burst).json()
        assert len(body["replies"]) == 5
        assert [i["reason"] for i in body["ignored"]] == ["viewer_flood"] * 3
        clock.at = T0 + timedelta(minutes=2)
        later = post(client, msg("late", "1号链接多少钱", clock.at, viewer="spammer")).json()
        assert len(later["replies"]) == 1


def test_price_change_invalidates_cached_answers_at_once() -> None:
    with demo_service() as (client, services, clock):
        services.live.set_stage("demo", "MZ02", T0 - timedelta(minutes=1))
        product = client.get("/v1/catalogs/demo/products/MZ02", headers=AUTH).json()["product"]
        sku_ids = [s["sku_id"] for s in product["skus"]]
        before = post(client, msg("p1", "这个多少钱")).json()["replies"][0]["text"]
        clock.at = T0 + timedelta(seconds=1)
        patch = client.patch(
            "/v1/catalogs/demo/products/MZ02", headers=AUTH, json={"prices": dict.fromkeys(sku_ids, "77.70")}
        )
        assert patch.status_code == 200
        after = post(client, msg("p2", "这个多少钱", T0 + timedelta(seconds=2))).json()["replies"][0]["text"]
        assert "77.70" not in before and "77.70" in after


def test_stage_change_switches_context() -> None:
    with demo_service() as (client, _, _):
        client.put(
            "/v1/rooms/demo/stage",
            headers=AUTH,
            json={"product_id": "HJ01", "at": "2026-11-21T20:04:00+08:00"},
        )
        first = post(client, msg("s1", "这个多少钱", viewer="v")).json()["replies"][0]
        client.put(
            "/v1/rooms/demo/stage",
            headers=AUTH,
            json={"product_id": "MZ03", "at": "2026-11-21T20:05:30+08:00"},
        )
        second = post(client, msg("s2", "多少钱", T0 + timedelta(seconds=40), viewer="v")).json()["replies"][
            0
        ]
        assert (first["product_id"], second["product_id"]) == ("HJ01", "MZ03")


def test_clarification_then_the_right_variant_over_http() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "MZ04", T0 - timedelta(minutes=1))
        ask = post(client, msg("c1", "这款适合我吗", viewer="v")).json()["replies"][0]
        assert ask["source"] == "clarify" and "油皮" in ask["text"]
        answer = post(client, msg("c2", "油皮", T0 + timedelta(seconds=5), viewer="v")).json()["replies"][0]
        assert answer["source"] == "catalog" and answer["product_id"] == "MZ04"
        assert "控油" in answer["text"]


def test_ambiguous_product_names_get_a_clarifying_question_and_the_choice_answers() -> None:
    with demo_service() as (client, services, _):
        catalog = services.catalogs.catalog("demo")
        by_brand = [p for p in catalog.products if p.brand == "花汐"]
        assert len(by_brand) == 2  # 唇釉 and 粉底液: "花汐多少钱" cannot be decided
        reply = post(client, msg("amb", "花汐多少钱", viewer="v2")).json()["replies"][0]
        assert reply["source"] == "clarify" and reply["product_id"] is None
        assert all(f"{p.link_no}号链接" in reply["text"] for p in by_brand)
        chosen = by_brand[1]
        pick = post(client, msg("amb2", f"{chosen.link_no}号", T0 + timedelta(seconds=4), viewer="v2"))
        answer = pick.json()["replies"][0]
        assert answer["product_id"] == chosen.product_id and answer["intent"] == "price"
        assert answer["source"] == "catalog"


def test_operator_answer_is_used_from_then_on() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        before = post(client, msg("o1", "你们公司在哪")).json()["replies"][0]
        assert before["source"] == "handoff"
        handoffs = client.get("/v1/rooms/demo/handoffs", headers=AUTH).json()["handoffs"]
        assert [h["msg_id"] for h in handoffs] == ["o1"]
        put = client.put(
            "/v1/catalogs/demo/faq/schedule",
            headers=AUTH,
            json={"question": "你们公司在哪", "answer": "公司在杭州，欢迎来玩～"},
        )
        assert put.status_code == 200
        after = post(client, msg("o2", "你们公司在哪里", T0 + timedelta(seconds=3))).json()["replies"][0]
        assert after["source"] == "faq" and "杭州" in after["text"]


def test_websocket_carries_danmaku_and_replies_both_ways() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        with client.websocket_connect(f"/v1/rooms/demo/ws?token={API_KEY}") as ws:
            ws.send_json({"type": "ping"})
            assert ws.receive_json() == {"type": "pong"}
            ws.send_text("{broken")
            assert ws.receive_json()["type"] == "error"
            ws.send_json({"type": "danmaku", "messages": [msg("w1", "多少钱"), msg("w2", "666")]})
            frames = [ws.receive_json(), ws.receive_json(), ws.receive_json()]
            kinds = {f["type"]: f for f in frames}
            assert kinds["reply"]["reply_to"] == ["w1"] and "89" in kinds["reply"]["text"]
            assert kinds["ignored"] == {"type": "ignored", "msg_id": "w2", "reason": "chatter"}
            assert frames[-1] == {"type": "ack", "received": 2, "replies": 1, "joined": 0, "ignored": 1}


def test_websocket_refuses_missing_key_and_unknown_room() -> None:
    with demo_service() as (client, _, _):
        with (
            pytest.raises(WebSocketDisconnect) as no_key,
            client.websocket_connect("/v1/rooms/demo/ws") as ws,
        ):
            ws.receive_json()
        assert no_key.value.code == 4401
        with (
            pytest.raises(WebSocketDisconnect) as unknown,
            client.websocket_connect(f"/v1/rooms/nope/ws?token={API_KEY}") as ws,
        ):
            ws.receive_json()
        assert unknown.value.code == 4404


def test_english_question_gets_an_english_answer_with_exact_amounts() -> None:
    with demo_service() as (client, services, _):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        reply = post(client, msg("en", "how much is this?")).json()["replies"][0]
        assert "flash" in reply["text"].lower() and "¥89" in reply["text"]


def test_a_repeat_within_seconds_joins_the_reply_on_screen_without_spending_the_budget() -> None:
    with demo_service(limits={"room_replies_per_s": 0.5}) as (client, services, clock):
        services.live.set_stage("demo", "HJ01", T0 - timedelta(minutes=1))
        first = post(client, msg("j1", "多少钱", T0)).json()
        reply_id = first["replies"][0]["reply_id"]
        burst = [msg(f"j{i}", "这个多少钱", T0 + timedelta(seconds=i)) for i in range(2, 7)]
        joined = post(client, *burst).json()
        assert joined["replies"] == [] and joined["ignored"] == []
        assert [j["reply_id"] for j in joined["joined"]] == [reply_id] * 5
        clock.at = T0 + timedelta(seconds=2)  # the reply budget refills on the service's clock
        other = post(
            client,
            msg("k1", "发什么快递", T0 + timedelta(seconds=2)),
            msg("k2", "能退吗", T0 + timedelta(seconds=2)),
        )
        reasons = [i["reason"] for i in other.json()["ignored"]]
        assert reasons == ["room_rate"]  # 0.5 replies/s: two seconds later one new reply fits, not two
        clock.at = T0.replace(minute=10)
        after_boundary = post(client, msg("j9", "多少钱", clock.at)).json()
        assert after_boundary["replies"] and "129" in after_boundary["replies"][0]["text"]  # flash sale over
