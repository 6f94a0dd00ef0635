"""Errors raised by the speech package.

Every error derives from :class:`SpeechError`, so a caller can map the whole family in one place
(the service maps input errors to 4xx and model errors to 5xx). Messages name the problem and
the fix.
"""

from __future__ import annotations


class SpeechError(Exception):
    """Base class of every error raised by the speech package."""


class AudioInputError(SpeechError):
    """The audio handed in cannot be used (a client error: fix the input, not the server)."""


class CorruptAudioError(AudioInputError):
    """The bytes are not decodable audio (damaged, truncated or not audio at all)."""


class UnsupportedFormatError(AudioInputError):
    """The container or codec is not one the package accepts, or it carries no audio stream."""


class EmptyAudioError(AudioInputError):
    """The input holds no audio samples (zero-length file or stream)."""


class AudioTooLongError(AudioInputError):
    """The audio is longer than the caller's maximum duration."""


class InvalidFrameError(AudioInputError):
    """A live PCM frame is malformed (odd byte length, too large, or after the session ended)."""


class UnsupportedLanguageError(SpeechError):
    """A language code the speech model does not know (a client error: fix the request)."""


class SpeakerCountError(SpeechError):
    """Speaker-count bounds that cannot hold (below 1, or a minimum above the maximum): a client
    error, fix the request."""


class ModelLoadError(SpeechError):
    """A model directory or weights file is missing or unreadable (a deployment problem)."""


class EnrolmentError(AudioInputError):
    """A voice sample is unusable for enrolment (too little speech)."""
