"""The work calendar 2004–2026 from the chinese-calendar package, whose data
follows the State Council holiday notices. Used by the data migration and by
tests that run after a flush; later years come from each year's notice."""

from datetime import date, timedelta

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE = "chinese-calendar"
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed_work_calendar(WorkCalendar, CalendarYear) -> int:  # noqa: N803 - models passed in, as migrations do
    """Insert the rows for every seeded year not yet known. Returns rows inserted."""
    import chinese_calendar

    known = set(CalendarYear.objects.values_list("year", flat=True))
    years = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in known]
    if not years:
        return 0
    taken = set(WorkCalendar.objects.values_list("date", flat=True))
    rows = []
    for year in years:
        d = date(year, 1, 1)
        while d.year == year:
            is_off, name = chinese_calendar.get_holiday_detail(d)
            if name and d not in taken:  # a named day: a holiday, or (not off) a 调休 workday for it
                chinese = NAMES.get(name, name)
                rows.append(WorkCalendar(date=d, kind="holiday" if is_off else "workday",
                                         name=chinese if is_off else f"{chinese}调休", source=SOURCE))
            d += timedelta(days=1)
    WorkCalendar.objects.bulk_create(rows, batch_size=500)
    CalendarYear.objects.bulk_create([
        CalendarYear(year=y, is_complete=True, source=SOURCE,
                     notice=f"国务院办公厅关于{y}年部分节假日安排的通知（数据取自 chinese-calendar）")
        for y in years
    ])
    from .calendar import invalidate_calendar_cache

    invalidate_calendar_cache()  # bulk_create sends no signals
    return len(rows)


def ensure_work_calendar() -> int:
    """Re-seed after a test flush emptied the tables (a no-op otherwise)."""
    from .models import CalendarYear, WorkCalendar

    return seed_work_calendar(WorkCalendar, CalendarYear)
