"""The rates table the pages show: one row per org (or per region below the
chosen one), the four rates of one target, totals, and the ranking with a
minimum volume."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from xinfang.disclosure.rates import Formula, Period, Rate
from xinfang.orgs.models import Org, Region
from xinfang.rules.calendar import LOCAL_TZ

from . import tallies
from .rates import RATE_KEYS, GroupBy, Scope, counts_all, spec

# An org enters a ranking only when the ranked figure rests on this many items:
# one case handled on time must not put an org above one that handled 500.
MIN_VOLUME: int = getattr(settings, "ASSESSMENT_MIN_VOLUME", 10)
USE_TALLIES: bool = getattr(settings, "ASSESSMENT_USE_TALLIES", True)


def period_between(start: date, end: date) -> Period:
    """Both days included, Beijing time."""
    if end < start:
        raise ValueError("结束日期不能早于开始日期")
    if (end - start).days > 3 * 366:
        raise ValueError("统计期间最长三年")
    return Period(datetime(start.year, start.month, start.day, tzinfo=LOCAL_TZ),
                  datetime(end.year, end.month, end.day, tzinfo=LOCAL_TZ) + timedelta(days=1),
                  f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")


def parse_period(start_text: str, end_text: str) -> Period:
    try:
        start, end = date.fromisoformat(start_text.strip()), date.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError("日期格式不正确，应为“年-月-日”，如 2026-09-01") from None
    return period_between(start, end)


@dataclass(frozen=True)
class Figure:
    key: str
    formula: Formula
    rate: Rate

    @property
    def explained(self) -> str:
        return self.formula.explain(self.rate)


@dataclass
class Row:
    key: object  # org id or region code
    label: str
    rates: dict[str, Rate]

    def rate(self, key: str) -> Rate:
        return self.rates.get(key, Rate.of(0, 0))

    def cells(self) -> list[tuple[str, Rate]]:
        return [(k, self.rate(k)) for k in RATE_KEYS]


@dataclass
class Table:
    target: str
    group_by: GroupBy
    period: Period
    now: datetime
    totals: list[Figure]
    rows: list[Row]
    region_len: int
    snapshot_at: datetime | None = None  # whole months came from the tallies computed then

    @property
    def formulas(self) -> dict[str, Formula]:
        return {f.key: f.formula for f in self.totals}


def child_length(code: str) -> int:
    """Code length of the level below: 2 → 4 → 6 → 9 → 12."""
    return {2: 4, 4: 6, 6: 9}.get(len(code), 12)


def _tallies_apply(scope: Scope, group_by: GroupBy, region_len: int) -> bool:
    """Tallies hold every case by org and county: usable for a viewer who sees the
    whole region, at county level or above, by org or by county."""
    return (USE_TALLIES and scope.visible is None and scope.exclude_merged
            and len(scope.region_code or "") <= 6 and (group_by == "org" or region_len <= 6))


def _add(into: dict[str, dict[object, Rate]], found: dict[str, dict[object, Rate]]) -> None:
    for key, grouped in found.items():
        mine = into.setdefault(key, {})
        for group, rate in grouped.items():
            old = mine.get(group, Rate.of(0, 0))
            mine[group] = Rate.of(old.numerator + rate.numerator, old.denominator + rate.denominator)


def _counted(scope: Scope, period: Period, now: datetime, target: str, group_by: GroupBy,
             region_len: int) -> tuple[dict[str, dict[object, Rate]], datetime | None]:
    """The counts, from the monthly tallies where they apply, else live; and
    the time of the oldest tally used (None when all is live)."""
    if not _tallies_apply(scope, group_by, region_len):
        return counts_all(target, scope, period, now, group_by=group_by, region_len=region_len), None
    months, pieces = tallies.split(period)
    runs = tallies.covering_runs(months)
    found: dict[str, dict[object, Rate]] = {}
    if runs:
        _add(found, tallies.tallied(target, list(runs), scope.region_code, group_by, region_len))
    pieces += [Period(tallies.month_start(m), tallies.month_start(tallies.next_month(m)), "")
               for m in months if m not in runs]
    for piece in pieces:
        _add(found, counts_all(target, scope, piece, now, group_by=group_by, region_len=region_len))
    return found, min((r.computed_at for r in runs.values()), default=None)


def rates_table(scope: Scope, period: Period, now: datetime, *, target: str, group_by: GroupBy = "org") -> Table:
    region_len = child_length(scope.region_code or "32")
    per_key: dict[object, dict[str, Rate]] = {}
    totals = []
    found, snapshot_at = _counted(scope, period, now, target, group_by, region_len)
    for key in RATE_KEYS:
        s = spec(target, key)
        grouped = {g: r for g, r in found.get(key, {}).items() if r.denominator}
        total = Rate.of(sum(r.numerator for r in grouped.values()), sum(r.denominator for r in grouped.values()))
        totals.append(Figure(key, s.formula, total))
        for group, rate in grouped.items():
            per_key.setdefault(group, {})[key] = rate
    return Table(target, group_by, period, now, totals, _label(per_key, group_by, scope), region_len, snapshot_at)


def _label(per_key: dict[object, dict[str, Rate]], group_by: GroupBy, scope: Scope) -> list[Row]:
    if group_by == "org":
        names = dict(Org.objects.filter(pk__in=list(per_key)).values_list("pk", "name"))
        rows = [Row(k, names.get(k, "（已删除单位）"), v) for k, v in per_key.items()]  # type: ignore[call-overload]
        return sorted(rows, key=lambda r: r.label)
    regions = dict(Region.objects.filter(code__in=[str(k) for k in per_key]).values_list("code", "name"))
    rows = [Row(k, regions.get(str(k), str(k)) + ("（本级）" if str(k) == scope.region_code else ""), v)
            for k, v in per_key.items()]
    return sorted(rows, key=lambda r: str(r.key))


def ranking(rows: list[Row], by: str, min_volume: int = MIN_VOLUME) -> tuple[list[Row], list[Row]]:
    """(ranked best first, listed but unranked): an org ranks only when the
    figure it is ranked by rests on at least `min_volume` items."""
    enough = [r for r in rows if r.rate(by).denominator >= min_volume]
    ranked = sorted(enough, key=lambda r: (-(r.rate(by).rate or 0), -r.rate(by).denominator, r.label))
    return ranked, [r for r in rows if r.rate(by).denominator < min_volume]
