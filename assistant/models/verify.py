"""Decide whether a directory holds a usable copy of a model.

Two depths:

* cheap (start-up): the manifest written at install lists every file's size and sha256; check the
  files exist with those sizes and that the manifest agrees with the known hashes. No hashing of
  weights, so start-up stays fast (~470 MB would take seconds on a busy 2-core machine).
* full (install, ``verify=True``): re-hash every file and compare with the manifest / known hashes.

A directory without a manifest (e.g. one copied in by hand or downloaded from a hub) is checked by
hashing the files whose sha256 is known, or, for a converted model, by the presence of its files.
"""

from __future__ import annotations

from pathlib import Path

from assistant.models.errors import ChecksumMismatchError, ModelError, ModelMissingError
from assistant.models.files import FileDigest, read_manifest, sha256_file
from assistant.models.specs import ModelSpec

REPAIR_HINT = "Fix: run `liveshop models install` to re-assemble it, or delete the directory."


def known_hashes(spec: ModelSpec) -> dict[str, str]:
    """sha256 of the files whose content is fixed by the spec (assembled models)."""
    return {f.name: f.sha256 for f in spec.files}


def _check_against_manifest(
    spec: ModelSpec, directory: Path, manifest: dict[str, FileDigest], full: bool
) -> None:
    for name, expected in known_hashes(spec).items():
        recorded = manifest.get(name)
        if recorded is None or recorded.sha256 != expected:
            actual = recorded.sha256 if recorded else "(not in manifest)"
            raise ChecksumMismatchError(directory / name, expected, actual, REPAIR_HINT)
    for name in spec.required:
        if name not in manifest:
            raise ModelMissingError(f"{directory} manifest does not list {name}. {REPAIR_HINT}")
    for name, recorded in manifest.items():
        path = directory / name
        if not path.is_file():
            raise ModelMissingError(f"{path} is missing. {REPAIR_HINT}")
        if full or path.stat().st_size != recorded.size_bytes:
            actual = sha256_file(path).sha256
            if actual != recorded.sha256:
                raise ChecksumMismatchError(path, recorded.sha256, actual, REPAIR_HINT)


def _check_without_manifest(spec: ModelSpec, directory: Path) -> None:
    for name in spec.required:
        if not (directory / name).is_file():
            raise ModelMissingError(f"{directory} is not a {spec.name} model: {name} is missing.")
    for name, expected in known_hashes(spec).items():
        actual = sha256_file(directory / name).sha256
        if actual != expected:
            raise ChecksumMismatchError(directory / name, expected, actual, REPAIR_HINT)


def check_directory(spec: ModelSpec, directory: Path, full: bool = False) -> None:
    """Raise a ModelError subclass unless ``directory`` holds a usable ``spec`` model.

    ``full`` re-hashes every file listed in the manifest; otherwise sizes and recorded hashes are
    compared (a file whose size changed is hashed to report the mismatch precisely).
    """
    if not directory.is_dir():
        raise ModelMissingError(f"{directory} does not exist or is not a directory.")
    manifest = read_manifest(directory)
    if manifest is not None:
        _check_against_manifest(spec, directory, manifest, full)
    else:
        _check_without_manifest(spec, directory)


def is_usable(spec: ModelSpec, directory: Path, full: bool = False) -> bool:
    """``check_directory`` as a boolean."""
    try:
        check_directory(spec, directory, full)
    except ModelError:
        return False
    return True
