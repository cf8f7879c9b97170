"""Forecast rows for the page and the bench: one per series (total, each
content category, each county), with the backtest MAPE beside the forecast."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.core.cache import cache

from .forecast import Forecast, forecast
from .rollup import rollup_version
from .scope import Scope
from .series import Series, build_series
from .warnings import last_complete_week

HISTORY_WEEKS = 104
SHOWN_WEEKS = 26


@dataclass
class ForecastRow:
    series: Series
    result: Forecast | None
    future: list[date]

    @property
    def anchor(self) -> str:
        return "series-" + self.series.key.replace(":", "-")

    @property
    def table(self) -> list[tuple[date, float, float, float]]:
        if self.result is None:
            return []
        return list(zip(self.future, self.result.mean, self.result.low, self.result.high, strict=True))

    def chart(self) -> dict:
        hist = self.series.values[-SHOWN_WEEKS:]
        weeks = self.series.weeks[-SHOWN_WEEKS:]
        data: dict = {"id": self.anchor, "title": self.series.label,
                      "labels": [w.strftime("%m-%d") for w in [*weeks, *self.future]],
                      "history": [int(v) for v in hist] + [None] * len(self.future)}
        if self.result is not None:
            pad = [None] * (len(hist) - 1)
            last = [float(hist[-1])]
            data |= {"mean": pad + last + self.result.mean,
                     "low": pad + last + self.result.low,
                     "high": pad + last + self.result.high}
        return data


def _trim_leading_zeros(series: list[Series]) -> list[Series]:
    """Drop the weeks before the first case anywhere (a system started recently)."""
    total = next((s for s in series if s.key == "total"), None)
    if total is None or not total.values.any():
        return series
    first = int(np.argmax(total.values > 0))
    return [Series(s.key, s.label, s.weeks[first:], s.values[first:]) for s in series]


CACHE_SECONDS = 600


def forecast_rows(scope: Scope, end: date, horizon: int = 8) -> list[ForecastRow]:
    """Forecasts change with complete weeks only, so rollup scopes are cached
    for a few minutes (backtesting two dozen series takes a second or two)."""
    last = last_complete_week(end)
    key = None
    version = rollup_version()
    if scope.codes is not None and version:
        key = f"insights:forecast:{','.join(scope.codes)}:{last.isoformat()}:{horizon}:{version}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    series = _trim_leading_zeros(build_series(scope, last, HISTORY_WEEKS))
    future = [last + timedelta(weeks=i) for i in range(1, horizon + 1)]
    rows = [ForecastRow(s, forecast(s.values, horizon), future) for s in series]
    if key:
        cache.set(key, rows, CACHE_SECONDS)
    return rows
