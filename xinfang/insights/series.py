"""Weekly case counts per content category (top level) and per county, for
surges and forecasts: from the rollups, or live from the visible cases."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek

from xinfang.cases.models import Category
from xinfang.orgs.models import Region

from .models import VolumeWeek
from .rollup import region_key
from .scope import Scope, day_start


@dataclass
class Series:
    key: str  # "total", "category:CXJS", "region:320213"
    label: str
    weeks: list[date]
    values: np.ndarray

    @property
    def dimension(self) -> str:
        return self.key.split(":", 1)[0]


def _category_tops() -> dict[int, tuple[str, str]]:
    tops = {}
    for pk, code, name, pcode, pname in Category.objects.values_list(
            "id", "code", "name", "parent__code", "parent__name"):
        tops[pk] = (pcode, pname) if pcode else (code, name)
    return tops


def weekly_rows(scope: Scope, first: date, last: date) -> list[tuple[date, str, int, int]]:
    """(week, county key, category id, count) for the weeks first..last (Mondays)."""
    if scope.empty:
        return []
    if scope.codes is not None:
        qs = (VolumeWeek.objects.filter(scope.rollup_q(), week__gte=first, week__lte=last)
              .values_list("week", "region", "category_id").annotate(n=Sum("count")))
        return list(qs)
    assert scope.live is not None
    live = (scope.live.filter(registered_at__gte=day_start(first),
                              registered_at__lt=day_start(last + timedelta(days=7)))
            .annotate(w=TruncWeek("registered_at")).values_list("w", "issue_region_id", "category_id")
            .annotate(n=Count("id")).order_by())
    out: dict[tuple, int] = defaultdict(int)
    for w, region, cat, n in live:
        week = w.date() if hasattr(w, "date") else w
        out[(week, region_key(region), cat)] += n
    return [(*k, v) for k, v in out.items()]


def build_series(scope: Scope, last_week: date, n_weeks: int, min_total: int = 1) -> list[Series]:
    """Total, per-category and per-county series over n_weeks ending at last_week."""
    first = last_week - timedelta(weeks=n_weeks - 1)
    weeks = [first + timedelta(weeks=i) for i in range(n_weeks)]
    index = {w: i for i, w in enumerate(weeks)}
    tops = _category_tops()
    buckets: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n_weeks))
    labels: dict[str, str] = {"total": "全部"}
    for week, region, cat, n in weekly_rows(scope, first, last_week):
        i = index.get(week)
        if i is None:
            continue
        buckets["total"][i] += n
        code, name = tops.get(cat, ("?", "未分类"))
        buckets[f"category:{code}"][i] += n
        labels[f"category:{code}"] = name
        buckets[f"region:{region}"][i] += n
    region_names = dict(Region.objects.filter(
        code__in=[k.split(":")[1] for k in buckets if k.startswith("region:")]).values_list("code", "name"))
    for key in buckets:
        if key.startswith("region:"):
            labels[key] = region_names.get(key.split(":")[1], key.split(":")[1])
    order = sorted(buckets, key=lambda k: (k != "total", k.split(":")[0], -buckets[k].sum()))
    return [Series(k, labels[k], weeks, buckets[k]) for k in order if buckets[k].sum() >= min_total]
