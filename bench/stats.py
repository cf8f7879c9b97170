"""Small timing helpers: medians and percentiles over repeated runs."""

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], runs: int = 30, warmup: int = 3) -> list[float]:
    """Milliseconds per call, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<48} p50 {statistics.median(values):8.1f} ms   p95 {pct(values, 0.95):8.1f} ms"
            f"   max {max(values):8.1f} ms   (n={len(values)})")
