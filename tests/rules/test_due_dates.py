"""Due dates around the real 2025 and 2026 holidays (DESIGN §6).

The table `due_dates.csv` is for the domain owner: one row per case, the
expected date worked out by hand from the State Council notices
(国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026)."""

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from xinfang.rules.calendar import Calendar, day, is_day_off
from xinfang.rules.deadlines import compute_due
from xinfang.rules.rulesets import get_rule

TABLE = Path(__file__).with_name("due_dates.csv")
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))


def parse_start(text: str) -> date | datetime:
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def due_of(row: dict, calendar: Calendar):
    rule = get_rule(row["rule_set"], row["clock"])
    return compute_due(parse_start(row["start"]), rule.amount, rule.unit, calendar,
                       extend_if_day_off=rule.extend_if_day_off)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['clock']}-{r['rule_set']}-{r['start'][:10]}" for r in ROWS])
def test_it_computes_every_due_date_in_the_table(row, calendar):
    due = due_of(row, calendar)
    assert due.due.isoformat() == row["expected_due"], row["note"]
    assert due.warnings == []


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['clock']}-{r['start'][:10]}" for r in ROWS])
def test_it_agrees_with_chinese_calendar_on_every_row(row):
    """An independent oracle: walk the days with chinese_calendar itself."""
    rule = get_rule(row["rule_set"], row["clock"])
    start = parse_start(row["start"])
    d = start.astimezone(chinese_tz()).date() if isinstance(start, datetime) else start
    if rule.unit == "calendar_days":
        d += timedelta(days=rule.amount)
        while not chinese_calendar.is_workday(d):
            d += timedelta(days=1)
    else:
        counted = 0
        while counted < rule.amount:
            d += timedelta(days=1)
            counted += chinese_calendar.is_workday(d)
    assert d.isoformat() == row["expected_due"], row["note"]


def chinese_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


# The notices, as the domain owner reads them: (date, day off?, why).
NOTICE_FACTS = [
    ("2025-01-26", False, "春节调休，周日上班"),
    ("2025-01-28", True, "春节（除夕）"),
    ("2025-02-04", True, "春节最后一天"),
    ("2025-02-08", False, "春节调休，周六上班"),
    ("2025-09-28", False, "国庆调休，周日上班"),
    ("2025-10-08", True, "国庆、中秋假期最后一天"),
    ("2025-10-11", False, "国庆调休，周六上班"),
    ("2026-01-03", True, "元旦假期（周六）"),
    ("2026-01-04", False, "元旦调休，周日上班"),
    ("2026-02-14", False, "春节调休，周六上班"),
    ("2026-02-15", True, "春节第一天"),
    ("2026-02-23", True, "春节最后一天（周一）"),
    ("2026-02-28", False, "春节调休，周六上班"),
    ("2026-05-05", True, "劳动节最后一天（周二）"),
    ("2026-05-09", False, "劳动节调休，周六上班"),
    ("2026-09-20", False, "国庆调休，周日上班"),
    ("2026-10-07", True, "国庆最后一天（周三）"),
    ("2026-10-10", False, "国庆调休，周六上班"),
    ("2026-10-11", True, "普通周日"),
]


@pytest.mark.parametrize(("text", "off", "why"), NOTICE_FACTS)
def test_it_knows_the_notices_like_chinese_calendar(calendar, text, off, why):
    d = date.fromisoformat(text)
    assert is_day_off(calendar, d) is off, why
    assert chinese_calendar.is_holiday(d) is off, why


def test_it_explains_a_period_ending_on_a_working_day(calendar):
    due = compute_due(date(2026, 9, 28), 15, "calendar_days", calendar)
    assert due.explanation == [
        "起算：2026-09-28 收到（当日不计入）",
        "15日 → 2026-10-13",
        "2026-10-13 为工作日，无需顺延",
    ]
    assert due.skipped == []


def test_it_explains_an_extension_past_a_holiday(calendar):
    due = compute_due(date(2026, 9, 18), 15, "calendar_days", calendar)
    assert due.due == date(2026, 10, 8)
    assert due.explanation[1:] == ["15日 → 2026-10-03", "2026-10-03 为法定节假日（国庆节），顺延至 2026-10-08"]
    assert due.skipped == [date(2026, 10, d) for d in range(3, 8)]


def test_it_does_not_extend_a_period_ending_on_a_makeup_saturday(calendar):
    due = compute_due(date(2026, 9, 25), 15, "calendar_days", calendar)
    assert due.due == date(2026, 10, 10)
    assert due.explanation[-1] == "2026-10-10（周六）为调休上班日，无需顺延"


def test_it_keeps_a_day_off_end_when_the_rule_says_so(calendar):
    due = compute_due(date(2026, 9, 18), 15, "calendar_days", calendar, extend_if_day_off=False)
    assert due.due == date(2026, 10, 3)
    assert due.explanation[-1] == "2026-10-03 为法定节假日（国庆节），按本规则不顺延"


def test_it_skips_holidays_and_counts_makeup_weekends_in_working_days(calendar):
    due = compute_due(date(2025, 9, 24), 10, "working_days", calendar, start_label="受理")
    assert due.due == date(2025, 10, 14)
    assert due.explanation == [
        "起算：2025-09-24 受理（当日不计入）",
        "10个工作日 → 2025-10-14",
        "2025-09-28（周日）为调休上班日，计入",
        "跳过 2025-10-01 至 2025-10-08 国庆节、中秋节假期（8天）",
        "2025-10-11（周六）为调休上班日，计入",
        "跳过周末：2025-09-27（周六）、2025-10-12（周日），共2天",
    ]
    assert len(due.skipped) == 10


def test_it_counts_weekends_only_outside_known_years_and_warns(calendar):
    # 2030-09-30 is a Monday; 2030 has no notice yet, so 10-01 counts as a working day.
    due = compute_due(date(2030, 9, 30), 5, "working_days", calendar)
    assert due.due == date(2030, 10, 7)
    assert due.warnings == ["2030年节假日安排尚未录入，按周末计算，期限可能不准确"]
    assert day(calendar, date(2030, 10, 1)).warning == due.warnings[0]
    later = compute_due(date(2030, 10, 4), 15, "calendar_days", calendar)
    assert later.due == date(2030, 10, 21)  # 10-19 is a Saturday
    assert later.warnings == due.warnings


def test_it_warns_only_for_the_unknown_year_it_reaches(calendar):
    assert compute_due(date(2026, 12, 1), 10, "calendar_days", calendar).warnings == []
    assert compute_due(date(2026, 12, 20), 15, "calendar_days", calendar).warnings == [
        "2027年节假日安排尚未录入，按周末计算，期限可能不准确"
    ]


def test_it_works_on_a_hand_made_calendar_without_the_database():
    calendar = Calendar(kinds={date(2031, 1, 1): "holiday", date(2031, 1, 4): "workday"},
                        known_years=frozenset({2031}), names={date(2031, 1, 1): "元旦"})
    assert is_day_off(calendar, date(2031, 1, 1))
    assert not is_day_off(calendar, date(2031, 1, 4))  # a Saturday, worked
    assert is_day_off(calendar, date(2031, 1, 5))
    assert compute_due(date(2030, 12, 31), 2, "working_days", calendar).due == date(2031, 1, 3)


@pytest.mark.parametrize(("amount", "unit", "message"), [
    (0, "calendar_days", "正整数"), (-3, "working_days", "正整数"), (5, "weeks", "计算单位"),
])
def test_it_refuses_nonsense_periods_in_chinese(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        compute_due(date(2026, 1, 5), amount, unit, Calendar(kinds={}, known_years=frozenset()))
