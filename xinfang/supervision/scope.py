"""Who supervises whom (issue 6 §3–4).

- A supervisor (督查员) or leader of a petition bureau may order any org in the
  bureau's region subtree except the bureau itself.
- The ordered org's members see its orders; the issuing bureau sees what it
  issued; a bureau also sees every order to an org in its region subtree.
- The *supervising bureau* of an org, told when the org's cases are overdue
  long enough, is the petition bureau of the org's superior (复查机关): for a
  county department, its county's bureau; for a county bureau, the city's."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from xinfang.orgs.access import case_seats
from xinfang.orgs.models import Membership, Org, OrgKind, Role

from .models import SupervisionOrder

ORDER_ROLES = {Role.SUPERVISOR, Role.LEADER}


def bureau_of(org: Org) -> Org | None:
    """The petition bureau belonging to `org` (itself, or its bureau child)."""
    if org.kind == OrgKind.BUREAU:
        return org
    return Org.objects.filter(parent=org, kind=OrgKind.BUREAU, is_active=True).order_by("pk").first()


def supervising_bureau(org: Org) -> Org | None:
    """Walk up the superior chain to the first bureau that is not `org` itself."""
    seen: set[int] = {org.pk}
    node = org.superior
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        bureau = bureau_of(node)
        if bureau is not None and bureau.pk != org.pk:
            return bureau
        node = node.superior
    return None


class BureauIndex:
    """`supervising_bureau` for many orgs at once, from one read of the org table
    (the sweep escalates clocks of hundreds of orgs in one go)."""

    def __init__(self) -> None:
        rows = list(Org.objects.values_list("pk", "kind", "parent_id", "superior_id", "is_active"))
        self.superior = {pk: sup for pk, _, _, sup, _ in rows}
        self.kind = {pk: kind for pk, kind, _, _, _ in rows}
        self.child_bureau: dict[int, int] = {}
        for pk, kind, parent, _, active in sorted(rows):
            if kind == OrgKind.BUREAU and active and parent is not None:
                self.child_bureau.setdefault(parent, pk)

    def bureau_id_above(self, org_id: int) -> int | None:
        seen = {org_id}
        node = self.superior.get(org_id)
        while node is not None and node not in seen:
            seen.add(node)
            bureau = node if self.kind.get(node) == OrgKind.BUREAU else self.child_bureau.get(node)
            if bureau is not None and bureau != org_id:
                return bureau
            node = self.superior.get(node)
        return None


def supervisors_of(bureau: Org) -> list[int]:
    return list(Membership.objects.filter(org=bureau, role=Role.SUPERVISOR, is_active=True, user__is_active=True)
                .values_list("user_id", flat=True).distinct())


def ordering_seats(user):
    """The bureau seats from which `user` may issue orders."""
    return [s for s in case_seats(user) if s.role in ORDER_ROLES and s.org_kind == OrgKind.BUREAU]


def may_order(user, org: Org, issuer: Org | None = None) -> bool:
    """Whether `user` may order `org` (from `issuer`, or from any of their bureaus)."""
    for s in ordering_seats(user):
        if issuer is not None and s.org_id != issuer.pk:
            continue
        if s.org_id != org.pk and org.region_id.startswith(s.region_code):
            return True
    return False


def issuer_for(user, org: Org) -> Org | None:
    """The bureau the user issues from when ordering `org`: the most local one that may."""
    seats = sorted((s for s in ordering_seats(user) if s.org_id != org.pk and org.region_id.startswith(s.region_code)),
                   key=lambda s: -len(s.region_code))
    return Org.objects.filter(pk=seats[0].org_id).first() if seats else None


def orderable_orgs(user) -> QuerySet[Org]:
    seats = ordering_seats(user)
    if not seats:
        return Org.objects.none()
    q = reduce(or_, (Q(region__code__startswith=s.region_code) for s in seats))
    return Org.objects.filter(q, is_active=True).exclude(pk__in=[s.org_id for s in seats])


def visible_orders(user) -> QuerySet[SupervisionOrder]:
    seats = case_seats(user)
    if not seats:
        return SupervisionOrder.objects.none()
    parts = [Q(issued_by_org_id__in=[s.org_id for s in seats])]
    # Drafts stay with the bureau that drafted them until issued.
    parts += [Q(org__path__startswith=s.org_path) & ~Q(status="draft") for s in seats]
    parts += [Q(org__region__code__startswith=s.region_code) & ~Q(status="draft") for s in ordering_seats(user)]
    return SupervisionOrder.objects.filter(reduce(or_, parts))


def is_issuer_side(user, order: SupervisionOrder) -> bool:
    return any(s.org_id == order.issued_by_org_id for s in ordering_seats(user))


def is_ordered_side(user, order: SupervisionOrder) -> bool:
    return any(s.org_id == order.org_id and s.role in (Role.HANDLER, Role.LEADER) for s in case_seats(user))
