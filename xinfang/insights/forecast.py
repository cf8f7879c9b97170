"""Weekly volume forecasts with prediction intervals, chosen per series by a
rolling-origin backtest. Small, robust methods in numpy:

- naive 朴素: next weeks = last week (the baseline every method must beat);
- moving average 移动平均: mean of the last 4 weeks;
- seasonal naive 季节朴素: the same week one season ago (52, 13 or 4 weeks),
  only when the history holds two full seasons;
- damped trend 阻尼趋势 (Holt's linear method with a damped trend, smoothing
  constants picked on the history by one-step squared error).

Backtest: from each of the last `ORIGINS` weeks that leave a full horizon
after them, forecast `BACKTEST_H` weeks from the history before that week and
compare with what happened. MAPE counts weeks with at least one case.
Intervals: the backtest errors give a per-week error scale σ (errors at step k
divided by √k); the band at step h is ± z·σ·√h, never narrower than the
Poisson noise √forecast.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

BACKTEST_H = 4
ORIGINS = 12
MIN_HISTORY = 12
Z80 = 1.2816
SEASONS = (52, 13, 4)

Method = Callable[[np.ndarray, int], np.ndarray]


def naive(y: np.ndarray, h: int) -> np.ndarray:
    return np.full(h, float(y[-1]))


def moving_average(y: np.ndarray, h: int, window: int = 4) -> np.ndarray:
    return np.full(h, float(np.mean(y[-window:])))


def seasonal_naive(period: int) -> Method:
    def forecast(y: np.ndarray, h: int) -> np.ndarray:
        last = y[-period:]
        return np.array([float(last[i % period]) for i in range(h)])

    return forecast


def _holt_fit(y: np.ndarray, alpha: float, beta: float, phi: float) -> tuple[float, float, float]:
    level, trend = float(y[0]), float(y[1] - y[0]) if len(y) > 1 else 0.0
    sse = 0.0
    for value in y[1:]:
        pred = level + phi * trend
        sse += (value - pred) ** 2
        new_level = alpha * value + (1 - alpha) * pred
        trend = beta * (new_level - level) + (1 - beta) * phi * trend
        level = new_level
    return level, trend, sse


def damped_trend(y: np.ndarray, h: int, phi: float = 0.9) -> np.ndarray:
    best = None
    for alpha in (0.2, 0.4, 0.6, 0.8):
        for beta in (0.05, 0.15, 0.3):
            fit = _holt_fit(y, alpha, beta, phi)
            if best is None or fit[2] < best[2]:
                best = fit
    assert best is not None
    level, trend, _ = best
    steps = np.cumsum(phi ** np.arange(1, h + 1))
    return np.maximum(level + steps * trend, 0.0)


def candidate_methods(n: int) -> dict[str, Method]:
    methods: dict[str, Method] = {"naive": naive, "moving_average": moving_average, "damped_trend": damped_trend}
    for period in SEASONS:
        if n >= 2 * period + ORIGINS:
            methods[f"seasonal_{period}"] = seasonal_naive(period)
    return methods


METHOD_LABELS = {"naive": "朴素（上周值）", "moving_average": "4周移动平均", "damped_trend": "阻尼趋势",
                 "seasonal_52": "季节朴素（52周）", "seasonal_13": "季节朴素（13周）", "seasonal_4": "季节朴素（4周）"}


@dataclass
class Backtest:
    mape: float | None  # percent
    errors: list[tuple[int, float]] = field(default_factory=list)  # (step, actual − forecast)
    points: int = 0


def backtest(y: np.ndarray, method: Method, h: int = BACKTEST_H, origins: int = ORIGINS) -> Backtest:
    n = len(y)
    first = max(MIN_HISTORY // 2, n - h - origins + 1)
    ape: list[float] = []
    errors: list[tuple[int, float]] = []
    for origin in range(first, n - h + 1):
        pred = method(y[:origin], h)
        actual = y[origin:origin + h]
        for k in range(h):
            errors.append((k + 1, float(actual[k] - pred[k])))
            if actual[k] > 0:
                ape.append(abs(actual[k] - pred[k]) / actual[k])
    mape = round(100 * float(np.mean(ape)), 1) if ape else None
    return Backtest(mape, errors, len(ape))


@dataclass
class Forecast:
    method: str
    mape: float | None
    naive_mape: float | None
    mean: list[float]
    low: list[float]
    high: list[float]
    backtests: dict[str, float | None]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)


def forecast(y: np.ndarray | list[float], horizon: int = 8) -> Forecast | None:
    """Pick the method with the lowest backtest MAPE and forecast `horizon` weeks."""
    y = np.asarray(y, dtype=float)
    if len(y) < MIN_HISTORY + BACKTEST_H:
        return None
    results = {name: (m, backtest(y, m)) for name, m in candidate_methods(len(y)).items()}
    scored = {k: v for k, v in results.items() if v[1].mape is not None}
    if not scored:
        return None
    name = min(scored, key=lambda k: (scored[k][1].mape, k != "naive"))
    method, bt = scored[name]
    mean = method(y, horizon)
    scale = np.sqrt(np.mean([e * e / k for k, e in bt.errors])) if bt.errors else 0.0
    steps = np.arange(1, horizon + 1)
    spread = np.maximum(Z80 * scale * np.sqrt(steps), Z80 * np.sqrt(np.maximum(mean, 1.0)))
    return Forecast(
        method=name, mape=bt.mape, naive_mape=results["naive"][1].mape,
        mean=[round(float(v), 1) for v in mean],
        low=[round(float(v), 1) for v in np.maximum(mean - spread, 0.0)],
        high=[round(float(v), 1) for v in mean + spread],
        backtests={k: v[1].mape for k, v in results.items()},
    )


def held_out_mape(y: np.ndarray | list[float]) -> tuple[str, float | None, float | None] | None:
    """An unbiased figure for the method selection itself: pick the method by
    backtest on the history *before* the last `ORIGINS + BACKTEST_H - 1` weeks,
    then score that choice (and naive) on the last origins only. The page's
    MAPE picks and scores on the same origins, which flatters the winner a little."""
    y = np.asarray(y, dtype=float)
    tail = ORIGINS + BACKTEST_H - 1
    early = y[:-tail]
    if len(early) < MIN_HISTORY + BACKTEST_H:
        return None
    scored = {name: backtest(early, m).mape for name, m in candidate_methods(len(early)).items()}
    scored = {k: v for k, v in scored.items() if v is not None}
    if not scored:
        return None
    name = min(scored, key=lambda k: (scored[k], k != "naive"))
    method = candidate_methods(len(early))[name]
    return name, backtest(y, method).mape, backtest(y, naive).mape
