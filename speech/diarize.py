"""Speaker diarization: pyannote.audio segmentation-3.0 + CAM++ embeddings + agglomerative clustering.

pyannote.audio 4's ``SpeakerDiarization`` builds its embedding through a module-level factory
(hub names only) and insists on a PLDA model for VBx clustering; neither exists offline. The
subclass below injects the CAM++ embedding and agglomerative clustering instead, per instance,
without touching pyannote's module globals (two diarizers with different models can coexist).

Speaker naming compares each diarized speaker's voice (an embedding of their own, non-overlapped
speech) with enrolled voiceprints by cosine similarity and assigns names one-to-one (Hungarian
assignment); speakers that match nobody above the threshold keep their ``SPEAKER_xx`` label.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from speech.domain import SAMPLE_RATE, Diarization, Turn
from speech.embedding import CamPlusEmbedding, normalise
from speech.errors import ModelLoadError, SpeakerCountError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiarizerOptions:
    """Pipeline hyper-parameters (defaults as measured on two-voice Mandarin clips).

    ``clustering_threshold``: cosine-distance threshold of the centroid-linkage agglomerative
    clustering used when the number of speakers is free. ``min_cluster_size``: smaller clusters
    are merged into the nearest large one. ``segmentation_step``: sliding-window step as a
    fraction of the 10 s window. ``min_duration_off_s``: gaps shorter than this inside a
    speaker's turn are filled.
    """

    clustering_threshold: float = 0.7046
    min_cluster_size: int = 12
    segmentation_step: float = 0.5
    min_duration_off_s: float = 0.0
    embedding_exclude_overlap: bool = True
    segmentation_batch_size: int = 16
    embedding_batch_size: int = 16


def _pipeline_class() -> type:
    """Build the SpeakerDiarization subclass lazily (pyannote is heavy to import)."""
    from pyannote.audio import Audio, Inference
    from pyannote.audio.core.pipeline import Pipeline
    from pyannote.audio.pipelines.clustering import AgglomerativeClustering
    from pyannote.audio.pipelines.speaker_diarization import SpeakerDiarization
    from pyannote.pipeline.parameter import ParamDict, Uniform

    class CamPlusSpeakerDiarization(SpeakerDiarization):
        """``SpeakerDiarization`` with an injected embedding and agglomerative clustering.

        ``SpeakerDiarization.__init__`` is skipped on purpose: it would resolve the embedding via
        the module-level ``PretrainedSpeakerEmbedding`` and load a PLDA via ``get_plda`` (which
        rejects ``None``). The attributes it sets are set here instead (pyannote.audio 4.0.7).
        """

        def __init__(self, segmentation: Any, embedding: CamPlusEmbedding, options: DiarizerOptions) -> None:
            Pipeline.__init__(self)  # type: ignore[no-untyped-call]  # pyannote is untyped here
            self.legacy = False
            self.segmentation_model = "segmentation-3.0"
            self.segmentation_step = options.segmentation_step
            self.embedding = "campplus"
            self.embedding_batch_size = options.embedding_batch_size
            self.embedding_exclude_overlap = options.embedding_exclude_overlap
            self.plda = None  # type: ignore[assignment]  # no PLDA: agglomerative clustering
            self._plda = None
            self.klustering = "AgglomerativeClustering"
            self.der_variant = {"collar": 0.0, "skip_overlap": False}
            duration = segmentation.specifications.duration
            self._segmentation = Inference(
                segmentation,
                duration=duration,
                step=options.segmentation_step * duration,
                skip_aggregation=True,
                batch_size=options.segmentation_batch_size,
            )
            self.segmentation = ParamDict(min_duration_off=Uniform(0.0, 1.0))  # powerset model
            self._embedding = embedding
            self._audio = Audio(sample_rate=embedding.sample_rate, mono="downmix")
            self.clustering = AgglomerativeClustering(metric=embedding.metric)
            self._expects_num_speakers = False

    return CamPlusSpeakerDiarization


class Diarizer:
    """Diarization models loaded once (lazily, thread-safe); calls may run from worker threads."""

    def __init__(
        self,
        segmentation_dir: str | Path,
        embedding_path: str | Path,
        options: DiarizerOptions | None = None,
    ) -> None:
        self.segmentation_dir = Path(segmentation_dir)
        self.embedding_path = Path(embedding_path)
        self.options = options or DiarizerOptions()
        self._pipeline: Any = None
        self._embedding: CamPlusEmbedding | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()  # the pyannote pipeline keeps per-call state

    @property
    def embedding(self) -> CamPlusEmbedding:
        """The CAM++ embedding model (loads it on first use)."""
        with self._load_lock:
            if self._embedding is None:
                self._embedding = CamPlusEmbedding(self.embedding_path)
            return self._embedding

    def load(self) -> None:
        """Load both models now (otherwise they load on first use)."""
        embedding = self.embedding
        with self._load_lock:
            if self._pipeline is not None:
                return
            from pyannote.audio import Model

            if not (self.segmentation_dir / "pytorch_model.bin").is_file():
                raise ModelLoadError(
                    f"no segmentation model at {self.segmentation_dir} (pytorch_model.bin missing); "
                    "install the models first"
                )
            model = Model.from_pretrained(str(self.segmentation_dir))
            if model is None:
                raise ModelLoadError(f"cannot load the segmentation model from {self.segmentation_dir}")
            pipeline = _pipeline_class()(model, embedding, self.options)
            pipeline.instantiate(
                {
                    "segmentation": {"min_duration_off": self.options.min_duration_off_s},
                    "clustering": {
                        "method": "centroid",
                        "min_cluster_size": self.options.min_cluster_size,
                        "threshold": self.options.clustering_threshold,
                    },
                }
            )
            self._pipeline = pipeline
            log.info("loaded diarization pipeline from %s", self.segmentation_dir)

    def segmentation_model(self) -> Any:
        """The loaded pyannote segmentation model (loads the models on first use), shared with
        live sessions for speaker-change checks."""
        self.load()
        return self._pipeline._segmentation.model

    def diarize(
        self,
        audio: np.ndarray,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Diarization:
        """Who spoke when in a 16 kHz mono waveform; the speaker count fixed, bounded or free.

        Raises :class:`SpeakerCountError` for a count below 1 or a minimum above the maximum."""
        import torch

        check_speaker_counts(num_speakers, min_speakers, max_speakers)
        self.load()
        if audio.size == 0:
            return Diarization((), ())
        file = {"waveform": torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None],
                "sample_rate": SAMPLE_RATE, "uri": "audio"}  # fmt: skip
        with self._run_lock:
            output = self._pipeline(
                file,
                num_speakers=num_speakers,
                min_speakers=min_speakers,
                max_speakers=max_speakers,
                hook=_progress_hook(progress),
            )
        turns = _turns(output.speaker_diarization)
        exclusive = _turns(output.exclusive_speaker_diarization)
        labels = output.speaker_diarization.labels()
        emb = output.speaker_embeddings
        centroids = {}
        if emb is not None:
            for label, row in zip(labels, emb, strict=False):
                centroids[str(label)] = tuple(float(v) for v in normalise(np.asarray(row)))
        return Diarization(turns, exclusive, centroids)

    def embed_voice(self, audio: np.ndarray) -> np.ndarray:
        """L2-normalised CAM++ voiceprint of a clip (an enrolment sample: 10-30 s of one voice)."""
        return self.embedding.embed(audio)

    def speaker_voiceprints(
        self, diarization: Diarization, audio: np.ndarray, *, max_seconds: float = 30.0
    ) -> dict[str, np.ndarray]:
        """One voiceprint per diarized speaker, from up to ``max_seconds`` of their exclusive turns."""
        pieces: dict[str, list[np.ndarray]] = {}
        used: dict[str, float] = {}
        for turn in sorted(diarization.exclusive_turns, key=lambda t: t.end - t.start, reverse=True):
            length = turn.end - turn.start
            if length < 0.5 or used.get(turn.speaker, 0.0) >= max_seconds:
                continue
            a, b = int(turn.start * SAMPLE_RATE), int(turn.end * SAMPLE_RATE)
            pieces.setdefault(turn.speaker, []).append(audio[a:b])
            used[turn.speaker] = used.get(turn.speaker, 0.0) + length
        return {spk: self.embed_voice(np.concatenate(chunks)) for spk, chunks in pieces.items()}

    def name_speakers(
        self,
        diarization: Diarization,
        audio: np.ndarray,
        enrolled: Mapping[str, np.ndarray],
        threshold: float = 0.5,
    ) -> dict[str, str]:
        """Map ``SPEAKER_xx`` labels to enrolled names (see :func:`match_voiceprints`)."""
        if not enrolled:
            return {}
        return match_voiceprints(self.speaker_voiceprints(diarization, audio), enrolled, threshold)


def check_speaker_counts(num: int | None, low: int | None, high: int | None) -> None:
    """Raise :class:`SpeakerCountError` unless every given count is at least 1 and ``low`` is not
    above ``high``."""
    for name, value in (("num_speakers", num), ("min_speakers", low), ("max_speakers", high)):
        if value is not None and value < 1:
            raise SpeakerCountError(f"{name} is {value}: give at least 1, or leave it out")
    if low is not None and high is not None and low > high:
        raise SpeakerCountError(f"min_speakers ({low}) is above max_speakers ({high}): swap or drop one")


def match_voiceprints(
    speakers: Mapping[str, np.ndarray], enrolled: Mapping[str, np.ndarray], threshold: float = 0.5
) -> dict[str, str]:
    """One-to-one assignment of speakers to enrolled names maximising total cosine similarity.

    Pairs whose cosine is below ``threshold`` are not assigned; unassigned speakers are absent
    from the returned mapping (they keep their label).
    """
    from scipy.optimize import linear_sum_assignment

    labels, names = list(speakers), list(enrolled)
    if not labels or not names:
        return {}
    a = np.stack([normalise(np.asarray(speakers[k], dtype=np.float32)) for k in labels])
    b = np.stack([normalise(np.asarray(enrolled[k], dtype=np.float32)) for k in names])
    sim = a @ b.T
    rows, cols = linear_sum_assignment(-sim)
    mapping = {}
    for r, c in zip(rows, cols, strict=True):
        log.debug("voice match %s -> %s: cosine %.3f", labels[r], names[c], sim[r, c])
        if sim[r, c] >= threshold:
            mapping[labels[r]] = names[c]
    return mapping


def _turns(annotation: Any) -> tuple[Turn, ...]:
    return tuple(
        Turn(start=round(float(seg.start), 3), end=round(float(seg.end), 3), speaker=str(label))
        for seg, _track, label in annotation.itertracks(yield_label=True)
    )


def _progress_hook(progress: Callable[[float], None] | None) -> Callable[..., None] | None:
    """Translate pyannote's ``hook(step, artefact, file=, total=, completed=)`` into a fraction."""
    if progress is None:
        return None
    spans = {"segmentation": (0.0, 0.3), "embeddings": (0.3, 0.95)}
    report = progress

    def hook(step: str, _artefact: Any, file: Any = None, total: int | None = None,
             completed: int | None = None) -> None:  # fmt: skip
        low, high = spans.get(step, (0.95, 0.95))
        if total and completed is not None:
            report(low + (high - low) * min(1.0, completed / total))
        elif step == "discrete_diarization":
            report(1.0)

    return hook
