"""Specific details of a petition — named places (村, 小区, 苑, 公司, 路 …) and
multi-digit numbers — used to tell a repeat from another person's matter of
the same kind.

Two petitions about a private temple behind a village read almost the same
whatever the village; a repeat names the same village. When both texts name
details, the TF-IDF cosine is scaled by how many of the fewer-detailed text's
details the other shares: ``cosine × (FLOOR + (1 − FLOOR) × overlap)``.
Details common in the recent cases (a district's big roads, hotline numbers)
say nothing and are ignored; near-identical texts (cosine ≥ 0.8) skip the
factor. Measured with ``manage.py measure_integrity`` (held-out halves): on
demo-generator pairs F1 rises from 0.83 (cosine alone, its best threshold:
P 0.76 R 0.91) to 0.89 (P 0.81 R 0.97); on the real reposts it costs recall
(0.99 → 0.91 at the common threshold 0.50; see the command's table)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_SUFFIX = ("村|社区|小区|花园|家园|新村|苑|园|府|公寓|大厦|广场|公司|集团|厂|幼儿园|小学|中学|学校|医院|超市|商场"
           "|酒店|饭店|市场|路|大道|巷|弄|桥|湾|庄|城|里|坊|店")
# Two characters before a place suffix: enough to tell 塘头村 from 张泾村 without
# having to know where a name starts.
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2}})({_SUFFIX})")
_NUMBER = re.compile(r"\d{2,}(?:\.\d+)?")
_SERVICE_NUMBERS = frozenset({"12345", "12315", "12369", "12333", "110", "119", "120", "122"})

FLOOR = 0.3  # the factor when the details are entirely different
COMMON_SHARE = 0.01  # a detail in more than 1 % of recent cases is not specific


def details(text: str) -> set[str]:
    found = {a + b for a, b in _PLACE.findall(text or "")}
    found |= {n for n in _NUMBER.findall(text or "") if n not in _SERVICE_NUMBERS}
    return found


class DetailFrequencies:
    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for text in texts:
            self.n += 1
            self.df.update(details(text))

    def specific(self, text: str) -> set[str]:
        limit = max(COMMON_SHARE * self.n, 2)
        return {d for d in details(text) if self.df.get(d, 0) <= limit}


def detail_factor(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0
    overlap = len(a & b) / min(len(a), len(b))
    return FLOOR + (1 - FLOOR) * overlap
