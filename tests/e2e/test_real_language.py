"""Real shoppers' language through the real server process: the understanding model decides answer,
hand off or stay silent, and nothing that was not asked is answered.

Every line here is invented. The test makes a room of its own on the shared demo server, puts the
cleanser MZ07 on stage and changes no product.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.harness import LiveServer


def _message(msg_id: str, text: str, at: datetime) -> dict[str, Any]:
    return {"msg_id": msg_id, "viewer_id": f"v-{msg_id}", "nickname": "", "text": text, "ts": at.isoformat()}


def test_chat_orders_and_products_not_sold_are_never_answered_as_the_stage_product(
    demo_server: LiveServer,
) -> None:
    with demo_server.client() as client:
        room_id = f"real-language-{uuid.uuid4().hex[:8]}"
        created = client.post("/v1/rooms", json={"room_id": room_id, "catalog_id": "demo", "title": "rl"})
        assert created.status_code == 201, created.text
        start = datetime.now(UTC) - timedelta(seconds=30)
        stage = client.put(f"/v1/rooms/{room_id}/stage", json={"product_id": "MZ07", "at": start.isoformat()})
        assert stage.status_code == 200, stage.text
        lines = {
            "chat": "主播多少粉丝了",  # chat to the host: silent, never the cleanser's price
            "greeting": "晚上好呀",
            "not-sold": "这个月饼多少钱",  # a product the room does not sell: a person, not MZ07
            "order": "上个月20号买的怎么还没到",  # an order problem, and 20号 is a date, not link 20
            "invoice": "能否开发票",  # 能否: a request, not chatter
            "price": "这个多少钱",
            "shipping": "是否包邮",
        }
        outcome: dict[str, dict[str, Any] | None] = {}
        for i, (key, text) in enumerate(lines.items()):
            at = start + timedelta(seconds=1 + i)
            body = client.post(
                f"/v1/rooms/{room_id}/danmaku", json={"messages": [_message(f"{key}-{i}", text, at)]}
            )
            assert body.status_code == 200, body.text
            replies = body.json()["replies"]
            outcome[key] = replies[0] if replies else None
            if not replies:
                assert body.json()["ignored"][0]["reason"] == "chatter", body.text
    assert outcome["chat"] is None and outcome["greeting"] is None
    for key in ("not-sold", "order", "invoice"):
        reply = outcome[key]
        assert reply is not None and reply["source"] == "handoff", (key, reply)
        assert "¥" not in reply["text"] and "洗面奶" not in reply["text"]
    price, shipping = outcome["price"], outcome["shipping"]
    assert price is not None and price["source"] == "catalog" and price["product_id"] == "MZ07"
    assert "¥" in price["text"]
    assert shipping is not None and shipping["intent"] == "shipping" and shipping["product_id"] == "MZ07"


# Invented catalog whose only text is a description column: the answer is quoted from it, no LLM.
DESCRIPTION_ONLY_CSV = (
    "product_id,name,description,sku_id,spec,price,stock\n"
    "E1,轻语 无线耳机,主动降噪，续航32小时，支持双设备连接,E1-1,黑色,199.00,20\n"
    "C1,清源 洁面乳,温和清洁，敏感肌可用,C1-1,100g,49.00,30\n"
)


def test_a_description_only_catalog_answers_in_its_own_words(demo_server: LiveServer) -> None:
    with demo_server.client() as client:
        catalog_id = f"words-{uuid.uuid4().hex[:8]}"
        imported = client.post(
            f"/v1/catalogs/{catalog_id}/imports",
            files={"file": ("products.csv", DESCRIPTION_ONLY_CSV.encode("utf-8"), "text/csv")},
        )
        assert imported.status_code in (200, 201), imported.text
        room_id = f"words-{uuid.uuid4().hex[:8]}"
        created = client.post("/v1/rooms", json={"room_id": room_id, "catalog_id": catalog_id, "title": "w"})
        assert created.status_code == 201, created.text
        start = datetime.now(UTC) - timedelta(seconds=60)

        def ask(product_id: str, text: str, n: int) -> dict[str, Any]:
            at = start + timedelta(seconds=n)
            if n % 10 == 0:
                put = client.put(
                    f"/v1/rooms/{room_id}/stage", json={"product_id": product_id, "at": at.isoformat()}
                )
                assert put.status_code == 200, put.text
            body = client.post(
                f"/v1/rooms/{room_id}/danmaku",
                json={"messages": [_message(f"w{n}", text, at + timedelta(seconds=1))]},
            )
            assert body.status_code == 200, body.text
            replies = body.json()["replies"]
            assert replies, (text, body.json())
            reply: dict[str, Any] = replies[0]
            return reply

        battery = ask("E1", "续航多久", 0)
        dual = ask("E1", "能连两个手机吗", 2)
        sensitive = ask("C1", "敏感肌能用吗", 10)
        unknown = ask("E1", "能带上飞机吗", 20)  # nothing in the catalog says: a person, no made-up answer
    assert battery["source"] == "catalog" and "续航32小时" in battery["text"], battery
    assert dual["source"] == "catalog" and "支持双设备连接" in dual["text"], dual
    assert sensitive["source"] == "catalog" and "敏感肌可用" in sensitive["text"], sensitive
    assert unknown["source"] == "handoff", unknown
