"""An optional LLM judge of reply quality, through the project's OpenAI-compatible client.

Off by default. It asks whether a reply answers the viewer's question correctly, given the
expected facts, and caches each verdict in a JSON file keyed by sha256(case id + reply text), so a
re-run with unchanged replies makes no calls. Its verdicts are reported beside the rule-based
metrics, never gated: the rules are the contract, the judge a second opinion on wording.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from assistant.llm.client import ChatMessage, LlmClient, LlmError
from evals.answers.errors import JudgeError

log = logging.getLogger(__name__)

PROMPT = (
    "You grade answers of a live-commerce shopping assistant. Reply with one word: PASS if the "
    "answer responds to the viewer's question, is consistent with the expected facts and invents "
    "no price, discount or promise; otherwise FAIL."
)


def verdict_key(case_id: str, reply: str) -> str:
    return hashlib.sha256(f"{case_id}\n{reply}".encode()).hexdigest()


class LlmJudge:
    """PASS/FAIL verdicts from an LLM, cached on disk (``cache_path``, JSON object)."""

    def __init__(self, client: LlmClient, cache_path: Path) -> None:
        self._client = client
        self._cache_path = cache_path
        self._cache: dict[str, bool] = {}
        if cache_path.exists():
            self._cache = {k: bool(v) for k, v in json.loads(cache_path.read_text(encoding="utf-8")).items()}
        self.calls = 0

    def judge(self, case_id: str, question: str, reply: str, expected: str) -> bool | None:
        """True/False, or None when the LLM could not answer (logged, not cached)."""
        key = verdict_key(case_id, reply)
        if key in self._cache:
            return self._cache[key]
        user = f"Viewer question: {question}\nExpected facts: {expected or '(none)'}\nAnswer: {reply}"
        try:
            self.calls += 1
            text = self._client.complete([ChatMessage("system", PROMPT), ChatMessage("user", user)]).text
        except LlmError as exc:
            log.warning("judge gave no verdict for %s: %s", case_id, exc)
            return None
        word = text.strip().upper()
        if not word.startswith(("PASS", "FAIL")):
            log.warning("judge answered %r for %s; expected PASS or FAIL", text[:40], case_id)
            return None
        self._cache[key] = word.startswith("PASS")
        return self._cache[key]

    def save(self) -> None:
        """Write the verdict cache (atomically)."""
        if not self._cache:
            return
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._cache, indent=0, sort_keys=True), encoding="utf-8")
        tmp.replace(self._cache_path)


def require_judge_config(base_url: str, model: str) -> None:
    if not base_url or not model:
        raise JudgeError(
            "the LLM judge needs --judge-base-url and --judge-model (an OpenAI-compatible endpoint)"
        )
