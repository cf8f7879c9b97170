"""The monthly public statistics: volumes and, per org, the rates of rates.py.

Everything here counts; nothing names a person. A case merged into another
is a duplicate registration and is not counted twice."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncMonth

from xinfang.cases.models import Case, Category, Channel, Status
from xinfang.cases.models_procedure import EvaluationTarget
from xinfang.orgs.models import Org, Region
from xinfang.rules.calendar import LOCAL_TZ

from . import rates
from .rates import OrgRates, Period

RANK_BY = {
    "satisfaction": "群众满意率",
    "on_time_reply": "按期办结率",
    "timely_acceptance": "及时受理率",
    "participation": "参评率",
}


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int


def counted_cases() -> QuerySet[Case]:
    return Case.objects.exclude(status=Status.MERGED)


def registered_in(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    return cases.filter(registered_at__gte=period.start, registered_at__lt=period.end)


def by_district(cases: QuerySet[Case]) -> list[Share]:
    """By the county-level region of the issue (问题属地); a city-level issue counts as 市本级."""
    rows = list(cases.annotate(d=Substr("issue_region_id", 1, 6)).values("d").annotate(n=Count("id")).order_by())
    names = dict(Region.objects.filter(code__in=[r["d"] for r in rows]).values_list("code", "name"))
    out = [Share(r["d"], names.get(r["d"], r["d"]) + ("（本级）" if len(r["d"]) < 6 else ""), r["n"]) for r in rows]
    return sorted(out, key=lambda c: (-c.count, c.code))


def by_channel(cases: QuerySet[Case]) -> list[Share]:
    found = dict(cases.values_list("channel").annotate(n=Count("id")).order_by())
    return [Share(code, label, found.get(code, 0)) for code, label in Channel.choices]


def by_category(cases: QuerySet[Case]) -> list[Share]:
    """By top-level content category."""
    rows = cases.annotate(top=Coalesce("category__parent__code", "category__code")).values("top").annotate(
        n=Count("id")).order_by()
    counts = {r["top"]: r["n"] for r in rows}
    names = dict(Category.objects.filter(code__in=counts).values_list("code", "name"))
    return sorted((Share(code, names.get(code, code), n) for code, n in counts.items()), key=lambda c: (-c.count, c.code))


def monthly_trend(cases: QuerySet[Case], last: Period, months: int = 12) -> list[Share]:
    """Cases registered in each of the `months` months ending with `last`."""
    first = last.shifted(-(months - 1))
    rows = (cases.filter(registered_at__gte=first.start, registered_at__lt=last.end)
            .annotate(m=TruncMonth("registered_at", tzinfo=LOCAL_TZ)).values("m").annotate(n=Count("id")).order_by())
    found = {f"{r['m'].astimezone(LOCAL_TZ):%Y-%m}": r["n"] for r in rows}
    periods = [first.shifted(i) for i in range(months)]
    return [Share(p.key, f"{p.start.month}月" if p.start.month != 1 else f"{p.start.year}年1月", found.get(p.key, 0))
            for p in periods]


@dataclass(frozen=True)
class Figure:
    key: str
    formula: rates.Formula
    rate: rates.Rate

    @property
    def explained(self) -> str:
        return self.formula.explain(self.rate)


@dataclass
class OrgRow:
    org: Org
    rates: OrgRates


@dataclass
class Statistics:
    period: Period
    total: int
    districts: list[Share]
    channels: list[Share]
    categories: list[Share]
    trend: list[Share]
    overall: list[Figure]
    ranked: list[OrgRow]
    unranked: list[OrgRow]
    bureaus: list[OrgRow]
    rank_by: str
    min_volume: int
    computed_at: datetime


def _with_orgs(rows: list[OrgRates]) -> list[OrgRow]:
    orgs = Org.objects.in_bulk([r.org_id for r in rows])
    return [OrgRow(orgs[r.org_id], r) for r in rows if r.org_id in orgs]


def month_statistics(period: Period, *, now: datetime, rank_by: str = "satisfaction",
                     min_volume: int = rates.MIN_VOLUME) -> Statistics:
    cases = counted_cases()
    month = registered_in(cases, period)
    overall = [
        Figure(key, rates.FORMULAS[key], compute(cases, period, now=now))
        for key, compute in (("timely_acceptance", rates.timely_acceptance), ("on_time_reply", rates.on_time_reply),
                             ("satisfaction", rates.satisfaction), ("participation", rates.participation))
    ]
    ranked, unranked = rates.ranking(rates.rates_by_org(cases, period, now=now), rank_by, min_volume)
    bureaus, _ = rates.ranking(rates.rates_by_org(cases, period, now=now, target=EvaluationTarget.BUREAU),
                               "satisfaction", min_volume)
    return Statistics(
        period=period, total=month.count(), districts=by_district(month), channels=by_channel(month),
        categories=by_category(month), trend=monthly_trend(cases, period), overall=overall,
        ranked=_with_orgs(ranked), unranked=_with_orgs(unranked), bureaus=_with_orgs(bureaus),
        rank_by=rank_by, min_volume=min_volume, computed_at=now,
    )


def chart_data(stats: Statistics) -> dict:
    """What disclosure.js draws: plain lists, no markup."""
    def pct(rate):
        return None if rate is None or rate.rate is None else round(rate.rate * 100, 1)

    return {
        "trend": {"labels": [c.label for c in stats.trend], "values": [c.count for c in stats.trend]},
        "districts": {"labels": [c.label for c in stats.districts], "values": [c.count for c in stats.districts]},
        "categories": {"labels": [c.label for c in stats.categories], "values": [c.count for c in stats.categories]},
        "orgs": {
            "labels": [row.org.short_name or row.org.name for row in stats.ranked],
            "series": [{"name": label, "values": [pct(getattr(row.rates, key)) for row in stats.ranked]}
                       for key, label in (("timely_acceptance", "及时受理率"), ("on_time_reply", "按期办结率"),
                                          ("satisfaction", "群众满意率"), ("participation", "参评率"))],
        },
    }
