"""Caption speed: batch real-time factor per stage, live latency, peak memory.

Audio: the two-voice test dialogue (tests/data/audio/dialogue.flac, 44 s) repeated three times
with 1 s gaps, ~2.2 min, with its reference utterance ends and RTTM shifted to match.

Batch: ``CaptionPipeline.run`` with diarization (beside transcription), RTF per stage (decode,
vad, transcribe, diarize, align) and in total, median over ``--repeats``; printed beside the
baselines run in the same process: Whisper alone (transcription only, same settings) and the
pipeline with diarization after transcription instead of beside it, with the ratios. DER of
each run is printed too (collar 0).

Live: the clip is streamed in 20 ms PCM16 frames through a ``LiveCaptionSession`` on a simulated
real-time clock: frame k arrives at k * 20 ms; the session (one worker) starts it when both the
frame has arrived and the previous call has finished, and takes the measured wall time of the
call. So compute is real, waiting is not, and a worker that falls behind accumulates lag exactly as
it would streaming in real time (then partials are skipped, as a service would, once the lag
passes 0.5 s). Latency = the time a final caption comes out minus the end of the reference
utterance it closes (:func:`utterance_latencies`); p50/p95 over all utterances. The service's
live options (Whisper's encoder over a window fitted to each utterance, early finals at pauses,
greedy finals, speaker-change cuts, a second try at empty finals, partials deferred at pauses,
the VAD every 0.1 s, a partial every 0.8 s) run beside the baseline, the options before those
(:func:`baseline_live_options`), in the same process; the CER of the finals and the share of
characters captioned under the right (enrolled) speaker are printed for both.

Real speech (``--skip-real`` to leave out): pyannote.audio's bundled recording, a 30 s English phone
call between two people with a reference transcript and RTTM (:func:`evals.captions.real_sample`):
batch RTF, WER, DER and speaker accuracy, then the same call streamed live (language ``en``):
latency, WER of the finals against the reference and against the batch captions, speaker accuracy.

Real-speech stream (``--skip-real-stream`` to leave out; needs ``../shared/data/speech_dev``, read
in place, never copied): a livestream-like Mandarin stream built at run time from the development
clips (:func:`build_real_stream`): one host (the THCHS-30 speaker ``A2``, several read sentences)
answering guests (the longest AISHELL-3 utterances, one speaker each), every clip trimmed to its
speech, with 0.5-1.5 s of silence (drawn, seeded) from one clip's speech to the next. Reference
utterances are the clips' speech spans (the VAD without padding), reference turns the same spans
with the speaker of the clip, the reference text the clips' transcripts in stream order. The host
is enrolled from two other clips of theirs, the guests are not (their labels are mapped as the DER
maps them). Streamed live first (service options, Mandarin), then captioned in batch on the same
audio: latency p50/p95 (an utterance is closed by the last final overlapping it,
:func:`last_final_latencies`; the dialogue's stricter rule beside it), partial intervals, CER of
the finals against the references and against the batch captions, speaker accuracy (all speakers,
and the enrolled host alone), beside the batch CER, DER and speaker accuracy, and the CER of raw
faster-whisper (same model, Simplified prompt, beam 5, VAD: ``evals.captions_real``'s baseline).

Peak memory: ``resource.getrusage`` max RSS of the process after everything.

Run: ``python -m benchmarks.bench_captions --model-dir models [--repeats 3] [--threads 2] [--skip-real]
[--skip-real-stream] [--speech-dev DIR]``
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from evals.captions import cer, der, optimal_mapping, read_rttm, real_sample, speaker_accuracy, wer
from evals.captions_real import SPEECH_DEV, AsrClip, SpeechDataMissingError, asr_clips, raw_whisper_recogniser
from speech.decode import decode_audio
from speech.domain import SAMPLE_RATE, Turn
from speech.live import LiveCaptionSession, LiveOptions
from speech.pipeline import CaptionPipeline, PipelineOptions
from speech.text import join_texts
from speech.transcribe import TranscribeOptions, Transcriber
from speech.vad import VadOptions, speech_regions

AUDIO = Path(__file__).resolve().parents[1] / "tests" / "data" / "audio"
REPEAT = 3
GAP_S = 1.0
FRAME_S = 0.02
BEHIND_S = 0.5


def build_clip() -> tuple[np.ndarray, list[tuple[float, float]], list[Turn]]:
    """The dialogue repeated REPEAT times: samples, reference utterances (start, end) in seconds,
    reference turns."""
    one = decode_audio(AUDIO / "dialogue.flac")
    utterances = json.loads((AUDIO / "dialogue.json").read_text("utf-8"))["utterances"]
    turns = read_rttm(AUDIO / "dialogue.rttm")
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    pieces, spans, ref = [], [], []
    for k in range(REPEAT):
        offset = k * (one.size + gap.size) / SAMPLE_RATE
        pieces += [one, gap]
        spans += [(offset + u["start"], offset + u["end"]) for u in utterances]
        ref += [Turn(t.start + offset, t.end + offset, t.speaker) for t in turns]
    return np.concatenate(pieces), sorted(spans), ref


def reference_text() -> str:
    """Reference transcript of the benchmark clip."""
    return (AUDIO / "dialogue.txt").read_text("utf-8") * REPEAT


def fresh_transcriber(pipeline: CaptionPipeline) -> Transcriber:
    """A newly loaded copy of the pipeline's Whisper model (same settings and seed)."""
    old = pipeline.transcriber
    transcriber = Transcriber(
        old.model_dir,
        device=pipeline.options.whisper_device,
        compute_type=pipeline.options.whisper_compute_type,
        cpu_threads=pipeline.options.whisper_cpu_threads,
        seed=old.seed,
    )
    transcriber.load()
    return transcriber


def with_fresh_transcriber(pipeline: CaptionPipeline, options: PipelineOptions) -> CaptionPipeline:
    """A pipeline with ``options``, the same diarization models and a fresh Whisper model."""
    diarizer = pipeline.diarizer
    copy = CaptionPipeline(
        pipeline.transcriber.model_dir, diarizer.segmentation_dir, diarizer.embedding_path, options
    )
    copy.transcriber, copy.diarizer = fresh_transcriber(pipeline), diarizer
    return copy


def bench_batch(pipeline: CaptionPipeline, audio: np.ndarray, ref: list[Turn], repeats: int) -> None:
    duration = audio.size / SAMPLE_RATE
    runs, asr_only, asr_best_of_5, in_sequence = [], [], [], []
    sequential = replace(pipeline.options, diarize_beside_transcription=False)
    for _ in range(repeats):
        # A freshly loaded, seeded model per run: the temperature fallback samples, so a model that
        # has already decoded something decodes differently (and takes a different time).
        t0 = time.perf_counter()
        fresh_transcriber(pipeline).transcribe(audio, pipeline.options.transcribe)
        asr_only.append((time.perf_counter() - t0) / duration)
        t0 = time.perf_counter()
        fresh_transcriber(pipeline).transcribe(audio, replace(pipeline.options.transcribe, best_of=5))
        asr_best_of_5.append((time.perf_counter() - t0) / duration)
        in_sequence.append(with_fresh_transcriber(pipeline, sequential).run(audio).rtf)
        result = with_fresh_transcriber(pipeline, pipeline.options).run(audio)
        hyp = list(result.diarization.turns) if result.diarization else []
        runs.append({**{k: v / duration for k, v in result.timings_s.items()}, "total": result.rtf,
                     "der": der(ref, hyp)})  # fmt: skip
    print(f"\nBatch, {duration:.1f} s two-speaker clip, {repeats} run(s), medians")
    print("(RTF = processing seconds per second of audio)")
    print(f"{'stage':12s} {'RTF':>8s}")
    for key in ("decode", "vad", "transcribe", "diarize", "align", "total"):
        print(f"{key:12s} {statistics.median(r[key] for r in runs):8.3f}")
    base = statistics.median(asr_only)
    total = statistics.median(r["total"] for r in runs)
    print(f"baseline: Whisper alone RTF {base:.3f}; full pipeline / baseline = {total / base:.2f}x")
    one_then_other = statistics.median(in_sequence)
    print(f"baseline: diarization after transcription (not beside it) RTF {one_then_other:.3f}; "
          f"diarizing beside it is {one_then_other / total:.2f}x faster")  # fmt: skip
    previous = statistics.median(asr_best_of_5)
    print(f"Whisper alone with faster-whisper's best_of=5 (the previous setting): RTF {previous:.3f}; "
          f"best_of={pipeline.options.transcribe.best_of} is {previous / base:.2f}x faster")  # fmt: skip
    print("goal: total RTF <= 0.25")
    print(f"DER (collar 0): {statistics.median(r['der'] for r in runs):.3f}")


def baseline_live_options() -> LiveOptions:
    """The live options before fitted encoder windows, early finals and speaker-change cuts:
    Whisper's full 30 s window for finals and partials, beam 5 for finals, finals transcribed only
    once the utterance has ended, no second try at an empty final, partials not deferred at a
    pause, a partial every 1.0 s of audio, the VAD every 0.2 s (the VAD itself is the streaming
    one, scoring each window once, in both)."""
    options = LiveOptions()
    return replace(
        options,
        pause_s=0.0,
        turn_check_interval_s=0.0,
        retry_min_s=float("inf"),
        defer_partial_s=float("inf"),
        analysis_interval_s=0.2,
        partial_interval_s=1.0,
        transcribe=replace(options.transcribe, fit_encoder_window=False, beam_size=5),
        partial_transcribe=replace(options.partial_transcribe, fit_encoder_window=False),
    )


ENROLLED_AS = {"主播": "host", "嘉宾": "guest"}  # enrolled names -> reference speakers
WORD_END_TOLERANCE_S = 0.5
"""Whisper's word timings end up to ~0.4 s before the reference end of an utterance."""


def utterance_latencies(
    utterances: list[tuple[float, float]], finals: list[tuple[float, float, float]]
) -> list[tuple[float, bool]]:
    """Seconds from each reference utterance's end to the first final caption that closes it, and
    whether a final of its own closed it.

    ``finals``: (caption start, caption end, emitted at) on the simulated clock. A final closes an
    utterance when it overlaps it and reaches to within :data:`WORD_END_TOLERANCE_S` of its end,
    or, where the next speaker starts before the end (talking over it), of that start: the
    talked-over tail goes to the next speaker's caption (``speech.live`` cuts it so). An utterance
    that no final closes (Whisper returned nothing for it, or it was merged into the next) takes
    the first final that ends past it, which is when the caption stream moved on. Latency is
    always counted from the utterance's own end.
    """
    latencies = []
    for start, end in utterances:
        talked_over = min((s for s, _ in utterances if start < s < end), default=end)
        reach = talked_over - WORD_END_TOLERANCE_S
        own = [at for c_start, c_end, at in finals if c_start < end and c_end > start and c_end >= reach]
        closing = own or [at for _, c_end, at in finals if c_end >= end - WORD_END_TOLERANCE_S]
        if closing:
            latencies.append((min(closing) - end, bool(own)))
    return latencies


def last_final_latencies(
    utterances: list[tuple[float, float]], finals: list[tuple[float, float, float]]
) -> list[tuple[float, bool]]:
    """Like :func:`utterance_latencies`, for streams where no one talks over anyone (a pause
    between every two utterances): an utterance is closed by the last final to come out among
    those overlapping it, however early Whisper's last word ends (on real speech the reference
    end is the VAD's, and Whisper's word timings end up to ~0.7 s before it); one that no final
    overlaps takes the first final that ends past it."""
    latencies = []
    for start, end in utterances:
        own = [at for c_start, c_end, at in finals if c_start < end and c_end > start]
        closing = (
            [max(own)] if own else [at for _, c_end, at in finals if c_end >= end - WORD_END_TOLERANCE_S]
        )
        if closing:
            latencies.append((min(closing) - end, bool(own)))
    return latencies


@dataclass
class LiveRun:
    """What streaming a clip through one live session gave, on the simulated clock (seconds)."""

    finals: list[tuple[float, float, float]]  # (caption start, caption end, emitted at)
    partial_gaps: list[float]
    partials: int
    lag_s: float  # how far behind real time the last final came out
    partial_at: list[float] = field(default_factory=list)  # when each partial came out


def stream_live(session: LiveCaptionSession, audio: np.ndarray) -> LiveRun:
    """Feed ``audio`` in 20 ms frames on the simulated real-time clock (module docstring)."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    frame_bytes = int(FRAME_S * SAMPLE_RATE) * 2
    free_at = 0.0
    finals: list[tuple[float, float, float]] = []
    partial_gaps: list[float] = []
    last_partial, partials = None, 0
    partial_at: list[float] = []
    for k, i in enumerate(range(0, len(pcm), frame_bytes)):
        arrival = (k + 1) * FRAME_S
        start = max(arrival, free_at)
        t0 = time.perf_counter()
        events = session.feed(pcm[i : i + frame_bytes], behind=start - arrival > BEHIND_S)
        free_at = start + time.perf_counter() - t0
        for e in events:
            if e.kind == "final":
                finals.append((e.caption.start, e.caption.end, free_at))
            else:
                partials += 1
                if last_partial is not None:
                    partial_gaps.append(free_at - last_partial)
                last_partial = free_at
                partial_at.append(free_at)
    t0 = time.perf_counter()
    finals += [(e.caption.start, e.caption.end, free_at + time.perf_counter() - t0) for e in session.finish()]
    return LiveRun(finals, partial_gaps, partials, max(0.0, free_at - audio.size / SAMPLE_RATE), partial_at)


def latency_figures(
    run: LiveRun,
    utterances: list[tuple[float, float]],
    closes: Callable[
        [list[tuple[float, float]], list[tuple[float, float, float]]], list[tuple[float, bool]]
    ] = utterance_latencies,
) -> dict[str, float]:
    """Latency p50/p95 (all utterances, and those closed by a final of their own), partials;
    ``closes`` says which final closes each utterance."""
    closed = closes(utterances, run.finals)
    lat = np.array([seconds for seconds, _ in closed]) if closed else np.array([np.nan])
    own_lat = np.array([seconds for seconds, own in closed if own]) if any(o for _, o in closed) else lat
    return {
        "utterances with a final": float(len(closed)),
        "  ... of their own": float(sum(own for _, own in closed)),
        "latency p50 s": float(np.percentile(lat, 50)),
        "latency p95 s": float(np.percentile(lat, 95)),
        "  p95, own finals only": float(np.percentile(own_lat, 95)),
        "partials": float(run.partials),
        "partial gap median s": statistics.median(run.partial_gaps) if run.partial_gaps else float("nan"),
        "final lag s": run.lag_s,
    }


def bench_live(
    pipeline: CaptionPipeline,
    audio: np.ndarray,
    utterances: list[tuple[float, float]],
    options: LiveOptions,
    reference_turns: list[Turn],
) -> tuple[dict[str, float], str]:
    """Stream ``audio`` through one live session on the simulated clock: latency figures (s),
    CER and speaker accuracy of the finals, and the finals' text."""
    enrolled = {"主播": pipeline.enrol_voice(AUDIO / "enrol_host.flac"),
                "嘉宾": pipeline.enrol_voice(AUDIO / "enrol_guest.flac")}  # fmt: skip
    session = pipeline.live_session(options, enrolled=enrolled)
    run = stream_live(session, audio)
    live_text = join_texts(c.text for c in session.finals)
    return {
        **latency_figures(run, utterances),
        "CER of finals": float(cer(reference_text(), live_text)),
        "speaker accuracy": speaker_accuracy(reference_turns, session.finals, ENROLLED_AS),
    }, live_text


def bench_real_speech(pipeline: CaptionPipeline) -> None:
    """Batch and live captions of a real recording (:func:`evals.captions.real_sample`)."""
    sample = real_sample()
    audio = decode_audio(sample.audio)
    batch = with_fresh_transcriber(pipeline, pipeline.options).run(
        audio, transcribe_options=TranscribeOptions(language="en")
    )
    batch_turns = list(batch.diarization.turns) if batch.diarization else []
    print(f"\nReal speech: {sample.audio.name} ({audio.size / SAMPLE_RATE:.1f} s English phone call, "
          f"{len(sample.utterances())} utterances)")  # fmt: skip
    accuracy = speaker_accuracy(sample.turns, batch.captions, optimal_mapping(sample.turns, batch_turns))
    print(f"batch: RTF {batch.rtf:.3f}, WER {wer(sample.text, batch.text):.2f}, "
          f"DER {der(list(sample.turns), batch_turns):.3f}, speaker accuracy {accuracy:.2f}")  # fmt: skip
    session = pipeline.live_session(LiveOptions().for_room("en"))
    run = stream_live(session, audio)
    live_turns = [Turn(c.start, c.end, c.speaker or "?") for c in session.finals]
    live_text = join_texts(c.text for c in session.finals)
    figures = {
        **latency_figures(run, sample.utterances()),
        "WER of finals": wer(sample.text, live_text),
        "WER vs batch captions": wer(batch.text, live_text),
        "speaker accuracy": speaker_accuracy(
            sample.turns, session.finals, optimal_mapping(sample.turns, live_turns)
        ),
    }
    print("live (service options, language en):")
    for key, value in figures.items():
        print(f"  {key:26s} {value:8.2f}")


HOST_PREFIX = "thchs30_A2_"
"""Clip ids of one speaker (THCHS-30 speaker A2): the host of the real-speech stream."""
GUEST_PREFIX = "aishell3_"
"""Clip ids of AISHELL-3 utterances, each from another speaker: the guests."""
HOST_ENROL_CLIPS = 2
"""The host's first clips (file order) are their enrolment sample, kept out of the stream."""
HOST_TURNS = 4
GUEST_TURNS = 4
PAUSE_RANGE_S = (0.5, 1.5)
HOST = "主播"


@dataclass
class RealStream:
    """A stream built from development clips: samples, reference utterances (start, end), reference
    turns (speaker ``host`` or the guest's clip id), reference text, clip ids in stream order, and
    the host's enrolment audio."""

    audio: np.ndarray
    utterances: list[tuple[float, float]]
    turns: list[Turn]
    text: str
    clip_ids: list[str]
    host_enrolment: np.ndarray


def speech_span(samples: np.ndarray) -> tuple[int, int]:
    """First and last sample of speech in a clip (the VAD without padding)."""
    regions = speech_regions(samples, VadOptions(pad_s=0.0))
    if not regions:
        return 0, samples.size
    return int(regions[0][0] * SAMPLE_RATE), min(samples.size, int(regions[-1][1] * SAMPLE_RATE))


def build_real_stream(folder: Path = SPEECH_DEV, seed: int = 0) -> RealStream:
    """Host and guests taking turns (module docstring): each clip trimmed to its speech plus 0.1 s
    either side, the silence from one clip's speech to the next drawn from :data:`PAUSE_RANGE_S`
    seconds (uniform, seeded)."""
    clips = asr_clips(folder)
    host = [c for c in clips if c.id.startswith(HOST_PREFIX)]
    guests = sorted((c for c in clips if c.id.startswith(GUEST_PREFIX)), key=lambda c: -c.duration_s)
    if len(host) < HOST_ENROL_CLIPS + HOST_TURNS or len(guests) < GUEST_TURNS:
        raise SpeechDataMissingError(f"{folder}: too few host ({HOST_PREFIX}*) or guest clips for the stream")
    enrolment = np.concatenate([decode_audio(c.path) for c in host[:HOST_ENROL_CLIPS]])
    order: list[tuple[AsrClip, str]] = []
    for k in range(max(HOST_TURNS, GUEST_TURNS)):
        if k < HOST_TURNS:
            order.append((host[HOST_ENROL_CLIPS + k], "host"))
        if k < GUEST_TURNS:
            order.append((guests[k], guests[k].id))
    rng = np.random.default_rng(seed)
    margin = int(0.1 * SAMPLE_RATE)
    pieces: list[np.ndarray] = []
    utterances: list[tuple[float, float]] = []
    turns: list[Turn] = []
    cursor = next_speech = 0  # samples written so far; where the next clip's speech starts
    for clip, speaker in order:
        samples = decode_audio(clip.path)
        first, last = speech_span(samples)
        a, b = max(0, first - margin), min(samples.size, last + margin)
        begin = max(cursor, next_speech - (first - a))
        pieces += [np.zeros(begin - cursor, np.float32), samples[a:b]]
        start, end = begin + first - a, begin + last - a
        utterances.append((start / SAMPLE_RATE, end / SAMPLE_RATE))
        turns.append(Turn(start / SAMPLE_RATE, end / SAMPLE_RATE, speaker))
        cursor = begin + b - a
        next_speech = end + int(rng.uniform(*PAUSE_RANGE_S) * SAMPLE_RATE)
    pieces.append(np.zeros(max(0, next_speech - cursor), np.float32))
    text = "".join(clip.text for clip, _ in order)
    return RealStream(np.concatenate(pieces), utterances, turns, text, [c.id for c, _ in order], enrolment)


def bench_real_stream(pipeline: CaptionPipeline, folder: Path) -> dict[str, dict[str, float]]:
    """Live (service options) then batch captions of :func:`build_real_stream`; prints and returns
    the figures (``live``, ``batch``)."""
    stream = build_real_stream(folder)
    duration = stream.audio.size / SAMPLE_RATE
    enrolled = {HOST: pipeline.enrol_voice(stream.host_enrolment)}
    session = pipeline.live_session(LiveOptions(), enrolled=enrolled)
    run = stream_live(session, stream.audio)
    live_text = join_texts(c.text for c in session.finals)
    live_map = _speaker_map(stream.turns, [Turn(c.start, c.end, c.speaker or "?") for c in session.finals])
    # batch last: a run before the live one would change its timing (see bench_live's caller)
    batch = with_fresh_transcriber(pipeline, pipeline.options).run(stream.audio, enrolled=enrolled)
    batch_turns = list(batch.diarization.turns) if batch.diarization else []
    batch_map = _speaker_map(stream.turns, batch_turns)
    raw_text, _ = raw_whisper_recogniser(pipeline)(stream.audio)
    host_turns = [t for t in stream.turns if t.speaker == "host"]
    gaps = np.array(run.partial_gaps) if run.partial_gaps else np.array([np.nan])
    updates = sorted(run.partial_at + [at for _, _, at in run.finals])
    inside = speaking_update_gaps(stream.utterances, updates) or [float("nan")]
    strict = latency_figures(run, stream.utterances)
    live = {
        **latency_figures(run, stream.utterances, last_final_latencies),
        "strict rule: p50 s": strict["latency p50 s"],
        "strict rule: p95 s": strict["latency p95 s"],
        "partial gap p95 s": float(np.percentile(gaps, 95)),
        "partial gap max s": float(gaps.max()),
        "update gap speaking p95 s": float(np.percentile(inside, 95)),
        "update gap speaking max s": float(np.max(inside)),
        "CER of finals": float(cer(stream.text, live_text)),
        "CER vs batch captions": float(cer(batch.text, live_text)),
        "speaker accuracy": speaker_accuracy(stream.turns, session.finals, live_map),
        "  host (enrolled)": speaker_accuracy(host_turns, session.finals, {HOST: "host"}),
        "speakers labelled": float(len({c.speaker for c in session.finals})),
    }
    batch_figures = {
        "RTF": batch.rtf,
        "CER": float(cer(stream.text, batch.text)),
        "raw faster-whisper CER": float(cer(stream.text, raw_text)),
        "CER live vs raw whisper": float(cer(raw_text, live_text)),
        "DER": der(stream.turns, batch_turns) if batch_turns else 1.0,
        "speaker accuracy": speaker_accuracy(stream.turns, batch.captions, batch_map),
        "  host (enrolled)": speaker_accuracy(host_turns, batch.captions, {HOST: "host"}),
        "speakers labelled": float(len({t.speaker for t in batch_turns})),
    }
    speakers = len({t.speaker for t in stream.turns})
    print(f"\nReal-speech stream: {duration:.1f} s, {len(stream.utterances)} utterances, {speakers} speakers "
          f"(clips in order: {', '.join(stream.clip_ids)})")  # fmt: skip
    print("live (service options, Mandarin; host enrolled), simulated real-time clock:")
    for key, value in live.items():
        print(f"  {key:26s} {value:8.2f}")
    print("batch pipeline, same audio (diarization, host enrolled):")
    for key, value in batch_figures.items():
        print(f"  {key:26s} {value:8.3f}")
    print("goal: end of utterance -> final caption p50 <= 1.2 s, p95 <= 2.5 s; a partial every <= 1 s")
    return {"live": live, "batch": batch_figures}


def speaking_update_gaps(utterances: list[tuple[float, float]], updates: list[float]) -> list[float]:
    """Seconds between caption updates (partials and early finals, ``updates``: when each came
    out) while one utterance is being spoken, counted from its start to its end (a gap across a
    pause, where there is nothing new to show, is not counted)."""
    gaps = []
    for start, end in utterances:
        times = [start] + [t for t in updates if start < t <= end] + [end]
        gaps += [b - a for a, b in itertools.pairwise(times)]
    return gaps


def _speaker_map(reference: list[Turn], hypothesis: list[Turn]) -> dict[str, str]:
    """Caption label -> reference speaker: the enrolled host by name, other labels as the DER maps
    them."""
    mapping = optimal_mapping(reference, hypothesis) if hypothesis else {}
    mapping[HOST] = "host"
    return mapping


def print_live(duration_s: float, n_utterances: int, ours: dict[str, float], base: dict[str, float]) -> None:
    print(f"\nLive, {duration_s:.1f} s streamed in 20 ms frames (simulated real-time clock), "
          f"{n_utterances} utterances")  # fmt: skip
    print(f"{'metric':26s} {'service':>14s} {'baseline':>12s} {'ratio':>7s}")
    for key, value in ours.items():
        ratio = base[key] / value if value else float("nan")
        print(f"{key:26s} {value:14.2f} {base[key]:12.2f} {ratio:7.2f}")
    print("goal: end of utterance -> final caption p50 <= 1.2 s, p95 <= 2.5 s; a partial every <= 1 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="caption pipeline speed")
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="torch and CTranslate2 threads")
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-real", action="store_true", help="skip the real English recording")
    parser.add_argument("--skip-real-stream", action="store_true", help="skip the real Mandarin stream")
    parser.add_argument("--speech-dev", type=Path, default=SPEECH_DEV, help="the real-speech clips")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    pipeline = CaptionPipeline(
        args.model_dir / "whisper-base",
        args.model_dir / "pyannote-segmentation-3.0",
        args.model_dir / "campplus-zh-en" / "campplus_cn_en_common.pt",
        PipelineOptions(whisper_cpu_threads=args.threads),
    )
    t0 = time.perf_counter()
    pipeline.load()
    print(f"model load: {time.perf_counter() - t0:.1f} s")
    audio, utterances, ref = build_clip()
    if not args.skip_batch:
        bench_batch(pipeline, audio, ref, args.repeats)
    if not args.skip_live:
        # the service's options first: run after the baseline in one process, the same options
        # measured p50 2.01-2.11 s against 1.70 s first (benchmarks/README.md)
        ours, ours_text = bench_live(pipeline, audio, utterances, LiveOptions(), ref)
        base, base_text = bench_live(pipeline, audio, utterances, baseline_live_options(), ref)
        # the batch captions last: a run before the live ones would change their timing (above)
        batch = with_fresh_transcriber(pipeline, pipeline.options).run(audio)
        batch_text = batch.text
        ours["CER vs batch captions"] = float(cer(batch_text, ours_text))
        base["CER vs batch captions"] = float(cer(batch_text, base_text))
        print(f"batch captions of the same clip: CER {cer(reference_text(), batch_text):.2f}")
        print_live(audio.size / SAMPLE_RATE, len(utterances), ours, base)
    if not args.skip_real:
        bench_real_speech(pipeline)
    if not args.skip_real_stream:
        try:
            bench_real_stream(pipeline, args.speech_dev)
        except SpeechDataMissingError as exc:
            print(f"\nReal-speech stream skipped: {exc}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
