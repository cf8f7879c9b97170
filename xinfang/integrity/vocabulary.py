"""Document frequencies for TF-IDF, learnt from the most recent cases.

The idf of a term decides both which terms preselect candidates through the
full-text index (rare ones: short posting lists) and how much a shared term
counts in the cosine. A sample of recent cases (their jieba ``search_text``,
already cut at registration) is enough for that and costs one query per hour
per process instead of a table to maintain."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .conf import setting
from .features import DetailFrequencies, detail_factor

Vector = dict[str, float]
# From this cosine on, details are not consulted (measured: keeps the real
# reposts that add or change a number, costs the generator pairs nothing).
NEAR_IDENTICAL = 0.8


class Idf:
    """Smoothed idf ``ln((1+n)/(1+df)) + 1`` (as scikit-learn); unseen terms get
    the idf of a term found in no document."""

    def __init__(self, docs: Iterable[Sequence[str]] = ()) -> None:
        df: Counter[str] = Counter()
        n = 0
        for toks in docs:
            n += 1
            df.update(set(toks))
        self.n = n
        self.df = df
        self.unseen = math.log(1 + n) + 1.0

    def __call__(self, term: str) -> float:
        d = self.df.get(term)
        return self.unseen if d is None else math.log((1 + self.n) / (1 + d)) + 1.0

    def vector(self, toks: Iterable[str]) -> Vector:
        """L2-normalised binary TF-IDF (``search_text`` holds each term once)."""
        weights = {t: self(t) for t in set(toks)}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {t: w / norm for t, w in weights.items()} if norm else {}


def cosine(u: Vector, v: Vector) -> float:
    if len(u) > len(v):
        u, v = v, u
    return sum(w * v.get(t, 0.0) for t, w in u.items())


@dataclass
class Sample:
    """What the recent cases say about how common a term or a detail is."""

    idf: Idf
    details: DetailFrequencies

    def score(self, vec_a: Vector, vec_b: Vector, det_a: set[str], det_b: set[str]) -> float:
        """Repeat score: TF-IDF cosine scaled by shared specific details, except
        for near-identical texts (a repost is the same matter whatever it adds)."""
        c = cosine(vec_a, vec_b)
        return c if c >= NEAR_IDENTICAL else c * detail_factor(det_a, det_b)


_lock = threading.Lock()
_cached: tuple[float, Sample] | None = None


def recent_sample() -> Sample:
    """Term and detail frequencies of the ``IDF_SAMPLE`` most recent cases, refreshed hourly."""
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < setting("IDF_REFRESH_SECONDS"):
        return cached[1]
    with _lock:
        if _cached is not None and now - _cached[0] < setting("IDF_REFRESH_SECONDS"):
            return _cached[1]
        from xinfang.cases.models import Case

        rows = list(Case.objects.order_by("-registered_at", "-id")
                    .values_list("search_text", "title", "content", "demands")[: setting("IDF_SAMPLE")])
        sample = Sample(Idf(r[0].split() for r in rows), DetailFrequencies(case_text(*r[1:]) for r in rows))
        _cached = (now, sample)
        return sample


def case_text(title: str, content: str, demands: str) -> str:
    return f"{title}\n{content}\n{demands}"


def forget_sample() -> None:
    """Drop the cached sample (tests, or after a bulk import)."""
    global _cached
    _cached = None
