"""The catalog HTTP API end to end: auth, imports in every format, rejection, limits, patches."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from knowledge.demo import load_demo_catalog
from knowledge.ingest import export_catalog
from tests.assistant.conftest_service import AUTH, service


def demo_files() -> dict[str, tuple[str, bytes, str]]:
    demo = load_demo_catalog()
    out = {}
    for fmt, name in (("json", "demo.json"), ("csv", "demo.zip"), ("xlsx", "demo.xlsx")):
        content, media = export_catalog(demo, fmt)  # type: ignore[arg-type]
        out[fmt] = (name, content, media)
    return out


def test_health_and_metrics_are_public() -> None:
    with service() as (client, _, _):
        assert client.get("/healthz").json()["status"] == "ok"
        assert "liveshop_http_requests_total" in client.get("/metrics").text


def test_auth_missing_wrong_and_right_key() -> None:
    with service() as (client, _, _):
        missing = client.get("/v1/catalogs")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert client.get("/v1/catalogs", headers={"Authorization": "Bearer nope"}).status_code == 403
        assert client.get("/v1/catalogs", headers={"Authorization": "Basic abc"}).status_code == 401
        assert client.get("/v1/catalogs", headers=AUTH).status_code == 200


def test_demo_catalog_as_csv_xlsx_and_json_gives_identical_catalogs() -> None:
    with service() as (client, services, _):
        for fmt, (name, content, media) in demo_files().items():
            response = client.post(
                f"/v1/catalogs/c-{fmt}/imports", headers=AUTH, files={"file": (name, content, media)}
            )
            assert response.status_code == 201, response.text
            assert response.json()["summary"]["added"] == 45
        dumps = []
        for fmt in ("json", "csv", "xlsx"):
            body = client.get(f"/v1/catalogs/c-{fmt}/products?limit=1000", headers=AUTH).json()
            dumps.append(json.dumps(body["products"], sort_keys=True, ensure_ascii=False))
        assert dumps[0] == dumps[1] == dumps[2]
        stored = services.catalogs.catalog("c-json")
        assert stored.promotions == services.catalogs.catalog("c-xlsx").promotions
        assert stored.shipping == services.catalogs.catalog("c-csv").shipping


def test_rejected_import_lists_every_problem_and_changes_nothing() -> None:
    name, content, media = demo_files()["json"]
    with service() as (client, services, _):
        assert (
            client.post(
                "/v1/catalogs/c/imports", headers=AUTH, files={"file": (name, content, media)}
            ).status_code
            == 201
        )
        before = services.catalogs.catalog("c")
        bad_csv = (
            "product_id,name,sku_id,price,stock\n"
            "P1,杯子,S1,-5,10\n"
            "P2,碗,S2,12.00,abc\n"
            "P3,,S3,9.9.9,1\n"
            "P4,盘,S4,8.00,1\n"
            "P5,勺,S4,3.00,1\n"
        ).encode()
        response = client.post(
            "/v1/catalogs/c/imports", headers=AUTH, files={"file": ("bad.csv", bad_csv, "text/csv")}
        )
        assert response.status_code == 422
        problems = response.json()["problems"]
        located = {(p["row"], p["column"]) for p in problems}
        assert (2, "price") in located  # negative price on the first data row (the header is row 1)
        assert (3, "stock") in located
        assert (4, "name") in located and (4, "price") in located
        assert any(p["row"] == 6 and p["column"] == "sku_id" and "S4" in p["message"] for p in problems)
        after = services.catalogs.catalog("c")
        assert after == before


def test_missing_required_column_is_reported_with_its_name() -> None:
    with service() as (client, _, _):
        response = client.post(
            "/v1/catalogs/c/imports",
            headers=AUTH,
            files={"file": ("x.csv", "product_id,name\nP1,杯子\n".encode(), "text/csv")},
        )
        assert response.status_code == 422
        columns = {p["column"] for p in response.json()["problems"]}
        assert {"sku_id", "price"} <= columns
        assert client.get("/v1/catalogs/c/products", headers=AUTH).status_code == 404


def test_upload_over_the_limit_is_413_and_changes_nothing() -> None:
    with service(limits={"max_upload_bytes": 1000}) as (client, services, _):
        big = b"product_id,name,sku_id,price\n" + b"P1,x,S1,1.00\n" * 200
        response = client.post(
            "/v1/catalogs/c/imports", headers=AUTH, files={"file": ("big.csv", big, "text/csv")}
        )
        assert response.status_code == 413
        assert "1000" in response.json()["detail"]
        assert services.catalogs.catalog_ids() == []


def test_patch_price_changes_facts_and_keeps_history() -> None:
    name, content, media = demo_files()["json"]
    with service() as (client, _services, clock):
        client.post("/v1/catalogs/c/imports", headers=AUTH, files={"file": (name, content, media)})
        clock.at = clock.at + timedelta(minutes=1)
        before = client.get("/v1/catalogs/c/products/MZ02", headers=AUTH).json()
        sku = before["product"]["skus"][0]["sku_id"]
        old_price = before["facts"][0]["base_price"]
        response = client.patch(
            "/v1/catalogs/c/products/MZ02", headers=AUTH, json={"prices": {sku: "1.50"}, "stock": {sku: 3}}
        )
        assert response.status_code == 200, response.text
        after = client.get("/v1/catalogs/c/products/MZ02", headers=AUTH).json()
        assert after["facts"][0]["base_price"] == "1.50"
        assert after["product"]["skus"][0]["stock"] == 3
        history = after["product"]["skus"][0]["price_history"]
        assert [p["price"] for p in history][-2:] == [old_price, "1.50"]
        bad = client.patch("/v1/catalogs/c/products/MZ02", headers=AUTH, json={"prices": {"nope": "1.00"}})
        assert bad.status_code == 422
        assert "nope" in bad.json()["detail"]
        unknown = client.patch("/v1/catalogs/c/products/XX", headers=AUTH, json={"stock": {sku: 1}})
        assert unknown.status_code == 404


def test_export_round_trips_and_escapes_formulas() -> None:
    with service() as (client, _, _):
        csv = 'product_id,name,sku_id,price,description\nP1,杯子,S1,9.90,=HYPERLINK("x")\n'.encode()
        assert (
            client.post(
                "/v1/catalogs/c/imports", headers=AUTH, files={"file": ("p.csv", csv, "text/csv")}
            ).status_code
            == 201
        )
        stored = client.get("/v1/catalogs/c/products/P1", headers=AUTH).json()["product"]
        assert stored["description"] == '=HYPERLINK("x")'  # kept as text, never evaluated
        xlsx = client.get("/v1/catalogs/c/export?format=xlsx", headers=AUTH)
        assert xlsx.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
        assert '\'=HYPERLINK("x")' in cells  # escaped so a spreadsheet shows text, not a formula


@pytest.mark.slow
def test_restart_keeps_catalog_versions_and_index(tmp_path: Path) -> None:
    name, content, media = demo_files()["json"]
    with service(tmp_path) as (client, _, _):
        assert (
            client.post(
                "/v1/catalogs/demo/imports", headers=AUTH, files={"file": (name, content, media)}
            ).status_code
            == 201
        )
        hits = client.get("/v1/catalogs/demo/search", headers=AUTH, params={"q": "保温杯"}).json()["hits"]
        assert hits
    with service(tmp_path) as (client, services, _):
        versions = client.get("/v1/catalogs/demo/versions", headers=AUTH).json()["versions"]
        assert [v["version"] for v in versions] == [1]
        again = client.get("/v1/catalogs/demo/search", headers=AUTH, params={"q": "保温杯"}).json()["hits"]
        assert again == hits
        assert len(services.catalogs.catalog("demo").products) == 45
