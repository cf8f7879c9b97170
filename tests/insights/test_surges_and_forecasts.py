"""Surge detection and forecasts on constructed series (pure numpy)."""

import numpy as np
import pytest

from xinfang.insights.forecast import forecast, held_out_mape
from xinfang.insights.surges import detect


def quiet(weeks: int = 16, mean: float = 20.0, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).poisson(mean, weeks).astype(float)


def test_a_quiet_series_has_no_surge():
    for seed in range(20):
        assert detect(quiet(seed=seed)) is None


def test_a_jump_in_the_last_four_weeks_is_a_surge_with_a_chinese_explanation():
    from datetime import date

    y = quiet()
    y[-4:] = [45, 50, 48, 52]
    surge = detect(y)
    assert surge is not None and surge.window == 4 and surge.recent == 195
    assert surge.z >= 3 and surge.level == "red"
    text = surge.explain("物业管理类", date(2026, 6, 1))
    assert text.startswith("近4周（05月11日起）物业管理类共登记195件，高于基线")
    assert "个标准差" in text


def test_a_single_week_spike_is_a_surge_of_that_week():
    y = quiet()
    y[-1] = 60
    surge = detect(y)
    assert surge is not None and surge.window == 1 and surge.recent == 60


def test_small_counts_never_surge():
    y = np.zeros(16)
    y[-1] = 5  # from nothing to five: too few to call
    assert detect(y) is None


def seasonal(weeks: int = 104, period: int = 13, seed: int = 3) -> np.ndarray:
    t = np.arange(weeks)
    shape = 40 + 25 * np.sin(2 * np.pi * t / period)
    return np.random.default_rng(seed).poisson(shape).astype(float)


def test_a_seasonal_series_is_forecast_better_than_naive():
    fc = forecast(seasonal(), horizon=12)
    assert fc is not None
    assert fc.method.startswith("seasonal")
    assert fc.mape is not None and fc.naive_mape is not None
    assert fc.mape < fc.naive_mape / 2
    assert len(fc.mean) == 12
    assert all(lo <= m <= hi for lo, m, hi in zip(fc.low, fc.mean, fc.high, strict=True))
    held = held_out_mape(seasonal())
    assert held is not None and held[1] < held[2]


def test_a_flat_series_keeps_a_sensible_interval_and_a_short_one_is_not_forecast():
    fc = forecast(quiet(60), horizon=4)
    assert fc is not None and fc.mape == pytest.approx(fc.mape) and fc.mape < 40
    assert all(h - lo > 0 for lo, h in zip(fc.low, fc.high, strict=True))
    assert forecast(quiet(10)) is None
