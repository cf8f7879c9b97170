"""Reading the period, region and tab choices of a page from its query string."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from xinfang.disclosure.rates import Period
from xinfang.rules.calendar import LOCAL_TZ

from .rates import RATE_KEYS, Scope
from .scope import scope_for
from .tables import parse_period, period_between


def last_month() -> tuple[date, date]:
    today = timezone.now().astimezone(LOCAL_TZ).date()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


@dataclass
class Choice:
    period: Period
    start: date
    end: date
    region: str
    scope: Scope
    target: str
    group_by: str
    rank_by: str
    error: str = ""

    def query(self, **extra) -> str:
        from urllib.parse import urlencode

        base = {"start": self.start.isoformat(), "end": self.end.isoformat(), "region": self.region,
                "target": self.target, "group": self.group_by, "rank_by": self.rank_by}
        return urlencode(base | extra)


def read(request) -> Choice:
    g = request.GET
    start, end = last_month()
    error = ""
    try:
        if g.get("start") or g.get("end"):
            period = parse_period(g.get("start", ""), g.get("end", ""))
            start, end = period.start.date(), (period.end - timedelta(days=1)).date()
        else:
            period = period_between(start, end)
    except ValueError as e:
        error = str(e)
        period = period_between(start, end)
    scope = scope_for(request.user, g.get("region", "").strip() or None)
    target = g.get("target") if g.get("target") in ("handler", "bureau") else "handler"
    group_by = g.get("group") if g.get("group") in ("org", "region") else "org"
    rank_by = g.get("rank_by") if g.get("rank_by") in RATE_KEYS else "on_time_reply"
    return Choice(period, start, end, scope.region_code or "", scope, target, group_by, rank_by, error)
