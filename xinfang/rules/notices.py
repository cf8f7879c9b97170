"""Entering a year's State Council holiday notice (国务院办公厅关于××年部分节假日安排的通知).

One line per date or range, e.g.

    2027-01-01 holiday 元旦
    2027-02-06..2027-02-12 holiday 春节
    2027-02-14 workday 春节调休

Every line is checked before anything is written; then the year is replaced in
one transaction and the running clocks are recomputed."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from .calendar import HOLIDAY, WORKDAY, invalidate_calendar_cache, weekday_name

KIND_WORDS = {"holiday": HOLIDAY, "放假": HOLIDAY, "假日": HOLIDAY,
              "workday": WORKDAY, "上班": WORKDAY, "调休上班": WORKDAY}
LINE = re.compile(r"^(\S+?)(?:\s*(?:\.\.|至|~)\s*(\S+))?\s+(\S+)\s+(\S.*)$")
MAX_RANGE_DAYS = 31
MAX_NAME = 20
EXAMPLE = "格式应为「日期 类型 名称」，如「2027-01-01 holiday 元旦」或「2027-02-06..2027-02-12 holiday 春节」"


@dataclass(frozen=True)
class Entry:
    date: date
    kind: str
    name: str


@dataclass(frozen=True)
class ImportResult:
    year: int
    holidays: int
    workdays: int
    moved: int


class NoticeError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _in_year(d: date, year: int) -> bool:
    # A notice may reach back into December: the 2019 one made 2018-12-29 a workday for 元旦.
    return d.year == year or (d.year == year - 1 and d.month == 12)


def _parse_line(line: str, year: int) -> tuple[list[Entry], str]:
    m = LINE.match(line)
    if not m:
        return [], EXAMPLE
    first_text, last_text, kind_text, name = m.group(1), m.group(2), m.group(3), m.group(4).strip()
    first = _date(first_text)
    last = _date(last_text) if last_text else first
    if first is None:
        return [], f"日期「{first_text}」无效，应为 YYYY-MM-DD"
    if last is None:
        return [], f"日期「{last_text}」无效，应为 YYYY-MM-DD"
    kind = KIND_WORDS.get(kind_text.lower())
    if kind is None:
        return [], f"类型「{kind_text}」无效，应为 holiday（放假）或 workday（调休上班）"
    if len(name) > MAX_NAME:
        return [], f"名称不能超过{MAX_NAME}个字"
    if last < first:
        return [], "结束日期早于开始日期"
    if (last - first).days >= MAX_RANGE_DAYS:
        return [], f"日期范围过长（最多{MAX_RANGE_DAYS}天）"
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for d in days:
        if not _in_year(d, year):
            return [], f"日期 {d} 不属于{year}年的安排"
        if kind == WORKDAY and d.weekday() < 5:
            return [], f"{d} 是{weekday_name(d)}，本来就是工作日，不能登记为调休上班日"
    return [Entry(d, kind, name) for d in days], ""


def parse_notice(text: str, year: int) -> list[Entry]:
    """All entries of the notice, or NoticeError listing every bad line."""
    errors: list[str] = []
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found, error = _parse_line(line, year)
        if error:
            errors.append(f"第{number}行「{line}」：{error}")
            continue
        for entry in found:
            if entry.date in seen:
                errors.append(f"第{number}行「{line}」：{entry.date} 与第{seen[entry.date]}行重复")
                break
            seen[entry.date] = number
        entries.extend(found)
    if not errors and not entries:
        errors.append("没有填写任何节假日安排")
    if errors:
        raise NoticeError(errors)
    return sorted(entries, key=lambda e: e.date)


def import_notice(year: int, text: str, *, source: str, at: datetime) -> ImportResult:
    """Replace the year's holidays and workdays with the notice's, mark the year
    known, and recompute the running clocks — all or nothing."""
    from .clocks import recompute_running_clocks
    from .models import CalendarYear, WorkCalendar

    source = source.strip()
    if not source:
        raise NoticeError(["请填写来源（通知文号），如「国办发明电〔2026〕7号」"])
    entries = parse_notice(text, year)
    with transaction.atomic():
        WorkCalendar.objects.filter(date__year=year).delete()
        WorkCalendar.objects.filter(date__in=[e.date for e in entries]).delete()
        WorkCalendar.objects.bulk_create(
            [WorkCalendar(date=e.date, kind=e.kind, name=e.name, source=source) for e in entries]
        )
        CalendarYear.objects.update_or_create(
            year=year, defaults={"is_complete": True, "source": source, "notice": text.strip()}
        )
        invalidate_calendar_cache()
        moved = recompute_running_clocks(source, at=at)
    return ImportResult(year, sum(e.kind == HOLIDAY for e in entries), sum(e.kind == WORKDAY for e in entries),
                        moved)
