"""Where everything an operator or a viewer did is kept, so a restart loses nothing and several
processes can serve one room. See ``assistant/state/README.md`` for what each backend keeps.

One small interface per kind of state (``interfaces``), three backends (``memory``, ``sqlite``,
``redis``) built by ``build_state_stores`` into a typed ``StateStores``.
"""

from assistant.state.errors import ConflictError, StateConfigError, StateError
from assistant.state.factory import StateKind, StateStores, build_state_stores
from assistant.state.options import StateOptions
from assistant.state.records import CaptionLog, Consent, ConsentEvent, EnrolledVoice, Handoff, RecentReply

__all__ = [
    "CaptionLog",
    "ConflictError",
    "Consent",
    "ConsentEvent",
    "EnrolledVoice",
    "Handoff",
    "RecentReply",
    "StateConfigError",
    "StateError",
    "StateKind",
    "StateOptions",
    "StateStores",
    "build_state_stores",
]
