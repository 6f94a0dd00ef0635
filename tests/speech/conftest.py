"""Fixtures of the speech tests: the synthetic audio in tests/data/audio and the real models.

The audio is made by tests/data/audio/make_audio.sh (espeak-ng Mandarin voices); dialogue.json
holds the reference utterances. Model fixtures use the shared ``model_dir`` fixture (the model
cache assembled from registry packages) and are session-scoped: each model loads once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"


@pytest.fixture(scope="session")
def audio_dir() -> Path:
    return AUDIO


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """Reference utterances of dialogue.flac: ``{"utterances": [{speaker, start, end, text}]}``."""
    return json.loads((AUDIO / "dialogue.json").read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def pipeline(model_dir: Path) -> Any:
    from speech.pipeline import CaptionPipeline

    return CaptionPipeline(
        model_dir / "whisper-base",
        model_dir / "pyannote-segmentation-3.0",
        model_dir / "campplus-zh-en" / "campplus_cn_en_common.pt",
    )


@pytest.fixture(scope="session")
def enrolled(pipeline: Any) -> dict[str, np.ndarray]:
    """Voiceprints of the two test voices, from sentences that are not in the dialogue."""
    return {
        "主播": pipeline.enrol_voice(AUDIO / "enrol_host.flac"),
        "嘉宾": pipeline.enrol_voice(AUDIO / "enrol_guest.flac"),
    }


@pytest.fixture(scope="session")
def progress_calls() -> list[tuple[str, float]]:
    """``(stage, fraction)`` calls the progress hook received during ``dialogue_result``."""
    return []


@pytest.fixture(scope="session")
def dialogue_result(
    pipeline: Any, enrolled: dict[str, np.ndarray], progress_calls: list[tuple[str, float]]
) -> Any:
    """One batch run over the dialogue with enrolled names, shared by the slow tests."""

    def hook(stage: str, fraction: float) -> None:
        progress_calls.append((stage, fraction))

    return pipeline.run(AUDIO / "dialogue.flac", enrolled=enrolled, progress=hook)
