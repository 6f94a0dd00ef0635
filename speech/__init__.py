"""Speaker-labelled captions: decode -> vad -> transcribe -> diarize -> align -> render.

A library: it reads no settings or environment and imports no other project package. Heavy
dependencies (faster-whisper, torch, pyannote.audio) are imported only inside the functions that
use them, so ``import speech`` and the pure modules (domain, align, render, errors) stay light.

Batch (files)::

    from speech.pipeline import CaptionPipeline, PipelineOptions
    from speech.render import to_srt, to_vtt, to_json, to_rttm, to_text

    pipeline = CaptionPipeline(model_dir / "whisper-base",
                               model_dir / "pyannote-segmentation-3.0",
                               model_dir / "campplus-zh-en" / "campplus_cn_en_common.pt")
    pipeline.load()                                   # optional: else on first use (thread-safe)
    voice = pipeline.enrol_voice(sample_bytes)        # np.ndarray (192,), store with consent
    result = pipeline.run(path_or_bytes, diarize=True, num_speakers=None,   # or min/max_speakers
                          enrolled={"主播": voice},
                          transcribe_options=TranscribeOptions(initial_prompt=build_prompt(names)),
                          progress=lambda stage, fraction: ...)
    to_srt(result.captions); to_vtt(result.captions)
    to_json(result.captions, language=result.language, duration_s=result.duration_s)
    to_rttm(result.diarization.turns); to_text(result.captions, speakers=True)
    result.timings_s, result.rtf                      # seconds per stage, real-time factor

``run`` blocks (it consumes Whisper's lazy generator itself): call it from a worker thread.

Live (one session per audio stream; models shared with the pipeline)::

    session = pipeline.live_session(enrolled={"主播": voice})   # LiveCaptionSession
    events = session.feed(pcm16_bytes, behind=False)  # list[CaptionEvent(kind, caption, emitted_at_audio_s)]
    events = session.finish()                          # end of stream: pending speech -> finals
    session.finals                                     # list[Caption] so far

Live sessions run Whisper's encoder over a window fitted to each utterance (not the padded 30 s)
and transcribe an utterance at the speaker's first pause ("early final", shown as a partial and
kept as the final when the utterance then ends), cut an utterance where another speaker takes
over (the segmentation model, :mod:`speech.speaker_change`), transcribe once more an utterance
whose first result came back empty, and score each 32 ms of audio with the VAD once
(:class:`speech.vad.StreamingVad`); see :class:`speech.live.LiveOptions`. A
``Transcriber`` seeds the temperature fallback's sampling when its model loads, so a fresh model
captions the same recordings the same way on every run.

Modules:

- :mod:`speech.domain`: ``Word``, ``Segment``, ``Turn``, ``Diarization``, ``Caption``,
  ``CaptionResult``, ``SAMPLE_RATE`` (16 kHz), ``ProgressHook``.
- :mod:`speech.decode`: ``decode_audio(source, max_duration_s=None) -> float32 mono 16 kHz``
  (WAV, FLAC, MP3, M4A, MP4, Ogg, WebM), ``pcm16_to_float``.
- :mod:`speech.vad`: ``speech_regions(audio, VadOptions)`` (Silero, from faster-whisper);
  ``StreamingVad`` (a growing buffer scored once per window), ``window_probabilities``,
  ``regions_from_probabilities``.
- :mod:`speech.speaker_change`: ``SpeakerChangeDetector.find_turn_change(audio)`` ->
  ``TurnChange(end_s, next_start_s)`` or ``None``; ``turn_change`` on an activity matrix.
- :mod:`speech.transcribe`: ``Transcriber``, ``TranscribeOptions``, ``Transcript``,
  ``build_prompt(product_names)``, ``to_simplified``, ``fitted_encoder_frames``.
- :mod:`speech.diarize`: ``Diarizer`` (``diarize``, ``embed_voice``, ``name_speakers``),
  ``DiarizerOptions``, ``match_voiceprints``.
- :mod:`speech.align`: ``align(segments, diarization, CueOptions)``, ``assign_speakers``,
  ``build_captions``.
- :mod:`speech.render`: ``to_srt``, ``to_vtt``, ``to_json``, ``caption_dicts``, ``to_rttm``,
  ``to_text``.
- :mod:`speech.live`: ``LiveCaptionSession``, ``LiveOptions``, ``CaptionEvent``, ``utterance_options``.
- :mod:`speech.errors`: ``SpeechError`` > ``AudioInputError`` (client errors: ``CorruptAudioError``,
  ``UnsupportedFormatError``, ``EmptyAudioError``, ``AudioTooLongError``, ``InvalidFrameError``,
  ``EnrolmentError``), ``UnsupportedLanguageError`` and ``SpeakerCountError`` (client errors in
  the request), ``ModelLoadError`` (deployment).
"""
