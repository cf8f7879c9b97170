"""Surges (异常激增): a category's or a county's recent weekly counts beyond a
statistically meaningful margin over its own baseline.

Baseline: the `BASELINE_WEEKS` weeks before the recent window; mean μ and a
variance no smaller than μ (Poisson), larger when the weeks scatter more
(over-dispersion, as a negative binomial would allow). The recent window (the
last week, or the last 4 weeks) is a surge when its count n satisfies

    n ≥ MIN_COUNT,  n ≥ MIN_RATIO · expected,  z = (n − expected) / sd ≥ Z,

with expected = r·μ and sd = √(r·variance) for a window of r weeks. Z = 3
is about one false alarm in 700 quiet windows under the Poisson model.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

BASELINE_WEEKS = 12
WINDOWS = (4, 1)
Z = 3.0
MIN_COUNT = 8
MIN_RATIO = 1.3


@dataclass
class Surge:
    window: int
    recent: int
    expected: float
    baseline_mean: float
    z: float
    ratio: float

    @property
    def level(self) -> str:
        return "red" if self.z >= 5 and self.ratio >= 2 else "orange"

    def explain(self, label: str, last_week: date) -> str:
        if self.window == 1:
            head = f"最近一周（{last_week:%m月%d日}起）{label}登记{self.recent}件"
        else:
            head = f"近{self.window}周（{last_week - timedelta(weeks=self.window - 1):%m月%d日}起）{label}共登记{self.recent}件"
        pct = (self.ratio - 1) * 100
        return (f"{head}，高于基线（此前{BASELINE_WEEKS}周周均{self.baseline_mean:.1f}件，"
                f"同期预期约{self.expected:.0f}件）{pct:.0f}%，超出{self.z:.1f}个标准差")


def detect(values: np.ndarray | list[float]) -> Surge | None:
    """The strongest surge at the end of the series, if any."""
    y = np.asarray(values, dtype=float)
    best: Surge | None = None
    for r in WINDOWS:
        if len(y) < r + BASELINE_WEEKS // 2 + 2:
            continue
        base = y[max(0, len(y) - r - BASELINE_WEEKS):len(y) - r]
        recent = float(y[-r:].sum())
        mu = float(base.mean())
        var = max(float(base.var(ddof=1)) if len(base) > 1 else mu, mu, 0.25)
        expected = r * mu
        z = (recent - expected) / float(np.sqrt(r * var))
        ratio = recent / expected if expected > 0 else float("inf")
        if recent >= MIN_COUNT and ratio >= MIN_RATIO and z >= Z:
            found = Surge(r, int(recent), expected, mu, round(z, 1), ratio)
            if best is None or found.z > best.z:
                best = found
    return best
