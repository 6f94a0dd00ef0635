"""The learned side of understanding a danmaku: answer it, hand it to a person, or stay silent,
and which question it asks. A small linear model trained on labelled lines.

Why a model: shoppers' real lines ("上个月20号买的怎么还没到", "主播多少粉丝了", "能否开发票")
defeat keyword rules in both directions: order problems look like shipping questions, chat to the
host looks like a price question, genuine questions look like chatter. The rules stay where they
are exact (link numbers, amounts, sizes, slots); the decisions come from this model.

The model is two multinomial logistic regressions (``ROUTES`` and ``INTENTS`` heads) over one
sparse binary feature vector (``features``): character 1-3-grams of the normalised text (digits
folded to ``0``, so "20号" and "3号" share a gram) plus the rule side's own reading (triage, rule
intent, which slots were found, how the text refers to a product, whether it is about the viewer's
own order), hashed into ``dim`` buckets
with CRC-32 (stable across processes, unlike ``hash``). Scoring one line is a sum of a few hundred
weight rows: tens of microseconds, no extra model to load.

The weights (``data/understanding.npz``, numbers only) come from
``python -m evals.answers.train_understanding``, which trains on the hand-labelled real lines (text
joined from the shared development data at training time, never stored) plus the project's own
generated eval cases and invented examples. Its cross-validated figures are in
``docs/understanding-model.md``.

``decide`` turns probabilities into a ``Decision`` with abstention: a line is answered (``answer``)
only when ``P(answer)`` reaches ``ANSWER_MIN_P``; a line whose likeliest class is silence is left
silent (the host reads every line anyway); any other line is unsure: ``open`` while ``P(handoff)``
is below ``OPEN_MAX_P`` (only a grounded source may answer it: the product's FAQ or attributes, or
the guarded LLM over catalog passages; else a person), ``handoff`` above. Silence overrides a rule
QUESTION at ``SILENT_MIN_P``; a rule CHATTER becomes a question only at ``SPEAK_MIN_P``. A line of no
known question kind (intent OTHER), or one about goods the room does not sell that does not ask
whether the room has them, that nothing grounded answers stays silent instead of being handed to a
person when ``stays_quiet`` (chat that merely looks like a question).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from assistant.danmaku.intent import about_own_order
from assistant.danmaku.types import Intent, Slots, Triage, Understanding

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "understanding.npz"
FORMAT_VERSION = 1
DEFAULT_DIM = 1 << 15

ModelRoute = Literal["answer", "handoff", "silent"]  # the route head's classes
ROUTES: tuple[ModelRoute, ...] = ("answer", "handoff", "silent")
# What the pipeline does: "open" is an unsure product question that only a grounded source (the
# product's FAQ or attributes, the guarded LLM over catalog passages) may answer; else a person.
Route = Literal["answer", "open", "handoff", "silent"]
# The intent head predicts the pipeline's intents for product questions.
INTENTS: tuple[Intent, ...] = tuple(Intent)

ANSWER_MIN_P = 0.5  # below this P(answer) a product question is never answered from a template
OPEN_MAX_P = 0.8  # an unsure line is "open" (grounded answers only) while P(handoff) is below this
SILENT_MIN_P = 0.0  # a rule QUESTION the model routes to silence is left silent only this sure
SPEAK_MIN_P = 0.8  # a rule CHATTER / STEERING line is taken up only this sure
INTENT_MIN_P = 0.75  # the model's intent replaces a rule intent (never OTHER) only this sure
# A line of no known question kind that nothing grounded answers is left silent rather than handed
# to a person unless a person is clearly likelier than silence (P(silent) >= QUIET_RATIO x
# P(handoff)), and silence is at least QUIET_MIN_P likely (``stays_quiet``). A page costs the host's
# attention and the host reads the feed anyway, so a near tie goes to silence.
QUIET_MIN_P = 0.1
QUIET_RATIO = 0.8

_NGRAMS = (1, 2, 3)
_DIGITS = str.maketrans("0123456789", "0000000000")
_SLOT_NAMES = tuple(Slots.__slots__)  # height_cm, weight_kg, size, ...


class UnderstandingModelError(RuntimeError):
    """The weights file is missing or not a model this code can read (the message says which)."""


def features(understanding: Understanding, reference: str | None = None) -> list[str]:
    """The named features of one understood danmaku (see the module docstring).

    ``reference`` is how the text points at a product (``intent.extract_product_reference``'s kind:
    stage, link, name, previous) or None."""
    text = understanding.normalized.translate(_DIGITS)
    padded = f"^{text}$"
    out = [f"g:{padded[i : i + n]}" for n in _NGRAMS for i in range(len(padded) - n + 1)]
    out.append(f"t:{understanding.triage}")
    out.append(f"i:{understanding.intent}")
    out.append(f"r:{reference}")
    out.append(f"l:{min(len(text), 40) // 5}")
    out.append(f"lang:{understanding.language}")
    out.append(f"o:{about_own_order(understanding.normalized)}")
    slots = understanding.slots
    out.extend(f"s:{name}" for name in _SLOT_NAMES if getattr(slots, name) is not None)
    return out


def hashed(names: Iterable[str], dim: int) -> npt.NDArray[np.int64]:
    """Bucket indices (unique, sorted) of feature names, by CRC-32 modulo ``dim``."""
    return np.unique(np.fromiter((zlib.crc32(n.encode("utf-8")) % dim for n in names), dtype=np.int64))


@dataclass(frozen=True, slots=True)
class Decision:
    """What the model makes of one line.

    ``route``: answer, open, handoff or silent after abstention; ``p_route``: the three probabilities
    (``ROUTES`` order); ``intent``: the model's intent when it reaches ``INTENT_MIN_P`` and the rules
    read an intent to correct, else None
    (the rule intent stands)."""

    route: Route
    p_route: tuple[float, float, float]
    intent: Intent | None
    p_intent: float

    @property
    def p_answer(self) -> float:
        return self.p_route[0]

    @property
    def p_handoff(self) -> float:
        return self.p_route[1]

    @property
    def p_silent(self) -> float:
        return self.p_route[2]


def _softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    out: npt.NDArray[np.float64] = e / e.sum(axis=-1, keepdims=True)
    return out


class UnderstandingModel:
    """The two linear heads and their hashing size; ``decide`` is pure and thread-safe."""

    def __init__(
        self,
        route_w: npt.NDArray[np.floating],
        route_b: npt.NDArray[np.floating],
        intent_w: npt.NDArray[np.floating],
        intent_b: npt.NDArray[np.floating],
        intents: Sequence[Intent] = INTENTS,
    ) -> None:
        dim = route_w.shape[0]
        if route_w.shape != (dim, len(ROUTES)) or route_b.shape != (len(ROUTES),):
            raise UnderstandingModelError(
                f"route weights must be ({dim}, {len(ROUTES)}), got {route_w.shape}"
            )
        if intent_w.shape != (dim, len(intents)) or intent_b.shape != (len(intents),):
            raise UnderstandingModelError(
                f"intent weights must be ({dim}, {len(intents)}), got {intent_w.shape}"
            )
        self.dim = dim
        self._route_w = np.asarray(route_w, dtype=np.float32)
        self._route_b = np.asarray(route_b, dtype=np.float64)
        self._intent_w = np.asarray(intent_w, dtype=np.float32)
        self._intent_b = np.asarray(intent_b, dtype=np.float64)
        self._intents = tuple(intents)

    # -- persistence ----------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> UnderstandingModel:
        """The model saved at ``path`` by ``save`` (raises ``UnderstandingModelError``)."""
        if not path.is_file():
            raise UnderstandingModelError(
                f"no understanding weights at {path}: run `python -m evals.answers.train_understanding`"
            )
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["version"])
                if version != FORMAT_VERSION:
                    raise UnderstandingModelError(
                        f"{path} is format {version}, this code reads format {FORMAT_VERSION}: retrain"
                    )
                if tuple(str(r) for r in data["routes"]) != ROUTES:
                    raise UnderstandingModelError(f"{path} has routes {list(data['routes'])}, not {ROUTES}")
                intents = tuple(Intent(str(i)) for i in data["intents"])
                return cls(data["route_w"], data["route_b"], data["intent_w"], data["intent_b"], intents)
        except (KeyError, ValueError, OSError) as exc:
            raise UnderstandingModelError(f"{path} is not an understanding weights file: {exc}") from exc

    def save(self, path: Path) -> None:
        """Write the weights (float16, compressed; numbers and class names only)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            version=np.array(FORMAT_VERSION),
            routes=np.array(ROUTES),
            intents=np.array([str(i) for i in self._intents]),
            route_w=self._route_w.astype(np.float16),
            route_b=self._route_b.astype(np.float32),
            intent_w=self._intent_w.astype(np.float16),
            intent_b=self._intent_b.astype(np.float32),
        )

    # -- scoring --------------------------------------------------------------------------------
    def probabilities(
        self, understanding: Understanding, reference: str | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """P(route) in ``ROUTES`` order and P(intent) in the model's intent order."""
        idx = hashed(features(understanding, reference), self.dim)
        route = _softmax(self._route_w[idx].sum(axis=0, dtype=np.float64) + self._route_b)
        intent = _softmax(self._intent_w[idx].sum(axis=0, dtype=np.float64) + self._intent_b)
        return route, intent

    def decide(self, understanding: Understanding, reference: str | None = None) -> Decision:
        """The route after abstention (module docstring) and the model's intent if sure enough."""
        route_p, intent_p = self.probabilities(understanding, reference)
        p_answer, p_handoff, p_silent = (float(p) for p in route_p)
        route: Route
        if p_answer >= ANSWER_MIN_P:
            route = "answer"
        elif p_silent >= p_handoff and p_silent >= p_answer:
            route = "silent"
        elif p_handoff < OPEN_MAX_P:
            route = "open"
        else:
            route = "handoff"
        best = int(intent_p.argmax())
        # The model corrects an intent the rules read; it never gives one to a line with no question
        # word of any intent: its intent head learnt from product questions alone, so on chat
        # ("哦好呢", "3.5是什么意思") its best guess is still some intent.
        sure = intent_p[best] >= INTENT_MIN_P and understanding.intent is not Intent.OTHER
        intent = self._intents[best] if sure else None
        return Decision(route, (p_answer, p_handoff, p_silent), intent, float(intent_p[best]))


def takes_up(decision: Decision, triage: Triage) -> bool:
    """Whether a line the rules would not answer (CHATTER, STEERING) is a genuine question or
    request the model is sure of (an angry question, "能否开发票"). Abuse and spam never are."""
    if triage is Triage.CHATTER:
        return decision.route != "silent" and max(decision.p_answer, decision.p_handoff) >= SPEAK_MIN_P
    if triage is Triage.STEERING:  # only ever to a person: the bot's words stay fixed
        return decision.p_handoff >= SPEAK_MIN_P
    return False


def stays_quiet(decision: Decision) -> bool:
    """Whether a line of no known question kind (intent OTHER, or goods not sold here: the module
    docstring) that nothing grounded answers should stay silent instead of paging a person: the
    model finds silence about as likely as a person or likelier (``QUIET_RATIO``), and a real
    possibility (``QUIET_MIN_P``): "会员卡有啥用" is chat, "可以刻字吗" a question for the shop."""
    return decision.p_silent >= QUIET_RATIO * decision.p_handoff and decision.p_silent >= QUIET_MIN_P


def silences(decision: Decision) -> bool:
    """Whether a line the rules call a question is chat the model is sure of."""
    return decision.route == "silent" and decision.p_silent >= SILENT_MIN_P
