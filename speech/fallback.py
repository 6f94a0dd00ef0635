"""Whisper's temperature fallback, made repeatable.

Whisper decodes a 30 s window again when its text looks like a loop (gzip compression ratio above
2.4) or scores a low mean log-probability, by *sampling* at rising temperatures (0.2 ... 1.0).
CTranslate2 draws those samples from one random generator per decoding thread, seeded once, when
the thread first samples, and never reset: a retry's text depends on every sampled retry the
process made before it (other files, other requests, live sessions), so the same recording came
back with different captions from one request to the next. :class:`FallbackDecoder` replaces
each sampled rung by a deterministic one while the calling thread's transcription asks for it
(:data:`decoding`), so a window always decodes the same.
"""

from __future__ import annotations

import threading
from typing import Any

decoding = threading.local()
"""The calling thread's transcription: ``repeatable`` (bool) and ``beam_size`` (int)."""

REPEATABLE_NO_REPEAT_NGRAM = 3
"""Token n-grams a repeatable fallback may not repeat (a loop cannot form)."""


def repeatable_fallback(kwargs: dict[str, Any], beam_size: int) -> dict[str, Any]:
    """CTranslate2 ``generate`` arguments for one rung of Whisper's temperature fallback, without
    sampling.

    Whisper retries a window whose text looks like a loop or scores a low log-probability by
    *sampling* at rising temperatures. CTranslate2 draws those samples from a random generator
    per decoding thread, seeded once when the thread first samples, so a retry's text depends on
    every sampled retry before it in the process: the same recording came back with different
    captions on each request. Here each rung is a beam search instead, with a repetition penalty
    that grows with the rung's temperature (1 + t/2) and no repeated token 3-grams, which breaks
    the loops the fallback exists for; the same window always decodes to the same text.
    """
    temperature = float(kwargs.get("sampling_temperature", 1.0))
    out = dict(kwargs)
    out.update(
        beam_size=max(1, beam_size),
        num_hypotheses=1,
        sampling_topk=1,
        sampling_temperature=1.0,
        repetition_penalty=max(float(kwargs.get("repetition_penalty", 1.0)), 1.0 + temperature / 2),
        no_repeat_ngram_size=max(int(kwargs.get("no_repeat_ngram_size", 0)), REPEATABLE_NO_REPEAT_NGRAM),
    )
    return out


class FallbackDecoder:
    """CTranslate2's Whisper model as faster-whisper calls it, with sampled fallback decodes
    replaced by :func:`repeatable_fallback` while the calling thread's call asks for that."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        sampled = kwargs.get("sampling_topk") == 0 and kwargs.get("sampling_temperature", 0) > 0
        if sampled and getattr(decoding, "repeatable", False):
            kwargs = repeatable_fallback(kwargs, getattr(decoding, "beam_size", 5))
        return self._model.generate(*args, **kwargs)
