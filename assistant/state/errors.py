"""Errors of the state stores (room errors reuse ``assistant.rooms``: the routes already map them)."""

from __future__ import annotations


class StateError(Exception):
    """Base class of the state stores' own errors."""


class ConflictError(StateError):
    """A compare-and-set update kept losing to concurrent writers and gave up.

    Raised after ``StateOptions.cas_attempts`` tries; a caller sees it only when one room is being
    changed by many writers at once (retry the request)."""


class StateConfigError(StateError):
    """The factory was given arguments that cannot build the asked-for backend."""
