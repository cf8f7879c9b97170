"""Properties of due dates for any start in 2005–2026 and any period of 1–90 days,
checked against chinese_calendar itself as the oracle."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.rules.calendar import load_calendar
from xinfang.rules.deadlines import compute_due

pytestmark = pytest.mark.django_db

starts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31))
amounts = st.integers(min_value=1, max_value=90)


def oracle_day_off(d: date) -> bool:
    # chinese_calendar knows up to 2026; beyond, our calendar counts weekends only.
    return chinese_calendar.is_holiday(d) if d.year <= 2026 else d.weekday() >= 5


def test_it_never_ends_a_calendar_day_period_early_or_on_a_day_off():
    calendar = load_calendar()

    @settings(max_examples=400, deadline=None)
    @given(start=starts, amount=amounts)
    def check(start: date, amount: int) -> None:
        due = compute_due(start, amount, "calendar_days", calendar)
        assert due.due >= start + timedelta(days=amount)
        assert not oracle_day_off(due.due)
        assert all(oracle_day_off(d) for d in due.skipped)
        assert bool(due.warnings) == (due.due.year > 2026)

    check()


def test_it_counts_working_days_like_a_naive_day_by_day_loop():
    calendar = load_calendar()

    @settings(max_examples=400, deadline=None)
    @given(start=starts, amount=amounts)
    def check(start: date, amount: int) -> None:
        d, counted = start, 0
        while counted < amount:
            d += timedelta(days=1)
            counted += not oracle_day_off(d)
        due = compute_due(start, amount, "working_days", calendar)
        assert due.due == d
        assert not oracle_day_off(due.due)
        assert len(due.skipped) == (d - start).days - amount

    check()
