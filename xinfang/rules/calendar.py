"""Which days are days off, from a snapshot of the work calendar.

The functions here are pure: they take a `Calendar` (date → kind, known years)
so tests can build one by hand. `load_calendar()` is the one place that reads
the database."""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Statutory days are Beijing days whatever the server's or user's time zone.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

HOLIDAY, WORKDAY = "holiday", "workday"  # WorkCalendar.kind values


@dataclass(frozen=True, eq=False)
class Calendar:
    kinds: Mapping[date, str]  # only dates that differ from the normal week
    known_years: frozenset[int]
    names: Mapping[date, str] = field(default_factory=dict)

    def day(self, d: date) -> "Day":
        return day(self, d)

    def is_day_off(self, d: date) -> bool:
        return day(self, d).off


@dataclass(frozen=True)
class Day:
    date: date
    off: bool
    kind: str  # "workday" | "weekend" | "holiday" | "makeup" (调休上班)
    name: str = ""
    warning: str = ""


def year_warning(year: int) -> str:
    return f"{year}年节假日安排尚未录入，按周末计算，期限可能不准确"


def weekday_name(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def local_date(moment: date | datetime) -> date:
    """The Beijing date of an event; a naive datetime is taken as Beijing time."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            return moment.date()
        return moment.astimezone(LOCAL_TZ).date()
    return moment


def day(calendar: Calendar, d: date) -> Day:
    kind = calendar.kinds.get(d)
    name = calendar.names.get(d, "")
    warning = "" if d.year in calendar.known_years else year_warning(d.year)
    if kind == HOLIDAY:
        return Day(d, True, "holiday", name, warning)
    if kind == WORKDAY:
        return Day(d, False, "makeup", name, warning)
    if d.weekday() >= 5:
        return Day(d, True, "weekend", "", warning)
    return Day(d, False, "workday", "", warning)


def is_day_off(calendar: Calendar, d: date) -> bool:
    """A weekend day that is not a 调休 workday, or a statutory holiday."""
    return day(calendar, d).off


def describe(info: Day) -> str:
    """How a day reads in an explanation line: "2026-10-03 为法定节假日（国庆节）"."""
    if info.kind == "holiday":
        return f"{info.date} 为法定节假日（{info.name}）" if info.name else f"{info.date} 为法定节假日"
    if info.kind == "makeup":
        return f"{info.date}（{weekday_name(info.date)}）为调休上班日"
    if info.kind == "weekend":
        return f"{info.date}（{weekday_name(info.date)}）为休息日"
    return f"{info.date} 为工作日"


# --- the database snapshot -------------------------------------------------

# How often a process asks the database whether the calendar changed. A change
# made through the ORM in this process is seen at once (RulesConfig clears the
# snapshot from the models' signals); one made by another process, or one rolled
# back, within this many seconds.
CHECK_EVERY = 5.0

_cached: tuple[tuple, Calendar] | None = None
_checked_at = 0.0


def _fingerprint() -> tuple:
    """Changes whenever a calendar row is added, edited or deleted — in any
    process, and also when a transaction that changed rows rolls back. Two
    aggregate queries over a few hundred rows: cheap, but not free on every
    registration, hence CHECK_EVERY."""
    from django.db.models import Count, Max

    from .models import CalendarYear, WorkCalendar

    days = WorkCalendar.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (days["n"], days["last"], years["n"], years["last"])


def load_calendar() -> Calendar:
    """The current calendar, rebuilt only when the rows changed."""
    global _cached, _checked_at
    from .models import CalendarYear, WorkCalendar

    cached = _cached
    now = time.monotonic()
    if cached is not None and now - _checked_at < CHECK_EVERY:
        return cached[1]
    fingerprint = _fingerprint()
    if cached is not None and cached[0] == fingerprint:
        _checked_at = now
        return cached[1]
    kinds: dict[date, str] = {}
    names: dict[date, str] = {}
    for d, kind, name in WorkCalendar.objects.values_list("date", "kind", "name"):
        kinds[d] = kind
        names[d] = name
    known = frozenset(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
    calendar = Calendar(kinds=kinds, known_years=known, names=names)
    _cached, _checked_at = (fingerprint, calendar), now
    return calendar


def invalidate_calendar_cache(**kwargs) -> None:
    """Forget the snapshot (also a receiver of the calendar models' signals)."""
    global _cached
    _cached = None
