"""研判预警 on the big database (issue 5 items 3–5): hotspots for a city user
over a month and a year, warnings, forecast page data. Needs the rollups:
`manage.py backfill_insights` (resumable) — run here if they lag behind."""

import time
from datetime import timedelta

from django.db.models import Max
from django.test import Client

from bench.stats import measure, summary


def _end_date():
    from django.utils import timezone

    from xinfang.cases.models import Case

    last = Case.objects.aggregate(m=Max("registered_at"))["m"]
    return timezone.localtime(last).date() if last else timezone.localdate()


def run() -> None:
    from xinfang.accounts.models import User
    from xinfang.insights import rollup
    from xinfang.insights.api import active_warnings, top_hotspots
    from xinfang.insights.forecasts_page import forecast_rows
    from xinfang.insights.models import RollupCursor
    from xinfang.insights.scope import scope_for

    print("\n== insights: hotspots, warnings, forecasts ==")
    t = time.perf_counter()
    n = rollup.ingest_new()["counted"]
    cursor = RollupCursor.objects.filter(name=rollup.CURSOR).first()
    print(f"rollups brought up to date: {n:,} new cases in {time.perf_counter() - t:.1f} s "
          f"({cursor.cases_counted if cursor else 0:,} counted in all)")
    end = _end_date()
    month, year = end - timedelta(days=29), end - timedelta(days=364)
    city = User.objects.get(username="wx_registrar")
    county = User.objects.get(username="lx_registrar")
    dept = User.objects.get(username="wx_zj_handler")
    print(f"period ends {end}; month from {month}, year from {year}")

    # Forecasts, surges and clusters are cached per rollup version: time one
    # cold call of each first (what the first viewer after a new batch waits).
    from django.core.cache import cache

    scope = scope_for(city)
    for label, fn in [("forecast rows, city, cold", lambda: forecast_rows(scope, end, 8)),
                      ("active_warnings month, city, cold", lambda: active_warnings(city, month, end))]:
        cache.clear()
        t = time.perf_counter()
        fn()
        print(f"{label:<48} {1000 * (time.perf_counter() - t):8.1f} ms (one call)")

    for label, user in [("city bureau", city), ("district bureau", county)]:
        print(summary(f"top_hotspots month, {label}", measure(lambda u=user: top_hotspots(u, month, end), runs=15)))
        print(summary(f"top_hotspots year, {label}", measure(lambda u=user: top_hotspots(u, year, end), runs=5,
                                                               warmup=1)))
    print(summary("top_hotspots month, department (live)",
                  measure(lambda: top_hotspots(dept, month, end), runs=5, warmup=1)))
    client = Client()
    client.force_login(city)
    q = f"start={month}&end={end}"
    print(summary("hotspots page month (+emerging), city", measure(
        lambda: _ok(client, f"/insights/hotspots/?{q}"), runs=10, warmup=1)))
    print(summary("drill-down page (term=电梯), city", measure(
        lambda: _ok(client, f"/insights/hotspots/?{q}&term=电梯"), runs=10, warmup=1)))
    print(summary("active_warnings month, city", measure(lambda: active_warnings(city, month, end), runs=5,
                                                          warmup=1)))
    print(summary("active_warnings month, district", measure(lambda: active_warnings(county, month, end), runs=5,
                                                              warmup=1)))
    print(summary("forecast rows (104 wk history, 8 ahead), city", measure(
        lambda: forecast_rows(scope, end, 8), runs=5, warmup=1)))
    print(summary("forecasts page, city", measure(lambda: _ok(client, f"/insights/forecasts/?end={end}"),
                                                  runs=5, warmup=1)))
    top = top_hotspots(city, month, end, limit=10)
    print("top phrases, city, last month: " + " ".join(f"{h['phrase']}({h['count']})" for h in top))
    rows = forecast_rows(scope, end, 8)
    chosen = [r.result.mape for r in rows if r.result and r.result.mape is not None]
    naive = [r.result.naive_mape for r in rows if r.result and r.result.naive_mape is not None]
    if chosen:
        print(f"forecast backtest, {len(chosen)} series: mean MAPE {sum(chosen) / len(chosen):.1f}% "
              f"vs naive {sum(naive) / len(naive):.1f}%")


def _ok(client: Client, url: str) -> None:
    resp = client.get(url)
    if resp.status_code != 200:
        raise RuntimeError(f"{url} -> {resp.status_code}")
