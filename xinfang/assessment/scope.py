"""Which cases a member of staff may assess: the region subtrees they see
whole (region_scopes), or else only the cases visible to them. Third-party
evaluators and the admin roles are not staff here."""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.access import case_seats, region_scopes, visible_cases
from xinfang.orgs.models import Region, Role

from .rates import Scope


def is_staff_viewer(user) -> bool:
    return any(s.role != Role.EVALUATOR for s in case_seats(user))


def require_staff(user) -> None:
    if not is_staff_viewer(user):
        raise PermissionDenied("只有信访工作人员可以查看考核评价")


def region_choices(user) -> list[Region]:
    """The user's whole-subtree regions and the regions below them down to county level."""
    codes = sorted(region_scopes(user))
    found: list[Region] = []
    for code in codes:
        found += list(Region.objects.filter(code__gte=code, code__lt=code + "\uffff", level__lte=3)
                      .order_by("code"))
    return found


def scope_for(user, region_code: str | None) -> Scope:
    """A region the user sees whole counts every case in it; any other choice
    (or none, for a department) counts only what visible_cases allows."""
    scopes = region_scopes(user)
    if region_code and any(region_code.startswith(code) for code in scopes):
        return Scope(region_code)
    if not region_code and scopes:
        return Scope(min(scopes, key=len))
    if region_code and not Region.objects.filter(code=region_code).exists():
        raise PermissionDenied("区划不存在")
    return Scope(region_code or None, visible=visible_cases(user))
