"""Generate ``evals/data/answers.jsonl`` from the case builders, validated against the catalog.

Run: ``python -m evals.answers.make_dataset [--out PATH]``. Amounts come from
``knowledge.facts.facts_at`` (see ``casegen``); the output is committed so a run of the eval does
not depend on this generator. It refuses to write a set with problems (see ``dataset.validate``).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.answers.casegen import CAT
from evals.answers.cases_dialogue import dialogue_cases
from evals.answers.cases_money import money_cases
from evals.answers.cases_product import product_cases
from evals.answers.cases_safety import safety_cases
from evals.answers.dataset import DATA_PATH, parse_case, validate
from evals.answers.errors import DatasetError

log = logging.getLogger(__name__)


def build_cases() -> list[dict[str, Any]]:
    """Every case, as JSON-ready dicts, in a stable order."""
    return [*money_cases(), *product_cases(), *dialogue_cases(), *safety_cases()]


def write_cases(cases: Sequence[dict[str, Any]], path: Path) -> None:
    """Validate and write one case a line; raises DatasetError listing every problem."""
    problems = validate([parse_case(c) for c in cases], CAT)
    if problems:
        raise DatasetError("the generated set has problems:\n" + "\n".join(problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_PATH, help="where to write the JSONL set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cases = build_cases()
    write_cases(cases, args.out)
    turns = sum(len(c["turns"]) for c in cases)
    log.info("wrote %d cases (%d turns) to %s", len(cases), turns, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
