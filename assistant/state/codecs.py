"""JSON codecs of the values the stores keep: every backend stores exactly these texts.

``dumps`` writes compact UTF-8 JSON with sorted keys, so equal values give equal texts (the redis
handoff queue finds entries by their text). Datetimes travel as ISO 8601 with their offset.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, astuple, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.danmaku.dialogue import ClarifyOption, PendingClarification, ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.replies import Reply
from assistant.danmaku.types import Intent, ReplySource, Slots
from assistant.review import HeldQuestion, HeldReply
from assistant.rooms import Room
from assistant.state.records import Consent, ConsentEvent, EnrolledVoice, Handoff, RecentReply
from speech.domain import Caption, Word

if TYPE_CHECKING:
    from assistant.danmaku.cache import AnswerKey

JsonDict = dict[str, Any]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    return json.loads(text)


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _req_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def answer_key_text(key: AnswerKey) -> str:
    """A stable text of an answer-cache key (the same in every process): a SHA-256 of its fields."""
    return hashlib.sha256(repr(astuple(key)).encode("utf-8")).hexdigest()


def question_key_text(key: AnswerKey) -> str:
    """What a question asks, as text: its answer-cache key without the catalog and room versions
    (a new version changes the answer, not the question), so a handoff asked before and after a
    stage move is still one question in the operator's queue."""
    return answer_key_text(replace(key, catalog_version=0, room_version=0))


# -- rooms -----------------------------------------------------------------------------------------
def room_to_text(room: Room) -> str:
    return dumps(room.to_dict())


def room_from_text(text: str | bytes) -> Room:
    return Room.from_dict(loads(text))


# -- dialogue --------------------------------------------------------------------------------------
def _pending_to_dict(p: PendingClarification) -> JsonDict:
    return {
        "intent": str(p.intent),
        "slots": _slots_to_dict(p.slots),
        "options": [
            {"keywords": list(o.keywords), "product_id": o.product_id, "sku_id": o.sku_id} for o in p.options
        ],
        "asked_at": p.asked_at.isoformat(),
        "original_text": p.original_text,
    }


_SLOT_FIELDS = frozenset(f.name for f in fields(Slots))


def _slots_to_dict(slots: Slots) -> JsonDict:
    """The slots that are set: a record stays readable by a version that knows fewer slots."""
    return {k: v for k, v in asdict(slots).items() if v is not None}


def _slots_from_dict(d: JsonDict) -> Slots:
    """Slots as ``_slots_to_dict`` (or an older ``asdict``) wrote them, slots this version does not
    know dropped; a girth comes back from JSON as a list, kept as a pair."""
    known = {k: v for k, v in d.items() if k in _SLOT_FIELDS}
    girth = known.get("girth")
    return Slots(**{**known, "girth": (str(girth[0]), float(girth[1])) if girth else None})


def _pending_from_dict(d: JsonDict) -> PendingClarification:
    return PendingClarification(
        intent=Intent(d["intent"]),
        slots=_slots_from_dict(d["slots"]),
        options=tuple(
            ClarifyOption(tuple(o["keywords"]), o["product_id"], o.get("sku_id")) for o in d["options"]
        ),
        asked_at=_req_dt(d["asked_at"]),
        original_text=d.get("original_text", ""),
    )


def dialogue_to_text(state: ViewerDialogue) -> str:
    return dumps(
        {
            "product_id": state.product_id,
            "sku_id": state.sku_id,
            "intent": None if state.intent is None else str(state.intent),
            "updated_at": state.updated_at.isoformat(),
            "pending": None if state.pending is None else _pending_to_dict(state.pending),
            "viewer": _slots_to_dict(state.viewer),
            "asked": state.asked,
        }
    )


def dialogue_from_text(text: str | bytes) -> ViewerDialogue:
    d = loads(text)
    return ViewerDialogue(
        product_id=d["product_id"],
        sku_id=d["sku_id"],
        intent=None if d["intent"] is None else Intent(d["intent"]),
        updated_at=_req_dt(d["updated_at"]),
        pending=None if d["pending"] is None else _pending_from_dict(d["pending"]),
        viewer=_slots_from_dict(d.get("viewer") or {}),
        asked=d.get("asked") or "",
    )


# -- operator answers and handoffs -----------------------------------------------------------------
def answer_to_text(entry: OperatorAnswer) -> str:
    return dumps(asdict(entry))


def answer_from_text(text: str | bytes) -> OperatorAnswer:
    return OperatorAnswer(**loads(text))


def handoff_to_text(h: Handoff) -> str:
    return dumps({**asdict(h), "at": h.at.isoformat()})


def handoff_from_text(text: str | bytes) -> Handoff:
    d = loads(text)
    return Handoff(**{**d, "at": _req_dt(d["at"])})


# -- recent replies --------------------------------------------------------------------------------
def _reply_to_dict(r: Reply) -> JsonDict:
    d = asdict(r)
    d.update(reply_to=list(r.reply_to), viewer_ids=list(r.viewer_ids), source=str(r.source))
    return d


def _reply_from_dict(d: JsonDict) -> Reply:
    return Reply(
        **{
            **d,
            "reply_to": tuple(d["reply_to"]),
            "viewer_ids": tuple(d["viewer_ids"]),
            "source": ReplySource(d["source"]),
        }
    )


def recent_to_text(entry: RecentReply) -> str:
    c = entry.composed
    composed = {
        "body": c.body,
        "source": str(c.source),
        "product_id": c.product_id,
        "expires_at": _dt(c.expires_at),
        "sku_id": c.sku_id,
        "pending": None if c.pending is None else _pending_to_dict(c.pending),
        "cacheable": c.cacheable,
        "llm_called": c.llm_called,
        "faq_id": c.faq_id,
    }
    return dumps(
        {"reply": _reply_to_dict(entry.reply), "composed": composed, "posted_at": entry.posted_at.isoformat()}
    )


def recent_from_text(text: str | bytes) -> RecentReply:
    # answering.py composes the whole answer stack: imported on first use, not with the stores
    from assistant.danmaku.answering import Composed

    d = loads(text)
    c = d["composed"]
    composed = Composed(
        body=c["body"],
        source=ReplySource(c["source"]),
        product_id=c["product_id"],
        expires_at=_parse_dt(c["expires_at"]),
        sku_id=c["sku_id"],
        pending=None if c["pending"] is None else _pending_from_dict(c["pending"]),
        cacheable=c["cacheable"],
        llm_called=c["llm_called"],
        faq_id=c.get("faq_id"),
    )
    return RecentReply(_reply_from_dict(d["reply"]), composed, _req_dt(d["posted_at"]))


# -- captions and voices ---------------------------------------------------------------------------
def caption_to_text(c: Caption) -> str:
    return dumps(asdict(c))


def caption_from_text(text: str | bytes) -> Caption:
    d = loads(text)
    words = tuple(Word(**w) for w in d.pop("words", ()))
    return Caption(**d, words=words)


def voice_to_text(v: EnrolledVoice) -> str:
    consent = {**asdict(v.consent), "given_at": v.consent.given_at.isoformat()}
    return dumps(
        {
            "name": v.name,
            "vector": list(v.vector),
            "enrolled_at": v.enrolled_at.isoformat(),
            "consent": consent,
        }
    )


def voice_from_text(text: str | bytes) -> EnrolledVoice:
    d = loads(text)
    c = d["consent"]
    consent = Consent(_req_dt(c["given_at"]), c["statement"], c.get("recorded_by", ""))
    return EnrolledVoice(d["name"], tuple(float(x) for x in d["vector"]), _req_dt(d["enrolled_at"]), consent)


def consent_event_to_text(e: ConsentEvent) -> str:
    return dumps({**asdict(e), "at": e.at.isoformat()})


def consent_event_from_text(text: str | bytes) -> ConsentEvent:
    d = loads(text)
    return ConsentEvent(**{**d, "at": _req_dt(d["at"])})


def given(room_id: str, voice: EnrolledVoice) -> ConsentEvent:
    """The consent-log line of an enrolment."""
    c = voice.consent
    return ConsentEvent(room_id, voice.name, "given", c.given_at, c.statement, c.recorded_by)


# -- review: held replies --------------------------------------------------------------------------
def held_to_text(entry: HeldReply) -> str:
    return dumps(
        {
            "room_id": entry.room_id,
            "reply": _reply_to_dict(entry.reply),
            "questions": [asdict(q) for q in entry.questions],
            "held_at": entry.held_at.isoformat(),
        }
    )


def held_from_text(text: str | bytes) -> HeldReply:
    d = loads(text)
    questions = tuple(HeldQuestion(**q) for q in d["questions"])
    return HeldReply(d["room_id"], _reply_from_dict(d["reply"]), questions, _req_dt(d["held_at"]))
