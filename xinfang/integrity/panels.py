"""What the two template slots show: the case panel and the queue section."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from xinfang.cases.models import Case, CasePetitioner, Petitioner
from xinfang.orgs.access import can_see_identity, visible_cases

from .access import may_link, may_resolve, visible_flags
from .conf import setting
from .models import CaseLink, Flag, LinkState, Rule

QUEUE_LIMIT = 100  # per rule


@dataclass
class CasePanel:
    case: Case
    links: list[CaseLink]
    can_link: bool
    repeat_count: int
    person_cases: int | None  # None: the viewer may not see identity
    group: bool
    large_scale: bool
    headcount: int
    flags: list[Flag]
    group_threshold: int
    large_threshold: int


def repeat_count(case: Case) -> int:
    """Repeat submissions on the case plus later cases confirmed as the same matter."""
    later = CaseLink.objects.filter(earlier=case, state=LinkState.CONFIRMED).count()
    return max(case.submission_count - 1, 0) + later


def person_case_count(case: Case) -> int:
    """Cases of the case's petitioners (same person row or same blind indexes)."""
    people = list(Petitioner.objects.filter(case_links__case=case).values_list("pk", "id_number_index",
                                                                                "phone_index"))
    if not people:
        return 0
    match = Q(pk__in=[p[0] for p in people])
    ids = [p[1] for p in people if p[1]]
    phones = [p[2] for p in people if p[2]]
    if ids:
        match |= Q(id_number_index__in=ids)
    if phones:
        match |= Q(phone_index__in=phones)
    same = Petitioner.objects.filter(match).values("pk")
    return CasePetitioner.objects.filter(petitioner_id__in=same).values("case_id").distinct().count()


def case_panel(user, case: Case) -> CasePanel:
    visible = visible_cases(user).values("pk")
    links = list(CaseLink.objects.filter(case=case, earlier_id__in=visible)
                 .select_related("earlier", "earlier__current_org", "decided_by").order_by("state", "-score"))
    visit_max = max((s for s in case.submissions.values_list("headcount", flat=True) if s), default=0)
    size = max(case.headcount, visit_max)
    return CasePanel(
        case=case, links=links, can_link=may_link(user, case), repeat_count=repeat_count(case),
        person_cases=person_case_count(case) if can_see_identity(user, case) else None,
        group=size >= setting("GROUP_HEADCOUNT"), large_scale=size >= setting("LARGE_SCALE_HEADCOUNT"),
        headcount=size,
        flags=list(Flag.objects.filter(case=case, resolved_at__isnull=True).order_by("rule")),
        group_threshold=setting("GROUP_HEADCOUNT"), large_threshold=setting("LARGE_SCALE_HEADCOUNT"),
    )


@dataclass
class QueueGroup:
    rule: str
    label: str
    flags: list[Flag] = field(default_factory=list)
    total: int = 0


def queue_groups(user) -> list[QueueGroup]:
    if not may_resolve(user):
        return []
    open_flags = visible_flags(user).filter(resolved_at__isnull=True)
    totals = dict(open_flags.order_by().values_list("rule").annotate(n=Count("pk")))
    groups = []
    for rule in Rule:
        if not totals.get(rule.value):
            continue
        rows = list(open_flags.filter(rule=rule.value).select_related("case", "org")
                    .order_by("-raised_at", "-id")[:QUEUE_LIMIT])
        groups.append(QueueGroup(rule.value, rule.label, rows, totals[rule.value]))
    return groups
