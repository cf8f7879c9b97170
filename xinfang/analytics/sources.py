"""Where the dashboard's numbers come from: the rollup tables, or live
aggregate queries over `visible_cases(user)` (see scope.py for which). Both
answer the same two questions, so every chart is computed the same way:

- `volume(dims, start, end)`: cases registered in [start, end) grouped by some
  of day / month / county / org / category / channel, with four measures
  (cases, repeat cases, group cases, headcount);
- `rates(first_month, end)`: the three rates per month, as `Rate`s."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import TruncDay, TruncMonth

from xinfang.cases.models import Case
from xinfang.disclosure import rates
from xinfang.orgs.access import visible_cases
from xinfang.rules.calendar import LOCAL_TZ, local_date

from .facts import ACCEPT, ALL_ORGS, OPEN, REPLY, SATISFACTION, county_of
from .filters import Filters
from .models import DAY, MONTH, RateRollup, VolumeRollup
from .periods import add_months, local_midnight, month_start, split_range
from .scope import ROLLUP, Scope

DIMS = ("day", "month", "county", "org_id", "category_id", "channel")
Measures = tuple[int, int, int, int]
RATE_NAMES = ("timely_acceptance", "on_time_reply", "satisfaction")


def _merge(rows: Iterable[tuple[tuple, Measures]]) -> dict[tuple, Measures]:
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, values in rows:
        target = acc[key]
        for i, v in enumerate(values):
            target[i] += v or 0
    return {k: (v[0], v[1], v[2], v[3]) for k, v in acc.items()}


def _rates_from_counts(counts: dict[tuple[str, str], int]) -> dict[str, rates.Rate]:
    """{(measure, outcome): n} → the three rates, with the outcome sets of rates.py."""
    deadline = {rates.MET, rates.LATE, rates.OVERDUE}

    def of(measure: str, good: Iterable[str], counted: Iterable[str] | None = None) -> rates.Rate:
        mine = {o: n for (m, o), n in counts.items() if m == measure}
        counted = set(counted) if counted is not None else set(mine)
        good = set(good)
        return rates.Rate.of(sum(n for o, n in mine.items() if o in good),
                             sum(n for o, n in mine.items() if o in counted))

    return {"timely_acceptance": of(ACCEPT, {rates.MET}, deadline),
            "on_time_reply": of(REPLY, {rates.MET}, deadline),
            "satisfaction": of(SATISFACTION, rates.SATISFIED)}


def _accumulate(acc: dict[tuple, list[int]], key: tuple, values) -> None:
    target = acc.get(key)
    if target is None:
        acc[key] = [v or 0 for v in values]
    else:
        for i, v in enumerate(values):
            target[i] += v or 0


class RollupSource:
    def __init__(self, scope: Scope, filters: Filters, today: date) -> None:
        self.scope, self.filters, self.today = scope, filters, today

    def _where(self) -> Q:
        f = self.filters
        if f.county:
            q = Q(county=f.county)
        else:
            q = reduce(or_, (Q(county__gte=c, county__lt=c + "\uffff") for c in self.scope.regions))
        if f.category_ids is not None:
            q &= Q(category_id__in=f.category_ids)
        if f.channel:
            q &= Q(channel=f.channel)
        return q

    def volume(self, dims: tuple[str, ...], start: date, end: date) -> dict[tuple, Measures]:
        months, day_ranges = split_range(start, end, self.today)
        plain = [d for d in dims if d not in ("day", "month")]
        want_time = "day" in dims or "month" in dims
        if "day" in dims:  # a daily series cannot use the monthly rows
            months, day_ranges = [], [(start, end)]
        measures = {m: Sum(m) for m in VolumeRollup.MEASURES}
        base = VolumeRollup.objects.filter(self._where())
        base = base.filter(org_id__gt=ALL_ORGS) if "org_id" in dims else base.filter(org_id=ALL_ORGS)
        parts = []
        if months:
            parts.append(base.filter(grain=MONTH, start__in=months))
        if day_ranges:
            parts.append(base.filter(reduce(or_, (Q(start__gte=a, start__lt=b) for a, b in day_ranges)), grain=DAY))
        group = (["start"] if want_time else []) + plain
        acc: dict[tuple, list[int]] = {}
        for qs in parts:
            if not group:  # a plain total: values() without fields would group by every column
                row = qs.aggregate(**measures)
                _accumulate(acc, (), [row[m] or 0 for m in VolumeRollup.MEASURES])
                continue
            # Plain tuples: the cube can be thousands of rows, and dicts per row cost more than the query.
            for row in qs.values_list(*group).annotate(**measures).order_by():
                if want_time:
                    when = row[0] if "day" in dims else month_start(row[0])
                    named = dict(zip(plain, row[1:], strict=False))
                    key = tuple(when if d in ("day", "month") else named[d] for d in dims)
                    values = row[1 + len(plain):]
                else:
                    key, values = row[:len(plain)], row[len(plain):]
                _accumulate(acc, key, values)
        return {k: (v[0], v[1], v[2], v[3]) for k, v in acc.items()}

    def rates(self, first_month: date, end: date) -> dict[date, dict[str, rates.Rate]]:
        counts: dict[date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        rows = (RateRollup.objects.filter(self._where(), month__gte=first_month, month__lt=end, org_id=ALL_ORGS)
                .values("month", "measure", "outcome", "due_day").annotate(total=Sum("n")).order_by())
        for r in rows:
            outcome = r["outcome"]
            if outcome == OPEN:  # as rates.deadline_outcome, with the due day for the due time
                outcome = rates.OVERDUE if r["due_day"] < self.today else rates.PENDING
            counts[r["month"]][(r["measure"], outcome)] += r["total"]
        return {m: _rates_from_counts(c) for m, c in counts.items()}

    def overdue_counts(self) -> list[tuple[int, int]]:
        """Open 受理告知 and 办理 deadlines past their due day, by handling org,
        from the rate rollups: counting running clocks live costs seconds at a million cases."""
        rows = (RateRollup.objects.filter(self._where(), outcome=OPEN, due_day__lt=self.today, org_id__gt=ALL_ORGS)
                .values_list("org_id").annotate(total=Sum("n")).order_by())
        return [(org, n) for org, n in rows if n]

    def cases(self) -> QuerySet[Case]:
        """The cases counted (for the overdue list)."""
        f = self.filters
        if f.county:
            q = Q(issue_region_id__gte=f.county, issue_region_id__lt=f.county + "\uffff")
        else:
            q = reduce(or_, (Q(issue_region_id__gte=c, issue_region_id__lt=c + "\uffff") for c in self.scope.regions))
        return _filtered(Case.objects.filter(q), f, county=False)


def _filtered(qs: QuerySet[Case], f: Filters, *, county: bool = True) -> QuerySet[Case]:
    if county and f.county:
        qs = qs.filter(issue_region_id__gte=f.county, issue_region_id__lt=f.county + "\uffff")
    if f.category_ids is not None:
        qs = qs.filter(category_id__in=f.category_ids)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs


class LiveSource:
    """Aggregates over `visible_cases(user)` directly: exact for any user."""

    FIELDS = {"day": TruncDay("registered_at", tzinfo=LOCAL_TZ), "month": TruncMonth("registered_at", tzinfo=LOCAL_TZ)}
    COLUMNS = {"county": "issue_region_id", "org_id": "current_org_id", "category_id": "category_id",
               "channel": "channel"}

    def __init__(self, user, filters: Filters, today: date, now: datetime) -> None:
        self.user, self.filters, self.today, self.now = user, filters, today, now

    def cases(self) -> QuerySet[Case]:
        return _filtered(visible_cases(self.user), self.filters)

    def volume(self, dims: tuple[str, ...], start: date, end: date) -> dict[tuple, Measures]:
        qs = self.cases().filter(registered_at__gte=local_midnight(start), registered_at__lt=local_midnight(end))
        annotations = {f"d_{d}": self.FIELDS[d] for d in dims if d in self.FIELDS}
        group = [f"d_{d}" if d in self.FIELDS else self.COLUMNS[d] for d in dims]
        repeat = When_(When(submission_count__gt=1, then=1), default=0, output_field=IntegerField())
        group_case = When_(When(is_group=True, then=1), default=0, output_field=IntegerField())
        measures = {"n": Count("id"), "r": Sum(repeat), "g": Sum(group_case), "h": Sum("headcount")}
        if not group:
            total = qs.aggregate(**measures)
            return _merge([((), (total["n"], total["r"] or 0, total["g"] or 0, total["h"] or 0))])
        rows = qs.annotate(**annotations).values(*group).annotate(**measures).order_by()
        out = []
        for row in rows:
            key = []
            for d, col in zip(dims, group, strict=True):
                value = row[col]
                if d in self.FIELDS:
                    value = local_date(value) if isinstance(value, datetime) else value
                elif d == "county":
                    value = county_of(value)
                key.append(value)
            out.append((tuple(key), (row["n"], row["r"] or 0, row["g"] or 0, row["h"] or 0)))
        return _merge(out)

    def rates(self, first_month: date, end: date) -> dict[date, dict[str, rates.Rate]]:
        """Month by month, with the functions of rates.py themselves."""
        qs = self.cases()
        out = {}
        month = first_month
        while month < end:
            period = rates.Period.month(month.year, month.month)
            out[month] = {
                "timely_acceptance": rates.timely_acceptance(qs, period, now=self.now),
                "on_time_reply": rates.on_time_reply(qs, period, now=self.now),
                "satisfaction": rates.satisfaction(qs, period, now=self.now),
            }
            month = add_months(month, 1)
        return out


def source_for(user, scope: Scope, filters: Filters, today: date, now: datetime):
    if scope.mode == ROLLUP:
        return RollupSource(scope, filters, today)
    return LiveSource(user, filters, today, now)
