"""The supervision queue (issue 6 §3): what a supervisor or leader should chase
now — cases overdue, cases about to be, and cases the petitioner rated 不满意."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet

from xinfang.cases.models import Case
from xinfang.orgs.access import case_seats, visible_cases
from xinfang.orgs.models import Role
from xinfang.portal.queries import dissatisfied_cases
from xinfang.rules.kinds import ClockState
from xinfang.rules.models import Clock

SOON = timedelta(days=2)
LIMIT = 200  # per section; the page is a worklist, not a report
QUEUE_ROLES = {Role.SUPERVISOR, Role.LEADER}


@dataclass
class SupervisionQueue:
    overdue: list[Clock] = field(default_factory=list)
    due_soon: list[Clock] = field(default_factory=list)
    dissatisfied: list[Case] = field(default_factory=list)


def may_supervise(user) -> bool:
    return any(s.role in QUEUE_ROLES for s in case_seats(user))


def _running_clocks(user) -> QuerySet[Clock]:
    return (Clock.objects.filter(state=ClockState.RUNNING, case__in=visible_cases(user).values("pk"))
            .select_related("case", "case__current_org").order_by("due_at", "pk"))


def supervision_queue(user, now: datetime) -> SupervisionQueue:
    """Each row of the clock sections is one running clock (with its case), so a
    case with two clocks running late shows under both kinds."""
    if not may_supervise(user):
        return SupervisionQueue()
    clocks = _running_clocks(user)
    return SupervisionQueue(
        overdue=list(clocks.filter(due_at__lte=now)[:LIMIT]),
        due_soon=list(clocks.filter(due_at__gt=now, due_at__lte=now + SOON)[:LIMIT]),
        dissatisfied=list(dissatisfied_cases(user).select_related("current_org")[:LIMIT]),
    )
