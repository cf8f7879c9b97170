"""Read side for staff: the cases petitioners rated 不满意 online."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.models_procedure import Evaluation, Rating
from xinfang.orgs.access import case_seats, visible_cases
from xinfang.orgs.models import Role


def dissatisfied_cases(user) -> QuerySet[Case]:
    """The supervisor's queue: visible cases with a 不满意 rating (of the bureau or
    the handling org) that no 责令重新办理 has answered since, newest first.
    Empty for anyone without a supervisor seat."""
    if not any(s.role == Role.SUPERVISOR for s in case_seats(user)):
        return Case.objects.none()
    latest = (Evaluation.objects.filter(case=OuterRef("pk"), rating=Rating.DISSATISFIED)
              .order_by("-at").values("at")[:1])
    answered = CaseEvent.objects.filter(case=OuterRef("pk"), action="rehandle", at__gt=OuterRef("dissatisfied_at"))
    return (visible_cases(user).annotate(dissatisfied_at=Subquery(latest))
            .filter(dissatisfied_at__isnull=False).exclude(Exists(answered))
            .order_by("-dissatisfied_at", "-id"))
