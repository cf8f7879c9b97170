"""Who may see which case. Every list, search, export, API and dashboard starts
from `visible_cases(user)`; every detail view from `get_case_for_user`.

- Any org sees the cases it (or an org below it in the tree) has touched.
- A petition bureau, a government, and anyone in them acting as registrar,
  leader, supervisor or analyst, also see every case whose issue region lies in
  their region's subtree ("纵向到底").
- The three admin roles see no case at all.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from xinfang.cases.models import Case, CaseOrg

from .models import CASE_ROLES, IDENTITY_ROLES, Membership, Org, OrgKind, Role

REGION_WIDE_KINDS = {OrgKind.BUREAU, OrgKind.GOVERNMENT}
REGION_WIDE_ROLES = {Role.REGISTRAR, Role.LEADER, Role.SUPERVISOR, Role.ANALYST}


@dataclass(frozen=True)
class Seat:
    """One (org, role) the user holds; cached on the user for the request."""

    org_id: int
    org_path: str
    org_kind: str
    region_code: str
    role: str


def seats(user) -> list[Seat]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xinfang_seats", None)
    if cached is None:
        cached = [
            Seat(m.org_id, m.org.path, m.org.kind, m.org.region_id, m.role)
            for m in Membership.objects.filter(user=user, is_active=True, org__is_active=True).select_related("org")
        ]
        user._xinfang_seats = cached
    return cached


def case_seats(user) -> list[Seat]:
    return [s for s in seats(user) if s.role in CASE_ROLES]


def involved_org_ids(user) -> list[int]:
    paths = {s.org_path for s in case_seats(user)}
    if not paths:
        return []
    return list(Org.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths))).values_list("id", flat=True))


def region_scopes(user) -> set[str]:
    """Region codes whose whole subtree the user sees."""
    codes = {s.region_code for s in case_seats(user) if s.org_kind in REGION_WIDE_KINDS and s.role in REGION_WIDE_ROLES}
    # Drop codes already covered by a wider one (3202 covers 320213).
    return {c for c in codes if not any(c != o and c.startswith(o) for o in codes)}


def visibility_parts(user) -> list[Q]:
    """The conditions whose union is what the user sees: involvement, then one
    region range per scope. Kept apart so a page can run each on its own index
    (an OR across them defeats the planner on a million rows)."""
    if not case_seats(user):
        return []
    parts = [Q(Exists(CaseOrg.objects.filter(case=OuterRef("pk"), org_id__in=involved_org_ids(user))))]
    for code in region_scopes(user):
        parts.append(Q(issue_region_id__gte=code, issue_region_id__lt=code + "\uffff"))
    return parts


def visible_cases(user) -> QuerySet[Case]:
    parts = visibility_parts(user)
    if not parts:
        return Case.objects.none()
    return Case.objects.filter(reduce(or_, parts))


def get_case_for_user(user, case_id) -> Case:
    """The case, or 404 — the same 404 whether it is missing or not yours."""
    try:
        return visible_cases(user).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该信访事项") from None


def can_see_identity(user, case: Case) -> bool:
    """Whether the viewer may see the petitioner's full name, ID number and phone.

    Only roles that must contact or verify the petitioner, in an org that holds
    the case; for accusations (检举控告) only the petition bureau and discipline
    organs, and never anyone in the accused org."""
    accused_path = None
    if case.is_accusation and case.accused_org_id:
        accused_path = Org.objects.filter(pk=case.accused_org_id).values_list("path", flat=True).first()
    mine = case_seats(user)
    if accused_path and any(s.org_path.startswith(accused_path) for s in mine):
        return False
    involved = set(CaseOrg.objects.filter(case=case).values_list("org_id", flat=True))
    for s in mine:
        if s.role not in IDENTITY_ROLES:
            continue
        if case.is_accusation and s.org_kind not in (OrgKind.BUREAU, OrgKind.DISCIPLINE):
            continue
        if s.org_id in involved:
            return True
    return False
