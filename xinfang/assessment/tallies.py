"""Monthly tallies of the rates: the engine's own counts per (month, org,
county-level region), stored so that a year of a whole city is a sum over
narrow rows. Refreshed by a scheduled job; whole months of a region-wide
table come from here, partial months and untallied ones are counted live."""

import time
from datetime import date, datetime, timedelta
from typing import cast

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from xinfang.disclosure.rates import Period, Rate
from xinfang.rules.calendar import LOCAL_TZ

from .models import RateTally, TallyRun
from .rates import TARGETS, Scope, counts_all


def month_start(d: date) -> datetime:
    return datetime(d.year, d.month, 1, tzinfo=LOCAL_TZ)


def next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _as_month(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date().replace(day=1)
    if isinstance(value, str):  # SQLite may hand back text
        return date.fromisoformat(value[:10]).replace(day=1)
    return value.replace(day=1)


def refresh(first: date, last: date, *, now: datetime | None = None) -> TallyRun:
    """Recount the months from `first` to `last` (inclusive) and replace their tallies."""
    first, last = first.replace(day=1), last.replace(day=1)
    now = now or timezone.now()
    started = time.perf_counter()
    period = Period(month_start(first), month_start(next_month(last)), "")
    rows = []
    for target in TARGETS:
        found = counts_all(target, Scope(), period, now, group_by="month_org_region")
        for key, grouped in found.items():
            for group, rate in grouped.items():
                month, org, region = cast(tuple[object, int | None, str], group)
                if org is None:
                    continue
                rows.append(RateTally(month=_as_month(month), target=target, key=key, org_id=org, region=region,
                                      numerator=rate.numerator, denominator=rate.denominator))
    with transaction.atomic():
        RateTally.objects.filter(month__gte=first, month__lte=last).delete()
        RateTally.objects.bulk_create(rows, batch_size=5000)
        return TallyRun.objects.create(first_month=first, last_month=last, computed_at=now,
                                       seconds=time.perf_counter() - started)


def refresh_recent(months: int = 13, *, now: datetime | None = None) -> TallyRun:
    """The scheduled refresh: the current month and the `months` - 1 before it."""
    today = (now or timezone.now()).astimezone(LOCAL_TZ).date().replace(day=1)
    first = today
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return refresh(first, today, now=now)


def covering_runs(months: list[date]) -> dict[date, TallyRun]:
    """For each month, the latest refresh that counted it (months never tallied are left out)."""
    runs = list(TallyRun.objects.order_by("-computed_at")[:200])
    out = {}
    for m in months:
        run = next((r for r in runs if r.first_month <= m <= r.last_month), None)
        if run:
            out[m] = run
    return out


def split(period: Period) -> tuple[list[date], list[Period]]:
    """(whole months inside the period, the partial pieces at its edges)."""
    start, end = period.start.astimezone(LOCAL_TZ), period.end.astimezone(LOCAL_TZ)
    first = start.date() if start == month_start(start.date()) else next_month(start.date())
    months, m = [], first
    while month_start(next_month(m)) <= end:
        months.append(m)
        m = next_month(m)
    if not months:
        return [], [period]
    edges = []
    if start < month_start(months[0]):
        edges.append(Period(period.start, month_start(months[0]), ""))
    tail = month_start(next_month(months[-1]))
    if tail < end:
        edges.append(Period(tail, period.end, ""))
    return months, edges


def tallied(target: str, months: list[date], region_code: str | None, group_by: str,
            region_len: int) -> dict[str, dict[object, Rate]]:
    """{rate key: {org id or region prefix: Rate}} summed over the months."""
    qs = RateTally.objects.filter(target=target, month__in=months)
    if region_code:
        qs = qs.filter(region__startswith=region_code)
    grp = F("org_id") if group_by == "org" else Substr("region", 1, region_len)
    rows = qs.annotate(grp=grp).values("key", "grp").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    out: dict[str, dict[object, Rate]] = {}
    for r in rows:
        out.setdefault(r["key"], {})[r["grp"]] = Rate.of(r["n"], r["d"])
    return out
