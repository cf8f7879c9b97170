"""The category classifier: TF-IDF features (features.py) → a linear SVM,
with a softmax temperature fitted on out-of-fold scores so that the shown
confidence is a calibrated probability.

The model is stored as plain arrays in one `.npz` (no pickle: safe to load,
independent of the scikit-learn version); scikit-learn is needed for training
only."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .features import Vocabulary, analyse, normalise

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    ranking: list[tuple[str, float]]  # every label with its probability, best first


@dataclass
class CategoryModel:
    vocab: Vocabulary
    coef: np.ndarray  # (features, classes)
    intercept: np.ndarray  # (classes,)
    classes: list[str]
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)

    # -- prediction ---------------------------------------------------------
    def _proba(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def proba_one(self, title: str, body: str) -> np.ndarray:
        cols, vals = self.vocab.vector(analyse(normalise(title, body)))
        scores = vals @ self.coef[cols].astype(np.float32) + self.intercept
        return self._proba(scores)

    def predict(self, title: str = "", body: str = "") -> Prediction:
        p = self.proba_one(title, body)
        order = np.argsort(-p)
        ranking = [(self.classes[i], float(p[i])) for i in order]
        return Prediction(ranking[0][0], ranking[0][1], ranking)

    def proba_many(self, docs: Sequence[tuple[list[str], list[str]]]) -> np.ndarray:
        x = self.vocab.matrix(docs)
        return self._proba(np.asarray(x @ self.coef.astype(np.float32)) + self.intercept)

    # -- storage ------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        names = "\n".join(self.vocab.names).encode("utf-8")
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            format_version=np.array(FORMAT_VERSION),
            names=np.frombuffer(names, dtype=np.uint8),
            idf=self.vocab.idf.astype(np.float32),
            blocks=self.vocab.blocks,
            # float16 halves the file; measured: not one held-out prediction changes.
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.frombuffer("\n".join(self.classes).encode("utf-8"), dtype=np.uint8),
            temperature=np.array(self.temperature, dtype=np.float64),
            meta=np.frombuffer(json.dumps(self.meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
        )
        tmp.replace(path)  # a reader never sees half a model
        return path

    @classmethod
    def load(cls, path: str | Path) -> CategoryModel:
        with np.load(path, allow_pickle=False) as z:
            if int(z["format_version"]) != FORMAT_VERSION:
                raise ValueError(f"unsupported model format {int(z['format_version'])}")
            names = bytes(z["names"]).decode("utf-8").split("\n")
            vocab = Vocabulary(names, z["idf"], z["blocks"])
            return cls(
                vocab=vocab,
                coef=z["coef"],
                intercept=z["intercept"],
                classes=bytes(z["classes"]).decode("utf-8").split("\n"),
                temperature=float(z["temperature"]),
                meta=json.loads(bytes(z["meta"]).decode("utf-8") or "{}"),
            )


# -- training ----------------------------------------------------------------

def _min_df(n_docs: int) -> int:
    # A term seen in fewer than three messages is mostly a name or a typo; on
    # tiny sets (tests, a young deployment) keep everything.
    return 3 if n_docs >= 1000 else 1


def _fit_svm(x, y: np.ndarray, c: float):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, random_state=0).fit(x, y)


def _fit_temperature(scores: np.ndarray, y_idx: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of softmax(scores / T)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = scores / math.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y_idx)), y_idx].mean())

    res = minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded")
    return float(math.exp(res.x))


def train(docs: Sequence[tuple[list[str], list[str]]], labels: Sequence[str], *, c: float = 1.0,
          meta: dict | None = None) -> CategoryModel:
    """Fit on analysed documents (`features.analyse(normalise(...))`)."""
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("need at least two categories")
    vocab = Vocabulary.fit(docs, min_df=_min_df(len(docs)))
    x = vocab.matrix(docs)
    y = np.array(labels)
    svm = _fit_svm(x, y, c)
    coef, intercept = _coef(svm, classes)
    temperature = _calibrate(x, y, classes, c)
    return CategoryModel(vocab, coef, intercept, classes, temperature,
                         {"n_samples": len(docs), "classes": dict(Counter(labels)), **(meta or {})})


def _coef(svm, classes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    if len(classes) == 2:
        # Binary LinearSVC keeps one hyperplane; spread it as ± half to fit the softmax form.
        w = svm.coef_[0] / 2
        return np.stack([-w, w], axis=1).astype(np.float32), np.array(
            [-svm.intercept_[0] / 2, svm.intercept_[0] / 2], dtype=np.float32)
    return svm.coef_.T.astype(np.float32), svm.intercept_.astype(np.float32)


def _calibrate(x, y: np.ndarray, classes: list[str], c: float) -> float:
    from sklearn.model_selection import StratifiedKFold

    folds = min(5, min(Counter(y.tolist()).values()))
    if folds < 2:
        return 1.0
    scores = np.zeros((len(y), len(classes)), dtype=np.float64)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
        if len(set(y[tr].tolist())) < len(classes):
            return 1.0
        coef, intercept = _coef(_fit_svm(x[tr], y[tr], c), classes)
        scores[te] = np.asarray(x[te] @ coef) + intercept
    index = {k: i for i, k in enumerate(classes)}
    return _fit_temperature(scores, np.array([index[v] for v in y.tolist()]))


def analyse_all(titles: Sequence[str], bodies: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    return [analyse(normalise(t, b)) for t, b in zip(titles, bodies, strict=True)]
