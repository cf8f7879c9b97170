"""How an actor's org stands to a case — the `relation` column of the
transitions table. Each relation is a predicate over one seat (org + role)."""

from collections.abc import Callable

from xinfang.orgs.access import Seat, case_seats
from xinfang.orgs.models import OrgKind

from .models import Case, CaseOrg
from .models_procedure import Assignment, AssignmentKind, AssignmentState


def _in_subtree(region_code: str, scope_code: str) -> bool:
    return region_code.startswith(scope_code)


def holder(seat: Seat, case: Case) -> bool:
    """The org that holds the case now."""
    return seat.org_id == case.current_org_id


def holder_bureau(seat: Seat, case: Case) -> bool:
    return holder(seat, case) and seat.org_kind == OrgKind.BUREAU


def bureau_in_scope(seat: Seat, case: Case) -> bool:
    """A petition bureau that registered the case or whose region covers it —
    the window where petitioners come back to ask for review or give a rating."""
    if seat.org_kind != OrgKind.BUREAU:
        return False
    if seat.org_id == case.registered_org_id:
        return True
    return _in_subtree(case.issue_region_id, seat.region_code)


def supervisor_above(seat: Seat, case: Case) -> bool:
    """A supervisor of a petition bureau whose region covers the case."""
    return seat.org_kind == OrgKind.BUREAU and _in_subtree(case.issue_region_id, seat.region_code)


def delegate(seat: Seat, case: Case) -> bool:
    """An org the holder delegated the investigation to, not yet reported."""
    return Assignment.objects.filter(
        case=case, kind=AssignmentKind.DELEGATE, to_org_id=seat.org_id, state=AssignmentState.OPEN
    ).exists()


def assignee(seat: Seat, case: Case) -> bool:
    """An org the case was assigned (交办) to, owing its report back."""
    return Assignment.objects.filter(
        case=case, kind=AssignmentKind.ASSIGN, to_org_id=seat.org_id, report_back_required=True,
        state=AssignmentState.ACCEPTED,
    ).exists()


RELATIONS: dict[str, Callable[[Seat, Case], bool]] = {
    "holder": holder,
    "holder_bureau": holder_bureau,
    "bureau_in_scope": bureau_in_scope,
    "supervisor_above": supervisor_above,
    "delegate": delegate,
    "assignee": assignee,
}

RELATION_LABELS = {
    "holder": "当前办理单位",
    "holder_bureau": "当前办理的信访部门",
    "bureau_in_scope": "登记或属地信访部门",
    "supervisor_above": "属地上级信访部门督查",
    "delegate": "受托调查的下级单位",
    "assignee": "承办交办事项的单位",
}


def seat_for(user, case: Case, roles: frozenset[str], relation: str) -> Seat | None:
    """The first of the user's seats that may act, or None."""
    check = RELATIONS[relation]
    for seat in case_seats(user):
        if seat.role in roles and check(seat, case):
            return seat
    return None


def involve(case: Case, org_id: int, relation: str) -> None:
    CaseOrg.objects.get_or_create(case=case, org_id=org_id, defaults={"relation": relation})
