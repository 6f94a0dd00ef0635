"""Readiness through the real server: ``/readyz`` waits for the models and indexes, ``/healthz`` is
liveness only; a large import is answered from the catalog while the dense index still builds."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.harness import LIVESHOP, READY_TIMEOUT_S, REPO_ROOT, LiveServer


def test_started_server_is_ready_and_healthz_is_liveness_only(demo_server: LiveServer) -> None:
    ready = httpx.get(f"{demo_server.url}/readyz", headers=demo_server.auth, timeout=10.0)
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ready"
    assert body["loading"] == [] and body["failed"] == []
    components = body["components"]
    assert components["speech-models"]["state"] == "ready"
    assert components["catalog-index:demo"]["state"] == "ready"
    assert "demo" in body["embedding_backlog"]

    health = httpx.get(f"{demo_server.url}/healthz", timeout=10.0)
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}  # public: names no catalog, room or component


def test_readyz_is_public(demo_server: LiveServer) -> None:
    """No key needed (load balancers and orchestrators probe it); without one it names nothing."""
    public = httpx.get(f"{demo_server.url}/readyz", timeout=10.0)
    assert public.status_code == 200 and public.json() == {"status": "ready"}
    wrong = httpx.get(f"{demo_server.url}/readyz", headers={"Authorization": "Bearer nope"}, timeout=10.0)
    assert wrong.json() == {"status": "ready"}


def test_readyz_names_what_is_loading_until_ready(fresh_server: LiveServer) -> None:
    """Polled from the first moment: any 503 says what is still loading; it ends in 200."""
    fresh_server.start(wait=False)
    deadline = time.monotonic() + READY_TIMEOUT_S  # a bound on a hung start, not a speed check
    seen: list[tuple[int, dict[str, Any]]] = []
    while not seen or seen[-1][0] != 200:
        assert time.monotonic() < deadline, f"never ready; log tail:\n{fresh_server.log()[-3000:]}"
        try:
            response = httpx.get(f"{fresh_server.url}/readyz", headers=fresh_server.auth, timeout=5.0)
        except httpx.TransportError:  # not listening yet
            time.sleep(0.1)
            continue
        seen.append((response.status_code, response.json()))
    for code, body in seen[:-1]:
        assert code == 503 and body["status"] == "loading" and body["loading"], body
    assert seen[-1][1]["status"] == "ready" and seen[-1][1]["loading"] == []


BRANDS = ["棉语", "山野", "青禾", "拾光", "木言", "悦己", "云岭", "北屿"]
KINDS = [
    ("服装", ["T恤", "卫衣", "衬衫", "毛衣", "外套"]),
    ("美妆", ["口红", "面霜", "精华", "粉底液", "眼霜"]),
    ("家居", ["保温杯", "抱枕", "台灯", "收纳盒", "毛巾"]),
    ("数码", ["耳机", "充电宝", "数据线", "鼠标", "键盘"]),
]
ADJECTIVES = ["轻薄", "加厚", "保湿", "便携", "静音", "复古", "简约", "大容量", "速干", "柔软"]


def large_catalog_csv(n: int) -> bytes:
    """A products table of ``n`` one-SKU products with distinct names (the CSV template's columns)."""
    lines = ["product_id,name,category,brand,link_no,description,sku_id,spec,price,stock"]
    for i in range(1, n + 1):
        category, nouns = KINDS[i % len(KINDS)]
        adjective = ADJECTIVES[(i // 4) % len(ADJECTIVES)]
        name = f"{BRANDS[i % len(BRANDS)]} {adjective}{nouns[(i // 40) % len(nouns)]} {i}号款"
        lines.append(
            f"B{i:05d},{name},{category},{BRANDS[i % len(BRANDS)]},{i},"
            f"{adjective}设计，日常好用,B{i:05d}-1,标准款,{50 + i % 200}.00,{i % 50 + 1}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_large_import_is_answered_while_the_dense_index_builds(fresh_server: LiveServer) -> None:
    """A 4,000-product import: the room answers from the facts at once, with vectors still queued
    (the backlog only shrinks, so a backlog left after the answer means the answer did not wait)."""
    fresh_server.start()
    with fresh_server.client() as client:
        imported = client.post(
            "/v1/catalogs/big/imports", files={"file": ("products.csv", large_catalog_csv(4000), "text/csv")}
        )
        assert imported.status_code == 201, imported.text
        report = imported.json()
        assert report["summary"]["added"] == 4000
        assert report["embedding_backlog"] > 0  # the import returned before every vector was made

        room = client.post("/v1/rooms", json={"room_id": "big-room", "catalog_id": "big", "title": "大促"})
        assert room.status_code == 201, room.text
        question = {"msg_id": "q1", "viewer_id": "v1", "nickname": "小王", "text": "3号链接多少钱"}
        asked = client.post("/v1/rooms/big-room/danmaku", json={"messages": [question]})
        assert asked.status_code == 200, asked.text
        ready = httpx.get(f"{fresh_server.url}/readyz", headers=fresh_server.auth, timeout=10.0)

    (reply,) = asked.json()["replies"]
    assert reply["source"] == "catalog" and reply["product_id"] == "B00003"
    assert "53" in reply["text"]  # B00003 costs 53.00
    assert reply["latency_ms"] > 0
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["embedding_backlog"]["big"] > 0


def test_cli_import_shows_the_model_loading_step(tmp_path: Path) -> None:
    """``liveshop catalog import`` names the embedding-model step (seconds of work) and waits for
    every vector before it prints the report."""
    templates = REPO_ROOT / "knowledge" / "templates" / "csv"
    files = [str(templates / f"{name}.csv") for name in ("products", "shipping", "after_sales")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVESHOP_")}
    env.update(
        LIVESHOP_DATA_DIR=str(tmp_path / "data"),
        LIVESHOP_MODEL_DIR=os.environ.get("LIVESHOP_MODEL_DIR", str(REPO_ROOT / "models")),
        HF_HUB_OFFLINE="1",
        COLUMNS="200",
    )
    done = subprocess.run(
        [str(LIVESHOP), "catalog", "import", *files, "--catalog", "shop"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    assert "embedding model (multilingual-e5-small)" in done.stderr
    assert "import: done" in done.stderr
    report = json.loads(done.stdout)
    assert report["catalog_id"] == "shop" and report["summary"]["added"] == 2
    assert report["embedding_backlog"] == 0
