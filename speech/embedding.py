"""CAM++ speaker embeddings, shaped the way pyannote.audio's diarization pipeline expects them.

pyannote's ``SpeakerDiarization`` needs an object with ``sample_rate``, ``dimension``, ``metric``,
``min_num_samples``, ``to(device)`` and ``__call__(waveforms[B, 1, N], masks[B, F]) ->
ndarray[B, D]`` (NaN rows where the masked speech is too short to embed). This class provides that
for the 3D-Speaker CAM++ model (192-dim, trained on Chinese and English), and also embeds whole
clips for voice enrolment.

Features follow 3D-Speaker: 80-bin Kaldi fbank (25 ms window, 10 ms hop, no dither), mean-
normalised over time per clip.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from speech.domain import SAMPLE_RATE
from speech.errors import ModelLoadError

log = logging.getLogger(__name__)

_MIN_FRAMES = 20  # 0.2 s of speech: shorter masked regions give unreliable embeddings (NaN rows)


class CamPlusEmbedding:
    """CAM++ embedding model (torch, CPU by default); thread-safe for concurrent calls."""

    sample_rate = SAMPLE_RATE
    dimension = 192
    metric = "cosine"
    min_num_frames = _MIN_FRAMES
    min_num_samples = 400 + 160 * (_MIN_FRAMES - 1)  # fbank frames -> samples (25 ms / 10 ms)

    def __init__(self, weights_path: str | Path, device: str = "cpu") -> None:
        import torch

        from speech.campplus import CAMPPlus

        path = Path(weights_path)
        if not path.is_file():
            raise ModelLoadError(f"no CAM++ weights at {path}; install the models first")
        model = CAMPPlus(feat_dim=80, embedding_size=self.dimension)
        try:
            state = torch.load(str(path), map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        except (OSError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load CAM++ weights from {path}: {exc}") from exc
        model.eval()
        self._model = model
        self.device = torch.device(device)
        self._model.to(self.device)
        self._lock = threading.Lock()  # BatchNorm in eval mode is stateless, but keep calls serial
        log.info("loaded CAM++ speaker embedding from %s", path)

    def to(self, device: Any) -> CamPlusEmbedding:
        """Move to a torch device (pyannote calls this when the pipeline moves)."""
        self.device = device
        self._model.to(device)
        return self

    def compute_fbank(self, waveforms: Any) -> Any:
        """``(B, 1, N)`` float waveforms in [-1, 1] -> ``(B, frames, 80)`` mean-normalised fbank."""
        import torch
        from torchaudio.compliance import kaldi

        feats = torch.stack(
            [
                kaldi.fbank(
                    w * (1 << 15),
                    num_mel_bins=80,
                    frame_length=25,
                    frame_shift=10,
                    dither=0.0,
                    sample_frequency=self.sample_rate,
                )
                for w in waveforms
            ]
        )
        return feats - feats.mean(dim=1, keepdim=True)

    def __call__(self, waveforms: Any, masks: Any = None) -> np.ndarray:
        """Embeddings of ``(B, 1, N)`` waveforms, restricted to frames where ``masks`` > 0.5."""
        import torch
        import torch.nn.functional as F

        with torch.inference_mode():
            feats = self.compute_fbank(waveforms.to(self.device))
            if masks is None:
                return self._forward(feats)
            frames = feats.shape[1]
            keep = F.interpolate(masks.unsqueeze(1).float(), size=frames, mode="nearest").squeeze(1) > 0.5
            out = np.full((feats.shape[0], self.dimension), np.nan, dtype=np.float32)
            for i in range(feats.shape[0]):
                selected = feats[i][keep[i]]
                if selected.shape[0] >= self.min_num_frames:
                    out[i] = self._forward(selected.unsqueeze(0))[0]
            return out

    def embed(self, audio: np.ndarray) -> np.ndarray:
        """L2-normalised embedding of a whole 16 kHz mono clip (e.g. an enrolment sample)."""
        import torch

        if audio.size < self.min_num_samples:
            raise ValueError(
                f"clip too short to embed ({audio.size / SAMPLE_RATE:.2f} s); "
                f"need at least {self.min_num_samples / SAMPLE_RATE:.2f} s of speech"
            )
        with torch.inference_mode():
            wav = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None, None]
            vec = self._forward(self.compute_fbank(wav))[0]
        return normalise(vec)

    def _forward(self, feats: Any) -> np.ndarray:
        with self._lock:
            out = self._model(feats)
        return np.asarray(out.detach().cpu().numpy(), dtype=np.float32)


def normalise(vector: np.ndarray) -> np.ndarray:
    """L2-normalised copy (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector.copy()
