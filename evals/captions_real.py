"""The real-speech yardstick of captions: recognition and diarization on real Mandarin recordings.

Data: ``../shared/data/speech_dev`` beside the checkout (never copied into the project; figures
are keyed by clip id). ``asr/refs.tsv`` lists 41 clips (6.6 min) with a reference text whose
``ref_kind`` says how far to trust it: ``human_corpus_transcript`` (read speech, corpus
transcripts: reliable), ``human_prompt_transcript`` (spontaneous and media speech typed by
people; may miss a word at a trimmed end), ``model_output`` (other ASR systems: weak).
``diar/manifest.tsv`` lists 3 multi-speaker clips with reference turns (RTTM).

Each system runs in the same process on the same audio:

- ``pipeline``: :class:`speech.pipeline.CaptionPipeline` as shipped (batch captions, no prompt
  from a room: its default, :data:`speech.transcribe.NEUTRAL_PROMPT_ZH`, the baseline's prompt
  too, so the two differ by the pipeline's VAD, guards and decoding options alone).
- ``raw_whisper``: the same Whisper model called as faster-whisper's own defaults have it, with
  a Simplified-Chinese prompt (:data:`BASELINE_PROMPT`), ``language="zh"``, beam 5 and its VAD.
- ``raw_pyannote``: pyannote's speaker-diarization pipeline with the same segmentation and CAM++
  models and pyannote's published clustering hyper-parameters (:data:`PYANNOTE_RECIPE`).

Metrics, per ``ref_kind`` and overall (pooled over clips: errors / reference characters, with the
normaliser of :mod:`evals.captions`): ``cer``; ``inserted``, inserted characters / reference
characters (text nobody said); ``rtf``. Diarization clips: DER with collar 0 and 0.25 s
(:func:`evals.captions.der`), the speaker count and its error, RTF of diarization alone.
RTF (models loaded before the clock starts) depends on the machine and on what else runs on it.

Run: ``liveshop eval captions --real-speech [--data DIR] [--json] [--out FILE] [--skip-diar]``
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.captions import der, normalise_zh, read_rttm
from speech.decode import decode_audio
from speech.diarize import Diarizer, DiarizerOptions
from speech.domain import SAMPLE_RATE, Turn

SPEECH_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech_dev"
PRIMARY_METRIC = "cer"
BASELINE_PROMPT = "以下是普通话的句子。"
"""The raw baseline's prompt: a neutral Simplified-Chinese sentence ("what follows is Mandarin")."""
PYANNOTE_RECIPE = DiarizerOptions(
    clustering_threshold=0.7045654963945799, min_cluster_size=12, segmentation_step=0.1
)
"""pyannote speaker-diarization-3.1 as published: centroid-linkage clustering threshold, minimum
cluster size, and a sliding window moving by a tenth of its 10 s (the pipeline moves by half)."""
KINDS = ("human_corpus_transcript", "human_prompt_transcript", "model_output")


class SpeechDataMissingError(RuntimeError):
    """The shared real-speech folder (or a file it lists) is not there."""


@dataclass(frozen=True)
class AsrClip:
    """A clip of ``asr/refs.tsv``: ``kind`` is ``ref_kind`` without its note in parentheses."""

    id: str
    path: Path
    duration_s: float
    text: str
    kind: str


@dataclass(frozen=True)
class DiarClip:
    """A clip of ``diar/manifest.tsv`` with its reference turns."""

    id: str
    path: Path
    duration_s: float
    turns: tuple[Turn, ...]

    @property
    def n_speakers(self) -> int:
        return len({t.speaker for t in self.turns})


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SpeechDataMissingError(
            f"real speech data missing: {path} not found; the yardstick reads ../shared/data/speech_dev "
            "beside the checkout (or pass --data DIR)"
        )
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise SpeechDataMissingError(f"real speech data missing: {path} not found")
    return path


def asr_clips(folder: Path = SPEECH_DEV) -> list[AsrClip]:
    """The recognition clips, in the file's order."""
    return [
        AsrClip(
            r["id"],
            _existing(folder / r["path"]),
            float(r["duration_s"]),
            r["ref_text"],
            r["ref_kind"].split("(")[0].strip(),
        )
        for r in _rows(folder / "asr" / "refs.tsv")
    ]


def diar_clips(folder: Path = SPEECH_DEV) -> list[DiarClip]:
    """The diarization clips, in the file's order."""
    return [
        DiarClip(
            r["id"],
            _existing(folder / r["path"]),
            float(r["duration_s"]),
            tuple(read_rttm(_existing(folder / r["rttm"]))),
        )
        for r in _rows(folder / "diar" / "manifest.tsv")
    ]


def char_errors(reference: str, hypothesis: str) -> dict[str, int]:
    """Substituted, deleted and inserted characters and the reference length (``n``), after
    :func:`evals.captions.normalise_zh`."""
    import jiwer

    ref, hyp = normalise_zh(reference), normalise_zh(hypothesis)
    if not hyp or not ref:
        return {"sub": 0, "del": len(ref), "ins": len(hyp), "n": len(ref)}
    out = jiwer.process_characters(ref, hyp)
    return {"sub": out.substitutions, "del": out.deletions, "ins": out.insertions, "n": len(ref)}


def pooled(per_clip: Sequence[dict[str, float]]) -> dict[str, float]:
    """CER, inserted share and RTF pooled over clips (sums of errors / sums of reference chars)."""
    n = sum(c["n"] for c in per_clip) or 1
    audio = sum(c["audio_s"] for c in per_clip) or 1e-9
    return {
        "cer": sum(c["sub"] + c["del"] + c["ins"] for c in per_clip) / n,
        "inserted": sum(c["ins"] for c in per_clip) / n,
        "deleted": sum(c["del"] for c in per_clip) / n,
        "rtf": sum(c["seconds"] for c in per_clip) / audio,
        "clips": float(len(per_clip)),
        "audio_s": audio,
    }


Recogniser = Callable[[np.ndarray], tuple[str, str | None]]
"""A system under test: 16 kHz samples -> (text, language)."""


def pipeline_recogniser(pipeline: Any) -> Recogniser:
    """The shipped batch pipeline, captions only (diarization is measured on its own clips)."""

    def run(samples: np.ndarray) -> tuple[str, str | None]:
        result = pipeline.run(samples, diarize=False)
        return str(result.text), result.language

    return run


def raw_whisper_recogniser(pipeline: Any) -> Recogniser:
    """faster-whisper's ``transcribe`` with its defaults, on the pipeline's (already loaded) model:
    Simplified prompt, Mandarin, beam 5, its VAD. The model class only changes calls that ask for
    a fitted window or repeatable fallbacks, which this one does not."""
    model = pipeline.transcriber.load()

    def run(samples: np.ndarray) -> tuple[str, str | None]:
        segments, info = model.transcribe(
            samples, language="zh", beam_size=5, vad_filter=True, initial_prompt=BASELINE_PROMPT
        )
        return "".join(s.text for s in segments), info.language

    return run


def score_asr(clips: Sequence[AsrClip], systems: dict[str, Recogniser]) -> dict[str, Any]:
    """Per-clip and per-kind figures of each system."""
    per_clip: dict[str, dict[str, Any]] = {}
    for clip in clips:
        samples = decode_audio(clip.path)
        row: dict[str, Any] = {"kind": clip.kind, "audio_s": samples.size / SAMPLE_RATE}
        for name, recognise in systems.items():
            start = time.perf_counter()
            text, language = recognise(samples)
            seconds = time.perf_counter() - start
            errors = char_errors(clip.text, text)
            cer = (errors["sub"] + errors["del"] + errors["ins"]) / max(errors["n"], 1)
            row[name] = {**errors, "cer": cer, "seconds": seconds, "language": language}
        per_clip[clip.id] = row
    summary: dict[str, dict[str, dict[str, float]]] = {}
    for kind in (*KINDS, "all"):
        rows = [r for r in per_clip.values() if kind in ("all", r["kind"])]
        if rows:
            summary[kind] = {
                name: pooled([{**r[name], "audio_s": r["audio_s"]} for r in rows]) for name in systems
            }
    return {"summary": summary, "clips": per_clip}


def score_diarization(clips: Sequence[DiarClip], systems: dict[str, Diarizer]) -> dict[str, Any]:
    """DER (collar 0 and 0.25 s), speaker count and diarization RTF of each diarizer per clip."""
    per_clip: dict[str, dict[str, Any]] = {}
    for clip in clips:
        samples = decode_audio(clip.path)
        row: dict[str, Any] = {"speakers": clip.n_speakers, "audio_s": samples.size / SAMPLE_RATE}
        for name, diarizer in systems.items():
            start = time.perf_counter()
            hyp = list(diarizer.diarize(samples).turns)
            seconds = time.perf_counter() - start
            found = len({t.speaker for t in hyp})
            row[name] = {
                "der": der(clip.turns, hyp, 0.0) if hyp else 1.0,
                "der_collar_0.25": der(clip.turns, hyp, 0.25) if hyp else 1.0,
                "speakers": found,
                "count_error": found - clip.n_speakers,
                "rtf": seconds / max(row["audio_s"], 1e-9),
            }
        per_clip[clip.id] = row
    summary = {
        name: {
            "der": float(np.mean([r[name]["der"] for r in per_clip.values()])),
            "der_collar_0.25": float(np.mean([r[name]["der_collar_0.25"] for r in per_clip.values()])),
            "count_right": float(sum(r[name]["count_error"] == 0 for r in per_clip.values())),
            "count_abs_error": float(np.mean([abs(r[name]["count_error"]) for r in per_clip.values()])),
            "rtf": float(np.mean([r[name]["rtf"] for r in per_clip.values()])),
        }
        for name in systems
    }
    return {"summary": summary, "clips": per_clip}


def table(report: dict[str, Any]) -> str:
    """The report as a readable table (systems side by side)."""
    lines = ["recognition (pooled CER | inserted chars / ref chars | RTF)"]
    for kind, systems in report["asr"]["summary"].items():
        clips = int(next(iter(systems.values()))["clips"])
        cells = "  ".join(
            f"{name}: {m['cer']:.3f} | {m['inserted']:.3f} | {m['rtf']:.2f}" for name, m in systems.items()
        )
        lines.append(f"  {kind:24s} ({clips:2d} clips)  {cells}")
    lines.append("  per clip CER (pipeline / raw_whisper):")
    for clip_id, row in report["asr"]["clips"].items():
        figures = " / ".join(f"{row[n]['cer']:.3f}" for n in report["asr"]["systems"])
        lines.append(f"    {clip_id:36s} {row['kind'][:14]:14s} {figures}")
    if "diar" in report:
        lines.append("diarization (DER collar 0 | collar 0.25 | speakers found/ref | RTF)")
        for clip_id, row in report["diar"]["clips"].items():
            cells = "  ".join(
                f"{n}: {row[n]['der']:.3f} | {row[n]['der_collar_0.25']:.3f} | {row[n]['speakers']}/"
                f"{row['speakers']} | {row[n]['rtf']:.2f}"
                for n in report["diar"]["systems"]
            )
            lines.append(f"  {clip_id:36s} {cells}")
        for name, m in report["diar"]["summary"].items():
            lines.append(
                f"  mean {name:14s} DER {m['der']:.3f} (collar 0.25: {m['der_collar_0.25']:.3f}), "
                f"count right on {int(m['count_right'])}, RTF {m['rtf']:.2f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``liveshop eval captions --real-speech``: print (and optionally save) the yardstick."""
    parser = argparse.ArgumentParser(
        prog="liveshop eval captions --real-speech", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--data", type=Path, default=SPEECH_DEV, help="the speech_dev folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--out", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--skip-diar", action="store_true", help="recognition clips only")
    parser.add_argument("--skip-asr", action="store_true", help="diarization clips only")
    args = parser.parse_args(argv)
    try:
        asr = [] if args.skip_asr else asr_clips(args.data)
        diar = [] if args.skip_diar else diar_clips(args.data)
    except SpeechDataMissingError as exc:
        parser.exit(2, f"error: {exc}\n")
    from speech.pipeline import CaptionPipeline

    models = args.model_dir
    seg, emb = models / "pyannote-segmentation-3.0", models / "campplus-zh-en" / "campplus_cn_en_common.pt"
    pipeline = CaptionPipeline(models / "whisper-base", seg, emb)
    pipeline.load()  # models load before the clock starts: RTF is the work per clip
    baseline = Diarizer(seg, emb, PYANNOTE_RECIPE)
    report: dict[str, Any] = {}
    if asr:
        systems = {"pipeline": pipeline_recogniser(pipeline), "raw_whisper": raw_whisper_recogniser(pipeline)}
        report["asr"] = {**score_asr(asr, systems), "systems": list(systems)}
    if diar:
        baseline.load()
        diarizers = {"pipeline": pipeline.diarizer, "raw_pyannote": baseline}
        report["diar"] = {**score_diarization(diar, diarizers), "systems": list(diarizers)}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1), "utf-8")
    print(json.dumps(report) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
