"""Hotspots (热点) and emerging topics (新发热点) for a period and region.

weight  = cases mentioning the phrase in the period × IDF over the whole corpus
          (log((N + 1) / (cases mentioning it anywhere + 1))): frequent here,
          and not a word every petition uses.
growth  = (weekly rate in the period + prior) / (weekly rate in the baseline + prior) − 1,
          where the baseline is the max(8, period) weeks just before the period
          and the prior (one case a week) keeps 1 → 3 cases from looking like +200 %.
Periods are counted in whole weeks (Monday to Sunday), the unit of the rollups.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from xinfang.orgs.models import Region

from .models import RollupCursor, TermTotal, TermWeek
from .phrases import shown
from .rollup import CURSOR, _names_by_case, phrases_for
from .scope import Scope, day_start, monday

LIVE_CAP = 5_000  # newest cases read when computing live (plain fallback)
CANDIDATES = 400  # most frequent phrases considered for the TF-IDF ranking
MIN_COUNT = 2
MIN_EMERGING = 5
MIN_BASELINE_WEEKS = 8
PRIOR = 1.0


@dataclass
class Hotspot:
    phrase: str
    weight: float
    count: int
    baseline: int
    growth: float | None
    url: str

    def as_dict(self) -> dict:
        return {"phrase": self.phrase, "weight": self.weight, "count": self.count, "growth": self.growth,
                "url": self.url}


def week_span(start: date, end: date) -> tuple[date, date, int]:
    w0, w1 = monday(start), monday(end)
    return w0, w1, (w1 - w0).days // 7 + 1


def term_counts(scope: Scope, w0: date, w1: date) -> Counter:
    """Cases per phrase registered in the weeks w0..w1 (Mondays, inclusive)."""
    if scope.empty or w1 < w0:
        return Counter()
    if scope.codes is not None:
        rows = (TermWeek.objects.filter(region__in=scope.codes, week__gte=w0, week__lte=w1)
                .values_list("term").annotate(n=Sum("count")))
        # Re-check each phrase, so editing the stop words takes effect
        # without recounting the rollups.
        places = place_names()
        return Counter({t: n for t, n in rows if shown(t) and t not in places})
    assert scope.live is not None
    live = list(scope.live.filter(registered_at__gte=day_start(w0),
                                  registered_at__lt=day_start(w1 + timedelta(days=7)))
                .order_by("-registered_at").values_list("id", "search_text")[:LIVE_CAP])
    names = _names_by_case([r[0] for r in live])
    counts: Counter = Counter()
    places = place_names()
    for case_id, text in live:
        counts.update(t for t in phrases_for(text, names.get(case_id, ())) if t not in places)
    return counts


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Names of provinces, cities and counties, with and without their suffix
    (无锡市, 无锡): the region filter already says where, and a city's own name
    tops every list of its petitions."""
    names = set()
    for name in Region.objects.filter(level__lte=3).values_list("name", flat=True):
        names.add(name)
        for suffix in ("市", "区", "县", "省"):
            if name.endswith(suffix) and len(name) > 2:
                names.add(name[: -len(suffix)])
    return frozenset(names)


def idf(terms: list[str]) -> dict[str, float]:
    cursor = RollupCursor.objects.filter(name=CURSOR).first()
    n = cursor.cases_counted if cursor else 0
    df = dict(TermTotal.objects.filter(term__in=terms).values_list("term", "count"))
    return {t: math.log((n + 1) / (df.get(t, 0) + 1)) + 1.0 for t in terms}


def drill_url(term: str, start: date, end: date, region_code: str | None, group: bool = False) -> str:
    params = {"term": term, "start": start.isoformat(), "end": end.isoformat()}
    if region_code:
        params["region"] = region_code
    if group:
        params["group"] = "1"
    return reverse("insights:hotspots") + "?" + urlencode(params)


def _growth(cur: int, weeks: int, base: int, base_weeks: int, has_baseline: bool) -> float | None:
    if not has_baseline:
        return None
    return round((cur / weeks + PRIOR) / (base / base_weeks + PRIOR) - 1.0, 3)


@dataclass
class PeriodCounts:
    """Phrase counts of a period and of its baseline, read once per page."""

    current: Counter
    base: Counter
    weeks: int
    base_weeks: int


def period_counts(scope: Scope, start: date, end: date) -> PeriodCounts:
    w0, w1, weeks = week_span(start, end)
    base_weeks = max(MIN_BASELINE_WEEKS, weeks)
    b0 = w0 - timedelta(weeks=base_weeks)
    return PeriodCounts(term_counts(scope, w0, w1), term_counts(scope, b0, w0 - timedelta(weeks=1)),
                        weeks, base_weeks)


def hotspots(scope: Scope, start: date, end: date, region_code: str | None = None,
             limit: int = 20, counts: PeriodCounts | None = None) -> list[Hotspot]:
    counts = counts or period_counts(scope, start, end)
    current, base, weeks, base_weeks = counts.current, counts.base, counts.weeks, counts.base_weeks
    top = [t for t, c in current.most_common(CANDIDATES) if c >= MIN_COUNT]
    if not top:
        return []
    weights = idf(top)
    ranked = sorted(top, key=lambda t: current[t] * weights[t], reverse=True)[:limit]
    has_base = sum(base.values()) > 0
    return [Hotspot(t, round(current[t] * weights[t], 1), current[t], base.get(t, 0),
                    _growth(current[t], weeks, base.get(t, 0), base_weeks, has_base),
                    drill_url(t, start, end, region_code)) for t in ranked]


def emerging(scope: Scope, start: date, end: date, region_code: str | None = None,
             limit: int = 20, min_growth: float = 0.5, counts: PeriodCounts | None = None) -> list[Hotspot]:
    """Phrases growing fastest against their own baseline (needs a baseline)."""
    counts = counts or period_counts(scope, start, end)
    current, base, weeks, base_weeks = counts.current, counts.base, counts.weeks, counts.base_weeks
    if not sum(base.values()):
        return []
    found = []
    for t, c in current.items():
        if c < MIN_EMERGING:
            continue
        g = _growth(c, weeks, base.get(t, 0), base_weeks, True)
        if g is not None and g >= min_growth:
            found.append(Hotspot(t, 0.0, c, base.get(t, 0), g, drill_url(t, start, end, region_code)))
    found.sort(key=lambda h: (h.growth or 0.0, h.count), reverse=True)
    found = found[:limit]
    weights = idf([h.phrase for h in found])
    for h in found:
        h.weight = round(h.count * weights[h.phrase], 1)
    return found
