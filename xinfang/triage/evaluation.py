"""Measuring the classifier: a stratified held-out split with a fixed seed,
accuracy, macro-F1, per-class F1 and calibration, and the keyword fallback on
the same split for comparison."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import keywords
from .features import normalise
from .model import CategoryModel, analyse_all, train

SEED = 20260
TEST_SIZE = 0.2


@dataclass
class Scores:
    accuracy: float
    macro_f1: float
    per_class: dict[str, tuple[float, int]]  # label -> (F1, support)


def scores(truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    labels = sorted(set(truth))
    per: dict[str, tuple[float, int]] = {}
    for k in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == k and p == k)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != k and p == k)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == k and p != k)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        per[k] = (f1, tp + fn)
    acc = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth)
    return Scores(acc, float(np.mean([f for f, _ in per.values()])), per)


def split(labels: Sequence[str], test_size: float = TEST_SIZE, seed: int = SEED) -> tuple[list[int], list[int]]:
    """Stratified split; a label with a single row stays in training."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    train_idx, test_idx = [], []
    for k in sorted(by_label):
        idx = np.array(by_label[k])
        rng.shuffle(idx)
        n_test = int(round(len(idx) * test_size)) if len(idx) >= 2 else 0
        n_test = min(max(n_test, 1 if len(idx) >= 2 else 0), len(idx) - 1)
        test_idx += idx[:n_test].tolist()
        train_idx += idx[n_test:].tolist()
    return sorted(train_idx), sorted(test_idx)


@dataclass
class Report:
    model: Scores
    n_train: int
    n_test: int
    reliability: list[tuple[float, float, float, int]] = field(default_factory=list)  # lo, mean conf, acc, n
    keyword: Scores | None = None
    keyword_coverage: float = 0.0
    held_model: CategoryModel | None = None


def holdout(titles: Sequence[str], bodies: Sequence[str], labels: Sequence[str], *,
            with_keywords: bool = False, label_to_top: dict[str, str] | None = None,
            seed: int = SEED) -> Report:
    tr, te = split(labels, seed=seed)
    if not te:
        raise ValueError("too few rows for a held-out split")
    docs = analyse_all(titles, bodies)
    model = train([docs[i] for i in tr], [labels[i] for i in tr])
    proba = model.proba_many([docs[i] for i in te])
    predicted = [model.classes[j] for j in proba.argmax(axis=1)]
    truth = [labels[i] for i in te]
    report = Report(scores(truth, predicted), len(tr), len(te), held_model=model)
    conf = proba.max(axis=1)
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        m = (conf >= lo) & (conf < hi)
        if m.any():
            report.reliability.append((lo, float(conf[m].mean()), float(correct[m].mean()), int(m.sum())))
    if with_keywords and label_to_top:
        top_to_label = {v: k for k, v in label_to_top.items()}
        allowed = set(label_to_top.values())
        kw_pred, covered = [], 0
        for i in te:
            m = keywords.classify(normalise(titles[i], bodies[i]), allowed_tops=allowed)
            covered += m is not None
            # No keyword at all: count as the most frequent training label, the honest baseline.
            kw_pred.append(top_to_label[m.top] if m else Counter(labels[j] for j in tr).most_common(1)[0][0])
        report.keyword = scores(truth, kw_pred)
        report.keyword_coverage = covered / len(te)
    return report
