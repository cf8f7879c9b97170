"""The one filter set that drives every chart: period, granularity, county,
category, channel. Bad input raises FilterError with a Chinese message."""

from dataclasses import dataclass
from datetime import date, timedelta

from xinfang.cases.models import Category, Channel

from .periods import add_months, month_start
from .scope import Scope

GRANULARITIES = {"day": "日", "week": "周", "month": "月"}
MAX_DAYS = 366 * 5
MAX_DAY_BUCKETS = 400  # a daily series longer than this is unreadable and slow


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    start: date  # inclusive
    end: date  # exclusive
    granularity: str = "month"
    county: str | None = None
    category_ids: tuple[int, ...] | None = None  # a top-level category stands for its children
    category: str = ""  # what was chosen, for the form and the export
    channel: str | None = None

    def as_params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": (self.end - timedelta(days=1)).isoformat(),
                "granularity": self.granularity, "region": self.county or "", "category": self.category,
                "channel": self.channel or ""}

    def describe(self) -> str:
        parts = [f"{self.start:%Y-%m-%d} 至 {self.end - timedelta(days=1):%Y-%m-%d}"]
        if self.channel:
            parts.append(dict(Channel.choices)[self.channel])
        return "，".join(parts)


def default_filters(today: date) -> Filters:
    """The last twelve months, this one included, by month."""
    return Filters(start=add_months(month_start(today), -11), end=today + timedelta(days=1))


def _date(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FilterError(f"{label}“{text}”不是有效日期，应为 年-月-日，如 2026-09-01") from None


def parse_filters(params, scope: Scope, today: date) -> Filters:
    base = default_filters(today)
    start = _date(params["from"], "开始日期") if params.get("from") else base.start
    end = _date(params["to"], "结束日期") + timedelta(days=1) if params.get("to") else base.end
    if end <= start:
        raise FilterError("结束日期不能早于开始日期")
    if (end - start).days > MAX_DAYS:
        raise FilterError("统计期间不能超过五年")
    granularity = params.get("granularity") or "month"
    if granularity not in GRANULARITIES:
        raise FilterError("统计粒度只能是日、周或月")
    if granularity == "day" and (end - start).days > MAX_DAY_BUCKETS:
        raise FilterError(f"按日统计时期间不能超过 {MAX_DAY_BUCKETS} 天，请改为按周或按月")
    county = params.get("region") or None
    if county and county not in scope.county_codes:
        raise FilterError("所选地区不在您的统计范围内")
    channel = params.get("channel") or None
    if channel and channel not in Channel.values:
        raise FilterError("信访形式不正确")
    category_ids = None
    chosen = params.get("category") or ""
    if chosen:
        cat = Category.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if cat is None:
            raise FilterError("内容分类不存在")
        children = list(Category.objects.filter(parent=cat).values_list("pk", flat=True))
        category_ids = tuple(children + [cat.pk])
    return Filters(start, end, granularity, county, category_ids, chosen, channel)
