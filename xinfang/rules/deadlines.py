"""Due dates that explain themselves (DESIGN §6).

- "日" periods are calendar days. The start day does not count; a period whose
  last day is a day off ends on the next working day instead (as 民事诉讼法
  art. 85 treats 法定休假日), unless the rule says otherwise.
- "工作日" periods count the working days after the start day: weekends and
  holidays are skipped, 调休 weekend workdays count.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .calendar import Calendar, Day, day, describe, local_date, weekday_name

CALENDAR_DAYS, WORKING_DAYS = "calendar_days", "working_days"
UNIT_TEXT = {CALENDAR_DAYS: "日", WORKING_DAYS: "个工作日"}
# No real calendar has a longer run of days off; more means broken data, not a long holiday.
MAX_DAYS_OFF_IN_A_ROW = 60
# Listing every weekend of a 90-day count would bury the holidays; past this, count them.
MAX_WEEKEND_RUNS_LISTED = 3


@dataclass
class Due:
    start: date
    due: date
    explanation: list[str]
    skipped: list[date] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def amount_text(amount: int, unit: str) -> str:
    return f"{amount}{UNIT_TEXT[unit]}"


def compute_due(start: date | datetime, amount: int, unit: str, calendar: Calendar, *,
                extend_if_day_off: bool = True, start_label: str = "收到",
                amount_label: str | None = None) -> Due:
    """The last day of a period of `amount` days (or working days) after `start`.

    `start_label` names the event in the first explanation line ("收到", "受理");
    `amount_label` replaces "15日" when the amount is a sum ("60日 + 延期30日 = 90日")."""
    if unit not in UNIT_TEXT:
        raise ValueError(f"计算单位「{unit}」无效，应为 calendar_days（日）或 working_days（工作日）")
    if not isinstance(amount, int) or amount < 1:
        raise ValueError(f"期限天数须为正整数（填写的是 {amount}）")
    first = local_date(start)
    head = f"起算：{first} {start_label}（当日不计入）"
    label = amount_label or amount_text(amount, unit)
    if unit == CALENDAR_DAYS:
        return _calendar_days(first, amount, calendar, extend_if_day_off, head, label)
    return _working_days(first, amount, calendar, head, label)


def _warnings(days: list[Day]) -> list[str]:
    seen: list[str] = []
    for info in days:
        if info.warning and info.warning not in seen:
            seen.append(info.warning)
    return seen


def _calendar_days(first: date, amount: int, calendar: Calendar, extend: bool, head: str, label: str) -> Due:
    end = first + timedelta(days=amount)
    last = day(calendar, end)
    lines = [head, f"{label} → {end}"]
    examined = [last]
    if not last.off:
        lines.append(f"{describe(last)}，无需顺延")
        return Due(first, end, lines, [], _warnings(examined))
    if not extend:
        lines.append(f"{describe(last)}，按本规则不顺延")
        return Due(first, end, lines, [], _warnings(examined))
    skipped = []
    current = last
    while current.off:
        skipped.append(current.date)
        if len(skipped) > MAX_DAYS_OFF_IN_A_ROW:
            raise ValueError(f"{end} 起连续{MAX_DAYS_OFF_IN_A_ROW}天以上均为休息日，请检查节假日安排")
        current = day(calendar, current.date + timedelta(days=1))
        examined.append(current)
    lines.append(f"{describe(last)}，顺延至 {current.date}")
    return Due(first, current.date, lines, skipped, _warnings(examined))


def _working_days(first: date, amount: int, calendar: Calendar, head: str, label: str) -> Due:
    counted = 0
    current = first
    examined: list[Day] = []
    off_in_a_row = 0
    while counted < amount:
        current += timedelta(days=1)
        info = day(calendar, current)
        examined.append(info)
        if info.off:
            off_in_a_row += 1
            if off_in_a_row > MAX_DAYS_OFF_IN_A_ROW:
                raise ValueError(f"{current} 前连续{MAX_DAYS_OFF_IN_A_ROW}天以上均为休息日，请检查节假日安排")
        else:
            off_in_a_row = 0
            counted += 1
    lines = [head, f"{label} → {current}", *_working_day_details(examined)]
    skipped = [info.date for info in examined if info.off]
    return Due(first, current, lines, skipped, _warnings(examined))


def _runs(days: list[Day]) -> list[list[Day]]:
    """Consecutive days off, as runs."""
    runs: list[list[Day]] = []
    for info in days:
        if not info.off:
            continue
        if runs and runs[-1][-1].date + timedelta(days=1) == info.date:
            runs[-1].append(info)
        else:
            runs.append([info])
    return runs


def _span(run: list[Day], weekday: bool = False) -> str:
    a, b = run[0].date, run[-1].date
    if a == b:
        return f"{a}（{weekday_name(a)}）" if weekday else f"{a}"
    return f"{a} 至 {b}"


def _working_day_details(days: list[Day]) -> list[str]:
    """Holiday runs and counted 调休 days in date order, then the plain weekends."""
    dated: list[tuple[date, str]] = []
    weekends: list[list[Day]] = []
    for run in _runs(days):
        names = list(dict.fromkeys(d.name for d in run if d.kind == "holiday" and d.name))
        if not any(d.kind == "holiday" for d in run):
            weekends.append(run)
            continue
        what = "、".join(names) + "假期" if names else "法定节假日"
        if any(d.kind == "weekend" for d in run):
            what += "及周末"
        dated.append((run[0].date, f"跳过 {_span(run)} {what}（{len(run)}天）"))
    for info in days:
        if info.kind == "makeup":
            dated.append((info.date, f"{info.date}（{weekday_name(info.date)}）为调休上班日，计入"))
    lines = [text for _, text in sorted(dated)]
    if weekends:
        total = sum(len(r) for r in weekends)
        if len(weekends) <= MAX_WEEKEND_RUNS_LISTED:
            lines.append(f"跳过周末：{'、'.join(_span(r, weekday=True) for r in weekends)}，共{total}天")
        else:
            lines.append(f"跳过周末：共{len(weekends)}个周末{total}天")
    return lines
