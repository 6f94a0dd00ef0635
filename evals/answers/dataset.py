"""The answer-quality eval set: cases of one or more danmaku turns with expectations, on the demo
catalog (``evals/data/answers.jsonl``, written by ``evals.answers.make_dataset``).

One JSON object a line::

    {"id": "flash-hj01-2009", "tags": ["flash_sale", "boundary"], "at": "2026-11-21T20:09:59+08:00",
     "stage": "HJ01", "turns": [{"viewer": "v1", "text": "这个多少钱",
       "expect": {"reply": true, "product_id": "HJ01", "intent": "price",
                  "source_in": ["catalog", "faq"], "required": ["89.00", "20:10"],
                  "forbidden": ["最低"], "clarify": false, "handoff": false}}]}

- ``at`` is the frozen clock of the first turn; a later turn without ``at`` comes ``TURN_GAP_S``
  seconds after the one before it. A turn's ``stage`` (present, even null) changes the product on
  stage just before that turn.
- ``expect.reply``: true (must answer), false (must stay silent: chatter, spam, abuse), or null
  (either is right, e.g. a steering attempt may get a fixed safe reply or none).
- ``expect.product_id``: checked only when the key is present (null then means "no product").
- ``required``: every item must appear in the reply. An item that is a number ("89.00", "15") is
  matched by value against the numbers in the reply (89 == 89.00, ¥89, 89元); "HH:MM" is a clock
  time (20:10 == 20点10分); anything else is a case-sensitive substring, ``a|b``
  meaning either (of any of these kinds).
- ``forbidden``: nothing may appear. A number is matched against the reply's money amounts only
  (a forbidden "1.00" catches 1元 / ¥1, not "1号链接"); other items are substrings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from evals.answers.amounts import Kind, time_value, to_decimal
from evals.answers.errors import DatasetError
from evals.answers.grounding import grounding_for
from knowledge.domain import Catalog

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "answers.jsonl"
TURN_GAP_S = 10.0  # seconds between turns that do not give their own time
SOURCES = frozenset({"catalog", "faq", "llm", "fallback", "clarify", "handoff"})
INTENTS = frozenset(
    {
        "price",
        "discount",
        "flash_sale",
        "price_protection",
        "stock",
        "shipping",
        "size",
        "variant",
        "material",
        "suitability",
        "usage",
        "after_sales",
        "how_to_order",
        "other",
    }
)
_TIME_ITEM_RE = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Expect:
    """What a correct reply to one turn looks like (see module doc)."""

    reply: bool | None = True
    product_id: str | None = None
    check_product: bool = False  # the case named a product (or null) to check against
    intent: str | None = None
    source_in: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    clarify: bool = False
    handoff: bool = False


@dataclass(frozen=True, slots=True)
class Turn:
    viewer: str
    text: str
    at: datetime
    expect: Expect
    nickname: str = ""
    stage_change: bool = False
    stage: str | None = None  # used when stage_change


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    tags: tuple[str, ...]
    at: datetime
    stage: str | None
    turns: tuple[Turn, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def multi_turn(self) -> bool:
        return len(self.turns) > 1


def _parse_time(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise DatasetError(f"{where}: 'at' must be an ISO-8601 string with an offset, got {value!r}")
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise DatasetError(
            f"{where}: 'at' {value!r} has no UTC offset; write it like 2026-11-21T20:05:00+08:00"
        )
    return at


def _expect(raw: dict[str, Any], where: str) -> Expect:
    unknown = set(raw) - {
        "reply",
        "product_id",
        "intent",
        "source_in",
        "required",
        "forbidden",
        "clarify",
        "handoff",
    }
    if unknown:
        raise DatasetError(f"{where}: unknown expect keys {sorted(unknown)}")
    return Expect(
        reply=raw.get("reply", True),
        product_id=raw.get("product_id"),
        check_product="product_id" in raw,
        intent=raw.get("intent"),
        source_in=tuple(raw.get("source_in", ())),
        required=tuple(str(x) for x in raw.get("required", ())),
        forbidden=tuple(str(x) for x in raw.get("forbidden", ())),
        clarify=bool(raw.get("clarify", False)),
        handoff=bool(raw.get("handoff", False)),
    )


def parse_case(raw: dict[str, Any]) -> Case:
    """One case from its JSON object; raises DatasetError naming the case and the problem."""
    case_id = str(raw.get("id", ""))
    if not case_id:
        raise DatasetError(f"a case has no 'id': {json.dumps(raw, ensure_ascii=False)[:120]}")
    at = _parse_time(raw.get("at"), case_id)
    turns: list[Turn] = []
    previous = at
    for i, t in enumerate(raw.get("turns", ())):
        where = f"{case_id} turn {i + 1}"
        when = (
            _parse_time(t["at"], where)
            if "at" in t
            else (at if i == 0 else previous + timedelta(seconds=TURN_GAP_S))
        )
        turns.append(
            Turn(
                viewer=str(t.get("viewer", "v1")),
                text=str(t["text"]),
                at=when,
                expect=_expect(t.get("expect", {}), where),
                nickname=str(t.get("nickname", "")),
                stage_change="stage" in t,
                stage=t.get("stage"),
            )
        )
        previous = when
    if not turns:
        raise DatasetError(f"{case_id}: a case needs at least one turn")
    return Case(case_id, tuple(raw.get("tags", ())), at, raw.get("stage"), tuple(turns), raw)


def load_cases(path: Path = DATA_PATH) -> list[Case]:
    """Every case of the JSONL file (blank lines ignored)."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(parse_case(json.loads(line)))
        except (json.JSONDecodeError, KeyError, ValueError) as exc:
            raise DatasetError(f"{path}:{n}: {exc}; fix the line or regenerate with make_dataset") from exc
    return cases


def is_number_item(item: str) -> bool:
    return to_decimal(item) is not None


def time_item(item: str) -> tuple[int, int] | None:
    m = _TIME_ITEM_RE.match(item)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _check_turn(catalog: Catalog, case: Case, i: int, turn: Turn, previous: datetime | None) -> Iterable[str]:
    where = f"{case.case_id} turn {i + 1}"
    e = turn.expect
    if previous is not None and turn.at < previous:
        yield f"{where}: its time is before the previous turn's"
    if turn.stage_change and previous is not None and (turn.at - previous).total_seconds() < 2:
        yield f"{where}: a stage change needs 2 s after the previous turn"
    for pid in (e.product_id, turn.stage if turn.stage_change else None):
        if pid is not None and catalog.product(pid) is None:
            yield f"{where}: product {pid!r} is not in the catalog"
    if e.intent is not None and e.intent not in INTENTS:
        yield f"{where}: intent {e.intent!r} is not one of {sorted(INTENTS)}"
    for source in e.source_in:
        if source not in SOURCES:
            yield f"{where}: source {source!r} is not one of {sorted(SOURCES)}"
    if not e.required:
        return
    grounding = grounding_for(catalog, [e.product_id] if e.product_id else [], turn.at, turn.text)
    for item in (alt for req in e.required for alt in req.split("|")):
        hm = time_item(item)
        if hm is not None and not grounding.allows(Kind.TIME, time_value(*hm)):
            yield f"{where}: required time {item} is no promotion boundary of {e.product_id}"
        value = to_decimal(item)
        if (
            value is not None
            and value not in grounding.money | grounding.durations | grounding.product_numbers
        ):
            yield f"{where}: required amount {item} is not a fact of {e.product_id} at {turn.at.isoformat()}"


def validate(cases: Sequence[Case], catalog: Catalog) -> list[str]:
    """Every problem of the set: duplicate ids, unknown products/intents/sources, times out of
    order, required amounts that are not facts of the expected product at that time."""
    problems: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.case_id in seen:
            problems.append(f"{case.case_id}: duplicate id")
        seen.add(case.case_id)
        if case.stage is not None and catalog.product(case.stage) is None:
            problems.append(f"{case.case_id}: stage product {case.stage!r} is not in the catalog")
        previous: datetime | None = None
        for i, turn in enumerate(case.turns):
            problems.extend(_check_turn(catalog, case, i, turn, previous))
            previous = turn.at
    return problems
