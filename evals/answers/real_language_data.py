"""The real-language yardstick's data: hand labels of real shoppers' lines, keyed by sha1.

The lines themselves (``danmaku_dev/questions.tsv`` in the shared development data, columns
``source, question, repo, commit, path, line, extra``) are third-party text the project never
commits. The project commits only its labels (``evals/data/real_language/labels.tsv``): one row a
line, ``sha1`` = hex sha1 of the line's UTF-8 text, plus the label fields defined in
``docs/labelling-guideline.md``. ``load_labelled`` joins the two at run time.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.answers.errors import AnswerEvalError

REPO_ROOT = Path(__file__).resolve().parents[2]
LABELS_PATH = REPO_ROOT / "evals" / "data" / "real_language" / "labels.tsv"
# CI keeps the shared development data beside the checkout (../shared/data).
QUESTIONS_PATH = REPO_ROOT.parent / "shared" / "data" / "danmaku_dev" / "questions.tsv"
QUESTIONS_RELATIVE = Path("danmaku_dev") / "questions.tsv"

LABEL_COLUMNS = ("sha1", "source", "intent", "product_ref", "answerable", "action")
SOURCES = frozenset({"jddc2019", "livechat"})
# Questions about a product or the room's policies (the catalog, FAQ and policies may answer them).
PRODUCT_INTENTS = (
    "price",
    "quantity_price",
    "discount",
    "gifts",
    "flash_sale",
    "price_protection",
    "stock",
    "shipping",
    "size",
    "variant",
    "material",
    "spec",
    "shelf_life",
    "suitability",
    "usage",
    "after_sales",
    "how_to_order",
)
# Lines about one viewer's order or account, or about what the room does not sell: a person's job.
SERVICE_INTENTS = (
    "order_status",
    "order_change",
    "after_sales_claim",
    "invoice",
    "complaint",
    "product_not_sold_here",
)
CHAT_INTENTS = ("chat_to_host", "greeting_praise")  # talk to the host: no answer, no handoff
INTENTS = (*PRODUCT_INTENTS, *SERVICE_INTENTS, *CHAT_INTENTS, "spam", "other")
PRODUCT_REFS = frozenset({"this_room", "on_stage", "other_product", "none"})
ANSWERABLE = frozenset({"yes", "no"})
ACTIONS = ("answer", "clarify", "handoff", "silent")


class RealLanguageDataError(AnswerEvalError):
    """The labels or the shared questions file are missing or malformed (the message says which)."""


@dataclass(frozen=True, slots=True)
class Label:
    """One line's hand label (see docs/labelling-guideline.md)."""

    sha1: str
    source: str
    intent: str
    product_ref: str
    answerable: bool
    action: str


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """A label with the line's text, joined at run time (the text is never written out)."""

    label: Label
    text: str


def text_sha1(text: str) -> str:
    """The key of a line: hex sha1 of its UTF-8 text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _parse_label(row: dict[str, str], where: str) -> Label:
    problems = []
    sha1 = row.get("sha1", "")
    if len(sha1) != 40 or any(c not in "0123456789abcdef" for c in sha1):
        problems.append(f"sha1 {sha1!r} is not 40 lowercase hex digits")
    for column, allowed in (
        ("source", SOURCES),
        ("intent", INTENTS),
        ("product_ref", PRODUCT_REFS),
        ("answerable", ANSWERABLE),
        ("action", ACTIONS),
    ):
        if row.get(column) not in allowed:
            problems.append(f"{column} {row.get(column)!r} is not one of {sorted(allowed)}")
    if problems:
        raise RealLanguageDataError(f"{where}: " + "; ".join(problems))
    return Label(
        sha1, row["source"], row["intent"], row["product_ref"], row["answerable"] == "yes", row["action"]
    )


def load_labels(path: Path = LABELS_PATH) -> list[Label]:
    """Every label of ``path`` (a TSV with ``LABEL_COLUMNS``), checked; duplicates are an error."""
    if not path.is_file():
        raise RealLanguageDataError(f"the labels file {path} does not exist")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
            raise RealLanguageDataError(
                f"{path}: the header must be the columns {list(LABEL_COLUMNS)}, got {reader.fieldnames}"
            )
        labels = [_parse_label(row, f"{path}:{i}") for i, row in enumerate(reader, start=2)]
    seen: set[str] = set()
    for label in labels:
        if label.sha1 in seen:
            raise RealLanguageDataError(f"{path}: sha1 {label.sha1} is labelled twice")
        seen.add(label.sha1)
    return labels


def resolve_questions_path(data: Path | None) -> Path:
    """The questions file: ``data`` (the file, or the shared data folder holding it) or the default."""
    path = QUESTIONS_PATH if data is None else data
    if path.is_dir():
        path = path / QUESTIONS_RELATIVE
    if not path.is_file():
        raise RealLanguageDataError(
            f"the real-language questions file {path} is missing: the real-language eval reads the "
            "shared development data (danmaku_dev/questions.tsv) from ../shared/data beside the "
            "checkout; put it there or pass --data PATH (the file or the shared data folder)"
        )
    return path


def load_question_texts(path: Path) -> dict[str, str]:
    """sha1 -> text of every line of the shared questions file."""
    csv.field_size_limit(1 << 24)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        if "question" not in (reader.fieldnames or ()):
            raise RealLanguageDataError(f"{path} has no 'question' column (got {reader.fieldnames})")
        return {text_sha1(row["question"]): row["question"] for row in reader}


def join_labels(labels: Sequence[Label], texts: dict[str, str]) -> list[LabelledLine]:
    """Each label with its text; a label whose line is not in ``texts`` is an error (wrong file)."""
    missing = [lb.sha1 for lb in labels if lb.sha1 not in texts]
    if missing:
        raise RealLanguageDataError(
            f"{len(missing)} labelled lines are not in the questions file (first: {missing[0]}); "
            "is --data the danmaku_dev/questions.tsv the labels were made from?"
        )
    return [LabelledLine(lb, texts[lb.sha1]) for lb in labels]


def load_labelled(data: Path | None = None, labels_path: Path = LABELS_PATH) -> list[LabelledLine]:
    """The labelled lines with their texts, in the labels file's order (sorted by sha1)."""
    labels = load_labels(labels_path)
    return join_labels(labels, load_question_texts(resolve_questions_path(data)))


def source_counts(labels: Iterable[Label]) -> dict[str, int]:
    """How many labels come from each source."""
    out: dict[str, int] = {}
    for label in labels:
        out[label.source] = out.get(label.source, 0) + 1
    return dict(sorted(out.items()))
