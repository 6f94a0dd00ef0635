"""Errors raised while locating, assembling or verifying model weights.

Every message names the problem and the fix (which package to install, which setting to change, or
which command repairs the cache), so a start-up failure is actionable without reading code.
"""

from __future__ import annotations

from pathlib import Path


class ModelError(Exception):
    """Base class of every model-cache error."""


class ModelMissingError(ModelError):
    """No usable copy of a model exists locally and it cannot be assembled from packages."""


class ChecksumMismatchError(ModelError):
    """A file's sha256 differs from the expected one (corrupt download, tampered or stale cache)."""

    def __init__(self, path: Path, expected: str, actual: str, fix: str = "") -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        message = f"sha256 mismatch for {path}: expected {expected}, got {actual}."
        if fix:
            message += f" {fix}"
        super().__init__(message)


class ModelConversionError(ModelError):
    """A package's weights could not be converted (unknown container layout, failed equivalence)."""
