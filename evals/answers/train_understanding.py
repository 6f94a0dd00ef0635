"""Train the danmaku understanding model and write its weights (numbers only) into the package.

    python -m evals.answers.train_understanding [--data PATH] [--out PATH] [--folds K]

Reads the hand labels (``evals/data/real_language/labels.tsv``) joined with their text from the
shared development data (``--data``: ``danmaku_dev/questions.tsv`` or the shared data folder,
default ``../shared/data`` beside the checkout), the generated answer eval set and the invented
examples (``understanding_data``); fits both heads of ``assistant.danmaku.understanding`` on all of
them and writes ``assistant/danmaku/data/understanding.npz``. With ``--folds K`` it first prints
the K-fold cross-validated route accuracy on the real lines (each real line scored by a model that
never saw it; the generated and invented examples are in every fold's training set).

The optimiser is full-batch Adam on the L2-regularised multinomial log-loss, in numpy only (the
features are sparse binary indices, so a step is a gather and a ``bincount`` per class).
Deterministic: the same data gives the same weights.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.danmaku.intent import extract_product_reference, understand
from assistant.danmaku.understanding import (
    DEFAULT_DIM,
    INTENTS,
    ROUTES,
    WEIGHTS_PATH,
    UnderstandingModel,
    features,
    hashed,
)
from evals.answers.errors import AnswerEvalError
from evals.answers.real_language_data import LABELS_PATH, LabelledLine, load_labelled
from evals.answers.understanding_data import (
    INVENTED,
    Example,
    case_examples,
    guideline_examples,
    invented_file_examples,
    polite_variants,
    real_examples,
)

log = logging.getLogger(__name__)

STEPS = 400
LEARNING_RATE = 0.05
L2 = 1e-4  # per example, on every weight (not the biases)
FOLDS = 5


@dataclass(frozen=True, slots=True)
class _Design:
    """Sparse binary design matrix: ``idx[ptr[i]:ptr[i+1]]`` are row i's active buckets."""

    idx: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]  # the row of every entry of idx
    ptr: npt.NDArray[np.int64]  # where each row starts in idx (rows are never empty)
    n: int


def _design(texts: Sequence[str], dim: int) -> _Design:
    parts = []
    for text in texts:
        u = understand(text)
        ref = extract_product_reference(u.normalized)
        parts.append(hashed(features(u, ref.kind if ref else None), dim))
    rows = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(parts)])
    ptr = np.cumsum([0, *(len(p) for p in parts[:-1])]).astype(np.int64)
    return _Design(np.concatenate(parts), rows, ptr, len(parts))


def _fit_head(
    x: _Design, y: npt.NDArray[np.int64], w: npt.NDArray[np.float64], classes: int, dim: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Weights (dim, classes) and biases of a multinomial logistic regression (see module doc)."""
    weights = np.zeros((dim, classes))
    bias = np.zeros(classes)
    onehot = np.zeros((x.n, classes))
    onehot[np.arange(x.n), y] = 1.0
    total = w.sum()
    m_w, v_w = np.zeros_like(weights), np.zeros_like(weights)
    m_b, v_b = np.zeros_like(bias), np.zeros_like(bias)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        z = np.add.reduceat(weights[x.idx], x.ptr, axis=0) + bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * (w / total)[:, None]
        g_entries = g[x.rows]
        per_class = [np.bincount(x.idx, weights=g_entries[:, c], minlength=dim) for c in range(classes)]
        grad_w: npt.NDArray[np.float64] = np.stack(per_class, axis=1).astype(np.float64) + L2 * weights
        grad_b = g.sum(axis=0)
        for param, grad, m, v in ((weights, grad_w, m_w, v_w), (bias, grad_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= LEARNING_RATE * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
    return weights, bias


def train(examples: Sequence[Example], dim: int = DEFAULT_DIM) -> UnderstandingModel:
    """Both heads on ``examples``: the route head on all, the intent head on answered lines with an
    intent."""
    x = _design([e.text for e in examples], dim)
    y_route = np.array([ROUTES.index(e.route) for e in examples], dtype=np.int64)
    weights = np.array([e.weight for e in examples])
    route_w, route_b = _fit_head(x, y_route, weights, len(ROUTES), dim)
    with_intent = [e for e in examples if e.route == "answer" and e.intent is not None]
    xi = _design([e.text for e in with_intent], dim)
    intent_ids = [INTENTS.index(e.intent) for e in with_intent if e.intent is not None]
    yi = np.array(intent_ids, dtype=np.int64)
    intent_w, intent_b = _fit_head(xi, yi, np.array([e.weight for e in with_intent]), len(INTENTS), dim)
    return UnderstandingModel(route_w, route_b, intent_w, intent_b, INTENTS)


def extra_examples() -> list[Example]:
    """The examples every model trains on besides the real lines: eval cases, the guideline's and
    our invented lines, and polite variants of the answered ones."""
    base = [*case_examples(), *guideline_examples(), *INVENTED]
    return [*base, *polite_variants(base), *invented_file_examples()]


def fold_of(i: int, folds: int) -> int:
    """The fold of the i-th labelled line (the labels file is ordered by sha1: an arbitrary order)."""
    return i % folds


def cross_validated_models(
    lines: Sequence[LabelledLine], folds: int = FOLDS, dim: int = DEFAULT_DIM
) -> Iterator[tuple[list[int], UnderstandingModel]]:
    """For each fold: the indices of its held-out lines and a model trained without them."""
    real = real_examples(lines)
    extra = extra_examples()
    for k in range(folds):
        held, kept = fold_split(real, k, folds)
        yield held, train([*kept, *extra], dim)


def fold_split(real: Sequence[Example], k: int, folds: int) -> tuple[list[int], list[Example]]:
    """Fold ``k``: the indices of its held-out lines, and the real examples of every other fold."""
    held = [i for i in range(len(real)) if fold_of(i, folds) == k]
    kept = [e for i, e in enumerate(real) if fold_of(i, folds) != k]
    return held, kept


def cv_route_accuracy(lines: Sequence[LabelledLine], folds: int = FOLDS) -> dict[str, float]:
    """Cross-validated accuracy of the route head (argmax and after abstention) on the real lines."""
    real = real_examples(lines)
    argmax_ok = decided_ok = 0
    for held, model in cross_validated_models(lines, folds):
        for i in held:
            u = understand(real[i].text)
            ref = extract_product_reference(u.normalized)
            p_route, _ = model.probabilities(u, ref.kind if ref else None)
            argmax_ok += ROUTES[int(p_route.argmax())] == real[i].route
            decided_ok += model.decide(u, ref.kind if ref else None).route == real[i].route
    n = len(lines)
    return {"lines": float(n), "route_accuracy": argmax_ok / n, "decided_route_accuracy": decided_ok / n}


def main(argv: Sequence[str] | None = None) -> int:
    """Train on everything and write the weights; 2 when the shared data is missing."""
    p = argparse.ArgumentParser(prog="python -m evals.answers.train_understanding", description=__doc__)
    p.add_argument("--data", type=Path, default=None, help="questions.tsv or the shared data folder")
    p.add_argument("--labels", type=Path, default=LABELS_PATH)
    p.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="where to write the weights (.npz)")
    p.add_argument("--folds", type=int, default=0, help="first print K-fold CV route accuracy (0: skip)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        lines = load_labelled(args.data, args.labels)
    except AnswerEvalError as exc:
        log.error("%s", exc)
        return 2
    if args.folds > 1:
        log.info("cross-validated (%d folds): %s", args.folds, cv_route_accuracy(lines, args.folds))
    examples = [*real_examples(lines), *extra_examples()]
    model = train(examples)
    model.save(args.out)
    counts = {r: sum(e.route == r for e in examples) for r in ROUTES}
    log.info("trained on %d examples %s; weights written to %s", len(examples), counts, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
