"""What part of the rollups a user may read.

Rollups are keyed by county-level region, so they can answer for users whose
whole view is one or more region subtrees of county level or above (bureaus,
governments, leaders, supervisors, analysts). Everyone else — a department
that sees only the cases it handled, a town — gets figures computed live from
`visible_cases(user)`: slower, but never more than they may see.

A region-wide user may also see a few cases outside their region that their
org handled; the rollup view leaves those out, which errs on the side of
showing less, never more.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.orgs.access import region_scopes, visible_cases


@dataclass(frozen=True)
class Scope:
    codes: tuple[str, ...] | None  # region prefixes for rollups; None = compute live
    live: QuerySet[Case] | None  # the user's visible cases when computing live
    empty: bool = False

    def rollup_q(self, field: str = "region") -> Q:
        q = Q(pk__in=[])
        for code in self.codes or ():
            q |= Q(**{f"{field}__gte": code, f"{field}__lt": code + "\uffff"})
        return q

    def cases(self) -> QuerySet[Case]:
        """The cases this scope covers (region ranges on their index, or the live set)."""
        if self.empty:
            return Case.objects.none()
        if self.codes is not None:
            return Case.objects.filter(self.rollup_q("issue_region_id"))
        assert self.live is not None
        return self.live


def scope_for(user, region_code: str | None = None) -> Scope:
    codes = region_scopes(user)
    if codes and all(len(c) <= 6 for c in codes):
        if region_code:
            inside = [c for c in codes if region_code.startswith(c)]
            narrower = [c for c in codes if c.startswith(region_code)]
            picked = tuple([region_code] if inside else narrower)
            if not picked:
                return Scope(codes=(), live=None, empty=True)
            if len(region_code) > 6 and inside:
                return Scope(codes=None, live=_region_filter(visible_cases(user), region_code))
            return Scope(codes=picked, live=None)
        return Scope(codes=tuple(sorted(codes)), live=None)
    qs = visible_cases(user)
    if region_code:
        qs = _region_filter(qs, region_code)
    return Scope(codes=None, live=qs, empty=not codes and not _has_seats(user))


def _has_seats(user) -> bool:
    from xinfang.orgs.access import case_seats

    return bool(case_seats(user))


def _region_filter(qs: QuerySet[Case], code: str) -> QuerySet[Case]:
    return qs.filter(issue_region_id__gte=code, issue_region_id__lt=code + "\uffff")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
