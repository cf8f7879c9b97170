"""Dashboard data with the whole bench database, and the cost of keeping the
rollups current.

- Rollups: rebuilt once if they have never been built on this database (the
  time is printed), else folded up to the last event.
- The whole dashboard data request (every chart in one JSON response, through
  the full Django stack) for a city and a district user, default filters and
  one filtered request: p50/p95 of 20 runs. A department user's live
  aggregate path is timed too, with fewer runs.
- Incremental cost: N generated cases (with their whole histories: ~7 events
  each) and N notes on existing cases, each folded in one go, per case. Done
  inside a transaction that is rolled back, so the bench data stays as it was.
"""

import time

from django.db import transaction
from django.test import Client

from bench.inbox_bench import _client
from bench.stats import measure, summary

NEW_CASES = 200
RUNS = 20


class _Rollback(Exception):
    pass


def _get(client: Client, url: str) -> None:
    resp = client.get(url)
    if resp.status_code != 200:
        raise RuntimeError(f"{url} -> {resp.status_code}: {resp.content[:200]!r}")


def ensure_rollups() -> None:
    from xinfang.analytics.models import RollupMark
    from xinfang.analytics.rollups import MARK, fold_all, rebuild

    mark = RollupMark.objects.filter(name=MARK).first()
    t = time.perf_counter()
    if mark is None or mark.rebuilt_at is None:
        print("rebuilding rollups (first time on this database) …", flush=True)
        done = rebuild()
        print(f"rebuild_rollups: {done:,} cases in {time.perf_counter() - t:.0f} s")
    else:
        result = fold_all()
        print(f"rollups caught up: {result} in {time.perf_counter() - t:.1f} s")


def _incremental() -> None:
    from django.utils import timezone

    from xinfang.analytics.rollups import fold_all, refresh_cases
    from xinfang.cases.events import record_event
    from xinfang.cases.models import Case, CaseEvent
    from xinfang.demo.generator import generate_cases

    try:
        with transaction.atomic():
            before = CaseEvent.objects.count()
            generate_cases(NEW_CASES, seed=int(time.time()), months=1, method="orm")
            events = CaseEvent.objects.count() - before
            t = time.perf_counter()
            result = fold_all()
            ms = (time.perf_counter() - t) * 1000
            print(f"fold {NEW_CASES} new cases ({events} events, {result.get('cases')} cases): "
                  f"{ms:.0f} ms = {ms / NEW_CASES:.2f} ms per new case")
            cases = list(Case.objects.order_by("?")[:NEW_CASES])
            now = timezone.now()
            for case in cases:
                record_event(case, "note", note="bench", at=now)
            t = time.perf_counter()
            fold_all()
            ms = (time.perf_counter() - t) * 1000
            print(f"fold {NEW_CASES} events on existing cases: {ms:.0f} ms = {ms / NEW_CASES:.2f} ms per case")
            t = time.perf_counter()
            refresh_cases([c.pk for c in cases[:1]], now)
            print(f"refresh of a single case (one fold round trip): {(time.perf_counter() - t) * 1000:.1f} ms")
            raise _Rollback
    except _Rollback:
        pass


def run() -> None:
    from xinfang.cases.models import Case, Category

    print("\n== analytics dashboard (all charts, one JSON request) ==")
    ensure_rollups()
    top = Category.objects.filter(parent__isnull=True).order_by("code").first()
    filtered = f"?region=320213&channel=online&category={top.pk if top else ''}"
    city_filtered = f"?region=320281&category={top.pk if top else ''}&granularity=week"
    for username, label, extra in [
        ("wx_analyst", "city analyst", city_filtered),
        ("lx_leader", "district leader", filtered),
    ]:
        client = _client(username)
        print(summary(f"dashboard default filters, {label}", measure(lambda c=client: _get(c, "/analytics/data/"),
                                                                     runs=RUNS)))
        print(summary(f"dashboard filtered, {label}",
                      measure(lambda c=client, q=extra: _get(c, "/analytics/data/" + q), runs=RUNS)))
    client = _client("wx_zj_handler")
    print(summary("dashboard default, city department (live queries)",
                  measure(lambda: _get(client, "/analytics/data/"), runs=3, warmup=0)))
    print(f"(cases in database: {Case.objects.count():,})")
    print("\n== analytics rollups: incremental fold cost ==")
    _incremental()
