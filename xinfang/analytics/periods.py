"""Dates for the dashboard and the reports: month arithmetic, buckets, and which
part of a date range the monthly rollup rows can answer."""

from datetime import date, datetime, timedelta

from xinfang.rules.calendar import LOCAL_TZ


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=LOCAL_TZ)


def bucket_of(d: date, granularity: str) -> date:
    """The first day of the day / ISO week / month holding `d`."""
    if granularity == "month":
        return month_start(d)
    if granularity == "week":
        return d - timedelta(days=d.weekday())
    return d


def buckets(start: date, end: date, granularity: str) -> list[date]:
    """Every bucket from the one holding `start` up to the one holding `end - 1 day`."""
    out: list[date] = []
    b = bucket_of(start, granularity)
    last = end - timedelta(days=1)
    while b <= last:
        out.append(b)
        b = add_months(b, 1) if granularity == "month" else b + timedelta(days=7 if granularity == "week" else 1)
    return out


def shift_year(d: date, years: int = -1) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def split_range(start: date, end: date, today: date) -> tuple[list[date], list[tuple[date, date]]]:
    """[start, end) as (months the monthly rows may answer, day ranges for the
    daily rows). A month qualifies when the range covers it from its first day
    to its end, or to today at least: nothing is registered in the future, so
    this month's row then holds exactly the range's part of it."""
    months: list[date] = []
    days: list[tuple[date, date]] = []
    cursor = start
    while cursor < end:
        next_month = add_months(cursor, 1)
        if cursor.day == 1 and (next_month <= end or end > today):
            months.append(cursor)
            cursor = next_month
            continue
        stop = min(next_month, end)
        if days and days[-1][1] == cursor:
            days[-1] = (days[-1][0], stop)
        else:
            days.append((cursor, stop))
        cursor = stop
    return months, days


def quarter_of(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def report_range(kind: str, period: str) -> tuple[date, date]:
    """[start, end) of '2026-09' (monthly) or '2026-Q3' (quarterly); ValueError otherwise."""
    try:
        if kind == "quarterly":
            year, q = period.split("-Q")
            start = date(int(year), (int(q) - 1) * 3 + 1, 1)
            if not 1 <= int(q) <= 4:
                raise ValueError
            return start, add_months(start, 3)
        year, month = period.split("-")
        start = date(int(year), int(month), 1)
        return start, add_months(start, 1)
    except (ValueError, TypeError):
        raise ValueError(f"报告期间“{period}”格式不正确，月度如 2026-09，季度如 2026-Q3") from None


def previous_period(kind: str, period: str) -> str:
    start, _ = report_range(kind, period)
    if kind == "quarterly":
        return quarter_of(add_months(start, -3))
    return f"{add_months(start, -1):%Y-%m}"


def year_ago_period(kind: str, period: str) -> str:
    year, rest = period.split("-", 1)
    return f"{int(year) - 1}-{rest}"


def report_period_label(kind: str, period: str) -> str:
    if kind == "quarterly":
        year, q = period.split("-Q")
        return f"{year}年第{'一二三四'[int(q) - 1]}季度"
    year, month = period.split("-")
    return f"{year}年{int(month)}月"
