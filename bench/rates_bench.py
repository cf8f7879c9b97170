"""A year of city-wide 三率 (issue 6): all four rates, for the handling orgs
and for the petition bureaus, per org, as the assessment page computes them
(the city bureau leader's scope: every case whose issue lies in 无锡市)."""

import statistics
from datetime import date

from django.db.models import Max

from bench.stats import measure, pct, summary


def _year() -> "tuple[date, date]":
    from xinfang.cases.models import Case
    from xinfang.rules.calendar import local_date

    last = Case.objects.aggregate(m=Max("registered_at"))["m"]
    end = local_date(last).replace(day=1)  # the 12 whole months before the newest month
    return end.replace(year=end.year - 1), end


def run() -> None:
    from django.utils import timezone

    from xinfang.accounts.models import User
    from xinfang.assessment.scope import scope_for
    from xinfang.assessment.tables import period_between, rates_table
    from xinfang.rules.models import Clock

    start, end = _year()
    period = period_between(start, date.fromordinal(end.toordinal() - 1))
    scope = scope_for(User.objects.get(username="wx_leader"), None)
    now = timezone.now()
    print(f"\n== assessment: a year of city-wide rates ({period.label}, region {scope.region_code}) ==")
    clocks = Clock.objects.filter(due_at__gte=period.start, due_at__lt=period.end).count()
    print(f"clocks falling due in the year: {clocks:,}")
    total = []
    for target in ("handler", "bureau"):
        table = rates_table(scope, period, now, target=target)
        figures = " · ".join(f.explained for f in table.totals)
        print(f"{target}: {len(table.rows)} orgs · {figures}")
        times = measure(lambda t=target: rates_table(scope, period, now, target=t), runs=20, warmup=2)
        print(summary(f"year city-wide, 4 rates per org ({target})", times))
        total.append(times)
    both = [a + b for a, b in zip(*total, strict=True)]
    print(summary("year city-wide, handler + bureau together", both))
    print(f"(median {statistics.median(both):.0f} ms, p95 {pct(both, 0.95):.0f} ms; aim ≤ 1000 ms)")
