"""Operator-answer hit counts: every viewer an operator answer answered counts once, whether the
reply was composed for them, served from the answer cache or joined to a reply just posted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.assistant.conftest_service import AUTH
from tests.assistant.test_service_danmaku import T0, demo_service, msg, post

SCHEDULE = {"question": "明天还播吗", "answer": "每晚8点开播，明天见～"}


def hits(client: Any) -> dict[str, int]:
    return {f["faq_id"]: f["hits"] for f in client.get("/v1/catalogs/demo/faq", headers=AUTH).json()["faq"]}


def test_hits_count_every_viewer_answered_and_reset_on_delete() -> None:
    with demo_service() as (client, services, clock):
        services.live.set_stage("demo", "MZ01", T0 - timedelta(minutes=1))
        assert client.put("/v1/catalogs/demo/faq/schedule", headers=AUTH, json=SCHEDULE).json()["hits"] == 0
        first = post(client, msg("a1", "明天还播吗", viewer="v1"), msg("a2", "明天还播吗", viewer="v2"))
        replies = first.json()["replies"]
        assert [(r["source"], len(r["reply_to"])) for r in replies] == [("faq", 2)], replies
        assert hits(client) == {"schedule": 2}
        joined = post(client, msg("a3", "明天还播吗", T0 + timedelta(seconds=2), viewer="v3")).json()
        assert [j["msg_id"] for j in joined["joined"]] == ["a3"], joined
        assert hits(client) == {"schedule": 3}
        later = T0 + timedelta(seconds=30)  # past the join window: a new reply from the answer cache
        clock.at = later
        cached = post(client, msg("a4", "明天还播吗", later, viewer="v4")).json()["replies"]
        assert [(r["source"], r["cached"]) for r in cached] == [("faq", True)], cached
        post(client, msg("a5", "多少钱", later, viewer="v5"))  # a catalog answer counts nothing
        assert hits(client) == {"schedule": 4}
        edited = {**SCHEDULE, "answer": "每晚8点开播"}
        assert client.put("/v1/catalogs/demo/faq/schedule", headers=AUTH, json=edited).json()["hits"] == 4
        assert client.delete("/v1/catalogs/demo/faq/schedule", headers=AUTH).status_code == 200
        assert client.put("/v1/catalogs/demo/faq/schedule", headers=AUTH, json=SCHEDULE).json()["hits"] == 0
