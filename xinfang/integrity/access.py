"""Who may see and act on integrity findings. Built on orgs.access: a flag
about a case is visible with the case; a flag about an org to anyone whose
seat's org tree or region scope contains it."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from xinfang.cases.models import Case
from xinfang.cases.workflow import ANY_STAFF, DISPOSERS
from xinfang.cases.workflow_access import seat_for
from xinfang.orgs.access import case_seats, region_scopes, visible_cases
from xinfang.orgs.models import Org, Role

from .models import Flag

SUPERVISING_ROLES = {Role.SUPERVISOR, Role.LEADER}


def may_link(user, case: Case) -> bool:
    """Confirming or rejecting a repeat link is the work of staff who can act
    on the case: the holder's staff, or the registering / covering bureau's window."""
    return (seat_for(user, case, ANY_STAFF, "holder") is not None
            or seat_for(user, case, DISPOSERS, "bureau_in_scope") is not None)


def may_resolve(user) -> bool:
    return any(s.role in SUPERVISING_ROLES for s in case_seats(user))


def visible_orgs(user) -> QuerySet[Org]:
    seats = case_seats(user)
    if not seats:
        return Org.objects.none()
    parts = [Q(path__startswith=s.org_path) for s in seats]
    parts += [Q(region__code__startswith=code) for code in region_scopes(user)]
    return Org.objects.filter(reduce(or_, parts))


def visible_flags(user) -> QuerySet[Flag]:
    """Case flags on visible cases, org flags on visible orgs."""
    if not case_seats(user):
        return Flag.objects.none()
    on_cases = Q(case__isnull=False, case_id__in=visible_cases(user).values("pk"))
    on_orgs = Q(case__isnull=True, org_id__in=visible_orgs(user).values("pk"))
    return Flag.objects.filter(on_cases | on_orgs)
