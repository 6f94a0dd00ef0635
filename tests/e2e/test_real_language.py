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
