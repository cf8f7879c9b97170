"""通报 (issue 6 §4): rank the handling orgs of a bureau's region for a period by
their overdue cases and their 按期办结率, and freeze the worst performers into a
notice document.

The figures come from `xinfang.disclosure.rates` (the same 办理 / 简易办理
clocks and counting rules as the published 三率). An org enters the ranking only
with at least `min_volume` clocks due in the period, so a department with one
late case out of one neither tops nor bottoms it; orgs below the threshold are
listed apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from xinfang.disclosure.rates import LATE, MET, MIN_VOLUME, OVERDUE, REPLY_KINDS, Period, Rate, deadline_rows
from xinfang.orgs.access import visible_cases
from xinfang.orgs.models import Org

from .models import CirculatedNotice


@dataclass(frozen=True)
class Standing:
    org_id: int
    org_name: str
    due: int  # clocks due in the period (met + late + overdue)
    met: int
    late: int
    overdue: int  # still open past the deadline
    on_time_rate: float | None

    @property
    def not_on_time(self) -> int:
        return self.late + self.overdue

    @property
    def on_time_percent(self) -> str:
        return Rate.of(self.met, self.due).percent


def standings(user, scope: Org, period: Period, now: datetime) -> list[Standing]:
    """Every org in the scope's region subtree with clocks due in the period."""
    rows = deadline_rows(visible_cases(user), REPLY_KINDS, period, now)
    per_org: dict[int, Counter] = {}
    for r in rows:
        per_org.setdefault(r.org_id, Counter())[r.outcome] += 1
    orgs = Org.objects.in_bulk(list(per_org))
    out = []
    for org_id, c in per_org.items():
        org = orgs.get(org_id)
        if org is None or not org.region_id.startswith(scope.region_id):
            continue
        due = c[MET] + c[LATE] + c[OVERDUE]
        if not due:
            continue
        out.append(Standing(org_id, org.name, due, c[MET], c[LATE], c[OVERDUE], c[MET] / due))
    return out


def worst_first(items: list[Standing], min_volume: int) -> tuple[list[Standing], list[Standing]]:
    """(ranked worst first, too small to rank): most still overdue, then the
    lowest on-time rate, then most late; ties by name so the order is stable."""
    ranked = sorted((s for s in items if s.due >= min_volume),
                    key=lambda s: (-s.overdue, s.on_time_rate or 0.0, -s.late, s.org_name))
    return ranked, sorted((s for s in items if s.due < min_volume), key=lambda s: s.org_name)


@transaction.atomic
def generate_notice(*, user, scope: Org, period: Period, worst: int = 5, min_volume: int = MIN_VOLUME,
                    now: datetime | None = None) -> CirculatedNotice:
    now = now or timezone.now()
    ranked, small = worst_first(standings(user, scope, period, now), min_volume)
    rows = [{**asdict(s), "rank": i + 1, "on_time_percent": s.on_time_percent, "listed": i < worst}
            for i, s in enumerate(ranked)]
    rows += [{**asdict(s), "rank": None, "on_time_percent": s.on_time_percent, "listed": False} for s in small]
    return CirculatedNotice.objects.create(
        scope_org=scope, period_label=period.label, period_start=period.start, period_end=period.end,
        title=f"关于{period.label}信访事项按期办结情况的通报", rows=rows, min_volume=min_volume,
        generated_by=user, generated_at=now)
