"""The liveshop command line: catalog import/export against a real SQLite store."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from knowledge.demo import DEMO_CATALOG_PATH

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIVESHOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIVESHOP_EMBEDDINGS", "none")
    return tmp_path


def test_import_prints_the_report_and_export_writes_every_format(env: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", str(DEMO_CATALOG_PATH), "--catalog", "shop"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["version"] == 1 and report["summary"]["added"] == 45
    for fmt, suffix in (("csv", "zip"), ("xlsx", "xlsx"), ("json", "json")):
        out = env / f"shop.{suffix}"
        exported = runner.invoke(
            app, ["catalog", "export", "--catalog", "shop", "--format", fmt, "--out", str(out)]
        )
        assert exported.exit_code == 0, exported.output
        assert out.stat().st_size > 1000
    assert "products.csv" in zipfile.ZipFile(env / "shop.zip").namelist()
    again = runner.invoke(
        app, ["catalog", "import", str(env / "shop.xlsx"), "--catalog", "shop", "--mode", "replace"]
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout[again.stdout.index("{") :])["summary"]["unchanged"] == 45


def test_rejected_import_exits_1_with_every_problem_and_changes_nothing(env: Path) -> None:
    bad = env / "bad.csv"
    bad.write_text("product_id,name,sku_id,price\nP1,杯子,S1,-1\nP2,,S2,abc\n", encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(bad), "--catalog", "shop"])
    assert result.exit_code == 1
    assert "3 problem(s)" in result.output and "nothing imported" in result.output
    exported = runner.invoke(app, ["catalog", "export", "--catalog", "shop", "--out", str(env / "x.json")])
    assert exported.exit_code == 1 and "shop" in exported.output


def test_bad_arguments_are_named(env: Path) -> None:
    missing = runner.invoke(app, ["catalog", "import", str(env / "nope.csv"), "--catalog", "shop"])
    assert missing.exit_code == 2 and "no such file" in missing.output
    mode = runner.invoke(
        app, ["catalog", "import", str(DEMO_CATALOG_PATH), "--catalog", "s", "--mode", "merge"]
    )
    assert mode.exit_code == 2 and "--mode" in mode.output


AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"


@pytest.mark.slow
def test_transcribe_writes_srt_and_rttm(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVESHOP_MODEL_DIR", str(model_dir))
    srt = tmp_path / "out.srt"
    result = runner.invoke(app, ["transcribe", str(AUDIO / "dialogue.flac"), "--out", str(srt)])
    assert result.exit_code == 0, result.output
    assert srt.read_text(encoding="utf-8").count(" --> ") >= 3
    rttm = runner.invoke(app, ["transcribe", str(AUDIO / "dialogue.flac"), "--diarize", "--format", "rttm"])
    assert rttm.exit_code == 0, rttm.output
    assert rttm.stdout.startswith("SPEAKER dialogue 1 ")
    no_diarize = runner.invoke(app, ["transcribe", str(AUDIO / "short.wav"), "--format", "rttm"])
    assert no_diarize.exit_code == 2 and "--diarize" in no_diarize.output
    corrupt = runner.invoke(app, ["transcribe", str(AUDIO / "corrupt.mp3")])
    assert corrupt.exit_code == 1 and "corrupt.mp3" in corrupt.output


def test_transcribe_refuses_an_unknown_language_before_loading_models(env: Path) -> None:
    result = runner.invoke(app, ["transcribe", str(AUDIO / "short.wav"), "--language", "xx"])
    assert result.exit_code == 2 and "unknown language 'xx'" in result.output
