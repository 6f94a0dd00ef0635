"""Review before sending over HTTP and the room socket: held replies reach viewers only once approved."""

from __future__ import annotations

from typing import Any

from tests.assistant.conftest_service import AUTH, service
from tests.assistant.test_service_danmaku import msg, post


def held(client: Any, room: str = "demo") -> list[dict[str, Any]]:
    response = client.get(f"/v1/rooms/{room}/held", headers=AUTH)
    assert response.status_code == 200
    return list(response.json()["held"])


def test_policy_round_trip_and_validation() -> None:
    with service(demo=True) as (client, _, _):
        assert client.get("/v1/rooms/demo/review", headers=AUTH).json() == {"hold": []}
        saved = client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["llm", "faq"]})
        assert saved.status_code == 200 and saved.json() == {"hold": ["faq", "llm"]}
        bad = client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["gossip"]})
        assert bad.status_code == 422
        assert client.put("/v1/rooms/nope/review", headers=AUTH, json={"hold": []}).status_code == 404
        assert client.get("/v1/rooms/demo/review").status_code == 401


def test_held_reply_waits_and_the_viewer_gets_only_the_approved_or_edited_text() -> None:
    with service(demo=True) as (client, _, _):
        client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["catalog"]})
        with client.websocket_connect("/v1/rooms/demo/ws", headers=AUTH) as viewer:
            first = post(client, msg("m1", "1号链接多少钱", nick="小王")).json()
            reply = first["replies"][0]
            assert reply["source"] == "catalog" and reply["held"] is True
            second = post(client, msg("m2", "2号链接发什么快递")).json()["replies"][0]
            queue = held(client)
            assert [h["reply"]["reply_id"] for h in queue] == [reply["reply_id"], second["reply_id"]]
            assert queue[0]["questions"] == [{"msg_id": "m1", "nickname": "小王", "text": "1号链接多少钱"}]

            refused = client.post(
                f"/v1/rooms/demo/held/{second['reply_id']}/edit",
                headers=AUTH,
                json={"text": "全网最低，只要1234.56元"},
            )
            assert refused.status_code == 422
            assert "全网最低" in refused.json()["detail"] and "1234.56" in refused.json()["detail"]
            assert len(held(client)) == 2  # a refused edit stays held

            approved = client.post(f"/v1/rooms/demo/held/{reply['reply_id']}/approve", headers=AUTH)
            assert approved.status_code == 200 and approved.json()["action"] == "approved"
            frame = viewer.receive_json()  # the first frame a viewer sees is the approved reply
            assert frame["type"] == "reply" and frame["reply_id"] == reply["reply_id"]
            assert frame["text"] == reply["text"] and frame["held"] is False

            edited = client.post(
                f"/v1/rooms/demo/held/{second['reply_id']}/edit",
                headers=AUTH,
                json={"text": "顺丰包邮，付款后24小时内发货"},
            )
            assert edited.status_code == 200, edited.text
            frame = viewer.receive_json()
            assert frame["reply_id"] == second["reply_id"] and frame["text"] == "顺丰包邮，付款后24小时内发货"
        assert held(client) == []
        again = client.post(f"/v1/rooms/demo/held/{reply['reply_id']}/approve", headers=AUTH)
        assert again.status_code == 404


def test_rejected_reply_is_never_sent_and_other_sources_go_out_at_once() -> None:
    with service(demo=True) as (client, _, _):
        client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["handoff"]})
        with client.websocket_connect("/v1/rooms/demo/ws", headers=AUTH) as viewer:
            handoff = post(client, msg("m1", "能开发票吗")).json()["replies"][0]
            assert handoff["source"] == "handoff" and handoff["held"] is True
            rejected = client.post(f"/v1/rooms/demo/held/{handoff['reply_id']}/reject", headers=AUTH)
            assert rejected.status_code == 200 and rejected.json()["action"] == "rejected"
            sent = post(client, msg("m2", "1号链接多少钱")).json()["replies"][0]
            assert sent["held"] is False
            frame = viewer.receive_json()  # the rejected reply never reached the viewer
            assert frame["type"] == "reply" and frame["reply_id"] == sent["reply_id"]
        handoffs = client.get("/v1/rooms/demo/handoffs", headers=AUTH).json()["handoffs"]
        assert [h["msg_id"] for h in handoffs] == ["m1"]  # still queued for the operator


def test_the_sender_socket_is_told_its_reply_is_held() -> None:
    with service(demo=True) as (client, _, _):
        client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["catalog"]})
        with client.websocket_connect("/v1/rooms/demo/ws", headers=AUTH) as sender:
            sender.send_json({"type": "danmaku", "messages": [msg("m1", "1号链接多少钱")]})
            frame = sender.receive_json()
            assert frame["type"] == "reply" and frame["held"] is True
            assert sender.receive_json()["type"] == "ack"


def test_operator_feed_carries_every_message_with_its_outcome() -> None:
    with service(demo=True) as (client, _, _):
        client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["catalog"]})
        with client.websocket_connect("/v1/rooms/demo/feed", headers=AUTH) as feed:
            post(client, msg("m1", "1号链接多少钱"), msg("m2", "主播好漂亮"), msg("m1", "1号链接多少钱"))
            frame = feed.receive_json()
            assert frame["type"] == "feed"
            outcomes = [(m["msg_id"], m["outcome"]) for m in frame["messages"]]
            assert outcomes[:2] == [("m1", "held"), ("m2", "ignored")]
            assert frame["replies"][0]["held"] is True
            reply_id = frame["replies"][0]["reply_id"]
            client.post(f"/v1/rooms/demo/held/{reply_id}/approve", headers=AUTH)
            review = feed.receive_json()
            assert review["type"] == "review" and review["action"] == "approved"
            assert review["reply"]["reply_id"] == reply_id


def test_room_products_show_prices_now_with_room_promotions() -> None:
    with service(demo=True) as (client, _, clock):
        start = clock.at.isoformat()
        end = clock.at.replace(hour=23).isoformat()
        body = {"type": "flash_sale", "start": start, "end": end, "price": "288.00", "product_id": "MZ01"}
        assert client.put("/v1/rooms/demo/promotions/f1", headers=AUTH, json=body).status_code == 200
        page = client.get("/v1/rooms/demo/products", headers=AUTH).json()
        first = page["products"][0]
        assert first["link_no"] == 1 and first["product_id"] == "MZ01"
        assert {s["price"] for s in first["skus"]} == {"288.00"}
        assert first["skus"][0]["flash_sale_id"] == "f1" and first["skus"][0]["flash_sale_end"] == end
        assert (
            client.get("/v1/catalogs/demo/products/MZ01", headers=AUTH).json()["facts"][0]["price"]
            != "288.00"
        )


def test_catalog_templates_download() -> None:
    with service(demo=True) as (client, _, _):
        xlsx = client.get("/v1/catalog-templates/catalog_template.xlsx", headers=AUTH)
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert "attachment" in xlsx.headers["content-disposition"]
        csv = client.get("/v1/catalog-templates/products.csv", headers=AUTH)
        assert csv.status_code == 200 and "product_id" in csv.text
        missing = client.get("/v1/catalog-templates/..%2Fdemo%2Fdemo_catalog.json", headers=AUTH)
        assert missing.status_code == 404


def test_console_page_and_files_are_served_with_a_strict_policy() -> None:
    with service(demo=True) as (client, _, _):
        page = client.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert client.get("/console/app.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/console/nope.js").status_code == 404
        assert client.get("/console/..%2F..%2Fapp.py").status_code == 404


def test_a_repeat_joined_to_a_held_reply_is_told_it_is_held() -> None:
    with service(demo=True) as (client, _, _):
        client.put("/v1/rooms/demo/review", headers=AUTH, json={"hold": ["catalog"]})
        first = post(client, msg("m1", "1号链接多少钱")).json()["replies"][0]
        with client.websocket_connect("/v1/rooms/demo/ws", headers=AUTH) as sender:
            sender.send_json({"type": "danmaku", "messages": [msg("m2", "1号链接多少钱", viewer="v2")]})
            frame = sender.receive_json()
            assert frame["type"] == "joined" and frame["reply_id"] == first["reply_id"]
            assert frame["reply"]["held"] is True
