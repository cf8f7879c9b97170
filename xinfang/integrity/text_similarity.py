"""Near-identical texts (template replies, reviews that copy the reply).

Here "similar" means *the same wording*: the cosine of the sets of character
bigrams, |A∩B| / sqrt(|A|·|B|), with no idf — boilerplate is exactly what a
template shares, so it must count. Bigrams need no segmentation (a sweep over
months of replies costs seconds, not the minutes jieba would take).

Finding twins among n texts uses prefix filtering: a text B sharing none of
A's k rarest bigrams has cosine ≤ sqrt((|A| − k) / |A|), so with
k > (1 − t²)·|A| every twin at cosine ≥ t holds one of them, and only the
texts in those (short) posting lists are compared. The search for one text
stops once enough twins are found."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

# A reply quoting the petition's title (您反映的“……”问题) is not specific for it.
_QUOTED = re.compile(r"[“\"「『][^”\"」』]{0,80}[”\"」』]")
_NOT_WORD = re.compile(r"[^\w]+")


def term_set(text: str) -> frozenset[str]:
    """Character bigrams of the text without quoted titles, punctuation or spaces."""
    plain = _NOT_WORD.sub("", _QUOTED.sub(" ", text or "")).lower()
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def text_similarity(a: str, b: str) -> float:
    return set_cosine(term_set(a), term_set(b))


def near_duplicates(texts: list[str], *, threshold: float, enough: int,
                    sets: list[frozenset[str]] | None = None) -> list[list[tuple[int, float]]]:
    """For each text, the others at cosine ≥ ``threshold`` (best first). The
    search for one text stops after ``4 × enough`` twins: the rule only needs
    to know there are at least ``enough``."""
    sets = sets if sets is not None else [term_set(t) for t in texts]
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    postings: dict[str, list[int]] = defaultdict(list)
    probes: list[list[str]] = []
    for i, s in enumerate(sets):
        k = int((1 - threshold * threshold) * len(s)) + 1
        probes.append(sorted(s, key=lambda t: (df[t], t))[:k])
        for t in s:
            postings[t].append(i)
    cap = 4 * enough
    result: list[list[tuple[int, float]]] = []
    for i, s in enumerate(sets):
        twins: list[tuple[int, float]] = []
        seen = {i}
        for t in probes[i]:
            for j in postings[t]:
                if j in seen:
                    continue
                seen.add(j)
                score = set_cosine(s, sets[j])
                if score >= threshold:
                    twins.append((j, round(score, 3)))
                    if len(twins) >= cap:
                        break
            if len(twins) >= cap:
                break
        twins.sort(key=lambda x: -x[1])
        result.append(twins)
    return result
