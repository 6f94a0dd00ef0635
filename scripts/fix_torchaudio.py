"""Make torchaudio importable next to a CPU-only torch.

Why: pyannote.audio imports torchaudio, and the registry's torchaudio wheel ships compiled extension
libraries (``torchaudio/lib/*.so``) linked against CUDA libraries that a CPU-only torch does not
provide, so ``import torchaudio`` raises OSError. torchaudio treats its compiled extension as
optional: with those files absent it imports, and the pure-Python parts pyannote uses
(``compliance.kaldi``, ``functional.resample``) work. This script removes the libraries only when
they cannot be loaded, and is a no-op otherwise (safe to run again).
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from pathlib import Path


def main() -> int:
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or spec.origin is None:
        print("torchaudio is not installed; nothing to fix")
        return 0
    import torch  # noqa: F401  (loads libtorch first, as torchaudio itself would)

    lib_dir = Path(spec.origin).parent / "lib"
    removed = []
    for lib in sorted(lib_dir.glob("*.so")):
        try:
            ctypes.CDLL(str(lib))
        except OSError:
            removed.append(lib)
    for lib in removed:
        lib.unlink()
    if removed:
        print(f"torchaudio: removed {len(removed)} CUDA-linked extension libraries from {lib_dir}")
    import torchaudio  # noqa: F401  (prove the import works now)

    print("torchaudio imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
