from datetime import date

from xinfang.analytics.periods import buckets, report_range, split_range


def test_whole_months_come_from_monthly_rows_and_the_edges_from_daily_rows():
    today = date(2026, 11, 27)
    months, days = split_range(date(2025, 12, 10), date(2026, 3, 5), today)
    assert months == [date(2026, 1, 1), date(2026, 2, 1)]
    assert days == [(date(2025, 12, 10), date(2026, 1, 1)), (date(2026, 3, 1), date(2026, 3, 5))]


def test_the_running_month_counts_as_whole_when_the_range_reaches_today():
    today = date(2026, 11, 27)
    assert split_range(date(2026, 11, 1), date(2026, 11, 28), today) == ([date(2026, 11, 1)], [])
    assert split_range(date(2026, 11, 1), date(2026, 11, 20), today) == ([], [(date(2026, 11, 1), date(2026, 11, 20))])


def test_buckets_and_report_periods():
    assert buckets(date(2026, 1, 7), date(2026, 1, 20), "week") == [date(2026, 1, 5), date(2026, 1, 12),
                                                                      date(2026, 1, 19)]
    assert report_range("quarterly", "2026-Q4") == (date(2026, 10, 1), date(2027, 1, 1))
    assert report_range("monthly", "2026-02") == (date(2026, 2, 1), date(2026, 3, 1))
