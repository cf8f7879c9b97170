"""What is overdue now: running clocks past their due time, within the counted cases."""

from datetime import datetime

from django.db.models import Count, QuerySet
from django.urls import reverse

from xinfang.cases.models import Case
from xinfang.orgs.models import Org
from xinfang.rules.kinds import ClockKind, ClockState
from xinfang.rules.models import Clock

KIND_LABELS = dict(ClockKind.choices)
# The petitioner's own windows (to rate, to ask for review) are not a duty of
# any org: one that lapses is not "overdue work".
PETITIONER_WINDOWS = (ClockKind.EVALUATE, ClockKind.REVIEW_REQUEST, ClockKind.REEXAMINE_REQUEST)
ORG_KINDS = [k for k in ClockKind.values if k not in PETITIONER_WINDOWS]


def overdue_now(cases: QuerySet[Case], now: datetime, limit: int = 10,
                counts: list[tuple[int, int]] | None = None) -> dict:
    """`counts` [(org id, n)], when the caller has them from the rollups; else
    counted here by current org over the running clocks of `cases`."""
    clocks = Clock.objects.filter(state=ClockState.RUNNING, due_at__lt=now, kind__in=ORG_KINDS, case__in=cases)
    if counts is None:
        counts = list(clocks.values_list("case__current_org_id").annotate(n=Count("id")).order_by())
    per_org = [{"case__current_org_id": org, "n": n} for org, n in sorted(counts, key=lambda x: (-x[1], x[0]))]
    by_org = per_org[:limit]
    names = dict(Org.objects.filter(pk__in=[r["case__current_org_id"] for r in by_org]).values_list("id", "name"))
    oldest = clocks.select_related("case", "case__current_org").order_by("due_at")[:limit]
    return {
        "count": sum(r["n"] for r in per_org),
        "by_org": [{"name": names.get(r["case__current_org_id"], "—"), "value": r["n"]} for r in by_org],
        "items": [{
            "number": c.case.number, "title": c.case.title, "org": c.case.current_org.name,
            "kind": KIND_LABELS.get(c.kind, c.kind), "due": c.due_at.isoformat(),
            "days_over": (now - c.due_at).days, "url": reverse("cases:detail", args=[c.case_id]),
        } for c in oldest],
    }
