"""Caption evaluation: CER, DER, speaker-attributed accuracy and real-time factor.

Reference data: tests/data/audio/dialogue.{flac,json,rttm} (synthetic two-voice Mandarin, see
tests/data/audio/make_audio.sh). The primary metric is ``cer``. Real speech: the recording that
ships inside pyannote.audio (:func:`real_sample`: a 30 s English phone call between two people,
quick turns and overlaps, with a reference transcript (STM) and RTTM), scored by WER, DER and
speaker accuracy (``--real``); synthetic voices flatter live captioning, which this one does not.

Chinese normaliser (the one used for every CER here, :func:`normalise_zh`): OpenCC
Traditional->Simplified, Unicode NFKC (full-width letters/digits -> ASCII), lower case, then every
character that is not a letter or digit (punctuation, spaces, symbols) removed; CER is jiwer's
character error rate on the normalised strings (each Chinese character is one token).

English normaliser (:func:`normalise_en`, for WER): Unicode NFKC, lower case, every character
but letters, digits and apostrophes turned into a space; WER is jiwer's word error rate.

DER: pyannote.metrics ``DiarizationErrorRate`` with optimal speaker mapping, overlap scored,
reported with collar 0 s and 0.25 s. Speaker-attributed accuracy: share of recognised characters
whose caption speaker is the reference speaker talking at the word's midpoint (speakers mapped
through ``speaker_map`` when names are enrolled, else through the DER's optimal mapping).

Run: ``python -m evals.captions --model-dir models [--no-enrol] [--json]``. The real Mandarin
yardstick (41 clips, 3 diarization clips, raw baselines beside) is :mod:`evals.captions_real`
(``liveshop eval captions --real-speech``); it scores with the normaliser and metrics here.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speech.domain import Caption, CaptionResult, Turn
from speech.transcribe import to_simplified

AUDIO_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "audio"
PRIMARY_METRIC = "cer"
ENROLMENT = {"host": ("主播", "enrol_host.flac"), "guest": ("嘉宾", "enrol_guest.flac")}

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_zh(text: str) -> str:
    """The documented Chinese normaliser: t2s, NFKC, lower case, keep letters and digits only."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", to_simplified(text)).lower())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate after :func:`normalise_zh` (1.0 for an empty hypothesis)."""
    import jiwer

    ref, hyp = normalise_zh(reference), normalise_zh(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.cer(ref, hyp)) if hyp else 1.0


def normalise_en(text: str) -> str:
    """The documented English normaliser: NFKC, lower case, letters, digits and apostrophes only."""
    return " ".join(_NOT_EN_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).split())


_NOT_EN_WORD = re.compile(r"[^\w']+|_", re.UNICODE)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after :func:`normalise_en` (1.0 for an empty hypothesis)."""
    import jiwer

    ref, hyp = normalise_en(reference), normalise_en(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp)) if hyp else 1.0


@dataclass(frozen=True)
class RealSample:
    """A real recording with references: audio path, transcript lines ``(speaker, start, end,
    text)`` in time order, and reference turns."""

    audio: Path
    lines: tuple[tuple[str, float, float, str], ...]
    turns: tuple[Turn, ...]

    @property
    def text(self) -> str:
        return " ".join(line[3] for line in self.lines)

    def utterances(self, join_gap_s: float = 0.5) -> list[tuple[float, float]]:
        """``(start, end)`` of each utterance: one speaker's consecutive lines less than
        ``join_gap_s`` apart are one (a live VAD hears no end of utterance in a shorter pause)."""
        merged: list[list[Any]] = []
        for speaker, start, end, _ in self.lines:
            if merged and merged[-1][2] == speaker and start - merged[-1][1] < join_gap_s:
                merged[-1][1] = end
            else:
                merged.append([start, end, speaker])
        return [(start, end) for start, end, _ in merged]


def real_sample() -> RealSample:
    """pyannote.audio's bundled sample: a real two-speaker English phone call (30 s, 16 kHz)."""
    import pyannote.audio

    folder = Path(pyannote.audio.__file__).parent / "sample"
    lines = []
    for row in (folder / "sample.stm").read_text("utf-8").splitlines():
        _, _, speaker, start, end, *words = row.split()
        lines.append((speaker, float(start), float(end), " ".join(words)))
    lines.sort(key=lambda line: line[1])
    return RealSample(folder / "sample.wav", tuple(lines), tuple(read_rttm(folder / "sample.rttm")))


def _annotation(turns: Sequence[Turn]) -> Any:
    from pyannote.core import Annotation
    from pyannote.core import Segment as PaSegment

    ann = Annotation()
    for i, t in enumerate(turns):
        ann[PaSegment(t.start, t.end), i] = t.speaker
    return ann


def der(reference: Sequence[Turn], hypothesis: Sequence[Turn], collar_s: float = 0.0) -> float:
    """Diarization error rate (pyannote.metrics), ``collar_s`` forgiven around reference edges."""
    from pyannote.metrics.diarization import DiarizationErrorRate

    metric = DiarizationErrorRate(collar=collar_s, skip_overlap=False)
    return float(metric(_annotation(reference), _annotation(hypothesis)))


def optimal_mapping(reference: Sequence[Turn], hypothesis: Sequence[Turn]) -> dict[str, str]:
    """Hypothesis label -> reference label maximising overlap (as the DER does)."""
    from pyannote.metrics.diarization import DiarizationErrorRate

    mapping = DiarizationErrorRate().optimal_mapping(_annotation(reference), _annotation(hypothesis))
    return {str(h): str(r) for h, r in mapping.items()}


def speaker_accuracy(
    reference: Sequence[Turn], captions: Sequence[Caption], hyp_to_ref: Mapping[str, str]
) -> float:
    """Share of recognised characters attributed to the reference speaker at the word midpoint.

    Words at a midpoint where nobody (or more than one speaker) talks in the reference are
    skipped: they have no single right answer.
    """
    right = total = 0
    for cue in captions:
        for w in cue.words:
            mid = (w.start + w.end) / 2
            active = {t.speaker for t in reference if t.start <= mid < t.end}
            if len(active) != 1:
                continue
            n = len(normalise_zh(w.text))
            total += n
            if cue.speaker is not None and hyp_to_ref.get(cue.speaker) in active:
                right += n
    return right / total if total else 0.0


def read_rttm(path: Path) -> list[Turn]:
    """Turns of an RTTM file."""
    turns = []
    for line in path.read_text("utf-8").splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            turns.append(Turn(float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return turns


def score(
    result: CaptionResult, reference_text: str, reference_turns: Sequence[Turn],
    speaker_map: Mapping[str, str] | None = None,
) -> dict[str, float]:  # fmt: skip
    """Metrics of one pipeline result against references (``speaker_map``: reference -> name)."""
    hyp_turns = list(result.diarization.turns) if result.diarization else []
    if speaker_map:
        hyp_to_ref = {name: ref for ref, name in speaker_map.items()}
    else:
        hyp_to_ref = optimal_mapping(reference_turns, hyp_turns) if hyp_turns else {}
    duration = max(result.duration_s, 1e-9)
    timings = result.timings_s
    return {
        "cer": cer(reference_text, result.text),
        "der": der(reference_turns, hyp_turns, 0.0) if hyp_turns else 1.0,
        "der_collar_0.25": der(reference_turns, hyp_turns, 0.25) if hyp_turns else 1.0,
        "speaker_accuracy": speaker_accuracy(reference_turns, result.captions, hyp_to_ref),
        "rtf": result.rtf,
        "rtf_transcribe": timings.get("transcribe", 0.0) / duration,
        "rtf_diarize": timings.get("diarize", 0.0) / duration,
        "audio_s": result.duration_s,
    }


def run_caption_eval(
    pipeline: Any, audio_dir: Path = AUDIO_DIR, *, enrol: bool = True, name: str = "dialogue"
) -> dict[str, float]:
    """Run ``pipeline`` (a ``speech.pipeline.CaptionPipeline``) on ``<name>.flac`` and score it.

    With ``enrol``, the two test voices are enrolled from separate samples and the captions
    must carry their names (主播, 嘉宾) for speaker accuracy to count.
    """
    reference = json.loads((audio_dir / f"{name}.json").read_text("utf-8"))
    ref_text = "".join(u["text"] for u in reference["utterances"])
    ref_turns = read_rttm(audio_dir / f"{name}.rttm")
    enrolled = None
    speaker_map = None
    if enrol:
        enrolled = {n: pipeline.enrol_voice(audio_dir / f) for n, f in ENROLMENT.values()}
        speaker_map = {ref: n for ref, (n, _f) in ENROLMENT.items()}
    result = pipeline.run(audio_dir / f"{name}.flac", enrolled=enrolled)
    return score(result, ref_text, ref_turns, speaker_map)


def run_real_speech_eval(pipeline: Any) -> dict[str, float]:
    """Batch captions of :func:`real_sample` (English, speakers unnamed: mapped as the DER does)."""
    from speech.transcribe import TranscribeOptions

    sample = real_sample()
    result = pipeline.run(sample.audio, transcribe_options=TranscribeOptions(language="en"))
    hyp_turns = list(result.diarization.turns) if result.diarization else []
    mapping = optimal_mapping(sample.turns, hyp_turns) if hyp_turns else {}
    return {
        "wer": wer(sample.text, result.text),
        "der": der(sample.turns, hyp_turns, 0.0) if hyp_turns else 1.0,
        "der_collar_0.25": der(sample.turns, hyp_turns, 0.25) if hyp_turns else 1.0,
        "speaker_accuracy": speaker_accuracy(sample.turns, result.captions, mapping),
        "rtf": result.rtf,
        "audio_s": result.duration_s,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m evals.captions --model-dir DIR``: print the metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--audio-dir", type=Path, default=AUDIO_DIR)
    parser.add_argument("--no-enrol", action="store_true", help="score SPEAKER_xx labels by optimal mapping")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--real", action="store_true", help="also score the real English recording")
    args = parser.parse_args(argv)
    from speech.pipeline import CaptionPipeline

    pipeline = CaptionPipeline(
        args.model_dir / "whisper-base",
        args.model_dir / "pyannote-segmentation-3.0",
        args.model_dir / "campplus-zh-en" / "campplus_cn_en_common.pt",
    )
    metrics = run_caption_eval(pipeline, args.audio_dir, enrol=not args.no_enrol)
    real = run_real_speech_eval(pipeline) if args.real else None
    if args.json:
        print(json.dumps({**metrics, "real_speech": real} if real else metrics))
        return 0
    print("synthetic Mandarin dialogue (tests/data/audio/dialogue.flac)")
    for key, value in metrics.items():
        print(f"  {key:18s} {value:8.4f}")
    if real:
        print("real English phone call (pyannote.audio's sample.wav)")
        for key, value in real.items():
            print(f"  {key:18s} {value:8.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
