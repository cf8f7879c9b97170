"""A year of city-wide 三率 (issue 6): all four rates, for the handling orgs
and for the petition bureaus, per org, as the assessment page computes them
for the city bureau leader (every case whose issue lies in 无锡市).

Whole months come from the monthly tallies (xinfang/assessment/tallies.py,
refreshed hourly by a job); the bench refreshes them first when none cover
the year and reports how long that took, then times the table (20 runs), the
full page request, a live drill-down page, and once, for comparison, the same
year counted live without the tallies."""

import statistics
import time
from datetime import date, timedelta

from django.db.models import Max
from django.test import Client

from bench.stats import measure, pct, summary


def _year() -> tuple[date, date]:
    """The 12 whole months before the month of the newest case."""
    from xinfang.cases.models import Case
    from xinfang.rules.calendar import local_date

    end = local_date(Case.objects.aggregate(m=Max("registered_at"))["m"]).replace(day=1)
    return end.replace(year=end.year - 1), end - timedelta(days=1)


def _ensure_tallies(first: date, last: date) -> None:
    from xinfang.assessment import tallies
    from xinfang.assessment.tables import period_between

    months, _ = tallies.split(period_between(first, last))
    if len(tallies.covering_runs(months)) == len(months):
        return
    t = time.perf_counter()
    run = tallies.refresh(first, last)
    print(f"refreshed monthly tallies {run.first_month:%Y-%m}..{run.last_month:%Y-%m} in "
          f"{time.perf_counter() - t:.1f} s (the hourly job's cost for 12 months)")


def run() -> None:
    from django.utils import timezone

    from xinfang.accounts.models import User
    from xinfang.assessment import tables
    from xinfang.assessment.scope import scope_for
    from xinfang.assessment.tables import period_between, rates_table
    from xinfang.rules.models import Clock

    first, last = _year()
    period = period_between(first, last)
    leader = User.objects.get(username="wx_leader")
    scope = scope_for(leader, None)
    print(f"\n== assessment: a year of city-wide rates ({period.label}, region {scope.region_code}) ==")
    items = Clock.objects.filter(due_at__gte=period.start, due_at__lt=period.end).count()
    print(f"clocks falling due in the year: {items:,}")
    _ensure_tallies(first, last)
    now = timezone.now()
    both: list[list[float]] = []
    for target in ("handler", "bureau"):
        table = rates_table(scope, period, now, target=target)
        print(f"{target}: {len(table.rows)} orgs · " + " · ".join(f.explained for f in table.totals))
        times = measure(lambda t=target: rates_table(scope, period, now, target=t), runs=20, warmup=2)
        print(summary(f"year city-wide, 4 rates per org ({target})", times))
        both.append(times)
    together = [a + b for a, b in zip(*both, strict=True)]
    print(summary("year city-wide, handler + bureau together", together))
    print(f"(median {statistics.median(together):.0f} ms, p95 {pct(together, 0.95):.0f} ms; aim ≤ 1000 ms)")

    client = Client()
    client.force_login(leader)
    url = f"/assessment/?start={first}&end={last}"
    page = measure(lambda: client.get(url), runs=20, warmup=2)
    print(summary("rates page, full request (handler tab)", page))
    org = rates_table(scope, period, now, target="handler").rows[0].key
    drill = f"/assessment/drill/?start={first}&end={last}&key=on_time_reply&part=denominator&org={org}"
    print(summary("drill-down page, live (one org, first 50 items)", measure(lambda: client.get(drill), runs=5,
                                                                          warmup=1)))

    tables.USE_TALLIES = False
    try:
        for target in ("handler", "bureau"):
            t = time.perf_counter()
            rates_table(scope, period, now, target=target)
            print(f"for comparison, the same year counted live ({target}): {time.perf_counter() - t:.1f} s (1 run)")
    finally:
        tables.USE_TALLIES = True
